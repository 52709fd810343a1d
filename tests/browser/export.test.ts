// The export (web/components/export) in real Chromium against the built site:
// the GIF of the seed's chapter 2 is decoded here (export-gif.ts) and compared
// with the page — its size, its frame count and timing against the model and
// the player's pace computed in Node, and a cell of C at every frame against
// the colour the page gives that cell at that step; the SVG still parses and
// keeps its text as <text>; the PNG still decodes at the chosen width; cancel
// stops a whole-walk-through GIF with no file; the video is made and read
// back by mediabunny, or its absence is explained on screen. Screenshots of
// the panel (light, dark, 390 px) and frames of the GIF go to build/screenshots.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ALL_FORMATS, BufferSource, Input } from 'mediabunny';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { compositeOver, parseCssColor, type Rgba } from '../../web/lib/color.js';
import { parseConfig } from '../../web/lib/explainer/config.js';
import { buildModel } from '../../web/lib/explainer/model.js';
import { FRAME_MS } from '../../web/lib/explainer/player.js';
import { chapters } from '../../web/lib/explainer/timeline.js';
import { presetValues } from '../../web/lib/explainer/values.js';
import { createTconv } from '../../web/lib/node.js';
import type { TconvExport } from '../../web/components/export/tconv-export.js';
import { decodeGif, fillOf } from './export-gif.js';
import { consoleChecks, launchChromium, serveSite, shots, type SiteServer } from './support.js';

const checks = consoleChecks();
let server: SiteServer;
let browser: Browser;
let model: Awaited<ReturnType<typeof seedModel>>;

async function seedModel() {
  const tc = await createTconv();
  const { config } = parseConfig(new URLSearchParams(''));
  const output = tc.conv2dOutputSize(config.input, config.kernel, {
    stride: config.stride,
    padding: config.padding,
    dilation: config.dilation,
  });
  const r = buildModel(tc, config, presetValues('seed', { input: config.input, kernel: config.kernel, output }));
  if (!r.ok) throw new Error(r.error);
  return r.model;
}

