// The upsampler page's comparison view in real Chromium: the split slider and
// zoom by keyboard, buttons, wheel and drag; the pixel readout under the
// pointer; |A − B| × gain, computed by the core, with its legend; crisp pixels
// when zoomed in; pinch zoom and one-finger pan on a phone. Setup and helpers:
// upsampler-support.ts.

import { type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import {
  browser,
  type Img,
  maxDiff,
  page,
  pixels,
  prepare,
  recorder,
  rgba,
  tc,
  upsamplerSuite,
  url,
  waitForResults,
} from './upsampler-support.js';

const checks = upsamplerSuite();

async function compareState(p: Page = page) {
  return p.evaluate(() => {
    const c = document.querySelector('tconv-upsampler')!.shadowRoot!.querySelector('tconv-upsampler-compare')!;
    return { view: c.view, split: c.split, zoom: c.shadowRoot!.querySelector('.zoom .level')?.textContent?.trim() };
  });
}

describe('upsampler page', () => {
  it('compares: split slider and zoom by keyboard, pixel readout under the pointer', async () => {
    await prepare('nearest', 'bilinear');
    await page.selectOption('tconv-upsampler #sample', 'text');
    await waitForResults('nearest', 'bilinear');
    // The split handle is a focusable slider.
    const handle = 'tconv-upsampler-compare >> [role="slider"]';
    await page.focus(handle);
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    expect(await page.getAttribute(handle, 'aria-valuenow')).toBe('45');
    await page.keyboard.press('End');
    expect(await page.getAttribute(handle, 'aria-valuenow')).toBe('100');
    await page.keyboard.press('Home');
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    expect(await page.getAttribute(handle, 'aria-valuenow')).toBe('50');
    // Zoom keys on the stage.
    await page.focus('tconv-upsampler-compare >> .stage');
    await page.keyboard.press('1');
    expect((await compareState()).zoom).toBe('100 %');
    await page.keyboard.press('+');
    expect((await compareState()).zoom).toBe('141 %');
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    expect((await compareState()).zoom).toBe('400 %');
    await page.keyboard.press('0');
    expect((await compareState()).view.scale).toBeLessThan(2);
    // Buttons and wheel.
    await page.click('tconv-upsampler-compare >> [aria-label="Zoom in"]');
    const before = (await compareState()).view.scale;
    const box = (await page.locator('tconv-upsampler-compare >> .stage').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.mouse.wheel(0, -300);
    await page.waitForTimeout(50);
    expect((await compareState()).view.scale).toBeGreaterThan(before);
    // Drag pans.
    const v0 = (await compareState()).view;
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3 - 40, box.y + box.height * 0.5 - 10, { steps: 4 });
    await page.mouse.up();
    const v1 = (await compareState()).view;
    expect(v1.x).not.toBe(v0.x);
    // Readout: the pixel under the pointer, both sides, equal to the results.
    const px = box.x + box.width * 0.25;
    const py = box.y + box.height * 0.45;
    await page.mouse.move(px, py);
    const { view } = await compareState();
    const x = Math.floor((px - box.x - view.x) / view.scale);
    const y = Math.floor((py - box.y - view.y) / view.scale);
    const readout = (await page.textContent('tconv-upsampler-compare >> .readout'))!.replace(/\s+/g, ' ');
    expect(readout).toContain(`x ${x} · y ${y}`);
    const a = (await pixels('a'))!;
    const b = (await pixels('b'))!;
    const at = (img: Img) => img.data.slice(4 * (y * img.width + x), 4 * (y * img.width + x) + 4).join(' ');
    expect(readout).toContain(`A ${at(a)}`);
    expect(readout).toContain(`B ${at(b)}`);
    await page.click('tconv-upsampler-compare >> [aria-label="Fit to view"]');
  });

  it('shows |A − B| × gain, computed by the core, with a legend', async () => {
    // The page opens with transposed on A and resize-conv on B, both computed.
    await page.click('tconv-upsampler label:has-text("Difference") input');
    await page.waitForFunction(() => {
      const el = document.querySelector('tconv-upsampler')!;
      return !el.hasAttribute('busy') && el.shadowRoot!.querySelector('tconv-upsampler-compare')!.diff !== null;
    });
    const a = (await pixels('a'))!;
    const b = (await pixels('b'))!;
    const d = (await pixels('difference'))!;
    const exp = tc.imageDifference(rgba(a), rgba(b), 8);
    expect(maxDiff(d, { width: exp.width, height: exp.height, data: new Uint8Array(exp.data.buffer) }).max).toBe(0);
    const legend = (await page.textContent('tconv-upsampler-compare >> .legend'))!.replace(/\s+/g, ' ');
    expect(legend).toContain('|A − B| × 8');
    expect(legend).toContain('≥ 32');
    // A higher gain is recomputed.
    await page.selectOption('tconv-upsampler .gain select', '32');
    await page.waitForFunction(() =>
      document
        .querySelector('tconv-upsampler')!
        .shadowRoot!.querySelector('tconv-upsampler-compare')!
        .shadowRoot!.querySelector('.legend')
        ?.textContent?.includes('× 32'),
    );
    await page.waitForFunction(() => {
      const el = document.querySelector('tconv-upsampler')!;
      return !el.hasAttribute('busy') && el.shadowRoot!.querySelector('tconv-upsampler-compare')!.diff !== null;
    });
    const d32 = (await pixels('difference'))!;
    const exp32 = tc.imageDifference(rgba(a), rgba(b), 32);
    expect(
      maxDiff(d32, { width: exp32.width, height: exp32.height, data: new Uint8Array(exp32.data.buffer) }).max,
    ).toBe(0);
    await page.selectOption('tconv-upsampler .gain select', '8');
    await page.waitForFunction(() => !document.querySelector('tconv-upsampler')!.hasAttribute('busy'));
    await page.click('tconv-upsampler label:has-text("Split") input');
  });

  it('draws pixels as crisp squares when zoomed in, smoothly when zoomed out', async () => {
    const compare = () =>
      document.querySelector('tconv-upsampler')!.shadowRoot!.querySelector('tconv-upsampler-compare')!;
    const pixelated = () =>
      page.evaluate(() =>
        document
          .querySelector('tconv-upsampler')!
          .shadowRoot!.querySelector('tconv-upsampler-compare')!
          .shadowRoot!.querySelector('canvas')!
          .classList.contains('pixelated'),
      );
    await page.evaluate(`(${compare})().zoomTo(0.5)`);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await pixelated()).toBe(false);
    await page.evaluate(`(${compare})().zoomTo(16)`);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await pixelated()).toBe(true);
  });

  it('pinch zooms and drags with touch', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 800 }, hasTouch: true, isMobile: true });
    checks.watch(phone);
    await phone.addInitScript(recorder);
    await phone.goto(url);
    await waitForResults('transposed', 'resize-conv-nearest', phone);
    const stage = phone.locator('tconv-upsampler-compare >> .stage');
    await stage.scrollIntoViewIfNeeded();
    const box = (await stage.boundingBox())!;
    // Left of the split handle, which sits in the middle.
    const cx = box.x + box.width * 0.3;
    const cy = box.y + box.height / 2;
    const before = (await compareState(phone)).view.scale;
    const cdp = await phone.context().newCDPSession(phone);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', points: [number, number][]) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: points.map(([x, y], id) => ({ x, y, id })),
      });
    await touch('touchStart', [
      [cx - 20, cy],
      [cx + 20, cy],
    ]);
    for (let d = 25; d <= 100; d += 5)
      await touch('touchMove', [
        [cx - d / 2, cy],
        [cx + d, cy],
      ]);
    await touch('touchEnd', []);
    const after = (await compareState(phone)).view.scale;
    expect(after / before).toBeGreaterThan(3);
    // One finger pans.
    const v0 = (await compareState(phone)).view;
    await touch('touchStart', [[cx, cy]]);
    for (let d = 10; d <= 60; d += 10) await touch('touchMove', [[cx - d, cy - d / 2]]);
    await touch('touchEnd', []);
    const v1 = (await compareState(phone)).view;
    expect(v1.x).toBeLessThan(v0.x);
    expect(v1.scale).toBe(v0.scale);
    await phone.close();
  });
});
