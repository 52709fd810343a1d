// Small pieces the explainer's models share: tensors and grids of one
// channel, matrix products in the core (a 1×1 convolution is a GEMM), a
// forward matrix cut to the rows an output keeps, and the measured largest
// difference between two results. DOM-free; the arithmetic on values is the
// core's (maxDifference and maxAbs only measure).

import type { Tconv, Tensor } from '../types.js';
import type { Dims, ExplainerConfig } from './config.js';
import type { Grid, MatrixGrid } from './model-types.js';

export const grid = (rows: number, cols: number, values: Float32Array): Grid => ({ rows, cols, values });
export const tensor = ([h, w]: Dims, data: Float32Array): Tensor => ({ shape: [1, 1, h, w], data });
export const toGrid = (t: Tensor): Grid => grid(t.shape[2], t.shape[3], t.data);

/** Rows of a conv matrix whose output pixel lies inside [keep] of an output `size` wide grid. */
export function keepOutputRows(m: MatrixGrid, size: Dims, keep: Dims): MatrixGrid {
  if (size[0] === keep[0] && size[1] === keep[1]) return m;
  const rows = keep[0] * keep[1];
  const values = new Float32Array(rows * m.cols);
  const source = new Int32Array(rows * m.cols);
  for (let oh = 0; oh < keep[0]; oh++) {
    for (let ow = 0; ow < keep[1]; ow++) {
      const from = (oh * size[1] + ow) * m.cols;
      const to = (oh * keep[1] + ow) * m.cols;
      values.set(m.values.subarray(from, from + m.cols), to);
      source.set(m.source.subarray(from, from + m.cols), to);
    }
  }
  return { rows, cols: m.cols, values, source };
}

/**
 * The forward matrix whose transpose is the transposed convolution's Cᵀ: a
 * convolution with these weights on the H′×W′ output it produces. With
 * output_padding ≥ stride (allowed below the dilation) that convolution has an
 * extra output row/column, which y does not have: those rows are dropped.
 */
export function transposedMatrix(
  tc: Tconv,
  config: ExplainerConfig,
  transposedSize: Dims,
  outputSize: Dims,
  weights: Float32Array,
): MatrixGrid {
  const { kernel, stride, padding, dilation } = config;
  const options = { stride, padding, dilation };
  const full = tc.convMatrix({ inputSize: transposedSize, kernelSize: kernel, ...options }, weights);
  return keepOutputRows(
    { rows: full.rows, cols: full.cols, values: full.data, source: full.source },
    tc.conv2dOutputSize(transposedSize, kernel, options),
    outputSize,
  );
}

/**
 * A·v for every v in `vectors`, in the core: a 1×1 convolution is a matrix
 * product, so conv2d of input [n, k, 1, 1] (the vectors) with weight
 * [m, k, 1, 1] (A, row-major m×k) gives [n, m, 1, 1], the products.
 */
export function matrixProducts(
  tc: Tconv,
  a: { rows: number; cols: number; values: Float32Array },
  vectors: Float32Array[],
): Grid[] {
  const data = new Float32Array(vectors.length * a.cols);
  vectors.forEach((v, i) => data.set(v, i * a.cols));
  const out = tc.conv2d(
    { shape: [vectors.length, a.cols, 1, 1], data },
    { shape: [a.rows, a.cols, 1, 1], data: a.values },
  );
  return vectors.map((_, i) => grid(a.rows, 1, out.data.slice(i * a.rows, (i + 1) * a.rows)));
}

/** The matrix as stored transposed: entry (c, r) of the result is (r, c) of m (an index shuffle). */
export function transposeValues(m: { rows: number; cols: number; values: Float32Array }) {
  const values = new Float32Array(m.values.length);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) values[c * m.rows + r] = m.values[r * m.cols + c];
  return { rows: m.cols, cols: m.rows, values };
}

/** Largest |a − b| over two equally long arrays (Infinity when the lengths differ: they cannot agree). */
export function maxDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}
