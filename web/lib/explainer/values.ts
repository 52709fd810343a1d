// The numbers the explainer starts from: presets for the input x, the kernel
// k, the transposed convolution's input y and (optionally) its own kernel.

import type { Dims } from './config.js';
import type { ExplainerValues } from './model-types.js';
import { mulberry32 } from './random.js';

export type Preset = 'seed' | 'count' | 'ones' | 'random';

export const PRESETS: { id: Preset; label: string }[] = [
  { id: 'seed', label: 'Seed article' },
  { id: 'count', label: '1, 2, 3, …' },
  { id: 'ones', label: 'All ones' },
  { id: 'random', label: 'Random integers' },
];

// "Up-sampling with transposed convolution": x, k and the 2×2 y it up-samples.
const SEED_X = [4, 5, 8, 7, 1, 8, 8, 8, 3, 6, 6, 4, 6, 5, 7, 8];
const SEED_K = [1, 4, 1, 1, 4, 3, 3, 3, 1];
const SEED_Y = [2, 1, 4, 4];

const size = ([h, w]: Dims) => h * w;

function counting(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => i + 1);
}

/** Small integers in [lo, hi] from a seeded generator (mulberry32), so a link reproduces them. */
export function randomIntegers(n: number, seed: number, lo = -3, hi = 5): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + Math.floor(next() * (hi - lo + 1)));
}

/** One preset grid; 'seed' falls back to counting where the seed has no grid of that size. */
export function presetGrid(preset: Preset, dims: Dims, which: 'x' | 'k' | 'y' | 'kt', seed = 1): Float32Array {
  const n = size(dims);
  switch (preset) {
    case 'seed': {
      const table = { x: SEED_X, k: SEED_K, kt: SEED_K, y: SEED_Y }[which];
      return table.length === n && (which !== 'x' || (dims[0] === 4 && dims[1] === 4))
        ? Float32Array.from(table)
        : counting(n);
    }
    case 'count':
      return counting(n);
    case 'ones':
      return new Float32Array(n).fill(1);
    case 'random':
      return randomIntegers(n, seed * 4 + ['x', 'k', 'y', 'kt'].indexOf(which));
  }
}

export function presetValues(
  preset: Preset,
  sizes: { input: Dims; kernel: Dims; output: Dims },
  independentWeights = false,
  seed = 1,
): ExplainerValues {
  return {
    x: presetGrid(preset, sizes.input, 'x', seed),
    k: presetGrid(preset, sizes.kernel, 'k', seed),
    y: presetGrid(preset, sizes.output, 'y', seed),
    kt: independentWeights ? randomIntegers(size(sizes.kernel), seed * 7 + 3, -2, 4) : null,
  };
}

/** "1,2,-3.5" → numbers; null when malformed or of the wrong length. */
export function parseValues(text: string, length: number): Float32Array | null {
  const parts = text.split(',');
  if (parts.length !== length || length === 0) return null;
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const t = parts[i].trim();
    if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
    values[i] = Number(t);
    if (!Number.isFinite(values[i]) || Math.abs(values[i]) > 1e6) return null;
  }
  return values;
}

export function formatValues(values: Float32Array): string {
  return Array.from(values, (v) => String(Math.round(v * 1e4) / 1e4)).join(',');
}

/** Keeps the overlapping top-left part of an old grid when its size changes (edits survive resizing). */
export function resizeGrid(old: Float32Array, from: Dims, to: Dims, fill: Float32Array): Float32Array {
  const out = fill.slice();
  for (let r = 0; r < Math.min(from[0], to[0]); r++) {
    for (let c = 0; c < Math.min(from[1], to[1]); c++) out[r * to[1] + c] = old[r * from[1] + c];
  }
  return out;
}
