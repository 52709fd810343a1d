// Hand-written types for the Emscripten module core.mjs (Emscripten 3.1.6 has
// no --emit-tsd). Keep in step with cpp/bindings/bindings.cpp. Application
// code uses web/lib, which wraps these raw functions.

export type RawPair = [number, number];

export interface RawTensor {
  data: Float32Array;
  shape: number[];
}

/** Every core call returns its result or an { error } object; it never throws. */
export interface RawError {
  error: string;
}

export interface RawConvOptions {
  stride: RawPair;
  padding: RawPair;
  dilation: RawPair;
  outputPadding: RawPair;
  groups: number;
}

/** The gradients of a convolution (conv2dBackward, convTranspose2dBackward). */
export interface RawConvGradients {
  gradInput: RawTensor;
  gradWeight: RawTensor;
  gradBias: RawTensor;
}

export interface RawInterpolateOptions {
  mode: string;
  size: RawPair | null;
  scaleFactor: RawPair | null;
  alignCorners: boolean;
}

export interface RawConvMatrixOptions {
  inputSize: RawPair;
  kernelSize: RawPair;
  stride: RawPair;
  padding: RawPair;
  dilation: RawPair;
}

export interface RawConvMatrix {
  rows: number;
  cols: number;
  data: Float32Array;
  source: Int32Array;
}

export interface RawImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface RawUpsampleSpec {
  method: string;
  factor: number;
  size: RawPair | null;
  alignCorners: boolean;
  kernel: Float32Array | null;
  kernelSize: RawPair | null;
  /** Filled with the result when its length matches (no new array). */
  into?: Uint8ClampedArray | null;
}

export interface RawBand {
  imageHeight: number;
  firstRow: number;
  outputRows: RawPair;
  opaque: boolean;
}

export interface RawUpsampleGeometry {
  outputSize: RawPair;
  kernelSize: RawPair;
  stride: number;
  padding: RawPair;
  outputPadding: RawPair;
  border: number;
  flatTile: Float32Array | null;
}

export interface RawLimits {
  maxElements: number;
  maxInteger: number;
  maxImagePixels: number;
  minFactor: number;
  maxFactor: number;
  maxKernelSize: number;
}

/** Byte offsets of a tensor's fields in a conv call (cpp/bindings/call.hpp, TensorSlot); each field is a double. */
export interface RawSlotLayout {
  /** Elements of the caller's data; negative: absent. */
  length: number;
  rank: number;
  /** The first of `slotDims` shape entries. */
  shape: number;
  /** Address of the tensor's float32 elements, written by the core. */
  data: number;
}

/** Byte offsets, from a call's address, of every field of a conv call's record (ConvRecord); each a double. */
export interface RawConvCallLayout {
  options: { stride: number; padding: number; dilation: number; outputPadding: number; groups: number };
  input: RawSlotLayout;
  weight: RawSlotLayout;
  bias: RawSlotLayout;
  result: RawSlotLayout;
  /** Elements of the caller's `out` array (negative: none), checked against the result by run. */
  out: number;
  /** Address of a weight from _tconv_weight_new to use instead of the weight slot (0: none). */
  weightHandle: number;
  /** Address of the core's message after a failed step. */
  error: number;
  /** 1 after prepare when run streams the call through `tconvRows` (no input copy; the result slot already written). */
  streamed: number;
  /** Shape entries a slot holds. */
  slotDims: number;
}

