// The Learn mode's training worker: holds the trainers of the sides it was
// given (one side per worker when the page has two cores or more, both sides
// otherwise), steps them a chunk per call, and evaluates them: PSNR, the
// result as a bitmap, the flat-grey response and the kernels per phase. It
// loads the core from bytes the page hands over, so a replacement worker
// needs no network. Its interface is TrainWorkerApi
// (../shared/learn-protocol.ts), called through Comlink; calls run one at a
// time.

import * as Comlink from 'comlink';

import { createTconv } from '../../lib/index.js';
import type { Tconv, TconvWithTrainer, UpsamplerTrainer } from '../../lib/index.js';
import { FATAL_ERROR, errorMessage, type RgbaBuffer, type Shown } from '../shared/protocol.js';
import type { TrainSnapshot, TrainWorkerApi } from '../shared/learn-protocol.js';
import { phaseKernels, upLayer } from '../shared/learn-phases.js';
import type { TrainSpec } from '../shared/learn-protocol.js';

let core: Promise<TconvWithTrainer> | null = null;
const trainers = new Map<string, { trainer: UpsamplerTrainer; spec: TrainSpec }>();

function isFatal(e: unknown): boolean {
  if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) return true;
  return /Aborted|out of memory|bad_alloc/i.test(errorMessage(e));
}

function outgoing(e: unknown): Error {
  const error = new Error(errorMessage(e));
  if (isFatal(e)) error.name = FATAL_ERROR;
  return error;
}

let chain: Promise<unknown> = Promise.resolve();
function serial<T>(run: () => Promise<T> | T): Promise<T> {
  const next = chain.then(run).catch((e: unknown) => {
    throw outgoing(e);
  });
  chain = next.catch(() => undefined);
  return next;
}

function requireCore(): Promise<TconvWithTrainer> {
  if (!core) throw new Error('the worker was not initialised');
  return core;
}

function requireTrainer(slot: string) {
  const t = trainers.get(slot);
  if (!t) throw new Error(`no trainer for ${slot}: make one first (create)`);
  return t;
}

async function forDisplay(img: { data: Uint8ClampedArray; width: number; height: number }, ms: number): Promise<Shown> {
  const copy = img.data.slice();
  const bitmap = await createImageBitmap(new ImageData(copy, img.width, img.height));
  return Comlink.transfer({ width: img.width, height: img.height, ms, pixels: copy.buffer, bitmap, preview: null }, [
    copy.buffer,
    bitmap,
  ]);
}

async function snapshot(tc: TconvWithTrainer, slot: string, step: number): Promise<TrainSnapshot> {
  const { trainer, spec } = requireTrainer(slot);
  const t0 = performance.now();
  const e = trainer.evaluate();
  const flat = trainer.flatResponse();
  const kernels = phaseKernels(tc, upLayer(tc.trainerUpLayer(spec.model, spec.factor), trainer.weights()));
  const ms = performance.now() - t0;
  const flatCopy = flat.data.slice();
  const image = await forDisplay(e.image, ms);
  return Comlink.transfer(
    {
      step,
      psnr: e.psnr,
      psnrBilinear: e.psnrBilinear,
      psnrBicubic: e.psnrBicubic,
      checkerboard: e.checkerboard,
      image,
      flat: { width: flat.width, height: flat.height, pixels: flatCopy.buffer },
      kernels,
      ms,
    },
    [flatCopy.buffer],
  );
}

const steps = new Map<string, number>();

const api: TrainWorkerApi = {
  init: (wasm) =>
    serial(async () => {
      core = createTconv({ wasmBinary: wasm, locateFile: (path) => path });
      try {
        await core;
      } catch (e) {
        const error = new Error(`could not load the WebAssembly core: ${errorMessage(e)}`);
        error.name = FATAL_ERROR;
        throw error;
      }
    }),

  create: (slot, spec, image: RgbaBuffer) =>
    serial(async () => {
      const tc = await requireCore();
      trainers.get(slot)?.trainer.dispose();
      trainers.delete(slot);
      if (typeof (tc as Partial<TconvWithTrainer>).createUpsamplerTrainer !== 'function') {
        throw new Error('this build of the tconv core has no trainer, so Learn mode cannot run here');
      }
      const trainer = tc.createUpsamplerTrainer({
        image: { data: new Uint8ClampedArray(image.pixels), width: image.width, height: image.height },
        factor: spec.factor,
        model: spec.model,
        hidden: spec.hidden,
        seed: spec.seed,
      });
      trainers.set(slot, { trainer, spec });
      steps.set(slot, 0);
      return snapshot(tc, slot, 0);
    }),

  run: (slot, count) =>
    serial(() => {
      const { trainer } = requireTrainer(slot);
      const t0 = performance.now();
      // One step per call of the trainer: the plot shows every step's loss.
      const losses: number[] = [];
      let step = steps.get(slot) ?? 0;
      for (let i = 0; i < count; i++) {
        const r = trainer.step(1);
        losses.push(r.loss);
        step = r.step;
      }
      steps.set(slot, step);
      return { step, losses, ms: performance.now() - t0 };
    }),

  snapshot: (slot) =>
    serial(async () => {
      const tc = await requireCore();
      return snapshot(tc, slot, steps.get(slot) ?? 0);
    }),

  difference: (a, b, gain) =>
    serial(async () => {
      const tc = await requireCore();
      const t0 = performance.now();
      const d = tc.imageDifference(
        { data: new Uint8ClampedArray(a.pixels), width: a.width, height: a.height },
        { data: new Uint8ClampedArray(b.pixels), width: b.width, height: b.height },
        gain,
      );
      return forDisplay(d, performance.now() - t0);
    }),

  dispose: (slot) =>
    serial(() => {
      trainers.get(slot)?.trainer.dispose();
      trainers.delete(slot);
      steps.delete(slot);
    }),
};

Comlink.expose(api);
