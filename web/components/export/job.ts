// What the export worker is asked to draw: plain, cloneable data — the
// figure's model (or the overlap map's counts) and the frames to draw — from
// which it lays out the scenes itself (frames.ts), so that even a whole
// walk-through of a 10×10 input costs the page's main thread nothing.

import type { ExplainerModel } from '../../lib/explainer/model-types.js';
import type { Overlap, OverlapMap, OverlapSettings } from '../../lib/explainer/overlap-settings.js';
import { chapters } from '../../lib/explainer/timeline.js';
import type { Scene } from '../../lib/export/scene.js';
import { type FrameRef, matrixScenes, overlapScenes } from './frames.js';
import type { ExportTheme, Measure } from './scene-builder.js';

export type SceneJob =
  | { figure: 'matrix'; model: ExplainerModel; frames: FrameRef[] }
  | { figure: 'overlap'; overlap: Overlap; settings: OverlapSettings; shown: OverlapMap[]; frames: FrameRef[] };

/** The job's scenes at layout width `width` (CSS px). */
export function scenesOf(job: SceneJob, theme: ExportTheme, measure: Measure, width: number): Scene[] {
  if (job.frames.length === 0) throw new Error('export: the job has no frames');
  if (job.figure === 'matrix') {
    // The chapters the page plays are timeline.ts's chapters of this same model.
    return matrixScenes({ model: job.model, chapters: chapters(job.model) }, job.frames, theme, measure, width);
  }
  return overlapScenes(job, job.frames, theme, measure, width);
}
