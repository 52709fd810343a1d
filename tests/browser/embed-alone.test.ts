// The iframe page as a blogger uses it: dist/embed.html copied ALONE into an
// empty folder, next to a post that pastes the iframe snippet of "Copy embed
// code" (the iframe and its few lines of script), served over http by a plain
// static host. The page fetches nothing but itself, the figure draws and
// works, and each iframe's height is its figure's height (no scrollbar inside)
// and follows a chapter change, with several iframes on one post each on their
// own. Without the script, the snippet's height attribute shows the whole
// figure in a 720 px column. Setup and helpers: embed-support.ts.

import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { type Frame, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { COLUMN_WIDTH, DEFAULT_HEIGHTS, defaultHeight } from '../../web/components/shared/embed-code.js';
import { base, copiedEmbed, embedSuite, type FolderServer, open, serveFolder } from './embed-support.js';
import { siteDir } from './support.js';

embedSuite();

let folder: string;
let host: FolderServer;

/**
 * The policy the README gives for embed.html on a host that sends one: its one inline script by
 * hash (the build prints it), the core's compilation, the upsampler's Blob-URL worker, the icon.
 */
function onePagePolicy(): string {
  const html = readFileSync(join(folder, 'embed.html'), 'utf8');
  const scripts = [...html.matchAll(/<script>([^]*?)<\/script>/g)].map((m) => m[1]);
  expect(scripts).toHaveLength(1);
  const hash = createHash('sha256').update(scripts[0]).digest('base64');
  return `default-src 'none'; script-src 'sha256-${hash}' 'wasm-unsafe-eval'; worker-src blob:; img-src data:`;
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'tconv-embed-alone-'));
  copyFileSync(join(siteDir(), 'embed.html'), join(folder, 'embed.html'));
  // strict.html: embed.html under its policy.
  copyFileSync(join(folder, 'embed.html'), join(folder, 'strict.html'));
  const policy = onePagePolicy();
  host = await serveFolder(folder, (name): Record<string, string> =>
    name === 'strict.html' ? { 'Content-Security-Policy': policy } : {},
  );
});

