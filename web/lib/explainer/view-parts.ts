// The pieces every chapter's view is made of: grids (with what is hidden,
// faded or ringed), operators between them, rows, and the cell sizes they
// are drawn at. DOM-free; no arithmetic on values.

import type { CellKind, Grid, GridId } from './model-types.js';

/** Grid ids drawn by the element: the model's, plus C's forward layout in chapter 5 (indices map onto Cᵀ's). */
export type ViewGridId = GridId | 'Cfwd';

export type CellSize = 'normal' | 'small' | 'compact';

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
  /** How a cell writes its value; absent: the grid's own (at most two decimals). */
  format?: (v: number) => string;
}

/**
 * Values that may grow large (chapter 10's learned weights and outputs, which a too-large learning rate
 * blows up) written short enough for a cell: up to `decimals` decimals below 100, whole numbers below
 * `powerFrom`, then a power of ten ("4e5"); '−' as the minus sign, no "−0".
 */
export function shortNumber(v: number, decimals = 2, powerFrom = 1e4): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  let s: string;
  if (a >= powerFrom) s = a.toExponential(0).replace('e+', 'e');
  else if (a >= 100) s = String(Math.round(a));
  else {
    const r = Math.round(a * 10 ** decimals) / 10 ** decimals;
    s = Number.isInteger(r) ? String(r) : r.toFixed(decimals).replace(/0+$/, '');
  }
  return v < 0 && s !== '0' ? `−${s}` : s;
}

/** One decimal, powers of ten from 1000: learned weights in a matrix's small cells, where more does not fit. */
export const oneDecimal = (v: number) => shortNumber(v, 1, 1000);

/** Two decimals at most, large values short (a kernel's or an output's normal cells). */
export const twoDecimals = (v: number) => shortNumber(v, 2);

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

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export function cellSize(rows: number, cols: number): CellSize {
  const n = rows * cols;
  if (cols > 24 || rows > 20 || n > 640) return 'compact';
  if (cols > 9 || rows > 9 || n > 64) return 'small';
  return 'normal';
}

export function grid(id: ViewGridId, label: string, g: Grid, extra: Partial<GridSpec> = {}): GridSpec {
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
export function column(id: ViewGridId, label: string, values: Float32Array, extra: Partial<GridSpec> = {}): GridSpec {
  return grid(id, label, { rows: values.length, cols: 1, values }, extra);
}

export const op = (text: string, label: string): OpSpec => ({ type: 'op', text, label });
