// TEMPORARY: the interface of tconv.createUpsamplerTrainer as issue 14 states it, copied here until
// web/lib/trainer.ts lands; then this file re-exports the library's own types and goes.

import type { RgbaImage, Tconv, Tensor } from '../../lib/types.js';

export type TrainModel = 'transposed-k3' | 'transposed-k2f' | 'resize-conv' | 'subpixel' | 'subpixel-icnr';

export interface UpsamplerTrainerOptions {
  image: RgbaImage;
  factor: 2 | 3 | 4;
  model: TrainModel;
  hidden?: number;
  seed?: number;
  learningRate?: number;
  patch?: number;
  batch?: number;
}

export interface TrainerEvaluation {
  psnr: number;
  psnrBilinear: number;
  psnrBicubic: number;
  checkerboard: number;
  image: { data: Uint8ClampedArray; width: number; height: number };
}

export interface UpsamplerTrainer {
  step(count?: number): { step: number; loss: number };
  evaluate(): TrainerEvaluation;
  weights(): Record<string, Tensor>;
  batch(): { input: Tensor; target: Tensor };
  flatResponse(): { data: Uint8ClampedArray; width: number; height: number };
  dispose(): void;
}

/** The core with the trainer (the library's Tconv once it has createUpsamplerTrainer). */
export type TrainingCore = Tconv & {
  createUpsamplerTrainer(options: UpsamplerTrainerOptions): UpsamplerTrainer;
};
