// The typed API of the trainer (the core's tconv/trainer.hpp): learn an
// up-sampling of one image with Adam, in the core, on preallocated buffers.
// Options are read once and their types checked here; every numeric rule and
// every default is the core's (cpp/include/tconv/trainer.hpp), so an option
// left out here keeps the core's default.

import type { CoreModule, RawError, RawImage, RawTensor } from '../wasm/core.mjs';
import * as args from './args.js';
import type { RgbaImage, Tconv, Tensor } from './types.js';

/** The up-sampling layer to learn (see UpsamplerTrainerOptions.model). */
export type UpsamplerModel = 'transposed-k3' | 'transposed-k2f' | 'resize-conv' | 'subpixel' | 'subpixel-icnr';

export interface UpsamplerTrainerOptions {
  /** The original (high resolution), RGBA. It is cropped to a multiple of factor from the top left. */
  image: RgbaImage;
  /** The input is the image reduced factor× by area averaging; the model learns to undo it. */
  factor: 2 | 3 | 4;
  /**
   * - `transposed-k3`: conv_transpose2d kernel 3, stride f, padding 1, output_padding f − 1 (uneven overlap at f = 2)
   * - `transposed-k2f`: kernel 2f, stride f, padding ⌈f/2⌉, output_padding 2⌈f/2⌉ − f (even overlap)
   * - `resize-conv`: nearest ×f, then conv2d kernel 3, padding 1
   * - `subpixel`: conv2d kernel 3, padding 1, to 3·f² channels, then pixel shuffle
   * - `subpixel-icnr`: the same, ICNR-initialised
   *
   * `transposed-k3` and `subpixel` start from seeded random weights (torch's default initialisation), so their
   * checkerboard shows from step 0; the other three start from an interpolation (bilinear for `transposed-k2f`,
   * nearest then a [1 2 1]/4 blur for `resize-conv`, nearest for `subpixel-icnr`), checkerboard-free.
   */
  model: UpsamplerModel;
  /** 0: the up-sampling layer alone (linear, RGB → RGB); N (3–64): a 5×5 conv 3 → N and ReLU first. Default 16. */
  hidden?: number;
  /** Seeds the weights and the patches, an integer 0 … 2^53; same options and seed ⇒ bit-identical losses. Default 0. */
  seed?: number;
  /** Adam's learning rate (β 0.9, 0.999, ε 1e-8, torch's bias correction). Default 0.001. */
  learningRate?: number;
  /** Low-resolution patch side, 8–256; the image must hold patch·factor pixels each way. Default 48. */
  patch?: number;
  /** Patches per step, 1–64. Default 8. */
  batch?: number;
}

export interface TrainerStep {
  /** Steps taken since creation. */
  step: number;
  /** Mean squared error (RGB in [0, 1]) of the last step's batch, before its update. */
  loss: number;
}

export interface TrainerEvaluation {
  /** PSNR (dB) of the model's output for the whole image, RGB on 0–255, a border of 2·factor pixels left out. */
  psnr: number;
  /** The same for tconv's bilinear interpolate (align_corners false) of the same low-resolution input. */
  psnrBilinear: number;
  /** And for bicubic. */
  psnrBicubic: number;
  /** max − min (0–255) of the output for a flat mid-grey 32×32 input, border 8·factor left out, worst channel. */
  checkerboard: number;
  /** The model's output at the cropped size (alpha copied from the original). */
  image: RgbaImage & { data: Uint8ClampedArray };
}

export interface UpsamplerTrainer {
  /** `count` (default 1) Adam steps, each on a fresh batch of seeded random patches. */
  step(count?: number): TrainerStep;
  /** PSNR against the original, the interpolations' PSNR, the checkerboard and the current output image. */
  evaluate(): TrainerEvaluation;
  /** The parameters (copies) in torch's layouts: hidden.weight, hidden.bias (hidden > 0), up.weight, up.bias. */
  weights(): Record<string, Tensor>;
  /** The batch the next step() trains on (copies): input (B, 3, P, P), target (B, 3, P·f, P·f), RGB in [0, 1]. */
  batch(): { input: Tensor; target: Tensor };
  /** The model's output for the flat mid-grey 32×32 input (what `checkerboard` measures), as an opaque image. */
  flatResponse(): RgbaImage & { data: Uint8ClampedArray };
  /** Frees the core's memory; the trainer cannot be used afterwards. */
  dispose(): void;
}

/** A model's up-sampling layer as the trainer builds it (the core's definition): operation and geometry. */
export interface TrainerUpLayer {
  /** 'transposed': conv_transpose2d; 'resize': nearest ×f, then conv2d; 'subpixel': conv2d to 3·f² channels, then pixel_shuffle(f). */
  kind: 'transposed' | 'resize' | 'subpixel';
  /** The up-sampling factor, which is the transposed convolution's stride. */
  factor: number;
  /** Padding of the conv_transpose2d, or of the conv2d. */
  padding: number;
  /** The conv_transpose2d's output_padding; 0 for the others. */
  outputPadding: number;
}

export interface TrainerFactory {
  /** A trainer for one image (see UpsamplerTrainerOptions); it holds core memory until dispose(). */
  createUpsamplerTrainer(options: UpsamplerTrainerOptions): UpsamplerTrainer;
  /** The up-sampling layer of `model` at `factor` (2–4), as createUpsamplerTrainer would build it. */
  trainerUpLayer(model: UpsamplerModel, factor: number): TrainerUpLayer;
}

/** The API with the trainer: what createTconv returns. */
export type TconvWithTrainer = Tconv & TrainerFactory;

