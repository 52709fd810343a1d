// What every browser suite shares: how Debian's Chromium is started
// (playwright-core; no downloaded browser), the site that global-setup.ts
// built once for all suites and a server for it, and the check that no page
// logged an error.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { type Browser, chromium, type Page } from 'playwright-core';
import { afterEach, expect, inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The site and the embed, built by global-setup.ts as `npm run build` builds dist/. */
    siteDir: string;
    /** The Chromium binary (scripts/toolchain.mjs chromiumPath()); '' when none was found. */
    chromiumPath: string;
  }
}

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where `npm run screenshots` (scripts/screenshots.mjs) writes its PNGs. */
export const shots = join(root, 'build/screenshots');

/** The built site: index.html, upsampler.html, embed.html, tconv-embed.js, tconv-embed.mjs, assets/. */
export const siteDir = (): string => inject('siteDir');

// Background networking off: this machine's network is closed, and a test
// must see only the requests the page itself makes.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  const executablePath = inject('chromiumPath');
  if (!executablePath) throw new Error('No Chromium found: install Debian’s chromium, or set CHROMIUM_PATH');
  return chromium.launch({ executablePath, args: FLAGS });
}

// ---- serving the built site ----

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface Route {
  /** The file to send, relative to the site folder (or a key of `pages`). */
  path: string;
  /** Extra response headers, e.g. a Content-Security-Policy. */
  headers?: Record<string, string>;
}

export interface ServeOptions {
  /** Pages of the suite's own, by path ('post.html'), served as if they were in the site folder. */
  pages?: Record<string, string>;
  /** Maps a request's path ('/a/b.html', decoded) to a file and headers; null answers 404. Default: the path itself. */
  route?: (path: string) => Route | null;
}

export interface SiteServer {
  /** 'http://127.0.0.1:<port>/' */
  url: string;
  /** The suite's pages; a test may add one (before opening it). */
  pages: Map<string, string>;
  close(): Promise<void>;
}

/**
 * Serves the built site over http on 127.0.0.1 (a free port) with
 * `Cache-Control: no-store`, plus the suite's own pages from memory: the
 * shared build is read, never written. A folder's path serves its index.html.
 */
export async function serveSite(options: ServeOptions = {}): Promise<SiteServer> {
  const dir = siteDir();
  const pages = new Map(Object.entries(options.pages ?? {}));
  const route = options.route ?? ((path: string): Route => ({ path }));
  const server = createServer((req, res) => {
    const requested = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const r = route(requested);
    const send = async () => {
      if (!r) return undefined;
      const path = r.path.replace(/^\/+/, '').replace(/(^|\/)$/, '$1index.html');
      if (pages.has(path)) return { body: Buffer.from(pages.get(path)!), type: TYPES['.html'] };
      const file = normalize(join(dir, path));
      if (!file.startsWith(dir + sep)) return undefined;
      const body = await readFile(file).catch(() => undefined);
      return body && { body, type: TYPES[extname(file)] ?? 'application/octet-stream' };
    };
    void send().then((found) => {
      for (const [name, value] of Object.entries(r?.headers ?? {})) res.setHeader(name, value);
      res.setHeader('Cache-Control', 'no-store');
      if (!found) res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      else res.writeHead(200, { 'Content-Type': found.type }).end(found.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    pages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// ---- no page logs an error ----

export interface WatchOptions {
  /** Console warnings count too (e.g. Lit's "dev mode" warning would mean a development build). */
  warnings?: boolean;
  /** Messages a test provokes on purpose (a refused request, a blocked script), by pattern. */
  allow?: RegExp[];
}

/**
 * Fails each test during which a watched page logged a console error (or,
 * with `warnings`, a warning) or threw an uncaught error. Call it once at the
 * top of a suite (it registers an afterEach), then `watch(page)` for every
 * page the suite opens, in a test or in beforeAll; a page stays watched until
 * it closes. `watch` returns the page's problems so far, for a test that
 * wants to check them at a point of its own.
 */
export function consoleChecks(): { watch(page: Page, options?: WatchOptions): string[] } {
  const watched = new Map<Page, string[]>();
  afterEach(() => {
    const problems = [...watched.values()].flatMap((list) => list.splice(0));
    for (const page of watched.keys()) if (page.isClosed()) watched.delete(page);
    expect(problems, 'console errors and uncaught errors of the pages this test opened').toEqual([]);
  });
  return {
    watch(page, options = {}) {
      const known = watched.get(page);
      if (known) return known;
      const problems: string[] = [];
      const allowed = (text: string) => (options.allow ?? []).some((re) => re.test(text));
      page.on('console', (m) => {
        const counted = m.type() === 'error' || (options.warnings === true && m.type() === 'warning');
        if (counted && !allowed(m.text())) problems.push(`console ${m.type()}: ${m.text()} (${page.url()})`);
      });
      page.on('pageerror', (e) => {
        if (!allowed(String(e))) problems.push(`uncaught: ${String(e)} (${page.url()})`);
      });
      watched.set(page, problems);
      return problems;
    },
  };
}
