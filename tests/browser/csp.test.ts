// The built site and the one-script embed under a strict Content-Security-Policy,
// in real Chromium (Debian's, driven by playwright-core). The site that the
// global setup built is served with the header on every response; the first
// segment of the path picks the policy (/minimal/index.html, /no-img-data/…),
// so one server serves every variant. Each page records every
// `securitypolicyviolation` from its first script on, and the test checks that
// there is none and that every figure works; then that dropping any part of the
// policy breaks something, so the README's policy is the minimal one.

import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTconv, type Tconv, type Tensor } from '../../web/lib/node.js';
import { overlapViews } from '../../web/lib/explainer/model.js';
import { consoleChecks, launchChromium, serveSite, type SiteServer, type WatchOptions } from './support.js';

/** The policy the README gives: every source the site and the embed need, and no other. */
const MINIMAL: Record<string, string[]> = {
  'default-src': ["'none'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'worker-src': ['blob:'],
  'connect-src': ["'self'"],
  'img-src': ['data:'],
  'style-src': ["'self'"],
};

/** The part of it that the embed script alone needs (on a page that has its own policy for the rest). */
const EMBED_ONLY = ['default-src', 'script-src', 'worker-src'];

const serialise = (p: Record<string, string[]>) =>
  Object.entries(p)
    .filter(([, sources]) => sources.length > 0) // a directive with no source left falls back to default-src
    .map(([d, sources]) => `${d} ${sources.join(' ')}`)
    .join('; ');

/** MINIMAL without one source of one directive. */
function without(directive: string, source: string): string {
  return serialise({ ...MINIMAL, [directive]: MINIMAL[directive].filter((s) => s !== source) });
}

const POLICIES: Record<string, string> = {
  minimal: serialise(MINIMAL),
  'embed-only': serialise(Object.fromEntries(EMBED_ONLY.map((d) => [d, MINIMAL[d]]))),
  'no-script-self': without('script-src', "'self'"),
  'no-wasm-eval': without('script-src', "'wasm-unsafe-eval'"),
  'no-worker-blob': without('worker-src', 'blob:'),
  'no-connect-self': without('connect-src', "'self'"),
  'no-img-data': without('img-src', 'data:'),
  'no-style-self': without('style-src', "'self'"),
};

const SEED_X = [4, 5, 8, 7, 1, 8, 8, 8, 3, 6, 6, 4, 6, 5, 7, 8];
const SEED_K = [1, 4, 1, 1, 4, 3, 3, 3, 1];

/** A post as a blog would have it, minus inline script and style: the embed script and one of each figure. */
const POST = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>post</title>
<script src="tconv-embed.js"></script></head><body>
<h1>A post</h1>
<tconv-matrix id="matrix" input="4x4" kernel="3x3" step="1.1" loading="eager"></tconv-matrix>
<tconv-overlap id="overlap" kernel="3" stride="2" maps="all" loading="eager"></tconv-overlap>
<tconv-upsampler id="tool" src="sample:detail" methods="transposed,resize-conv-nearest" scale="2" workers="2" loading="eager"></tconv-upsampler>
</body></html>`;

let server: SiteServer;
let base: string;
let browser: Browser;
let tc: Tconv;
const checks = consoleChecks();

/** /<variant>/<path>: the site's file under the variant's policy; an unknown variant is not found. */
function byVariant(path: string) {
  const [, variant, ...rest] = path.split('/');
  const policy = POLICIES[variant];
  return policy ? { path: rest.join('/'), headers: { 'Content-Security-Policy': policy } } : null;
}

/** Runs in the page before its scripts: violations and the figures' events, from the start. */
function recorder() {
  const w = window as unknown as { __violations: string[]; __events: [string, string, unknown][] };
  w.__violations = [];
  w.__events = [];
  // Composed events: a violation inside a shadow root reaches the document too.
  document.addEventListener('securitypolicyviolation', (e) =>
    w.__violations.push(`${e.effectiveDirective} ${e.blockedURI} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`),
  );
  for (const type of ['tconv-ready', 'tconv-error', 'tconv-load', 'tconv-result', 'tconv-config-change']) {
    document.addEventListener(type, (e) => {
      const t = e.target as Element;
      w.__events.push([type, t.id || t.localName, (e as CustomEvent).detail]);
    });
  }
}

interface Opened {
  page: Page;
  context: BrowserContext;
  /** Console errors (the page's and its workers': Chromium logs every refusal there) and uncaught errors. */
  errors: string[];
}

async function open(variant: string, path: string, watch: WatchOptions = {}): Promise<Opened> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    reducedMotion: 'reduce',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors = checks.watch(page, watch);
  await page.addInitScript(recorder);
  await page.goto(`${base}${variant}/${path}`, { waitUntil: 'load' });
  return { page, context, errors };
}

/** Violations seen by the page (after a moment: they are reported in a task of their own). */
async function violations(page: Page): Promise<string[]> {
  await page.waitForTimeout(300);
  return page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
}

const events = (page: Page) =>
  page.evaluate(() => (window as unknown as { __events: [string, string, unknown][] }).__events);

/** No violation, no error: the end of every test under a policy that should be enough. */
async function expectClean(o: Opened) {
  expect(await violations(o.page)).toEqual([]);
  expect(o.errors).toEqual([]);
  expect((await events(o.page)).filter(([t]) => t === 'tconv-error')).toEqual([]);
}

/** The cells of a <tconv-grid> inside a figure (found by selector), null for an empty cell. */
function gridCells(page: Page, figure: string, gridId: string): Promise<(number | null)[] | null> {
  return page.evaluate(
    ([figure, gridId]) => {
      const grid = document
        .querySelector(figure)
        ?.shadowRoot?.querySelector(`tconv-grid[grid-id="${gridId}"]`)
        ?.shadowRoot?.querySelector('[role="grid"]');
      if (!grid) return null;
      return Array.from(grid.querySelectorAll('[role="gridcell"]'), (c) => {
        const t = (c.textContent ?? '').trim();
        return t === '' ? null : Number(t.replace('\u2212', '-'));
      });
    },
    [figure, gridId],
  );
}

const t4 = (h: number, w: number, data: number[]): Tensor => ({ shape: [1, 1, h, w], data: Float32Array.from(data) });

/** Seed example at step 1.1: output (0, 0) only; End on the keyboard shows the whole output. */
async function checkMatrix(page: Page, figure: string) {
  const expected = Array.from(tc.conv2d(t4(4, 4, SEED_X), t4(3, 3, SEED_K)).data);
  expect(await gridCells(page, figure, 'k')).toEqual(SEED_K);
  expect(await gridCells(page, figure, 'out')).toEqual([expected[0], null, null, null]);
  await page.focus(`${figure} >> [role="tab"][aria-selected="true"]`);
  await page.keyboard.press('Tab'); // the panel
  await page.keyboard.press('End');
  await page.waitForFunction(
    (figure) => document.querySelector(figure)?.shadowRoot?.querySelector('#counter')?.textContent?.includes('/'),
    figure,
  );
  expect(await gridCells(page, figure, 'out')).toEqual(expected);
}

/** The overlap maps of kernel 3, stride 2: the counts of the core. */
async function checkOverlap(page: Page, figure: string) {
  const views = overlapViews(tc, [3, 3], [2, 2]);
  expect(await gridCells(page, figure, 'transposed')).toEqual(Array.from(views.current.counts.values));
  expect(await gridCells(page, figure, 'resize')).toEqual(Array.from(views.resize.counts.values));
  // The maps' column count reached the CSS (a property set from script, not a style attribute).
  const n = await page.evaluate((figure) => {
    const maps = document.querySelector(figure)!.shadowRoot!.querySelector('.maps')!;
    return getComputedStyle(maps).getPropertyValue('--n').trim();
  }, figure);
  expect(n).toBe(String(Math.max(...[views.current, views.balanced, views.resize].map((v) => v.counts.cols))));
}

type Result = { side: string; method: string; width: number; height: number; workers: number };

/** Waits for `count` results of the upsampler `id` for which `match` holds. */
async function waitForResults(page: Page, id: string, match: Partial<Result>, count = 2): Promise<Result[]> {
  await page.waitForFunction(
    ([id, match, count]) =>
      (window as unknown as { __events: [string, string, Record<string, unknown>][] }).__events.filter(
        ([t, target, d]) =>
          t === 'tconv-result' && target === id && Object.entries(match).every(([k, v]) => d[k] === v),
      ).length >= count,
    [id, match, count] as const,
    { timeout: 90_000 },
  );
  return (await events(page))
    .filter(([t, target]) => t === 'tconv-result' && target === id)
    .map(([, , d]) => d as Result);
}

/** The sample 320×240 ×2 in the worker, then ×4 (1280×960, 1.2 Mpx) split across two band workers. */
async function checkUpsampler(page: Page, id: string) {
  const first = await waitForResults(page, id, { width: 640, height: 480 });
  expect(first.map((r) => r.method).sort()).toEqual(['resize-conv-nearest', 'transposed']);
  await page.evaluate((id) => {
    const tool = (document.getElementById(id) ?? document.querySelector('tconv-upsampler')) as HTMLElement & {
      workers: number;
    };
    tool.workers = 2;
    tool.setAttribute('scale', '4');
  }, id);
  const big = await waitForResults(page, id, { width: 1280, height: 960, workers: 2 });
  expect(
    big
      .filter((r) => r.width === 1280)
      .map((r) => r.side)
      .sort(),
  ).toEqual(['a', 'b']);
  // Styles set from script took effect: the kernel grid has k columns, the flat-grey tile is
  // shaded, the split handle is placed.
  const styled = await page.evaluate((id) => {
    const tool = (document.getElementById(id) ?? document.querySelector('tconv-upsampler'))!.shadowRoot!;
    const kernel = tool.querySelector('tconv-upsampler-kernel')!.shadowRoot!;
    const compare = tool.querySelector('tconv-upsampler-compare')!.shadowRoot!;
    return {
      columns: getComputedStyle(kernel.querySelector('.grid')!).gridTemplateColumns.split(' ').length,
      tile: getComputedStyle(kernel.querySelector('.tile span')!).backgroundColor,
      handle: (compare.querySelector('.handle') as HTMLElement).style.left,
    };
  }, id);
  expect(styled.columns).toBe(3);
  expect(styled.tile).toMatch(/^rgb\(\d+, \d+, \d+\)$/);
  expect(styled.handle).toMatch(/^\d+(\.\d+)?px$/);
}

beforeAll(async () => {
  tc = await createTconv();
  server = await serveSite({ pages: { 'post.html': POST }, route: byVariant });
  base = server.url;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe(`under ${POLICIES.minimal}`, () => {
  it('the explainer draws its grids, with the core’s numbers, and steps on a key press', async () => {
    const o = await open('minimal', 'index.html?step=1.1');
    try {
      await o.page.waitForSelector('body[data-ready]');
      expect(await o.page.getAttribute('body', 'data-ready')).toBe('true');
      await checkMatrix(o.page, 'tconv-matrix');
      // Edit k(0, 0): the editor opens over the cell (placed from script) and the figure follows.
      const { page } = o;
      await page.focus('tconv-matrix tconv-grid[grid-id="k"] [role="gridcell"][data-index="0"]');
      await page.keyboard.press('Enter');
      const placed = await page.evaluate(() => {
        const root = document.querySelector('tconv-matrix')!.shadowRoot!;
        const editor = root.querySelector('.editor')!.getBoundingClientRect();
        const cell = root
          .querySelector('tconv-grid[grid-id="k"]')!
          .shadowRoot!.querySelector('[role="gridcell"][data-index="0"]')!
          .getBoundingClientRect();
        return Math.hypot(editor.left - cell.left, editor.top - cell.top);
      });
      expect(placed).toBeLessThan(12);
      await page.keyboard.press('Control+A');
      await page.keyboard.type('2');
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await gridCells(page, 'tconv-matrix', 'k'))?.[0]).toBe(2);
      await expectClean(o);
      // Zero insertion: each window's width is set from script.
      await page.goto(`${base}minimal/index.html?step=7.20`);
      await page.waitForSelector('body[data-ready="true"]');
      const width = await page.evaluate(
        () =>
          getComputedStyle(document.querySelector('tconv-matrix')!.shadowRoot!.querySelector('.taps .win')!).maxWidth,
      );
      expect(width).toBe('31px'); // 3 taps × 9 px + 4 px
      await expectClean(o);
    } finally {
      await o.context.close();
    }
  });

  it('the upsampler computes its sample in its worker, and 1.2 Mpx across two band workers', async () => {
    const o = await open('minimal', 'upsampler.html');
    try {
      await o.page.evaluate(() => (document.querySelector('tconv-upsampler')!.id = 'tool'));
      await checkUpsampler(o.page, 'tool');
      // Saving a result: a PNG made in the worker, handed over as a Blob URL (a download, not an image load).
      const [download] = await Promise.all([
        o.page.waitForEvent('download'),
        o.page.click('tconv-upsampler [aria-label="Download A as PNG"]'),
      ]);
      expect(download.suggestedFilename()).toBe('Fine-detail-transposed-x4.png');
      expect(await download.failure()).toBeNull();
      await expectClean(o);
    } finally {
      await o.context.close();
    }
  }, 120_000);

  it('embed-csp.html (embed.html’s multi-file twin) shows the matrix, the overlap maps and the upsampler', async () => {
    for (const [query, check] of [
      ['figure=matrix&input=4&kernel=3&step=1.1', (p: Page) => checkMatrix(p, 'tconv-matrix')],
      ['figure=overlap&kernel=3&stride=2&maps=all', (p: Page) => checkOverlap(p, 'tconv-overlap')],
      ['figure=upsampler&src=sample:detail&scale=2', (p: Page) => checkUpsampler(p, 'tconv-upsampler')],
    ] as const) {
      const o = await open('minimal', `embed-csp.html?${query}`);
      try {
        await o.page.waitForSelector('body[data-ready="true"]');
        await check(o.page);
        await expectClean(o);
      } finally {
        await o.context.close();
      }
    }
  }, 180_000);
});

// The embed needs only part of the policy: a post may have its own policy for the rest.
describe('the one-script embed (tconv-embed.js) in a post', () => {
  it.each(['minimal', 'embed-only'])(
    'renders all three figures under the %s policy',
    async (variant) => {
      const o = await open(variant, 'post.html');
      try {
        await waitForResults(o.page, 'tool', { width: 640 });
        await checkMatrix(o.page, '#matrix');
        await checkOverlap(o.page, '#overlap');
        await checkUpsampler(o.page, 'tool');
        await expectClean(o);
      } finally {
        await o.context.close();
      }
    },
    120_000,
  );
});

// What a reader would see break without a source (checked in the page).
const BROKEN = {
  /** No script ran: the elements were never defined. */
  nothingRuns: () => customElements.get('tconv-matrix') === undefined,
  /** The page says the core could not load. */
  noCore: () => document.body.dataset.ready === 'error' && !document.getElementById('error')!.hidden,
  /** A figure reported an error. */
  figureError: () => (window as unknown as { __events: [string][] }).__events.some(([t]) => t === 'tconv-error'),
  /** The page's stylesheet was not applied. */
  unstyled: () => getComputedStyle(document.body).margin !== '0px', // styles.css: body { margin: 0 }
  /** Only the icon: the page's `data:,` icon is refused (it is there to spare a /favicon.ico request). */
  iconOnly: () => true,
};

// Without each source, something breaks: [variant, page, the violation expected (directive and blocked URL), what breaks].
const NEEDED: [string, string, RegExp, keyof typeof BROKEN][] = [
  [
    'no-script-self',
    'index.html',
    /^script-src-elem http:\/\/127\.0\.0\.1:\d+\/no-script-self\/assets\/index-/,
    'nothingRuns',
  ],
  ['no-wasm-eval', 'index.html', /^script-src wasm-eval/, 'noCore'],
  ['no-wasm-eval', 'post.html', /^script-src wasm-eval/, 'figureError'],
  ['no-worker-blob', 'upsampler.html', /^worker-src blob/, 'figureError'],
  ['no-worker-blob', 'post.html', /^worker-src blob/, 'figureError'],
  [
    'no-connect-self',
    'index.html',
    /^connect-src http:\/\/127\.0\.0\.1:\d+\/no-connect-self\/assets\/core-[\w-]+\.wasm/,
    'noCore',
  ],
  ['no-img-data', 'index.html', /^img-src data/, 'iconOnly'],
  [
    'no-style-self',
    'index.html',
    /^style-src-elem http:\/\/127\.0\.0\.1:\d+\/no-style-self\/assets\/index-[\w-]+\.css/,
    'unstyled',
  ],
];

/** Chromium's console line for a refusal: expected under a short policy, so not counted as an error there. */
const REFUSAL = /violates the (following|document's) Content Security Policy/;

describe('every source in the policy is needed', () => {
  it.each(NEEDED)('without it (%s), %s is refused something', async (variant, path, expected, broken) => {
    const o = await open(variant, path, { allow: [REFUSAL] });
    try {
      await o.page.waitForFunction(
        () => (window as unknown as { __violations: string[] }).__violations.length > 0,
        null,
        {
          timeout: 30_000,
        },
      );
      const seen = await violations(o.page);
      expect(
        seen.some((v) => expected.test(v)),
        seen.join('\n'),
      ).toBe(true);
      await o.page.waitForFunction(BROKEN[broken], null, { timeout: 30_000 });
    } finally {
      await o.context.close();
    }
  });
});
