// What each chapter draws at each frame, and how a step animates. DOM-free.
//
// This file only rearranges the model's data: it picks grids, lays vectors
// out as columns, writes Cᵀ as the transpose of the model's forward matrix
// (an index shuffle), and decides which cells are shown, hidden or faded.
// It does no arithmetic on the values; every number is the model's.

import type { CellKind, ExplainerModel, Grid, GridId, MatrixGrid } from '../../lib/explainer/model-types.js';
import { transposedIndex } from '../../lib/explainer/relations.js';
import type { ChapterId } from '../../lib/explainer/timeline.js';

/** Grid ids drawn by the element: the model's, plus C's forward layout in chapter 5 (indices map onto Cᵀ's). */
export type ViewGridId = GridId | 'Cfwd';

export type CellSize = 'normal' | 'small' | 'compact';
/** Heat maps use smaller cells than their size alone would pick (three of them share a row). */
const heat = (rows: number): CellSize => (rows > 20 ? 'compact' : 'small');

export interface GridSpec {
  type: 'grid';
  id: ViewGridId;
  label: string;
  rows: number;
  cols: number;
  values: Float32Array;
  kinds?: CellKind[];
  /** Cells with index ≥ revealed are not yet computed. */
  revealed?: number;
  /** Further cells not yet computed. */
  hidden?: Set<number>;
  faded?: Set<number>;
  subscripts?: string[];
  /** Accessible description per cell (structural zeros). */
  cellText?: (index: number) => string;
  /** Fixed colour scale (max |value|) so colours do not shift while a result fills in. */
  scale?: number;
  size: CellSize;
  /** A short line under the grid. */
  note?: string;
}

export interface OpSpec {
  type: 'op';
  text: string;
  /** Spoken name of the operator. */
  label: string;
}

export type Item = GridSpec | OpSpec;

export interface RowSpec {
  items: Item[];
  /** A heading above the row. */
  title?: string;
}

export interface ViewSpec {
  rows: RowSpec[];
}

/** A cell of a grid drawn by the element. */
export interface CellPos {
  grid: ViewGridId;
  index: number;
}

/**
 * One moving part of a step: a chip that flies from one cell to another
 * ('fly' carries the source's value, 'merge' is a small token that several
 * sources send to one target), or a 'fade' that uncovers the target. Times
 * are fractions of the step's duration.
 */
export interface Flight {
  mode: 'fly' | 'merge' | 'fade';
  from?: CellPos;
  to: CellPos;
  start: number;
  end: number;
  /** Keep the target drawn as not computed until the chip lands. */
  hideTarget: boolean;
}

const SUB = '₀₁₂₃₄₅₆₇₈₉';
export const subscript = (n: number) => String(n).replace(/\d/g, (d) => SUB[Number(d)]);
/** Kernel weight t (row-major, 0-based) is written w₁, w₂, … */
export const weightName = (t: number) => `w${subscript(t + 1)}`;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const dims = (r: number, c: number) => (r === c ? String(r) : `${r}×${c}`);

export function cellSize(rows: number, cols: number): CellSize {
  const n = rows * cols;
  if (cols > 24 || rows > 20 || n > 640) return 'compact';
  if (cols > 9 || rows > 9 || n > 64) return 'small';
  return 'normal';
}

function grid(id: ViewGridId, label: string, g: Grid, extra: Partial<GridSpec> = {}): GridSpec {
  return {
    type: 'grid',
    id,
    label,
    rows: g.rows,
    cols: g.cols,
    values: g.values,
    size: cellSize(g.rows, g.cols),
    ...extra,
  };
}

/** A vector drawn as a column. */
function column(id: ViewGridId, label: string, values: Float32Array, extra: Partial<GridSpec> = {}): GridSpec {
  return grid(id, label, { rows: values.length, cols: 1, values }, extra);
}

const op = (text: string, label: string): OpSpec => ({ type: 'op', text, label });

