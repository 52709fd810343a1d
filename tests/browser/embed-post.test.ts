// The blog embed in real Chromium (Debian's, driven by playwright-core):
// tconv-embed.js (vite.embed.config.ts: one classic script, the WebAssembly
// inlined) itself, and the example post examples/blog-post.html rendering
// every figure with the core's numbers, served over http and opened from
// file://, with no request but the page and the script; a hostile stylesheet
// changes nothing inside the figures, and the figures change nothing outside.
// Expected numbers come from the same core loaded in Node. Setup and helpers:
// embed-support.ts.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EMBED_BUDGET_GZ } from '../../scripts/site.mjs';
import { overlapViews } from '../../web/lib/explainer/model.js';
import { createTconv, type Tconv } from '../../web/lib/node.js';
import {
  base,
  embedSuite,
  events,
  open,
  type Opened,
  otherRequests,
  postHtml,
  readGrid,
  scrollThrough,
  shared,
  waitForFigures,
} from './embed-support.js';
import { root, siteDir } from './support.js';

embedSuite();

const SEED_K = [1, 4, 1, 1, 4, 3, 3, 3, 1];

let fileDir: string;
let tc: Tconv;

beforeAll(async () => {
  tc = await createTconv();
  // The file:// copy: the post and the script alone in a folder.
  fileDir = mkdtempSync(join(tmpdir(), 'tconv-embed-'));
  copyFileSync(join(siteDir(), 'tconv-embed.js'), join(fileDir, 'tconv-embed.js'));
  writeFileSync(join(fileDir, 'blog-post.html'), postHtml());
});

afterAll(() => {
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
    // core.wasm's bytes appear exactly once (gzipped, as one base64 string), and no .wasm file is referenced for fetching.
    const wasm = readFileSync(join(root, 'web/wasm/core-embed.wasm'));
    const inlined = (t: string) => (t.match(/["'`][A-Za-z0-9+/]{4096,}={0,2}["'`]/g) ?? []).map((s) => s.slice(1, -1));
    const packed = inlined(text);
    expect(packed).toHaveLength(1);
    expect(gunzipSync(Buffer.from(packed[0], 'base64')).equals(wasm)).toBe(true);
    expect(text).not.toMatch(/assets\/core-[\w-]+\.wasm/);
    // The ES module for bundlers is there too, with the same bytes.
    expect(inlined(readFileSync(join(siteDir(), 'tconv-embed.mjs'), 'utf8'))).toEqual(packed);
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
});
