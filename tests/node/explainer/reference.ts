// Plain-loop reference maths for the claims test: every number the narration
// states, computed from the definitions of a convolution, a transposed
// convolution (a scatter), zero insertion and kernel coverage. Nothing here
// calls web/lib or the core, so a claim that agrees with both is checked twice.

import type { Dims, ExplainerConfig } from '../../../web/lib/explainer/config.js';

const dims = [0, 1] as const;

/** conv2d's output length along one dimension. */
export const convLength = (n: number, k: number, s: number, p: number, d: number) =>
  Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;

/** conv_transpose2d's output length along one dimension. */
export const transposedLength = (o: number, k: number, s: number, p: number, d: number, op: number) =>
  (o - 1) * s - 2 * p + d * (k - 1) + op + 1;

/** Largest g dividing both, by trying every candidate. */
export function commonFactor(a: number, b: number): number {
  let g = 1;
  for (let c = 2; c <= Math.min(a, b); c++) if (a % c === 0 && b % c === 0) g = c;
  return g;
}

export interface Reference {
  out: Dims;
  transposed: Dims;
  /** Sliding-window sums (float64), row-major over out. */
  sums: Float64Array;
  /** Per output: kernel taps that land on x (not on padding). */
  tapsOnInput: number[];
  /** The scatter (float64), row-major over transposed. */
  scatter: Float64Array;
  /** Per entry of y: outputs its kernel copy reaches (inside H′×W′). */
  painted: number[];
  /** Per output of the transposed convolution: (entry of y, tap) pairs landing on it. */
  landing: number[];
  /** Rows/columns of the padded input after conv2d's last window. */
  unread: Dims;
}

/**
 * The explainer's numbers for a configuration and values, from the
 * definitions: out(oh, ow) = Σ k(i, j)·xpad(oh·s + i·d, ow·s + j·d), and the
 * scatter adds y(oh, ow)·kt(i, j) to output (oh·s + i·d − p, ow·s + j·d − p).
 */
export function reference(
  c: ExplainerConfig,
  x: ArrayLike<number>,
  k: ArrayLike<number>,
  y: ArrayLike<number>,
  kt: ArrayLike<number>,
): Reference {
  const { input, kernel, stride: s, padding: p, dilation: d, outputPadding: op } = c;
  const out = dims.map((a) => convLength(input[a], kernel[a], s[a], p[a], d[a])) as Dims;
  const transposed = dims.map((a) => transposedLength(out[a], kernel[a], s[a], p[a], d[a], op[a])) as Dims;
  const sums = new Float64Array(out[0] * out[1]);
  const tapsOnInput: number[] = [];
  for (let oh = 0; oh < out[0]; oh++)
    for (let ow = 0; ow < out[1]; ow++) {
      let taps = 0;
      for (let i = 0; i < kernel[0]; i++)
        for (let j = 0; j < kernel[1]; j++) {
          const r = oh * s[0] + i * d[0] - p[0];
          const q = ow * s[1] + j * d[1] - p[1];
          if (r < 0 || r >= input[0] || q < 0 || q >= input[1]) continue;
          taps++;
          sums[oh * out[1] + ow] += k[i * kernel[1] + j] * x[r * input[1] + q];
        }
      tapsOnInput.push(taps);
    }
  const scatter = new Float64Array(Math.max(0, transposed[0] * transposed[1]));
  const landing = new Array<number>(scatter.length).fill(0);
  const painted: number[] = [];
  for (let oh = 0; oh < out[0]; oh++)
    for (let ow = 0; ow < out[1]; ow++) {
      let reached = 0;
      for (let i = 0; i < kernel[0]; i++)
        for (let j = 0; j < kernel[1]; j++) {
          const r = oh * s[0] + i * d[0] - p[0];
          const q = ow * s[1] + j * d[1] - p[1];
          if (r < 0 || r >= transposed[0] || q < 0 || q >= transposed[1]) continue;
          reached++;
          scatter[r * transposed[1] + q] += y[oh * out[1] + ow] * kt[i * kernel[1] + j];
          landing[r * transposed[1] + q]++;
        }
      painted.push(reached);
    }
  const unread = dims.map((a) => {
    const padded = input[a] + 2 * p[a];
    const lastRead = (out[a] - 1) * s[a] + d[a] * (kernel[a] - 1); // last row the last window reads
    return padded - 1 - lastRead;
  }) as Dims;
  return { out, transposed, sums, tapsOnInput, scatter, painted, landing, unread };
}