// ---- data the chapters share, cached per model ----

interface Derived {
  kernelSubs: string[];
  CSubs: string[];
  CZeros: Set<number>;
  /** Cᵀ as drawn: (H'·W') × (Hout·Wout). */
  Ct: MatrixGrid;
  CtSubs: string[];
  CtZeros: Set<number>;
  CfwdSubs: string[];
  CfwdZeros: Set<number>;
  kflipSubs: string[];
  /** Accessible text of matrix entries ('structural zero'), one function per matrix so grids are not repainted. */
  CText: (i: number) => string;
  CtText: (i: number) => string;
  CfwdText: (i: number) => string;
  /** Whether chapter 5's forward matrix is exactly C (shared weights, same size). */
  sameAsC: boolean;
  /** For each entry r of y, the outputs it paints (columns of the forward matrix with a weight). */
  painted: number[][];
  /** Largest |value| of the transposed output, for a steady colour scale while it fills in. */
  toutScale: number;
  /** Per output window of zero insertion, whether each multiplication hits a zero. */
  zeroTaps: boolean[][];
  ziData: Set<number>;
  ziInserted: Set<number>;
  ziPad: Set<number>;
  /** Where y's entry i sits in the zero-inserted grid. */
  ziOf: number[];
}

const cache = new WeakMap<ExplainerModel, Derived>();

const zeroText = (zeros: Set<number>) => (i: number) => (zeros.has(i) ? 'structural zero' : '');

function sourceSubs(source: Int32Array): string[] {
  return Array.from(source, (t) => (t < 0 ? '' : weightName(t)));
}

function zerosOf(source: Int32Array): Set<number> {
  const out = new Set<number>();
  source.forEach((t, i) => {
    if (t < 0) out.add(i);
  });
  return out;
}

/** Cᵀ laid out from the forward matrix m: entry (c, r) of Cᵀ is entry (r, c) of m. */
export function transposeLayout(m: MatrixGrid): MatrixGrid {
  const values = new Float32Array(m.values.length);
  const source = new Int32Array(m.source.length);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) {
      values[transposedIndex(m, r, c)] = m.values[r * m.cols + c];
      source[transposedIndex(m, r, c)] = m.source[r * m.cols + c];
    }
  }
  return { rows: m.cols, cols: m.rows, values, source };
}

/** The forward-layout index of Cᵀ's drawn entry i, and back. */
export function forwardOfTransposed(m: MatrixGrid, i: number): number {
  const c = Math.floor(i / m.rows);
  const r = i % m.rows;
  return r * m.cols + c;
}
export function transposedOfForward(m: MatrixGrid, i: number): number {
  return transposedIndex(m, Math.floor(i / m.cols), i % m.cols);
}

export function derived(m: ExplainerModel): Derived {
  let d = cache.get(m);
  if (d) return d;
  const Ct = transposeLayout(m.Ct);
  const painted = range(m.Ct.rows).map((r) => range(m.Ct.cols).filter((c) => m.Ct.source[r * m.Ct.cols + c] >= 0));
  const z = m.zeroInsertion;
  const kindSet = (kind: CellKind) => new Set(range(z.zi.kinds.length).filter((p) => z.zi.kinds[p] === kind));
  const ziOf = new Array<number>(m.y.values.length).fill(-1);
  z.zi.dataIndex.forEach((i, p) => {
    if (i >= 0) ziOf[i] = p;
  });
  const kernelSubs = range(m.k.values.length).map(weightName);
  const CZeros = zerosOf(m.C.source);
  const CtZeros = zerosOf(Ct.source);
  const CfwdZeros = zerosOf(m.Ct.source);
  d = {
    kernelSubs,
    CSubs: sourceSubs(m.C.source),
    CZeros,
    Ct,
    CtSubs: sourceSubs(Ct.source),
    CtZeros,
    CfwdSubs: sourceSubs(m.Ct.source),
    CfwdZeros,
    kflipSubs: kernelSubs.slice().reverse(),
    CText: zeroText(CZeros),
    CtText: zeroText(CtZeros),
    CfwdText: zeroText(CfwdZeros),
    sameAsC:
      m.values.kt === null &&
      m.Ct.rows === m.C.rows &&
      m.Ct.cols === m.C.cols &&
      m.Ct.source.every((t, i) => t === m.C.source[i]),
    painted,
    toutScale: Math.max(1, m.toutMaxAbs),
    zeroTaps: z.windows.map((taps) => taps.map((p) => z.zi.kinds[p] !== 'data')),
    ziData: kindSet('data'),
    ziInserted: kindSet('inserted'),
    ziPad: kindSet('pad'),
    ziOf,
  };
  cache.set(m, d);
  return d;
}

