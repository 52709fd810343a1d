// The explainer's chapters and their frames. A frame says which cells are in
// focus and what a screen reader hears; each chapter's component draws frame
// i as "the first i steps done". Numbers in the narration are the model's.

import type { CellRef, ExplainerModel, GridId } from './model-types.js';
import { transposedIndex } from './relations.js';

export type ChapterId = 'slide' | 'build' | 'flatten' | 'multiply' | 'transpose' | 'transposed' | 'zeros' | 'overlap';

export interface Frame {
  /** One or two sentences for the live region. */
  narration: string;
  /** Cells in focus in this frame. */
  active: CellRef[];
}

export interface Chapter {
  id: ChapterId;
  number: number;
  title: string;
  /** What the chapter shows, in a sentence. */
  summary: string;
  frames: Frame[];
}

export function formatNumber(v: number): string {
  const rounded = Math.round(v * 100) / 100;
  const text = Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(2).replace(/0+$/, '');
  return text.replace('-', '−');
}

const refs = (grid: GridId, indices: Iterable<number>): CellRef[] =>
  Array.from(indices, (i) => `${grid}:${i}` as CellRef);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const position = (i: number, cols: number) => `(${Math.floor(i / cols)}, ${i % cols})`;

/** "1·4 + 4·5 + … = 122" from weights and the values under them; the total is the core's. */
function sumText(weights: number[], inputs: number[], total: number): string {
  const terms = weights.map((w, i) => `${formatNumber(w)}·${formatNumber(inputs[i])}`);
  const shown = terms.length > 9 ? [...terms.slice(0, 8), '…'] : terms;
  return `${shown.join(' + ')} = ${formatNumber(total)}`;
}

function slide(m: ExplainerModel): Chapter {
  const { out, xpad, windows, k } = m;
  const n = out.values.length;
  const frames: Frame[] = [
    {
      narration: `The ${k.rows}×${k.cols} kernel will slide over the ${m.x.rows}×${m.x.cols} input${
        m.config.padding[0] || m.config.padding[1] ? ' and its zero padding' : ''
      } with stride ${m.config.stride.join('×')}: ${n} positions, one output each.`,
      active: refs('k', range(k.values.length)),
    },
  ];
  for (let r = 0; r < n; r++) {
    const inputs = windows[r].map((p) => xpad.values[p]);
    frames.push({
      narration: `Output ${position(r, out.cols)}: ${sumText(Array.from(k.values), inputs, out.values[r])}. Many inputs, one output.`,
      active: [...refs('xpad', windows[r]), ...refs('k', range(k.values.length)), `out:${r}`],
    });
  }
  return {
    id: 'slide',
    number: 1,
    title: 'Convolution, sliding window',
    summary: 'Each output is the sum of the kernel times the inputs under it: many-to-one.',
    frames,
  };
}

function nonzeroColumns(values: Int32Array, row: number, cols: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < cols; c++) if (values[row * cols + c] >= 0) out.push(c);
  return out;
}

function build(m: ExplainerModel): Chapter {
  const { C, out } = m;
  const frames: Frame[] = [
    {
      narration: `C has one row per output pixel (${C.rows}) and one column per input pixel (${C.cols}): ${C.rows}×${C.cols}.`,
      active: [],
    },
  ];
  for (let r = 0; r < C.rows; r++) {
    const cols = nonzeroColumns(C.source, r, C.cols);
    frames.push({
      narration: `Row ${r} of C is the kernel placed at output ${position(r, out.cols)}: ${cols.length} weights land in the columns of the inputs under it, zeros fill the other ${C.cols - cols.length}.`,
      active: [
        ...refs(
          'C',
          cols.map((c) => r * C.cols + c),
        ),
        ...refs(
          'k',
          cols.map((c) => C.source[r * C.cols + c]),
        ),
        `out:${r}`,
      ],
    });
  }
  return {
    id: 'build',
    number: 2,
    title: 'Building C',
    summary: 'The kernel’s weights are rearranged into the rows of the convolution matrix C.',
    frames,
  };
}

