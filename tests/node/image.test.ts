// The upsampler's image API: RGBA in, RGBA out, every method in the core.
import { describe, expect, it } from 'vitest';

import type { RgbaImage, Tensor, UpsampleMethod } from '../../web/lib/types.js';
import { tconv } from './helpers.js';

function gradient(width: number, height: number, alpha = 255): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      data[i] = (x * 37 + y * 11) % 256;
      data[i + 1] = (y * 53) % 256;
      data[i + 2] = (x * y) % 256;
      data[i + 3] = alpha;
    }
  return { data, width, height };
}

/** Channel c of an image as a 1×1×H×W float tensor. */
function plane(img: RgbaImage, c: number): Tensor {
  const data = new Float32Array(img.width * img.height);
  for (let i = 0; i < data.length; i++) data[i] = img.data[4 * i + c];
  return { data, shape: [1, 1, img.height, img.width] };
}

const box = (k: number): Tensor => ({ data: new Float32Array(k * k).fill(1 / (k * k)), shape: [k, k] });

describe('upsampleImage', () => {
  it('×2 nearest is pixel-exact', async () => {
    const tc = await tconv();
    const img = gradient(7, 5, 180);
    const out = tc.upsampleImage(img, { method: 'nearest', factor: 2 });
    expect([out.width, out.height]).toEqual([14, 10]);
    expect(out.data).toBeInstanceOf(Uint8ClampedArray);
    for (let y = 0; y < 10; y++)
      for (let x = 0; x < 14; x++)
        for (let c = 0; c < 4; c++) {
          expect(out.data[4 * (y * 14 + x) + c]).toBe(img.data[4 * ((y >> 1) * 7 + (x >> 1)) + c]);
        }
  });

  it.each([
    ['bilinear', false],
    ['bilinear', true],
    ['bicubic', false],
    ['bicubic', true],
  ] as const)('%s (alignCorners %s) equals interpolate on each channel, rounded and clamped', async (mode, align) => {
    const tc = await tconv();
    const img = gradient(9, 6);
    const out = tc.upsampleImage(img, { method: mode, factor: 3, alignCorners: align });
    for (let c = 0; c < 3; c++) {
      const ref = tc.interpolate(plane(img, c), { mode, size: [18, 27], alignCorners: align });
      for (let i = 0; i < ref.data.length; i++) {
        const expected = Math.min(255, Math.max(0, Math.round(ref.data[i])));
        expect(Math.abs(out.data[4 * i + c] - expected)).toBeLessThanOrEqual(0); // same rounding
      }
    }
  });

  it('an explicit output size works for interpolation', async () => {
    const tc = await tconv();
    const out = tc.upsampleImage(gradient(8, 8), { method: 'bicubic', size: [5, 13] });
    expect([out.width, out.height]).toEqual([13, 5]);
  });

  it('transposed convolution with the bilinear kernel equals bilinear interpolation away from the border', async () => {
    const tc = await tconv();
    const img = gradient(12, 10);
    for (const factor of [2, 3, 4]) {
      const t = tc.upsampleImage(img, { method: 'transposed-bilinear', factor });
      const b = tc.upsampleImage(img, { method: 'bilinear', factor });
      let interior = 0;
      for (let y = factor; y < t.height - factor; y++)
        for (let x = factor; x < t.width - factor; x++)
          for (let c = 0; c < 3; c++) {
            const i = 4 * (y * t.width + x) + c;
            expect(Math.abs(t.data[i] - b.data[i]), `factor ${factor} at ${x},${y}`).toBeLessThanOrEqual(1);
            interior++;
          }
      expect(interior).toBeGreaterThan(0);
    }
    expect(tc.bilinearKernel(2).data).toEqual(
      new Float32Array([1, 3, 3, 1, 3, 9, 9, 3, 3, 9, 9, 3, 1, 3, 3, 1].map((v) => v / 16)),
    );
  });

  it('every method keeps the size, preserves alpha and reports progress', async () => {
    const tc = await tconv();
    const img = gradient(6, 5, 128);
    const methods: UpsampleMethod[] = [
      'nearest',
      'bilinear',
      'bicubic',
      'transposed-bilinear',
      'transposed',
      'resize-conv-nearest',
      'resize-conv-bilinear',
    ];
    for (const method of methods) {
      const progress: number[] = [];
      const out = tc.upsampleImage(img, { method, factor: 3, kernel: box(3), onProgress: (f) => progress.push(f) });
      expect([out.width, out.height]).toEqual([18, 15]);
      // A uniform alpha of 128 stays 128 through every method (away from a zero-padded border).
      expect(out.data[4 * (7 * 18 + 9) + 3]).toBe(128);
      expect(progress.at(-1)).toBe(1);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
    }
  });

  it('transposed convolution with kernel 3, stride 2 makes a checkerboard; kernel 4 and resize-convolution do not', async () => {
    const tc = await tconv();
    const flat = { data: new Uint8ClampedArray(8 * 8 * 4).fill(100), width: 8, height: 8 };
    for (let i = 3; i < flat.data.length; i += 4) flat.data[i] = 255;
    const levels = (img: RgbaImage) => {
      const seen = new Set<number>();
      for (let y = 3; y < img.height - 3; y++)
        for (let x = 3; x < img.width - 3; x++) seen.add(img.data[4 * (y * img.width + x)]);
      return [...seen].sort((a, b) => a - b);
    };
    expect(levels(tc.upsampleImage(flat, { method: 'transposed', factor: 2, kernel: box(3) }))).toEqual([44, 89, 178]);
    expect(levels(tc.upsampleImage(flat, { method: 'transposed', factor: 2, kernel: box(4) }))).toEqual([100]);
    expect(levels(tc.upsampleImage(flat, { method: 'resize-conv-nearest', factor: 2, kernel: box(3) }))).toEqual([100]);
  });

  it('imageDifference amplifies |a − b|', async () => {
    const tc = await tconv();
    const a = gradient(3, 2);
    const b = { ...a, data: a.data.slice() };
    b.data[0] = a.data[0] + 5;
    const d = tc.imageDifference(a, b, 8);
    expect(Array.from(d.data.subarray(0, 8))).toEqual([40, 0, 0, 255, 0, 0, 0, 255]);
  });

  it('rejects bad input with a message naming it, and keeps working', async () => {
    const tc = await tconv();
    const img = gradient(4, 4);
    const cases: [() => unknown, string][] = [
      [
        () => tc.upsampleImage({ ...img, data: img.data.subarray(0, 10) }, { method: 'nearest' }),
        'upsample: image.data has 10 elements but shape [4, 4, 4] needs 64',
      ],
      [
        () => tc.upsampleImage({ ...img, width: 0 }, { method: 'nearest' }),
        'upsample: image size (4, 0) must be positive integers',
      ],
      [() => tc.upsampleImage(img, { method: 'lanczos' as UpsampleMethod }), 'upsample: method must be one of'],
      [
        () => tc.upsampleImage(img, { method: 'nearest', factor: 9 }),
        'upsample: factor must be an integer from 2 to 8, got 9',
      ],
      [() => tc.upsampleImage(img, { method: 'transposed' }), 'upsample: this method needs a kernel'],
      [
        () => tc.upsampleImage(img, { method: 'nearest', size: [20000, 20000] }),
        'upsample: output image shape [20000, 20000, 4] has 1600000000 elements',
      ],
      [
        () =>
          tc.upsampleImage({ data: [1, 2, 3] as unknown as Uint8Array, width: 1, height: 1 }, { method: 'nearest' }),
        'upsampleImage: image.data must be a Uint8ClampedArray or Uint8Array',
      ],
      [() => tc.imageDifference(img, gradient(4, 3)), 'difference: images differ in size: 4×4 and 4×3'],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrowError(message);
      expect(tc.upsampleImage(img, { method: 'nearest' }).width).toBe(8);
    }
  });

  it('frees everything: 200 calls leave the heap unchanged', async () => {
    const tc = await tconv();
    const img = gradient(16, 16, 200);
    const run = () => {
      tc.upsampleImage(img, { method: 'resize-conv-bilinear', factor: 2, kernel: box(3), onProgress: () => {} });
      try {
        tc.upsampleImage(img, { method: 'transposed' });
      } catch {
        /* the error path must free too */
      }
      tc.imageDifference(img, img, 4);
    };
    run();
    const before = tc.heapInUse();
    for (let i = 0; i < 200; i++) run();
    expect(tc.heapInUse()).toBe(before);
  });
});
