// What learners ask that the grids alone do not answer, as data and
// sentences built from the model's numbers and the core's sizes:
//   which cells y(i, j) paints, and that they are the ones that fed out(i, j) (chapter 6);
//   that Cᵀ is not C⁻¹, and that Cᵀ·g is conv2d's backward pass (chapter 6);
//   which input size comes back, and what output_padding adds (chapter 5);
//   why zero insertion flips the kernel, in conv_arithmetic's colours (chapter 7);
//   the operation's other names.
// DOM-free. No sentence states a number it did not read from the model or the
// core; the tests (tests/node/explainer/answers.test.ts) check each against an
// independent computation.

import type { Tconv, Tensor } from '../types.js';
import type { Dims } from './config.js';
import { derived, weightName } from './derived.js';
import type { ExplainerModel, Grid } from './model-types.js';
import { count, formatNumber, list, paramText as pairText, position as at, sizeText as dims } from './text.js';

/** "1 cell", "4 cells": the noun agrees with the number (text.ts's rule). */
export const plural = (n: number, one: string, other = `${one}s`): string => count(n, one, other);

/** Up to `max` numbers, then an ellipsis and the last one. */
function numbers(values: ArrayLike<number>, max = 6): string {
  const all = Array.from(values, formatNumber);
  return all.length <= max ? all.join(', ') : `${all.slice(0, max - 1).join(', ')}, …, ${all[all.length - 1]}`;
}

const sameDims = (a: Dims, b: Dims) => a[0] === b[0] && a[1] === b[1];

// ---- chapter 6: y(i, j) paints the cells that fed out(i, j) ----

export interface Connectivity {
  /** The cells of x under out(r)'s window in chapter 1 (padding left out), in tap order. */
  fed: number[];
  /** The transposed output's cells at the positions of `fed` that lie inside it. */
  fedInOutput: number[];
  /** The transposed output's cells that y's entry r paints (column r of Cᵀ). */
  painted: number[];
  /** y(r) paints exactly the positions that fed out(r). */
  same: boolean;
  text: string;
}

export function connectivity(m: ExplainerModel, r: number): Connectivity {
  const { xpad, tout } = m;
  const [ph, pw] = m.config.padding;
  const fed: number[] = [];
  const fedInOutput: number[] = [];
  for (const p of m.windows[r]) {
    const i = xpad.dataIndex[p];
    if (i < 0) continue;
    fed.push(i);
    const row = Math.floor(p / xpad.cols) - ph;
    const col = (p % xpad.cols) - pw;
    if (row < tout.rows && col < tout.cols) fedInOutput.push(row * tout.cols + col);
  }
  const painted = derived(m).painted[r];
  const inFed = new Set(fedInOutput);
  const extra = painted.filter((c) => !inFed.has(c)).length;
  const lost = fed.length - fedInOutput.length;
  const same = extra === 0 && lost === 0 && painted.length === fedInOutput.length;
  const y = `y${at(r, m.y.cols)}`;
  const out = `out${at(r, m.out.cols)}`;
  let text: string;
  if (fed.length === 0 && painted.length === 0) {
    text = `${out} read only padding in chapter 1, so ${y} paints nothing: column ${r + 1} of Cᵀ is all zeros.`;
  } else if (same) {
    text =
      `${y} paints exactly the ${plural(fed.length, 'cell')} that fed ${out} in chapter 1 (dashed): ` +
      `Cᵀ sends each value back along the connections C used.`;
  } else {
    const why: string[] = [];
    if (lost > 0)
      why.push(`${plural(lost, 'of them lies', 'of them lie')} outside the ${dims(m.transposedSize)} output`);
    if (extra > 0) why.push(`${plural(extra, 'painted cell lies', 'painted cells lie')} where x had padding`);
    text =
      `${y} paints ${plural(painted.length, 'cell')}; ${plural(fed.length, 'cell')} of x fed ${out}. ` +
      `The output is ${dims(m.transposedSize)} but x is ${dims(m.config.input)}, so ${list(why)}: ` +
      `the positions match only when the sizes do (chapter 5, output_padding).`;
  }
  return { fed, fedInOutput, painted, same, text };
}

// ---- chapter 6: Cᵀ is not C⁻¹, and Cᵀ·g is conv2d's backward pass ----