function flatten(m: ExplainerModel): Chapter {
  const { x } = m;
  const frames: Frame[] = [
    { narration: `vec(x) stacks the ${x.rows} rows of x into one column of ${x.values.length} numbers.`, active: [] },
  ];
  for (let r = 0; r < x.rows; r++) {
    const cells = range(x.cols).map((c) => r * x.cols + c);
    frames.push({
      narration: `Row ${r} of x becomes entries ${r * x.cols} to ${r * x.cols + x.cols - 1} of vec(x).`,
      active: [...refs('x', cells), ...refs('vecx', cells)],
    });
  }
  return {
    id: 'flatten',
    number: 3,
    title: 'Flattening',
    summary: 'The input grid becomes the column vector vec(x).',
    frames,
  };
}

function multiply(m: ExplainerModel): Chapter {
  const { C, out, x } = m;
  const frames: Frame[] = [
    { narration: `C·vec(x): each row of C meets vec(x); the ${C.rows} sums are the ${C.rows} outputs.`, active: [] },
  ];
  for (let r = 0; r < C.rows; r++) {
    const cols = nonzeroColumns(C.source, r, C.cols);
    const weights = cols.map((c) => C.values[r * C.cols + c]);
    const inputs = cols.map((c) => x.values[c]);
    frames.push({
      narration: `Row ${r} · vec(x) = ${sumText(weights, inputs, out.values[r])}, the same as output ${position(r, out.cols)} of the sliding window.`,
      active: [
        ...refs(
          'C',
          cols.map((c) => r * C.cols + c),
        ),
        ...refs('vecx', cols),
        `Cx:${r}`,
      ],
    });
  }
  frames.push({
    narration: `The ${C.rows} results fold back into the ${out.rows}×${out.cols} output grid: conv2d, as a matrix product.`,
    active: [...refs('Cx', range(C.rows)), ...refs('out', range(out.values.length))],
  });
  return {
    id: 'multiply',
    number: 4,
    title: 'C·vec(x)',
    summary: 'One matrix product computes every output at once.',
    frames,
  };
}

function transpose(m: ExplainerModel): Chapter {
  const { Ct } = m;
  const independent = m.values.kt !== null;
  return {
    id: 'transpose',
    number: 5,
    title: 'Transposing',
    summary: 'Cᵀ swaps rows and columns: it maps outputs back to inputs, one-to-many.',
    frames: [
      {
        narration: independent
          ? `A matrix with C’s layout but independent weights is ${Ct.rows}×${Ct.cols}: it takes ${Ct.cols} numbers to ${Ct.rows}.`
          : `C is ${Ct.rows}×${Ct.cols}: it takes ${Ct.cols} numbers to ${Ct.rows}.`,
        active: [],
      },
      {
        narration: 'Row i of C becomes column i of Cᵀ.',
        active: refs(
          'Ct',
          range(Ct.cols).map((c) => transposedIndex(Ct, 0, c)),
        ),
      },
      {
        narration: `Cᵀ is ${Ct.cols}×${Ct.rows}: it takes ${Ct.rows} numbers to ${Ct.cols}.${
          independent ? ' Its weights here are independent of C’s: only the layout is transposed.' : ''
        }`,
        active: [],
      },
    ],
  };
}

function transposed(m: ExplainerModel): Chapter {
  const { Ct, y, tout } = m;
  const frames: Frame[] = [
    {
      narration: `y is ${y.rows}×${y.cols}; vec(y) stacks it into ${y.values.length} numbers.`,
      active: refs('y', range(y.values.length)),
    },
  ];
  for (let r = 0; r < Ct.rows; r++) {
    const painted = nonzeroColumns(Ct.source, r, Ct.cols);
    frames.push({
      narration: `y${position(r, y.cols)} = ${formatNumber(y.values[r])} paints ${painted.length} outputs through column ${r} of Cᵀ: one-to-many.`,
      active: [
        `y:${r}`,
        `vecy:${r}`,
        ...refs(
          'Ct',
          painted.map((c) => transposedIndex(Ct, r, c)),
        ),
        ...refs('tout', painted),
      ],
    });
  }
  frames.push({
    narration: `Cᵀ·vec(y) unfolds into the ${tout.rows}×${tout.cols} output: conv_transpose2d up-samples ${y.rows}×${y.cols} to ${tout.rows}×${tout.cols}.`,
    active: refs('tout', range(tout.values.length)),
  });
  return {
    id: 'transposed',
    number: 6,
    title: 'Cᵀ·vec(y)',
    summary: 'Each input value scatters a weighted copy of the kernel; overlapping copies add up.',
    frames,
  };
}

