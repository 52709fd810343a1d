// What the upsampler's Learn mode and its training workers share: the models a
// side can train, what a training is made of, and the typed interface of the
// training worker (worker/train-worker.ts, called through Comlink by
// client/train-client.ts). DOM-free apart from types.

import type { RgbaBuffer, Shown } from './protocol.js';
import type { UpsamplerModel } from '../../lib/trainer.js';

/** The models a side can train: the trainer's (web/lib/trainer.ts). */
export type TrainModel = UpsamplerModel;

export const TRAIN_MODELS: readonly TrainModel[] = [
  'transposed-k3',
  'transposed-k2f',
  'resize-conv',
  'subpixel',
  'subpixel-icnr',
];

export function isTrainModel(s: string): s is TrainModel {
  return (TRAIN_MODELS as readonly string[]).includes(s);
}

/** One training, fully described: equal specs on the same image give the same losses (the trainer is seeded). */
export interface TrainSpec {
  model: TrainModel;
  factor: 2 | 3 | 4;
  /** Channels of the hidden layer before the up-sampling layer; 0 = the up-sampling layer alone. */
  hidden: number;
  seed: number;
}

/** The losses of one chunk of steps: step i of the chunk took the trainer to step `first + i`. */
export interface TrainChunk {
  /** The trainer's step count after the chunk. */
  step: number;
  /** The loss of every step of the chunk, in order. */
  losses: number[];
  /** Time the chunk took in the core. */
  ms: number;
}

/** The learned up-sampling kernel of one output phase: the taps that feed it, with their weights. */
export interface PhaseKernel {
  /** [row, column] of the phase in the factor × factor tile. */
  phase: [number, number];
  /** One weight per tap of the kernel, row-major; null where the tap does not feed this phase. */
  weights: (number | null)[];
}

/** The up-sampling layer's kernel, drawn per phase. */
export interface PhaseKernels {
  /** [rows, columns] of each phase's grid (the kernel's taps). */
  size: [number, number];
  factor: number;
  /** True when the phases read one kernel's taps (transposed, resize-conv); false when each has its own (sub-pixel). */
  shared: boolean;
  /** factor², row-major over the tile. */
  phases: PhaseKernel[];
  /** What a weight is (e.g. "summed over the 16 input channels, averaged over R, G, B"). */
  reduction: string;
}

/** Where a training stands: the trainer's evaluate(), flatResponse() and kernels at one step. */
export interface TrainSnapshot {
  step: number;
  /** PSNR (dB) of the model's result against the original. */
  psnr: number;
  psnrBilinear: number;
  psnrBicubic: number;
  /** The largest max − min over a channel of the model's output for a flat grey input, in levels of 255. */
  checkerboard: number;
  /** The model's ×factor result of the reduced image, ready to show. */
  image: Shown;
  /** The model's output for a flat mid-grey 32×32 input (RGBA). */
  flat: RgbaBuffer;
  kernels: PhaseKernels | null;
  /** Time evaluate() and flatResponse() took in the core. */
  ms: number;
}

/** What the training worker offers (worker/train-worker.ts), through Comlink. Calls run one at a time. */
export interface TrainWorkerApi {
  /** Loads the core from its bytes (a fresh worker needs no network). */
  init(wasm: ArrayBuffer): Promise<void>;
  /** A new trainer for `slot` (replacing its old one) on `image`, at step 0. */
  create(slot: string, spec: TrainSpec, image: RgbaBuffer): Promise<TrainSnapshot>;
  /** `steps` steps of the slot's trainer. */
  run(slot: string, steps: number): Promise<TrainChunk>;
  /** The slot's trainer evaluated now. */
  snapshot(slot: string): Promise<TrainSnapshot>;
  /** |a − b| × gain (the core's imageDifference), ready to show. */
  difference(a: RgbaBuffer, b: RgbaBuffer, gain: number): Promise<Shown>;
  /** Frees the slot's trainer. */
  dispose(slot: string): Promise<void>;
}
