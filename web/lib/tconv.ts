// The typed JavaScript API over the Embind module. Arguments are type-checked
// here and normalised to the plain objects the binding expects; results are
// JS-owned copies, so they stay valid after later calls and memory growth.

import type {
  CoreModule,
  RawBand,
  RawConvGradients,
  RawConvCallLayout,
  RawConvOptions,
  RawError,
  RawImage,
  RawPair,
  RawSlotLayout,
  RawTensor,
  RawUpsampleSpec,
} from '../wasm/core.mjs';
import * as args from './args.js';
import type {
  Conv2dBackwardOptions,
  Conv2dOptions,
  ConvGradients,
  ConvMatrix,
  ConvMatrixOptions,
  ConvTranspose2dBackwardOptions,
  ConvTranspose2dOptions,
  InterpolateOptions,
  Limits,
  OutputSizeOptions,
  RgbaImage,
  Tconv,
  Tensor,
  TransposedOutputSizeOptions,
  UpsampleBand,
  UpsampleGeometry,
  UpsampleGeometryOptions,
  UpsampleOptions,
  Weight,
} from './types.js';

const CONV_KEYS = ['bias', 'stride', 'padding', 'dilation', 'groups', 'out'] as const;
const CONV_TRANSPOSE_KEYS = [...CONV_KEYS, 'outputPadding'] as const;
const BACKWARD_KEYS = ['stride', 'padding', 'dilation', 'groups'] as const;
const TRANSPOSED_BACKWARD_KEYS = [...BACKWARD_KEYS, 'outputPadding'] as const;
const SIZE_KEYS = ['stride', 'padding', 'dilation'] as const;
const TRANSPOSED_SIZE_KEYS = [...SIZE_KEYS, 'outputPadding'] as const;
const INTERPOLATE_KEYS = ['size', 'scaleFactor', 'mode', 'alignCorners', 'out'] as const;
const GEOMETRY_KEYS = ['method', 'factor', 'size', 'alignCorners', 'kernel'] as const;
const UPSAMPLE_KEYS = [...GEOMETRY_KEYS, 'onProgress', 'into'] as const;
const BAND_KEYS = ['imageHeight', 'firstRow', 'outputRows', 'opaque'] as const;
const MATRIX_KEYS = ['inputSize', 'kernelSize', 'stride', 'padding', 'dilation'] as const;

function unwrap<T extends object>(result: T | RawError): T {
  if ('error' in result) throw new Error(result.error);
  return result;
}

type Snapshot<K extends string> = Partial<Record<K, unknown>>;

// The defaults, shared by every call that leaves an option out (only read, never changed):
// four fresh pairs per call were a measurable part of an explainer-sized call.
const ONES: RawPair = Object.freeze([1, 1]) as RawPair;
const ZEROS: RawPair = Object.freeze([0, 0]) as RawPair;

/**
 * conv2d's and convTranspose2d's options (`known`: CONV_KEYS or
 * CONV_TRANSPOSE_KEYS) as args.options reads them: the same checks, each key
 * read once in the list's order, the same messages. The reads are written out
 * by name: args.options' one keyed read sees every key, which cost an
 * explainer-sized call 0.1 µs (tests/node/hardening.test.ts pins the order).
 */
function convCallOptions(
  fn: string,
  value: unknown,
  known: typeof CONV_KEYS | typeof CONV_TRANSPOSE_KEYS,
): Snapshot<(typeof CONV_TRANSPOSE_KEYS)[number]> {
  if (!args.knownKeys(fn, value, known)) return {};
  const o = value as Record<(typeof CONV_TRANSPOSE_KEYS)[number], unknown>;
  let bias, stride, padding, dilation, groups, out, outputPadding;
  let key: (typeof CONV_TRANSPOSE_KEYS)[number] = 'bias';
  try {
    bias = o.bias;
    key = 'stride';
    stride = o.stride;
    key = 'padding';
    padding = o.padding;
    key = 'dilation';
    dilation = o.dilation;
    key = 'groups';
    groups = o.groups;
    key = 'out';
    out = o.out;
    key = 'outputPadding';
    if (known === CONV_TRANSPOSE_KEYS) outputPadding = o.outputPadding;
  } catch (error) {
    args.readFailed(fn, '', key, error);
  }
  return { bias, stride, padding, dilation, groups, out, outputPadding };
}