export interface InverseAnswer {
  /** What the demo sets y to: C·vec(x), chapter 4's output (the core's conv2d). */
  y: Float32Array;
  /** y is C·vec(x) and Cᵀ has C's own weights: the transposed output is Cᵀ·C·vec(x). */
  active: boolean;
  /** Cᵀ·C·vec(x) has x's size, so the two compare cell by cell. */
  comparable: boolean;
  /** The largest |Cᵀ·C·vec(x) − x|, and the cell of x where it is (-1 when not comparable). */
  maxDifference: number;
  worst: number;
  /** Before the demo: what the button will do. */
  prompt: string;
  /** After it: what came back. Empty while the demo is not shown. */
  text: string;
}

export function inverse(m: ExplainerModel): InverseAnswer {
  const { x, tout, C } = m;
  const y = m.out.values;
  const shared = m.values.kt === null;
  const active = shared && m.y.values.length === y.length && m.y.values.every((v, i) => v === y[i]);
  const comparable = sameDims(m.transposedSize, m.config.input);
  let maxDifference = 0;
  let worst = -1;
  if (comparable) {
    worst = 0;
    tout.values.forEach((v, i) => {
      const d = Math.abs(v - x.values[i]);
      if (d > maxDifference) {
        maxDifference = d;
        worst = i;
      }
    });
  }
  const prompt =
    `Does Cᵀ undo C? Set y to C·vec(x) = ${numbers(y)}, chapter 4’s output` +
    `${shared ? '' : ', with C’s own weights for Cᵀ'}, and compare Cᵀ·vec(y) with x.`;
  let text = '';
  if (active && !comparable) {
    text =
      `Cᵀ·(C·vec(x)) is ${dims(m.transposedSize)} but x is ${dims(m.config.input)}: ` +
      `x cannot come back, not even in size (chapter 5: output_padding).`;
  } else if (active && maxDifference > 0) {
    const cell = at(worst, x.cols);
    text =
      `x does not come back: Cᵀ·(C·vec(x)) differs from x by up to ${formatNumber(maxDifference)}, at ${cell}: ` +
      `${formatNumber(tout.values[worst])} instead of ${formatNumber(x.values[worst])}. ` +
      (C.rows < C.cols ? `C takes ${C.cols} numbers to ${C.rows}: no matrix can bring back what it dropped. ` : '') +
      `Cᵀ sends each output back along the connections it came from, weighted again: Cᵀ is not C⁻¹.`;
  } else if (active) {
    text =
      `Here Cᵀ·(C·vec(x)) equals x, which these numbers allow; Cᵀ undoes C only when C’s columns are ` +
      `orthonormal (such as a single tap of weight 1 or −1 at stride 1), not in general.`;
  }
  return { y, active, comparable, maxDifference, worst, prompt, text };
}

export interface GradientAnswer {
  /** The transposed output's cell the sentence quotes (its largest |value|), or -1 when it quotes none. */
  cell: number;
  text: string;
}

/** Cᵀ·g is the gradient of Σ g ⊙ conv2d(x) with respect to x: the reason for the name. */
export function gradient(m: ExplainerModel): GradientAnswer {
  const shared = m.values.kt === null;
  let text =
    'Cᵀ is exactly conv2d’s backward pass: for any g, Cᵀ·vec(g) is the gradient of Σ g ⊙ conv2d(x, k) ' +
    'with respect to x, and PyTorch computes conv2d’s input gradient with conv_transpose2d. ' +
    'Hence the name: transposed convolution (chapter 9 follows the gradient through).';
  let cell = -1;
  if (!shared) {
    text += ' (With independent weights this Cᵀ is not C’s transpose: the gradient would use k.)';
  } else if (!sameDims(m.transposedSize, m.config.input)) {
    text += ` (The gradient has x’s size, ${dims(m.config.input)}; output_padding picks it, chapter 5.)`;
  } else {
    cell = 0;
    m.tout.values.forEach((v, i) => {
      if (Math.abs(v) > Math.abs(m.tout.values[cell])) cell = i;
    });
    const where = at(cell, m.tout.cols);
    text += ` With g = y here, ∂/∂x${where} = ${formatNumber(m.tout.values[cell])}, entry ${where} of Cᵀ·vec(y).`;
  }
  return { cell, text };
}

