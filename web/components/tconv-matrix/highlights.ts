// Linked highlighting for <tconv-matrix>: the cell under the pointer (or
// focus) and the cells related to it in every grid of the frame, and the
// cells the frame itself is about. The sets are recomputed only when what
// they depend on changes, so the grids are not repainted on every update.

import { transposedOfForward } from '../../lib/explainer/derived.js';
import type { ExplainerModel } from '../../lib/explainer/model-types.js';
import { related } from '../../lib/explainer/relations.js';
import type { Chapter } from '../../lib/explainer/timeline.js';
import { highlightSets, type ViewSpec } from '../../lib/explainer/views.js';
import type { TconvCellHoverDetail } from '../tconv-grid/tconv-grid.js';

const EMPTY: Set<number> = new Set();

export class Highlights {
  /** The hovered cell ("grid:index"), or null. */
  hover: string | null = null;
  private _hoverKey = '';
  private _hoverSets = new Map<string, Set<number>>();
  private _activeKey = '';
  private _activeSets = new Map<string, Set<number>>();

  /** A new model: every set is stale. */
  reset(): void {
    this._hoverKey = '';
    this._activeKey = '';
  }

  /** The hovered cell from a grid's event (chapter 5's forward matrix names Cᵀ's cell); true when it changed. */
  hovered(m: ExplainerModel, d: TconvCellHoverDetail): boolean {
    let ref = d.ref;
    if (ref && d.gridId === 'Cfwd' && d.index !== null) ref = `Ct:${transposedOfForward(m.Ct, d.index)}`;
    if (ref === this.hover) return false;
    this.hover = ref;
    return true;
  }

  /** The cells to ring (the frame's) and to highlight (the hovered cell's relations), grid by grid. */
  sets(m: ExplainerModel, v: ViewSpec, ch: Chapter, chapter: number, frame: number) {
    const activeKey = `${chapter}.${frame}`;
    if (activeKey !== this._activeKey) {
      this._activeKey = activeKey;
      this._activeSets = highlightSets(m, v, ch.frames[frame].active);
    }
    const hoverKey = `${this.hover}|${chapter}`;
    if (hoverKey !== this._hoverKey) {
      this._hoverKey = hoverKey;
      this._hoverSets = this.hover ? highlightSets(m, v, related(m, this.hover)) : new Map();
    }
    return {
      highlighted: (grid: string) => this._hoverSets.get(grid) ?? EMPTY,
      active: (grid: string) => this._activeSets.get(grid) ?? EMPTY,
    };
  }
}
