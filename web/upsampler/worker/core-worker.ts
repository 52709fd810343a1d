// The upsampler's worker: decodes images, makes the samples, and runs every
// method, difference and PNG encoding through the WebAssembly core, off the
// main thread. It loads the core once (from bytes the page hands over, so a
// replacement worker needs no network). Its interface is CoreWorkerApi
// (../shared/protocol.ts), called through Comlink; calls run one at a time.

import * as Comlink from 'comlink';

import { createTconv } from '../../lib/index.js';
import type { Tconv } from '../../lib/index.js';
import { LARGE_OUTPUT_PIXELS, LIMITS, formatSize } from '../shared/limits.js';
import { encodePng } from '../shared/png.js';
import { isOpaque, placeBand, planBands, sliceRows } from '../shared/tiles.js';
import { warmUp } from '../shared/warmup.js';
import { BandPool } from './band-pool.js';
import { release } from './release.js';

import {
  PREVIEW_MAX_SIDE,
  coreOptions,
  errorMessage,
  specKey,
  FATAL_ERROR,
  type CoreWorkerApi,
  type JobSpec,
  type Progress,
  type Shown,
  type SourceSpec,
} from '../shared/protocol.js';
import { alphaSample, detailSample, type Pixels } from '../shared/samples.js';
import { textSample } from './text-sample.js';

type Image = Pixels;

/** The shortest time between two progress messages. */
const PROGRESS_INTERVAL_MS = 100;

/** Results kept for differences and downloads; the two sides plus one spare. */
const CACHE_ENTRIES = 3;

let core: Promise<Tconv> | null = null;
/** The band workers, started on the first large job; null until then, or when workers cannot start here. */
let pool: BandPool | null = null;
let poolUnavailable = false;
let wasmBytes: ArrayBuffer | null = null;
let source: Image | null = null;
let sourceOpaque = true;
const cache = new Map<string, { image: Image; workers: number }>();

/** Errors after which the core may be broken (out of memory, a trap): the page replaces the worker. */
function isFatal(e: unknown): boolean {
  if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) return true;
  const m = errorMessage(e);
  return /Aborted|out of memory|bad_alloc/i.test(m);
}

/** The error to send back: named FATAL_ERROR when the worker should be replaced (client/bridge.ts). */
function outgoing(e: unknown): Error {
  const error = new Error(errorMessage(e));
  if (isFatal(e)) error.name = FATAL_ERROR;
  return error;
}

async function decode(blob: Blob, name: string, resize?: { width: number; height: number }): Promise<Image> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, {
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'none',
      ...(resize ? { resizeWidth: resize.width, resizeHeight: resize.height, resizeQuality: 'high' as const } : {}),
    });
  } catch {
    throw new Error(`could not decode “${name}” (corrupt or truncated?)`);
  }
  const { width, height } = bitmap;
  if (width * height > LIMITS.maxDecodePixels) {
    bitmap.close();
    throw new Error(`“${name}” decodes to ${formatSize({ width, height })}, above the limit`);
  }
  const canvas = new OffscreenCanvas(width, height);
  const g = canvas.getContext('2d', { willReadFrequently: true });
  if (!g) throw new Error('no 2D canvas in this worker');
  g.drawImage(bitmap, 0, 0);
  bitmap.close();
  const data = g.getImageData(0, 0, width, height).data;
  return { width, height, data };
}

function makeSource(spec: SourceSpec, resize?: { width: number; height: number }): Promise<Image> {
  if (spec.kind === 'blob') return decode(spec.blob, spec.name, resize);
  if (spec.name === 'detail') return Promise.resolve(detailSample());
  if (spec.name === 'alpha') return Promise.resolve(alphaSample());
  return Promise.resolve(textSample());
}

function requireSource(): Image {
  if (!source) throw new Error('no image is loaded');
  return source;
}

function remember(key: string, img: Image, workers = cache.get(key)?.workers ?? 1): void {
  cache.delete(key);
  cache.set(key, { image: img, workers });
  while (cache.size > CACHE_ENTRIES) {
    const oldest = cache.keys().next().value!;
    recycle(cache.get(oldest)!.image.data);
    cache.delete(oldest);
  }
}

// Buffers of results that left the cache, for the next results of the same
// size: a new 256 MB array costs its page faults (~100 ms), a recycled one
// none. Nothing else holds them (requests run one at a time, and displays
// get copies).
const spares: Uint8ClampedArray[] = [];
const MAX_SPARES = 2;