// ---- the chapters' views ----

function hasPadding(m: ExplainerModel): boolean {
  return m.config.padding[0] > 0 || m.config.padding[1] > 0;
}

function kernelGrid(m: ExplainerModel, extra: Partial<GridSpec> = {}): GridSpec {
  return grid('k', 'Kernel k', m.k, { subscripts: derived(m).kernelSubs, ...extra });
}

function ktGrid(m: ExplainerModel, extra: Partial<GridSpec> = {}): GridSpec {
  const independent = m.values.kt !== null;
  return grid('kt', independent ? 'Kernel of Cᵀ (independent)' : 'Kernel k', m.kt, {
    subscripts: derived(m).kernelSubs,
    ...extra,
  });
}

function matrixC(m: ExplainerModel, extra: Partial<GridSpec> = {}): GridSpec {
  const d = derived(m);
  return grid('C', 'Convolution matrix C', m.C, {
    subscripts: d.CSubs,
    faded: d.CZeros,
    cellText: d.CText,
    ...extra,
  });
}

function matrixCt(m: ExplainerModel, extra: Partial<GridSpec> = {}): GridSpec {
  const d = derived(m);
  return grid('Ct', 'Cᵀ', d.Ct, { subscripts: d.CtSubs, faded: d.CtZeros, cellText: d.CtText, ...extra });
}

/** Outputs painted by y's first i entries. */
function paintedBy(m: ExplainerModel, i: number): Set<number> {
  const d = derived(m);
  const out = new Set<number>();
  for (let r = 0; r < i; r++) for (const c of d.painted[r]) out.add(c);
  return out;
}

function complement(n: number, keep: Set<number>): Set<number> {
  return new Set(range(n).filter((i) => !keep.has(i)));
}

function slideView(m: ExplainerModel, frame: number): ViewSpec {
  const padded = hasPadding(m);
  return {
    rows: [
      {
        items: [
          grid('xpad', padded ? 'Padded input' : 'Input x', m.xpad, { kinds: m.xpad.kinds }),
          op('⊛', 'convolved with'),
          kernelGrid(m),
          op('=', 'gives'),
          grid('out', 'Output', m.out, { revealed: frame }),
        ],
      },
    ],
  };
}

function buildView(m: ExplainerModel, frame: number): ViewSpec {
  return {
    rows: [
      {
        items: [kernelGrid(m), grid('x', 'Input x', m.x), grid('out', 'Output', m.out)],
      },
      { items: [matrixC(m, { revealed: frame * m.C.cols })] },
    ],
  };
}

function flattenView(m: ExplainerModel, frame: number): ViewSpec {
  return {
    rows: [
      {
        items: [
          grid('x', 'Input x', m.x),
          op('→', 'flattened row by row into'),
          column('vecx', 'vec(x)', m.x.values, { revealed: frame * m.x.cols }),
        ],
      },
    ],
  };
}