// ---------------------------------------------------------------- the raw module (cpp/bindings/trainer.cpp)

interface RawTrainerHandle {
  step(count: number): TrainerStep | RawError;
  evaluate(): (Omit<TrainerEvaluation, 'image'> & { image: RawImage }) | RawError;
  weights(): Record<string, RawTensor> | RawError;
  batch(): { input: RawTensor; target: RawTensor } | RawError;
  flatResponse(): RawImage | RawError;
  setWeight(name: string, data: Float32Array): undefined | RawError;
  setBatch(input: Float32Array, target: Float32Array): undefined | RawError;
  delete(): void;
}

interface RawTrainerOptions {
  model: string;
  factor: number;
  hidden?: number;
  seed?: number;
  learningRate?: number;
  patch?: number;
  batch?: number;
}

interface TrainerCore {
  trainerUpLayer(model: string, factor: number): TrainerUpLayer | RawError;
  createUpsamplerTrainer(
    data: Uint8Array | Uint8ClampedArray,
    width: number,
    height: number,
    options: RawTrainerOptions,
  ): { trainer: RawTrainerHandle } | RawError;
}

const FN = 'createUpsamplerTrainer';
const KEYS = ['image', 'factor', 'model', 'hidden', 'seed', 'learningRate', 'patch', 'batch'] as const;
const NUMBERS = ['hidden', 'seed', 'learningRate', 'patch', 'batch'] as const;

function unwrap<T>(result: T | RawError): T {
  if (typeof result === 'object' && result !== null && 'error' in result) throw new Error(result.error);
  return result as T;
}

/** The raw handle behind each trainer this module made, for trainerTestHooks. */
const handles = new WeakMap<UpsamplerTrainer, () => RawTrainerHandle>();

/** The core's trainer functions, or an Error naming `fn` on a core built without them. */
function trainerCore(core: CoreModule, fn: string): CoreModule & TrainerCore {
  // The blog embed links a core without the trainer (its wasm is inlined under a size budget).
  if (typeof (core as Partial<TrainerCore>).createUpsamplerTrainer !== 'function') {
    args.fail(
      fn,
      "this build of the core has no trainer (the blog embed leaves it out); use the package's or the site's core",
    );
  }
  return core as CoreModule & TrainerCore;
}

export function trainerUpLayer(core: CoreModule, model: UpsamplerModel, factor: number): TrainerUpLayer {
  const fn = 'trainerUpLayer';
  const raw = trainerCore(core, fn);
  return unwrap(raw.trainerUpLayer(args.string(fn, 'model', model), args.number(fn, 'factor', factor, NaN)));
}

export function createUpsamplerTrainer(core: CoreModule, options: UpsamplerTrainerOptions): UpsamplerTrainer {
  trainerCore(core, FN);
  if (options === undefined || options === null) args.fail(FN, 'options { image, factor, model } are required');
  const o = args.options(FN, options, KEYS);
  const image = args.image(FN, 'image', o.image);
  const raw: RawTrainerOptions = {
    model: args.string(FN, 'model', o.model),
    factor: args.number(FN, 'factor', o.factor, NaN),
  };
  for (const key of NUMBERS) {
    if (o[key] !== undefined) raw[key] = args.number(FN, key, o[key], NaN);
  }
  const pixels = image.data.buffer === core.HEAPF32.buffer ? image.data.slice() : image.data;
  let handle: RawTrainerHandle | null = unwrap(
    (core as CoreModule & TrainerCore).createUpsamplerTrainer(pixels, image.width, image.height, raw),
  ).trainer;
  const live = (fn: string): RawTrainerHandle => handle ?? args.fail(fn, 'this trainer has been disposed');
  const trainer: UpsamplerTrainer = {
    step(count?: number) {
      const n = args.number('step', 'count', count, 1);
      return unwrap(live('step').step(n));
    },
    evaluate() {
      const e = unwrap(live('evaluate').evaluate());
      return { ...e, image: e.image as TrainerEvaluation['image'] };
    },
    weights: () => unwrap(live('weights').weights()),
    batch: () => unwrap(live('batch').batch()),
    flatResponse: () => unwrap(live('flatResponse').flatResponse()) as TrainerEvaluation['image'],
    dispose() {
      handle?.delete();
      handle = null;
    },
  };
  handles.set(trainer, () => live('trainerTestHooks'));
  return trainer;
}

/** Adds createUpsamplerTrainer to the API over the same module. */
export function withTrainer(api: Tconv, core: CoreModule): TconvWithTrainer {
  return {
    ...api,
    createUpsamplerTrainer: (options) => createUpsamplerTrainer(core, options),
    trainerUpLayer: (model, factor) => trainerUpLayer(core, model, factor),
  };
}

/**
 * For tests and for replaying a run elsewhere: replace a parameter's values
 * (Adam's moments are kept) or the batch the next step trains on. Not part of
 * the page's API.
 */
export function trainerTestHooks(trainer: UpsamplerTrainer) {
  const handle = handles.get(trainer) ?? args.fail('trainerTestHooks', 'not a trainer of this module');
  return {
    setWeight(name: string, data: Float32Array): void {
      unwrap(
        handle().setWeight(
          args.string('setWeight', 'name', name),
          args.view('setWeight', 'data', data, ['Float32Array']),
        ),
      );
    },
    setBatch(input: Float32Array, target: Float32Array): void {
      const x = args.view('setBatch', 'input', input, ['Float32Array']);
      const t = args.view('setBatch', 'target', target, ['Float32Array']);
      unwrap(handle().setBatch(x, t));
    },
  };
}