function zeros(m: ExplainerModel): Chapter {
  const z = m.zeroInsertion;
  const [ih, iw] = z.inserted;
  const [bh, bw] = z.border;
  const frames: Frame[] = [
    {
      narration: `The same result without a matrix: start from y (${m.y.rows}×${m.y.cols}).`,
      active: refs('y', range(m.y.values.length)),
    },
    {
      narration: `Insert stride − 1 = ${ih === iw ? ih : `${ih}×${iw}`} zeros between neighbouring inputs.`,
      active: refs(
        'zi',
        range(z.zi.kinds.length).filter((p) => z.zi.kinds[p] === 'inserted'),
      ),
    },
    {
      narration: `Pad dilation·(k − 1) − padding = ${bh === bw ? bh : `${bh}×${bw}`} around${bh < 0 || bw < 0 ? ' (negative: crop)' : ''}${
        m.config.outputPadding[0] || m.config.outputPadding[1] ? ', plus output_padding at the bottom and right' : ''
      }, and flip the kernel in both axes.`,
      active: [
        ...refs(
          'zi',
          range(z.zi.kinds.length).filter((p) => z.zi.kinds[p] === 'pad'),
        ),
        ...refs('kflip', range(m.k.values.length)),
      ],
    },
  ];
  for (let o = 0; o < z.windows.length; o++) {
    const zerosHere = z.windows[o].filter((p) => z.zi.kinds[p] !== 'data').length;
    frames.push({
      narration: `Output ${position(o, z.out.cols)} = ${formatNumber(z.out.values[o])}: ${zerosHere} of its ${z.windows[o].length} multiplications hit a zero.`,
      active: [...refs('zi', z.windows[o]), `ziout:${o}`],
    });
  }
  frames.push({
    narration: `Cᵀ·vec(y), the direct scatter and zero insertion agree. Zero insertion spent ${z.zeroMultiplications} of its ${z.multiplications} multiplications on zeros.`,
    active: [],
  });
  return {
    id: 'zeros',
    number: 7,
    title: 'Zero insertion',
    summary: 'Insert zeros, pad, and convolve with the flipped kernel: the same output, with wasted work.',
    frames,
  };
}

function overlap(m: ExplainerModel): Chapter {
  const { current, balanced, resize } = m.overlap;
  const k = current.kernel;
  const s = current.stride;
  const even = current.min === current.max;
  const dims = (d: [number, number]) => (d[0] === d[1] ? String(d[0]) : `${d[0]}×${d[1]}`);
  return {
    id: 'overlap',
    number: 8,
    title: 'Overlap and checkerboard',
    summary: 'How many kernel placements cover each output: uneven coverage shows as a checkerboard.',
    frames: [
      {
        narration: `Kernel ${dims(k)}, stride ${dims(s)}: outputs are covered between ${current.min} and ${current.max} times${
          even
            ? ' — evenly'
            : k[0] % s[0] || k[1] % s[1]
              ? ', because the kernel size is not divisible by the stride'
              : ''
        }.`,
        active: [],
      },
      {
        narration: `With kernel ${dims(balanced.kernel)} (a multiple of the stride) the interior is covered ${balanced.max} times everywhere.`,
        active: [],
      },
      {
        narration:
          s[0] === 1 && s[1] === 1
            ? `Resize, then convolve: with stride 1 there is nothing to up-sample, and a stride-1 convolution covers the interior ${resize.max} times everywhere.`
            : `Resize, then convolve: up-sample by ${dims(s)} first, then a stride-1 convolution covers the interior ${resize.max} times everywhere — no checkerboard.`,
        active: [],
      },
    ],
  };
}

export function chapters(model: ExplainerModel): Chapter[] {
  return [slide, build, flatten, multiply, transpose, transposed, zeros, overlap].map((f) => f(model));
}

/** "3.7" ↔ chapter 3, frame 7; a bare "3" is frame 0. Out-of-range values are clamped. */
export function parseStep(text: string | null, all: Chapter[]): { chapter: number; frame: number } | null {
  if (text === null) return null;
  const m = /^(\d{1,2})(?:\.(\d{1,4}))?$/.exec(text.trim());
  if (!m) return null;
  const chapter = Math.min(all.length, Math.max(1, Number(m[1])));
  const frames = all[chapter - 1].frames.length;
  const frame = Math.min(frames - 1, Number(m[2] ?? 0));
  return { chapter, frame };
}

export function formatStep(chapter: number, frame: number): string {
  return frame === 0 ? String(chapter) : `${chapter}.${frame}`;
}
