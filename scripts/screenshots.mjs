// `npm run screenshots`: builds the site into dist/ (as `npm run build` does),
// then opens every page in Chromium (Debian's, driven by playwright-core) at
// desktop and phone width, light and dark, waits until every figure on it has
// drawn, and writes full-page PNGs to build/screenshots/<page>-<width>-<scheme>.png.
// `npm run screenshots -- explainer blog-post` shoots only the pages named.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { buildSite } from './site.mjs';
import { build, chromiumPath, root, setup } from './toolchain.mjs';

const OUT = join(root, 'build/screenshots');

/** The site's pages (paths in dist/) and the example post (opened from disk, as its comment says to). */
const PAGES = [
  { name: 'explainer', path: 'index.html' },
  { name: 'upsampler', path: 'upsampler.html' },
  { name: 'embed-matrix', path: 'embed.html?figure=matrix&input=5&kernel=3&stride=2&step=4' },
  { name: 'embed-overlap', path: 'embed.html?figure=overlap&kernel=3&stride=2&maps=all' },
  { name: 'embed-upsampler', path: 'embed.html?figure=upsampler&src=sample:text' },
  { name: 'blog-post', file: 'examples/blog-post.html' },
];

// 390 px: the CSS width of today's common phones (iPhone 12 to 15).
const WIDTHS = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
};
const SCHEMES = ['light', 'dark'];

/** How long one page may take to draw every figure (the upsampler computes two results). */
const DRAW_TIMEOUT_MS = 90_000;

// Background networking off: only the page's own requests.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

/** Runs in the page before its scripts: which figures have drawn (tconv-ready) and how many results each upsampler sent. */
function recorder() {
  const w = /** @type {any} */ (window);
  w.__drawn = new Set();
  w.__results = new Map();
  document.addEventListener('tconv-ready', (e) => w.__drawn.add(e.target));
  document.addEventListener('tconv-result', (e) => w.__results.set(e.target, (w.__results.get(e.target) ?? 0) + 1));
}

/** In the page: every figure has drawn; each upsampler has both results and is idle. */
function figuresDrawn() {
  const w = /** @type {any} */ (window);
  if (document.body.dataset.ready === 'error') throw new Error('the page reports an error');
  const figures = [...document.querySelectorAll('tconv-matrix, tconv-overlap')];
  const tools = [...document.querySelectorAll('tconv-upsampler')];
  return (
    figures.every((f) => w.__drawn.has(f)) &&
    tools.every((t) => (w.__results.get(t) ?? 0) >= 2 && !t.hasAttribute('busy'))
  );
}

/** Scrolls through the whole page so that lazy figures start, then back to the top. */
async function scrollThrough(page) {
  for (let y = 0; y < (await page.evaluate(() => document.documentElement.scrollHeight)); y += 400) {
    await page.evaluate((y) => window.scrollTo(0, y), y);
    await page.waitForTimeout(50);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !PAGES.some((p) => p.name === name));
if (unknown.length > 0) {
  console.error(`[tconv] unknown page ${unknown.join(', ')}: one of ${PAGES.map((p) => p.name).join(', ')}`);
  process.exit(1);
}
const pages = wanted.length > 0 ? PAGES.filter((p) => wanted.includes(p.name)) : PAGES;

setup(['wasm', 'browser']);
build(['wasm']);
const dist = join(root, 'dist');
await buildSite(dist);

const { preview } = await import('vite');
const { chromium } = await import('playwright-core');
const server = await preview({ root, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, open: false } });
const base = server.resolvedUrls.local[0];
const browser = await chromium.launch({ executablePath: chromiumPath(), args: FLAGS });
mkdirSync(OUT, { recursive: true });

let failed = 0;
for (const [width, device] of Object.entries(WIDTHS)) {
  for (const scheme of SCHEMES) {
    // Reduced motion: the explainer's first-visit animation is not caught halfway.
    const context = await browser.newContext({ ...device, colorScheme: scheme, reducedMotion: 'reduce' });
    for (const entry of pages) {
      const file = join(OUT, `${entry.name}-${width}-${scheme}.png`);
      const page = await context.newPage();
      const problems = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(String(e)));
      try {
        await page.addInitScript(recorder);
        await page.goto(entry.file ? pathToFileURL(join(root, entry.file)).href : base + entry.path);
        await scrollThrough(page);
        await page.waitForFunction(figuresDrawn, null, { timeout: DRAW_TIMEOUT_MS });
        await page.evaluate(() => document.fonts.ready);
        await page.screenshot({ path: file, fullPage: true });
        console.log(`[tconv] ${file}`);
      } catch (e) {
        failed += 1;
        console.error(`[tconv] ${entry.name} (${width}, ${scheme}) not shot: ${e instanceof Error ? e.message : e}`);
      }
      for (const p of problems) console.error(`[tconv] ${entry.name} (${width}, ${scheme}) logged: ${p}`);
      await page.close();
    }
    await context.close();
  }
}
await browser.close();
await server.close();
if (failed > 0) {
  console.error(`[tconv] ${failed} screenshot(s) missing`);
  process.exit(1);
}