export interface CoreModule {
  /** The layout of the conv2d / conv_transpose2d call record, from the binding's own struct. */
  convCallLayout(): RawConvCallLayout;
  /** The wrapper's one call record, reused by every call, or 0 when out of memory. */
  _tconv_conv_new(): number;
  /** Checks the options and shapes (transposed 1: conv_transpose2d), allocates the tensors: 0, or 1 with the message at `error`. */
  _tconv_conv_prepare(call: number, transposed: number): number;
  /** Runs the core on the filled tensors and checks `out`'s length: 0, or 1 with the message at `error`. */
  _tconv_conv_run(call: number): number;
  /** Frees what the call allocated; the record stays for the next call. */
  _tconv_conv_release(call: number): void;
  /** A weight kept in wasm memory, from the record's weight slot: its address (the elements' at weight.data), or 0 with the message at `error`. */
  _tconv_weight_new(call: number): number;
  /** Frees a weight from _tconv_weight_new: 1, or 0 when it is not a live one. */
  _tconv_weight_free(weight: number): number;
  UTF8ToString(address: number): string;
  HEAPF64: Float64Array;
  /**
   * Set by the wrapper, called by run during a streamed conv call: copy input rows [row, row + rows) of channels
   * [channel, channel + channels) of batch item n into wasm memory at byte address `at` (writing 0), or those result
   * rows from there (writing 1), laid out [channel][row][column]. Returns 0, or 1 when it could not; it must not throw.
   */
  tconvRows?: (
    writing: number,
    n: number,
    channel: number,
    channels: number,
    row: number,
    rows: number,
    at: number,
  ) => number;
  /** With `out` (a checked Float32Array), the result is copied into it and returned as data; its length is checked here. */
  interpolate(input: RawTensor, options: RawInterpolateOptions, out: Float32Array | null): RawTensor | RawError;
  convMatrix(options: RawConvMatrixOptions, kernel: Float32Array | null): RawConvMatrix | RawError;
  conv2dOutputSize(inputSize: RawPair, kernelSize: RawPair, options: RawConvOptions): RawPair | RawError;
  convTranspose2dOutputSize(inputSize: RawPair, kernelSize: RawPair, options: RawConvOptions): RawPair | RawError;
  /** options.outputPadding is not read. */
  conv2dBackward(
    gradOutput: RawTensor,
    input: RawTensor,
    weight: RawTensor,
    options: RawConvOptions,
  ): RawConvGradients | RawError;
  convTranspose2dBackward(
    gradOutput: RawTensor,
    input: RawTensor,
    weight: RawTensor,
    options: RawConvOptions,
  ): RawConvGradients | RawError;
  pixelShuffle(input: RawTensor, upscaleFactor: number): RawTensor | RawError;
  pixelUnshuffle(input: RawTensor, downscaleFactor: number): RawTensor | RawError;
  upsampleImage(
    data: Uint8Array | Uint8ClampedArray,
    width: number,
    height: number,
    spec: RawUpsampleSpec,
    progress: ((fraction: number) => void) | null,
  ): RawImage | RawError;
  upsampleBand(
    data: Uint8Array | Uint8ClampedArray,
    width: number,
    height: number,
    spec: RawUpsampleSpec,
    band: RawBand,
    progress: ((fraction: number) => void) | null,
  ): RawImage | RawError;
  upsampleInputRows(width: number, height: number, spec: RawUpsampleSpec, outputRows: RawPair): RawPair | RawError;
  imageDifference(
    a: Uint8Array | Uint8ClampedArray,
    aWidth: number,
    aHeight: number,
    b: Uint8Array | Uint8ClampedArray,
    bWidth: number,
    bHeight: number,
    gain: number,
  ): RawImage | RawError;
  bilinearKernel(factor: number): RawTensor | RawError;
  upsampleGeometry(inputSize: RawPair, spec: RawUpsampleSpec): RawUpsampleGeometry | RawError;
  limits(): RawLimits;
  /** Exported for tests that alias a typed array onto the module's own memory. */
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPF32: Float32Array;
  /** Bytes currently allocated by malloc inside the module. */
  heapInUse(): number;
  /** Live Embind value handles (Embind's own counter). */
  count_emval_handles(): number;
}

export interface CoreOptions {
  /** The .wasm bytes; required in Node, where the glue cannot fetch a file path. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, prefix: string) => string;
}

export default function createCore(options?: CoreOptions): Promise<CoreModule>;
