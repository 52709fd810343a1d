// What the embed's suites (embed-*.test.ts) share: Chromium, the built site
// with the example post (examples/blog-post.html, its script beside it) and a
// suite's own pages served next to it from memory, and the helpers that open a
// page in a fresh browser context (so that no test depends on another's state),
// record the figures' events, and read their grids as a screen reader sees
// them. Each test file calls embedSuite() once, at its top.

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';

import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';

import { consoleChecks, launchChromium, root, serveSite, type SiteServer } from './support.js';

// Set by embedSuite's beforeAll; importers read them through ES live bindings.
/** The suite's server: the built site, blog-post.html and the suite's own pages. */
export let server: SiteServer;
/** The server's URL, 'http://127.0.0.1:<port>/'. */
export let base: string;
let browser: Browser;
let checks: ReturnType<typeof consoleChecks>;

/** Chromium's viewport when a test does not ask for another (the post's reading width and more). */
const DESKTOP = { width: 1280, height: 900 };

/** The example post as it is shipped, with its script next to it (the test folders hold tconv-embed.js). */
export function postHtml(): string {
  const html = readFileSync(join(root, 'examples/blog-post.html'), 'utf8');
  expect(html).toContain('<script src="../dist/tconv-embed.js"></script>');
  return html.replace('../dist/tconv-embed.js', 'tconv-embed.js');
}

/** A bare page around some figures; `scripts` copies of the script tag. */
export function barePage(body: string, scripts = 1): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>bare</title>${'<script src="tconv-embed.js"></script>'.repeat(scripts)}</head><body>${body}</body></html>`;
}

export interface Opened {
  page: Page;
  context: BrowserContext;
  /** Every request the page made (URLs). */
  requests: string[];
  /** Console errors and warnings, and uncaught errors, so far (checked after every test too). */
  errors: string[];
}

export interface OpenOptions {
  width?: number;
  height?: number;
  dark?: boolean;
  reduced?: boolean;
  permissions?: string[];
}

/** Records the figures' events from the start: window.__events = [[type, target id, detail], …]. */
export function recorder() {
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

export async function open(url: string, options: OpenOptions = {}): Promise<Opened> {
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

export const events = (page: Page) =>
  page.evaluate(() => (window as unknown as { __events: [string, string, unknown][] }).__events);

/** Scrolls through the whole page (every lazy figure starts), then back to the top. */
export async function scrollThrough(page: Page): Promise<void> {
  // The page grows as figures draw: measure it again at every step.
  for (let y = 0; y < (await page.evaluate(() => document.documentElement.scrollHeight)); y += 500) {
    await page.evaluate((y) => window.scrollTo(0, y), y);
    await page.waitForTimeout(60);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** Waits until every figure on the page has drawn (matrix, overlap: tconv-ready; upsampler: both results). */
export async function waitForFigures(page: Page): Promise<void> {
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

export interface GridRead {
  rowcount: number;
  colcount: number;
  cells: (number | null)[];
}

/** A <tconv-grid> inside a figure (the figure's id, the grid's grid-id) as a screen reader sees it. */
export function readGrid(page: Page, host: string, gridId: string): Promise<GridRead | null> {
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

/** A folder on a plain static host: its files by name, 404 for anything else; `log` is every request's path and status. */
export interface FolderServer {
  /** 'http://127.0.0.1:<port>/' */
  url: string;
  log: { path: string; status: number }[];
  close(): Promise<void>;
}

/**
 * Serves the files directly in `dir` (no sub-folders: a blogger's folder beside a post) over http;
 * `headers(name)` adds response headers to a file (e.g. a Content-Security-Policy).
 */
export async function serveFolder(
  dir: string,
  headers: (name: string) => Record<string, string> = () => ({}),
): Promise<FolderServer> {
  const log: FolderServer['log'] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const name = path.slice(1);
    const found = /^[\w.-]+$/.test(name)
      ? readFile(join(dir, name)).catch(() => undefined)
      : Promise.resolve(undefined);
    void found.then((body) => {
      log.push({ path, status: body ? 200 : 404 });
      res.setHeader('Cache-Control', 'no-store');
      if (!body) res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      else res.writeHead(200, { ...headers(name), 'Content-Type': 'text/html; charset=utf-8' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    log,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * What the explainer's "Copy embed code" copies for `query` (the explainer's URL parameters),
 * read from the clipboard: the script snippet and the iframe snippet (the iframe and its script).
 */
export async function copiedEmbed(query: string): Promise<{ script: string; iframe: string }> {
  const o = await open(`${base}index.html${query}`, { permissions: ['clipboard-read', 'clipboard-write'] });
  try {
    await o.page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await o.page.click('tconv-matrix #copy-embed');
    await expect
      .poll(() =>
        o.page.evaluate(
          () => document.querySelector('tconv-matrix')!.shadowRoot!.querySelector('.status')!.textContent,
        ),
      )
      .toContain('The embed code copied');
    const [script, iframe, ...rest] = (await o.page.evaluate(() => navigator.clipboard.readText())).split('\n\n');
    expect(rest).toEqual([]);
    return { script, iframe };
  } finally {
    await o.context.close();
  }
}

export const shared = (page: Page) =>
  page.evaluate(() => {
    const s = (globalThis as unknown as Record<symbol, Record<string, unknown>>)[Symbol.for('tconv')];
    return s ? { coreLoads: s.coreLoads, bytesLoads: s.bytesLoads, scripts: s.scripts, scriptUrl: s.scriptUrl } : null;
  });

/** Requests other than the page itself, its script, and Blob URLs (the upsampler's worker). */
export function otherRequests(requests: string[], page: string, script: string): string[] {
  return requests.filter((r) => r !== page && r !== script && !r.startsWith('blob:'));
}

/**
 * Registers the suite's hooks: a server for the built site, blog-post.html
 * (postHtml) and `pages` (path → HTML), and Chromium; and consoleChecks, which
 * fails a test during which a page that open() opened logged an error or a
 * warning.
 */
export function embedSuite(pages: Record<string, string> = {}): void {
  checks = consoleChecks();

  beforeAll(async () => {
    server = await serveSite({ pages: { 'blog-post.html': postHtml(), ...pages } });
    base = server.url;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
}
