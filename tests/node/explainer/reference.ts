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

// ---- chapters 9 and 10: gradients and gradient descent ----

/** The padded input's value at (r, q) of the padded grid: x inside, 0 on the padding. */
function padded(c: ExplainerConfig, x: ArrayLike<number>, r: number, q: number): number {
  const [a, b] = [r - c.padding[0], q - c.padding[1]];
  return a >= 0 && a < c.input[0] && b >= 0 && b < c.input[1] ? x[a * c.input[1] + b] : 0;
}

/**
 * ∂L/∂x and ∂L/∂k of L = Σ g ⊙ conv2d(x, k), from the chain rule on the sliding window: output (oh, ow)
 * adds k(i, j)·xpad(oh·s + i·d, ow·s + j·d), so it sends g(oh, ow)·k(i, j) to that x and g(oh, ow)·xpad(…) to k(i, j).
 */
export function convGradients(c: ExplainerConfig, x: ArrayLike<number>, k: ArrayLike<number>, g: ArrayLike<number>) {
  const { input, kernel, stride: s, padding: p, dilation: d } = c;
  const out = dims.map((a) => convLength(input[a], kernel[a], s[a], p[a], d[a])) as Dims;
  const gradInput = new Float64Array(input[0] * input[1]);
  const gradWeight = new Float64Array(kernel[0] * kernel[1]);
  /** Per weight, per output: the padded-input value it multiplied. */
  const met: number[][] = Array.from({ length: kernel[0] * kernel[1] }, () => []);
  for (let oh = 0; oh < out[0]; oh++)
    for (let ow = 0; ow < out[1]; ow++) {
      const gv = g[oh * out[1] + ow];
      for (let i = 0; i < kernel[0]; i++)
        for (let j = 0; j < kernel[1]; j++) {
          const t = i * kernel[1] + j;
          const [r, q] = [oh * s[0] + i * d[0], ow * s[1] + j * d[1]];
          const xv = padded(c, x, r, q);
          met[t].push(xv);
          gradWeight[t] += gv * xv;
          const [a, b] = [r - p[0], q - p[1]];
          if (a >= 0 && a < input[0] && b >= 0 && b < input[1]) gradInput[a * input[1] + b] += gv * k[t];
        }
    }
  return { out, gradInput, gradWeight, met };
}

/**
 * A, the matrix taking the weights to the transposed convolution's output: A[o][t] is the y value tap t
 * carries to output o (the scatter of chapter 6, one tap at a time).
 */
export function weightsToOutput(
  c: ExplainerConfig,
  y: ArrayLike<number>,
): { A: number[][]; out: Dims; transposed: Dims } {
  const { input, kernel, stride: s, padding: p, dilation: d, outputPadding: op } = c;
  const out = dims.map((a) => convLength(input[a], kernel[a], s[a], p[a], d[a])) as Dims;
  const transposed = dims.map((a) => transposedLength(out[a], kernel[a], s[a], p[a], d[a], op[a])) as Dims;
  const A = Array.from({ length: transposed[0] * transposed[1] }, () =>
    new Array<number>(kernel[0] * kernel[1]).fill(0),
  );
  for (let oh = 0; oh < out[0]; oh++)
    for (let ow = 0; ow < out[1]; ow++)
      for (let i = 0; i < kernel[0]; i++)
        for (let j = 0; j < kernel[1]; j++) {
          const [r, q] = [oh * s[0] + i * d[0] - p[0], ow * s[1] + j * d[1] - p[1]];
          if (r < 0 || r >= transposed[0] || q < 0 || q >= transposed[1]) continue;
          A[r * transposed[1] + q][i * kernel[1] + j] += y[oh * out[1] + ow];
        }
  return { A, out, transposed };
}

const matVec64 = (A: number[][], w: ArrayLike<number>) => A.map((row) => row.reduce((acc, a, t) => acc + a * w[t], 0));

/** AᵀA's largest row sum of absolute values (Gershgorin's bound on its largest eigenvalue), and that eigenvalue by power iteration. */
export function gram(A: number[][], taps: number) {
  const G = Array.from({ length: taps }, (_, t) =>
    Array.from({ length: taps }, (_, u) => A.reduce((acc, row) => acc + row[t] * row[u], 0)),
  );
  const gershgorin = Math.max(0, ...G.map((row) => row.reduce((acc, v) => acc + Math.abs(v), 0)));
  let v = Array.from({ length: taps }, (_, t) => 1 + t / taps);
  let lambda = 0;
  for (let it = 0; it < 500; it++) {
    const next = G.map((row) => row.reduce((acc, g, u) => acc + g * v[u], 0));
    const norm = Math.hypot(...next);
    if (norm === 0) break;
    lambda = norm / Math.hypot(...v);
    v = next.map((e) => e / norm);
  }
  return { G, gershgorin, lambda, unreached: G.map((row, t) => row[t]).flatMap((g, t) => (g === 0 ? [t] : [])) };
}

/** torch's bilinear interpolation (align_corners=False) of an h×w grid to size, from its definition. */
export function bilinear(v: ArrayLike<number>, [h, w]: Dims, [H, W]: Dims): Float64Array {
  const out = new Float64Array(H * W);
  const source = (dst: number, n: number, N: number) => {
    const src = Math.max(0, (dst + 0.5) * (n / N) - 0.5);
    const i0 = Math.min(Math.floor(src), n - 1);
    return { i0, i1: Math.min(i0 + 1, n - 1), f: src - i0 };
  };
  for (let r = 0; r < H; r++)
    for (let q = 0; q < W; q++) {
      const a = source(r, h, H);
      const b = source(q, w, W);
      const at = (i: number, j: number) => v[i * w + j];
      out[r * W + q] =
        (1 - a.f) * ((1 - b.f) * at(a.i0, b.i0) + b.f * at(a.i0, b.i1)) +
        a.f * ((1 - b.f) * at(a.i1, b.i0) + b.f * at(a.i1, b.i1));
    }
  return out;
}

/** Gradient descent on mean((A·w − target)²) in double precision: the weights and loss after each of `steps` steps. */
export function descend(A: number[][], target: ArrayLike<number>, init: ArrayLike<number>, lr: number, steps: number) {
  const n = A.length;
  let w = Array.from(init);
  const losses: number[] = [];
  const weights: number[][] = [];
  for (let i = 0; i <= steps; i++) {
    const residual = matVec64(A, w).map((o, r) => o - target[r]);
    losses.push(residual.reduce((acc, e) => acc + e * e, 0) / n);
    weights.push(w);
    if (i === steps) break;
    const grad = w.map((_, t) => A.reduce((acc, row, r) => acc + (2 / n) * residual[r] * row[t], 0));
    w = w.map((v, t) => v - lr * grad[t]);
  }
  return { losses, weights, output: (i: number) => matVec64(A, weights[i]) };
}
