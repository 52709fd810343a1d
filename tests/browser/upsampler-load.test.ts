// The upsampler page (upsampler.html) in real Chromium, as it opens: the
// built-in sample with both results and no error, the links and promises on
// the page, a 360 px screen, and what it says when the WebAssembly core
// cannot load. Setup and helpers: upsampler-support.ts.

import { describe, expect, it } from 'vitest';

import {
  alertText,
  browser,
  page,
  pixels,
  recorder,
  sourceName,
  upsamplerSuite,
  url,
  waitForResults,
} from './upsampler-support.js';

const checks = upsamplerSuite();

describe('upsampler page', () => {
  it('loads with the built-in sample, both results and no error', async () => {
    expect(await page.title()).toBe('tconv — upsampler');
    expect(await alertText()).toBeNull();
    expect(await sourceName()).toBe('Fine detail');
    const a = await pixels('a');
    expect([a!.width, a!.height]).toEqual([640, 480]);
    // The page links back to the explainer and states the privacy promise and the limits.
    expect(await page.getAttribute('a[href="./index.html"]', 'href')).toBe('./index.html');
    const text = await page.evaluate(() => document.querySelector('tconv-upsampler')!.shadowRoot!.textContent!);
    expect(text).toContain('Nothing is uploaded');
    expect(text).toContain('4096×4096 at ×2, 2730×2730 at ×3, 2048×2048 at ×4');
    expect(text).toContain('made by tconv');
  });

  // Its colours, light and dark, are checked against the theme's tokens in upsampler-theme.test.ts.
  it('fits a 360 px screen', async () => {
    const narrow = await browser.newPage({ viewport: { width: 360, height: 780 }, hasTouch: true, isMobile: true });
    checks.watch(narrow);
    await narrow.addInitScript(recorder);
    await narrow.goto(url);
    await waitForResults('transposed', 'resize-conv-nearest', narrow);
    // Nothing wider than the screen.
    const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(360);
    await narrow.close();
  });

  it('says so, without uncaught errors, when the core cannot load', async () => {
    const broken = await browser.newPage();
    const errors: string[] = [];
    broken.on('pageerror', (e) => errors.push(String(e)));
    await broken.route(/\.wasm(\?|$)/, (route) => route.abort());
    await broken.goto(url);
    await broken.waitForSelector('body[data-ready="error"]', { timeout: 30_000 });
    const text = (await alertText(broken))!;
    expect(text).toContain('Could not load the WebAssembly core');
    expect(await broken.evaluate(() => document.querySelector('tconv-upsampler')!.hasAttribute('busy'))).toBe(false);
    expect(errors).toEqual([]);
    await broken.close();
  });
});
