// End-to-end: build the site with Vite, serve it with `vite preview`, and load
// it in real Chromium (Debian's, driven by playwright-core). Every value is
// read back from the rendered DOM.

import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = 'build/site-test';
const screenshot = join(root, 'build/screenshots/seed-page.png');
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let server: PreviewServer;
let browser: Browser;
let page: Page;
let url: string;
const consoleErrors: string[] = [];
const pageErrors: string[] = [];
const requests: string[] = [];
const requestsAfterLoad: string[] = [];

interface GridInfo {
  label: string | null;
  role: string | null;
  rowcount: string | null;
  colcount: string | null;
  /** The text of every role="gridcell", row by row. */
  cells: number[][];
  dataValues: string | null;
}

/** Reads a grid the way a user (or a screen reader) sees it: the cell text, row by row. */
async function readGrid(p: Page, selector: string): Promise<GridInfo> {
  return p.$eval(selector, (table) => ({
    label: table.getAttribute('aria-label'),
    role: table.getAttribute('role'),
    rowcount: table.getAttribute('aria-rowcount'),
    colcount: table.getAttribute('aria-colcount'),
    cells: Array.from(table.querySelectorAll('[role="row"]'), (row) =>
      Array.from(row.querySelectorAll('[role="gridcell"]'), (cell) => Number(cell.textContent!.trim())),
    ),
    dataValues: table.getAttribute('data-values'),
  }));
}