function multiplyView(m: ExplainerModel, frame: number): ViewSpec {
  const rows = m.C.rows;
  return {
    rows: [
      {
        items: [
          matrixC(m),
          op('·', 'times'),
          column('vecx', 'vec(x)', m.x.values),
          op('=', 'equals'),
          column('Cx', 'C·vec(x)', m.out.values, { revealed: Math.min(frame, rows) }),
          op('→', 'folded into'),
          grid('out', 'Output', m.out, { revealed: frame > rows ? undefined : 0 }),
        ],
      },
    ],
  };
}

function transposeView(m: ExplainerModel, frame: number): ViewSpec {
  const d = derived(m);
  const n = d.Ct.values.length;
  let hidden: Set<number> | undefined;
  if (frame === 0) hidden = new Set(range(n));
  else if (frame === 1) hidden = complement(n, new Set(range(d.Ct.rows).map((c) => transposedIndex(m.Ct, 0, c))));
  return {
    rows: [
      {
        items: [
          grid('Cfwd', d.sameAsC ? 'Convolution matrix C' : `C of kt on a ${dims(...m.transposedSize)} input`, m.Ct, {
            subscripts: d.CfwdSubs,
            faded: d.CfwdZeros,
            cellText: d.CfwdText,
          }),
          op('→', 'transposed into'),
          matrixCt(m, { hidden }),
        ],
      },
    ],
  };
}

function transposedView(m: ExplainerModel, frame: number): ViewSpec {
  const d = derived(m);
  const n = m.y.values.length;
  const i = Math.min(frame, n);
  const partial = m.toutPartial[i];
  const notPainted = complement(m.tout.values.length, paintedBy(m, i));
  return {
    rows: [
      {
        items: [grid('y', 'y', m.y), ktGrid(m, { note: 'the weights of Cᵀ' })],
      },
      {
        items: [
          matrixCt(m),
          op('·', 'times'),
          column('vecy', 'vec(y)', m.y.values),
          op('=', 'equals'),
          column('Cty', 'Cᵀ·vec(y)', partial.values, { hidden: notPainted, scale: d.toutScale }),
          op('→', 'unfolded into'),
          grid('tout', 'Transposed output', partial, { hidden: notPainted, scale: d.toutScale }),
        ],
      },
    ],
  };
}

/** Frames of chapter 7 before the sliding windows: y placed, zeros inserted, border padded. */
const ZERO_SETUP = 3;

function zerosView(m: ExplainerModel, frame: number): ViewSpec {
  const d = derived(m);
  const z = m.zeroInsertion;
  let hidden: Set<number> | undefined;
  if (frame === 0) hidden = complement(z.zi.kinds.length, d.ziData);
  else if (frame === 1) hidden = d.ziPad;
  const windowsDone = Math.max(0, Math.min(z.windows.length, frame - ZERO_SETUP + 1));
  const tout = { rows: m.tout.rows, cols: m.tout.cols, values: m.tout.values };
  return {
    rows: [
      {
        items: [
          grid('y', 'y', m.y),
          op('→', 'spread out into'),
          grid('zi', 'Zero-inserted y', z.zi, { kinds: z.zi.kinds, hidden }),
          op('⊛', 'convolved with'),
          ktGrid(m),
          op('→', 'flipped into'),
          grid('kflip', 'Flipped kernel', z.kflip, {
            subscripts: d.kflipSubs,
            revealed: frame >= 2 ? undefined : 0,
          }),
        ],
      },
      {
        title: 'Three ways, one result',
        items: [
          grid('Cty', 'Cᵀ·vec(y)', tout, { note: 'matrix product' }),
          op('=', 'equals'),
          grid('tout', 'Transposed output', m.tout, { note: 'scatter (conv_transpose2d)' }),
          op('=', 'equals'),
          grid('ziout', 'Zero insertion', z.out, {
            revealed: windowsDone,
            note: 'flipped kernel over zero-inserted y',
          }),
        ],
      },
    ],
  };
}

