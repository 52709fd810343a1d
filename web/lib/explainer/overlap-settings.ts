// What <tconv-overlap> reads from its attributes, and where its maps are free
// of border effects. DOM-free; the counts themselves come from the core
// (model.ts, overlapViews).

import { type Dims, type ExplainerConfig, formatDims, LIMITS, parseDims, quote } from './config.js';
import type { ExplainerModel, OverlapView } from './model-types.js';
import { OVERLAP_INPUT } from './model.js';

export type OverlapMap = 'transposed' | 'balanced' | 'resize';
export const OVERLAP_MAPS: OverlapMap[] = ['transposed', 'balanced', 'resize'];

export type Overlap = ExplainerModel['overlap'];

export interface OverlapSettings {
  kernel: Dims;
  stride: Dims;
  dilation: Dims;
  size: Dims;
}

export const OVERLAP_DEFAULTS: OverlapSettings = { kernel: [3, 3], stride: [2, 2], dilation: [1, 1], size: [6, 6] };
const RANGES: Record<keyof OverlapSettings, { min: number; max: number }> = {
  kernel: LIMITS.kernel,
  stride: LIMITS.stride,
  dilation: LIMITS.dilation,
  size: LIMITS.input,
};
/** Chapter 8's maps: the configuration's kernel, stride and dilation on the all-ones OVERLAP_INPUT. */
export function overlapSettingsOf(config: ExplainerConfig): OverlapSettings {
  return { kernel: config.kernel, stride: config.stride, dilation: config.dilation, size: OVERLAP_INPUT };
}

export const OVERLAP_KEYS = Object.keys(OVERLAP_DEFAULTS) as (keyof OverlapSettings)[];

/** Reads the four size attributes: the values to use and a notice for each one ignored or capped. */
export function readOverlapSettings(text: Record<keyof OverlapSettings, string | null>): {
  settings: OverlapSettings;
  notices: string[];
} {
  const settings = structuredClone(OVERLAP_DEFAULTS);
  const notices: string[] = [];
  for (const key of OVERLAP_KEYS) {
    const raw = text[key];
    if (raw === null) continue;
    const dims = parseDims(raw);
    if (!dims) {
      notices.push(
        `Ignored ${key}=${quote(raw)}: expected a number like 2 or a pair like 2x3. Using ${formatDims(settings[key])}.`,
      );
      continue;
    }
    const { min, max } = RANGES[key];
    const clamped = dims.map((v) => Math.min(max, Math.max(min, v))) as Dims;
    if (clamped[0] !== dims[0] || clamped[1] !== dims[1]) {
      notices.push(`${key} ${formatDims(dims)} is outside ${min} to ${max}; using ${formatDims(clamped)}.`);
    }
    settings[key] = clamped;
  }
  return { settings, notices };
}

export function readMaps(text: string | null): { maps: OverlapMap[]; notice: string | null } {
  if (text === null || text.trim() === '') return { maps: ['transposed'], notice: null };
  if (text.trim() === 'all') return { maps: [...OVERLAP_MAPS], notice: null };
  const names = text.split(',').map((s) => s.trim());
  const maps = OVERLAP_MAPS.filter((m) => names.includes(m));
  const unknown = names.filter((n) => !(OVERLAP_MAPS as string[]).includes(n));
  const notice = unknown.length
    ? `Ignored maps ${unknown.map(quote).join(', ')}: expected transposed, balanced, resize or all.`
    : null;
  return { maps: maps.length ? maps : ['transposed'], notice };
}

/** Rows and columns [lo, hi] of a map that no border effect reaches, per dimension. */
export type Interior = [[number, number], [number, number]];

/** Smallest and largest count inside the interior (the whole map when the interior is empty). */
export function interiorRange(v: OverlapView, interior: Interior): { min: number; max: number; whole: boolean } {
  const { rows, cols, values } = v.counts;
  const [[r0, r1], [c0, c1]] = interior;
  if (r0 > r1 || c0 > c1 || r0 < 0 || c0 < 0 || r1 >= rows || c1 >= cols) {
    return { min: v.min, max: v.max, whole: true };
  }
  let min = Infinity;
  let max = -Infinity;
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const x = values[r * cols + c];
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  return { min, max, whole: false };
}

/**
 * A transposed convolution's output p gets a copy from every input i with p = i·s + j·d (0 ≤ j < k): away
 * from the border, every such i exists, for p in [d·(k − 1), (n − 1)·s]. Resize-convolution (stride 1,
 * padding ⌊d·(k − 1)/2⌋ on the n·s up-sampled input) is border-free for p in [pad, n·s − 1 − d·(k − 1) + pad].
 */
export function interiorOf(map: OverlapMap, v: OverlapView, s: OverlapSettings): Interior {
  const dim = (a: 0 | 1): [number, number] => {
    const d = s.dilation[a];
    const n = s.size[a];
    const st = s.stride[a];
    if (map === 'resize') {
      const k = s.kernel[a];
      const pad = Math.floor((d * (k - 1)) / 2);
      return [pad, n * st - 1 - d * (k - 1) + pad];
    }
    const k = v.kernel[a];
    return [d * (k - 1), (n - 1) * st];
  };
  return [dim(0), dim(1)];
}