beforeAll(async () => {
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  server = await preview({
    root,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, open: false },
  });
  url = server.resolvedUrls!.local[0];
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: FLAGS,
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  let loaded = false;
  page.on('load', () => (loaded = true));
  page.on('request', (r: Request) => {
    requests.push(r.url());
    if (loaded) requestsAfterLoad.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"], body[data-ready="error"]', { timeout: 30_000 });
  // Give anything that would fire late (prefetches, lazy fetches) a moment to show up.
  await page.waitForLoadState('networkidle');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('seed page', () => {
  it('loads the core and reaches ready, with no error shown', async () => {
    expect(await page.getAttribute('body', 'data-ready')).toBe('true');
    expect(await page.isVisible('#error')).toBe(false);
    expect(await page.isVisible('#status')).toBe(false);
    expect(await page.title()).toBe('tconv — transposed convolution, visible');
    // The page really fetched the WebAssembly binary from its own server.
    expect(requests.some((r) => /\.wasm(\?|$)/.test(r))).toBe(true);
  });

  it('shows the input and kernel', async () => {
    const x = await readGrid(page, '#conv-input');
    expect(x.label).toBe('Input x (4×4)');
    expect(x.cells).toEqual([
      [4, 5, 8, 7],
      [1, 8, 8, 8],
      [3, 6, 6, 4],
      [6, 5, 7, 8],
    ]);
    const k = await readGrid(page, '#kernel');
    expect(k.label).toBe('Kernel (3×3)');
    expect(k.cells).toEqual([
      [1, 4, 1],
      [1, 4, 3],
      [3, 3, 1],
    ]);
  });

  it('shows the conv2d output 2×2 = [[122, 148], [126, 134]]', async () => {
    const g = await readGrid(page, '#conv-output');
    expect(g.role).toBe('grid');
    expect(g.label).toBe('conv2d output (2×2)');
    expect([g.rowcount, g.colcount]).toEqual(['2', '2']);
    expect(g.cells).toEqual([
      [122, 148],
      [126, 134],
    ]);
    expect(g.dataValues).toBe('122,148,126,134');
    expect(await page.textContent('#conv-worked')).toContain('= 122');
  });

  it('shows the 4×16 convolution matrix C with its nonzeros highlighted', async () => {
    const expected = [
      [1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0, 0, 0, 0, 0],
      [0, 1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0, 0, 0, 0],
      [0, 0, 0, 0, 1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0],
      [0, 0, 0, 0, 0, 1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1],
    ];
    const g = await readGrid(page, '#conv-matrix');
    expect(g.role).toBe('grid');
    expect(g.label).toBe('Convolution matrix C (4×16)');
    expect([g.rowcount, g.colcount]).toEqual(['4', '16']);
    expect(g.cells).toEqual(expected);
    expect(g.dataValues).toBe(expected.flat().join(','));

    // Highlighted cells are exactly the nonzeros.
    const highlighted = await page.$$eval('#conv-matrix [role="gridcell"]', (cells) =>
      cells.map((c) => c.classList.contains('nz')),
    );
    expect(highlighted).toEqual(expected.flat().map((v) => v !== 0));
    const [nzBg, zeroBg] = await page.$$eval('#conv-matrix [role="gridcell"]', (cells) =>
      [cells[0], cells[3]].map((c) => getComputedStyle(c).backgroundColor),
    );
    expect(nzBg).not.toBe(zeroBg);
    expect(await page.getAttribute('#matrix-check', 'data-ok')).toBe('true');
  });

  it('shows conv_transpose2d of y = [[2, 1], [4, 4]] as the 4×4 one-to-many output', async () => {
    const y = await readGrid(page, '#transposed-input');
    expect(y.label).toBe('Transposed input y (2×2)');
    expect(y.cells).toEqual([
      [2, 1],
      [4, 4],
    ]);
    const g = await readGrid(page, '#transposed-output');
    expect(g.role).toBe('grid');
    expect(g.label).toBe('conv_transpose2d output (4×4)');
    expect([g.rowcount, g.colcount]).toEqual(['4', '4']);
    expect(g.cells).toEqual([
      [2, 9, 6, 1],
      [6, 29, 30, 7],
      [10, 29, 33, 13],
      [12, 24, 16, 4],
    ]);
    expect(await page.getAttribute('#transpose-check', 'data-ok')).toBe('true');
  });

  it('every grid is an ARIA grid whose row/column counts match its cells', async () => {
    const grids = await page.$$eval('table', (tables) =>
      tables.map((t) => ({
        id: t.id,
        role: t.getAttribute('role'),
        label: t.getAttribute('aria-label'),
        rows: Number(t.getAttribute('aria-rowcount')),
        cols: Number(t.getAttribute('aria-colcount')),
        rowEls: t.querySelectorAll('[role="row"]').length,
        cellEls: t.querySelectorAll('[role="gridcell"]').length,
      })),
    );
    expect(grids.map((g) => g.id)).toEqual([
      'conv-input',
      'kernel',
      'conv-output',
      'conv-matrix',
      'transposed-input',
      'transposed-kernel',
      'transposed-output',
    ]);
    for (const g of grids) {
      expect(g.role, g.id).toBe('grid');
      expect(g.label, g.id).toMatch(/\(\d+×\d+\)$/);
      expect(g.rowEls, g.id).toBe(g.rows);
      expect(g.cellEls, g.id).toBe(g.rows * g.cols);
    }
  });

  it('logs no console errors and throws no page errors', () => {
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('makes no request to another origin', () => {
    const origin = new URL(url).origin;
    const foreign = (list: string[]) =>
      list.filter((r) => !r.startsWith('data:') && !r.startsWith('blob:') && new URL(r).origin !== origin);
    expect(requests.length).toBeGreaterThan(0);
    expect(foreign(requests)).toEqual([]);
    expect(foreign(requestsAfterLoad)).toEqual([]);
  });

  it('shows a visible error when the core cannot load', async () => {
    const broken = await browser.newPage();
    const errors: string[] = [];
    broken.on('pageerror', (e) => errors.push(String(e)));
    await broken.route(/\.wasm(\?|$)/, (route) => route.abort());
    await broken.goto(url);
    await broken.waitForSelector('body[data-ready="error"]', { timeout: 30_000 });
    expect(await broken.isVisible('#error')).toBe(true);
    expect(await broken.getAttribute('#error', 'role')).toBe('alert');
    expect((await broken.textContent('#error'))!.trim().length).toBeGreaterThan(10);
    expect(await broken.isVisible('#content')).toBe(false);
    expect(errors).toEqual([]); // handled, not an uncaught error
    await broken.close();
  });

  it('saves a full-page screenshot', async () => {
    mkdirSync(dirname(screenshot), { recursive: true });
    const png = await page.screenshot({ path: screenshot, fullPage: true });
    expect(png.length).toBeGreaterThan(10_000);
  });
});
