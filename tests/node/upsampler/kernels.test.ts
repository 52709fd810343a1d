// Kernels (web/upsampler/shared/kernels.ts): presets, editing, normalising, and what a flat
// image becomes under a transposed convolution, checked against the core.

import { describe, expect, it } from 'vitest';

import {
  bilinearBorderPixels,
  flatResponse,
  formatWeight,
  isEvenOverlap,
  kernelSum,
  normalise,
  parseWeight,
  presetKernel,
  resizeKernel,
  transposedPadding,
  type Kernel,
} from '../../../web/upsampler/shared/kernels.js';
import type { RgbaImage } from '../../../web/lib/types.js';
import { tconv } from '../helpers.js';

function flat(w: number, h: number, v: number): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4).fill(v);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { data, width: w, height: h };
}

const tensor = (k: Kernel) => ({ data: new Float32Array(k.values), shape: [k.size, k.size] });

describe('kernels', () => {
  it('parse decimals and fractions, and reject anything else', () => {
    expect(parseWeight('0.25')).toBe(0.25);
    expect(parseWeight(' -1 ')).toBe(-1);
    expect(parseWeight('\u22120.5')).toBe(-0.5);
    expect(parseWeight('1/9')).toBeCloseTo(1 / 9, 12);
    expect(parseWeight('-3 / 16')).toBe(-3 / 16);
    expect(parseWeight('1e-3')).toBe(0.001);
    expect(parseWeight('.5')).toBe(0.5);
    expect(parseWeight('0,5')).toBe(0.5);
    for (const bad of ['', 'abc', '1/0', '1//2', '2x', 'NaN', 'Infinity']) expect(parseWeight(bad), bad).toBeNull();
    expect(formatWeight(-0.5)).toBe('\u22120.5');
    expect(formatWeight(1 / 9)).toBe('0.1111');
    expect(formatWeight(1e-7)).toBe('0');
  });

  it('presets are filters: they sum to 1', () => {
    for (const p of ['box', 'tent', 'gaussian', 'delta', 'random'] as const)
      for (let k = 1; k <= 9; k++) {
        const kernel = presetKernel(p, k, 7);
        expect(kernel.values).toHaveLength(k * k);
        expect(kernelSum(kernel), `${p} ${k}`).toBeCloseTo(1, 9);
      }
    expect(presetKernel('random', 3, 1)).toEqual(presetKernel('random', 3, 1));
    expect(presetKernel('random', 3, 1)).not.toEqual(presetKernel('random', 3, 2));
    expect(normalise({ size: 1, values: [0] })).toEqual({ size: 1, values: [0] });
    expect(resizeKernel(presetKernel('delta', 5), 3).values).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(resizeKernel({ size: 1, values: [2] }, 3).values).toEqual([0, 0, 0, 0, 2, 0, 0, 0, 0]);
  });

  it('predict the checkerboard of a transposed convolution: box 3 at stride 2 gives ×4/9, ×8/9, ×16/9', () => {
    const tile = flatResponse(presetKernel('box', 3), 2);
    expect(tile.map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0.4444, 0.8889, 0.8889, 1.7778]);
    expect(isEvenOverlap(tile)).toBe(false);
    expect(isEvenOverlap(flatResponse(presetKernel('box', 4), 2))).toBe(true);
    expect(isEvenOverlap(flatResponse(presetKernel('box', 3), 3))).toBe(true);
    expect(isEvenOverlap(flatResponse(presetKernel('box', 4), 3))).toBe(false);
    expect(isEvenOverlap(flatResponse(presetKernel('tent', 3), 2))).toBe(true); // the bilinear kernel of ×2
    expect(isEvenOverlap(flatResponse(presetKernel('tent', 5), 2))).toBe(false);
    expect(transposedPadding(3, 2)).toBe(1);
    expect(transposedPadding(2, 3)).toBe(0);
  });

  it('the prediction equals the core on a flat image, pixel for pixel, for many kernels and strides', async () => {
    const tc = await tconv();
    const v = 100;
    const img = flat(12, 10, v);
    for (const stride of [2, 3, 4])
      for (const k of [1, 2, 3, 4, 5, 6, 7])
        for (const preset of ['box', 'tent', 'random', 'delta'] as const) {
          const kernel = presetKernel(preset, k, k * 31 + stride);
          const out = tc.upsampleImage(img, { method: 'transposed', factor: stride, kernel: tensor(kernel) });
          const tile = flatResponse(kernel, stride);
          // The interior: away from the zero padding by the kernel's reach.
          for (let y = k + stride; y < out.height - k - stride; y++)
            for (let x = k + stride; x < out.width - k - stride; x++) {
              const expected = Math.min(255, Math.round(v * tile[(y % stride) * stride + (x % stride)]));
              expect(
                Math.abs(out.data[4 * (y * out.width + x)] - expected),
                `${preset} k${k} s${stride} (${x},${y})`,
              ).toBeLessThanOrEqual(1);
            }
          // Resize-convolution with the same kernel is flat.
          const rc = tc.upsampleImage(img, { method: 'resize-conv-nearest', factor: stride, kernel: tensor(kernel) });
          const levels = new Set<number>();
          for (let y = k; y < rc.height - k; y++)
            for (let x = k; x < rc.width - k; x++) levels.add(rc.data[4 * (y * rc.width + x)]);
          expect([...levels], `resize-conv ${preset} k${k} s${stride}`).toEqual([v]);
        }
  });

  it('bilinearBorderPixels is where transposed-bilinear differs from bilinear on a flat image', async () => {
    const tc = await tconv();
    for (const f of [2, 3, 4]) {
      const img = flat(9, 7, 200);
      const t = tc.upsampleImage(img, { method: 'transposed-bilinear', factor: f });
      const b = tc.upsampleImage(img, { method: 'bilinear', factor: f });
      const differs = (x: number, y: number) => t.data[4 * (y * t.width + x)] !== b.data[4 * (y * t.width + x)];
      let rows = 0;
      while (rows < t.height && differs(Math.floor(t.width / 2), rows)) rows++;
      expect(rows, `×${f}`).toBe(bilinearBorderPixels(f));
      // Darker, and symmetric at the far edge.
      expect(t.data[4 * Math.floor(t.width / 2)]).toBeLessThan(200);
      let last = 0;
      while (last < t.height && differs(Math.floor(t.width / 2), t.height - 1 - last)) last++;
      expect(last, `×${f} bottom`).toBe(bilinearBorderPixels(f));
    }
  });
});
