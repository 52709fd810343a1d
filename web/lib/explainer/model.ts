// Builds the explainer's model from a configuration and its values. Every
// number comes from the WASM core; this file only arranges them (padding
// layouts, zero insertion, kernel flips are index shuffles, not arithmetic on
// the values).

import type { ConvTranspose2dOptions, Tconv, Tensor } from '../types.js';
import type { Dims, ExplainerConfig } from './config.js';
import {
  grid,
  matrixProducts,
  maxAbs,
  maxDifference,
  tensor,
  toGrid,
  transposeValues,
  transposedMatrix,
} from './core-ops.js';
import { buildGradients } from './gradients.js';
import { DEFAULT_LEARN, train } from './learn.js';
import type {
  CellKind,
  ExplainerModel,
  ExplainerValues,
  GradSource,
  LearnSettings,
  Grid,
  LayoutGrid,
  MatrixGrid,
  OverlapView,
} from './model-types.js';

/** Largest matrix (rows × cols) the page draws; bigger configurations are refused with a message. */
export const MAX_MATRIX_CELLS = 10_000;
/** Size of the all-ones input whose overlap counts chapter 8 shows. */
export const OVERLAP_INPUT: Dims = [6, 6];

export type BuildResult = { ok: true; model: ExplainerModel } | { ok: false; error: string };

const dimsText = ([h, w]: Dims) => `${h}×${w}`;

/** The core's message without its function prefix, as a sentence. */
function explain(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^[a-zA-Z_0-9]+: /, '') + '.';
}

/** conv2d's output size for a configuration, or the reason there is none. */
export function outputSizeOf(
  tc: Tconv,
  config: ExplainerConfig,
): { ok: true; size: Dims } | { ok: false; error: string } {
  try {
    return {
      ok: true,
      size: tc.conv2dOutputSize(config.input, config.kernel, {
        stride: config.stride,
        padding: config.padding,
        dilation: config.dilation,
      }),
    };
  } catch (e) {
    return { ok: false, error: `The convolution is not defined here: ${explain(e)}` };
  }
}

function layoutPadded(x: Grid, [ph, pw]: Dims): LayoutGrid {
  const rows = x.rows + 2 * ph;
  const cols = x.cols + 2 * pw;
  const values = new Float32Array(rows * cols);
  const kinds: CellKind[] = new Array(rows * cols).fill('pad');
  const dataIndex = new Int32Array(rows * cols).fill(-1);
  for (let r = 0; r < x.rows; r++) {
    for (let c = 0; c < x.cols; c++) {
      const p = (r + ph) * cols + (c + pw);
      values[p] = x.values[r * x.cols + c];
      kinds[p] = 'data';
      dataIndex[p] = r * x.cols + c;
    }
  }
  return { rows, cols, values, kinds, dataIndex };
}

/** Layout of zero insertion: y's pixels `stride` apart, `border` cells around (cropped when negative), output_padding at the end. */
function layoutZeroInserted(y: Grid, stride: Dims, border: Dims, outputPadding: Dims): LayoutGrid {
  const span = [(y.rows - 1) * stride[0] + 1, (y.cols - 1) * stride[1] + 1];
  const rows = span[0] + 2 * border[0] + outputPadding[0];
  const cols = span[1] + 2 * border[1] + outputPadding[1];
  const values = new Float32Array(rows * cols);
  const kinds: CellKind[] = new Array(rows * cols);
  const dataIndex = new Int32Array(rows * cols).fill(-1);
  for (let r = 0; r < rows; r++) {
    const rr = r - border[0];
    for (let c = 0; c < cols; c++) {
      const cc = c - border[1];
      const p = r * cols + c;
      const inside = rr >= 0 && rr < span[0] && cc >= 0 && cc < span[1];
      if (inside && rr % stride[0] === 0 && cc % stride[1] === 0) {
        const i = (rr / stride[0]) * y.cols + cc / stride[1];
        kinds[p] = 'data';
        dataIndex[p] = i;
        values[p] = y.values[i];
      } else {
        kinds[p] = inside ? 'inserted' : 'pad';
      }
    }
  }
  return { rows, cols, values, kinds, dataIndex };
}