function recycle(data: Uint8ClampedArray): void {
  if (data.length < 1 << 20) return; // small ones are cheap to allocate
  spares.unshift(data);
  spares.length = Math.min(spares.length, MAX_SPARES);
}

/** A recycled buffer of exactly `length` bytes, taken from the spares, or undefined. */
function spare(length: number): Uint8ClampedArray | undefined {
  const i = spares.findIndex((b) => b.length === length);
  return i < 0 ? undefined : spares.splice(i, 1)[0];
}

/** The pool with at least `count` band workers, or null when this context cannot start workers. */
function bandPool(count: number): BandPool | null {
  if (poolUnavailable || !wasmBytes) return null;
  try {
    pool ??= new BandPool(wasmBytes);
    pool.grow(count);
    return pool;
  } catch {
    poolUnavailable = true; // e.g. no nested workers: every job runs here
    return null;
  }
}

/** One up-sampling split into bands, one per band worker; the rows are copied into place as they arrive. */
async function computeInBands(
  tc: Tconv,
  src: Image,
  spec: JobSpec,
  bands: BandPool,
  parts: number,
  report: (fraction: number) => void,
): Promise<Image> {
  const [height, width] = tc.upsampleGeometry([src.height, src.width], coreOptions(spec)).outputSize;
  const plan = planBands(tc, src, coreOptions(spec), height, parts);
  const recycled = spare(width * height * 4);
  const result: Image = { width, height, data: recycled ?? new Uint8ClampedArray(width * height * 4) };
  const done = plan.map(() => 0);
  const progress = () =>
    report(plan.reduce((sum, job, i) => sum + done[i]! * (job.outputRows[1] - job.outputRows[0]), 0) / height);
  const runs = Promise.all(
    plan.map(async (job, i) => {
      const where = {
        imageHeight: src.height,
        firstRow: job.inputRows[0],
        outputRows: job.outputRows,
        opaque: sourceOpaque,
      };
      const band = await bands.run(i, sliceRows(src, job.inputRows), spec, where, (fraction) => {
        done[i] = fraction;
        progress();
      });
      placeBand(result, band, job.outputRows[0]);
      bands.recycle(i, band.data); // back to its band worker, for its next band
    }),
  );
  // While the band workers compute, this worker is idle: map a new result's
  // pages now (a first write page-faults them in) rather than while stitching.
  if (!recycled) result.data.fill(0);
  await runs;
  return result;
}

/**
 * `onProgress` for a part of a call: a fraction of the part is mapped into [from, to], and at most one message
 * goes out per PROGRESS_INTERVAL_MS (the core reports every strip, each band worker its own, the PNG encoder
 * every batch of rows), since every message costs the page a render, time taken from the cores doing the work.
 */
function reporter(onProgress: Progress | undefined, from: number, to: number): (fraction: number) => void {
  let lastReport = -Infinity;
  return (fraction) => {
    const now = performance.now();
    if (now - lastReport < PROGRESS_INTERVAL_MS && fraction < 1) return;
    lastReport = now;
    void onProgress?.(from + (to - from) * fraction);
  };
}

/** Runs (or finds) one up-sampling on up to `workers` cores; progress is mapped into [from, to]. */
async function compute(
  onProgress: Progress | undefined,
  spec: JobSpec,
  workers: number,
  from = 0,
  to = 1,
): Promise<{ image: Image; ms: number; cached: boolean; workers: number }> {
  const key = specKey(spec);
  const hit = cache.get(key);
  if (hit) {
    remember(key, hit.image);
    return { image: hit.image, ms: 0, cached: true, workers: hit.workers };
  }
  const tc = await core!;
  const src = requireSource();
  const report = reporter(onProgress, from, to);
  const t0 = performance.now();
  // The core's geometry checks the spec too: a bad one fails here with the core's message.
  const [height, width] = tc.upsampleGeometry([src.height, src.width], coreOptions(spec)).outputSize;
  const parts = Math.min(Math.floor(workers), height);
  const bands = parts > 1 && width * height >= LARGE_OUTPUT_PIXELS ? bandPool(parts) : null;
  const single = () =>
    tc.upsampleImage(src, { ...coreOptions(spec), onProgress: report, into: spare(width * height * 4) });
  let out: Image;
  let used = 1;
  if (bands) {
    // Validate in this worker first: a bad spec fails here with the core's message, not in each band.
    tc.upsampleInputRows(src, coreOptions(spec), [0, 1]);
    try {
      out = await computeInBands(tc, src, spec, bands, parts, report);
      used = parts;
    } catch {
      // A band worker failed (it could not start here, or ran out of memory):
      // stop the pool and compute everything in this worker, which reports any real error.
      pool?.dispose();
      pool = null;
      poolUnavailable = true;
      out = single();
    }
  } else {
    out = single();
  }
  const ms = performance.now() - t0;
  remember(key, out, used);
  return { image: out, ms, cached: false, workers: used };
}

