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
  | 'heatResize' // overlap counts of resize-then-convolve
  | 'g' // chapter 9: the gradient on conv2d's output, Hout×Wout
  | 'vecg' // vec(g), (Hout·Wout)×1
  | 'CtC' // C of chapters 2 and 4, drawn transposed: (H·W)×(Hout·Wout)
  | 'Ctg' // Cᵀ·vec(g), (H·W)×1
  | 'gx' // ∂L/∂x from conv2dBackward, H×W
  | 'gk' // ∂L/∂k from conv2dBackward, kH×kW
  | 'w' // chapter 10: the weights being learned, kH×kW
  | 'Ctw' // Cᵀ with the learned weights
  | 'learned' // conv_transpose2d(y, w), H′×W′
  | 'target'; // what the learned output should match, H′×W′

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

/** Chapter 9's gradient g on conv2d's output: the figure's y (L = Σ y ⊙ conv2d(x, k)), or ones (L = Σ conv2d(x, k)). */
export type GradSource = 'y' | 'ones';

/** Why chapter 9's Cᵀ·vec(g) is or is not chapter 6's product, number for number. */
export type Chapter6Match = 'same' | 'ones' | 'independent' | 'size';

/** Chapter 9: L = Σ g ⊙ conv2d(x, k) and its gradients, from the core. */
export interface GradientModel {
  source: GradSource;
  g: Grid;
  /** Cᵀ·vec(g) as a matrix product in the core, C being chapters 2 and 4's matrix: (H·W)×1. */
  Ctg: Grid;
  /** conv2dBackward's ∂L/∂x (H×W) and ∂L/∂k (kH×kW). */
  gradInput: Grid;
  gradWeight: Grid;
  /**
   * conv_transpose2d(g, k) with the output_padding that gives x's size back; null when padding crops that
   * output to nothing (conv_transpose2d refuses it; the gradient still exists).
   */
  transposed: Grid | null;
  outputPadding: Dims | null;
  /** x correlated with g (conv2d of x with g as the kernel, stride and dilation swapped), cut to kH×kW, from the core. */
  correlation: Grid;
  /** Per weight t, the padded-input cell it multiplied for each output r (m.windows[r][t]). */
  taps: number[][];
  chapter6: Chapter6Match;
  agreement: {
    CtgVsGradInput: number;
    transposedVsGradInput: number | null;
    correlationVsGradWeight: number;
    /** chapter 6's Cᵀ·vec(y) against ∂L/∂x, when chapter6 is 'same'; else null. */
    chapter6VsGradInput: number | null;
    tolerance: number;
  };
}

/** Chapter 10's target: k's own output conv_transpose2d(y, k), or y up-sampled bilinearly to H′×W′. */
export type LearnTarget = 'kernel' | 'bilinear';

export interface LearnSettings {
  /** Seed of the starting kernel. */
  seed: number;
  target: LearnTarget;
  /** The learning rate, or null for the safe default. */
  lr: number | null;
}

/** One state of chapter 10's training, as a frame shows it. */
export interface LearnSnapshot {
  iteration: number;
  weights: Grid;
  /** conv_transpose2d(y, weights) from the core. */
  output: Grid;
  /** The forward matrix of the weights on the H′×W′ output (drawn transposed, like chapter 6's). */
  Ct: MatrixGrid;
  loss: number;
}

/** Chapter 10: Cᵀ's layout fixed, its weights learned by gradient descent on the mean squared error. */
export interface LearningModel {
  settings: LearnSettings;
  /** The rate used: settings.lr, or safeLr. */
  lr: number;
  /** 1/L rounded down to three significant digits, L bounding the gradient's Lipschitz constant: the loss cannot rise. */
  safeLr: number;
  /** Bound on the largest eigenvalue of AᵀA (A: weights → output): the largest Gershgorin row sum of the core's Gram matrix. */
  gramBound: number;
  target: Grid;
  init: Float32Array;
  /** Mean squared error after 0, 1, …, ITERATIONS steps. */
  losses: number[];
  /** The states the frames show: frame 0 the start, frame f iteration shown[f]. */
  snapshots: LearnSnapshot[];
  /** Weights whose copies of y land on no output: their gradient is 0 and they never move. */
  unreached: number[];
  /** The first step at which the loss rose by more than float32 rounding (lossNoise), or -1. */
  firstRise: number;
  /** Largest |value| of the target and of every output computed: the scale of the outputs' rounding. */
  largest: number;
  /** Colour scales steady over the iterations: weights (with k), outputs (with the target). */
  scales: { weights: number; output: number };
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
  gradient: GradientModel;
  learning: LearningModel;
  /** The output-size formulas with the current numbers, e.g. "Hout = ⌊(4 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 2". */
  formulas: { conv: string[]; transposed: string[] };
}
