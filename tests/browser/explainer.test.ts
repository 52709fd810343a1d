// End-to-end tests of the explainer page in real Chromium (Debian's, driven by
// playwright-core) against the site the global setup built for every suite
// (support.ts serves it). Everything is read back from the rendered DOM
// (through the open shadow roots of <tconv-matrix> and <tconv-grid>); the
// expected numbers are computed here, in the test process, by the same WASM
// core loaded in Node. Every test fails if a page it opened logged an error
// (consoleChecks) or asked another origin for anything.

import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { parseConfig } from '../../web/lib/explainer/config.js';
import { buildModel } from '../../web/lib/explainer/model.js';
import { chapters, stepCounter } from '../../web/lib/explainer/timeline.js';
import { presetValues } from '../../web/lib/explainer/values.js';
import { type TokenName, TOKENS } from '../../web/components/shared/theme-tokens.js';
import { createTconv, type Tconv, type Tensor } from '../../web/lib/node.js';
import { consoleChecks, launchChromium, serveSite, type SiteServer } from './support.js';

const checks = consoleChecks();

let server: SiteServer;
let browser: Browser;
let url: string;
let tc: Tconv;
/**
 * Requests the pages opened by the running test made to another origin (the
 * site promises none). Checked and emptied after each test (afterEach below),
 * so no test sees another's.
 */
const foreign: string[] = [];

const SEED_X = [4, 5, 8, 7, 1, 8, 8, 8, 3, 6, 6, 4, 6, 5, 7, 8];
const SEED_K = [1, 4, 1, 1, 4, 3, 3, 3, 1];
const SEED_Y = [2, 1, 4, 4];

const t4 = (h: number, w: number, data: number[] | Float32Array): Tensor => ({
  shape: [1, 1, h, w],
  data: Float32Array.from(data),
});

interface OpenOptions {
  width?: number;
  height?: number;
  dark?: boolean;
  /** prefers-reduced-motion: reduce (the default here: the player starts paused, steps fade). */
  reduced?: boolean;
  permissions?: string[];
  /** Called with the URL of every request the page makes. */
  onRequest?: (url: string) => void;
}

/** Fails the running test on the page's console errors and uncaught errors (consoleChecks), and its requests to another origin. */
function watch(page: Page): void {
  checks.watch(page);
  const origin = new URL(url).origin;
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin) foreign.push(u);
  });
}

async function open(query = '', options: OpenOptions = {}): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    colorScheme: options.dark ? 'dark' : 'light',
    reducedMotion: options.reduced === false ? 'no-preference' : 'reduce',
  });
  if (options.permissions) await context.grantPermissions(options.permissions, { origin: new URL(url).origin });
  const page = await context.newPage();
  watch(page);
  if (options.onRequest) page.on('request', (r) => options.onRequest!(r.url()));
  await page.goto(url + query, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"], body[data-ready="error"]', { timeout: 30_000 });
  return { page, context };
}

interface GridRead {
  label: string | null;
  rowcount: number;
  colcount: number;
  density: string | null;
  /** Cell text row by row as numbers; null for a cell not yet computed (empty). */
  cells: (number | null)[][];
  /** Each cell's accessible name. */
  names: string[];
  /** Indices of cells with the highlight / active ring. */
  highlighted: number[];
  active: number[];
}

/** Reads one grid of the explainer the way a screen reader sees it. */
/** Presses Tab (from the top of the page) until focus is inside the explainer: its first stop is the selected chapter tab. */
async function tabIntoExplainer(page: Page): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    const inside = await page.evaluate(() => document.activeElement?.localName === 'tconv-matrix');
    if (inside) return;
  }
  throw new Error('Tab never reached the explainer');
}

