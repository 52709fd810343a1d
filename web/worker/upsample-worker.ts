// The upsampler's worker: decodes images, makes the samples, and runs every
// method, difference and PNG encoding through the WebAssembly core, off the
// main thread. It loads the core once (from bytes the page hands over, so a
// replacement worker needs no network) and answers one request at a time.
// Protocol: web/lib/upsampler/protocol.ts.

import { createTconv } from '../lib/index.js';
import type { Tconv } from '../lib/index.js';
import { LIMITS, formatSize } from '../lib/upsampler/limits.js';
import { encodePng } from '../lib/upsampler/png.js';
import {
  PREVIEW_MAX_SIDE,
  errorMessage,
  specKey,
  type JobSpec,
  type SourceSpec,
  type WorkerRequest,
  type WorkerResponse,
} from '../lib/upsampler/protocol.js';
import { alphaSample, detailSample, type Pixels } from '../lib/upsampler/samples.js';
import { textSample } from './text-sample.js';

type Image = Pixels;

/** Results kept for differences and downloads; the two sides plus one spare. */
const CACHE_ENTRIES = 3;

let core: Promise<Tconv> | null = null;
let source: Image | null = null;
const cache = new Map<string, Image>();

function post(message: WorkerResponse, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

/** Errors after which the core may be broken (out of memory, a trap): the page replaces the worker. */
function isFatal(e: unknown): boolean {
  if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) return true;
  const m = errorMessage(e);
  return /Aborted|out of memory|bad_alloc/i.test(m);
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

function hasAlpha(img: Image): boolean {
  const d = img.data;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 255) return true;
  return false;
}

function requireSource(): Image {
  if (!source) throw new Error('no image is loaded');
  return source;
}

function remember(key: string, img: Image): void {
  cache.delete(key);
  cache.set(key, img);
  while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
}

/** Runs (or finds) one up-sampling; progress is mapped into [from, to]. */
async function compute(
  id: number,
  spec: JobSpec,
  from = 0,
  to = 1,
): Promise<{ image: Image; ms: number; cached: boolean }> {
  const key = specKey(spec);
  const hit = cache.get(key);
  if (hit) {
    remember(key, hit);
    return { image: hit, ms: 0, cached: true };
  }
  const tc = await core!;
  const src = requireSource();
  const k = spec.kernel;
  const t0 = performance.now();
  const out = tc.upsampleImage(src, {
    method: spec.method,
    factor: spec.factor,
    // the core takes [height, width]
    size: spec.size ? [spec.size[1], spec.size[0]] : undefined,
    alignCorners: spec.alignCorners ?? false,
    kernel: k ? { data: new Float32Array(k.values), shape: [k.size, k.size] } : undefined,
    onProgress: (fraction) => post({ type: 'progress', id, fraction: from + (to - from) * fraction }),
  });
  const ms = performance.now() - t0;
  remember(key, out);
  return { image: out, ms, cached: false };
}

/** A copy of the pixels (the cache keeps its own), a bitmap to draw and maybe a preview, all to transfer. */
async function forDisplay(
  img: Image,
): Promise<{ pixels: ArrayBuffer; bitmap: ImageBitmap; preview: ImageBitmap | null; transfer: Transferable[] }> {
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
  return { pixels: copy.buffer, bitmap, preview, transfer };
}

async function handle(msg: WorkerRequest): Promise<void> {
  if (msg.type === 'init') {
    // locateFile keeps the glue from resolving core.wasm against this worker's (blob:) URL.
    core = createTconv({ wasmBinary: msg.wasm, locateFile: (path) => path });
    try {
      await core;
      post({ type: 'ready' });
    } catch (e) {
      post({ type: 'error', id: 0, message: `could not load the WebAssembly core: ${errorMessage(e)}`, fatal: true });
    }
    return;
  }
  const id = msg.id;
  try {
    if (!core) throw new Error('the worker was not initialised');
    switch (msg.type) {
      case 'load': {
        const t0 = performance.now();
        const img = await makeSource(msg.source, msg.resize);
        source = img;
        cache.clear();
        post({
          type: 'loaded',
          id,
          width: img.width,
          height: img.height,
          ms: performance.now() - t0,
          alpha: hasAlpha(img),
        });
        break;
      }
      case 'upsample': {
        const { image, ms, cached } = await compute(id, msg.spec);
        const { pixels, bitmap, preview, transfer } = await forDisplay(image);
        post(
          {
            type: 'result',
            id,
            key: specKey(msg.spec),
            width: image.width,
            height: image.height,
            ms,
            pixels,
            bitmap,
            preview,
            cached,
          },
          transfer,
        );
        break;
      }
      case 'difference': {
        const a = (await compute(id, msg.a, 0, 0.45)).image;
        const b = (await compute(id, msg.b, 0.45, 0.9)).image;
        const tc = await core;
        const t0 = performance.now();
        const diff = tc.imageDifference(a, b, msg.gain);
        const ms = performance.now() - t0;
        const { pixels, bitmap, preview, transfer } = await forDisplay(diff);
        post({ type: 'difference', id, width: diff.width, height: diff.height, ms, pixels, bitmap, preview }, transfer);
        break;
      }
      case 'encode': {
        const { image } = await compute(id, msg.spec, 0, 0.5);
        const t0 = performance.now();
        const png = await encodePng(image);
        post({ type: 'encoded', id, blob: new Blob([png], { type: 'image/png' }), ms: performance.now() - t0 });
        break;
      }
      case 'pixels': {
        const src = requireSource();
        const copy = src.data.slice();
        post({ type: 'pixels', id, width: src.width, height: src.height, pixels: copy.buffer }, [copy.buffer]);
        break;
      }
    }
  } catch (e) {
    post({ type: 'error', id, message: errorMessage(e), fatal: isFatal(e) });
  }
}

// One request at a time, in order (decoding awaits, so requests are chained).
let chain: Promise<void> = Promise.resolve();
self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const msg = event.data;
  chain = chain.then(() => handle(msg));
};
