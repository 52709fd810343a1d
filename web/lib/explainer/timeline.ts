// The explainer's chapters and their frames. A frame says which cells are in
// focus and what a screen reader hears; each chapter's component draws frame
// i as "the first i steps done". Numbers in the narration are the model's,
// and tests/node/explainer/claims.test.ts checks every one of them against
// the definitions. What people read counts from 1 (rows, outputs, entries,
// steps), as the grids' labels do; frame 0 of a chapter is its intro.

import type { Dims } from './config.js';
import type { CellRef, ExplainerModel, GridId } from './model-types.js';
import { overlapSettingsOf } from './overlap-settings.js';
import { balancedSentence, CAVEAT, resizeSentence, transposedSentence } from './overlap-text.js';
import { transposedIndex } from './relations.js';
import { gradientChapter } from './timeline-gradient.js';
import { learnChapter } from './timeline-learn.js';
import {
  agreeText,
  count,
  formatNumber,
  list,
  paramText,
  plural,
  position,
  sizeChange,
  sizeText,
  sumText,
} from './text.js';

export { formatNumber };

export type ChapterId =
  'slide' | 'build' | 'flatten' | 'multiply' | 'transpose' | 'transposed' | 'zeros' | 'overlap' | 'gradient' | 'learn';

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

const refs = (grid: GridId, indices: Iterable<number>): CellRef[] =>
  Array.from(indices, (i) => `${grid}:${i}` as CellRef);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const isOne = (d: Dims) => d[0] === 1 && d[1] === 1;