// ---- chapter 5: which size comes back (output_padding) ----

export interface SizeOption {
  size: number;
  outputPadding: number;
}

export interface SizeChoice {
  /** Per dimension (rows, columns): the input sizes conv2d maps to the output size, and the output_padding that gives each back. */
  options: [SizeOption[], SizeOption[]];
  /**
   * conv_transpose2d of this figure's y and weights giving the smallest size (output_padding 0, but for heavy
   * padding), and the next size where there is a choice (output_padding 1).
   */
  plain: Grid;
  padded: Grid | null;
  /** The sizes the text lists (squares when rows and columns agree, else every combination), with their output_padding. */
  pairs: { size: Dims; outputPadding: Dims }[];
  /** output_padding of the smallest size and of the next one. */
  lo: Dims;
  hi: Dims;
  /** Rows and columns the next size adds (0 or 1 each). */
  added: Dims;
  /** A copy of the kernel reaches the added row or column (all-ones y and kernel through the core). */
  reached: boolean;
  /** The added cells' values in this figure, row then column. */
  addedValues: number[];
  text: string[];
}

const ones = (n: number) => new Float32Array(n).fill(1);
const tensor = ([h, w]: Dims, data: Float32Array): Tensor => ({ shape: [1, 1, h, w], data });
const toGrid = (t: Tensor): Grid => ({ rows: t.shape[2], cols: t.shape[3], values: t.data });

/** The cells of the last row (when added[0]) and last column (when added[1]) of a grid, without repeats. */
export function addedCells(g: { rows: number; cols: number }, added: Dims): number[] {
  const cells = new Set<number>();
  if (added[0]) for (let c = 0; c < g.cols; c++) cells.add((g.rows - 1) * g.cols + c);
  if (added[1]) for (let r = 0; r < g.rows; r++) cells.add(r * g.cols + g.cols - 1);
  return [...cells].sort((a, b) => a - b);
}

interface Geometry {
  kernel: Dims;
  stride: Dims;
  padding: Dims;
  dilation: Dims;
}

/**
 * Per dimension, the input sizes conv2d maps to `out`, each with the output_padding that gives it back: the
 * core's transposed size for every output_padding it accepts, kept when conv2d maps it back to `out`.
 */
function sizeOptions(tc: Tconv, out: Dims, g: Geometry, outputPadding: Dims): [SizeOption[], SizeOption[]] {
  const options: [SizeOption[], SizeOption[]] = [[], []];
  const conv = { stride: g.stride, padding: g.padding, dilation: g.dilation };
  for (const d of [0, 1] as const) {
    // output_padding must stay below the stride or the dilation (the core checks it); it picks a size
    // conv2d maps back to the output only below the stride, which the round trip decides.
    for (let op = 0; op < Math.max(g.stride[d], g.dilation[d]); op++) {
      const pair: Dims = d === 0 ? [op, outputPadding[1]] : [outputPadding[0], op];
      let size: Dims;
      try {
        size = tc.convTranspose2dOutputSize(out, g.kernel, { ...conv, outputPadding: pair });
      } catch {
        continue; // heavy padding: this output_padding leaves no row at all
      }
      const back = tc.conv2dOutputSize(size, g.kernel, conv);
      if (back[d] === out[d]) options[d].push({ size: size[d], outputPadding: op });
    }
  }
  return options;
}