/** A copy of the pixels (the cache keeps its own), a bitmap to draw and maybe a preview, all transferred. */
async function forDisplay(img: Image, ms: number): Promise<Shown> {
  const copy = img.data.slice();
  const bitmap = await createImageBitmap(new ImageData(copy, img.width, img.height));
  let preview: ImageBitmap | null = null;
  const side = Math.max(img.width, img.height);
  if (side > PREVIEW_MAX_SIDE) {
    const s = PREVIEW_MAX_SIDE / side;
    preview = await createImageBitmap(bitmap, {
      resizeWidth: Math.max(1, Math.round(img.width * s)),
      resizeHeight: Math.max(1, Math.round(img.height * s)),
      resizeQuality: 'medium',
    });
  }
  const transfer: Transferable[] = [copy.buffer, bitmap];
  if (preview) transfer.push(preview);
  return Comlink.transfer({ width: img.width, height: img.height, ms, pixels: copy.buffer, bitmap, preview }, transfer);
}

function requireCore(): Promise<Tconv> {
  if (!core) throw new Error('the worker was not initialised');
  return core;
}

// One call at a time, in order: a load must not replace the source while a
// result of the old one is being computed (and cached). The page sends one
// at a time anyway; this keeps the worker right on its own.
let chain: Promise<unknown> = Promise.resolve();
function serial<T>(run: () => Promise<T>): Promise<T> {
  const next = chain.then(run).catch((e: unknown) => {
    throw outgoing(e);
  });
  chain = next.catch(() => undefined);
  return next;
}

const api: CoreWorkerApi = {
  init: (wasm) =>
    serial(async () => {
      // locateFile keeps the glue from resolving core.wasm against this worker's (blob:) URL.
      wasmBytes = wasm;
      core = createTconv({ wasmBinary: wasm, locateFile: (path) => path });
      try {
        warmUp(await core);
      } catch (e) {
        const error = new Error(`could not load the WebAssembly core: ${errorMessage(e)}`);
        error.name = FATAL_ERROR;
        throw error;
      }
    }),

  load: (spec, resize) =>
    serial(async () => {
      await requireCore();
      const t0 = performance.now();
      const img = await makeSource(spec, resize);
      source = img;
      sourceOpaque = isOpaque(img);
      for (const entry of cache.values()) recycle(entry.image.data);
      cache.clear();
      return { width: img.width, height: img.height, ms: performance.now() - t0, alpha: !sourceOpaque };
    }),

  upsample: (spec, workers, onProgress) =>
    serial(async () => {
      try {
        await requireCore();
        const { image, ms, cached, workers: used } = await compute(onProgress, spec, workers);
        return { ...(await forDisplay(image, ms)), cached, workers: used };
      } finally {
        release(onProgress);
      }
    }),

  difference: (a, b, gain, workers, onProgress) =>
    serial(async () => {
      try {
        const tc = await requireCore();
        const imageA = (await compute(onProgress, a, workers, 0, 0.45)).image;
        const imageB = (await compute(onProgress, b, workers, 0.45, 0.9)).image;
        const t0 = performance.now();
        const diff = tc.imageDifference(imageA, imageB, gain);
        return await forDisplay(diff, performance.now() - t0);
      } finally {
        release(onProgress);
      }
    }),

  encode: (spec, workers, onProgress) =>
    serial(async () => {
      try {
        await requireCore();
        // Usually the result is cached (it is shown): then the progress is the encoding's alone.
        const encodeFrom = cache.has(specKey(spec)) ? 0 : 0.5;
        const { image } = await compute(onProgress, spec, workers, 0, encodeFrom);
        const png = await encodePng(image, { onProgress: reporter(onProgress, encodeFrom, 1) });
        return new Blob([png], { type: 'image/png' });
      } finally {
        release(onProgress);
      }
    }),

  pixels: () =>
    serial(async () => {
      const src = requireSource();
      const copy = src.data.slice();
      return Comlink.transfer({ width: src.width, height: src.height, pixels: copy.buffer }, [copy.buffer]);
    }),
};

Comlink.expose(api);
