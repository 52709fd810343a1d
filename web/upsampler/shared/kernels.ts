// Kernels for the 'transposed' and resize-convolution methods: presets, the
// editor's number parsing, and what a flat grey becomes under a transposed
// convolution (the checkerboard, predicted from the kernel alone). DOM-free.

/** A square k×k kernel, row-major, as a filter (a plain blur sums to 1). */
export interface Kernel {
  size: number;
  values: number[];
}

/**
 * The editor's largest kernel: a 9×9 grid of number fields is the most that
 * fits the panel on a phone. The core takes up to limits.maxKernelSize (15);
 * tests/node/upsampler/kernels.test.ts checks this stays within it.
 */
export const MAX_KERNEL_SIZE = 9;

export type KernelPreset = 'box' | 'tent' | 'gaussian' | 'delta' | 'random';

export const KERNEL_PRESETS: { id: KernelPreset; label: string; hint: string }[] = [
  { id: 'box', label: 'Box', hint: '1/k² each' },
  { id: 'tent', label: 'Tent', hint: 'like bilinear' },
  { id: 'gaussian', label: 'Gaussian', hint: 'σ = k/4' },
  { id: 'delta', label: 'Delta', hint: 'bed of nails' },
  { id: 'random', label: 'Random', hint: 'positive, normalised' },
];

/** A small seeded generator (mulberry32), so a random kernel can be reproduced. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function outer(row: number[]): number[] {
  return row.flatMap((a) => row.map((b) => a * b));
}

export function kernelSum(kernel: Kernel): number {
  return kernel.values.reduce((s, v) => s + v, 0);
}

/** Scales the weights to sum to 1; a kernel summing to (about) 0 is returned unchanged. */
export function normalise(kernel: Kernel): Kernel {
  const sum = kernelSum(kernel);
  if (Math.abs(sum) < 1e-9) return kernel;
  return { size: kernel.size, values: kernel.values.map((v) => v / sum) };
}

export function presetKernel(preset: KernelPreset, size: number, seed = 1): Kernel {
  const k = Math.max(1, Math.min(MAX_KERNEL_SIZE, Math.round(size)));
  const c = (k - 1) / 2;
  let values: number[];
  switch (preset) {
    case 'box':
      values = new Array<number>(k * k).fill(1);
      break;
    case 'tent': {
      const half = (k + 1) / 2;
      values = outer(Array.from({ length: k }, (_, i) => 1 - Math.abs(i - c) / half));
      break;
    }
    case 'gaussian': {
      const sigma = Math.max(k / 4, 0.3);
      values = outer(Array.from({ length: k }, (_, i) => Math.exp(-((i - c) ** 2) / (2 * sigma * sigma))));
      break;
    }
    case 'delta':
      values = new Array<number>(k * k).fill(0);
      // The centre, or the lower-right of the four central weights for an even k.
      values[Math.floor(k / 2) * k + Math.floor(k / 2)] = 1;
      break;
    case 'random': {
      const next = random(seed);
      values = Array.from({ length: k * k }, () => 0.05 + next());
      break;
    }
  }
  return normalise({ size: k, values });
}

/** Resizes a kernel, keeping the centred part (or padding with zeros). */
export function resizeKernel(kernel: Kernel, size: number): Kernel {
  const k = Math.max(1, Math.min(MAX_KERNEL_SIZE, Math.round(size)));
  const off = Math.floor((kernel.size - k) / 2);
  const values = new Array<number>(k * k).fill(0);
  for (let y = 0; y < k; y++)
    for (let x = 0; x < k; x++) {
      const sy = y + off;
      const sx = x + off;
      if (sy >= 0 && sy < kernel.size && sx >= 0 && sx < kernel.size)
        values[y * k + x] = kernel.values[sy * kernel.size + sx];
    }
  return { size: k, values };
}

/**
 * Parses a weight typed in the editor: a decimal ("0.25", "-1", "1e-3", with
 * "−" or "-"), or a fraction ("1/9", "-3/16"). Returns null for anything else.
 */
export function parseWeight(text: string): number | null {
  const s = text
    .trim()
    .replace(/\u2212/g, '-')
    .replace(/,/g, '.');
  const num = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?`;
  const m = new RegExp(`^(${num})(?:\\s*/\\s*(${num}))?$`, 'i').exec(s);
  if (!m) return null;
  const a = Number(m[1]);
  const b = m[2] === undefined ? 1 : Number(m[2]);
  const v = a / b;
  return Number.isFinite(v) ? v : null;
}

/** Up to 4 decimals, no trailing zeros, "−" as the minus sign. */
export function formatWeight(v: number): string {
  const r = Math.round(v * 1e4) / 1e4;
  if (r === 0) return '0';
  const s = String(Math.abs(r));
  return r < 0 ? `\u2212${s}` : s;
}

/** True when every output pixel gets the same total weight (no checkerboard on flat regions). */
export function isEvenOverlap(tile: ArrayLike<number>, tolerance = 1e-6): boolean {
  const min = Math.min(...Array.from(tile));
  const max = Math.max(...Array.from(tile));
  return max - min <= tolerance * Math.max(1, Math.abs(max));
}
