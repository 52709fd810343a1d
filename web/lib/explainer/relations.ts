// Linked highlighting: which cells, in every view, relate to a given cell.
// E.g. an input pixel relates to its column of C, its entry of vec(x), the
// outputs whose windows cover it, and the kernel weights that touch it.

import type { CellRef, ExplainerModel, GridId, MatrixGrid } from './model-types.js';

type Index = Map<CellRef, Set<CellRef>>;

const ref = (grid: GridId, index: number): CellRef => `${grid}:${index}`;

export function parseRef(cell: string): { grid: GridId; index: number } | null {
  const m = /^([A-Za-z]+):(\d+)$/.exec(cell);
  return m ? { grid: m[1] as GridId, index: Number(m[2]) } : null;
}

function link(index: Index, a: CellRef, b: CellRef): void {
  if (!index.has(a)) index.set(a, new Set([a]));
  if (!index.has(b)) index.set(b, new Set([b]));
  index.get(a)!.add(b);
  index.get(b)!.add(a);
}

/** Makes every cell in `group` related to every other (a small clique). */
function group(index: Index, cells: CellRef[]): void {
  for (let i = 0; i < cells.length; i++) for (let j = i + 1; j < cells.length; j++) link(index, cells[i], cells[j]);
}

/**
 * Cᵀ is drawn as the transpose of the forward matrix m: displayed entry
 * (c, r) is m's (r, c), at index c · m.rows + r.
 */
export function transposedIndex(m: MatrixGrid, r: number, c: number): number {
  return c * m.rows + r;
}

const cache = new WeakMap<ExplainerModel, Index>();

