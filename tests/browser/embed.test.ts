// The blog embed in real Chromium (Debian's, driven by playwright-core):
// tconv-embed.js (vite.embed.config.ts: one classic script, the WebAssembly
// inlined) in the example post examples/blog-post.html, served over http and
// opened from file://; the iframe page embed.html; the explainer's "Copy
// embed code". Expected numbers come from the same core loaded in Node. The
// site and the embed are the ones the global setup built; the test pages are
// served next to them from memory.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EMBED_BUDGET_GZ } from '../../scripts/site.mjs';
import { overlapViews } from '../../web/lib/explainer/model.js';
import { createTconv, type Tconv } from '../../web/lib/node.js';
import { consoleChecks, launchChromium, root, serveSite, siteDir, type SiteServer } from './support.js';

const SEED_K = [1, 4, 1, 1, 4, 3, 3, 3, 1];

/** Chromium's viewport when a test does not ask for another (the post's reading width and more). */
const DESKTOP = { width: 1280, height: 900 };

let server: SiteServer;
let browser: Browser;
let base: string;
let fileDir: string;
let tc: Tconv;
const checks = consoleChecks();

/** The example post as it is shipped, with its script next to it (the test folders hold tconv-embed.js). */
function postHtml(): string {
  const html = readFileSync(join(root, 'examples/blog-post.html'), 'utf8');
  expect(html).toContain('<script src="../dist/tconv-embed.js"></script>');
  return html.replace('../dist/tconv-embed.js', 'tconv-embed.js');
}

