// Kernels (web/upsampler/shared/kernels.ts): presets, editing, normalising, and what a flat
// image becomes under a transposed convolution, checked against the core.

import { describe, expect, it } from 'vitest';

import {
  formatWeight,
  isEvenOverlap,
  MAX_KERNEL_SIZE,
  kernelSum,
  normalise,
  parseWeight,
  presetKernel,
  resizeKernel,
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

  it("isEvenOverlap tells the core's flat tiles apart: box 3 at stride 2 gives ×4/9, ×8/9, ×16/9", async () => {
    const tc = await tconv();
    const tile = (kernel: Kernel, factor: number) =>
      tc.upsampleGeometry([8, 8], { method: 'transposed', factor, kernel: tensor(kernel) }).flatTile!;
    const box3 = tile(presetKernel('box', 3), 2);
    expect([...box3].map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0.4444, 0.8889, 0.8889, 1.7778]);
    expect(isEvenOverlap(box3)).toBe(false);
    expect(isEvenOverlap(tile(presetKernel('box', 4), 2))).toBe(true);
    expect(isEvenOverlap(tile(presetKernel('box', 3), 3))).toBe(true);
    expect(isEvenOverlap(tile(presetKernel('box', 4), 3))).toBe(false);
    expect(isEvenOverlap(tile(presetKernel('tent', 3), 2))).toBe(true); // the bilinear kernel of ×2
    expect(isEvenOverlap(tile(presetKernel('tent', 5), 2))).toBe(false);
  });

  it("the editor's largest kernel is one the core takes", async () => {
    const tc = await tconv();
    expect(MAX_KERNEL_SIZE).toBeLessThanOrEqual(tc.limits.maxKernelSize);
    const k = presetKernel('box', MAX_KERNEL_SIZE + 5);
    expect(k.size).toBe(MAX_KERNEL_SIZE); // presets stop at the editor's size
    expect(() => tc.upsampleImage(flat(4, 4, 9), { method: 'transposed', factor: 2, kernel: tensor(k) })).not.toThrow();
  });
});