/** For each output pixel, the indices (in a grid `cols` wide) under the dilated kernel, tap by tap. */
function slidingWindows(out: Dims, kernel: Dims, stride: Dims, dilation: Dims, cols: number): number[][] {
  const windows: number[][] = [];
  for (let oh = 0; oh < out[0]; oh++) {
    for (let ow = 0; ow < out[1]; ow++) {
      const taps: number[] = [];
      for (let kh = 0; kh < kernel[0]; kh++) {
        for (let kw = 0; kw < kernel[1]; kw++) {
          taps.push((oh * stride[0] + kh * dilation[0]) * cols + (ow * stride[1] + kw * dilation[1]));
        }
      }
      windows.push(taps);
    }
  }
  return windows;
}

function overlapView(counts: Tensor, kernel: Dims, stride: Dims): OverlapView {
  let min = Infinity;
  let max = -Infinity;
  for (const v of counts.data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { kernel, stride, counts: toGrid(counts), min, max };
}

function ones(n: number): Float32Array {
  return new Float32Array(n).fill(1);
}

/**
 * How many kernel placements cover each output pixel of a transposed
 * convolution of an all-ones `input` (a transposed convolution of ones with
 * ones), for the kernel as given, rounded up to a multiple of the stride, and
 * for resize-then-convolve. Uneven counts are the checkerboard.
 */
export function overlapViews(
  tc: Tconv,
  kernel: Dims,
  stride: Dims,
  dilation: Dims = [1, 1],
  input: Dims = OVERLAP_INPUT,
): ExplainerModel['overlap'] {
  const n = (d: Dims) => d[0] * d[1];
  const onesIn = tensor(input, ones(n(input)));
  const overlapFor = (k: Dims) =>
    overlapView(tc.convTranspose2d(onesIn, tensor(k, ones(n(k))), { stride, dilation }), k, stride);
  const balancedKernel: Dims = [
    Math.ceil(kernel[0] / stride[0]) * stride[0],
    Math.ceil(kernel[1] / stride[1]) * stride[1],
  ];
  const upsampled = tc.interpolate(onesIn, { mode: 'nearest', scaleFactor: stride });
  const resizeCounts = tc.conv2d(upsampled, tensor(kernel, ones(n(kernel))), {
    dilation,
    padding: [Math.floor((dilation[0] * (kernel[0] - 1)) / 2), Math.floor((dilation[1] * (kernel[1] - 1)) / 2)],
  });
  const current = overlapFor(kernel);
  const balanced = overlapFor(balancedKernel);
  const resize = overlapView(resizeCounts, kernel, [1, 1]);
  return { current, balanced, resize, maxCount: Math.max(current.max, balanced.max, resize.max) };
}

/**
 * Chapter 6 paints y into the output one entry at a time: the transposed
 * convolution of y's first i entries (the rest zero), for i = 0 … Hout·Wout.
 * One batched call computes them all (batch element i is y masked after i
 * entries); the last is the whole transposed convolution.
 */
function paintedOneByOne(tc: Tconv, y: Grid, weight: Tensor, options: ConvTranspose2dOptions): Grid[] {
  const entries = y.rows * y.cols;
  const masked = new Float32Array((entries + 1) * entries);
  for (let i = 1; i <= entries; i++) masked.set(y.values.subarray(0, i), i * entries);
  const out = tc.convTranspose2d({ shape: [entries + 1, 1, y.rows, y.cols], data: masked }, weight, options);
  const [rows, cols] = [out.shape[2], out.shape[3]];
  return Array.from({ length: entries + 1 }, (_, i) =>
    grid(rows, cols, out.data.slice(i * rows * cols, (i + 1) * rows * cols)),
  );
}

/** y's first i entries, the rest zero, for i = 0 … Hout·Wout: what chapter 6 has painted after i steps. */
function prefixes(y: Float32Array): Float32Array[] {
  return Array.from({ length: y.length + 1 }, (_, i) => {
    const v = new Float32Array(y.length);
    v.set(y.subarray(0, i));
    return v;
  });
}

/** What chapters 9 and 10 start from, besides the configuration and values. */
export interface ModelOptions {
  gradSource: GradSource;
  learn: LearnSettings;
}

export const DEFAULT_MODEL_OPTIONS: ModelOptions = { gradSource: 'y', learn: DEFAULT_LEARN };

export function buildModel(
  tc: Tconv,
  config: ExplainerConfig,
  values: ExplainerValues,
  options: ModelOptions = DEFAULT_MODEL_OPTIONS,
): BuildResult {
  const { input, kernel, stride, padding, dilation, outputPadding } = config;
  const conv = outputSizeOf(tc, config);
  if (!conv.ok) return conv;
  const outputSize = conv.size;
  let transposedSize: Dims;
  try {
    transposedSize = tc.convTranspose2dOutputSize(outputSize, kernel, { stride, padding, dilation, outputPadding });
  } catch (e) {
    return { ok: false, error: `The transposed convolution is not defined here: ${explain(e)}` };
  }
  const n = (d: Dims) => d[0] * d[1];
  const matrixCells = Math.max(n(outputSize) * n(input), n(outputSize) * n(transposedSize));
  if (matrixCells > MAX_MATRIX_CELLS) {
    return {
      ok: false,
      error:
        `C would have ${n(outputSize)} × ${Math.max(n(input), n(transposedSize))} = ${matrixCells.toLocaleString('en')} entries, ` +
        `more than the ${MAX_MATRIX_CELLS.toLocaleString('en')} this page draws legibly. Use a smaller input or a larger stride.`,
    };
  }
  const expected = { x: n(input), k: n(kernel), y: n(outputSize) };
  for (const key of ['x', 'k', 'y'] as const) {
    if (values[key].length !== expected[key]) {
      return { ok: false, error: `Internal: ${key} has ${values[key].length} values, expected ${expected[key]}.` };
    }
  }
  const kt = values.kt ?? values.k;
  const convOptions = { stride, padding, dilation };

  const x = grid(input[0], input[1], values.x);
  const k = grid(kernel[0], kernel[1], values.k);
  const out = toGrid(tc.conv2d(tensor(input, values.x), tensor(kernel, values.k), convOptions));
  const cm = tc.convMatrix({ inputSize: input, kernelSize: kernel, ...convOptions }, values.k);
  const C: MatrixGrid = { rows: cm.rows, cols: cm.cols, values: cm.data, source: cm.source };
  const xpad = layoutPadded(x, padding);
  const windows = slidingWindows(outputSize, kernel, stride, dilation, xpad.cols);

  // Cᵀ: the forward matrix on the H′×W′ output the transposed convolution produces.
  const Ct = transposedMatrix(tc, config, transposedSize, outputSize, kt);
  const y = grid(outputSize[0], outputSize[1], values.y);
  const transposedOptions = { ...convOptions, outputPadding };
  const toutPartial = paintedOneByOne(tc, y, tensor(kernel, kt), transposedOptions);
  const tout = toutPartial[toutPartial.length - 1];

  // The matrix products, computed as products (not read off the convolutions), so
  // that "the same result" is a measured fact: C·vec(x), and Cᵀ·vec(y) for each
  // prefix of y (chapter 6 fills its column in step with the scatter).
  const [Cx] = matrixProducts(tc, C, [values.x]);
  const CtyPartial = matrixProducts(tc, transposeValues(Ct), prefixes(values.y));
  const Cty = CtyPartial[CtyPartial.length - 1];

  // Zero insertion: stride − 1 zeros between inputs, dilation·(k − 1) − padding around.
  const border: Dims = [dilation[0] * (kernel[0] - 1) - padding[0], dilation[1] * (kernel[1] - 1) - padding[1]];
  const zi = layoutZeroInserted(y, stride, border, outputPadding);
  const kflipValues = kt.slice().reverse(); // flipping both axes of a row-major grid reverses it
  const ziOut = toGrid(tc.conv2d(tensor([zi.rows, zi.cols], zi.values), tensor(kernel, kflipValues), { dilation }));
  const ziWindows = slidingWindows([ziOut.rows, ziOut.cols], kernel, [1, 1], dilation, zi.cols);
  let zeroMultiplications = 0;
  for (const taps of ziWindows) for (const p of taps) if (zi.kinds[p] !== 'data') zeroMultiplications++;

  // Overlap counts: a transposed convolution of ones with ones.
  const overlap = overlapViews(tc, kernel, stride, dilation);

  const toutMaxAbs = maxAbs(tout.values);
  const agreement = {
    CxVsOut: maxDifference(Cx.values, out.values),
    CtyVsTout: maxDifference(Cty.values, tout.values),
    zeroInsertionVsTout: maxDifference(ziOut.values, tout.values),
    // Sums of the same products in another order differ by float32 rounding only.
    tolerance: 1e-5 * Math.max(1, toutMaxAbs, maxAbs(out.values)),
  };

  // Chapter 9: conv2d's gradients for g on its output; chapter 10: Cᵀ's weights learned.
  const base = { config, values, outputSize, transposedSize, x, k, C, windows, Cty };
  const gradient = buildGradients(tc, base, options.gradSource);
  const learning = train(tc, base, options.learn);

  const [H, W] = input;
  const [kH, kW] = kernel;
  const model: ExplainerModel = {
    config,
    values,
    outputSize,
    transposedSize,
    x,
    k,
    xpad,
    out,
    C,
    windows,
    y,
    kt: grid(kernel[0], kernel[1], kt),
    Ct,
    Cx,
    Cty,
    CtyPartial,
    tout,
    toutPartial,
    toutMaxAbs,
    agreement,
    zeroInsertion: {
      zi,
      kflip: grid(kernel[0], kernel[1], kflipValues),
      out: ziOut,
      windows: ziWindows,
      multiplications: ziWindows.length * kH * kW,
      zeroMultiplications,
      inserted: [stride[0] - 1, stride[1] - 1],
      border,
    },
    overlap,
    gradient,
    learning,
    formulas: {
      conv: [
        `Hout = ⌊(H + 2·padding − dilation·(kH − 1) − 1) / stride⌋ + 1 = ⌊(${H} + 2·${padding[0]} − ${dilation[0]}·(${kH} − 1) − 1) / ${stride[0]}⌋ + 1 = ${outputSize[0]}`,
        `Wout = ⌊(W + 2·padding − dilation·(kW − 1) − 1) / stride⌋ + 1 = ⌊(${W} + 2·${padding[1]} − ${dilation[1]}·(${kW} − 1) − 1) / ${stride[1]}⌋ + 1 = ${outputSize[1]}`,
      ],
      transposed: [
        `H′ = (Hout − 1)·stride − 2·padding + dilation·(kH − 1) + output_padding + 1 = (${outputSize[0]} − 1)·${stride[0]} − 2·${padding[0]} + ${dilation[0]}·(${kH} − 1) + ${outputPadding[0]} + 1 = ${transposedSize[0]}`,
        `W′ = (Wout − 1)·stride − 2·padding + dilation·(kW − 1) + output_padding + 1 = (${outputSize[1]} − 1)·${stride[1]} − 2·${padding[1]} + ${dilation[1]}·(${kW} − 1) + ${outputPadding[1]} + 1 = ${transposedSize[1]}`,
      ],
    },
  };
  return { ok: true, model };
}

export { dimsText };