function slide(m: ExplainerModel): Chapter {
  const { out, xpad, windows, k } = m;
  const n = out.values.length;
  const { stride, dilation, padding } = m.config;
  const frames: Frame[] = [
    {
      narration: `The ${sizeText([k.rows, k.cols])} kernel will slide over the ${sizeText([m.x.rows, m.x.cols])} input${
        padding[0] || padding[1] ? ' and its zero padding' : ''
      } with stride ${paramText(stride)}${isOne(dilation) ? '' : `, dilation ${paramText(dilation)}`}: ${
        n === 1 ? '1 position, one output' : `${n} positions, one output each`
      }.`,
      active: refs('k', range(k.values.length)),
    },
  ];
  for (let r = 0; r < n; r++) {
    const inputs = windows[r].map((p) => xpad.values[p]);
    frames.push({
      narration: `Output ${position(r, out.cols)}: ${sumText(Array.from(k.values), inputs, out.values[r])}. ${
        k.values.length > 1 ? 'Many inputs, one output.' : 'One input, one output.'
      }`,
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
  const taps = m.k.values.length;
  const frames: Frame[] = [
    {
      narration: `C has one row per output pixel (${C.rows}) and one column per input pixel (${C.cols}): ${C.rows}×${C.cols}.`,
      active: [],
    },
  ];
  for (let r = 0; r < C.rows; r++) {
    const cols = nonzeroColumns(C.source, r, C.cols);
    const at = `output ${position(r, out.cols)}`;
    const w = cols.length;
    const rest = C.cols - w;
    const onPadding = taps - w;
    const narration =
      w === 0
        ? `Row ${r + 1} of C: the kernel at ${at} lies entirely on padding, so no weight lands on the input; the row is all zeros and ${at} is 0.`
        : `Row ${r + 1} of C is the kernel placed at ${at}: ${count(w, 'weight lands', 'weights land')} in the columns of the inputs under it${
            onPadding ? ` (${count(onPadding, 'tap falls', 'taps fall')} on padding)` : ''
          }; ${rest === 0 ? 'no column is left for zeros' : `zeros fill the other ${count(rest, 'column', 'columns')}`}.`;
    frames.push({
      narration,
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
    {
      narration:
        x.rows === 1
          ? `vec(x) reads the single row of x as one column of ${count(x.values.length, 'number', 'numbers')}.`
          : `vec(x) stacks the ${x.rows} rows of x into one column of ${count(x.values.length, 'number', 'numbers')}.`,
      active: [],
    },
  ];
  for (let r = 0; r < x.rows; r++) {
    const cells = range(x.cols).map((c) => r * x.cols + c);
    const first = r * x.cols + 1;
    frames.push({
      narration: `Row ${r + 1} of x becomes ${
        x.cols === 1 ? `entry ${first}` : `entries ${first} to ${first + x.cols - 1}`
      } of vec(x).`,
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
  const { C, out, x, Cx, agreement } = m;
  const same = (r: number) => Math.abs(Cx.values[r] - out.values[r]) <= agreement.tolerance;
  const frames: Frame[] = [
    {
      narration: `C·vec(x): each row of C meets vec(x); ${
        C.rows === 1 ? 'the one sum is the one output' : `the ${C.rows} sums are the ${C.rows} outputs`
      }.`,
      active: [],
    },
  ];
  for (let r = 0; r < C.rows; r++) {
    const cols = nonzeroColumns(C.source, r, C.cols);
    const weights = cols.map((c) => C.values[r * C.cols + c]);
    const inputs = cols.map((c) => x.values[c]);
    const at = `output ${position(r, out.cols)} of the sliding window`;
    const compare = same(r) ? `the same as ${at}` : `but ${at} is ${formatNumber(out.values[r])}`;
    frames.push({
      narration:
        cols.length === 0
          ? `Row ${r + 1} of C has no weights on the input (its kernel lies on padding): row ${r + 1} · vec(x) = ${formatNumber(
              Cx.values[r],
            )}, ${compare}.`
          : `Row ${r + 1} · vec(x) = ${sumText(weights, inputs, Cx.values[r])}, ${compare}.`,
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
    narration: `${C.rows === 1 ? 'The one result folds' : `The ${C.rows} results fold`} back into the ${sizeText([out.rows, out.cols])} output grid: conv2d, as a matrix product; ${agreeText(
      agreement.CxVsOut,
      agreement.tolerance,
      'the product and the sliding window',
    )}.`,
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

/**
 * Why chapter 5's C has the size it has: Cᵀ is built on the transposed
 * convolution's H′×W′ output, and H′ = H − (rows of the padded input after
 * conv2d's last window) + output_padding.
 */
function sizeReason(m: ExplainerModel): string {
  const { input, outputPadding, padding } = m.config;
  const t = m.transposedSize;
  const n = (d: Dims) => d[0] * d[1];
  const outputs = n(m.outputSize);
  const sameSize = t[0] === input[0] && t[1] === input[1];
  if (sameSize) {
    return `Cᵀ is built on the transposed convolution’s output, H′×W′ = ${sizeText(t)}, the input’s size, so this matrix has the size of the ${outputs}×${n(
      input,
    )} C of chapters 2 and 4: it takes ${count(n(t), 'number', 'numbers')} to ${outputs}.`;
  }
  // H′ = H − unread + output_padding, where `unread` rows of the padded input lie past conv2d's last window.
  const unread = [0, 1].map((a) => input[a] - t[a] + outputPadding[a]);
  const where = padding[0] || padding[1] ? 'the padded input' : 'x';
  const lines = list(
    [count(unread[0], 'row', 'rows'), count(unread[1], 'column', 'columns')].filter((_, a) => unread[a] > 0),
  );
  const past = lines
    ? `conv2d’s last window leaves the last ${lines} of ${where} unread`
    : `conv2d’s windows read every row and column of ${where}`;
  // Both sizes convolve to the same output unless output_padding reaches a whole stride (allowed below the dilation).
  const sameOutput = [0, 1].every((a) => outputPadding[a] < m.config.stride[a]);
  return (
    `Cᵀ is built on the transposed convolution’s output, H′×W′ = ${sizeText(t)}, not the input’s ${sizeText(input)}: ` +
    `${past}, so H′ = H − unread + output_padding = ${input[0]} − ${unread[0]} + ${outputPadding[0]} = ${t[0]} ` +
    `and W′ = ${input[1]} − ${unread[1]} + ${outputPadding[1]} = ${t[1]}` +
    (sameOutput
      ? `; both sizes give the same ${sizeText(m.outputSize)} conv2d output, and output_padding picks which comes back. `
      : '. ') +
    `So this matrix is ${outputs}×${n(t)}, not the ${outputs}×${n(input)} of chapters 2 and 4: it takes ${count(
      n(t),
      'number',
      'numbers',
    )} to ${outputs}.`
  );
}

function transpose(m: ExplainerModel): Chapter {
  const { Ct } = m;
  const independent = m.values.kt !== null;
  return {
    id: 'transpose',
    number: 5,
    title: 'Transposing',
    summary: 'Cᵀ flips C over its diagonal: rows become columns, so it maps outputs back to inputs, one-to-many.',
    frames: [
      {
        narration: `A transpose flips a matrix over its diagonal: rows become columns. ${sizeReason(m)}${
          independent ? ' Its weights here are independent of C’s: only the layout is C’s.' : ''
        }`,
        active: [],
      },
      {
        narration:
          Ct.rows === 1
            ? 'The one row of C becomes the one column of Cᵀ.'
            : `Row 1 of C becomes column 1 of Cᵀ, and so on for all ${Ct.rows} rows.`,
        active: refs(
          'Ct',
          range(Ct.cols).map((c) => transposedIndex(Ct, 0, c)),
        ),
      },
      {
        narration: `Cᵀ is ${Ct.cols}×${Ct.rows}: it takes ${count(Ct.rows, 'number', 'numbers')} to ${Ct.cols}.`,
        active: [],
      },
    ],
  };
}

function transposed(m: ExplainerModel): Chapter {
  const { Ct, y, tout, agreement } = m;
  const frames: Frame[] = [
    {
      narration: `y is ${sizeText([y.rows, y.cols])}; vec(y) stacks it into ${count(y.values.length, 'number', 'numbers')}.`,
      active: refs('y', range(y.values.length)),
    },
  ];
  for (let r = 0; r < Ct.rows; r++) {
    const painted = nonzeroColumns(Ct.source, r, Ct.cols);
    const entry = `y${position(r, y.cols)} = ${formatNumber(y.values[r])}`;
    frames.push({
      narration:
        painted.length === 0
          ? `${entry} reaches no output: column ${r + 1} of Cᵀ has no weights, its kernel copy lies entirely in the border that padding crops.`
          : `${entry} paints ${count(painted.length, 'output', 'outputs')} through column ${r + 1} of Cᵀ: ${
              painted.length === 1 ? 'one-to-one here' : 'one-to-many'
            }.`,
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
    narration: `Cᵀ·vec(y) unfolds into the ${sizeText([tout.rows, tout.cols])} output; ${agreeText(
      agreement.CtyVsTout,
      agreement.tolerance,
      'the matrix product and conv_transpose2d’s scatter',
    )}. conv_transpose2d ${sizeChange([y.rows, y.cols], [tout.rows, tout.cols])}.`,
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

/** "1 zero between neighbouring entries", per dimension when the strides differ. */
function insertedText([ih, iw]: Dims): string {
  if (ih === 0 && iw === 0) return 'With stride 1 there is nothing to insert: stride − 1 = 0.';
  if (ih === iw) return `Insert stride − 1 = ${count(ih, 'zero', 'zeros')} between neighbouring entries of y.`;
  const part = (n: number) => (n === 0 ? 'none' : count(n, 'zero', 'zeros'));
  return `Insert (stride − 1) zeros between neighbouring entries of y: ${part(ih)} between rows, ${part(iw)} between columns.`;
}

function borderText([bh, bw]: Dims): string {
  const crop = (b: number) => (b < 0 ? ` (negative: crop ${-b})` : '');
  if (bh === bw) return `${formatNumber(bh)}${crop(bh)}`;
  const one = (b: number, unit: [string, string]) => `${formatNumber(b)} ${plural(Math.abs(b), ...unit)}${crop(b)}`;
  return `${one(bh, ['row', 'rows'])} and ${one(bw, ['column', 'columns'])}`;
}

function zeros(m: ExplainerModel): Chapter {
  const z = m.zeroInsertion;
  const { agreement } = m;
  const frames: Frame[] = [
    {
      narration: `The same result without a matrix, from y (${sizeText([m.y.rows, m.y.cols])}) and the kernel k.`,
      active: refs('y', range(m.y.values.length)),
    },
    {
      narration: insertedText(z.inserted),
      active: refs(
        'zi',
        range(z.zi.kinds.length).filter((p) => z.zi.kinds[p] === 'inserted'),
      ),
    },
    {
      narration: `Pad dilation·(k − 1) − padding = ${borderText(z.border)} around${
        m.config.outputPadding[0] || m.config.outputPadding[1] ? ', plus output_padding at the bottom and right' : ''
      }. Then flip the kernel in both axes: k → k̃, with w₁ now at the bottom right.`,
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
    const n = z.windows[o].length;
    const hits = z.windows[o].filter((p) => z.zi.kinds[p] !== 'data').length;
    const wasted =
      n === 1
        ? `its one multiplication ${hits ? 'hits a zero' : 'hits no zero'}`
        : hits === 0
          ? `none of its ${n} multiplications hits a zero`
          : hits === n
            ? `all ${n} of its multiplications hit a zero`
            : `${hits} of its ${n} multiplications ${plural(hits, 'hits', 'hit')} a zero`;
    frames.push({
      narration: `Zero-inserted y ⊛ k̃ at output ${position(o, z.out.cols)} = ${formatNumber(z.out.values[o])}: ${wasted}.`,
      active: [...refs('zi', z.windows[o]), `ziout:${o}`],
    });
  }
  const scatter = agreeText(
    agreement.CtyVsTout,
    agreement.tolerance,
    'Cᵀ·vec(y) (the matrix product) and conv_transpose2d (the scatter)',
  );
  const zi = agreeText(agreement.zeroInsertionVsTout, agreement.tolerance, 'zero insertion and the scatter');
  frames.push({
    narration: `${scatter}; ${zi}. Zero insertion spent ${z.zeroMultiplications} of its ${count(
      z.multiplications,
      'multiplication',
      'multiplications',
    )} on zeros.`,
    active: [],
  });
  return {
    id: 'zeros',
    number: 7,
    title: 'Zero insertion',
    summary:
      'Flip the kernel (k → k̃), spread y out with zeros and pad it, then convolve with k̃: the same output, with wasted work.',
    frames,
  };
}

function overlap(m: ExplainerModel): Chapter {
  const o = m.overlap;
  const s = overlapSettingsOf(m.config);
  return {
    id: 'overlap',
    number: 8,
    title: 'Overlap and checkerboard',
    summary: 'How many kernel placements cover each output: uneven coverage shows as a checkerboard.',
    frames: [
      { narration: transposedSentence(o, s), active: [] },
      { narration: `${balancedSentence(o, s)} ${CAVEAT}`, active: [] },
      { narration: resizeSentence(o, s), active: [] },
    ],
  };
}

export function chapters(model: ExplainerModel): Chapter[] {
  return [slide, build, flatten, multiply, transpose, transposed, zeros, overlap, gradientChapter, learnChapter].map(
    (f) => f(model),
  );
}

export interface Step {
  chapter: number;
  frame: number;
  /** Why the step shown is not the one asked for (clamped), or null. */
  notice: string | null;
}

/**
 * "3.7" ↔ chapter 3, frame 7 (its 7th step); a bare "3" is frame 0, the
 * chapter's intro. A step that does not exist moves to the nearest that does,
 * with a notice saying so; null when the text is not a step at all.
 */
export function parseStep(text: string | null, all: Chapter[]): Step | null {
  if (text === null) return null;
  const m = /^(\d{1,2})(?:\.(\d{1,4}))?$/.exec(text.trim());
  if (!m) return null;
  const asked = Number(m[1]);
  const chapter = Math.min(all.length, Math.max(1, asked));
  const last = all[chapter - 1].frames.length - 1;
  const frame = Math.min(last, Number(m[2] ?? 0));
  const shown = formatStep(chapter, frame);
  let notice: string | null = null;
  if (asked > all.length) {
    notice = `Step ${text.trim()} does not exist: there are ${all.length} chapters; showing ${shown}${
      frame === last ? ', the last step' : ''
    }.`;
  } else if (asked < 1) {
    notice = `Step ${text.trim()} does not exist: chapters count from 1; showing ${shown}.`;
  } else if (frame !== Number(m[2] ?? 0)) {
    notice = `Step ${text.trim()} does not exist: chapter ${chapter} has ${count(last, 'step', 'steps')}; showing ${shown}, its last.`;
  }
  return { chapter, frame, notice };
}

export function formatStep(chapter: number, frame: number): string {
  return frame === 0 ? String(chapter) : `${chapter}.${frame}`;
}

/** The player's counter: "intro" on frame 0, then "3 / 6" for the 3rd of the chapter's 6 steps (as in the URL's 5.3). */
export function stepCounter(chapter: Chapter, frame: number): string {
  return frame === 0 ? 'intro' : `${frame} / ${chapter.frames.length - 1}`;
}
