// The explainer at phone width (390 px) in real Chromium (issue 15, item 5):
// the chapter strip shows that it scrolls sideways (a shadow on each edge that
// has tabs behind it, none on an edge that has not, measured in screenshots
// against the same strip without the hint) and keeps the current chapter in
// view; the "Keyboard: Space…" line is hidden on a touch-only device and shown
// with a mouse; chapter 8's heat maps, at the largest sizes too, widen nothing
// past the screen (they scale or scroll inside their own box).

import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { offscreen } from './overflow.js';
import { consoleChecks, launchChromium, serveSite, type SiteServer } from './support.js';

const checks = consoleChecks();
let server: SiteServer;
let browser: Browser;

beforeAll(async () => {
  server = await serveSite();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(query: string, options: { touch?: boolean; width?: number; dark?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 390, height: 844 },
    colorScheme: options.dark ? 'dark' : 'light',
    reducedMotion: 'reduce',
    ...(options.touch ? { hasTouch: true, isMobile: true } : {}),
  });
  const page = await context.newPage();
  checks.watch(page);
  await page.goto(new URL(`index.html${query}`, server.url).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return page;
}

/** The mean RGB of the 3 px columns at the strip's left and right edges, in a screenshot (decoded in the page). */
async function edges(page: Page): Promise<{ left: number[]; right: number[] }> {
  const png = await page.locator('tconv-matrix [part="tabs"]').screenshot();
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const g = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
    g.drawImage(bitmap, 0, 0);
    const mean = (x0: number) => {
      const d = g.getImageData(x0, 0, 3, bitmap.height).data;
      const sum = [0, 0, 0];
      for (let i = 0; i < d.length; i += 4) for (let c = 0; c < 3; c++) sum[c] += d[i + c]!;
      return sum.map((s) => s / (d.length / 4));
    };
    return { left: mean(0), right: mean(bitmap.width - 3) };
  }, png.toString('base64'));
}

/** Turns the strip's hint off (a plain surface) or back on, in the element's shadow root. */
function hint(page: Page, on: boolean) {
  return page.evaluate((on) => {
    const root = document.querySelector('tconv-matrix')!.shadowRoot!;
    const w = window as unknown as { __noHint?: CSSStyleSheet };
    w.__noHint ??= new CSSStyleSheet();
    w.__noHint.replaceSync('.tabs { background: var(--_surface) !important; }');
    root.adoptedStyleSheets = on
      ? root.adoptedStyleSheets.filter((s) => s !== w.__noHint)
      : [...root.adoptedStyleSheets, w.__noHint];
  }, on);
}

const distance = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));

describe('explainer at 390 px', () => {
  for (const dark of [false, true]) {
    it(`shows that the chapter strip scrolls sideways, on the edge that has more tabs (${dark ? 'dark' : 'light'})`, async () => {
      const page = await open('', { dark });
      const strip = () =>
        page.$eval('tconv-matrix [part="tabs"]', (t) => ({
          scroll: t.scrollWidth,
          client: t.clientWidth,
          at: t.scrollLeft,
        }));
      const s = await strip();
      expect(s.scroll).toBeGreaterThan(s.client);
      expect(s.at).toBe(0); // chapter 1: the strip starts at its left end
      const shaded = async () => {
        await hint(page, true);
        const on = await edges(page);
        await hint(page, false);
        const off = await edges(page);
        await hint(page, true);
        return { left: distance(on.left, off.left), right: distance(on.right, off.right) };
      };
      let d = await shaded();
      expect(d.right, 'right edge, more tabs behind it').toBeGreaterThan(6);
      expect(d.left, 'left edge, nothing behind it').toBeLessThan(1.5);
      await page.$eval('tconv-matrix [part="tabs"]', (t) => (t.scrollLeft = t.scrollWidth));
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      d = await shaded();
      expect(d.left, 'left edge, at the end').toBeGreaterThan(6);
      expect(d.right, 'right edge, at the end').toBeLessThan(1.5);
      await page.context().close();
    });
  }

  it('keeps the current chapter’s tab in view', async () => {
    const page = await open('?step=8.0');
    const seen = await page.$eval('tconv-matrix [part="tabs"]', (t) => {
      const tab = t.querySelector('[aria-selected="true"]')!.getBoundingClientRect();
      const box = t.getBoundingClientRect();
      return {
        id: t.querySelector('[aria-selected="true"]')!.id,
        inside: tab.left >= box.left && tab.right <= box.right,
      };
    });
    expect(seen).toEqual({ id: 'tab-8', inside: true });
    await page.context().close();
  });

  it('hides the keyboard line on a touch-only device and shows it with a mouse', async () => {
    const keys = (page: Page) =>
      page.$eval('tconv-matrix #keys', (k) => ({ shown: k.getBoundingClientRect().height > 0, text: k.textContent! }));
    const touch = await open('', { touch: true });
    expect(await touch.evaluate(() => matchMedia('(hover: none) and (pointer: coarse)').matches)).toBe(true);
    expect(await keys(touch)).toMatchObject({ shown: false, text: expect.stringContaining('Keyboard') });
    await touch.context().close();
    for (const width of [390, 1280]) {
      const mouse = await open('', { width });
      expect(await keys(mouse), `${width} px with a mouse`).toMatchObject({ shown: true });
      await mouse.context().close();
    }
  });

  it('fits chapter 8’s heat maps in the screen, at the largest sizes and with larger cells too', async () => {
    for (const query of [
      '?step=8.0',
      '?input=10&kernel=7&stride=2&step=8.3',
      '?input=10&kernel=7&stride=3&dilation=2&step=8.3',
    ]) {
      const page = await open(query);
      const check = async (what: string) => {
        expect(await page.evaluate(offscreen), what).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), what).toBeLessThanOrEqual(390);
      };
      expect(await page.$$eval('tconv-matrix tconv-grid[grid-id^="heat"]', (g) => g.length), query).toBeGreaterThan(0);
      await check(query);
      if (await page.isVisible('tconv-matrix #zoom')) {
        await page.click('tconv-matrix #zoom');
        await check(`${query}, larger cells`);
      }
      await page.context().close();
    }
  });
});