afterAll(async () => {
  await host?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** The iframe snippet as pasted next to the copied embed.html: its URL made relative, as the blogger's own. */
const besideThePost = (iframe: string) => iframe.replaceAll(`${base}embed.html`, 'embed.html');

/** A post (in the folder, as parent.html) with the snippets side by side in `width` px columns. */
function writePost(snippets: string[], width = COLUMN_WIDTH): string {
  const columns = snippets.map((s) => `<div class="col">${s}</div>`).join('\n');
  writeFileSync(
    join(folder, 'parent.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>post</title>
<style>body { margin: 0 } main { display: flex; gap: 16px; align-items: flex-start } .col { flex: none; width: ${width}px }</style>
</head><body><main>${columns}</main></body></html>`,
  );
  return `${host.url}parent.html`;
}

/** The frame of the post's `index`-th iframe. */
async function frameAt(page: Page, index: number): Promise<Frame> {
  const frame = await (await page.$$('iframe'))[index].contentFrame();
  if (!frame) throw new Error(`iframe ${index} has no frame`);
  return frame;
}

/** The iframes' frames, in the post's order, once each figure has drawn. */
async function figures(page: Page, count: number): Promise<Frame[]> {
  expect(await page.locator('iframe').count()).toBe(count);
  const frames: Frame[] = [];
  for (let i = 0; i < count; i++) {
    const frame = await frameAt(page, i);
    await frame.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    frames.push(frame);
  }
  return frames;
}

interface Fit {
  /** The iframe element's height in the post. */
  iframe: number;
  /** The figure page's content height (its root element's box), rounded up. */
  content: number;
  /** The page scrolls inside the iframe (vertically or sideways). */
  scrolls: boolean;
}

async function fit(page: Page, index: number): Promise<Fit> {
  const frame = await frameAt(page, index);
  const iframe = await page.evaluate(
    (i) => document.querySelectorAll('iframe')[i].getBoundingClientRect().height,
    index,
  );
  const inner = await frame.evaluate(() => {
    const r = document.documentElement;
    return {
      content: Math.ceil(r.getBoundingClientRect().height),
      scrolls: r.scrollHeight > r.clientHeight || r.scrollWidth > r.clientWidth,
    };
  });
  return { iframe, ...inner };
}

/** Waits until the iframe's height is its content's (the post's script has answered the page's message). */
async function fitted(page: Page, index: number): Promise<Fit> {
  await expect
    .poll(async () => {
      const f = await fit(page, index);
      return f.iframe === f.content && !f.scrolls;
    })
    .toBe(true);
  return fit(page, index);
}

/** Clicks a chapter's tab in the figure of an iframe. */
async function chapter(page: Page, index: number, n: number): Promise<void> {
  const frame = await frameAt(page, index);
  await frame.click(`tconv-matrix #tab-${n}`);
  await frame.waitForSelector(`tconv-matrix #tab-${n}[aria-selected="true"]`);
}

describe('embed.html copied alone next to a post (served over http)', () => {
  it('loads nothing but itself, draws and plays the figure, and its iframe follows the figure’s height', async () => {
    const { iframe } = await copiedEmbed('?input=5&kernel=3&stride=2&step=6');
    expect(iframe).toContain(`height="${defaultHeight('matrix', [['step', '6']])}"`);
    const o = await open(writePost([besideThePost(iframe)]), { width: 1000, height: 900 });
    const { page } = o;
    try {
      const [frame] = await figures(page, 1);
      // The core ran inside the one file: chapter 6's Cᵀ, for a 5×5 input, kernel 3, stride 2, is 25×4.
      const Ct = await frame.evaluate(() => {
        const g = document.querySelector('tconv-matrix')!.shadowRoot!.querySelector('tconv-grid[grid-id="Ct"]')!;
        const grid = g.shadowRoot!.querySelector('[role="grid"]')!;
        return [grid.getAttribute('aria-rowcount'), grid.getAttribute('aria-colcount')];
      });
      expect(Ct).toEqual(['25', '4']);
      const at6 = await fitted(page, 0);

      // Chapter 1 is far shorter than chapter 6: the page reports it and the iframe shrinks with it.
      await chapter(page, 0, 1);
      await expect.poll(async () => (await fit(page, 0)).content).toBeLessThan(at6.content - 200);
      const at1 = await fitted(page, 0);
      expect(at1.iframe).toBeLessThan(at6.iframe - 200);
      // And grows again for a taller chapter.
      await chapter(page, 0, 9);
      await expect.poll(async () => (await fit(page, 0)).content).toBeGreaterThan(at6.content);
      await fitted(page, 0);

      // Nothing but the post and the page: no request to the host for anything else, none failed.
      await page.waitForTimeout(500);
      expect(host.log.filter((r) => r.status !== 200)).toEqual([]);
      expect([...new Set(host.log.map((r) => r.path))].sort()).toEqual(['/embed.html', '/parent.html']);
      host.log.length = 0;
      const elsewhere = o.requests.filter(
        (r) => !r.startsWith(host.url) && !r.startsWith('blob:') && !r.startsWith('data:'),
      );
      expect(elsewhere).toEqual([]);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('two iframes on one post each take their own figure’s height', async () => {
    const a = besideThePost((await copiedEmbed('?input=5&kernel=3&stride=2&step=6')).iframe);
    const b = besideThePost((await copiedEmbed('?input=4&kernel=3&step=2')).iframe);
    const o = await open(writePost([a, b]), { width: 2 * COLUMN_WIDTH + 40, height: 1000 });
    const { page } = o;
    try {
      await figures(page, 2);
      const [a6, b2] = [await fitted(page, 0), await fitted(page, 1)];
      expect(Math.abs(a6.iframe - b2.iframe)).toBeGreaterThan(200);
      // A chapter change in the second resizes the second only.
      await chapter(page, 1, 9);
      await expect.poll(async () => (await fit(page, 1)).content).toBeGreaterThan(b2.content + 200);
      const b9 = await fitted(page, 1);
      expect(b9.iframe).toBeGreaterThan(b2.iframe + 200);
      expect(await fitted(page, 0)).toEqual(a6);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('under a policy that allows its one inline script by hash, the matrix and the upsampler work', async () => {
    for (const query of [
      'figure=matrix&input=5&kernel=3&stride=2&step=6',
      'figure=upsampler&src=sample:detail&scale=2',
    ]) {
      // Refusals are console errors: open() fails the test on any.
      const o = await open(`${host.url}strict.html?${query}`);
      try {
        await o.page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
        if (query.includes('upsampler')) {
          // Both results, computed in the Blob-URL worker.
          await o.page.waitForFunction(
            () =>
              (window as unknown as { __events: [string][] }).__events.filter(([t]) => t === 'tconv-result').length >=
              2,
            null,
            { timeout: 60_000 },
          );
        }
        expect(o.errors).toEqual([]);
      } finally {
        await o.context.close();
      }
    }
  });

  it('opened from disk (file://), the one file draws and its iframe follows the figure', async () => {
    const { iframe } = await copiedEmbed('?input=5&kernel=3&stride=2&step=6');
    writePost([besideThePost(iframe)]);
    const o = await open(pathToFileURL(join(folder, 'parent.html')).href, { width: 1000, height: 900 });
    try {
      await figures(o.page, 1);
      const at6 = await fitted(o.page, 0);
      await chapter(o.page, 0, 1);
      await expect.poll(async () => (await fit(o.page, 0)).iframe).toBeLessThan(at6.iframe - 200);
      await fitted(o.page, 0);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });
});

// Without the post's script (a platform that strips it), the iframe keeps its height attribute.
// Each is checked against the real height of the figures it is for, at 720 px, at the first and
// the last frame: [which height, the page's parameters, the height].
const FIGURES: [string, string, number][] = [
  ['overlap', 'figure=overlap&kernel=3&stride=2&maps=all', DEFAULT_HEIGHTS.overlap],
  ['overlap', 'figure=overlap', DEFAULT_HEIGHTS.overlap],
  ['upsampler', 'figure=upsampler&src=sample:detail&scale=2', DEFAULT_HEIGHTS.upsampler],
  ...DEFAULT_HEIGHTS.matrix.flatMap((_, i): [string, string, number][] => {
    const height = defaultHeight('matrix', [['step', String(i + 1)]]);
    return [
      [`matrix chapter ${i + 1}`, `figure=matrix&input=5&kernel=3&stride=2&step=${i + 1}`, height],
      [`matrix chapter ${i + 1}`, `figure=matrix&step=${i + 1}`, height],
    ];
  }),
];

/** Room a default height may leave below its tallest figure: a little, not a screenful. */
const SPARE = (need: number) => Math.max(80, 0.1 * need);

describe(`the default heights, without the script, in a ${COLUMN_WIDTH} px column`, () => {
  it('show the whole figure (no scrollbar inside), with little room to spare', async () => {
    // One iframe, moved from figure to figure (a page of 23 figures would be slow to load).
    const o = await open(writePost(['<iframe style="border: 0; display: block" width="100%"></iframe>']));
    const { page } = o;
    try {
      const frame = await frameAt(page, 0);
      const measured = new Map<string, { height: number; need: number; seen: string[] }>();
      for (const [which, query, height] of FIGURES) {
        const src = `embed.html?${query}`;
        await page.evaluate(
          ([src, height]) => Object.assign(document.querySelector('iframe')!, { src, height }),
          [src, String(height)],
        );
        await frame.waitForURL(`${host.url}${src}`);
        await frame.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
        if (query.includes('upsampler')) {
          // Both results drawn: the stage has its image and its final height.
          await frame.waitForFunction(
            () =>
              (window as unknown as { __events: [string][] }).__events.filter(([t]) => t === 'tconv-result').length >=
                2 && !document.querySelector('tconv-upsampler')!.hasAttribute('busy'),
            null,
            { timeout: 60_000 },
          );
        }
        const heights = [(await fit(page, 0)).content];
        if (query.includes('matrix')) {
          await frame.focus('tconv-matrix [role="tab"][aria-selected="true"]');
          await page.keyboard.press('Tab'); // the chapter's panel
          await page.keyboard.press('End');
          await page.waitForTimeout(300);
          heights.push((await fit(page, 0)).content);
        }
        const m = measured.get(which) ?? { height, need: 0, seen: [] };
        m.need = Math.max(m.need, ...heights);
        m.seen.push(`${query}: ${heights.join(' → ')}`);
        measured.set(which, m);
      }
      // Fits, and wastes little: a taller figure or a height left too generous both fail, with the numbers.
      const off = [...measured]
        .filter(([, m]) => m.need > m.height || m.height - m.need > SPARE(m.need))
        .map(([which, m]) => `${which}: height ${m.height}, content ${m.seen.join(', ')}`);
      expect(off, 'iframe heights that do not fit their figure (embed-code.ts DEFAULT_HEIGHTS)').toEqual([]);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  }, 180_000);
});