export function sizeChoice(tc: Tconv, m: ExplainerModel): SizeChoice {
  const { kernel, stride, padding, dilation, outputPadding, input } = m.config;
  const out = m.outputSize;
  const options = sizeOptions(tc, out, { kernel, stride, padding, dilation }, outputPadding);
  // The two smallest sizes: the output_padding of each, and what the second adds.
  const lo: Dims = [options[0][0].outputPadding, options[1][0].outputPadding];
  const hi: Dims = [options[0][1]?.outputPadding ?? lo[0], options[1][1]?.outputPadding ?? lo[1]];
  const added: Dims = [hi[0] - lo[0], hi[1] - lo[1]];
  const yT = tensor(out, m.y.values);
  const weights = tensor(kernel, m.kt.values);
  const run = (op: Dims) => toGrid(tc.convTranspose2d(yT, weights, { stride, padding, dilation, outputPadding: op }));
  const plain = run(lo);
  let padded: Grid | null = null;
  let reached = false;
  let addedValues: number[] = [];
  if (added[0] || added[1]) {
    padded = run(hi);
    const reach = toGrid(
      tc.convTranspose2d(tensor(out, ones(out[0] * out[1])), tensor(kernel, ones(kernel[0] * kernel[1])), {
        stride,
        padding,
        dilation,
        outputPadding: hi,
      }),
    );
    const cells = addedCells(padded, added);
    reached = cells.some((c) => reach.values[c] !== 0);
    addedValues = cells.map((c) => padded!.values[c]);
  }

  const text: string[] = [];
  const [rows, cols] = options;
  const symmetric = rows.length === cols.length && rows.every((o, i) => o.size === cols[i].size);
  const pairs = (symmetric ? rows.map((r, i) => [r, cols[i]]) : rows.flatMap((r) => cols.map((c) => [r, c]))).map(
    ([r, c]) => ({ size: [r.size, c.size] as Dims, outputPadding: [r.outputPadding, c.outputPadding] as Dims }),
  );
  const setup = `kernel ${pairText(kernel)}, stride ${pairText(stride)}, padding ${pairText(padding)}${
    dilation[0] > 1 || dilation[1] > 1 ? `, dilation ${pairText(dilation)}` : ''
  }`;
  /** "1 row", "5 or 6 rows", "8, 9 or 10 columns". */
  const orList = (o: SizeOption[], noun: string) => {
    const n = o.map((s) => String(s.size));
    const text = n.length < 2 ? n[0] : `${n.slice(0, -1).join(', ')} or ${n[n.length - 1]}`;
    return `${text} ${o.length === 1 && o[0].size === 1 ? noun : `${noun}s`}`;
  };
  if (rows.length === 1 && cols.length === 1) {
    text.push(
      `With ${setup}, only a ${rows[0].size}×${cols[0].size} input gives a ${dims(out)} output, ` +
        `so the transposed convolution’s size is fixed: output_padding has nothing to choose.`,
    );
    // What a stride would change: the same kernel at stride 2, and the sizes it maps to this output.
    const two =
      stride[0] === 1 && stride[1] === 1
        ? sizeOptions(tc, out, { kernel, stride: [2, 2], padding, dilation }, [0, 0])
        : null;
    if (two && two[0].length === 2 && two[1].length === 2 && two[0].every((o, i) => o.size === two[1][i].size)) {
      text.push(
        `At stride 2, conv2d would map both ${two[0].map((o) => `${o.size}×${o.size}`).join(' and ')} inputs ` +
          `to ${dims(out)}, and output_padding (0 or 1) would pick which one comes back.`,
      );
    }
  } else {
    const sizes = symmetric
      ? `${rows.length === 2 ? 'both ' : ''}${list(rows.map((o) => `${o.size}×${o.size}`))} inputs`
      : `any input of ${orList(rows, 'row')} and ${orList(cols, 'column')}`;
    text.push(
      `With ${setup}, conv2d maps ${sizes} to ${dims(out)}: the size formula rounds down, and the remainder is lost.`,
    );
    const picks = (o: SizeOption[]) => list(o.map((s) => `${s.outputPadding} gives ${s.size}`));
    text.push(
      `conv_transpose2d cannot tell which one came in, so output_padding picks: ` +
        (symmetric
          ? list(rows.map((s) => `${s.outputPadding} gives ${s.size}×${s.size}`))
          : `${rows.length > 1 ? `rows: ${picks(rows)}` : ''}${rows.length > 1 && cols.length > 1 ? '; ' : ''}${
              cols.length > 1 ? `columns: ${picks(cols)}` : ''
            }`) +
        '.',
    );
  }
  const here = m.transposedSize;
  const known = rows.some((o) => o.size === here[0]) && cols.some((o) => o.size === here[1]);
  text.push(
    `This figure has output_padding ${pairText(outputPadding)}: H′×W′ = ${dims(here)}` +
      (sameDims(here, input) ? ', x’s own size.' : `, not x’s ${dims(input)}.`) +
      (known
        ? ''
        : ` conv2d would map ${dims(here)} to ${dims(tc.conv2dOutputSize(here, kernel, { stride, padding, dilation }))}, not ${dims(out)}: ` +
          `output_padding picks among the sizes only below the stride.`),
  );
  if (padded) {
    const what = added[0] && added[1] ? 'row and column' : added[0] ? 'row' : 'column';
    const them = added[0] && added[1] ? 'them' : 'it';
    const allZero = addedValues.every((v) => v === 0);
    text.push(
      `The ${what} that output_padding ${
        lo[0] === 0 && lo[1] === 0 && hi[0] <= 1 && hi[1] <= 1 ? '1' : `${pairText(hi)} (over ${pairText(lo)})`
      } adds ` +
        (!reached
          ? `${added[0] && added[1] ? 'hold' : 'holds'} zeros: no copy of the kernel reaches ${them}.`
          : allZero
            ? `${added[0] && added[1] ? 'are' : 'is'} reached by copies of the kernel, but ${
                added[0] && added[1] ? 'hold' : 'holds'
              } zeros with this y.`
            : `${added[0] && added[1] ? 'hold' : 'holds'} values (${numbers(addedValues)}): ` +
              `padding ${pairText(padding)} had cropped ${them}.`),
    );
  }
  return { options, pairs, lo, hi, plain, padded, added, reached, addedValues, text };
}