/** A bare page around some figures; `scripts` copies of the script tag. */
function barePage(body: string, scripts = 1): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>bare</title>${'<script src="tconv-embed.js"></script>'.repeat(scripts)}</head><body>${body}</body></html>`;
}

interface Opened {
  page: Page;
  context: BrowserContext;
  /** Every request the page made (URLs). */
  requests: string[];
  /** Console errors and warnings, and uncaught errors, so far (checked after every test too). */
  errors: string[];
}

interface OpenOptions {
  width?: number;
  height?: number;
  dark?: boolean;
  reduced?: boolean;
  permissions?: string[];
}

/** Records the figures' events from the start: window.__events = [[type, target id, detail], …]. */
function recorder() {
  const w = window as unknown as { __events: [string, string, unknown][] };
  w.__events = [];
  for (const type of [
    'tconv-ready',
    'tconv-error',
    'tconv-load',
    'tconv-result',
    'tconv-step-change',
    'tconv-config-change',
  ]) {
    document.addEventListener(type, (e) => {
      const t = e.target as Element;
      w.__events.push([type, t.id || t.localName, (e as CustomEvent).detail]);
    });
  }
}

async function open(url: string, options: OpenOptions = {}): Promise<Opened> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? DESKTOP.width, height: options.height ?? DESKTOP.height },
    colorScheme: options.dark ? 'dark' : 'light',
    reducedMotion: options.reduced === false ? 'no-preference' : 'reduce',
  });
  if (options.permissions) await context.grantPermissions(options.permissions, { origin: new URL(base).origin });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  // Warnings too: Lit's "dev mode" warning would mean a development build.
  const errors = checks.watch(page, { warnings: true });
  await page.addInitScript(recorder);
  await page.goto(url, { waitUntil: 'load' });
  return { page, context, requests, errors };
}

const events = (page: Page) =>
  page.evaluate(() => (window as unknown as { __events: [string, string, unknown][] }).__events);

/** Scrolls through the whole page (every lazy figure starts), then back to the top. */
async function scrollThrough(page: Page): Promise<void> {
  // The page grows as figures draw: measure it again at every step.
  for (let y = 0; y < (await page.evaluate(() => document.documentElement.scrollHeight)); y += 500) {
    await page.evaluate((y) => window.scrollTo(0, y), y);
    await page.waitForTimeout(60);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** Waits until every figure on the page has drawn (matrix, overlap: tconv-ready; upsampler: both results). */
async function waitForFigures(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const ev = (window as unknown as { __events: [string, string, unknown][] }).__events;
      const figures = Array.from(document.querySelectorAll('tconv-matrix, tconv-overlap'));
      const drawn = figures.every((f) => ev.some(([t, id]) => t === 'tconv-ready' && id === f.id));
      const tools = Array.from(document.querySelectorAll('tconv-upsampler'));
      const done = tools.every(
        (f) => ev.filter(([t, id]) => t === 'tconv-result' && id === f.id).length >= 2 && !f.hasAttribute('busy'),
      );
      return drawn && done;
    },
    null,
    { timeout: 60_000 },
  );
}

interface GridRead {
  rowcount: number;
  colcount: number;
  cells: (number | null)[];
}

/** A <tconv-grid> inside a figure (the figure's id, the grid's grid-id) as a screen reader sees it. */
function readGrid(page: Page, host: string, gridId: string): Promise<GridRead | null> {
  return page.evaluate(
    ([host, gridId]) => {
      const grid = document
        .getElementById(host)
        ?.shadowRoot?.querySelector(`tconv-grid[grid-id="${gridId}"]`)
        ?.shadowRoot?.querySelector('[role="grid"]');
      if (!grid) return null;
      const num = (t: string) => (t.trim() === '' ? null : Number(t.trim().replace('\u2212', '-')));
      return {
        rowcount: Number(grid.getAttribute('aria-rowcount')),
        colcount: Number(grid.getAttribute('aria-colcount')),
        cells: Array.from(grid.querySelectorAll('[role="gridcell"]'), (c) => num(c.textContent ?? '')),
      };
    },
    [host, gridId],
  );
}

const shared = (page: Page) =>
  page.evaluate(() => {
    const s = (globalThis as unknown as Record<symbol, Record<string, unknown>>)[Symbol.for('tconv')];
    return s ? { coreLoads: s.coreLoads, bytesLoads: s.bytesLoads, scripts: s.scripts, scriptUrl: s.scriptUrl } : null;
  });

/** Requests other than the page itself, its script, and Blob URLs (the upsampler's worker). */
function otherRequests(requests: string[], page: string, script: string): string[] {
  return requests.filter((r) => r !== page && r !== script && !r.startsWith('blob:'));
}

beforeAll(async () => {
  tc = await createTconv();
  const twice = barePage(
    '<tconv-matrix id="m1" input="4x4" kernel="3x3" step="2"></tconv-matrix>' +
      '<tconv-overlap id="o1" kernel="3" stride="2"></tconv-overlap>' +
      '<tconv-matrix id="m2" input="5" kernel="3" stride="2" step="4"></tconv-matrix>',
    2,
  );
  const ten = barePage(
    Array.from(
      { length: 10 },
      (_, i) =>
        `<section style="min-height: 1200px"><tconv-matrix id="f${i}" input="4" kernel="3" step="6" autoplay></tconv-matrix></section>`,
    ).join(''),
  );
  server = await serveSite({ pages: { 'blog-post.html': postHtml(), 'twice.html': twice, 'ten.html': ten } });
  base = server.url;
  // The file:// copy: the post and the script alone in a folder.
  fileDir = mkdtempSync(join(tmpdir(), 'tconv-embed-'));
  copyFileSync(join(siteDir(), 'tconv-embed.js'), join(fileDir, 'tconv-embed.js'));
  writeFileSync(join(fileDir, 'blog-post.html'), postHtml());
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (fileDir) rmSync(fileDir, { recursive: true, force: true });
});

describe('tconv-embed.js', () => {
  it('is one classic script with the WebAssembly inlined once, within its size budget', () => {
    const js = readFileSync(join(siteDir(), 'tconv-embed.js'));
    const text = js.toString('utf8');
    const gz = gzipSync(js, { level: 9 }).length;
    console.log(`tconv-embed.js: ${js.length} bytes, ${gz} gzipped`);
    expect(gz).toBeLessThanOrEqual(EMBED_BUDGET_GZ);
    // A classic script: no import/export statements at the top level, no import.meta.
    expect(text).not.toMatch(/^\s*(import|export)\s/m);
    expect(text).not.toContain('import.meta');
    // core.wasm's bytes appear exactly once (as base64), and no .wasm file is referenced for fetching.
    const wasm = readFileSync(join(root, 'web/wasm/core.wasm')).toString('base64');
    expect(text.split(wasm.slice(0, 64)).length - 1).toBe(1);
    expect(text).not.toMatch(/assets\/core-[\w-]+\.wasm/);
    // The ES module for bundlers is there too.
    expect(readFileSync(join(siteDir(), 'tconv-embed.mjs'), 'utf8')).toContain(wasm.slice(0, 64));
  });
});

describe('the example blog post', () => {
  async function checkPost(o: Opened, pageUrl: string, scriptUrl: string) {
    const { page } = o;
    await scrollThrough(page);
    await waitForFigures(page);
    // Every figure is a custom element with an open shadow root.
    const figures = await page.evaluate(() =>
      Array.from(document.querySelectorAll('tconv-matrix, tconv-overlap, tconv-upsampler'), (el) => ({
        id: el.id,
        defined: customElements.get(el.localName) === el.constructor,
        shadow: el.shadowRoot !== null && el.shadowRoot.childElementCount > 0,
      })),
    );
    expect(figures.map((f) => f.id)).toEqual(['seed', 'strided', 'checker', 'even', 'tool']);
    expect(figures.every((f) => f.defined && f.shadow)).toBe(true);

    // Figure 1: the seed example's C is 4×16, with the core's values.
    const C = await readGrid(page, 'seed', 'C');
    const expected = tc.convMatrix({ inputSize: [4, 4], kernelSize: [3, 3] }, Float32Array.from(SEED_K));
    expect([C!.rowcount, C!.colcount]).toEqual([4, 16]);
    expect(C!.cells).toEqual(Array.from(expected.data));
    // Figure 2: stride 2 on a 5×5 input: Cᵀ is 25×4.
    const Ct = await readGrid(page, 'strided', 'Ct');
    expect([Ct!.rowcount, Ct!.colcount]).toEqual([25, 4]);
    // Figure 3: the three overlap maps, counted by the core.
    const views = overlapViews(tc, [3, 3], [2, 2]);
    for (const [id, view] of [
      ['transposed', views.current],
      ['balanced', views.balanced],
      ['resize', views.resize],
    ] as const) {
      const g = await readGrid(page, 'checker', id);
      expect([g!.rowcount, g!.colcount]).toEqual([view.counts.rows, view.counts.cols]);
      expect(g!.cells).toEqual(Array.from(view.counts.values));
    }
    const even = await readGrid(page, 'even', 'transposed');
    expect([even!.rowcount, even!.colcount]).toEqual([14, 14]);
    // Figure 5: the upsampler made the sample and both results (320×240 → 640×480).
    const ev = await events(page);
    const results = ev.filter(([t, id]) => t === 'tconv-result' && id === 'tool').map(([, , d]) => d);
    expect(results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ side: 'a', method: 'transposed', width: 640, height: 480 }),
        expect.objectContaining({ side: 'b', method: 'resize-conv-nearest', width: 640, height: 480 }),
      ]),
    );
    // ×4 gives 1280×960 (1.2 Mpx): split across two band workers, started
    // inside the upsampler's worker from the same inlined script and bytes.
    await page.evaluate(() => {
      const tool = document.getElementById('tool') as HTMLElement & { workers: number };
      tool.workers = 2;
      tool.setAttribute('scale', '4');
    });
    await page.waitForFunction(
      () =>
        (window as unknown as { __events: [string, string, { width: number; workers: number }][] }).__events.filter(
          ([t, id, d]) => t === 'tconv-result' && id === 'tool' && d.width === 1280 && d.workers === 2,
        ).length >= 2,
      null,
      { timeout: 60_000 },
    );
    // One core for five figures (band workers have their own); no error; nothing fetched but the page and the script.
    expect(await shared(page)).toMatchObject({ coreLoads: 1, bytesLoads: 1, scripts: 1, scriptUrl });
    expect(ev.filter(([t]) => t === 'tconv-error')).toEqual([]);
    expect(o.errors).toEqual([]);
    expect(otherRequests(o.requests, pageUrl, scriptUrl)).toEqual([]);
    expect(o.requests).toContain(scriptUrl);
    // The figures did not widen the page.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  }

  it('renders every figure over http, with no request but the page and the script', async () => {
    const url = `${base}blog-post.html`;
    const o = await open(url);
    try {
      await checkPost(o, url, `${base}tconv-embed.js`);
    } finally {
      await o.context.close();
    }
  });

  it('renders every figure opened from disk (file://), with nothing fetched', async () => {
    const url = pathToFileURL(join(fileDir, 'blog-post.html')).href;
    const o = await open(url);
    try {
      await checkPost(o, url, pathToFileURL(join(fileDir, 'tconv-embed.js')).href);
    } finally {
      await o.context.close();
    }
  });

  it('is not changed by the page’s CSS, and does not change the page', async () => {
    const o = await open(`${base}blog-post.html`);
    const { page } = o;
    try {
      await scrollThrough(page);
      await waitForFigures(page);
      // The hostile sheet is live on the page itself.
      const demo = await page.evaluate(() => {
        const s = getComputedStyle(document.querySelector('.demo')!);
        return [s.color, s.fontSize];
      });
      expect(demo).toEqual(['rgb(255, 0, 0)', '30px']);

      const read = () =>
        page.evaluate(() => {
          const PROPS = [
            'color',
            'background-color',
            'font-family',
            'font-size',
            'font-weight',
            'font-style',
            'font-variant-caps',
            'line-height',
            'letter-spacing',
            'word-spacing',
            'text-transform',
            'text-shadow',
            'text-align',
            'white-space',
            'box-sizing',
            'cursor',
            'width',
            'height',
            'padding-top',
            'border-top-width',
            'border-top-style',
          ];
          const deep = (path: string[]): Element | null => {
            let el: Element | null = document.querySelector(path[0]);
            for (const sel of path.slice(1)) el = el?.shadowRoot?.querySelector(sel) ?? null;
            return el;
          };
          const samples: Record<string, string[]> = {
            'matrix host': ['#seed'],
            'matrix title': ['#seed', '.title'],
            'matrix narration': ['#seed', '.narration'],
            'matrix tab': ['#seed', '.tab'],
            'matrix play': ['#seed', '#play'],
            'matrix speed': ['#seed', '#speed'],
            'C caption': ['#seed', 'tconv-grid[grid-id="C"]', '.caption'],
            'C cell': ['#seed', 'tconv-grid[grid-id="C"]', '.cell'],
            'x cell': ['#seed', 'tconv-grid[grid-id="x"]', '.cell'],
            'overlap explanation': ['#checker', '.explanation'],
            'overlap note': ['#checker', '.note'],
            'overlap cell': ['#checker', 'tconv-grid', '.cell'],
            'upsampler frame': ['#tool', '.frame'],
            'upsampler button': ['#tool', 'button'],
            'upsampler select': ['#tool', 'select'],
          };
          const out: Record<string, Record<string, string>> = {};
          for (const [name, path] of Object.entries(samples)) {
            const el = deep(path);
            if (!el) {
              out[name] = { missing: path.join(' > ') };
              continue;
            }
            const s = getComputedStyle(el);
            out[name] = Object.fromEntries(PROPS.map((p) => [p, s.getPropertyValue(p)]));
          }
          return out;
        });
      const setSheets = (ids: string[], disabled: boolean) =>
        page.evaluate(
          ([ids, disabled]) => {
            for (const id of ids as string[])
              (document.getElementById(id) as HTMLStyleElement).disabled = disabled as boolean;
          },
          [ids, disabled] as const,
        );

      const hostile = await read();
      expect(JSON.stringify(hostile)).not.toContain('missing');
      await setSheets(['hostile'], true);
      const without = await read();
      // Everything, sizes included, is the same with and without the hostile sheet.
      expect(hostile).toEqual(without);
      // Without the blog's own theme either (its serif fonts, colours, line height), the text looks the same.
      // Compared without the figures' theme (custom properties that follow the blog's accent colour), and
      // leaving out sizes that follow the column's width (the host's; the overlap's cells fit their column).
      await setSheets(['figure-theme'], true);
      const plain = await read();
      await setSheets(['blog'], true);
      const bare = await read();
      const stable = (r: typeof bare) => {
        const t = structuredClone(r);
        delete t['matrix host'];
        for (const [name, styles] of Object.entries(t)) {
          if (!name.endsWith('cell')) {
            delete styles.width;
            delete styles.height;
          }
        }
        for (const p of ['width', 'height', 'font-size', 'line-height']) delete t['overlap cell'][p];
        return t;
      };
      expect(stable(bare)).toEqual(stable(plain));
      await setSheets(['blog', 'hostile', 'figure-theme'], false);

      // Nothing leaks out: no style element or adopted sheet was added to the page.
      const sheets = await page.evaluate(() => ({
        elements: document.querySelectorAll('style, link[rel="stylesheet"]').length,
        adopted: document.adoptedStyleSheets.length,
      }));
      expect(sheets).toEqual({ elements: 3, adopted: 0 });
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('re-renders when attributes or properties change, and fires its events', async () => {
    const o = await open(`${base}blog-post.html`);
    const { page } = o;
    try {
      await scrollThrough(page);
      await waitForFigures(page);
      // <tconv-matrix>: stride 2 makes C 1×16 (one placement); the property works the same way.
      await page.evaluate(() => document.getElementById('seed')!.setAttribute('stride', '2'));
      await expect.poll(async () => (await readGrid(page, 'seed', 'C'))?.rowcount).toBe(1);
      await page.evaluate(() => ((document.getElementById('seed') as HTMLElement & { stride: string }).stride = '1'));
      await expect.poll(async () => (await readGrid(page, 'seed', 'C'))?.rowcount).toBe(4);
      await page.evaluate(() => document.getElementById('seed')!.setAttribute('input', '5x6'));
      await expect.poll(async () => (await readGrid(page, 'seed', 'C'))?.colcount).toBe(30);
      await page.evaluate(() => (document.getElementById('seed') as HTMLElement & { goTo(c: number): void }).goTo(4));
      let ev = await events(page);
      expect(ev).toContainEqual(['tconv-config-change', 'seed', { params: 'input=5x6&kernel=3' }]);
      expect(ev).toContainEqual(['tconv-step-change', 'seed', { chapter: 4, frame: 0, step: '4' }]);
      expect(await page.getAttribute('#seed', 'step')).toBe('4');

      // <tconv-overlap>: kernel 4 with stride 2 is even; maps can be chosen.
      await page.evaluate(() => document.getElementById('checker')!.setAttribute('kernel', '4'));
      await expect.poll(async () => (await readGrid(page, 'checker', 'transposed'))?.rowcount).toBe(14);
      ev = await events(page);
      expect(ev).toContainEqual([
        'tconv-config-change',
        'checker',
        { params: 'kernel=4&stride=2', min: 4, max: 4, even: true },
      ]);
      await page.evaluate(
        () => ((document.getElementById('checker') as HTMLElement & { maps: string }).maps = 'resize'),
      );
      await expect
        .poll(() =>
          page.evaluate(() => document.getElementById('checker')!.shadowRoot!.querySelectorAll('tconv-grid').length),
        )
        .toBe(1);
      expect(await readGrid(page, 'checker', 'resize')).not.toBeNull();
      const text = await page.evaluate(
        () => document.getElementById('checker')!.shadowRoot!.querySelector('.explanation')!.textContent,
      );
      expect(text).toContain('no checkerboard');

      // <tconv-upsampler>: scale 3 makes 960×720 results.
      await page.evaluate(() => document.getElementById('tool')!.setAttribute('scale', '3'));
      await page.waitForFunction(
        () =>
          (window as unknown as { __events: [string, string, { width: number }][] }).__events.filter(
            ([t, id, d]) => t === 'tconv-result' && id === 'tool' && d.width === 960,
          ).length >= 2,
        null,
        { timeout: 60_000 },
      );
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('starts figures only when they come into view', async () => {
    const o = await open(`${base}blog-post.html`, { reduced: false });
    const { page } = o;
    try {
      await page.waitForFunction(() =>
        (window as unknown as { __events: [string, string][] }).__events.some(
          ([t, id]) => t === 'tconv-ready' && id === 'seed',
        ),
      );
      await page.waitForTimeout(300);
      // Below the fold: not computed (no grids), no worker, not playing.
      const state = () =>
        page.evaluate(() => ({
          strided: document.getElementById('strided')!.shadowRoot!.querySelectorAll('tconv-grid').length,
          playing:
            document.getElementById('strided')!.shadowRoot!.querySelector('#play')?.getAttribute('aria-label') ?? null,
          even: document.getElementById('even')!.shadowRoot!.querySelectorAll('tconv-grid').length,
          toolSource: (window as unknown as { __events: [string, string][] }).__events.some(
            ([t, id]) => t === 'tconv-load' && id === 'tool',
          ),
        }));
      expect(await state()).toEqual({ strided: 0, playing: null, even: 0, toolSource: false });
      expect(o.requests.filter((r) => r.startsWith('blob:'))).toEqual([]);

      // Scrolled into view, the autoplay figure plays; scrolled away, it pauses.
      await page.evaluate(() => document.getElementById('strided')!.scrollIntoView({ block: 'center' }));
      await expect
        .poll(() =>
          page.evaluate(() =>
            document.getElementById('strided')!.shadowRoot!.querySelector('#play')?.getAttribute('aria-label'),
          ),
        )
        .toBe('Pause');
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await expect
        .poll(() =>
          page.evaluate(() =>
            document.getElementById('strided')!.shadowRoot!.querySelector('#play')?.getAttribute('aria-label'),
          ),
        )
        .toBe('Play');
      // The upsampler at the bottom now started its worker and shows the sample.
      await expect.poll(async () => (await state()).toolSource, { timeout: 30_000 }).toBe(true);
      expect(o.requests.filter((r) => r.startsWith('blob:')).length).toBeGreaterThan(0);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('keeps ten figures lazy: only the ones in view are computed and play', async () => {
    const o = await open(`${base}ten.html`, { reduced: false });
    const { page } = o;
    try {
      await page.waitForFunction(() =>
        (window as unknown as { __events: [string, string][] }).__events.some(([t]) => t === 'tconv-ready'),
      );
      await page.waitForTimeout(400);
      const drawn = () =>
        page.evaluate(() =>
          Array.from(document.querySelectorAll('tconv-matrix'), (m) => ({
            grids: m.shadowRoot!.querySelectorAll('tconv-grid').length > 0,
            playing: m.shadowRoot!.querySelector('#play')?.getAttribute('aria-label') === 'Pause',
          })),
        );
      const first = await drawn();
      expect(first[0]).toEqual({ grids: true, playing: true });
      expect(first.slice(2).every((f) => !f.grids && !f.playing)).toBe(true);
      await page.evaluate(() => document.getElementById('f9')!.scrollIntoView());
      await expect.poll(async () => (await drawn())[9]).toEqual({ grids: true, playing: true });
      const later = await drawn();
      expect(later[0].playing).toBe(false);
      expect(later.filter((f) => f.playing).length).toBeLessThanOrEqual(2);
      expect(await shared(page)).toMatchObject({ coreLoads: 1 });
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('works when the script is loaded twice: no error, one core', async () => {
    const url = `${base}twice.html`;
    const o = await open(url);
    const { page } = o;
    try {
      await scrollThrough(page);
      await waitForFigures(page);
      expect(await shared(page)).toMatchObject({ coreLoads: 1, scripts: 2 });
      expect((await readGrid(page, 'm1', 'C'))?.rowcount).toBe(4);
      expect((await readGrid(page, 'm2', 'C'))?.colcount).toBe(25);
      expect((await readGrid(page, 'o1', 'transposed'))?.rowcount).toBe(13);
      expect(o.errors).toEqual([]);
      expect(otherRequests(o.requests, url, `${base}tconv-embed.js`)).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  // The http test above covers the light scheme at desktop width.
  it.each([
    ['dark, at desktop width', { dark: true }],
    ['a 320 px phone', { width: 320, height: 700 }],
  ] as const)('draws every figure without widening the page on %s', async (_, options) => {
    const o = await open(`${base}blog-post.html`, options);
    try {
      await scrollThrough(o.page);
      await waitForFigures(o.page);
      const overflow = await o.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      expect((await events(o.page)).filter(([t]) => t === 'tconv-error')).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('follows the post’s theme switch through the theme attribute', async () => {
    const o = await open(`${base}blog-post.html`);
    try {
      await scrollThrough(o.page);
      await waitForFigures(o.page);
      // The post themes the player with its own card colour (--tconv-matrix-surface: var(--card)).
      const colours = async () => {
        const { card, player } = await o.page.evaluate(() => ({
          card: getComputedStyle(document.documentElement).getPropertyValue('--card').trim(),
          player: getComputedStyle(document.getElementById('seed')!.shadowRoot!.querySelector('.player')!)
            .backgroundColor,
        }));
        expect(card).toMatch(/^#[0-9a-f]{6}$/i);
        const [r, g, b] = [1, 3, 5].map((i) => parseInt(card.slice(i, i + 2), 16));
        return { card: `rgb(${r}, ${g}, ${b})`, player };
      };
      const light = await colours();
      expect(light.player).toBe(light.card);
      await o.page.click('[data-theme-choice="dark"]');
      expect(await o.page.getAttribute('#seed', 'theme')).toBe('dark');
      const dark = await colours();
      expect(dark.card).not.toBe(light.card);
      expect(dark.player).toBe(dark.card);
    } finally {
      await o.context.close();
    }
  });
});

describe('embed.html (the iframe page)', () => {
  it('shows one matrix with the parameters as attributes, on a transparent page', async () => {
    const o = await open(`${base}embed.html?figure=matrix&input=5&kernel=3&stride=2&step=4&theme=light&bogus=1`);
    const { page } = o;
    try {
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      const body = await page.evaluate(() => ({
        children: Array.from(document.body.children, (c) => c.localName).filter(
          (n) => n !== 'script' && n !== 'noscript',
        ),
        background: getComputedStyle(document.body).backgroundColor,
        html: getComputedStyle(document.documentElement).backgroundColor,
      }));
      expect(body).toEqual({ children: ['tconv-matrix'], background: 'rgba(0, 0, 0, 0)', html: 'rgba(0, 0, 0, 0)' });
      const attrs = await page.evaluate(() => {
        const el = document.querySelector('tconv-matrix')!;
        return Object.fromEntries(Array.from(el.attributes, (a) => [a.name, a.value]));
      });
      expect(attrs).toMatchObject({ input: '5', kernel: '3', stride: '2', step: '4', theme: 'light' });
      expect(attrs).not.toHaveProperty('bogus');
      const C = await page.evaluate(() => {
        const g = document.querySelector('tconv-matrix')!.shadowRoot!.querySelector('tconv-grid[grid-id="C"]')!;
        const grid = g.shadowRoot!.querySelector('[role="grid"]')!;
        return [grid.getAttribute('aria-rowcount'), grid.getAttribute('aria-colcount')];
      });
      expect(C).toEqual(['4', '25']);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('shows the overlap and the upsampler, and explains an unknown figure', async () => {
    const o = await open(`${base}embed.html?figure=overlap&kernel=3&stride=2&maps=all`);
    try {
      await o.page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      const n = await o.page.evaluate(
        () => document.querySelector('tconv-overlap')!.shadowRoot!.querySelectorAll('tconv-grid').length,
      );
      expect(n).toBe(3);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
    const u = await open(`${base}embed.html?figure=upsampler&src=sample:text&scale=3`);
    try {
      await u.page.waitForFunction(
        () =>
          (window as unknown as { __events: [string, string, { width: number }][] }).__events.filter(
            ([t]) => t === 'tconv-result',
          ).length >= 2,
        null,
        { timeout: 60_000 },
      );
      const ev = await events(u.page);
      const load = ev.find(([t]) => t === 'tconv-load')![2] as { width: number; height: number };
      const result = ev.find(([t]) => t === 'tconv-result')![2] as { width: number; height: number };
      expect([result.width, result.height]).toEqual([load.width * 3, load.height * 3]);
      expect(u.errors).toEqual([]);
    } finally {
      await u.context.close();
    }
    const bad = await open(`${base}embed.html?figure=nope`);
    try {
      expect(await bad.page.textContent('[role="alert"]')).toContain('Unknown figure');
    } finally {
      await bad.context.close();
    }
  });
});

describe('the explainer’s “Copy embed code”', () => {
  it('copies a script snippet and an iframe snippet that show the same figure', async () => {
    const query = '?input=5&kernel=3&stride=2&step=4.1';
    const o = await open(`${base}index.html${query}`, { permissions: ['clipboard-read', 'clipboard-write'] });
    const { page } = o;
    try {
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      await page.click('tconv-matrix #copy-embed');
      await expect
        .poll(() =>
          page.evaluate(
            () => document.querySelector('tconv-matrix')!.shadowRoot!.querySelector('.status')!.textContent,
          ),
        )
        .toContain('The embed code copied');
      const code = await page.evaluate(() => navigator.clipboard.readText());
      expect(code).toContain(`<script src="${base}tconv-embed.js"></script>`);
      expect(code).toContain('<tconv-matrix input="5" kernel="3" stride="2" step="4.1"></tconv-matrix>');
      const iframe = /<iframe src="([^"]+)"/.exec(code)![1].replace(/&amp;/g, '&');
      expect(iframe).toBe(`${base}embed.html?figure=matrix&input=5&kernel=3&stride=2&step=4.1`);

      // The script snippet, pasted into a page of its own, shows the same figure.
      const snippet = code.split('\n\n')[0];
      server.pages.set('pasted.html', barePage(snippet, 0));
      const pasted = await open(`${base}pasted.html`);
      try {
        await pasted.page.waitForFunction(() =>
          (window as unknown as { __events: [string][] }).__events.some(([t]) => t === 'tconv-ready'),
        );
        const m = await pasted.page.evaluate(() => {
          const el = document.querySelector('tconv-matrix')!;
          const grid = el
            .shadowRoot!.querySelector('tconv-grid[grid-id="C"]')!
            .shadowRoot!.querySelector('[role="grid"]')!;
          return {
            step: el.getAttribute('step'),
            C: [grid.getAttribute('aria-rowcount'), grid.getAttribute('aria-colcount')],
          };
        });
        expect(m).toEqual({ step: '4.1', C: ['4', '25'] });
        expect(pasted.errors).toEqual([]);
      } finally {
        await pasted.context.close();
      }
      // So does the iframe's page.
      const framed = await open(iframe);
      try {
        await framed.page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
        expect(await framed.page.getAttribute('tconv-matrix', 'step')).toBe('4.1');
      } finally {
        await framed.context.close();
      }
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });
});
