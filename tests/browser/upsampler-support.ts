// What the upsampler page's suites (upsampler-*.test.ts, but not -theme and
// -align, which open their own pages) share: Chromium on the built site's
// upsampler.html, one page reloaded before every test so that no test depends
// on another's state, the hooks that fail a test whose page logged an error or
// made a network request after it loaded, the helpers that drive the page
// (drop, paste, choose methods, read pixels back through getImageData) and the
// expected values, computed here by the core in Node on the same pixels.
// Each test file calls upsamplerSuite() once, at its top. Screenshots are not
// taken by these suites (npm run screenshots takes them).

import { type Browser, type JSHandle, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';

import { createTconv } from '../../web/lib/node.js';
import type { RgbaImage, Tconv, UpsampleOptions } from '../../web/lib/types.js';
import { consoleChecks, launchChromium, serveSite, type SiteServer } from './support.js';

// Set by upsamplerSuite's beforeAll; importers read them through ES live bindings.
export let browser: Browser;
/** The suite's page (1280×900), reloaded before every test. */
export let page: Page;
/** upsampler.html on the suite's server. */
export let url: string;
/** The core, in Node: the source of every expected result. */
export let tc: Tconv;
let server: SiteServer;

export interface Img {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Pixels cross between Node and the page as base64: a million numbers as JSON would take seconds. */
export const toB64 = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');
const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

// ---- page helpers ----

/** Everything the element reports, recorded from the start (events bubble, composed, to the document). */
export function recorder() {
  const w = window as unknown as Record<string, unknown>;
  w.__results = [];
  w.__errors = [];
  w.__loads = [];
  w.__longtasks = [];
  document.addEventListener('tconv-result', (e) => (w.__results as unknown[]).push((e as CustomEvent).detail));
  document.addEventListener('tconv-error', (e) => (w.__errors as unknown[]).push((e as CustomEvent).detail.message));
  document.addEventListener('tconv-load', (e) => (w.__loads as unknown[]).push((e as CustomEvent).detail));
  new PerformanceObserver((list) => {
    for (const t of list.getEntries()) (w.__longtasks as number[]).push(Math.round(t.duration));
  }).observe({ type: 'longtask', buffered: true });
}

export async function clearLog(p: Page = page) {
  await p.evaluate(() => {
    const w = window as unknown as Record<string, unknown[]>;
    w.__results.length = 0;
    w.__errors.length = 0;
    w.__loads.length = 0;
    w.__longtasks.length = 0;
  });
}

export type ResultDetail = {
  side: 'a' | 'b';
  method: string;
  width: number;
  height: number;
  ms: number;
  workers: number;
};

export async function results(p: Page = page): Promise<ResultDetail[]> {
  return p.evaluate(() => (window as unknown as { __results: ResultDetail[] }).__results);
}

/** Waits until both sides show results for these methods (since the last clearLog) and nothing runs. */
export async function waitForResults(a: string, b: string, p: Page = page, timeout = 60_000) {
  await p.waitForFunction(
    ([a, b]) => {
      const r = (window as unknown as { __results: ResultDetail[] }).__results;
      const el = document.querySelector('tconv-upsampler')!;
      const has = (side: string, m: string) => r.some((x) => x.side === side && x.method === m);
      return has('a', a) && has('b', b) && !el.hasAttribute('busy');
    },
    [a, b],
    { timeout },
  );
}

/** Waits for one side's result (since the last clearLog) with nothing left running. */
export async function waitForSide(side: 'a' | 'b', method: string, p: Page = page, timeout = 60_000) {
  await p.waitForFunction(
    ([side, m]) =>
      (window as unknown as { __results: ResultDetail[] }).__results.some((r) => r.side === side && r.method === m) &&
      !document.querySelector('tconv-upsampler')!.hasAttribute('busy'),
    [side, method],
    { timeout },
  );
}

/** Chooses the methods, lets whatever that starts finish, then clears the log: the next events belong to the next action. */
export async function prepare(a: string, b: string, p: Page = page) {
  await setMethods(a, b, p);
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  await p.waitForFunction(() => !document.querySelector('tconv-upsampler')!.hasAttribute('busy'), null, {
    timeout: 120_000,
  });
  await clearLog(p);
}

export async function setMethods(a: string, b: string, p: Page = page) {
  await p.evaluate((m) => (document.querySelector('tconv-upsampler')!.methods = m), `${a},${b}`);
}

export async function pixels(which: 'a' | 'b' | 'difference' | 'source', p: Page = page): Promise<Img | null> {
  const r = await p.evaluate(async (w) => {
    const d = await document.querySelector('tconv-upsampler')!.getImageData(w);
    if (!d) return null;
    let s = '';
    for (let i = 0; i < d.data.length; i += 0x8000) s += String.fromCharCode(...d.data.subarray(i, i + 0x8000));
    return { width: d.width, height: d.height, b64: btoa(s) };
  }, which);
  return r && { width: r.width, height: r.height, data: fromB64(r.b64) };
}

/** Drops a file (bytes made here) on the element, as a user drags it from the desktop. */
export async function dropBytes(bytes: Uint8Array, name: string, type = '', p: Page = page) {
  const dt = await p.evaluateHandle(
    ({ b64, name, type }) => {
      const bin = atob(b64);
      const u = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
      const d = new DataTransfer();
      d.items.add(new File([u], name, { type }));
      return d;
    },
    { b64: Buffer.from(bytes).toString('base64'), name, type },
  );
  await dropTransfer(dt, p);
}

export async function dropTransfer(dt: JSHandle, p: Page = page) {
  await p.dispatchEvent('tconv-upsampler .compare-wrap', 'dragover', { dataTransfer: dt });
  await p.dispatchEvent('tconv-upsampler .compare-wrap', 'drop', { dataTransfer: dt });
}

/** Makes an image file in the page (OffscreenCanvas.convertToBlob) from RGBA pixels and drops it. */
export async function dropCanvasImage(img: Img, name: string, type = 'image/png', quality?: number, p: Page = page) {
  const dt = await p.evaluateHandle(
    async ({ img, name, type, quality }) => {
      const bin = atob(img.b64);
      const data = new Uint8ClampedArray(bin.length);
      for (let i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i);
      const c = new OffscreenCanvas(img.width, img.height);
      c.getContext('2d')!.putImageData(new ImageData(data, img.width, img.height), 0, 0);
      const blob = await c.convertToBlob({ type, quality });
      const d = new DataTransfer();
      d.items.add(new File([blob], name, { type }));
      return d;
    },
    { img: { width: img.width, height: img.height, b64: toB64(img.data) }, name, type, quality },
  );
  await dropTransfer(dt, p);
}

export async function alertText(p: Page = page): Promise<string | null> {
  return p.evaluate(() => {
    const a = document.querySelector('tconv-upsampler')!.shadowRoot!.querySelector('[role="alert"]') as HTMLElement;
    return a.hidden ? null : a.textContent!.replace(/\s+/g, ' ').trim();
  });
}

export async function sourceName(p: Page = page): Promise<string | null> {
  return p.evaluate(
    () =>
      document.querySelector('tconv-upsampler')!.shadowRoot!.querySelector('[part="source-info"] strong')
        ?.textContent ?? null,
  );
}

// ---- expected values, computed here ----

/** Opaque, deterministic pixels with detail in every channel. */
export function testImage(width: number, height: number, seed = 1): Img {
  const data: number[] = [];
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 255;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const edge = x > width / 2 !== y > height / 2;
      data.push(edge ? 230 : (x * 7) % 256, (y * 11 + x) % 256, rnd(), 255);
    }
  return { width, height, data: Uint8Array.from(data) };
}

export function rgba(img: Img): RgbaImage {
  return { width: img.width, height: img.height, data: Uint8ClampedArray.from(img.data) };
}

export function expected(src: Img, options: UpsampleOptions): Img {
  const out = tc.upsampleImage(rgba(src), options);
  return { width: out.width, height: out.height, data: new Uint8Array(out.data.buffer) };
}

/** Max |a − b| over all channels, and where. */
export function maxDiff(a: Img, b: Img): { max: number; at: number } {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let max = 0;
  let at = -1;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i]);
    if (d > max) {
      max = d;
      at = i;
    }
  }
  return { max, at };
}