beforeAll(async () => {
  model = await seedModel();
  server = await serveSite();
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(query: string, options: { width?: number; dark?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: 900 },
    colorScheme: options.dark ? 'dark' : 'light',
    reducedMotion: 'reduce',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  checks.watch(page);
  await page.goto(server.url + query, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return page;
}

/** Opens the export panel from the keyboard. */
async function openPanel(page: Page): Promise<void> {
  await page.locator('tconv-export #toggle').first().focus();
  await page.keyboard.press('Enter');
  await page.locator('tconv-export #gif').first().waitFor();
}

/**
 * Presses a button of the panel (from the keyboard) and returns the file it downloads: the name the browser
 * was given, and the bytes of the Blob behind the link (Chromium's download machinery takes ~20 s to hand
 * over a file here, so the bytes are read in the page).
 */
async function exportFile(
  page: Page,
  button: string,
  host = 'tconv-matrix',
): Promise<{ name: string; bytes: Uint8Array }> {
  const waiting = page.waitForEvent('download', { timeout: 50_000 });
  await page.locator(`${host} tconv-export #${button}`).first().focus();
  await page.keyboard.press('Enter');
  const download = await waiting;
  const name = download.suggestedFilename();
  await download.cancel();
  const base64 = await page.evaluate(async (h) => {
    const el = document.querySelector(h)!.shadowRoot!.querySelector('tconv-export') as TconvExport;
    const bytes = new Uint8Array(await el.lastResult!.blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, host);
  return { name, bytes: new Uint8Array(Buffer.from(base64, 'base64')) };
}

const lastResult = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector('tconv-matrix')!.shadowRoot!.querySelector('tconv-export') as TconvExport;
    const r = el.lastResult!;
    return {
      name: r.name,
      bytes: r.bytes,
      width: r.width,
      height: r.height,
      frames: r.frames,
      ms: r.ms,
      cells: r.cells,
    };
  });

/** The colour the page gives a cell at a step, over the player's background: what the eye sees. */
async function pageColor(page: Page, chapter: number, frame: number, grid: string, index: number): Promise<number[]> {
  const [cell, under] = await page.evaluate(
    async ([c, f, g, i]) => {
      const el = document.querySelector('tconv-matrix')!;
      el.goTo(c as number, f as number);
      await el.updateComplete;
      const gridEl = el.shadowRoot!.querySelector(`tconv-grid[grid-id="${g}"]`) as HTMLElement & {
        updateComplete: Promise<unknown>;
      };
      await gridEl.updateComplete;
      const box = gridEl.shadowRoot!.querySelector(`[data-index="${i}"]`)!;
      return [
        getComputedStyle(box).backgroundColor,
        getComputedStyle(el.shadowRoot!.querySelector('.player')!).backgroundColor,
      ];
    },
    [chapter, frame, grid, index],
  );
  const c = compositeOver(parseCssColor(cell)!, parseCssColor(under)!);
  return [c[0], c[1], c[2]].map(Math.round);
}

/** The colours of a grid's first n cells at a step, over the player's background. */
async function pageColors(page: Page, chapter: number, frame: number, grid: string, n: number): Promise<number[][]> {
  const [cells, under] = await page.evaluate(
    async ([c, f, g, count]) => {
      const el = document.querySelector('tconv-matrix')!;
      el.goTo(c as number, f as number);
      await el.updateComplete;
      const gridEl = el.shadowRoot!.querySelector(`tconv-grid[grid-id="${g}"]`) as HTMLElement & {
        updateComplete: Promise<unknown>;
      };
      await gridEl.updateComplete;
      const list = Array.from(
        { length: count as number },
        (_, i) => getComputedStyle(gridEl.shadowRoot!.querySelector(`[data-index="${i}"]`)!).backgroundColor,
      );
      return [list, getComputedStyle(el.shadowRoot!.querySelector('.player')!).backgroundColor] as const;
    },
    [chapter, frame, grid, n],
  );
  return cells.map((cell) => {
    const c = compositeOver(parseCssColor(cell)!, parseCssColor(under)!);
    return [c[0], c[1], c[2]].map(Math.round);
  });
}

/** Writes some frames of a decoded GIF as PNGs (through the page's canvas), to be looked at. */
async function saveFrames(
  page: Page,
  gif: ReturnType<typeof decodeGif>,
  frames: number[],
  prefix: string,
): Promise<void> {
  for (const f of frames) {
    const data = Buffer.from(gif.frames[f].rgba).toString('base64');
    const url = await page.evaluate(
      ([rgba, w, h]) => {
        const c = document.createElement('canvas');
        c.width = w as number;
        c.height = h as number;
        const bytes = Uint8ClampedArray.from(atob(rgba as string), (ch) => ch.charCodeAt(0));
        c.getContext('2d')!.putImageData(new ImageData(bytes, w as number, h as number), 0, 0);
        return c.toDataURL('image/png');
      },
      [data, gif.width, gif.height] as const,
    );
    writeFileSync(join(shots, `${prefix}-frame${f}.png`), Buffer.from(url.split(',')[1], 'base64'));
  }
}

/** Moves the explainer to a step, as the player does. */
const goTo = (page: Page, chapter: number, frame: number) =>
  page.evaluate(
    async ([c, f]) => {
      const el = document.querySelector('tconv-matrix')!;
      el.goTo(c, f);
      await el.updateComplete;
    },
    [chapter, frame],
  );

describe('export from the explainer', () => {
  // One page for the suite (pages load slowly here); each test moves it to its step.
  let page: Page;
  beforeAll(async () => {
    page = await open('?step=2');
    await openPanel(page);
  });
  afterAll(async () => {
    await page?.context().close();
  });

  it('the GIF of the seed’s chapter 2 has its frames, size and timing, and each frame colours C as the page does at that step', async () => {
    const file = await exportFile(page, 'gif');
    expect(file.name).toBe('tconv-matrix-i4-k3-s1-ch2.gif');
    const gif = decodeGif(file.bytes);
    const result = await lastResult(page);
    const ch = chapters(model)[1];
    expect(ch.id).toBe('build');
    expect(gif.frames.length).toBe(ch.frames.length);
    expect(gif.width).toBe(720);
    expect(gif.height).toBe(result.height);
    expect(result.bytes).toBe(file.bytes.length);
    // The player's pace at 1×: the intro stays 1.3 times as long (to the hundredth of a second a GIF stores).
    expect(gif.frames.map((f) => f.delayMs)).toEqual(
      ch.frames.map((_, i) => Math.round((FRAME_MS.build * (i === 0 ? 1.3 : 1)) / 10) * 10),
    );
    const done = await page.locator('tconv-export #done').first().textContent();
    expect(done).toContain('tconv-matrix-i4-k3-s1-ch2.gif');
    expect(done).toMatch(/\d+ KB/);
    // Frame k fills row k of C: its first weight is a placeholder at step 2.(k−1) and coloured at 2.k, as on the page.
    const C = model.C;
    for (let k = 1; k < ch.frames.length; k++) {
      const col = Array.from({ length: C.cols }, (_, c) => c).find((c) => C.source[(k - 1) * C.cols + c] >= 0)!;
      const index = (k - 1) * C.cols + col;
      for (const f of [k - 1, k]) {
        const box = result.cells[f].find((c) => c.grid === 'C' && c.index === index)!;
        expect(fillOf(gif, f, box), `C cell ${index} at step 2.${f}`).toEqual(await pageColor(page, 2, f, 'C', index));
      }
      expect(
        fillOf(
          gif,
          k,
          result.cells[k].find((c) => c.grid === 'C' && c.index === index)!,
        ),
      ).not.toEqual(
        fillOf(
          gif,
          k - 1,
          result.cells[k - 1].find((c) => c.grid === 'C' && c.index === index)!,
        ),
      );
    }
    // At the last step every cell of C is drawn: each has the page's colour for it (the level of its value, faded
    // for structural zeros).
    const last = ch.frames.length - 1;
    const colors = await pageColors(page, 2, last, 'C', C.rows * C.cols);
    for (let i = 0; i < C.rows * C.cols; i++) {
      expect(
        fillOf(
          gif,
          last,
          result.cells[last].find((c) => c.grid === 'C' && c.index === i)!,
        ),
        `C cell ${i}`,
      ).toEqual(colors[i]);
    }
    await saveFrames(page, gif, [1, last], 'export-gif-ch2');
  });

  it('the stills: SVG with its text as <text>, PNG at the chosen width', async () => {
    await goTo(page, 6, 2);
    await page.locator('tconv-export #width').first().selectOption('480');
    const svg = await exportFile(page, 'svg');
    expect(svg.name).toBe('tconv-matrix-i4-k3-s1-ch6-f2.svg');
    const text = new TextDecoder().decode(svg.bytes);
    const narration = chapters(model)[5].frames[2].narration;
    const parsed = await page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
      return {
        errors: doc.getElementsByTagName('parsererror').length,
        texts: Array.from(doc.getElementsByTagName('text'), (t) => t.textContent ?? ''),
        width: doc.documentElement.getAttribute('width'),
        external: Array.from(doc.querySelectorAll('*')).some(
          (e) =>
            e.hasAttribute('href') ||
            e.hasAttribute('xlink:href') ||
            e.localName === 'style' ||
            e.localName === 'script' ||
            e.localName === 'image',
        ),
      };
    }, text);
    expect(parsed.errors).toBe(0);
    expect(parsed.external).toBe(false);
    expect(parsed.width).toBe('480');
    expect(parsed.texts).toContain('Cᵀ·vec(y)');
    expect(parsed.texts.join(' ')).toContain(narration.split(' ').slice(0, 4).join(' '));
    writeFileSync(join(shots, 'export-still.svg'), text);

    const png = await exportFile(page, 'png');
    expect(png.name).toBe('tconv-matrix-i4-k3-s1-ch6-f2.png');
    const size = await page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      return [bitmap.width, bitmap.height];
    }, Buffer.from(png.bytes).toString('base64'));
    expect(size[0]).toBe(480);
    expect(size[1]).toBeGreaterThan(200);
    writeFileSync(join(shots, 'export-still.png'), png.bytes);
    await page.locator('tconv-export #width').first().selectOption('720');
  });

  it('cancel stops a whole-walk-through GIF mid-way: no file, the panel back to idle', async () => {
    await goTo(page, 3, 0);
    await page.locator('tconv-export input[value="all"]').first().check();
    let downloads = 0;
    const count = () => downloads++;
    page.on('download', count);
    await page.locator('tconv-export #gif').first().click();
    await page.waitForFunction(
      () => {
        const p = document
          .querySelector('tconv-matrix')!
          .shadowRoot!.querySelector('tconv-export')!
          .shadowRoot!.querySelector('progress');
        return p !== null && p.value >= 2;
      },
      undefined,
      { timeout: 30_000, polling: 50 },
    );
    const progress = await page
      .locator('tconv-export progress')
      .first()
      .evaluate((p: HTMLProgressElement) => [p.value, p.max]);
    expect(progress[0]).toBeLessThan(progress[1]);
    await page.locator('tconv-export #cancel').first().focus();
    await page.keyboard.press('Enter');
    await page.locator('tconv-export #progress').first().waitFor({ state: 'detached' });
    await page.waitForTimeout(1500);
    expect(downloads).toBe(0);
    expect(await page.locator('tconv-export .status').first().textContent()).toContain('cancelled');
    expect(await page.locator('tconv-export #gif').first().isEnabled()).toBe(true);
    // The focus is back on the panel's first action, and a new export runs on a fresh worker.
    expect(
      await page.evaluate(
        () =>
          document.querySelector('tconv-matrix')!.shadowRoot!.querySelector('tconv-export')!.shadowRoot!.activeElement
            ?.id,
      ),
    ).toBe('gif');
    page.off('download', count);
    await page.locator('tconv-export input[value="chapter"]').first().check();
  });

  it('the video is made and mediabunny reads it back, or the panel says why there is none', async () => {
    await goTo(page, 5, 0);
    const video = page.locator('tconv-export #video').first();
    const reason = page.locator('tconv-export #video-reason').first();
    await page.waitForFunction(() => {
      const root = document.querySelector('tconv-matrix')!.shadowRoot!.querySelector('tconv-export')!.shadowRoot!;
      return root.querySelector('#video, #video-reason') !== null;
    });
    if ((await video.count()) === 0) {
      expect(await reason.isVisible()).toBe(true);
      expect(await reason.textContent()).toMatch(/No video here: .+/);
      return;
    }
    const file = await exportFile(page, 'video');
    expect(file.name).toMatch(/^tconv-matrix-i4-k3-s1-ch5\.(mp4|webm)$/);
    expect(file.bytes.length).toBeGreaterThan(1000);
    const input = new Input({ source: new BufferSource(file.bytes), formats: ALL_FORMATS });
    const track = (await input.getPrimaryVideoTrack())!;
    const frames = chapters(model)[4].frames.length;
    expect((await track.computePacketStats()).packetCount).toBe(frames);
    const expected = (FRAME_MS.transpose * (1.3 + (frames - 1))) / 1000;
    expect(await input.computeDuration()).toBeCloseTo(expected, 1);
    expect(track.displayWidth).toBe(720);
  });

  for (const [name, dark, width] of [
    ['light', false, 1280],
    ['dark', true, 1280],
    ['phone', true, 390],
  ] as const) {
    it(`the panel at ${name} fits and is readable`, async () => {
      await goTo(page, 2, 0);
      await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
      await page.setViewportSize({ width, height: 900 });
      await page.waitForFunction(
        (d) => document.querySelector('tconv-matrix')!.dataset.scheme === (d ? 'dark' : 'light'),
        dark,
      );
      const panel = page.locator('tconv-export #export-panel').first();
      await panel.scrollIntoViewIfNeeded();
      const box = (await panel.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      await panel.screenshot({ path: join(shots, `export-panel-${name}.png`) });
    });
  }

  it('Escape closes the panel and gives the focus back to its button', async () => {
    await page.locator('tconv-export #width').first().focus();
    await page.keyboard.press('Escape');
    await page.locator('tconv-export #export-panel').first().waitFor({ state: 'detached' });
    const focused = await page.evaluate(
      () =>
        document.querySelector('tconv-matrix')!.shadowRoot!.querySelector('tconv-export')!.shadowRoot!.activeElement
          ?.id,
    );
    expect(focused).toBe('toggle');
    await page.keyboard.press('Enter');
    await page.locator('tconv-export #export-panel').first().waitFor();
  });
});

describe('export from the overlap map', () => {
  it('the overlap map exports a GIF named after its settings, one frame per map', async () => {
    // The site's build of the iframe page (embed-csp.html once embed.html is the one-file page, which, built like
    // tconv-embed.js, leaves the export out).
    const csp = await fetch(`${server.url}embed-csp.html`);
    const host = csp.ok ? 'embed-csp.html' : 'embed.html';
    const page = await open(`${host}?figure=overlap&kernel=3&stride=2&maps=all`);
    await page.locator('tconv-overlap tconv-export #toggle').focus();
    await page.keyboard.press('Enter');
    const file = await exportFile(page, 'gif', 'tconv-overlap');
    expect(file.name).toBe('tconv-overlap-k3-s2.gif');
    const gif = decodeGif(file.bytes);
    expect(gif.frames.length).toBe(3);
    expect(gif.width).toBe(720);
    await saveFrames(page, gif, [2], 'export-gif-overlap');
    await page.context().close();
  });
});
