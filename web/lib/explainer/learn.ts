// Chapter 10's model: Cᵀ's layout stays, its weights are learned. They start
// from a seeded random kernel and follow gradient descent on the mean squared
// error between conv_transpose2d(y, w) and a target, exactly as
//   loss = F.mse_loss(F.conv_transpose2d(y, w, …), target); loss.backward(); SGD step
// does in PyTorch. The outputs, the weight gradients (the core's
// convTranspose2dBackward), the Gram matrix behind the safe learning rate and
// the bilinear target are the core's; the loss (a mean of squares), its
// gradient 2·(out − target)/N and the step w − lr·∂L/∂w are mse_loss's and
// SGD's own definitions, written here in float32 as torch runs them. DOM-free.

import type { Tconv } from '../types.js';
import type { Dims } from './config.js';
import { grid, matrixProducts, maxAbs, tensor, toGrid, transposedMatrix } from './core-ops.js';
import type { ExplainerModel, LearningModel, LearnSettings, LearnSnapshot, LearnTarget } from './model-types.js';
import { mulberry32 } from './random.js';

/** Gradient-descent steps taken. */
export const ITERATIONS = 100;
/** The iterations the frames show after the start: every step at first, then further apart as the loss settles. */
export const SHOWN = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100];
/** The learning-rate control's choices, as multiples of the safe rate (1 = 1/L: the loss cannot rise). */
export const LR_FACTORS = [0.25, 0.5, 1, 2, 3];
/** A loss this many times the first counts as diverged: training stops there. */
export const DIVERGED = 1e6;

export const DEFAULT_LEARN: LearnSettings = { seed: 1, target: 'kernel', lr: null };

export const LEARN_TARGETS: { id: LearnTarget; label: string }[] = [
  { id: 'kernel', label: 'k’s own output' },
  { id: 'bilinear', label: 'bilinear up-sampling of y' },
];

/** The chapter's parts of the model it is built from. */
type Base = Pick<ExplainerModel, 'config' | 'values' | 'outputSize' | 'transposedSize'>;

/** The starting kernel: uniform in [−1, 1], two decimals (so PyTorch code can write it exactly), from the seed. */
export function initialWeights(seed: number, n: number): Float32Array {
  const next = mulberry32(seed * 2654435761);
  return Float32Array.from({ length: n }, () => Math.round((next() * 2 - 1) * 100) / 100);
}

/** x rounded down to three significant digits: a rate people can type that is still below the bound. */
export function roundDown3(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return x;
  const unit = 10 ** (Math.floor(Math.log10(x)) - 2);
  const r = Math.floor(x / unit) * unit;
  // 10 ** −n is not exact in binary: keep the decimal digits, and never above x.
  const text = Number(r.toPrecision(3));
  return text <= x ? text : Number((r - unit).toPrecision(3));
}

/**
 * Bound on the largest eigenvalue of AᵀA, A the matrix that takes the weights to the output
 * (column t: y scattered by tap t alone). The core builds A (one transposed convolution with a
 * one-hot kernel per output channel) and AᵀA (a matrix product); the largest row sum of |AᵀA|
 * bounds its largest eigenvalue (Gershgorin). Also returns the taps whose column is all zero.
 */
function gramBound(tc: Tconv, m: Base): { bound: number; unreached: number[] } {
  const { kernel, stride, padding, dilation, outputPadding } = m.config;
  const taps = kernel[0] * kernel[1];
  const oneHot = new Float32Array(taps * taps);
  for (let t = 0; t < taps; t++) oneHot[t * taps + t] = 1;
  const columns = tc.convTranspose2d(
    tensor(m.outputSize, m.values.y),
    { shape: [1, taps, kernel[0], kernel[1]], data: oneHot },
    { stride, padding, dilation, outputPadding },
  );
  const n = m.transposedSize[0] * m.transposedSize[1];
  // A is n×taps; its columns are the channels, so the channels read row by row are Aᵀ.
  const At = { rows: taps, cols: n, values: columns.data };
  const rowsOfA = Array.from({ length: taps }, (_, t) => columns.data.slice(t * n, (t + 1) * n));
  const gram = matrixProducts(tc, At, rowsOfA); // Aᵀ·(column t of A) for each t: the columns of AᵀA (symmetric)
  let bound = 0;
  const unreached: number[] = [];
  gram.forEach((col, t) => {
    let sum = 0;
    for (const v of col.values) sum += Math.abs(v);
    bound = Math.max(bound, sum);
    if (col.values[t] === 0) unreached.push(t);
  });
  return { bound, unreached };
}