export const box = (k: number) => ({ data: new Float32Array(k * k).fill(1 / (k * k)), shape: [k, k] });

// ---- setup ----

/**
 * Registers the suite's hooks: Chromium and the page before the first test;
 * before each test, the page as a visitor first sees it (the built-in sample,
 * both results shown, the log cleared); after each, the check that nothing went
 * to the network once the page had loaded (console and uncaught errors fail
 * the test through consoleChecks, whose watch is returned for the pages a test
 * opens itself).
 */
export function upsamplerSuite(): ReturnType<typeof consoleChecks> {
  const checks = consoleChecks();
  const requestsAfterLoad: string[] = [];
  let loaded = false;

  beforeAll(async () => {
    tc = await createTconv();
    // The site the global setup built for every suite.
    server = await serveSite();
    url = new URL('upsampler.html', server.url).href;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await page.addInitScript(recorder);
    checks.watch(page);
    page.on('load', () => (loaded = true));
    page.on('request', (r) => {
      if (loaded) requestsAfterLoad.push(r.url());
    });
  }, 180_000);

  beforeEach(async () => {
    loaded = false;
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await waitForResults('transposed', 'resize-conv-nearest');
    await clearLog();
  }, 120_000);

  afterEach(() => {
    const http = requestsAfterLoad.splice(0).filter((r) => /^https?:/.test(r));
    expect(http, 'requests after load').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  return checks;
}