function convOptions(fn: string, o: Snapshot<(typeof CONV_TRANSPOSE_KEYS)[number]>): RawConvOptions {
  return {
    stride: o.stride === undefined ? ONES : args.pair(fn, 'stride', o.stride, 1),
    padding: o.padding === undefined ? ZEROS : args.pair(fn, 'padding', o.padding, 0),
    dilation: o.dilation === undefined ? ONES : args.pair(fn, 'dilation', o.dilation, 1),
    outputPadding: o.outputPadding === undefined ? ZEROS : args.pair(fn, 'outputPadding', o.outputPadding, 0),
    groups: args.number(fn, 'groups', o.groups, 1),
  };
}

/**
 * A checked tensor as the Embind functions take it. A view of the module's
 * own memory is copied first: the core allocates its tensors before it copies
 * the elements in, and an allocation that grows the memory detaches that view.
 */
function embindTensor(core: CoreModule, t: args.TensorArg): RawTensor {
  return { data: t.data.buffer === core.HEAPF32.buffer ? t.data.slice() : t.data, shape: t.shape };
}

/** The three tensors of a backward call, each read once and checked. */
function backwardTensors(core: CoreModule, fn: string, gradOutput: unknown, input: unknown, weight: unknown) {
  const g = args.tensor(fn, 'gradOutput', gradOutput);
  const x = args.tensor(fn, 'input', input);
  const w = args.tensor(fn, 'weight', weight);
  return [embindTensor(core, g), embindTensor(core, x), embindTensor(core, w)] as const;
}

/** The arrays a convolution reads, named for the message when `out` overlaps one (a Weight's are tconv's own). */
function reads(x: args.TensorArg, w: ConvWeight, bias: Float32Array | null): [string, Float32Array | null][] {
  return [
    ['input.data', x.data],
    ['weight.data', 'data' in w ? w.data : null],
    ['bias', bias],
  ];
}

/** A Weight's wasm memory: the address _tconv_weight_new gave, 0 once freed. */
interface WeightMemory {
  address: number;
}

/** Every Weight any wrapper made, so that one from another Tconv gets its own message. */
const ALL_WEIGHTS = new WeakSet<object>();

/**
 * What Tconv.weight returns. Its address is not on it: the wrapper that made
 * it keeps that in a WeakMap keyed by this object, which the caller can
 * neither read nor change, so a call can only ever use memory this wrapper made.
 */
class WeightHandle implements Weight {
  readonly shape: readonly number[];
  readonly #free: () => void;