function overlapView(m: ExplainerModel, frame: number): ViewSpec {
  const { current, balanced, resize } = m.overlap;
  const k = (v: { kernel: [number, number] }) => dims(...v.kernel);
  const s = dims(...current.stride);
  const range2 = (v: { min: number; max: number }) =>
    v.min === v.max ? `covered ${v.max}× everywhere` : `covered ${v.min} to ${v.max} times`;
  return {
    rows: [
      {
        items: [
          grid('heat', `Kernel ${k(current)}, stride ${s}`, current.counts, {
            note: range2(current),
            size: heat(current.counts.rows),
            scale: m.overlap.maxCount,
          }),
          grid('heatBalanced', `Kernel ${k(balanced)}, stride ${s}`, balanced.counts, {
            revealed: frame >= 1 ? undefined : 0,
            note: frame >= 1 ? range2(balanced) : 'kernel a multiple of the stride',
            size: heat(balanced.counts.rows),
            scale: m.overlap.maxCount,
          }),
          grid('heatResize', `Resize ×${s}, then kernel ${k(current)}`, resize.counts, {
            revealed: frame >= 2 ? undefined : 0,
            note: frame >= 2 ? range2(resize) : 'nearest up-sampling, then stride 1',
            size: heat(resize.counts.rows),
            scale: m.overlap.maxCount,
          }),
        ],
      },
    ],
  };
}

const VIEWS: Record<ChapterId, (m: ExplainerModel, frame: number) => ViewSpec> = {
  slide: slideView,
  build: buildView,
  flatten: flattenView,
  multiply: multiplyView,
  transpose: transposeView,
  transposed: transposedView,
  zeros: zerosView,
  overlap: overlapView,
};

export function view(m: ExplainerModel, chapter: ChapterId, frame: number): ViewSpec {
  return VIEWS[chapter](m, frame);
}

/** Per output of zero insertion, whether each of its multiplications hits a zero; and how many windows are done. */
export function multiplicationStrip(m: ExplainerModel, frame: number): { taps: boolean[][]; done: number } {
  const d = derived(m);
  return {
    taps: d.zeroTaps,
    done: Math.max(0, Math.min(d.zeroTaps.length, frame - ZERO_SETUP + 1)),
  };
}

// ---- how a step animates ----

const at = (grid: ViewGridId, index: number): CellPos => ({ grid, index });

function stagger(n: number, i: number, start: number, end: number, spread = 0.35): [number, number] {
  const len = (end - start) * (1 - spread);
  const s = n <= 1 ? start : start + ((end - start - len) * i) / (n - 1);
  return [s, s + len];
}

/**
 * The moving parts of the step into `frame` (from frame − 1), or of entering
 * the chapter at frame 0 (`enter`).
 */
