// What <tconv-export> exports from each figure (an ExportSource, client.ts):
// the explainer's chapters, frames and timing, and the overlap map's maps.
// Each reads the figure's public state — the model and the step on screen —
// so an export draws what the page draws.

import {
  OVERLAP_DEFAULTS,
  type Overlap,
  type OverlapMap,
  type OverlapSettings,
} from '../../lib/explainer/overlap-settings.js';
import type { ExplainerModel } from '../../lib/explainer/model-types.js';
import { type Chapter, chapters } from '../../lib/explainer/timeline.js';
import { matrixStem, overlapStem } from '../../lib/export/filename.js';
import type { ExportSource } from './client.js';
import { matrixFrames, overlapFrames } from './frames.js';

/** What the explainer element shows (TconvMatrix's public API). */
export interface MatrixLike extends HTMLElement {
  readonly model: ExplainerModel | null;
  readonly chapter: number;
  readonly frame: number;
  speed: number;
}

export function matrixExportSource(el: MatrixLike): ExportSource {
  let memo: { model: ExplainerModel; chapters: Chapter[] } | null = null;
  const state = () => {
    const model = el.model;
    if (!model) throw new Error('export: the explainer has not drawn its figure yet');
    // The chapters the element plays are timeline.ts's chapters of this same model.
    if (memo?.model !== model) memo = { model, chapters: chapters(model) };
    return memo;
  };
  return {
    host: el,
    stem: () => matrixStem(state().model.config),
    chapters: () => {
      const { chapters: list } = state();
      return { count: list.length, current: el.chapter, title: (n) => list[n - 1]?.title ?? '' };
    },
    job: (scope) => {
      const src = state();
      const speed = el.speed > 0 ? el.speed : 1;
      const frames =
        scope.kind === 'still'
          ? [{ chapter: scope.chapter, frame: scope.frame, ms: 0 }]
          : matrixFrames(src.chapters, scope.kind === 'all' ? 'all' : scope.chapter, speed);
      return { figure: 'matrix', model: src.model, frames };
    },
  };
}

/** What the overlap element shows: its counts, settings and maps. */
export interface OverlapState {
  overlap: Overlap;
  settings: OverlapSettings;
  shown: OverlapMap[];
}

export function overlapExportSource(host: HTMLElement, state: () => OverlapState | null): ExportSource {
  const get = () => {
    const s = state();
    if (!s) throw new Error('export: the overlap map has not been computed yet');
    return s;
  };
  return {
    host,
    stem: () => overlapStem(get().settings, OVERLAP_DEFAULTS),
    chapters: () => null,
    job: (scope) => {
      const src = get();
      const all = overlapFrames(src.shown);
      // A still is the figure as the element shows it: every map.
      return { figure: 'overlap', ...src, frames: scope.kind === 'still' ? all.slice(-1) : all };
    },
  };
}
