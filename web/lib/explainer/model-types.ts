// Types of the explainer's model: everything the animation shows, computed
// by the WASM core (conv2d, convTranspose2d, convMatrix, interpolate). The
// components only lay these numbers out; they do no arithmetic on them.

import type { Dims, ExplainerConfig } from './config.js';

/** A row-major grid of numbers. */
export interface Grid {
  rows: number;
  cols: number;
  values: Float32Array;
}

/** A convolution matrix: rows = output pixels, cols = input pixels. */
export interface MatrixGrid extends Grid {
  /** Row-major kernel index of the weight at each entry, or -1 for a structural zero. */
  source: Int32Array;
}

/** What a cell of a layout grid is: real data, padding, or a zero inserted between data. */
export type CellKind = 'data' | 'pad' | 'inserted';

export interface LayoutGrid extends Grid {
  kinds: CellKind[];
  /** For 'data' cells, the index of the value in the source grid; -1 otherwise. */
  dataIndex: Int32Array;
}

/** The ids of every grid the explainer draws; a cell is addressed as `${GridId}:${index}`. */
export type GridId =
  | 'x' // input, H×W
  | 'k' // kernel, kH×kW
  | 'xpad' // input with its zero padding, (H+2p)×(W+2p)
  | 'out' // conv2d output, Hout×Wout
  | 'C' // convolution matrix, (Hout·Wout)×(H·W)
  | 'vecx' // vec(x), (H·W)×1
  | 'Cx' // C·vec(x), (Hout·Wout)×1
  | 'y' // transposed-convolution input, Hout×Wout
  | 'vecy' // vec(y), (Hout·Wout)×1
  | 'kt' // the transposed convolution's kernel (k, or independent weights)
  | 'Ct' // Cᵀ, (H'·W')×(Hout·Wout)
  | 'Cty' // Cᵀ·vec(y), (H'·W')×1
  | 'tout' // conv_transpose2d output, H'×W'
  | 'zi' // y with zeros inserted and the border padded
  | 'kflip' // kt flipped in both axes
  | 'ziout' // stride-1 convolution of zi with kflip (= tout)
  | 'heat' // overlap counts of the transposed convolution
  | 'heatBalanced' // overlap counts with the kernel rounded up to a multiple of the stride
  | 'heatResize'; // overlap counts of resize-then-convolve

export type CellRef = `${GridId}:${number}`;

export interface ExplainerValues {
  x: Float32Array;
  k: Float32Array;
  y: Float32Array;
  /** Independent weights for the transposed convolution, or null to reuse k. */
  kt: Float32Array | null;
}

export interface OverlapView {
  /** kernel and stride the counts are for */
  kernel: Dims;
  stride: Dims;
  counts: Grid;
  min: number;
  max: number;
}

export interface Agreement {
  /** C·vec(x) (matrix product) against conv2d's out (sliding window). */
  CxVsOut: number;
  /** Cᵀ·vec(y) (matrix product) against conv_transpose2d's tout (scatter). */
  CtyVsTout: number;
  /** Zero insertion's output against tout. */
  zeroInsertionVsTout: number;
  /** Differences up to this count as agreeing (float32 rounding of sums in a different order). */
  tolerance: number;
}

export interface ExplainerModel {
  config: ExplainerConfig;
  values: ExplainerValues;
  /** conv2d output size [Hout, Wout]. */
  outputSize: Dims;
  /** Size of the transposed convolution's output [H', W'] (= input size when output_padding recovers it). */
  transposedSize: Dims;
  x: Grid;
  k: Grid;
  xpad: LayoutGrid;
  /** conv2d(x, k) from the core. */
  out: Grid;
  C: MatrixGrid;
  /** For each output pixel r, the xpad indices under the kernel, in kernel (row-major tap) order. */
  windows: number[][];
  y: Grid;
  kt: Grid;
  /** The forward matrix of kt on an H'×W' input; the explainer shows its transpose. */
  Ct: MatrixGrid;
  /** C·vec(x) as a matrix product in the core (a 1×1 convolution is a GEMM): (Hout·Wout)×1. */
  Cx: Grid;
  /** Cᵀ·vec(y) as a matrix product in the core: (H'·W')×1. Compare with tout, the scatter. */
  Cty: Grid;
  /** Cᵀ·vec(y) with only y's first i entries (the rest zero), i = 0..Hout·Wout: chapter 6's column. */
  CtyPartial: Grid[];
  /** convTranspose2d(y, kt) from the core: the scatter. */
  tout: Grid;
  /** tout after painting only y's first i entries (i = 0..Hout·Wout), from the core. */
  toutPartial: Grid[];
  zeroInsertion: {
    zi: LayoutGrid;
    kflip: Grid;
    /** conv2d(zi, kflip, dilation) from the core: equals tout. */
    out: Grid;
    /** For each output pixel, the zi indices under the (dilated) kernel, in tap order. */
    windows: number[][];
    multiplications: number;
    /** Multiplications whose input is an inserted zero or padding. */
    zeroMultiplications: number;
    /** Zeros inserted between inputs (per dimension: stride − 1) and border width (dilation·(k − 1) − padding). */
    inserted: Dims;
    border: Dims;
  };
  /** Largest |value| of tout: a steady colour scale while the partial outputs fill in. */
  toutMaxAbs: number;
  /**
   * How far apart the three ways came out, measured (largest |difference|):
   * what the narration may claim about "agree" comes from these numbers only.
   */
  agreement: Agreement;
  overlap: {
    /** Largest count over the three views: one colour scale for all three maps. */
    maxCount: number;
    current: OverlapView;
    /** The same stride with the kernel rounded up to a multiple of it: even coverage. */
    balanced: OverlapView;
    /** Nearest up-sampling by the stride, then a stride-1 convolution with the same kernel. */
    resize: OverlapView;
  };
  /** The output-size formulas with the current numbers, e.g. "Hout = ⌊(4 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 2". */
  formulas: { conv: string[]; transposed: string[] };
}
