// Chapter 9's model: a gradient g on conv2d's output, L = Σ g ⊙ conv2d(x, k),
// and what flows back, all from the core. ∂L/∂x and ∂L/∂k come from the
// core's conv2dBackward (torch.autograd's numbers); the same ∂L/∂x is then
// measured three ways (Cᵀ·vec(g) as a matrix product, conv_transpose2d of g,
// and chapter 6's own product when it is the same one), and ∂L/∂k as x
// correlated with g. DOM-free; this file only arranges the core's numbers.

import type { Tconv } from '../types.js';
import type { Dims } from './config.js';
import { grid, matrixProducts, maxAbs, maxDifference, tensor, toGrid, transposeValues } from './core-ops.js';
import type { Chapter6Match, ExplainerModel, GradientModel, GradSource, Grid } from './model-types.js';

export const GRAD_SOURCES: { id: GradSource; label: string }[] = [
  { id: 'y', label: 'g = y (L = Σ y ⊙ out)' },
  { id: 'ones', label: 'g = 1 (L = Σ out)' },
];

/** The model's parts chapter 9 reads (the rest of the model is built around it). */
type Base = Pick<
  ExplainerModel,
  'config' | 'values' | 'outputSize' | 'transposedSize' | 'x' | 'k' | 'C' | 'windows' | 'Cty'
>;

/** ∂L/∂x from conv2d's backward pass is chapter 6's product number for number only with g = y, C's own weights and x's size. */
function chapter6Match(m: Base, source: GradSource): Chapter6Match {
  if (source === 'ones') return 'ones';
  if (m.values.kt !== null) return 'independent';
  const [t, input] = [m.transposedSize, m.config.input];
  return t[0] === input[0] && t[1] === input[1] ? 'same' : 'size';
}

export function buildGradients(tc: Tconv, m: Base, source: GradSource): GradientModel {
  const { input, kernel, stride, padding, dilation } = m.config;
  const out = m.outputSize;
  const n = out[0] * out[1];
  const g = grid(out[0], out[1], source === 'y' ? m.values.y : new Float32Array(n).fill(1));
  const options = { stride, padding, dilation };
  const back = tc.conv2dBackward(tensor(out, g.values), tensor(input, m.values.x), tensor(kernel, m.values.k), options);
  const gradInput = toGrid(back.gradInput);
  const gradWeight = toGrid(back.gradWeight);

  // Cᵀ·vec(g): the transpose of chapters 2 and 4's C, as a product in the core.
  const [Ctg] = matrixProducts(tc, transposeValues(m.C), [g.values]);

  // conv_transpose2d of g with k: output_padding gives back the rows and columns conv2d left unread. Heavy
  // padding can crop its output to nothing; the backward pass still has x's size (the core computes it
  // without going through that output), and the chapter says so.
  let transposed: Grid | null = null;
  let outputPadding: Dims | null = null;
  try {
    const plain = tc.convTranspose2dOutputSize(out, kernel, { ...options, outputPadding: [0, 0] });
    outputPadding = [input[0] - plain[0], input[1] - plain[1]];
    transposed = toGrid(
      tc.convTranspose2d(tensor(out, g.values), tensor(kernel, m.values.k), { ...options, outputPadding }),
    );
  } catch {
    outputPadding = null;
  }

  // ∂L/∂k(i, j) = Σ g(a, b)·xpad(a·stride + i·dilation, b·stride + j·dilation): conv2d of x with g as
  // the kernel, stride and dilation swapped. Its output is at least kH×kW (conv2d fitted kH taps into the
  // padded input); the first kH×kW entries are the weights' (an index shuffle).
  const full = tc.conv2d(tensor(input, m.values.x), tensor(out, g.values), {
    stride: dilation,
    padding,
    dilation: stride,
  });
  const fullCols = full.shape[3];
  const correlation = grid(kernel[0], kernel[1], new Float32Array(kernel[0] * kernel[1]));
  for (let i = 0; i < kernel[0]; i++)
    for (let j = 0; j < kernel[1]; j++) correlation.values[i * kernel[1] + j] = full.data[i * fullCols + j];

  const taps = Array.from({ length: kernel[0] * kernel[1] }, (_, t) => m.windows.map((w) => w[t]));
  const chapter6 = chapter6Match(m, source);
  const scale = Math.max(1, maxAbs(gradInput.values), maxAbs(gradWeight.values));
  return {
    source,
    g,
    Ctg: grid(input[0] * input[1], 1, Ctg.values),
    gradInput,
    gradWeight,
    transposed,
    outputPadding,
    correlation,
    taps,
    chapter6,
    agreement: {
      CtgVsGradInput: maxDifference(Ctg.values, gradInput.values),
      transposedVsGradInput: transposed ? maxDifference(transposed.values, gradInput.values) : null,
      correlationVsGradWeight: maxDifference(correlation.values, gradWeight.values),
      chapter6VsGradInput: chapter6 === 'same' ? maxDifference(m.Cty.values, gradInput.values) : null,
      // Sums of the same products in another order differ by float32 rounding only.
      tolerance: 1e-5 * scale,
    },
  };
}
