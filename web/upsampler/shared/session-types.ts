// The shapes the upsampler's session (session.ts) works with: what it shows
// (sides, results, jobs, the source, a problem), the client it calls and the
// events it sends its element. DOM-free.

import type { Size } from './limits.js';
import type { JobSpec, Loaded, RgbaBuffer, Shown, SourceSpec, Upsampled, UpsampleMethod } from './protocol.js';

export type SideId = 'a' | 'b';
export const SIDES: readonly SideId[] = ['a', 'b'];

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** Long enough that stopping it is worth a fresh worker. */
  heavy?: boolean;
}

/** The worker's calls as the session needs them (see CoreWorkerApi in protocol.ts). */
export interface UpsamplerClient {
  load(source: SourceSpec, resize: Size | undefined, options?: CallOptions): Promise<Loaded>;
  upsample(spec: JobSpec, workers: number, options?: CallOptions): Promise<Upsampled>;
  difference(a: JobSpec, b: JobSpec, gain: number, workers: number, options?: CallOptions): Promise<Shown>;
  encode(spec: JobSpec, workers: number, options?: CallOptions): Promise<Blob>;
  pixels(options?: CallOptions): Promise<RgbaBuffer>;
  /** Stops whatever runs now (the worker is replaced). */
  restart(): void;
  dispose(): void;
}

/** A shown image: the pixels for the readout, bitmaps to draw. */
export interface Layer {
  bitmap: ImageBitmap;
  preview: ImageBitmap | null;
  width: number;
  height: number;
  pixels: Uint8ClampedArray;
}

export interface SideResult extends Layer {
  key: string;
  spec: JobSpec;
  ms: number;
  /** Cores it was computed on. */
  workers: number;
}

export interface Job {
  key: string;
  started: number;
  progress: number | null;
}

export interface Side {
  method: UpsampleMethod;
  alignCorners: boolean;
  result: SideResult | null;
  job: Job | null;
  error: string | null;
  /** The user cancelled this computation: not restarted until something changes. */
  cancelledKey: string | null;
}

export interface Source {
  name: string;
  format: string;
  width: number;
  height: number;
  alpha: boolean;
  ms: number;
  origin: SourceSpec;
  /** The size the file declares, when it was downscaled on decoding. */
  declared?: Size;
}

export interface Problem {
  message: string;
  /** Offer to decode the image again at a smaller size (and then use `factor`). */
  fit?: { origin: SourceSpec; size: Size; factor: number; declared: Size; format: string };
}

export interface SessionEvents {
  /** Something shown changed. */
  changed(): void;
  /** tconv-load, tconv-result, tconv-error with their details (see tconv-upsampler.component.ts). */
  emit(type: 'tconv-load' | 'tconv-result' | 'tconv-error', detail: Record<string, unknown>): void;
  /** How many cores a large up-sampling may use. */
  workers(): number;
  /** A millisecond clock (performance.now in the page). */
  now(): number;
}
