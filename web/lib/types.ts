/** A dense float32 tensor in row-major (C) order; convolutions use NCHW. */
export interface Tensor {
  data: Float32Array;
  shape: number[];
}

/**
 * A convolution weight copied once into tconv's WebAssembly memory
 * (Tconv.weight), for layers called many times with the same weight: conv2d
 * and convTranspose2d take it in place of a `{ data, shape }` weight and skip
 * the copy (8.4 MB a call for a 512×256×4×4 layer). A transposed layer with
 * 16 or more input channels per group and over 1,024 outputs whose stride
 * phases are 2 × 2 convolutions (kernel 4, stride 2) also keeps its
 * Winograd-transformed weights, made by its first convTranspose2d call (2.25
 * times the weight's memory more; a 512×256×4×4 layer on an 8×8 input went
 * from 14–15.6 to 9.7–12.3 ms a call, caches cold, in Node). Later changes to
 * the array it was made from have no effect: make a new one. It belongs to the
 * Tconv that made it; after dispose() (or from another Tconv) a call that gets
 * it throws an Error naming `weight`. A forgotten one is freed when it is
 * garbage-collected, but dispose() frees its memory at once. Where the host
 * has `Symbol.dispose`, `using w = tc.weight(...)` disposes it too.
 */
export interface Weight {
  /** The shape it was made with (the core checked it against the data's length). */
  readonly shape: readonly number[];
  /** Frees its WebAssembly memory; calling it again does nothing. */
  dispose(): void;
}

/** One value for both dimensions, or [height, width]. */
export type Pair = number | [number, number];

/**
 * The `out` option of conv2d, convTranspose2d and interpolate: for repeated
 * calls, a caller-owned array reused instead of a new result array each time
 * (a fresh large array costs its page faults: ~6 ms per 12.6 MB in Chromium).
 */
export interface OutOption {
  /**
   * Exactly the result's element count (the error names the count and shape
   * expected), not overlapping the arrays the call reads, and not a view of
   * tconv's own WebAssembly memory. The result is copied into it (a band of
   * rows at a time for a large conv2d or convTranspose2d, as it is computed)
   * and returned as the result's data: `result.data === out`. A call that
   * throws leaves it unchanged.
   */
  out?: Float32Array;
}

