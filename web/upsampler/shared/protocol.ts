// The messages between <tconv-upsampler> and its worker. DOM-free types plus
// the helpers both sides share.
//
// Main thread → worker (one at a time; the worker answers each in order):
//   init        { wasm }                            the core's bytes; the worker loads the core once
//   load        { id, source, resize? }             decode a file (or make a sample) → loaded
//   upsample    { id, spec, workers }               → progress…, result (pixels + bitmap, transferred)
//   difference  { id, a, b, gain, workers }         |A − B| × gain of two results → difference
//   encode      { id, spec, workers }               a result as a PNG Blob → encoded
//   pixels      { id }                              a copy of the decoded source → pixels
// Worker → main thread: the answers above, progress { id, fraction } and
// error { id, message, fatal } (fatal: the worker should be replaced).
//
// The worker keeps the decoded source and the last few results, so a
// difference or a download needs no recomputation. `workers` is how many
// cores a large up-sampling may use: the worker then splits it into bands
// (tiles.ts) for a pool of band workers it owns (BandRequest below), each with
// its own core instance, and stitches their rows. Stopping the worker stops
// its pool too. Job ids only grow; the
// main thread ignores answers to jobs it no longer waits for.

import type { UpsampleMethod } from '../../lib/types.js';
import type { Kernel } from './kernels.js';
import type { SampleName } from './samples.js';

export type { UpsampleMethod };

export const METHODS: readonly UpsampleMethod[] = [
  'nearest',
  'bilinear',
  'bicubic',
  'transposed-bilinear',
  'transposed',
  'resize-conv-nearest',
  'resize-conv-bilinear',
];

export const INTERPOLATION_METHODS: readonly UpsampleMethod[] = ['nearest', 'bilinear', 'bicubic'];
export const KERNEL_METHODS: readonly UpsampleMethod[] = ['transposed', 'resize-conv-nearest', 'resize-conv-bilinear'];

export function isMethod(s: string): s is UpsampleMethod {
  return (METHODS as readonly string[]).includes(s);
}
export function usesKernel(m: UpsampleMethod): boolean {
  return KERNEL_METHODS.includes(m);
}
export function takesSize(m: UpsampleMethod): boolean {
  return INTERPOLATION_METHODS.includes(m);
}
export function takesAlignCorners(m: UpsampleMethod): boolean {
  return m === 'bilinear' || m === 'bicubic';
}

export const METHOD_LABELS: Record<UpsampleMethod, string> = {
  nearest: 'Nearest',
  bilinear: 'Bilinear',
  bicubic: 'Bicubic',
  'transposed-bilinear': 'Transposed conv · bilinear kernel',
  transposed: 'Transposed conv · your kernel',
  'resize-conv-nearest': 'Resize-conv · nearest + your kernel',
  'resize-conv-bilinear': 'Resize-conv · bilinear + your kernel',
};

/** Short names for labels over the images and file names. */
export const METHOD_SHORT: Record<UpsampleMethod, string> = {
  nearest: 'nearest',
  bilinear: 'bilinear',
  bicubic: 'bicubic',
  'transposed-bilinear': 'transposed conv (bilinear)',
  transposed: 'transposed conv',
  'resize-conv-nearest': 'resize-conv (nearest)',
  'resize-conv-bilinear': 'resize-conv (bilinear)',
};

/** One up-sampling, fully described: equal specs give equal pixels. */
export interface JobSpec {
  method: UpsampleMethod;
  /** Integer factor 2–4 (the stride of the convolution methods). */
  factor: number;
  /** Explicit output [width, height], interpolation methods only. */
  size?: [number, number];
  alignCorners?: boolean;
  /** The kernel methods only. */
  kernel?: Kernel;
}

/** A canonical form: only the fields the method uses. */
export function normaliseSpec(spec: JobSpec): JobSpec {
  const out: JobSpec = { method: spec.method, factor: spec.factor };
  if (spec.size && takesSize(spec.method)) out.size = [spec.size[0], spec.size[1]];
  if (spec.alignCorners && takesAlignCorners(spec.method)) out.alignCorners = true;
  if (usesKernel(spec.method) && spec.kernel) out.kernel = { size: spec.kernel.size, values: [...spec.kernel.values] };
  return out;
}

/** A string naming a spec's result (equal for equal results): the cache key. */
export function specKey(spec: JobSpec): string {
  const s = normaliseSpec(spec);
  const parts: string[] = [s.method, s.size ? `${s.size[0]}x${s.size[1]}` : `x${s.factor}`];
  if (s.alignCorners) parts.push('ac');
  if (s.kernel) parts.push(`k${s.kernel.size}:${s.kernel.values.map((v) => Math.fround(v)).join(',')}`);
  return parts.join('|');
}