/** The target the output should match: k's own output, or y up-sampled bilinearly, from the core. */
function targetOf(tc: Tconv, m: Base, target: LearnTarget) {
  const { kernel, stride, padding, dilation, outputPadding } = m.config;
  const y = tensor(m.outputSize, m.values.y);
  if (target === 'kernel') {
    return toGrid(tc.convTranspose2d(y, tensor(kernel, m.values.k), { stride, padding, dilation, outputPadding }));
  }
  return toGrid(tc.interpolate(y, { size: m.transposedSize, mode: 'bilinear', alignCorners: false }));
}

/**
 * How far a loss can move from float32 rounding of the outputs alone: each output is off by up to
 * δ = 10⁻⁶ of the largest value (about 16 units in the last place), and (r + δ)² − r² ≤ 2|r|·δ + δ².
 * Changes within it are not the descent's: the narration calls them level, and a rise within it is no rise.
 */
export function lossNoise(loss: number, largest: number): number {
  const d = 1e-6 * largest;
  return 2 * Math.sqrt(Math.max(0, loss)) * d + d * d;
}

/** mse_loss: the mean of (out − target)², summed in double precision. */
function mse(out: Float32Array, target: Float32Array): number {
  let s = 0;
  for (let i = 0; i < out.length; i++) s += (out[i] - target[i]) ** 2;
  return s / out.length;
}

export function train(tc: Tconv, m: Base, settings: LearnSettings): LearningModel {
  const { kernel, stride, padding, dilation, outputPadding } = m.config;
  const options = { stride, padding, dilation, outputPadding };
  const kDims: Dims = kernel;
  const n = m.transposedSize[0] * m.transposedSize[1];
  const target = targetOf(tc, m, settings.target);
  const { bound, unreached } = gramBound(tc, m);
  // ∇L = (2/N)·Aᵀ(A·w − target) changes by at most L = (2/N)·λmax(AᵀA) per unit of w; a step of 1/L cannot raise
  // the loss. With y all zeros nothing can be learned: any rate does nothing.
  const safeLr = bound > 0 ? roundDown3(n / (2 * bound)) : 1;
  const lr = settings.lr ?? safeLr;
  const y = tensor(m.outputSize, m.values.y);
  const init = initialWeights(settings.seed, kernel[0] * kernel[1]);

  const forward = (w: Float32Array) => toGrid(tc.convTranspose2d(y, tensor(kDims, w), options));
  const snapshot = (iteration: number, w: Float32Array, output: ReturnType<typeof forward>, loss: number) => ({
    iteration,
    weights: grid(kernel[0], kernel[1], w),
    output,
    Ct: transposedMatrix(tc, m.config, m.transposedSize, m.outputSize, w),
    loss,
  });

  const losses: number[] = [];
  const snapshots: LearnSnapshot[] = [];
  const shown = new Set(SHOWN);
  let w = init;
  let largest = maxAbs(target.values);
  for (let i = 0; i <= ITERATIONS; i++) {
    const out = forward(w);
    const loss = mse(out.values, target.values);
    losses.push(loss);
    largest = Math.max(largest, maxAbs(out.values));
    const diverged = !Number.isFinite(loss) || loss > DIVERGED * Math.max(losses[0], 1e-30);
    if (i === 0 || shown.has(i) || diverged) snapshots.push(snapshot(i, w, out, loss));
    if (i === ITERATIONS || diverged) break;
    const gradOut = new Float32Array(n);
    for (let o = 0; o < n; o++) gradOut[o] = (2 * (out.values[o] - target.values[o])) / n;
    const gw = tc.convTranspose2dBackward(tensor(m.transposedSize, gradOut), y, tensor(kDims, w), options).gradWeight;
    w = Float32Array.from(w, (v, t) => v - lr * gw.data[t]);
  }

  const firstRise = losses.findIndex((l, i) => i > 0 && l > losses[i - 1] + lossNoise(losses[i - 1], largest));
  const weightsSeen = snapshots.flatMap((s) => Array.from(s.weights.values));
  const outputsSeen = snapshots.flatMap((s) => Array.from(s.output.values));
  const start = Math.max(maxAbs(m.values.k), maxAbs(init), maxAbs(target.values));
  return {
    settings,
    lr,
    safeLr,
    gramBound: bound,
    target,
    init,
    losses,
    snapshots,
    unreached,
    firstRise,
    largest,
    // Steady scales, so colours move with the values; a diverging run saturates instead of washing everything out.
    scales: {
      weights: Math.max(1, Math.min(maxAbs(weightsSeen), 4 * Math.max(maxAbs(m.values.k), maxAbs(init)))),
      output: Math.max(1, Math.min(maxAbs(outputsSeen), 4 * start)),
    },
  };
}