export interface CoverageRef {
  min: number;
  max: number;
  /** No output is inside the border (min and max are the whole map's). */
  whole: boolean;
  /** Counts vary along rows (0) / columns (1) inside. */
  varies: [boolean, boolean];
  /** Smallest and largest count outside the inside, or null. */
  border: { min: number; max: number } | null;
}

function summarize(counts: number[][], inside: (P: number, a: 0 | 1) => boolean): CoverageRef {
  const rows = counts.length;
  const cols = counts[0].length;
  const insideRows = Array.from({ length: rows }, (_, r) => r).filter((r) => inside(r, 0));
  const insideCols = Array.from({ length: cols }, (_, q) => q).filter((q) => inside(q, 1));
  const whole = insideRows.length === 0 || insideCols.length === 0;
  let min = Infinity;
  let max = -Infinity;
  const outside: number[] = [];
  for (let r = 0; r < rows; r++)
    for (let q = 0; q < cols; q++) {
      const v = counts[r][q];
      if (whole || (inside(r, 0) && inside(q, 1))) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      } else {
        outside.push(v);
      }
    }
  const varies: [boolean, boolean] = [
    !whole && insideCols.some((q) => insideRows.some((r) => counts[r][q] !== counts[insideRows[0]][q])),
    !whole && insideRows.some((r) => insideCols.some((q) => counts[r][q] !== counts[r][insideCols[0]])),
  ];
  const border = whole || outside.length === 0 ? null : { min: Math.min(...outside), max: Math.max(...outside) };
  return { min, max, whole, varies, border };
}

/**
 * Kernel copies per output of a transposed convolution of an all-ones n×n input with an all-ones kernel:
 * input (a, b) and tap (i, j) land on (a·s + i·d, b·s + j·d). An output is inside the border when every
 * tap could have come from an input index in [0, n − 1]: P − j·d in [0, (n − 1)·s] for every j.
 */
export function transposedCoverage(n: Dims, k: Dims, s: Dims, d: Dims): CoverageRef {
  const len = dims.map((a) => (n[a] - 1) * s[a] + d[a] * (k[a] - 1) + 1);
  const counts = Array.from({ length: len[0] }, () => new Array<number>(len[1]).fill(0));
  for (let a = 0; a < n[0]; a++)
    for (let b = 0; b < n[1]; b++)
      for (let i = 0; i < k[0]; i++) for (let j = 0; j < k[1]; j++) counts[a * s[0] + i * d[0]][b * s[1] + j * d[1]]++;
  const inside = (P: number, a: 0 | 1) => {
    for (let j = 0; j < k[a]; j++) if (P - j * d[a] < 0 || P - j * d[a] > (n[a] - 1) * s[a]) return false;
    return true;
  };
  return summarize(counts, inside);
}

/** Resize-then-convolve: nearest up-sampling by s (n·s ones), then a stride-1 convolution padded ⌊d·(k − 1)/2⌋. */
export function resizeCoverage(n: Dims, k: Dims, s: Dims, d: Dims): CoverageRef {
  const up = dims.map((a) => n[a] * s[a]);
  const pad = dims.map((a) => Math.floor((d[a] * (k[a] - 1)) / 2));
  const len = dims.map((a) => up[a] + 2 * pad[a] - d[a] * (k[a] - 1));
  const reads = (P: number, j: number, a: 0 | 1) => P - pad[a] + j * d[a];
  const counts = Array.from({ length: Math.max(0, len[0]) }, (_, P) =>
    Array.from({ length: Math.max(0, len[1]) }, (_, Q) => {
      let c = 0;
      for (let i = 0; i < k[0]; i++)
        for (let j = 0; j < k[1]; j++) {
          const r = reads(P, i, 0);
          const q = reads(Q, j, 1);
          if (r >= 0 && r < up[0] && q >= 0 && q < up[1]) c++;
        }
      return c;
    }),
  );
  const inside = (P: number, a: 0 | 1) => {
    for (let j = 0; j < k[a]; j++) if (reads(P, j, a) < 0 || reads(P, j, a) >= up[a]) return false;
    return true;
  };
  return summarize(counts, inside);
}

/** The kernel rounded up to a multiple of the stride, by counting up. */
export function roundedUp(k: Dims, s: Dims): Dims {
  return dims.map((a) => {
    let r = k[a];
    while (r % s[a] !== 0) r++;
    return r;
  }) as Dims;
}
