// Chapter 9, "Where the name comes from": a gradient g on conv2d's output
// flows back to the input as Cᵀ·vec(g) (chapter 6's product, computed by the
// core's conv2dBackward), and to each weight as x correlated with g. Every
// number is the model's; tests/node/explainer/claims.test.ts checks each
// against plain loops (reference.ts).

import { weightName } from './derived.js';
import type { CellRef, ExplainerModel, GridId } from './model-types.js';
import { agreeText, count, formatNumber, paramText, position, sizeText, sumText } from './text.js';
import type { Chapter, Frame } from './timeline.js';

const refs = (grid: GridId, indices: Iterable<number>): CellRef[] =>
  Array.from(indices, (i) => `${grid}:${i}` as CellRef);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Frames of chapter 9 before the weights': the intro, ∂L/∂x, and conv_transpose2d. */
export const GRADIENT_SETUP = 3;

/** The index of the largest |value| (the first, on a tie). */
export function largestAt(values: ArrayLike<number>): number {
  let at = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i]) > Math.abs(values[at])) at = i;
  return at;
}

/** The rows of C with a weight in column c: the outputs input pixel c fed. */
export function outputsFedBy(m: ExplainerModel, c: number): number[] {
  return range(m.C.rows).filter((r) => m.C.source[r * m.C.cols + c] >= 0);
}

/** "stride 2, padding 1, output_padding 1": the arguments conv2d's backward pass gives conv_transpose2d. */
function transposedArgs(m: ExplainerModel): string {
  const { stride, padding, dilation } = m.config;
  const op = m.gradient.outputPadding ?? [0, 0];
  return (
    `stride ${paramText(stride)}, padding ${paramText(padding)}` +
    (dilation[0] > 1 || dilation[1] > 1 ? `, dilation ${paramText(dilation)}` : '') +
    (op[0] || op[1] ? `, output_padding ${paramText(op)}` : '')
  );
}

function intro(m: ExplainerModel): Frame {
  const G = m.gradient;
  const g = G.source === 'y' ? `g = y (${sizeText([G.g.rows, G.g.cols])})` : `g = 1 on every output`;
  const loss = G.source === 'y' ? 'L = Σ g ⊙ conv2d(x, k)' : 'L = Σ conv2d(x, k), the sum of the outputs';
  return {
    narration:
      `Put a gradient on conv2d’s output: ${g}, the gradient of ${loss}. ` +
      `Backpropagation sends it back to the input (∂L/∂x, ${sizeText(m.config.input)}) and to the kernel ` +
      `(∂L/∂k, ${sizeText(m.config.kernel)}); the core’s conv2dBackward computes both, as torch.autograd does.`,
    active: refs('g', range(G.g.values.length)),
  };
}

function inputGradient(m: ExplainerModel): Frame {
  const G = m.gradient;
  const c = largestAt(G.gradInput.values);
  const rows = outputsFedBy(m, c);
  const where = position(c, m.x.cols);
  const value = G.gradInput.values[c];
  const sum =
    rows.length === 0
      ? `∂L/∂x${where} = ${formatNumber(value)}: no output read x${where}`
      : `∂L/∂x${where} = ${sumText(
          rows.map((r) => m.C.values[r * m.C.cols + c]),
          rows.map((r) => G.g.values[r]),
          value,
        )}, the largest`;
  return {
    narration:
      `∂L/∂x = Cᵀ·vec(g): each input collects g from every output it fed, weighted by the weight that joined them, ` +
      `along row ${c + 1} of Cᵀ for x${where}. ${sum}. ` +
      `${agreeText(G.agreement.CtgVsGradInput, G.agreement.tolerance, 'Cᵀ·vec(g) and conv2dBackward’s ∂L/∂x')}.`,
    active: [
      ...refs(
        'CtC',
        rows.map((r) => c * m.C.rows + r),
      ),
      ...refs('vecg', rows),
      `Ctg:${c}`,
      `gx:${c}`,
    ],
  };
}