export interface Conv2dOptions extends OutOption {
  /** One value per output channel. */
  bias?: Float32Array;
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

export interface ConvTranspose2dOptions extends Conv2dOptions {
  /** Extra rows/columns at the bottom/right; each must be below the stride or the dilation. */
  outputPadding?: Pair;
}

/** The options of conv2dBackward: conv2d's, less the bias (its gradient does not depend on it) and out. */
export type Conv2dBackwardOptions = Omit<Conv2dOptions, 'bias' | 'out'>;

/** The options of convTranspose2dBackward: convTranspose2d's, less the bias and out. */
export type ConvTranspose2dBackwardOptions = Omit<ConvTranspose2dOptions, 'bias' | 'out'>;

/** ∂L/∂input, ∂L/∂weight and ∂L/∂bias of a convolution, given ∂L/∂output: what torch.autograd computes. */
export interface ConvGradients {
  /** The input's shape. */
  gradInput: Tensor;
  /** The weight's shape. */
  gradWeight: Tensor;
  /** [C_out]: the output gradient summed over the batch, rows and columns. */
  gradBias: Tensor;
}

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'bilinear' | 'bicubic';

export interface InterpolateOptions extends OutOption {
  /** Output [height, width]; give this or scaleFactor. */
  size?: Pair;
  /** Output size is floor(input · scaleFactor); the mapping uses 1 / scaleFactor as given. */
  scaleFactor?: Pair;
  mode: InterpolateMode;
  /** bilinear and bicubic only. */
  alignCorners?: boolean;
}

export interface ConvMatrixOptions {
  inputSize: [number, number];
  kernelSize: [number, number];
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

export interface ConvMatrix {
  /** Output pixels: Hout · Wout. */
  rows: number;
  /** Input pixels: H · W. */
  cols: number;
  /** rows × cols, row-major: C · vec(x) = vec(conv2d(x)). */
  data: Float32Array;
  /** For each entry, the row-major index of the kernel weight there, or -1 for a structural zero. */
  source: Int32Array;
}

export interface OutputSizeOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

export interface TransposedOutputSizeOptions extends OutputSizeOptions {
  outputPadding?: Pair;
}

/** 8-bit RGBA pixels, row-major, straight alpha: the shape of the DOM's ImageData. */
export interface RgbaImage {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

export type UpsampleMethod =
  | 'nearest'
  | 'bilinear'
  | 'bicubic'
  | 'transposed-bilinear'
  | 'transposed'
  | 'resize-conv-nearest'
  | 'resize-conv-bilinear';

export interface UpsampleOptions {
  method: UpsampleMethod;
  /** Integer factor limits.minFactor–limits.maxFactor (2–8, default 2); the output is factor × the input. */
  factor?: number;
  /** Output [height, width] instead of a factor: nearest, bilinear and bicubic only. */
  size?: [number, number];
  /** bilinear and bicubic only. */
  alignCorners?: boolean;
  /**
   * The kernel of 'transposed' and the resize-convolutions, shape [kH, kW], as a
   * filter (weights summing to 1 keep the brightness); the transposed convolution
   * scales it by factor² to spread each pixel over factor² outputs.
   */
  kernel?: Tensor;
  /** Called with the fraction done (0–1) as the work advances. */
  onProgress?: (fraction: number) => void;
  /**
   * A buffer to recycle: when its length is the result's (width × height × 4),
   * the result is written into it and returned as `data`, with no new array
   * (a large new array costs its page faults: ~6 ms per 12 MB in Chromium).
   * Any other length is ignored and a new array is returned.
   */
  into?: Uint8ClampedArray;
}

/** The options of upsampleGeometry: those of upsampleImage that decide the result. */
export type UpsampleGeometryOptions = Pick<UpsampleOptions, 'method' | 'factor' | 'size' | 'alignCorners' | 'kernel'>;

/** What upsampleImage does to an image (upsampleGeometry), all from the core. */
export interface UpsampleGeometry {
  /** [height, width] of the result. */
  outputSize: [number, number];
  /** [kH, kW] of the method's convolution (the bilinear kernel or the given one); [0, 0] for interpolation. */
  kernelSize: [number, number];
  /** Of the transposed convolution (the factor); 1 for the other methods. */
  stride: number;
  /** [rows, columns] of zero padding: the transposed convolution's, or the resize-convolution's conv2d's (⌊k/2⌋). */
  padding: [number, number];
  /** The transposed convolution's output_padding: with padding, n pixels become exactly stride·n. */
  outputPadding: [number, number];
  /**
   * Pixels along an edge (the deepest of the four) that read the zero padding
   * through a non-zero weight, so a flat image is darker there: ⌊f/2⌋ for
   * transposed-bilinear, 0 for interpolation.
   */
  border: number;
  /**
   * stride × stride, row-major: what a flat 1 becomes in the interior (output
   * (y, x) takes entry (y mod stride, x mod stride)); not flat = the
   * checkerboard. Includes the transposed convolution's ×factor² gain. null for interpolation.
   */
  flatTile: Float32Array | null;
}

/** The core's caps (Tconv.limits): the one place these numbers are defined is the C++ core. */
export interface Limits {
  /** Most elements of one tensor: 2^28 (1 GiB of float32). */
  maxElements: number;
  /** Largest integer argument: 2^53, the largest integer a JS number holds exactly. */
  maxInteger: number;
  /** Most pixels of an RGBA image, input or result: maxElements / 4 = 2^26 (8192×8192). */
  maxImagePixels: number;
  /** Smallest factor of upsampleImage (2). */
  minFactor: number;
  /** Largest factor of upsampleImage and bilinearKernel (8). */
  maxFactor: number;
  /** Largest kernel side of 'transposed' and the resize-convolutions (15). */
  maxKernelSize: number;
}

/**
 * Where a band of rows sits in a larger up-sampling (upsampleBand): one image
 * split into horizontal bands, computed anywhere (several workers) and
 * stitched, gives exactly the single call's pixels.
 */
export interface UpsampleBand {
  /** Rows of the whole image. */
  imageHeight: number;
  /** The whole image's row that is the band's first row. */
  firstRow: number;
  /** [begin, end): the rows of the whole result to compute. */
  outputRows: [number, number];
  /** Whether the whole image is opaque (every alpha 255); a band alone may look opaque when the image is not. */
  opaque: boolean;
}

export interface Tconv {
  /** torch.nn.functional.conv2d: input (N, Cin, H, W) or (Cin, H, W), weight (Cout, Cin/groups, kH, kW). */
  conv2d(input: Tensor, weight: Tensor | Weight, options?: Conv2dOptions): Tensor;
  /** torch.nn.functional.conv_transpose2d: weight (Cin, Cout/groups, kH, kW). */
  convTranspose2d(input: Tensor, weight: Tensor | Weight, options?: ConvTranspose2dOptions): Tensor;
  /**
   * A weight copied into WebAssembly memory once, for repeated conv2d /
   * convTranspose2d calls (see Weight). Its shape is checked against its
   * data's length here; each call checks it against the input, as for a `{ data, shape }` weight.
   */
  weight(weight: Tensor): Weight;
  /**
   * The gradients torch.autograd computes for conv2d(input, weight, bias, options), given
   * gradOutput = ∂L/∂output (conv2d's output shape). gradInput is convTranspose2d(gradOutput, weight)
   * with the outputPadding that gives back the input's size: the transposed convolution is conv2d's backward pass.
   */
  conv2dBackward(gradOutput: Tensor, input: Tensor, weight: Tensor, options?: Conv2dBackwardOptions): ConvGradients;
  /**
   * The gradients of convTranspose2d(input, weight, bias, options), given gradOutput (its output shape);
   * gradInput is conv2d(gradOutput, weight).
   */
  convTranspose2dBackward(
    gradOutput: Tensor,
    input: Tensor,
    weight: Tensor,
    options?: ConvTranspose2dBackwardOptions,
  ): ConvGradients;
  /**
   * torch.nn.functional.pixel_shuffle: (*, C·r², H, W) → (*, C, H·r, W·r), channel c·r² + i·r + j
   * going to offset (i, j) of each r × r block (sub-pixel convolution's rearrangement).
   */
  pixelShuffle(input: Tensor, upscaleFactor: number): Tensor;
  /** torch.nn.functional.pixel_unshuffle, pixelShuffle's inverse: (*, C, H·r, W·r) → (*, C·r², H, W). */
  pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor;
  /** torch.nn.functional.interpolate on (N, C, H, W). */
  interpolate(input: Tensor, options: InterpolateOptions): Tensor;
  /** The convolution matrix C of a single-channel kernel (default kernel: 1, 2, …, kH·kW). */
  convMatrix(options: ConvMatrixOptions, kernel?: Float32Array): ConvMatrix;
  /** [Hout, Wout] of conv2d. */
  conv2dOutputSize(
    inputSize: [number, number],
    kernelSize: [number, number],
    options?: OutputSizeOptions,
  ): [number, number];
  /** [Hout, Wout] of convTranspose2d. */
  convTranspose2dOutputSize(
    inputSize: [number, number],
    kernelSize: [number, number],
    options?: TransposedOutputSizeOptions,
  ): [number, number];
  /**
   * Up-samples an RGBA image with one of the upsampler's methods, channel by
   * channel (colour premultiplied by alpha while resampling). Returns a new image.
   */
  upsampleImage(image: RgbaImage, options: UpsampleOptions): RgbaImage & { data: Uint8ClampedArray };
  /**
   * The image rows [begin, end) that result rows `outputRows` of upsampleImage
   * read: the band to pass to upsampleBand for them.
   */
  upsampleInputRows(
    size: { width: number; height: number },
    options: UpsampleOptions,
    outputRows: [number, number],
  ): [number, number];
  /**
   * Result rows `where.outputRows` of upsampleImage(whole image, options),
   * from `band` (rows [firstRow, firstRow + band.height) of the image, at
   * least the rows upsampleInputRows names). Bit for bit the whole call's rows.
   */
  upsampleBand(band: RgbaImage, options: UpsampleOptions, where: UpsampleBand): RgbaImage & { data: Uint8ClampedArray };
  /** |a − b| × gain per colour channel, opaque; a and b must have the same size. */
  imageDifference(a: RgbaImage, b: RgbaImage, gain?: number): RgbaImage & { data: Uint8ClampedArray };
  /** The bilinear up-sampling kernel for a factor (the FCN initialisation), shape [k, k]. */
  bilinearKernel(factor: number): Tensor;
  /**
   * What upsampleImage does to an image of `inputSize` [height, width]: the
   * result's size, the convolution's kernel, stride and padding, the border
   * its zero padding darkens and the tile a flat image becomes (the
   * checkerboard). Checks the options as upsampleImage does.
   */
  upsampleGeometry(inputSize: [number, number], options: UpsampleGeometryOptions): UpsampleGeometry;
  /** The core's caps: factor range, kernel size, image and tensor size limits. */
  readonly limits: Readonly<Limits>;
  /** Bytes allocated inside the WebAssembly module right now (for leak checks). */
  heapInUse(): number;
}

export interface CreateOptions {
  /** The core.wasm bytes, when the default location cannot be fetched. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where to find core.wasm, as Emscripten's locateFile. */
  locateFile?: (path: string, prefix: string) => string;
}
