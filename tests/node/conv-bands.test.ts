// Row translation in the wasm build: the image upsampler computes horizontal
// bands of an image in separate workers and stitches them, which is only
// bit-identical to one call if an output row's values do not depend on where
// the row is. So: convolve an input and the same input without its first
// rows, and require the output rows whose taps all land inside both inputs to
// match bit for bit. The native tests check the same property of the C++
// kernels; this checks the build that ships (wasm SIMD, 32-bit size_t).
import { describe, expect, it } from 'vitest';

import type { Tensor } from '../../web/lib/types.js';
import { randomTensor, tconv } from './helpers.js';

/** Rows [from, from + count) of every channel of a 1×C×H×W tensor. */
function rows(t: Tensor, from: number, count: number): Tensor {
  const [n, c, h, w] = t.shape;
  const data = new Float32Array(n * c * count * w);
  for (let ch = 0; ch < n * c; ch++)
    data.set(t.data.subarray((ch * h + from) * w, (ch * h + from + count) * w), ch * count * w);
  return { shape: [n, c, count, w], data };
}

/**
 * Where rows [from, from + count) of `a` and rows [at, at + count) of `b`
 * first differ in their bits (channel, row, column), or null. A plain loop:
 * deep equality over a million elements takes seconds.
 */
function firstDifference(a: Tensor, from: number, b: Tensor, at: number, count: number): string | null {
  const [, c, ha, w] = a.shape;
  const hb = b.shape[2];
  const ab = new Uint32Array(a.data.buffer, a.data.byteOffset, a.data.length);
  const bb = new Uint32Array(b.data.buffer, b.data.byteOffset, b.data.length);
  for (let ch = 0; ch < c; ch++) {
    for (let r = 0; r < count; r++) {
      for (let col = 0; col < w; col++) {
        if (ab[(ch * ha + from + r) * w + col] !== bb[(ch * hb + at + r) * w + col]) return `${ch}, ${r}, ${col}`;
      }
    }
  }
  return null;
}

describe('conv row translation (wasm)', () => {
  // Widths around 1500 make the kernels work in several row bands; channels
  // 1 → 1 (the upsampler) and depthwise 3 (bench C).
  for (const [channels, groups, width] of [
    [1, 1, 1501],
    [3, 3, 1499],
    [1, 1, 37],
  ]) {
    it(`convTranspose2d k4 s2 p1, ${channels} channels, groups ${groups}, width ${width}`, async () => {
      const tc = await tconv();
      const h = 61;
      const x = randomTensor([1, channels, h, width], 7 + width);
      const w = randomTensor([channels, channels / groups, 4, 4], 8);
      const opts = { stride: 2, padding: 1, groups };
      const whole = tc.convTranspose2d(x, w, opts);
      for (const shift of [1, 2, 5]) {
        const part = tc.convTranspose2d(rows(x, shift, h - shift), w, opts);
        // Output row o of the shortened input reads its rows (o + 1 − kh)/2 for
        // kh of o's parity; rows 2..2(h − shift) − 2 read no padding.
        const first = 2;
        const count = 2 * (h - shift) - 2 - first;
        expect(firstDifference(part, first, whole, first + 2 * shift, count)).toBeNull();
      }
    });

    it(`conv2d k3 p1, ${channels} channels, groups ${groups}, width ${width}`, async () => {
      const tc = await tconv();
      const h = 61;
      const x = randomTensor([1, channels, h, width], 9 + width);
      const w = randomTensor([channels, channels / groups, 3, 3], 10);
      const opts = { padding: 1, groups };
      const whole = tc.conv2d(x, w, opts);
      for (const shift of [1, 2, 5]) {
        const part = tc.conv2d(rows(x, shift, h - shift), w, opts);
        // Rows 1..h − shift − 2 of the shortened output read no padding.
        const count = h - shift - 2;
        expect(firstDifference(part, 1, whole, 1 + shift, count)).toBeNull();
      }
    });
  }
});
