// Property tests (fast-check) over random shapes and parameters:
//   ⟨conv2d(x, w), y⟩ = ⟨x, convTranspose2d(y, w)⟩   (the adjoint identity)
//   C · vec(x) = vec(conv2d(x))
//   Cᵀ · vec(y) = vec(convTranspose2d(y))
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Tensor } from '../../web/lib/types.js';
import { convGeometry, type Geometry } from './conv-geometry.js';
import { expectClose, randomTensor, tconv } from './helpers.js';

const geometry = convGeometry({ maxCoutPerGroup: 3, maxSize: 9 });

function dot(a: Tensor, b: Tensor): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += a.data[i] * b.data[i];
  return sum;
}

/** output_padding that makes convTranspose2d return exactly the conv2d input size. */
function recoveringOutputPadding(g: Geometry): [number, number] {
  const rest = (size: number, k: number, d: 0 | 1) =>
    (size + 2 * g.padding[d] - g.dilation[d] * (k - 1) - 1) % g.stride[d];
  return [rest(g.h, g.kh, 0), rest(g.w, g.kw, 1)];
}

function matVec(data: Float32Array, rows: number, cols: number, v: Float32Array, transpose: boolean): Float64Array {
  const out = new Float64Array(transpose ? cols : rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const m = data[r * cols + c];
      if (transpose) out[c] += m * v[r];
      else out[r] += m * v[c];
    }
  }
  return out;
}

describe('properties', () => {
  it('convTranspose2d is the adjoint of conv2d', async () => {
    const tc = await tconv();
    fc.assert(
      fc.property(geometry, (g) => {
        const x = randomTensor([g.batch, g.cin, g.h, g.w], g.seed);
        const w = randomTensor([g.cout, g.cin / g.groups, g.kh, g.kw], g.seed + 1);
        const opts = { stride: g.stride, padding: g.padding, dilation: g.dilation, groups: g.groups };
        const y0 = tc.conv2d(x, w, opts);
        const y = randomTensor(y0.shape, g.seed + 2);
        const back = tc.convTranspose2d(y, w, { ...opts, outputPadding: recoveringOutputPadding(g) });
        expect(back.shape).toEqual(x.shape);
        const lhs = dot(y0, y);
        const rhs = dot(x, back);
        expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(lhs)));
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('C·vec(x) = vec(conv2d(x)) and Cᵀ·vec(y) = vec(convTranspose2d(y))', async () => {
    const tc = await tconv();
    fc.assert(
      fc.property(geometry, (g) => {
        const kernel = randomTensor([1, 1, g.kh, g.kw], g.seed);
        const x = randomTensor([1, 1, g.h, g.w], g.seed + 1);
        const opts = { stride: g.stride, padding: g.padding, dilation: g.dilation };
        const c = tc.convMatrix({ inputSize: [g.h, g.w], kernelSize: [g.kh, g.kw], ...opts }, kernel.data);
        const y = tc.conv2d(x, kernel, opts);
        expect([c.rows, c.cols]).toEqual([y.data.length, x.data.length]);
        expectClose(matVec(c.data, c.rows, c.cols, x.data, false), y.data, 1e-5, 1e-5);

        const z = randomTensor(y.shape, g.seed + 2);
        const up = tc.convTranspose2d(z, kernel, { ...opts, outputPadding: recoveringOutputPadding(g) });
        expectClose(matVec(c.data, c.rows, c.cols, z.data, true), up.data, 1e-5, 1e-5);
        // Every nonzero of C is the kernel weight its source index names.
        for (let i = 0; i < c.data.length; i++) {
          expect(c.data[i]).toBe(c.source[i] < 0 ? 0 : kernel.data[c.source[i]]);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
