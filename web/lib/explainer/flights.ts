// How a step animates: the chips that fly from cell to cell, and the cells
// that fade in, for the step into a frame. DOM-free: the component's animator
// turns these into Web Animations.

import type { ExplainerModel } from './model-types.js';
import { derived, ZERO_SETUP } from './derived.js';
import { transposedIndex } from './relations.js';
import type { ChapterId } from './timeline.js';
import type { ViewGridId } from './views.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

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
