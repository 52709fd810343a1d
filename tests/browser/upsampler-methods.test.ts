// The upsampler page's methods in real Chromium: every result read back from
// the element equals the core run here, in Node, on the same pixels (nearest,
// bilinear, bicubic with and without align corners, the transposed and
// resize-convolution methods, alpha, any output size), and the kernel editor:
// the checkerboard a 3×3 kernel makes at stride 2, edited weights reaching the
// core, and weights that are not finite numbers refused by cell. Setup and
// helpers: upsampler-support.ts.

import { describe, expect, it } from 'vitest';

import { encodePng } from '../../web/upsampler/shared/png.js';
import { METHODS, usesKernel } from '../../web/upsampler/shared/protocol.js';
import {
  box,
  clearLog,
  dropBytes,
  dropCanvasImage,
  expected,
  type Img,
  maxDiff,
  page,
  pixels,
  prepare,
  results,
  setMethods,
  sourceName,
  testImage,
  upsamplerSuite,
  waitForResults,
  waitForSide,
} from './upsampler-support.js';

upsamplerSuite();

describe('upsampler page', () => {
  it('a dropped PNG: ×2 nearest is pixel-exact, bilinear equals the core on the same pixels', async () => {
    const src = testImage(61, 47);
    await prepare('nearest', 'bilinear');
    await dropCanvasImage(src, 'drop-test.png');
    await waitForResults('nearest', 'bilinear');
    expect(await sourceName()).toBe('drop-test.png');
    expect(await pixels('source')).toEqual(src); // opaque PNG: decoded exactly

    const near = (await pixels('a'))!;
    expect([near.width, near.height]).toEqual([122, 94]);
    for (let y = 0; y < 94; y++)
      for (let x = 0; x < 122; x++)
        for (let c = 0; c < 4; c++) {
          const got = near.data[4 * (y * 122 + x) + c];
          if (got !== src.data[4 * ((y >> 1) * 61 + (x >> 1)) + c]) expect.fail(`nearest differs at ${x},${y}`);
        }
    expect(maxDiff((await pixels('b'))!, expected(src, { method: 'bilinear', factor: 2 })).max).toBe(0);
  });

  it('bicubic (align corners off and on) equals the core', async () => {
    const src = (await pixels('source'))!;
    await clearLog();
    await setMethods('bicubic', 'bicubic');
    // B: align corners on.
    await page.click('tconv-upsampler .side.b .check input');
    await waitForResults('bicubic', 'bicubic');
    expect(maxDiff((await pixels('a'))!, expected(src, { method: 'bicubic', factor: 2 })).max).toBe(0);
    expect(maxDiff((await pixels('b'))!, expected(src, { method: 'bicubic', factor: 2, alignCorners: true })).max).toBe(
      0,
    );
    await page.click('tconv-upsampler .side.b .check input');
  });

  it('transposed conv with the bilinear kernel equals bilinear interpolation in the interior, not at the border', async () => {
    const src = (await pixels('source'))!;
    for (const f of [2, 3, 4]) {
      await clearLog();
      await setMethods('transposed-bilinear', 'bilinear');
      await page.evaluate((f) => (document.querySelector('tconv-upsampler')!.scale = f), f);
      await waitForResults('transposed-bilinear', 'bilinear');
      const t = (await pixels('a'))!;
      const b = (await pixels('b'))!;
      expect([t.width, t.height]).toEqual([src.width * f, src.height * f]);
      expect(maxDiff(t, expected(src, { method: 'transposed-bilinear', factor: f })).max).toBe(0);
      let interior = 0;
      let border = 0;
      for (let y = 0; y < t.height; y++)
        for (let x = 0; x < t.width; x++)
          for (let c = 0; c < 3; c++) {
            const i = 4 * (y * t.width + x) + c;
            const inside = x >= f && y >= f && x < t.width - f && y < t.height - f;
            if (inside) {
              if (Math.abs(t.data[i] - b.data[i]) > 1) expect.fail(`×${f}: interior differs at ${x},${y}`);
              interior++;
            } else if (t.data[i] < b.data[i] - 2) border++;
          }
      expect(interior).toBeGreaterThan(1000);
      expect(border, `×${f}: the zero-padded border is darker`).toBeGreaterThan(100);
      // The UI says so.
      const note = await page.textContent('tconv-upsampler .side.a .note');
      expect(note).toContain('outermost');
    }
    await page.evaluate(() => (document.querySelector('tconv-upsampler')!.scale = 2));
  });

  it('keeps alpha through every method: results equal the core on the decoded pixels', async () => {
    // An exact RGBA PNG (straight alpha), made with the project's encoder.
    const w = 40;
    const h = 30;
    const data = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = 4 * (y * w + x);
        data.set([(x * 13) % 256, (y * 29) % 256, 200, x < 10 ? 0 : Math.min(255, (x - 10) * 12)], i);
      }
    await prepare('bicubic', 'resize-conv-bilinear');
    await dropBytes(await encodePng({ width: w, height: h, data }), 'alpha.png', 'image/png');
    await waitForResults('bicubic', 'resize-conv-bilinear');
    const src = (await pixels('source'))!;
    // Alpha itself is decoded exactly; colour of semi-transparent pixels may be rounded by the canvas.
    for (let i = 3; i < src.data.length; i += 4) if (src.data[i] !== data[i]) expect.fail(`alpha differs at ${i}`);
    for (const method of METHODS) {
      await clearLog();
      await setMethods(method, 'resize-conv-bilinear');
      await waitForSide('a', method);
      const got = (await pixels('a'))!;
      const exp = expected(src, { method, factor: 2, kernel: usesKernel(method) ? box(3) : undefined });
      expect(maxDiff(got, exp).max, method).toBe(0);
      // Transparent stays transparent; the opaque right edge stays opaque (away from any zero padding).
      expect(got.data[4 * (20 * got.width + 4) + 3], method).toBe(0);
      expect(got.data[4 * (20 * got.width + 70) + 3], method).toBeGreaterThan(240);
    }
  });

  it('any output size for interpolation; the convolution methods say they need a factor', async () => {
    const src = (await pixels('source'))!;
    await prepare('bicubic', 'transposed');
    await page.click('tconv-upsampler label:has-text("Size…") input');
    await page.uncheck('tconv-upsampler form.custom input[name="keep"]');
    await page.fill('tconv-upsampler form.custom input[name="w"]', '25');
    await page.fill('tconv-upsampler form.custom input[name="h"]', '13');
    await page.click('tconv-upsampler form.custom button[type="submit"]');
    await waitForSide('a', 'bicubic');
    const a = (await pixels('a'))!;
    expect([a.width, a.height]).toEqual([25, 13]);
    expect(maxDiff(a, expected(src, { method: 'bicubic', size: [13, 25] })).max).toBe(0);
    expect(await page.textContent('tconv-upsampler .side.b .side-state')).toContain('Needs a factor');
    await clearLog();
    await page.click('tconv-upsampler form.custom >> text=Back to ×2');
    await waitForSide('a', 'bicubic');
    expect((await pixels('a'))!.width).toBe(src.width * 2);
  });

  it('transposed conv with kernel 3 at stride 2 makes a checkerboard; resize-conv with the same kernel does not', async () => {
    const flat: Img = { width: 24, height: 20, data: new Uint8Array(24 * 20 * 4).fill(120) };
    for (let i = 3; i < flat.data.length; i += 4) flat.data[i] = 255;
    await prepare('transposed', 'resize-conv-nearest');
    await dropCanvasImage(flat, 'flat.png');
    await waitForResults('transposed', 'resize-conv-nearest');
    const levels = (img: Img) => {
      const seen = new Set<number>();
      for (let y = 4; y < img.height - 4; y++)
        for (let x = 4; x < img.width - 4; x++) seen.add(img.data[4 * (y * img.width + x)]);
      return [...seen].sort((a, b) => a - b);
    };
    expect(levels((await pixels('a'))!)).toEqual([53, 107, 213]); // 120 × 4/9, 8/9, 16/9
    expect(levels((await pixels('b'))!)).toEqual([120]);
    expect(maxDiff((await pixels('a'))!, expected(flat, { method: 'transposed', factor: 2, kernel: box(3) })).max).toBe(
      0,
    );
    const verdict = await page.textContent('tconv-upsampler-kernel >> .verdict');
    expect(verdict).toContain('Checkerboard');
    // A 4×4 kernel (a multiple of the stride): even overlap, flat output.
    await clearLog();
    await page.click('tconv-upsampler-kernel >> [aria-label="Larger kernel"]');
    await waitForResults('transposed', 'resize-conv-nearest');
    expect(levels((await pixels('a'))!)).toEqual([120]);
    expect(await page.textContent('tconv-upsampler-kernel >> .verdict')).toContain('Even overlap');
    // An edited weight (as a fraction) is what the core gets.
    await clearLog();
    await page.fill('tconv-upsampler-kernel >> input[data-i="0"]', '1/4');
    await page.press('tconv-upsampler-kernel >> input[data-i="0"]', 'Enter');
    await waitForResults('transposed', 'resize-conv-nearest');
    const k = new Float32Array(16).fill(1 / 16);
    k[0] = 0.25;
    expect(
      maxDiff(
        (await pixels('a'))!,
        expected(flat, { method: 'transposed', factor: 2, kernel: { data: k, shape: [4, 4] } }),
      ).max,
    ).toBe(0);
    await clearLog();
    await page.click('tconv-upsampler-kernel >> [aria-label="Smaller kernel"]');
    await page.selectOption('tconv-upsampler-kernel >> select', 'box');
    await waitForResults('transposed', 'resize-conv-nearest');
  });

  it('refuses a weight that is not a finite number, naming its cell; nothing is computed until it is fixed', async () => {
    await prepare('transposed', 'resize-conv-nearest');
    await dropCanvasImage(testImage(24, 20, 9), 'weights.png');
    await waitForResults('transposed', 'resize-conv-nearest');
    const src = (await pixels('source'))!;
    const cell = (i: number) => `tconv-upsampler-kernel >> input[data-i="${i}"]`;
    const problem = () => page.textContent('tconv-upsampler-kernel >> .problem');
    const advice = 'type a number or a fraction such as 1/9.';
    for (const [text, why] of [
      ['1/0', '“1/0” is not a finite number'],
      ['1e999', '“1e999” is not a finite number'],
      ['-1e999', '“-1e999” is not a finite number'],
      ['NaN', '“NaN” is not a finite number'],
      ['Infinity', '“Infinity” is not a finite number'],
      // Finite as a double, but Infinity as the 32-bit float the core is given.
      ['1e39', '1e39 is too large for a 32-bit weight'],
    ]) {
      await clearLog();
      await page.fill(cell(5), text);
      await page.press(cell(5), 'Enter');
      await page.waitForTimeout(600); // past the editor's typing delay (450 ms): nothing may have gone out
      expect(await problem(), text).toBe(`Kernel row 2, column 3: ${why}; ${advice}`);
      expect(await page.getAttribute(cell(5), 'aria-invalid')).toBe('true');
      expect(await page.getAttribute(cell(5), 'aria-describedby')).toBe('weight-problem');
      expect(await results(), text).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { __errors: string[] }).__errors)).toEqual([]);
    }
    // Two bad cells: the first is named, the other counted.
    await page.fill(cell(0), 'NaN');
    expect(await problem()).toBe(`Kernel row 1, column 1: “NaN” is not a finite number (and 1 more cell); ${advice}`);
    // Fixed: the problem goes, and the core gets the new weights.
    await clearLog();
    await page.fill(cell(0), '1/9');
    await page.fill(cell(5), '2/9');
    await page.press(cell(5), 'Enter');
    await waitForResults('transposed', 'resize-conv-nearest');
    expect(await page.$('tconv-upsampler-kernel >> .problem')).toBeNull();
    expect(await page.getAttribute(cell(5), 'aria-invalid')).toBe('false');
    const k = new Float32Array(9).fill(1 / 9);
    k[5] = 2 / 9;
    const kernel = { data: k, shape: [3, 3] };
    expect(maxDiff((await pixels('a'))!, expected(src, { method: 'transposed', factor: 2, kernel })).max).toBe(0);
    await clearLog();
    await page.selectOption('tconv-upsampler-kernel >> select', 'box');
    await waitForResults('transposed', 'resize-conv-nearest');
  });
});
