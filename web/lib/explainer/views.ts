// What each chapter draws at each frame. DOM-free.
//
// This file only rearranges the model's data: it picks grids, lays vectors
// out as columns, writes Cᵀ as the transpose of the model's forward matrix
// (an index shuffle), and decides which cells are shown, hidden or faded.
// It does no arithmetic on the values; every number is the model's.

import type { CellRef, ExplainerModel } from './model-types.js';
import { type CellSize, column, grid, type GridSpec, op, range, type ViewGridId, type ViewSpec } from './view-parts.js';
import { derived, forwardOfTransposed, ZERO_SETUP } from './derived.js';
import { mapCaption, mapSubject, mapTitle } from './overlap-text.js';
import { type OverlapMap, overlapSettingsOf } from './overlap-settings.js';
import { indicesIn, transposedIndex } from './relations.js';
import { sizeText } from './text.js';
import type { ChapterId } from './timeline.js';
import { gradientView, learnView } from './views-gradient.js';

export type { CellSize, GridSpec, Item, OpSpec, RowSpec, ViewGridId, ViewSpec } from './view-parts.js';
export { cellSize } from './view-parts.js';

/** Heat maps use smaller cells than their size alone would pick (three of them share a row). */
const heat = (rows: number): CellSize => (rows > 20 ? 'compact' : 'small');

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
          column('Cx', 'C·vec(x)', m.Cx.values, { revealed: Math.min(frame, rows) }),
          op('→', 'folded into'),
          grid('out', 'Output', m.out, { revealed: frame > rows ? undefined : 0 }),
        ],
      },
    ],
  };
}

/** Chapter 5's forward matrix: C itself, or C's layout on the H′×W′ output (and/or with independent weights). */
function forwardLabel(m: ExplainerModel, sameAsC: boolean): string {
  if (sameAsC) return 'Convolution matrix C';
  const t = m.transposedSize;
  const resized = t[0] !== m.config.input[0] || t[1] !== m.config.input[1];
  const on = resized ? ` on the ${sizeText(t)} output` : '';
  return m.values.kt !== null ? `C’s layout${on}, weights of Cᵀ` : `C${on}`;
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
          grid('Cfwd', forwardLabel(m, d.sameAsC), m.Ct, {
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
  const product = m.CtyPartial[i];
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
          column('Cty', 'Cᵀ·vec(y)', product.values, { hidden: notPainted, scale: d.toutScale }),
          op('→', 'unfolded into'),
          grid('tout', 'Transposed output', partial, {
            hidden: notPainted,
            scale: d.toutScale,
            note: 'scatter (conv_transpose2d)',
          }),
        ],
      },
    ],
  };
}

function zerosView(m: ExplainerModel, frame: number): ViewSpec {
  const d = derived(m);
  const z = m.zeroInsertion;
  let hidden: Set<number> | undefined;
  if (frame === 0) hidden = complement(z.zi.kinds.length, d.ziData);
  else if (frame === 1) hidden = d.ziPad;
  const windowsDone = Math.max(0, Math.min(z.windows.length, frame - ZERO_SETUP + 1));
  // Cᵀ·vec(y) is a column; here it is folded into the output's shape (an index-preserving reshape).
  const product = { rows: m.tout.rows, cols: m.tout.cols, values: m.Cty.values };
  return {
    rows: [
      {
        title: 'Flip the kernel: k → k̃',
        items: [
          ktGrid(m),
          op('→', 'flipped into'),
          grid('kflip', 'Flipped kernel k̃', z.kflip, {
            subscripts: d.kflipSubs,
            revealed: frame >= 2 ? undefined : 0,
          }),
        ],
      },
      {
        title: 'Spread y out with zeros, pad, and convolve with k̃',
        items: [
          grid('y', 'y', m.y),
          op('→', 'spread out into'),
          grid('zi', 'Zero-inserted y', z.zi, { kinds: z.zi.kinds, hidden }),
        ],
      },
      {
        title: 'Three ways, one result',
        items: [
          grid('Cty', 'Cᵀ·vec(y)', product, { note: 'matrix product' }),
          op('=', 'equals'),
          grid('tout', 'Transposed output', m.tout, { note: 'scatter (conv_transpose2d)' }),
          op('=', 'equals'),
          grid('ziout', 'Zero-inserted y ⊛ k̃', z.out, {
            revealed: windowsDone,
            note: 'zero insertion',
          }),
        ],
      },
    ],
  };
}

function overlapView(m: ExplainerModel, frame: number): ViewSpec {
  const o = m.overlap;
  const s = overlapSettingsOf(m.config);
  const map = (id: 'heat' | 'heatBalanced' | 'heatResize', which: OverlapMap, shownFrom: number): GridSpec => {
    const v = which === 'transposed' ? o.current : which === 'balanced' ? o.balanced : o.resize;
    const shown = frame >= shownFrom;
    return grid(id, mapTitle(which, v, s), v.counts, {
      revealed: shown ? undefined : 0,
      note: shown
        ? mapCaption(which, v, s)
        : which === 'balanced'
          ? 'kernel a multiple of the stride'
          : 'nearest up-sampling, then stride 1',
      size: heat(v.counts.rows),
      scale: o.maxCount,
    });
  };
  return {
    rows: [
      {
        title: `Kernel copies on each output, for an ${mapSubject('transposed', s)}`,
        items: [map('heat', 'transposed', 0), map('heatBalanced', 'balanced', 1), map('heatResize', 'resize', 2)],
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
  gradient: gradientView,
  learn: learnView,
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

/**
 * For each grid of a view, the indices of the given cells in it (linked
 * highlighting); chapter 5's forward matrix (Cfwd) shows Cᵀ's cells at their
 * forward positions.
 */
export function highlightSets(m: ExplainerModel, v: ViewSpec, cells: Iterable<CellRef>): Map<string, Set<number>> {
  const list = [...cells];
  const out = new Map<string, Set<number>>();
  const specs = v.rows.flatMap((r) => r.items.filter((i): i is GridSpec => i.type === 'grid'));
  for (const spec of specs) {
    if (spec.id === 'Cfwd') {
      const ct = indicesIn(list, 'Ct');
      out.set('Cfwd', new Set([...ct].map((i) => forwardOfTransposed(m.Ct, i))));
    } else {
      out.set(spec.id, indicesIn(list, spec.id));
    }
  }
  return out;
}
