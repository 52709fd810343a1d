// What the chapters' views share, computed once per model: Cᵀ laid out from
// the forward matrix (an index shuffle), weight names, structural zeros, which
// outputs each entry of y paints, the zero-insertion taps. DOM-free, and no
// arithmetic on the values: every number is the model's.

import type { CellKind, ExplainerModel, MatrixGrid } from './model-types.js';
import { transposedIndex } from './relations.js';

/** Frames of chapter 7 before the sliding windows: y placed, zeros inserted, border padded. */
export const ZERO_SETUP = 3;

const SUB = '₀₁₂₃₄₅₆₇₈₉';
export const subscript = (n: number) => String(n).replace(/\d/g, (d) => SUB[Number(d)]);
/** Kernel weight t (row-major, 0-based) is written w₁, w₂, … */
export const weightName = (t: number) => `w${subscript(t + 1)}`;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export interface Derived {
  kernelSubs: string[];
  CSubs: string[];
  CZeros: Set<number>;
  /** Cᵀ as drawn: (H'·W') × (Hout·Wout). */
  Ct: MatrixGrid;
  CtSubs: string[];
  CtZeros: Set<number>;
  CfwdSubs: string[];
  CfwdZeros: Set<number>;
  /** Chapter 9's Cᵀ: C of chapters 2 and 4 turned over, (H·W) × (Hout·Wout). */
  CtC: MatrixGrid;
  CtCSubs: string[];
  CtCZeros: Set<number>;
  CtCText: (i: number) => string;
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
  const CtC = transposeLayout(m.C);
  const CtCZeros = zerosOf(CtC.source);
  d = {
    kernelSubs,
    CSubs: sourceSubs(m.C.source),
    CZeros,
    Ct,
    CtSubs: sourceSubs(Ct.source),
    CtZeros,
    CfwdSubs: sourceSubs(m.Ct.source),
    CfwdZeros,
    CtC,
    CtCSubs: sourceSubs(CtC.source),
    CtCZeros,
    CtCText: zeroText(CtCZeros),
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