// ---- chapter 7: why the kernel flips ----

export function flipText(m: ExplainerModel): string[] {
  const [kh, kw] = m.config.kernel;
  const n = kh * kw;
  const first = weightName(0);
  const last = weightName(n - 1);
  const axes = kh > 1 && kw > 1 ? 'in both axes' : kh > 1 ? 'top to bottom' : 'left to right';
  const why =
    n === 1
      ? [`With a ${kh}×${kw} kernel there is nothing to flip: k̃ = k.`]
      : [
          `Why flip? The scatter lays ${first} at the top-left of each copy of the kernel and ${last} at its bottom-right.`,
          `Read from an output cell, the copies arrive the other way round: the copy from the y value above and left of ` +
            `it meets it with a weight towards ${last}, the copy from below and right with one towards ${first} — ` +
            `the weights in reverse order.`,
          `So a sliding window that computes the same sums holds k̃, k flipped ${axes} (${last} … ${first}): ` +
            `PyTorch’s conv2d is a cross-correlation, which slides the kernel as it is, unflipped.`,
        ];
  return [
    ...why,
    `In conv_arithmetic’s animations (Dumoulin and Visin) blue is the zero-inserted input and cyan the output. ` +
      `This page colours cells by value instead: their blue grid is our “Zero-inserted y” (dotted cells are the ` +
      `inserted zeros, hatched ones the padding: their white squares), their cyan grid is our output ` +
      `“Zero-inserted y ⊛ k̃”, and their moving shadow is our ring around the current window.`,
  ];
}

// ---- the operation's names ----

export interface Name {
  term: string;
  text: string;
  /** Where the page shows it: the transpose in chapter 5, the Cᵀ ≠ C⁻¹ demo in chapter 6, zero insertion in chapter 7, the gradient in chapter 9. */
  chapter: number;
}

export function names(m: ExplainerModel): Name[] {
  const s = m.config.stride;
  const spread =
    s[0] > 1 || s[1] > 1
      ? `zero insertion (chapter 7) slides a stride-1 window over y’s values spread ${pairText(s)} apart: ` +
        `a stride of 1/${pairText(s)} in y’s units.`
      : `zero insertion (chapter 7) spreads y’s values stride apart, a stride of 1/stride in y’s units ` +
        `(with this figure’s stride 1, nothing is spread).`;
  return [
    { term: 'Transposed convolution', text: 'the matrix is Cᵀ, C turned over its diagonal.', chapter: 5 },
    {
      term: 'Deconvolution',
      text: 'a misnomer: it does not undo a convolution. Cᵀ is not C⁻¹, as the demo in chapter 6 shows.',
      chapter: 6,
    },
    { term: 'Fractionally-strided convolution', text: spread, chapter: 7 },
    { term: 'Up-convolution', text: 'U-Net’s name, for a layer that up-samples.', chapter: 6 },
    {
      term: 'Backward convolution',
      text: 'it is the gradient of conv2d with respect to its input, as chapter 9 shows.',
      chapter: 9,
    },
  ];
}