const CHAPTER6: Record<Exclude<ExplainerModel['gradient']['chapter6'], 'same'>, (m: ExplainerModel) => string> = {
  ones: () => 'Chapter 6 ran the same operation on y; with g = y this gradient is its product, number for number.',
  independent: () =>
    'Chapter 6’s Cᵀ has independent weights, so its product is another matrix’s: the gradient always uses k.',
  size: (m) =>
    `Chapter 6’s output is ${sizeText(m.transposedSize)}, not x’s ${sizeText(m.config.input)}: ` +
    `the backward pass picks the output_padding that gives x’s size back.`,
};

function transposedFrame(m: ExplainerModel): Frame {
  const G = m.gradient;
  const a = G.agreement;
  const same =
    G.chapter6 === 'same'
      ? `With g = y it is chapter 6’s Cᵀ·vec(y): ${agreeText(a.chapter6VsGradInput!, a.tolerance, 'they')}.`
      : CHAPTER6[G.chapter6](m);
  return {
    narration:
      (a.transposedVsGradInput === null
        ? `conv_transpose2d(g, k, ${transposedArgs(m)}) would be conv2d’s input gradient, but padding ` +
          `${paramText(m.config.padding)} crops its output to nothing here; the gradient is still Cᵀ·vec(g). `
        : `PyTorch computes conv2d’s input gradient with conv_transpose2d(g, k, ${transposedArgs(m)}); ` +
          `${agreeText(a.transposedVsGradInput, a.tolerance, 'it and conv2dBackward’s ∂L/∂x')}. `) +
      `${same} conv2d’s backward pass is a transposed convolution: hence the name.`,
    active: refs('gx', range(G.gradInput.values.length)),
  };
}

function weightFrame(m: ExplainerModel, t: number): Frame {
  const G = m.gradient;
  const taps = G.taps[t];
  const n = taps.length;
  return {
    narration:
      `∂L/∂${weightName(t)} = Σ over the ${count(n, 'output', 'outputs')} of g times the value ${weightName(t)} ` +
      `multiplied there = ${sumText(
        Array.from(G.g.values),
        taps.map((p) => m.xpad.values[p]),
        G.gradWeight.values[t],
      )}.`,
    active: [...refs('xpad', taps), ...refs('g', range(n)), `k:${t}`, `gk:${t}`],
  };
}

function correlationFrame(m: ExplainerModel): Frame {
  const G = m.gradient;
  const { stride, dilation } = m.config;
  const swapped =
    stride[0] === dilation[0] && stride[1] === dilation[1]
      ? ''
      : ` (stride and dilation trade places: it steps by the dilation, ${paramText(dilation)}, ` +
        `and spreads g’s taps by the stride, ${paramText(stride)})`;
  return {
    narration: `So ∂L/∂k is x correlated with g: conv2d(x, g) with g as the kernel${swapped} gives the ${sizeText(
      m.config.kernel,
    )} gradient; ${agreeText(G.agreement.correlationVsGradWeight, G.agreement.tolerance, 'it and conv2dBackward’s ∂L/∂k')}.`,
    active: refs('gk', range(G.gradWeight.values.length)),
  };
}

function namesFrame(m: ExplainerModel): Frame {
  const s = m.config.stride;
  const fraction =
    s[0] === 1 && s[1] === 1
      ? 'zero insertion, chapter 7, slides over y at a stride of 1/stride in y’s units, which is 1 here'
      : `zero insertion, chapter 7, slides over y at a stride of 1/${paramText(s)} in y’s units`;
  return {
    narration:
      `Hence the names: transposed convolution (the matrix is Cᵀ), fractionally-strided convolution ` +
      `(${fraction}), backward convolution (the gradient above). ` +
      `“Deconvolution” is a misnomer: Cᵀ sends g back along C’s connections, it does not undo C — ` +
      `Cᵀ is not C⁻¹, as chapter 6’s demo shows.`,
    active: [],
  };
}

export function gradientChapter(m: ExplainerModel): Chapter {
  return {
    id: 'gradient',
    number: 9,
    title: 'Where the name comes from',
    summary:
      'Cᵀ·vec(g) is conv2d’s gradient with respect to its input: the transposed convolution is the backward pass.',
    frames: [
      intro(m),
      inputGradient(m),
      transposedFrame(m),
      ...range(m.k.values.length).map((t) => weightFrame(m, t)),
      correlationFrame(m),
      namesFrame(m),
    ],
  };
}