function readGrid(page: Page, id: string): Promise<GridRead | null> {
  return page.evaluate((id) => {
    const host = document.querySelector('tconv-matrix')?.shadowRoot?.querySelector(`tconv-grid[grid-id="${id}"]`);
    const grid = host?.shadowRoot?.querySelector('[role="grid"]');
    if (!host || !grid) return null;
    const cells = Array.from(grid.querySelectorAll<HTMLElement>('[role="gridcell"]'));
    const num = (t: string) => (t.trim() === '' ? null : Number(t.trim().replace('\u2212', '-')));
    return {
      label: grid.getAttribute('aria-label'),
      rowcount: Number(grid.getAttribute('aria-rowcount')),
      colcount: Number(grid.getAttribute('aria-colcount')),
      density: host.getAttribute('density'),
      cells: Array.from(grid.querySelectorAll('[role="row"]'), (row) =>
        Array.from(row.querySelectorAll('[role="gridcell"]'), (c) => num(c.textContent ?? '')),
      ),
      names: cells.map((c) => c.getAttribute('aria-label') ?? ''),
      highlighted: cells.flatMap((c, i) => (c.classList.contains('hl') ? [i] : [])),
      active: cells.flatMap((c, i) => (c.classList.contains('act') ? [i] : [])),
    };
  }, id);
}

/** Text of an element inside the explainer's shadow root. */
function shadowText(page: Page, selector: string): Promise<string | null> {
  return page.evaluate(
    (sel) => document.querySelector('tconv-matrix')?.shadowRoot?.querySelector(sel)?.textContent?.trim() ?? null,
    selector,
  );
}

const narration = (page: Page) => shadowText(page, '#narration');
const selectedTab = (page: Page) => shadowText(page, '[role="tab"][aria-selected="true"]');
const counter = (page: Page) => shadowText(page, '#counter');

/** The model the page should show for a query, built here with the Node core. */
function expectedModel(query: string) {
  const { config } = parseConfig(new URLSearchParams(query));
  const output = tc.conv2dOutputSize(config.input, config.kernel, {
    stride: config.stride,
    padding: config.padding,
    dilation: config.dilation,
  });
  const values = presetValues('seed', { input: config.input, kernel: config.kernel, output });
  const r = buildModel(tc, config, values);
  if (!r.ok) throw new Error(r.error);
  return r.model;
}

const flat = (cells: (number | null)[][]) => cells.flat();
const near = (a: (number | null)[], b: ArrayLike<number>) =>
  a.length === b.length && a.every((v, i) => v !== null && Math.abs(v - b[i]) <= 1e-3 * Math.max(1, Math.abs(b[i])));

/** "#5b3fd6" → "rgb(91, 63, 214)", as getComputedStyle writes colours. */
function rgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}
const token = (name: TokenName, scheme: 'light' | 'dark') => rgb(TOKENS[name][scheme]);

beforeAll(async () => {
  tc = await createTconv();
  // The site the global setup built for every suite.
  server = await serveSite();
  url = server.url;
  browser = await launchChromium();
});

