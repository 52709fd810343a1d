// The trainer against PyTorch (tests/fixtures/trainer.json, written by
// generate_trainer.py): torch's weights and batches are loaded into a trainer,
// three Adam steps run, and the losses, the weights after them and what
// evaluate() reports must be torch's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { type UpsamplerModel, trainerTestHooks } from '../../web/lib/trainer.js';
import { type EncodedTensor, decode, expectClose, tconv } from './helpers.js';
import type { TconvWithTrainer } from '../../web/lib/trainer.js';

interface Case {
  name: string;
  model: UpsamplerModel;
  factor: 2 | 3 | 4;
  hidden: number;
  initial: Record<string, EncodedTensor>;
  losses: number[];
  weights: Record<string, EncodedTensor>;
  evaluate: { psnr: number; psnrBilinear: number; psnrBicubic: number; checkerboard: number };
}

interface Factor {
  factor: number;
  image: { width: number; height: number; data: string };
  batches: { input: EncodedTensor; target: EncodedTensor }[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/trainer.json', import.meta.url), 'utf8')) as {
  patch: number;
  batch: number;
  learningRate: number;
  factors: Factor[];
  cases: Case[];
};
const tc = (await tconv()) as TconvWithTrainer;

describe('trainer vs torch (3 Adam steps from the same weights on the same batches)', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const f = fixture.factors.find((x) => x.factor === c.factor)!;
    const image = { ...f.image, data: new Uint8ClampedArray(Buffer.from(f.image.data, 'base64')) };
    const trainer = tc.createUpsamplerTrainer({
      image,
      factor: c.factor,
      model: c.model,
      hidden: c.hidden,
      patch: fixture.patch,
      batch: fixture.batch,
      learningRate: fixture.learningRate,
    });
    const hooks = trainerTestHooks(trainer);
    expect(Object.keys(trainer.weights())).toEqual(Object.keys(c.initial));
    for (const [name, t] of Object.entries(c.initial)) {
      expect(trainer.weights()[name].shape).toEqual(t.shape);
      hooks.setWeight(name, decode(t).data);
    }
    const losses = f.batches.map((b) => {
      hooks.setBatch(decode(b.input).data, decode(b.target).data);
      return trainer.step().loss;
    });
    expectClose(losses, c.losses, 0, 1e-5);
    const weights = trainer.weights();
    for (const [name, t] of Object.entries(c.weights)) {
      // Adam moves each weight by up to lr = 0.01 a step: 1e-6 absolute is 1e-4 of a step.
      expectClose(weights[name].data, decode(t).data, 1e-6, 1e-5);
    }
    const e = trainer.evaluate();
    expect(e.psnr).toBeCloseTo(c.evaluate.psnr, 3);
    expect(e.psnrBilinear).toBeCloseTo(c.evaluate.psnrBilinear, 3);
    expect(e.psnrBicubic).toBeCloseTo(c.evaluate.psnrBicubic, 3);
    // 0–255 units: the weights' float differences from torch (≤ 1e-6) move it by a few thousandths.
    expectClose([e.checkerboard], [c.evaluate.checkerboard], 5e-3, 1e-4);
    trainer.dispose();
  });

  it('the comparison can fail: a weight off by 1e-4 changes the losses beyond the tolerance', () => {
    const c = fixture.cases.find((x) => x.model === 'resize-conv' && x.hidden > 0)!;
    const f = fixture.factors.find((x) => x.factor === c.factor)!;
    const image = { ...f.image, data: new Uint8ClampedArray(Buffer.from(f.image.data, 'base64')) };
    const trainer = tc.createUpsamplerTrainer({
      image,
      factor: c.factor,
      model: c.model,
      hidden: c.hidden,
      patch: 8,
      batch: 2,
    });
    const hooks = trainerTestHooks(trainer);
    for (const [name, t] of Object.entries(c.initial)) {
      const data = decode(t).data;
      if (name === 'up.weight') data[0] += 1e-4;
      hooks.setWeight(name, data);
    }
    const b = f.batches[0];
    hooks.setBatch(decode(b.input).data, decode(b.target).data);
    const loss = trainer.step().loss;
    expect(Math.abs(loss - c.losses[0]) / c.losses[0]).toBeGreaterThan(1e-5);
    trainer.dispose();
  });

  it('setWeight and setBatch check what they are given', () => {
    const f = fixture.factors[0];
    const image = { ...f.image, data: new Uint8ClampedArray(Buffer.from(f.image.data, 'base64')) };
    const trainer = tc.createUpsamplerTrainer({ image, factor: 2, model: 'subpixel', hidden: 0, patch: 8, batch: 2 });
    const hooks = trainerTestHooks(trainer);
    expect(() => hooks.setWeight('up.weight', new Float32Array(3))).toThrow('weight "up.weight" has 324 values, got 3');
    expect(() => hooks.setWeight('hidden.weight', new Float32Array(3))).toThrow(
      'no weight named "hidden.weight"; this model has up.weight, up.bias',
    );
    expect(() => hooks.setBatch(new Float32Array(1), new Float32Array(1))).toThrow('a batch has 384 input');
    trainer.dispose();
  });
});