export function flights(m: ExplainerModel, chapter: ChapterId, frame: number, enter = false): Flight[] {
  const out: Flight[] = [];
  const fly = (from: CellPos, to: CellPos, start: number, end: number, hideTarget = true) =>
    out.push({ mode: 'fly', from, to, start, end, hideTarget });
  const merge = (from: CellPos, to: CellPos, start: number, end: number) =>
    out.push({ mode: 'merge', from, to, start, end, hideTarget: true });
  const fade = (to: CellPos, start = 0.1, end = 0.8) => out.push({ mode: 'fade', to, start, end, hideTarget: false });
  const d = derived(m);
  const nk = m.k.values.length;
  if (enter) {
    if (chapter === 'transposed') {
      for (let i = 0; i < m.y.values.length; i++)
        fly(at('y', i), at('vecy', i), ...stagger(m.y.values.length, i, 0.1, 0.9));
    } else if (chapter === 'zeros') {
      for (let i = 0; i < m.y.values.length; i++) {
        if (d.ziOf[i] >= 0) fly(at('y', i), at('zi', d.ziOf[i]), ...stagger(m.y.values.length, i, 0.1, 0.9));
      }
    }
    return out;
  }
  if (frame <= 0) return out;
  const r = frame - 1;
  switch (chapter) {
    case 'slide': {
      if (r >= m.windows.length) break;
      const w = m.windows[r];
      w.forEach((p, t) => fly(at('k', t), at('xpad', p), 0, 0.42, false));
      w.forEach((p) => merge(at('xpad', p), at('out', r), 0.5, 0.95));
      break;
    }
    case 'build': {
      if (r >= m.C.rows) break;
      const cols = range(m.C.cols).filter((c) => m.C.source[r * m.C.cols + c] >= 0);
      cols.forEach((c, j) =>
        fly(at('k', m.C.source[r * m.C.cols + c]), at('C', r * m.C.cols + c), ...stagger(cols.length, j, 0, 0.75)),
      );
      for (let c = 0; c < m.C.cols; c++) if (m.C.source[r * m.C.cols + c] < 0) fade(at('C', r * m.C.cols + c), 0.55, 1);
      break;
    }
    case 'flatten': {
      const W = m.x.cols;
      if (r >= m.x.rows) break;
      for (let c = 0; c < W; c++) fly(at('x', r * W + c), at('vecx', r * W + c), ...stagger(W, c, 0, 0.9));
      break;
    }
    case 'multiply': {
      const { C } = m;
      if (r < C.rows) {
        const cols = range(C.cols).filter((c) => C.source[r * C.cols + c] >= 0);
        cols.forEach((c) => fly(at('vecx', c), at('C', r * C.cols + c), 0, 0.42, false));
        cols.forEach((c) => merge(at('C', r * C.cols + c), at('Cx', r), 0.5, 0.95));
      } else {
        for (let i = 0; i < C.rows; i++) fly(at('Cx', i), at('out', i), ...stagger(C.rows, i, 0, 0.9));
      }
      break;
    }
    case 'transpose': {
      const F = m.Ct;
      const rowsToMove = frame === 1 ? [0] : range(F.rows).slice(1);
      rowsToMove.forEach((row, j) => {
        for (let c = 0; c < F.cols; c++) {
          const [s, e] = stagger(rowsToMove.length, j, 0, 0.95, 0.5);
          fly(at('Cfwd', row * F.cols + c), at('Ct', transposedIndex(F, row, c)), s, e);
        }
      });
      break;
    }
    case 'transposed': {
      if (r >= m.y.values.length) break;
      const painted = d.painted[r];
      painted.forEach((c) => fly(at('vecy', r), at('Ct', transposedIndex(m.Ct, r, c)), 0, 0.4, false));
      painted.forEach((c) => fly(at('Ct', transposedIndex(m.Ct, r, c)), at('Cty', c), 0.45, 0.95));
      painted.forEach((c) => fly(at('y', r), at('tout', c), 0.45, 0.95));
      break;
    }
    case 'zeros': {
      const z = m.zeroInsertion;
      if (frame === 1) for (const p of d.ziInserted) fade(at('zi', p));
      else if (frame === 2) {
        for (const p of d.ziPad) fade(at('zi', p), 0, 0.6);
        for (let t = 0; t < nk; t++) fly(at('kt', t), at('kflip', nk - 1 - t), ...stagger(nk, t, 0.2, 1));
      } else {
        const o = frame - ZERO_SETUP;
        if (o < 0 || o >= z.windows.length) break;
        z.windows[o].forEach((p, t) => fly(at('kflip', t), at('zi', p), 0, 0.42, false));
        z.windows[o].forEach((p) => merge(at('zi', p), at('ziout', o), 0.5, 0.95));
      }
      break;
    }
    case 'overlap': {
      const id = frame === 1 ? 'heatBalanced' : 'heatResize';
      const g = frame === 1 ? m.overlap.balanced.counts : m.overlap.resize.counts;
      for (let i = 0; i < g.values.length; i++) fade(at(id, i), 0, 0.9);
      break;
    }
  }
  return out;
}