afterEach(() => {
  expect(foreign.splice(0), 'requests to another origin').toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the seed example', () => {
  it('loads, with the title, the core fetched from its own server and no error', async () => {
    const wasm: string[] = [];
    const { page, context } = await open('', {
      onRequest: (u) => {
        if (/\.wasm(\?|$)/.test(u)) wasm.push(u);
      },
    });
    expect(await page.getAttribute('body', 'data-ready')).toBe('true');
    expect(await page.title()).toBe('tconv — transposed convolution, visible');
    expect(await page.isVisible('#error')).toBe(false);
    expect(wasm).toHaveLength(1);
    expect(new URL(wasm[0]).origin).toBe(new URL(url).origin);
    // The page states its state in the URL once the figure is drawn.
    expect(new URL(page.url()).searchParams.get('input')).toBe('4');
    await context.close();
  });

  it('slides the kernel: 4×4 → 2×2 = 122, 148, 126, 134, with the sum of products narrated', async () => {
    const { page, context } = await open('?step=1.1');
    expect(await narration(page)).toBe(
      'Output (1, 1): 1·4 + 4·5 + 1·8 + 1·1 + 4·8 + 3·8 + 3·3 + 3·6 + 1·6 = 122. Many inputs, one output.',
    );
    const x = await readGrid(page, 'xpad');
    expect(x!.label).toBe('Input x (4×4)');
    expect(flat(x!.cells)).toEqual(SEED_X);
    const k = await readGrid(page, 'k');
    expect(k!.label).toBe('Kernel k (3×3)');
    expect(flat(k!.cells)).toEqual(SEED_K);
    // Frame 1: the window of output (0, 0) is in focus; only that output is computed.
    expect(x!.active).toEqual([0, 1, 2, 4, 5, 6, 8, 9, 10]);
    expect((await readGrid(page, 'out'))!.cells).toEqual([
      [122, null],
      [null, null],
    ]);
    await tabIntoExplainer(page); // the selected chapter tab
    await page.keyboard.press('Tab'); // the panel
    await page.keyboard.press('End');
    const out = await readGrid(page, 'out');
    expect(out!.label).toBe('Output (2×2)');
    expect(out!.cells).toEqual([
      [122, 148],
      [126, 134],
    ]);
    expect(flat(out!.cells)).toEqual(Array.from(tc.conv2d(t4(4, 4, SEED_X), t4(3, 3, SEED_K)).data));
    await context.close();
  });

  it('builds C as the 4×16 matrix of the core, each weight labelled, structural zeros marked', async () => {
    const { page, context } = await open('?step=2.4');
    const C = await readGrid(page, 'C');
    expect(C!.label).toBe('Convolution matrix C (4×16)');
    expect([C!.rowcount, C!.colcount]).toEqual([4, 16]);
    expect(C!.cells).toEqual([
      [1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0, 0, 0, 0, 0],
      [0, 1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0, 0, 0, 0],
      [0, 0, 0, 0, 1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0],
      [0, 0, 0, 0, 0, 1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1],
    ]);
    const core = tc.convMatrix({ inputSize: [4, 4], kernelSize: [3, 3] }, Float32Array.from(SEED_K));
    expect(flat(C!.cells)).toEqual(Array.from(core.data));
    const sub = (n: number) => String(n).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]);
    C!.names.forEach((name, i) => {
      if (core.source[i] < 0) expect(name, `C entry ${i}`).toContain('structural zero');
      else expect(name, `C entry ${i}`).toContain(`w${sub(core.source[i] + 1)}`);
    });
    // Stepping back one frame hides the last row again (it is built row by row).
    await tabIntoExplainer(page); // the selected chapter tab
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowLeft');
    expect((await readGrid(page, 'C'))!.cells[3]).toEqual(new Array(16).fill(null));
    await context.close();
  });

  it('shows C·vec(x) and the folded output equal to conv2d from the core', async () => {
    const { page, context } = await open('?step=4.5');
    const expected = Array.from(tc.conv2d(t4(4, 4, SEED_X), t4(3, 3, SEED_K)).data);
    const cx = await readGrid(page, 'Cx');
    expect(cx!.label).toBe('C·vec(x) (4×1)');
    expect(flat(cx!.cells)).toEqual(expected);
    expect(flat((await readGrid(page, 'vecx'))!.cells)).toEqual(SEED_X);
    expect(flat((await readGrid(page, 'out'))!.cells)).toEqual([122, 148, 126, 134]);
    await context.close();
  });

  it('shows Cᵀ (16×4) and Cᵀ·vec(y) = conv_transpose2d from the core: 2×2 → 4×4', async () => {
    const { page, context } = await open('?step=6.5');
    const Ct = await readGrid(page, 'Ct');
    expect(Ct!.label).toBe('Cᵀ (16×4)');
    const C = tc.convMatrix({ inputSize: [4, 4], kernelSize: [3, 3] }, Float32Array.from(SEED_K));
    for (let r = 0; r < 4; r++) for (let c = 0; c < 16; c++) expect(Ct!.cells[c][r]).toBe(C.data[r * 16 + c]);
    const up = Array.from(tc.convTranspose2d(t4(2, 2, SEED_Y), t4(3, 3, SEED_K)).data);
    expect(up).toEqual([2, 9, 6, 1, 6, 29, 30, 7, 10, 29, 33, 13, 12, 24, 16, 4]);
    const tout = await readGrid(page, 'tout');
    expect(tout!.label).toBe('Transposed output (4×4)');
    expect(flat(tout!.cells)).toEqual(up);
    expect(flat((await readGrid(page, 'Cty'))!.cells)).toEqual(up);
    expect(flat((await readGrid(page, 'y'))!.cells)).toEqual(SEED_Y);
    // After painting only y's first entry, the output is the core's partial result.
    await tabIntoExplainer(page); // the selected chapter tab
    await page.keyboard.press('Tab');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    const partial = tc.convTranspose2d(t4(2, 2, [2, 0, 0, 0]), t4(3, 3, SEED_K)).data;
    const painted = (await readGrid(page, 'tout'))!.cells.flat();
    [0, 1, 2, 4, 5, 6, 8, 9, 10].forEach((i) => expect(painted[i]).toBe(partial[i]));
    expect(painted[3]).toBeNull(); // not painted yet
    await context.close();
  });

  it('zero insertion gives the same result and counts its multiplications by zero', async () => {
    const { page, context } = await open('?step=7.20');
    const up = Array.from(tc.convTranspose2d(t4(2, 2, SEED_Y), t4(3, 3, SEED_K)).data);
    for (const id of ['Cty', 'tout', 'ziout']) expect(flat((await readGrid(page, id))!.cells), id).toEqual(up);
    const zi = await readGrid(page, 'zi');
    expect(zi!.label).toBe('Zero-inserted y (6×6)');
    expect(zi!.names.filter((n) => n.includes('padding'))).toHaveLength(32);
    expect(await shadowText(page, '#zero-mults')).toBe('108');
    await context.close();
  });
});