/** Output [width, height] of a spec for an input size. */
export function specOutputSize(spec: JobSpec, width: number, height: number): [number, number] {
  if (spec.size && takesSize(spec.method)) return [spec.size[0], spec.size[1]];
  return [width * spec.factor, height * spec.factor];
}

/**
 * Results with a longer side get a preview bitmap of at most this size: drawing
 * a 67 Mpx bitmap smoothly at a small zoom would take the main thread hundreds
 * of milliseconds (mipmaps), its preview takes a few.
 */
export const PREVIEW_MAX_SIDE = 2048;

export type SourceSpec = { kind: 'blob'; blob: Blob; name: string } | { kind: 'sample'; name: SampleName };

export type WorkerRequest =
  | { type: 'init'; wasm: ArrayBuffer }
  | { type: 'load'; id: number; source: SourceSpec; resize?: { width: number; height: number } }
  | { type: 'upsample'; id: number; spec: JobSpec; workers: number }
  | { type: 'difference'; id: number; a: JobSpec; b: JobSpec; gain: number; workers: number }
  | { type: 'encode'; id: number; spec: JobSpec; workers: number }
  | { type: 'pixels'; id: number };

export interface LoadedMessage {
  type: 'loaded';
  id: number;
  width: number;
  height: number;
  /** Decode (or generation) time. */
  ms: number;
  /** True when any pixel is not fully opaque. */
  alpha: boolean;
}

export interface ResultMessage {
  type: 'result';
  id: number;
  key: string;
  width: number;
  height: number;
  /** Time of the core's upsampleImage call alone. */
  ms: number;
  /** RGBA bytes, straight alpha (transferred). */
  pixels: ArrayBuffer;
  /** The same pixels, ready to draw (transferred). */
  bitmap: ImageBitmap;
  /** A smaller copy for zoomed-out drawing, for results above PREVIEW_MAX_SIDE (transferred). */
  preview: ImageBitmap | null;
  /** True when the result came from the worker's cache. */
  cached: boolean;
  /** Workers that computed it: 1, or the band workers it was split across. */
  workers: number;
}

export interface DifferenceMessage {
  type: 'difference';
  id: number;
  width: number;
  height: number;
  ms: number;
  pixels: ArrayBuffer;
  bitmap: ImageBitmap;
  preview: ImageBitmap | null;
}

export interface EncodedMessage {
  type: 'encoded';
  id: number;
  blob: Blob;
  ms: number;
}

export interface PixelsMessage {
  type: 'pixels';
  id: number;
  width: number;
  height: number;
  pixels: ArrayBuffer;
}

export interface ProgressMessage {
  type: 'progress';
  id: number;
  /** 0–1; the core reports once per channel. */
  fraction: number;
}

export interface ErrorMessage {
  type: 'error';
  id: number;
  message: string;
  /** The worker is unusable (e.g. out of memory) and should be replaced. */
  fatal: boolean;
}

export interface ReadyMessage {
  type: 'ready';
}

export type WorkerResponse =
  | ReadyMessage
  | LoadedMessage
  | ResultMessage
  | DifferenceMessage
  | EncodedMessage
  | PixelsMessage
  | ProgressMessage
  | ErrorMessage;

// The upsampler's worker → one of its band workers (worker/band-worker.ts):
//   init  { wasm }                                   load the core
//   band  { id, image, spec, where }                 rows of one up-sampling → band (transferred)
//   recycle { data }                                 a band's bytes back, to fill with the next band
// Band worker → upsampler's worker: progress { id, fraction }, band { id, … }, error { id, message }.

export type BandRequest =
  | { type: 'init'; wasm: ArrayBuffer }
  /** A band's bytes, handed back after stitching: filled again by the next band of that size. */
  | { type: 'recycle'; data: Uint8ClampedArray }
  | {
      type: 'band';
      id: number;
      /** The image rows the band reads (its halo included). */
      image: { data: Uint8ClampedArray; width: number; height: number };
      spec: JobSpec;
      where: { imageHeight: number; firstRow: number; outputRows: [number, number]; opaque: boolean };
    };

export type BandResponse =
  | { type: 'progress'; id: number; fraction: number }
  | { type: 'band'; id: number; data: Uint8ClampedArray; width: number; height: number; ms: number }
  | { type: 'error'; id: number; message: string };

/** The core's upsample options for a job spec (the core takes [height, width]). */
export function coreOptions(spec: JobSpec): {
  method: UpsampleMethod;
  factor: number;
  size?: [number, number];
  alignCorners: boolean;
  kernel?: { data: Float32Array; shape: [number, number] };
} {
  const k = spec.kernel;
  return {
    method: spec.method,
    factor: spec.factor,
    size: spec.size ? [spec.size[1], spec.size[0]] : undefined,
    alignCorners: spec.alignCorners ?? false,
    kernel: k ? { data: new Float32Array(k.values), shape: [k.size, k.size] } : undefined,
  };
}

/** Turns whatever was thrown into one readable sentence fragment. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  return String(e);
}