function build(model: ExplainerModel): Index {
  const index: Index = new Map();
  const { C, Ct, xpad, windows, zeroInsertion: z } = model;
  const nk = model.k.values.length;
  const sharedWeights = model.values.kt === null;

  // Forward convolution: input pixel ↔ vec(x) ↔ padded cell.
  for (let c = 0; c < C.cols; c++) group(index, [ref('x', c), ref('vecx', c)]);
  for (let p = 0; p < xpad.kinds.length; p++) {
    if (xpad.dataIndex[p] >= 0) link(index, ref('xpad', p), ref('x', xpad.dataIndex[p]));
  }
  // Output pixel ↔ C·vec(x) entry; its window in the padded input.
  for (let r = 0; r < C.rows; r++) {
    link(index, ref('out', r), ref('Cx', r));
    for (const p of windows[r]) {
      link(index, ref('out', r), ref('xpad', p));
      link(index, ref('Cx', r), ref('xpad', p));
    }
  }
  // Entries of C: output r, input c, kernel weight t.
  for (let r = 0; r < C.rows; r++) {
    for (let c = 0; c < C.cols; c++) {
      const t = C.source[r * C.cols + c];
      const entry = ref('C', r * C.cols + c);
      link(index, entry, ref('out', r));
      link(index, entry, ref('Cx', r));
      if (t < 0) continue;
      link(index, entry, ref('x', c));
      link(index, entry, ref('vecx', c));
      link(index, entry, ref('k', t));
      link(index, ref('out', r), ref('x', c));
      link(index, ref('out', r), ref('vecx', c));
      link(index, ref('Cx', r), ref('x', c));
      link(index, ref('Cx', r), ref('vecx', c));
      link(index, ref('x', c), ref('k', t));
    }
  }
  // Transposed convolution: y ↔ vec(y); Cᵀ entries; outputs it paints.
  for (let r = 0; r < Ct.rows; r++) group(index, [ref('y', r), ref('vecy', r)]);
  for (let c = 0; c < Ct.cols; c++) group(index, [ref('tout', c), ref('Cty', c), ref('ziout', c)]);
  for (let r = 0; r < Ct.rows; r++) {
    for (let c = 0; c < Ct.cols; c++) {
      const t = Ct.source[r * Ct.cols + c];
      const entry = ref('Ct', transposedIndex(Ct, r, c));
      link(index, entry, ref('y', r));
      link(index, entry, ref('vecy', r));
      if (t < 0) continue;
      link(index, entry, ref('tout', c));
      link(index, entry, ref('Cty', c));
      link(index, entry, ref('kt', t));
      link(index, ref('y', r), ref('tout', c));
      link(index, ref('y', r), ref('Cty', c));
      link(index, ref('vecy', r), ref('tout', c));
      link(index, ref('vecy', r), ref('Cty', c));
    }
  }
  // The transposed kernel is k itself unless independent weights are on; the flipped kernel reverses it.
  for (let t = 0; t < nk; t++) {
    link(index, ref('kt', t), ref('kflip', nk - 1 - t));
    if (sharedWeights) link(index, ref('kt', t), ref('k', t));
  }
  // Chapter 9: g ↔ vec(g) ↔ the output it sits on; Cᵀ's entry (c, r) joins g(r) to ∂L/∂x(c); weight t's
  // gradient ↔ the cells it multiplied and g.
  const g = model.gradient;
  for (let r = 0; r < C.rows; r++) group(index, [ref('g', r), ref('vecg', r), ref('out', r)]);
  for (let c = 0; c < C.cols; c++) group(index, [ref('gx', c), ref('Ctg', c), ref('x', c)]);
  for (let r = 0; r < C.rows; r++) {
    for (let c = 0; c < C.cols; c++) {
      if (C.source[r * C.cols + c] < 0) continue;
      const entry = ref('CtC', transposedIndex(C, r, c));
      for (const other of [
        ref('g', r),
        ref('vecg', r),
        ref('gx', c),
        ref('Ctg', c),
        ref('k', C.source[r * C.cols + c]),
      ])
        link(index, entry, other);
      link(index, ref('g', r), ref('gx', c));
    }
  }
  g.taps.forEach((cells, t) => {
    link(index, ref('gk', t), ref('k', t));
    for (const p of cells) link(index, ref('gk', t), ref('xpad', p));
    for (let r = 0; r < cells.length; r++) link(index, ref('gk', t), ref('g', r));
  });
  // Chapter 10: the learned Cᵀ has chapter 6's layout; the output and the target share positions.
  for (let r = 0; r < Ct.rows; r++) {
    for (let c = 0; c < Ct.cols; c++) {
      const t = Ct.source[r * Ct.cols + c];
      if (t < 0) continue;
      const entry = ref('Ctw', transposedIndex(Ct, r, c));
      for (const other of [ref('vecy', r), ref('learned', c), ref('w', t)]) link(index, entry, other);
      link(index, ref('vecy', r), ref('learned', c));
    }
  }
  for (let o = 0; o < model.learning.target.values.length; o++) link(index, ref('learned', o), ref('target', o));
  for (let t = 0; t < nk; t++) link(index, ref('w', t), ref('k', t));
  // Zero insertion: data cells are y's pixels; each output's window.
  for (let p = 0; p < z.zi.kinds.length; p++) {
    if (z.zi.dataIndex[p] >= 0) link(index, ref('zi', p), ref('y', z.zi.dataIndex[p]));
  }
  for (let o = 0; o < z.windows.length; o++) {
    for (const p of z.windows[o]) link(index, ref('ziout', o), ref('zi', p));
  }
  return index;
}

/** Every cell related to `cell`, including itself. */
export function related(model: ExplainerModel, cell: string): Set<CellRef> {
  let index = cache.get(model);
  if (!index) {
    index = build(model);
    cache.set(model, index);
  }
  const parsed = parseRef(cell);
  if (!parsed) return new Set();
  return index.get(cell as CellRef) ?? new Set([cell as CellRef]);
}

/** The indices in one grid among a set of refs (what a grid component highlights). */
export function indicesIn(cells: Iterable<CellRef>, grid: GridId): Set<number> {
  const out = new Set<number>();
  const prefix = `${grid}:`;
  for (const c of cells) if (c.startsWith(prefix)) out.add(Number(c.slice(prefix.length)));
  return out;
}
