// What the upsampler's main thread and its workers share: the methods, the
// job specs that name a result, and the typed interfaces of the workers
// (called through Comlink, see client/bridge.ts). DOM-free apart from types.

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

/**
 * Results with a longer side get a preview bitmap of at most this size: drawing
 * a 67 Mpx bitmap smoothly at a small zoom would take the main thread hundreds
 * of milliseconds (mipmaps), its preview takes a few.
 */
export const PREVIEW_MAX_SIDE = 2048;

export type SourceSpec = { kind: 'blob'; blob: Blob; name: string } | { kind: 'sample'; name: SampleName };

/** An image: straight-alpha RGBA bytes. */
export interface RgbaBuffer {
  width: number;
  height: number;
  /** RGBA bytes, straight alpha (transferred). */
  pixels: ArrayBuffer;
}

/** A result ready to show: its pixels (for the readout and getImageData) and bitmaps to draw. */
export interface Shown extends RgbaBuffer {
  /** Time of the core's call alone. */
  ms: number;
  /** The same pixels, ready to draw (transferred). */
  bitmap: ImageBitmap;
  /** A smaller copy for zoomed-out drawing, for results above PREVIEW_MAX_SIDE (transferred). */
  preview: ImageBitmap | null;
}

export interface Loaded {
  width: number;
  height: number;
  /** Decode (or generation) time. */
  ms: number;
  /** True when any pixel is not fully opaque. */
  alpha: boolean;
}

export interface Upsampled extends Shown {
  /** True when the result came from the worker's cache (ms is then 0). */
  cached: boolean;
  /** Workers that computed it: 1, or the band workers it was split across. */
  workers: number;
}

export type Progress = (fraction: number) => void;

/** The name of an error after which a worker is unusable (out of memory, a trap): the page replaces it. */
export const FATAL_ERROR = 'TconvWorkerBroken';

/**
 * What the upsampler's worker (worker/core-worker.ts) offers, called through
 * Comlink (client/bridge.ts). One call at a time: the worker keeps the decoded
 * source and the last few results, so a difference or a download needs no
 * recomputation. `workers` is how many cores a large up-sampling may use: the
 * worker then splits it into bands (tiles.ts) for a pool of band workers it
 * owns (BandWorkerApi). Progress callbacks are Comlink proxies.
 */
export interface CoreWorkerApi {
  /** Loads the core from its bytes (so a fresh worker needs no network) and warms it up. */
  init(wasm: ArrayBuffer): Promise<void>;
  /** Decodes a file (or makes a sample), optionally downscaled to `resize`; it becomes the source. */
  load(source: SourceSpec, resize?: { width: number; height: number }): Promise<Loaded>;
  upsample(spec: JobSpec, workers: number, onProgress?: Progress): Promise<Upsampled>;
  /** |A − B| × gain of two results. */
  difference(a: JobSpec, b: JobSpec, gain: number, workers: number, onProgress?: Progress): Promise<Shown>;
  /** A result as a PNG file; progress covers its computation (unless cached) and then the rows encoded. */
  encode(spec: JobSpec, workers: number, onProgress?: Progress): Promise<Blob>;
  /** A copy of the decoded source. */
  pixels(): Promise<RgbaBuffer>;
}

/** Where a band lies in the whole image (the core's upsampleBand `where`). */
export interface BandWhere {
  imageHeight: number;
  firstRow: number;
  outputRows: [number, number];
  opaque: boolean;
}

/** What a band worker (worker/band-worker.ts) offers the upsampler's worker, through Comlink. */
export interface BandWorkerApi {
  init(wasm: ArrayBuffer): Promise<void>;
  /** Rows of one up-sampling from the image rows they read (their halo included); the bytes are transferred. */
  band(
    image: { data: Uint8ClampedArray; width: number; height: number },
    spec: JobSpec,
    where: BandWhere,
    onProgress?: Progress,
  ): Promise<{ data: Uint8ClampedArray; width: number; height: number; ms: number }>;
  /** A band's bytes, handed back after stitching: filled again by the next band of that size. */
  recycle(data: Uint8ClampedArray): void;
}

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
