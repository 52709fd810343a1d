// File names of the exports (GIF, video, PNG, SVG), made from what the figure
// shows, so that a folder of exports reads as a list of configurations:
//   tconv-matrix-i5-k3-s2-ch2.gif   chapter 2 of a 5×5 input, 3×3 kernel, stride 2
//   tconv-matrix-i4-k3-s1-all.webm  the whole walk-through
//   tconv-matrix-i4-k3-s1-ch6-f3.png a still of chapter 6, step 3
//   tconv-overlap-k3-s2.gif
// DOM-free.

import { type Dims, type ExplainerConfig, formatDims } from '../explainer/config.js';
import type { OverlapSettings } from '../explainer/overlap-settings.js';

/** What an export covers: one chapter, the whole walk-through, or one frame (a still). */
export type ExportScope =
  { kind: 'chapter'; chapter: number } | { kind: 'all' } | { kind: 'still'; chapter: number; frame: number };

export type ExportExtension = 'gif' | 'webm' | 'mp4' | 'png' | 'svg';

const part = (prefix: string, d: Dims) => `${prefix}${formatDims(d)}`;
const isAll = (d: Dims, v: number) => d[0] === v && d[1] === v;

/** i, k and s always; p, d and op only where they differ from conv2d's defaults (0, 1, 0). */
export function matrixStem(c: ExplainerConfig): string {
  const parts = ['tconv-matrix', part('i', c.input), part('k', c.kernel), part('s', c.stride)];
  if (!isAll(c.padding, 0)) parts.push(part('p', c.padding));
  if (!isAll(c.dilation, 1)) parts.push(part('d', c.dilation));
  if (!isAll(c.outputPadding, 0)) parts.push(part('op', c.outputPadding));
  return parts.join('-');
}

/** k and s always; d and n (the input size) only where they differ from the element's defaults. */
export function overlapStem(s: OverlapSettings, defaults: OverlapSettings): string {
  const parts = ['tconv-overlap', part('k', s.kernel), part('s', s.stride)];
  if (formatDims(s.dilation) !== formatDims(defaults.dilation)) parts.push(part('d', s.dilation));
  if (formatDims(s.size) !== formatDims(defaults.size)) parts.push(part('n', s.size));
  return parts.join('-');
}

/** The stem, the scope (ch2, all, ch6-f3; nothing for a figure without chapters) and the extension. */
export function exportFileName(stem: string, scope: ExportScope | null, ext: ExportExtension): string {
  if (!/^[a-z0-9-]+$/i.test(stem)) throw new Error(`exportFileName: stem "${stem}" must be letters, digits and '-'`);
  let tail = '';
  if (scope?.kind === 'chapter') tail = `-ch${scope.chapter}`;
  else if (scope?.kind === 'all') tail = '-all';
  else if (scope?.kind === 'still')
    tail = scope.frame === 0 ? `-ch${scope.chapter}` : `-ch${scope.chapter}-f${scope.frame}`;
  return `${stem}${tail}.${ext}`;
}

/** "1.2 MB", "340 KB", "812 B": a file's size as a reader reads it (1 KB = 1000 B, as file managers count). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) throw new Error(`formatBytes: bytes ${bytes} must be a size ≥ 0`);
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${Math.round(bytes / 1000)} KB`;
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}