  constructor(shape: number[], free: () => void) {
    this.shape = Object.freeze(shape);
    this.#free = free;
    // `using w = tc.weight(...)` where the host has Symbol.dispose (Node 20, recent browsers);
    // the type leaves it out, since lib ES2022 has no Symbol.dispose.
    const dispose = (Symbol as { dispose?: symbol }).dispose;
    if (typeof dispose === 'symbol') Object.defineProperty(this, dispose, { value: () => this.#free() });
    Object.freeze(this);
  }

  dispose(): void {
    this.#free();
  }
}

/** A conv call's weight: a checked `{ data, shape }`, or a Weight's memory. */
type ConvWeight = args.TensorArg | { memory: WeightMemory };

function rowPair(fn: string, name: string, value: unknown): [number, number] {
  const wrong = (): never =>
    args.fail(fn, `${name} must be a [begin, end] pair of row numbers, got ${args.describe(value)}`);
  if (!args.isArray(value) || args.read(fn, name, value as object, 'length') !== 2) wrong();
  const begin = args.read(fn, name, value as object, 0);
  const end = args.read(fn, name, value as object, 1);
  return typeof begin === 'number' && typeof end === 'number' ? [begin, end] : wrong();
}

/**
 * The caller's onProgress, wrapped so that nothing it throws crosses the
 * WebAssembly frames (which would skip their destructors and leak): the
 * wrapper records the error and answers true, the binding then stops the work
 * by throwing a C++ exception that unwinds normally, and `settle` rethrows the
 * caller's own error.
 */
class ProgressHook {
  private thrown = false;
  private error: unknown;
  readonly report: ((fraction: number) => boolean) | null;

  constructor(fn: string, callback: unknown) {
    if (callback === undefined || callback === null) {
      this.report = null;
      return;
    }
    if (typeof callback !== 'function') args.fail(fn, `onProgress must be a function, got ${args.describe(callback)}`);
    this.report = (fraction) => {
      try {
        callback(fraction);
        return false;
      } catch (error) {
        this.thrown = true;
        this.error = error;
        return true;
      }
    };
  }

  /** The core's result, or the caller's error if onProgress threw. */
  settle<T extends object>(result: T | RawError): T {
    if (this.thrown) throw this.error;
    return unwrap(result);
  }
}

/** The core's spec from a snapshot of the options that decide the result, each checked. */
function coreSpec(fn: string, o: Snapshot<(typeof GEOMETRY_KEYS)[number]>): RawUpsampleSpec {
  const method = args.string(fn, 'method', o.method);
  const kernel = o.kernel === undefined ? null : args.tensor(fn, 'kernel', o.kernel);
  return {
    method,
    factor: args.number(fn, 'factor', o.factor, 2),
    size: o.size === undefined ? null : sizePair(fn, 'size', o.size),
    alignCorners: args.boolean(fn, 'alignCorners', o.alignCorners),
    kernel: kernel ? kernel.data : null,
    kernelSize: kernel ? sizePair(fn, 'kernel.shape', kernel.shape) : null,
  };
}

/** UpsampleOptions, each property read once and checked: the core's spec, the progress hook, and the caller's `into`. */
function upsampleSpec(fn: string, options: unknown) {
  if (options === undefined || options === null) args.fail(fn, 'options { method, factor } are required');
  const o = args.options(fn, options, UPSAMPLE_KEYS);
  const spec = coreSpec(fn, o);
  const into = o.into === undefined || o.into === null ? null : args.view(fn, 'into', o.into, ['Uint8ClampedArray']);
  spec.into = into;
  return { spec, progress: new ProgressHook(fn, o.onProgress), into: into ? (o.into as Uint8ClampedArray) : null };
}

/** The result of an upsample call, with `data` the caller's own `into` array when the result went there. */
function withInto(result: RawImage, view: Uint8ClampedArray | null, into: Uint8ClampedArray | null): RawImage {
  return view !== null && result.data === view ? { ...result, data: into! } : result;
}

function sizePair(fn: string, name: string, value: unknown): [number, number] {
  if (!args.isArray(value)) args.fail(fn, `${name} must be a [height, width] pair, got ${args.describe(value)}`);
  return args.pair(fn, name, value, 0);
}

/** A slot's offsets, counted in doubles (HEAPF64 indices) from the call's own index. */
type Slot = RawSlotLayout;

/** The call record's offsets in doubles, from the binding's layout (bytes), checked once. */
interface CallLayout {
  stride: number;
  padding: number;
  dilation: number;
  outputPadding: number;
  groups: number;
  input: Slot;
  weight: Slot;
  bias: Slot;
  result: Slot;
  out: number;
  weightHandle: number;
  error: number;
  streamed: number;
}

function callLayout(raw: RawConvCallLayout): CallLayout {
  // A build whose slot holds fewer shape entries than args.tensor reads could be written past.
  if (raw.slotDims < args.MAX_SHAPE_READ) throw new Error('tconv: the core does not match this wrapper (slotDims)');
  const doubles = (bytes: number): number => {
    if (bytes % 8 !== 0) throw new Error('tconv: the core does not match this wrapper (alignment)');
    return bytes / 8;
  };
  const slot = (s: RawSlotLayout): Slot => ({
    length: doubles(s.length),
    rank: doubles(s.rank),
    shape: doubles(s.shape),
    data: doubles(s.data),
  });
  const o = raw.options;
  return {
    stride: doubles(o.stride),
    padding: doubles(o.padding),
    dilation: doubles(o.dilation),
    outputPadding: doubles(o.outputPadding),
    groups: doubles(o.groups),
    input: slot(raw.input),
    weight: slot(raw.weight),
    bias: slot(raw.bias),
    result: slot(raw.result),
    out: doubles(raw.out),
    weightHandle: doubles(raw.weightHandle),
    error: doubles(raw.error),
    streamed: doubles(raw.streamed),
  };
}

function writeSlot(f64: Float64Array, at: number, slot: Slot, length: number, shape: readonly number[]): void {
  f64[at + slot.length] = length;
  f64[at + slot.rank] = shape.length;
  for (let i = 0; i < shape.length; i++) f64[at + slot.shape + i] = shape[i];
}

/** One bulk copy of a snapshot's elements into the tensor the core allocated for them. */
function copyIn(fn: string, name: string, core: CoreModule, address: number, data: Float32Array): void {
  try {
    core.HEAPF32.set(data, address / 4);
  } catch (error) {
    // A view of the wasm heap itself is detached when the core's allocations grew the memory.
    args.fail(fn, `${name}'s buffer is detached or out of bounds`, error);
  }
}

/** The wrapper's one call record (cpp/bindings/call.hpp): its address and the layout of its fields. */
interface CallRecord {
  at: number; // the record's index in HEAPF64
  layout: CallLayout;
  newResultArray: NewResultArray;
  stream: Stream;
  heap: Float32Array | null; // the module's HEAPF32 when heapBuffer last read it, and its buffer
  heapBuffer: ArrayBufferLike | null;
}

/**
 * The module's memory buffer. Its getter is read again only after the memory
 * grew, which gives the module a new HEAPF32: on a view of wasm memory the
 * getter costs ~35 ns, a tenth of the JS side of an explainer-sized call.
 */
function heapBuffer(core: CoreModule, record: CallRecord): ArrayBufferLike {
  const heap = core.HEAPF32;
  if (heap !== record.heap) {
    record.heap = heap;
    record.heapBuffer = heap.buffer;
  }
  return record.heapBuffer!;
}

/**
 * The arrays of the streamed conv call in flight, for core.tconvRows (calls
 * are synchronous and run no caller code, so there is at most one). Dims are
 * [channels, rows, columns] of one batch item.
 */
interface Stream {
  input: Float32Array | null;
  inputDims: readonly number[];
  result: Float32Array | null;
  resultDims: readonly number[];
  error: unknown;
}

/** One stream per module: every wrapper of a module shares its core.tconvRows. */
const STREAMS = new WeakMap<CoreModule, Stream>();

function moduleStream(core: CoreModule): Stream {
  let stream = STREAMS.get(core);
  if (stream === undefined) {
    const s: Stream = { input: null, inputDims: [], result: null, resultDims: [], error: undefined };
    core.tconvRows = (writing, n, channel, channels, row, rows, at) =>
      streamRows(core, s, writing === 1, n, channel, channels, row, rows, at);
    STREAMS.set(core, s);
    stream = s;
  }
  return stream;
}

/**
 * A band of a streamed call's rows across the boundary (cpp/bindings/bindings.cpp,
 * tconv_js_rows): one set per channel, between the caller's array and the core's
 * band buffer at byte address `at`, which stays in the cache. Never throws: an
 * exception must not unwind through wasm frames, so it is kept for the wrapper.
 */
function streamRows(
  core: CoreModule,
  s: Stream,
  writing: boolean,
  n: number,
  channel: number,
  channels: number,
  row: number,
  rows: number,
  at: number,
): number {
  try {
    const [c, h, w] = writing ? s.resultDims : s.inputDims;
    const heap = core.HEAPF32; // the call's allocations may have grown the memory
    const count = rows * w;
    let js = ((n * c + channel) * h + row) * w;
    let wasm = at / 4;
    for (let i = 0; i < channels; i++, js += h * w, wasm += count) {
      if (writing) s.result!.set(heap.subarray(wasm, wasm + count), js);
      else heap.set(s.input!.subarray(js, js + count), wasm);
    }
    return 0;
  } catch (error) {
    // Not reached with the arrays convCall checked (no caller code runs
    // during a call to detach or shrink them); kept so that it cannot crash.
    s.error = error;
    return 1;
  }
}

/** [channels, rows, columns] of one batch item of an (N, C, H, W) or (C, H, W) shape. */
const itemDims = (shape: readonly number[]): readonly number[] => shape.slice(shape.length - 3);

/** The caller's `out`, checked (a view of its memory), and the object to hand back as the result's data. */
interface Out {
  view: Float32Array;
  caller: Float32Array;
}

/** The caller's `out` checked against the arrays the call reads (built only when there is an `out`). */
function outOption(
  fn: string,
  core: CoreModule,
  record: CallRecord,
  value: unknown,
  reads: () => [string, Float32Array | null][],
): Out | null {
  if (value === undefined || value === null) return null;
  return { view: args.out(fn, value, heapBuffer(core, record), reads())!, caller: value as Float32Array };
}

/** The core's message for the call that failed (the record's error field points to it). */
function callError(core: CoreModule, at: number, layout: CallLayout): Error {
  return new Error(core.UTF8ToString(core.HEAPF64[at + layout.error]));
}

/**
 * conv2d and convTranspose2d cross as numbers in wasm memory (cpp/bindings/call.hpp):
 * the snapshot's options and each tensor's length and shape go into the call's
 * record, the core checks them (or, when they repeat the last call's, runs the
 * plan it made then) and allocates the tensors, each tensor's elements
 * are copied in with one HEAPF32.set, and the result comes out as one slice of
 * the core's memory, or with one set into a new array (newResultArray) or into
 * the caller's `out` (whose length the core checked first). A large call the
 * core computes in bands of rows is streamed: the input is not copied in, the
 * result array is made first, and the core asks for each band of input rows
 * and hands over each band of result rows (streamRows).
 * Embind's object conversions cost most of an explainer-sized call (~8 of 10 µs).
 */
function convCall(
  core: CoreModule,
  record: CallRecord,
  fn: string,
  transposed: boolean,
  x: args.TensorArg,
  w: ConvWeight,
  bias: Float32Array | null,
  o: RawConvOptions,
  out: Out | null,
): Tensor {
  // A view of the module's own memory is copied first, as embindTensor does:
  // prepare's allocations may grow that memory and detach the view.
  const { at, layout, newResultArray, stream } = record;
  const input = x.buffer === heapBuffer(core, record) ? x.data.slice() : x.data;
  try {
    let f64 = core.HEAPF64;
    f64[at + layout.stride] = o.stride[0];
    f64[at + layout.stride + 1] = o.stride[1];
    f64[at + layout.padding] = o.padding[0];
    f64[at + layout.padding + 1] = o.padding[1];
    f64[at + layout.dilation] = o.dilation[0];
    f64[at + layout.dilation + 1] = o.dilation[1];
    f64[at + layout.outputPadding] = o.outputPadding[0];
    f64[at + layout.outputPadding + 1] = o.outputPadding[1];
    f64[at + layout.groups] = o.groups;
    writeSlot(f64, at, layout.input, x.data.length, x.shape);
    if ('data' in w) writeSlot(f64, at, layout.weight, w.data.length, w.shape);
    f64[at + layout.weightHandle] = 'data' in w ? 0 : w.memory.address;
    f64[at + layout.bias.length] = bias === null ? -1 : bias.length;
    f64[at + layout.out] = out === null ? -1 : out.view.length;
    if (core._tconv_conv_prepare(at * 8, transposed ? 1 : 0) !== 0) throw callError(core, at, layout);
    f64 = core.HEAPF64; // the allocations may have grown the memory
    const streamed = f64[at + layout.streamed] === 1;
    if (!streamed) copyIn(fn, 'input.data', core, f64[at + layout.input.data], input);
    if ('data' in w) copyIn(fn, 'weight.data', core, f64[at + layout.weight.data], w.data);
    if (bias !== null) copyIn(fn, 'bias', core, f64[at + layout.bias.data], bias);
    const r = layout.result;
    const shape: number[] = [];
    if (streamed) {
      // prepare wrote the result's shape; run copies rows between the arrays and the core as it goes.
      for (let i = 0; i < f64[at + r.rank]; i++) shape.push(f64[at + r.shape + i]);
      const length = f64[at + r.length];
      const data = out === null ? (newResultArray(length) ?? new Float32Array(length)) : out.view;
      stream.input = input;
      stream.inputDims = itemDims(x.shape);
      stream.result = data;
      stream.resultDims = itemDims(shape);
      if (core._tconv_conv_run(at * 8) !== 0) {
        if (stream.error !== undefined) args.fail(fn, 'input.data or the result could not be copied', stream.error);
        throw callError(core, at, layout);
      }
      return { data: out === null ? data : out.caller, shape };
    }
    if (core._tconv_conv_run(at * 8) !== 0) throw callError(core, at, layout);
    f64 = core.HEAPF64;
    for (let i = 0; i < f64[at + r.rank]; i++) shape.push(f64[at + r.shape + i]);
    const begin = f64[at + r.data] / 4;
    const end = begin + f64[at + r.length];
    if (out === null) {
      const data = newResultArray(end - begin);
      if (data === undefined) return { data: core.HEAPF32.slice(begin, end), shape };
      data.set(core.HEAPF32.subarray(begin, end));
      return { data, shape };
    }
    out.view.set(core.HEAPF32.subarray(begin, end)); // the core checked the length
    return { data: out.caller, shape };
  } finally {
    stream.input = stream.result = null;
    stream.error = undefined;
    core._tconv_conv_release(at * 8);
  }
}

/**
 * A new Float32Array of `length` elements for a result, which the wrapper fills
 * whole before returning it, or undefined for a plain new array. The Node entry
 * passes one that skips the zero fill of large results (node.ts). A plain
 * result is made by one `slice` of the core's memory, which costs about half
 * of a new array and a copy into it (an explainer-sized call makes one).
 */
export type NewResultArray = (length: number) => Float32Array | undefined;

const plainArray: NewResultArray = () => undefined;

export function wrapCore(core: CoreModule, newResultArray: NewResultArray = plainArray): Tconv {
  const limits: Readonly<Limits> = Object.freeze({ ...core.limits() });
  const address = core._tconv_conv_new();
  if (address === 0) throw new Error('tconv: out of memory (the call record)');
  // malloc aligns to 8 or more
  const record: CallRecord = {
    at: address / 8,
    layout: callLayout(core.convCallLayout()),
    newResultArray,
    stream: moduleStream(core),
    heap: null,
    heapBuffer: null,
  };

  // This wrapper's Weights and their memory; a Weight the caller forgets is freed once it is collected.
  const weights = new WeakMap<object, WeightMemory>();
  const freeWeight = (memory: WeightMemory): void => {
    if (memory.address === 0) return;
    core._tconv_weight_free(memory.address);
    memory.address = 0;
  };
  const forgotten = new FinalizationRegistry<WeightMemory>(freeWeight);

  /** A conv call's weight: this wrapper's live Weight (never a number the caller gave), or a checked tensor. */
  const convWeight = (fn: string, weight: unknown): ConvWeight => {
    const memory = weights.get(weight as object); // a WeakMap lookup runs none of the caller's code
    if (memory !== undefined) {
      if (memory.address === 0) args.fail(fn, 'weight was disposed; make a new one with weight()');
      return { memory };
    }
    if (ALL_WEIGHTS.has(weight as object)) args.fail(fn, 'weight was made by another Tconv; use its own weight()');
    return args.tensor(fn, 'weight', weight);
  };

  return {
    weight(tensor: Tensor): Weight {
      const fn = 'weight';
      const w = args.tensor(fn, 'weight', tensor);
      const { at, layout } = record;
      const f64 = core.HEAPF64;
      writeSlot(f64, at, layout.weight, w.data.length, w.shape);
      const made = core._tconv_weight_new(at * 8);
      const memory: WeightMemory = { address: made };
      try {
        if (made === 0) throw new Error(core.UTF8ToString(core.HEAPF64[at + layout.error]));
        copyIn(fn, 'weight.data', core, core.HEAPF64[at + layout.weight.data], w.data);
      } catch (error) {
        freeWeight(memory);
        throw error;
      } finally {
        core._tconv_conv_release(at * 8); // the message, if any
      }
      const handle = new WeightHandle(w.shape, () => {
        forgotten.unregister(memory);
        freeWeight(memory);
      });
      weights.set(handle, memory);
      ALL_WEIGHTS.add(handle);
      forgotten.register(handle, memory, memory);
      return handle;
    },

    conv2d(input: Tensor, weight: Tensor | Weight, options?: Conv2dOptions): Tensor {
      const fn = 'conv2d';
      const x = args.tensor(fn, 'input', input);
      const w = convWeight(fn, weight);
      const o = convCallOptions(fn, options, CONV_KEYS);
      const bias = args.optionalFloat32(fn, 'bias', o.bias);
      const out = outOption(fn, core, record, o.out, () => reads(x, w, bias));
      return convCall(core, record, fn, false, x, w, bias, convOptions(fn, o), out);
    },

    convTranspose2d(input: Tensor, weight: Tensor | Weight, options?: ConvTranspose2dOptions): Tensor {
      const fn = 'convTranspose2d';
      const x = args.tensor(fn, 'input', input);
      const w = convWeight(fn, weight);
      const o = convCallOptions(fn, options, CONV_TRANSPOSE_KEYS);
      const bias = args.optionalFloat32(fn, 'bias', o.bias);
      const out = outOption(fn, core, record, o.out, () => reads(x, w, bias));
      return convCall(core, record, fn, true, x, w, bias, convOptions(fn, o), out);
    },

    conv2dBackward(gradOutput: Tensor, input: Tensor, weight: Tensor, options?: Conv2dBackwardOptions): ConvGradients {
      const fn = 'conv2dBackward';
      const [g, x, w] = backwardTensors(core, fn, gradOutput, input, weight);
      const o = convOptions(fn, args.options(fn, options, BACKWARD_KEYS));
      return unwrap<RawConvGradients>(core.conv2dBackward(g, x, w, o));
    },

    convTranspose2dBackward(
      gradOutput: Tensor,
      input: Tensor,
      weight: Tensor,
      options?: ConvTranspose2dBackwardOptions,
    ): ConvGradients {
      const fn = 'convTranspose2dBackward';
      const [g, x, w] = backwardTensors(core, fn, gradOutput, input, weight);
      const o = convOptions(fn, args.options(fn, options, TRANSPOSED_BACKWARD_KEYS));
      return unwrap<RawConvGradients>(core.convTranspose2dBackward(g, x, w, o));
    },

    pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
      const fn = 'pixelShuffle';
      const x = embindTensor(core, args.tensor(fn, 'input', input));
      return unwrap(core.pixelShuffle(x, args.number(fn, 'upscaleFactor', upscaleFactor, NaN)));
    },

    pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
      const fn = 'pixelUnshuffle';
      const x = embindTensor(core, args.tensor(fn, 'input', input));
      return unwrap(core.pixelUnshuffle(x, args.number(fn, 'downscaleFactor', downscaleFactor, NaN)));
    },

    interpolate(input: Tensor, options: InterpolateOptions): Tensor {
      const fn = 'interpolate';
      const x = args.tensor(fn, 'input', input);
      if (options === undefined || options === null)
        args.fail(fn, 'options { mode, size or scaleFactor } are required');
      const o = args.options(fn, options, INTERPOLATE_KEYS);
      const raw = {
        mode: args.string(fn, 'mode', o.mode),
        size: o.size === undefined ? null : args.pair(fn, 'size', o.size, 0),
        scaleFactor: o.scaleFactor === undefined ? null : args.pair(fn, 'scaleFactor', o.scaleFactor, 0),
        alignCorners: args.boolean(fn, 'alignCorners', o.alignCorners),
      };
      const out = outOption(fn, core, record, o.out, () => [['input.data', x.data]]);
      const result = unwrap(core.interpolate(x, raw, out && out.view));
      return out === null ? result : { data: out.caller, shape: result.shape };
    },

    convMatrix(options: ConvMatrixOptions, kernel?: Float32Array): ConvMatrix {
      const fn = 'convMatrix';
      if (options === undefined || options === null) args.fail(fn, 'options { inputSize, kernelSize } are required');
      const o = args.options(fn, options, MATRIX_KEYS);
      const raw = {
        inputSize: sizePair(fn, 'inputSize', o.inputSize),
        kernelSize: sizePair(fn, 'kernelSize', o.kernelSize),
        stride: args.pair(fn, 'stride', o.stride, 1),
        padding: args.pair(fn, 'padding', o.padding, 0),
        dilation: args.pair(fn, 'dilation', o.dilation, 1),
      };
      return unwrap(core.convMatrix(raw, args.optionalFloat32(fn, 'kernel', kernel)));
    },

    conv2dOutputSize(inputSize, kernelSize, options?: OutputSizeOptions): [number, number] {
      const fn = 'conv2dOutputSize';
      const input = sizePair(fn, 'inputSize', inputSize);
      const kernel = sizePair(fn, 'kernelSize', kernelSize);
      const o = args.options(fn, options, SIZE_KEYS);
      return unwrap(core.conv2dOutputSize(input, kernel, convOptions(fn, o)));
    },

    convTranspose2dOutputSize(inputSize, kernelSize, options?: TransposedOutputSizeOptions): [number, number] {
      const fn = 'convTranspose2dOutputSize';
      const input = sizePair(fn, 'inputSize', inputSize);
      const kernel = sizePair(fn, 'kernelSize', kernelSize);
      const o = args.options(fn, options, TRANSPOSED_SIZE_KEYS);
      return unwrap(core.convTranspose2dOutputSize(input, kernel, convOptions(fn, o)));
    },

    upsampleImage(image: RgbaImage, options: UpsampleOptions) {
      const fn = 'upsampleImage';
      const img = args.image(fn, 'image', image);
      const { spec, progress, into } = upsampleSpec(fn, options);
      const result = progress.settle(core.upsampleImage(img.data, img.width, img.height, spec, progress.report));
      return withInto(result, spec.into ?? null, into);
    },

    upsampleBand(band: RgbaImage, options: UpsampleOptions, where: UpsampleBand) {
      const fn = 'upsampleBand';
      const img = args.image(fn, 'band', band);
      const { spec, progress, into } = upsampleSpec(fn, options);
      if (where === undefined || where === null) {
        args.fail(fn, 'where { imageHeight, firstRow, outputRows, opaque } is required');
      }
      const w = args.options(fn, where, BAND_KEYS, 'where');
      const raw: RawBand = {
        imageHeight: args.number(fn, 'imageHeight', w.imageHeight, NaN),
        firstRow: args.number(fn, 'firstRow', w.firstRow, NaN),
        outputRows: rowPair(fn, 'outputRows', w.outputRows),
        opaque: args.boolean(fn, 'opaque', w.opaque),
      };
      const result = progress.settle(core.upsampleBand(img.data, img.width, img.height, spec, raw, progress.report));
      return withInto(result, spec.into ?? null, into);
    },

    upsampleInputRows(size: { width: number; height: number }, options: UpsampleOptions, outputRows: [number, number]) {
      const fn = 'upsampleInputRows';
      if (typeof size !== 'object' || size === null) {
        args.fail(fn, `size must be { width, height }, got ${args.describe(size)}`);
      }
      const width = args.number(fn, 'size.width', args.read(fn, 'size', size, 'width'), NaN);
      const height = args.number(fn, 'size.height', args.read(fn, 'size', size, 'height'), NaN);
      const { spec } = upsampleSpec(fn, options);
      return unwrap(core.upsampleInputRows(width, height, spec, rowPair(fn, 'outputRows', outputRows)));
    },

    imageDifference(a: RgbaImage, b: RgbaImage, gain = 1) {
      const fn = 'imageDifference';
      const first = args.image(fn, 'a', a);
      const second = args.image(fn, 'b', b);
      const g = args.number(fn, 'gain', gain, 1);
      return unwrap(
        core.imageDifference(first.data, first.width, first.height, second.data, second.width, second.height, g),
      );
    },

    bilinearKernel(factor: number): Tensor {
      return unwrap(core.bilinearKernel(args.number('bilinearKernel', 'factor', factor, NaN)));
    },

    upsampleGeometry(inputSize: [number, number], options: UpsampleGeometryOptions): UpsampleGeometry {
      const fn = 'upsampleGeometry';
      const size = sizePair(fn, 'inputSize', inputSize);
      if (options === undefined || options === null) args.fail(fn, 'options { method, factor } are required');
      return unwrap(core.upsampleGeometry(size, coreSpec(fn, args.options(fn, options, GEOMETRY_KEYS))));
    },

    limits,

    heapInUse: () => core.heapInUse(),
  };
}