describe('state in the URL', () => {
  const cases = [
    'input=5&kernel=3&stride=2&step=4.3',
    'input=4&kernel=3&padding=1&step=2.5',
    'input=7&kernel=3&dilation=2&step=1.2',
    'input=4&kernel=3&stride=2&output-padding=1&step=6.1',
    'input=5x7&kernel=3x2&stride=2x1&padding=1x0&step=3.2',
  ];

  for (const query of cases) {
    it(`reopens ${query} exactly`, async () => {
      const m = expectedModel(query);
      const all = chapters(m);
      const [chapter, frame] = query.split('step=')[1].split('.').map(Number);
      const { page, context } = await open(`?${query}`);
      // The URL keeps the state (the page rewrites it in its canonical form, which is this one).
      expect(new URL(page.url()).search).toBe(`?${query}`);
      expect(await selectedTab(page)).toContain(all[chapter - 1].title);
      expect(await narration(page)).toBe(all[chapter - 1].frames[frame].narration);
      expect(await counter(page)).toBe(stepCounter(all[chapter - 1], frame));
      // Every grid of the step has the model's size.
      const C = await page.evaluate(() =>
        Array.from(document.querySelector('tconv-matrix')!.shadowRoot!.querySelectorAll('tconv-grid'), (g) =>
          g.getAttribute('grid-id'),
        ),
      );
      expect(C.length).toBeGreaterThan(1);
      if (chapter === 4) {
        const cx = await readGrid(page, 'Cx');
        expect(cx!.rowcount).toBe(m.out.values.length);
        expect(near(flat(cx!.cells).slice(0, frame), m.out.values.slice(0, frame))).toBe(true);
        const core = tc.conv2d(t4(m.x.rows, m.x.cols, m.x.values), t4(m.k.rows, m.k.cols, m.k.values), {
          stride: m.config.stride,
          padding: m.config.padding,
          dilation: m.config.dilation,
        });
        expect(near(flat(cx!.cells).slice(0, frame), core.data.slice(0, frame))).toBe(true);
      }
      // Reloading the rewritten URL gives the same view.
      const before = await narration(page);
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      expect(await narration(page)).toBe(before);
      expect(new URL(page.url()).search).toBe(`?${query}`);
      await context.close();
    });
  }

  it('follows the controls: parameters, presets and edited values go into the URL and come back', async () => {
    const { page, context } = await open('?step=4');
    await page.fill('tconv-matrix input[name="stride-h"]', '2');
    await page.fill('tconv-matrix input[name="stride-w"]', '2');
    await page.fill('tconv-matrix input[name="input-h"]', '5');
    await page.fill('tconv-matrix input[name="input-w"]', '5');
    await expect.poll(() => new URL(page.url()).search).toBe('?input=5&kernel=3&stride=2&step=4');
    const C = await readGrid(page, 'C');
    expect(C!.label).toBe('Convolution matrix C (4×25)');
    // Edit x(0, 0): select the cell, type, Enter.
    await page.keyboard.press('Escape');
    await page.goto(url + '?step=3.4');
    await page.waitForSelector('body[data-ready="true"]');
    await page.focus('tconv-matrix tconv-grid[grid-id="x"] [role="gridcell"][data-index="0"]');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('-2.5');
    await page.keyboard.press('Enter');
    const edited = [-2.5, ...SEED_X.slice(1)];
    await expect.poll(async () => flat((await readGrid(page, 'x'))!.cells)).toEqual(edited);
    expect(new URL(page.url()).searchParams.get('x')).toBe(edited.join(','));
    // Focus is back on the edited cell; Escape cancels an edit.
    await page.keyboard.press('Enter');
    await page.keyboard.type('99');
    await page.keyboard.press('Escape');
    expect(flat((await readGrid(page, 'x'))!.cells)).toEqual(edited);
    // The edit reaches every result: C·vec(x) in chapter 4 equals conv2d of the edited input.
    await page.goto(page.url().replace('step=3.4', 'step=4.5'));
    await page.waitForSelector('body[data-ready="true"]');
    const conv = tc.conv2d(t4(4, 4, edited), t4(3, 3, SEED_K)).data;
    expect(near(flat((await readGrid(page, 'Cx'))!.cells), conv)).toBe(true);
    // A preset resets the values.
    await page.selectOption('tconv-matrix #preset', 'count');
    await expect.poll(() => new URL(page.url()).searchParams.get('values')).toBe('count');
    expect(new URL(page.url()).searchParams.has('x')).toBe(false);
    expect(flat((await readGrid(page, 'vecx'))!.cells)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    await context.close();
  });

  it('copies a link that reopens the same view', async () => {
    const { page, context } = await open('?input=6&kernel=3&stride=2&step=2.3', {
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    await page.click('tconv-matrix #copy-link');
    await expect.poll(() => shadowText(page, '.status')).toContain('copied');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(page.url());
    const code = (await shadowText(page, 'pre.code'))!;
    expect(code).toContain('F.conv_transpose2d(y, k, stride=2, padding=0, output_padding=0, dilation=1)');
    await context.close();
  });

  it('independent weights for Cᵀ: the toggle changes the transposed output, as the core computes it', async () => {
    const { page, context } = await open('?step=6.5');
    await page.check('tconv-matrix #independent');
    await expect.poll(() => new URL(page.url()).searchParams.has('kt')).toBe(true);
    const kt = await readGrid(page, 'kt');
    expect(kt!.label).toBe('Kernel of Cᵀ (independent) (3×3)');
    const weights = flat(kt!.cells) as number[];
    expect(weights).not.toEqual(SEED_K);
    const up = tc.convTranspose2d(t4(2, 2, SEED_Y), t4(3, 3, weights)).data;
    expect(near(flat((await readGrid(page, 'tout'))!.cells), up)).toBe(true);
    await context.close();
  });
});

describe('keyboard, highlighting and accessibility', () => {
  it('walks all 10 chapters with the keyboard only', async () => {
    const { page, context } = await open('');
    const m = expectedModel('');
    const all = chapters(m);
    // Tab into the explainer: the first stop is the selected chapter tab.
    await tabIntoExplainer(page); // the selected chapter tab
    const focused = () =>
      page.evaluate(() => {
        const el = document.querySelector('tconv-matrix')?.shadowRoot?.activeElement;
        return el ? `${el.getAttribute('role') ?? el.localName}:${el.textContent?.trim()}` : null;
      });
    expect(await focused()).toContain('tab:1');
    expect(all).toHaveLength(10);
    for (let n = 1; n <= all.length; n++) {
      const ch = all[n - 1];
      expect(await selectedTab(page)).toContain(ch.title);
      expect(await narration(page)).toBe(ch.frames[0].narration);
      await page.keyboard.press('End');
      expect(await narration(page)).toBe(ch.frames.at(-1)!.narration);
      // The counter says step F of the chapter's steps, as the URL's C.F does; its intro is "intro".
      expect(await counter(page)).toBe(`${ch.frames.length - 1} / ${ch.frames.length - 1}`);
      await page.keyboard.press('Home');
      expect(await counter(page)).toBe('intro');
      if (n < all.length) await page.keyboard.press('PageDown');
    }
    // Focus followed the chapters along the tablist; arrows there switch chapters too.
    expect(await focused()).toContain('tab:10');
    for (let n = 10; n > 7; n--) await page.keyboard.press('ArrowLeft');
    expect(await selectedTab(page)).toContain(all[6].title);
    await page.keyboard.press('PageUp');
    expect(await selectedTab(page)).toContain(all[5].title);
    // Into the panel: → steps, ← steps back, Space plays and pauses.
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowRight');
    expect(await narration(page)).toBe(all[5].frames[1].narration);
    await page.keyboard.press('ArrowLeft');
    expect(await narration(page)).toBe(all[5].frames[0].narration);
    await page.keyboard.press('Space');
    expect(await page.getAttribute('tconv-matrix #play', 'aria-label')).toBe('Pause');
    await page.keyboard.press('Space');
    expect(await page.getAttribute('tconv-matrix #play', 'aria-label')).toBe('Play');
    // The live region narrates the step.
    expect(await shadowText(page, '[aria-live="polite"]')).toContain(all[5].frames[0].narration.slice(0, 20));
    expect(new URL(page.url()).searchParams.get('step')).toBe('6');
    await context.close();
  });

  it('links every view: hovering an input pixel highlights its column of C, vec(x) and its outputs', async () => {
    const { page, context } = await open('?step=4.5');
    await page.hover('tconv-matrix tconv-grid[grid-id="vecx"] [role="gridcell"][data-index="5"]');
    await expect.poll(async () => (await readGrid(page, 'C'))!.highlighted).toEqual([5, 21, 37, 53]);
    expect((await readGrid(page, 'out'))!.highlighted).toEqual([0, 1, 2, 3]);
    // One-to-many: a y entry highlights the 9 outputs it paints.
    await page.goto(url + '?step=6.5');
    await page.waitForSelector('body[data-ready="true"]');
    await page.focus('tconv-matrix tconv-grid[grid-id="y"] [role="gridcell"][data-index="0"]');
    await expect.poll(async () => (await readGrid(page, 'tout'))!.highlighted).toEqual([0, 1, 2, 4, 5, 6, 8, 9, 10]);
    await context.close();
  });

  it('labels every grid as an ARIA grid with its shape, in every chapter', async () => {
    const { page, context } = await open('?input=5&stride=2&padding=1&output-padding=1');
    for (let n = 1; n <= 10; n++) {
      await page.goto(`${url}?input=5&stride=2&padding=1&output-padding=1&step=${n}.99`);
      await page.waitForSelector('body[data-ready="true"]');
      const grids = await page.evaluate(() =>
        Array.from(document.querySelector('tconv-matrix')!.shadowRoot!.querySelectorAll('tconv-grid'), (g) => {
          const grid = g.shadowRoot!.querySelector('[role="grid"]')!;
          return {
            label: grid.getAttribute('aria-label') ?? '',
            rows: Number(grid.getAttribute('aria-rowcount')),
            cols: Number(grid.getAttribute('aria-colcount')),
            cells: grid.querySelectorAll('[role="gridcell"]').length,
          };
        }),
      );
      expect(grids.length, `chapter ${n}`).toBeGreaterThan(0);
      for (const g of grids) {
        expect(g.label).toMatch(/ \(\d+×\d+\)$/);
        expect(g.label).toContain(`(${g.rows}×${g.cols})`);
        expect(g.cells).toBe(g.rows * g.cols);
      }
    }
    await context.close();
  });

  it('shows 8×8 inputs with the compact 36×64 matrix', async () => {
    const { page, context } = await open('?input=8&step=2.36');
    const C = await readGrid(page, 'C');
    expect(C!.label).toBe('Convolution matrix C (36×64)');
    expect(C!.density).toBe('compact');
    const core = tc.convMatrix({ inputSize: [8, 8], kernelSize: [3, 3] }, Float32Array.from(SEED_K));
    expect(flat(C!.cells)).toEqual(Array.from(core.data));
    await context.close();
  });
});

describe('invalid input', () => {
  it('explains an impossible configuration and keeps a working figure', async () => {
    const { page, context } = await open('?input=4&kernel=5');
    const alert = await page.evaluate(() => {
      const el = document.querySelector('tconv-matrix')!.shadowRoot!.querySelector('[role="alert"]');
      return el?.textContent?.trim() ?? '';
    });
    expect(alert).toContain('dilated kernel size (5, 5) is larger than padded input size (4, 4)');
    // The controls keep what was asked for; the figure shows the default example.
    expect(await page.inputValue('tconv-matrix input[name="kernel-h"]')).toBe('5');
    expect((await readGrid(page, 'xpad'))!.label).toBe('Input x (4×4)');
    await page.click('tconv-matrix button[aria-label="Step forward"]');
    expect(await counter(page)).toBe('1 / 4');
    // Fixing the value clears the message.
    await page.fill('tconv-matrix input[name="kernel-h"]', '3');
    await page.fill('tconv-matrix input[name="kernel-w"]', '2');
    await expect.poll(() => shadowText(page, '#config-error')).toBe('');
    expect((await readGrid(page, 'k'))!.label).toBe('Kernel k (3×2)');
    await context.close();
  });

  it('refuses what it cannot draw legibly, in words', async () => {
    const { page, context } = await open('?input=10&kernel=1&padding=1');
    expect(await shadowText(page, '#config-error')).toContain('C would have 144 × 100 = 14,400 entries');
    await context.close();
  });

  it('falls back from malformed parameters with a plain-text notice, never markup', async () => {
    const evil = encodeURIComponent('<img src=x onerror="window.__pwned=1">');
    const { page, context } = await open(`?input=abc&kernel=99&${evil}=1&step=zz`);
    const notices = (await shadowText(page, '.notices'))!;
    expect(notices).toContain('Ignored input="abc"');
    expect(notices).toContain('kernel 99 is outside what the page can show (1 to 7); using 7');
    expect(notices).toContain('Ignored step="zz"');
    expect(await page.textContent('#notice')).toContain('<img src=x');
    expect(await page.$$eval('#notice *', (els) => els.length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // kernel 7 with input 4 cannot be drawn either: explained, default figure shown.
    expect(await shadowText(page, '#config-error')).toContain('larger than padded input size');
    expect((await readGrid(page, 'k'))?.label ?? (await readGrid(page, 'xpad'))!.label).toBeTruthy();
    await context.close();
  });

  it('refuses a value that is not a finite number in a cell editor, naming the cell, and keeps the figure', async () => {
    const { page, context } = await open('?step=1.5');
    const cell = 'tconv-matrix tconv-grid[grid-id="k"] [role="gridcell"][data-index="5"]';
    async function edit(text: string) {
      await page.focus(cell);
      await page.keyboard.press('Enter');
      await page.keyboard.press('Control+A');
      await page.keyboard.type(text);
      await page.keyboard.press('Enter');
    }
    const advice = 'enter one like 3 or -1.5.';
    for (const text of ['1/0', '1e999', '-1e999', 'NaN', 'Infinity']) {
      await edit(text);
      expect(await shadowText(page, '.editor [role="alert"]'), text).toBe(
        `Row 2, column 3 of k: “${text}” is not a finite decimal number; ${advice}`,
      );
      expect(await page.getAttribute('tconv-matrix .editor input', 'aria-invalid')).toBe('true');
      expect(await page.getAttribute('tconv-matrix .editor input', 'aria-describedby')).toBe('edit-error');
      await page.keyboard.press('Escape');
      expect(flat((await readGrid(page, 'k'))!.cells), text).toEqual(SEED_K);
      expect(new URL(page.url()).searchParams.has('k')).toBe(false);
    }
    await edit('2000000');
    expect(await shadowText(page, '.editor [role="alert"]')).toBe(
      'Row 2, column 3 of k: 2000000 is too large to show; enter a number like 3 or -1.5.',
    );
    await page.keyboard.press('Escape');
    // A finite value goes through, and the output is the core's with it.
    await edit('-2');
    const k = SEED_K.map((v, i) => (i === 5 ? -2 : v));
    await expect.poll(async () => flat((await readGrid(page, 'k'))!.cells)).toEqual(k);
    expect(flat((await readGrid(page, 'out'))!.cells)).toEqual(
      Array.from(tc.conv2d(t4(4, 4, SEED_X), t4(3, 3, k)).data),
    );
    await context.close();
  });

  it('keeps the cell editor and its message on screen at 390 px, its field next to the cell', async () => {
    const { page, context } = await open('?step=1.5', { width: 390, height: 844 });
    await page.focus('tconv-matrix tconv-grid[grid-id="k"] [role="gridcell"][data-index="5"]');
    await page.keyboard.press('Enter');
    await page.keyboard.type('NaN');
    await page.keyboard.press('Enter');
    const box = await page.evaluate(() => {
      const root = document.querySelector('tconv-matrix')!.shadowRoot!;
      const rect = (el: Element) => el.getBoundingClientRect().toJSON() as DOMRect;
      const cell = root
        .querySelector('tconv-grid[grid-id="k"]')!
        .shadowRoot!.querySelector('[role="gridcell"][data-index="5"]')!;
      return {
        width: document.documentElement.clientWidth,
        editor: rect(root.querySelector('.editor')!),
        input: rect(root.querySelector('.editor input')!),
        cell: rect(cell),
      };
    });
    expect(box.editor.left).toBeGreaterThanOrEqual(8);
    expect(box.editor.right).toBeLessThanOrEqual(box.width - 8 + 0.5);
    // The field still covers part of the cell it edits.
    expect(box.input.left).toBeLessThan(box.cell.right);
    expect(box.input.right).toBeGreaterThan(box.cell.left);
    await context.close();
  });

  it('shows a visible error when the core cannot load', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route(/\.wasm(\?|$)/, (route) => route.abort());
    await page.goto(url);
    await page.waitForSelector('body[data-ready="error"]', { timeout: 30_000 });
    expect(await page.isVisible('#error')).toBe(true);
    expect(await page.getAttribute('#error', 'role')).toBe('alert');
    expect((await page.textContent('#error'))!.trim().length).toBeGreaterThan(10);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('as a visitor sees it', () => {
  it('plays by itself on a first visit and animates without errors', async () => {
    const { page, context } = await open('', { reduced: false });
    const chips = () =>
      page.evaluate(() => document.querySelector('tconv-matrix')!.shadowRoot!.querySelectorAll('.fx .chip').length);
    await expect.poll(chips, { timeout: 10_000, interval: 50 }).toBeGreaterThan(0);
    // Chapter 1 of the seed: 4 steps after the intro, then it stops.
    await expect.poll(() => counter(page), { timeout: 15_000 }).toBe('4 / 4');
    await expect.poll(() => page.getAttribute('tconv-matrix #play', 'aria-label'), { timeout: 5000 }).toBe('Play');
    await context.close();
  });

  it('fits a 360 px screen: the page never scrolls sideways, in any chapter', async () => {
    const { page, context } = await open('?step=1', { width: 360, height: 780 });
    for (let n = 1; n <= 10; n++) {
      await page.goto(`${url}?input=5&stride=2&step=${n}.99`);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `chapter ${n}`).toBeLessThanOrEqual(360);
    }
    await context.close();
  });
});

describe('the theme', () => {
  /** Colours inside the explainer of embed.html (a page that sets no theme of its own). */
  const colours = (page: Page) =>
    page.evaluate(() => {
      const root = document.querySelector('tconv-matrix')!.shadowRoot!;
      const style = (sel: string) => getComputedStyle(root.querySelector(sel)!);
      const grid = root.querySelector('tconv-grid')!.shadowRoot!;
      return {
        surface: style('.player').backgroundColor,
        text: style('.title').color,
        accent: style('#play').backgroundColor,
        cellBorder: getComputedStyle(grid.querySelector('[role="gridcell"]')!).borderTopColor,
      };
    });

  it('draws with the tokens’ light and dark defaults, by the reader’s scheme or theme="…"', async () => {
    for (const [query, dark, scheme] of [
      ['', false, 'light'],
      ['', true, 'dark'],
      ['&theme=dark', false, 'dark'],
      ['&theme=light', true, 'light'],
    ] as const) {
      const { page, context } = await open(`embed.html?figure=matrix&step=1.1${query}`, { dark });
      expect(await colours(page), `${query || 'no theme'}, page ${dark ? 'dark' : 'light'}`).toEqual({
        surface: token('surface', scheme),
        text: token('text', scheme),
        accent: token('accent', scheme),
        cellBorder: token('cell-border', scheme),
      });
      await context.close();
    }
  });

  it('takes a token set once on the page for every figure, and still reads the older per-element name', async () => {
    const { page, context } = await open('embed.html?figure=matrix&step=1.1');
    const set = (css: string) =>
      page.evaluate(async (text) => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(text);
        document.adoptedStyleSheets = [sheet];
        await new Promise((r) => requestAnimationFrame(() => r(null)));
      }, css);
    await set('body { --tconv-accent: #b5452b; --tconv-cell-border: #00ff00; }');
    expect(await colours(page)).toMatchObject({ accent: 'rgb(181, 69, 43)', cellBorder: 'rgb(0, 255, 0)' });
    await set('body { --tconv-accent: #b5452b; } tconv-matrix { --tconv-matrix-accent: #123456; }');
    expect((await colours(page)).accent).toBe('rgb(18, 52, 86)');
    await context.close();
  });
});
