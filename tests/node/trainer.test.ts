// The trainer's JS API (web/lib/trainer.ts): what each method returns, that a
// seed decides every loss, that batches are patches of the area-reduced
// image, that bad options are refused naming the option (and the module still
// works), and that create → 1,000 steps → dispose leaves the heap as it was.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { type UpsamplerModel, createUpsamplerTrainer, withTrainer } from '../../web/lib/trainer.js';
import { wrapCore } from '../../web/lib/tconv.js';
import createCore from '../../web/wasm/core.mjs';

const core = await createCore({ wasmBinary: readFileSync(new URL('../../web/wasm/core.wasm', import.meta.url)) });
const tc = withTrainer(wrapCore(core), core);

const MODELS: UpsamplerModel[] = ['transposed-k3', 'transposed-k2f', 'resize-conv', 'subpixel', 'subpixel-icnr'];

/** A smooth, varied RGBA picture (integer arithmetic: the same bytes everywhere). */
function picture(width: number, height: number) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x * 7 + y * 3) % 256;
      data[i + 1] = 128 + Math.round(100 * Math.sin(x / 5) * Math.cos(y / 7));
      data[i + 2] = (x * y) % 256;
      data[i + 3] = 255;
    }
  }
  return { data, width, height };
}

const image = picture(41, 37); // cropped to 40 × 36 at factor 2

describe('createUpsamplerTrainer', () => {
  it('steps, evaluates and shows its weights, batch and flat response', () => {
    const t = tc.createUpsamplerTrainer({ image, factor: 2, model: 'resize-conv', hidden: 4, patch: 8, batch: 3 });
    const weights = t.weights();
    expect(Object.keys(weights)).toEqual(['hidden.weight', 'hidden.bias', 'up.weight', 'up.bias']);
    expect(weights['hidden.weight'].shape).toEqual([4, 3, 5, 5]);
    expect(weights['up.weight'].shape).toEqual([3, 4, 3, 3]);
    const batch = t.batch();
    expect(batch.input.shape).toEqual([3, 3, 8, 8]);
    expect(batch.target.shape).toEqual([3, 3, 16, 16]);
    const first = t.step();
    expect(first.step).toBe(1);
    expect(first.loss).toBeGreaterThan(0);
    expect(t.step(4).step).toBe(5);
    const e = t.evaluate();
    expect(e.image.width).toBe(40);
    expect(e.image.height).toBe(36);
    expect(e.image.data).toBeInstanceOf(Uint8ClampedArray);
    expect(e.psnrBicubic).toBeGreaterThan(10);
    expect(e.psnr).toBeGreaterThan(10);
    const flat = t.flatResponse();
    expect([flat.width, flat.height]).toEqual([64, 64]);
    t.dispose();
    expect(() => t.step()).toThrow('step: this trainer has been disposed');
    t.dispose(); // twice is harmless
  });

  it.each(MODELS)('%s: the same seed gives the same losses, another seed others', (model) => {
    const run = (seed: number) => {
      const t = tc.createUpsamplerTrainer({ image, factor: 2, model, hidden: 4, patch: 8, batch: 2, seed });
      const losses = [0, 1, 2].map(() => t.step().loss);
      t.dispose();
      return losses;
    };
    const a = run(7);
    expect(run(7)).toEqual(a);
    expect(run(8)).not.toEqual(a);
  });

  it('each batch is patches of the area-reduced image and the crops of the original there', () => {
    const f = 3;
    const t = tc.createUpsamplerTrainer({ image, factor: f, model: 'subpixel', hidden: 0, patch: 8, batch: 4 });
    // The area reduction, computed here from the bytes.
    const lw = Math.floor(image.width / f);
    const lh = Math.floor(image.height / f);
    const low = (c: number, y: number, x: number) => {
      let sum = 0;
      for (let i = 0; i < f; i++)
        for (let j = 0; j < f; j++) sum += image.data[((y * f + i) * image.width + x * f + j) * 4 + c];
      return sum / (f * f * 255);
    };
    for (let round = 0; round < 3; round++) {
      const { input, target } = t.batch();
      const p = 8;
      for (let n = 0; n < 4; n++) {
        // Find where patch n sits: the one position whose every value matches.
        const at = (c: number, y: number, x: number) => input.data[((n * 3 + c) * p + y) * p + x];
        const found: [number, number][] = [];
        for (let top = 0; top + p <= lh; top++) {
          for (let left = 0; left + p <= lw; left++) {
            let same = true;
            for (let c = 0; c < 3 && same; c++)
              for (let y = 0; y < p && same; y++)
                for (let x = 0; x < p && same; x++) same = Math.abs(at(c, y, x) - low(c, top + y, left + x)) < 1e-6;
            if (same) found.push([top, left]);
          }
        }
        expect(found.length).toBe(1);
        const [top, left] = found[0];
        const q = p * f;
        for (let c = 0; c < 3; c++)
          for (let y = 0; y < q; y++)
            for (let x = 0; x < q; x++) {
              const want = image.data[((top * f + y) * image.width + left * f + x) * 4 + c] / 255;
              expect(Math.abs(target.data[((n * 3 + c) * q + y) * q + x] - want)).toBeLessThan(1e-6);
            }
      }
      t.step();
    }
    t.dispose();
  });

  it('starts interpolating models without a checkerboard and random ones with one', () => {
    for (const model of MODELS) {
      const t = tc.createUpsamplerTrainer({ image, factor: 2, model, patch: 8 });
      const c = t.evaluate().checkerboard;
      if (model === 'transposed-k3' || model === 'subpixel') expect(c, model).toBeGreaterThan(0.5);
      else expect(c, model).toBeLessThan(0.5);
      t.dispose();
    }
  });
});

describe('bad options', () => {
  const ok = { image, factor: 2, model: 'resize-conv', patch: 8 } as const;
  const cases: [string, unknown, string][] = [
    ['no options', undefined, 'createUpsamplerTrainer: options { image, factor, model } are required'],
    ['factor 5', { ...ok, factor: 5 }, 'createUpsamplerTrainer: factor must be 2, 3 or 4, got 5'],
    ['factor 2.5', { ...ok, factor: 2.5 }, 'factor'],
    ['factor "2"', { ...ok, factor: '2' }, 'createUpsamplerTrainer: factor must be a number, got "2"'],
    ['unknown model', { ...ok, model: 'deconv' }, 'createUpsamplerTrainer: model must be one of transposed-k3'],
    ['hidden −1', { ...ok, hidden: -1 }, 'createUpsamplerTrainer: hidden must be a non-negative integer'],
    ['hidden 1e9', { ...ok, hidden: 1e9 }, 'hidden must be 0 or an integer from 3 to 64, got 1000000000'],
    ['learning rate NaN', { ...ok, learningRate: NaN }, 'learningRate must be a positive finite number, got NaN'],
    ['learning rate 0', { ...ok, learningRate: 0 }, 'learningRate must be a positive finite number, got 0'],
    ['seed −1', { ...ok, seed: -1 }, 'seed'],
    ['batch 0', { ...ok, batch: 0 }, 'batch'],
    ['image too small', { ...ok, patch: 32 }, 'image 41×37 is too small for patch 32 at factor 2'],
    ['image not an image', { ...ok, image: [1, 2] }, 'createUpsamplerTrainer: image.data must be a Uint8ClampedArray'],
    ['image null', { ...ok, image: null }, 'createUpsamplerTrainer: image must be an image'],
    ['image wrong length', { ...ok, image: { ...image, width: 42 } }, 'image'],
    ['unknown option', { ...ok, learning_rate: 1 }, 'unknown option "learning_rate" (did you mean "learningRate"?)'],
  ];
  it.each(cases)('%s', (_, options, message) => {
    expect(() => tc.createUpsamplerTrainer(options as never)).toThrow(message);
    // The module still works.
    const t = tc.createUpsamplerTrainer(ok);
    expect(t.step().loss).toBeGreaterThan(0);
    t.dispose();
  });

  it('reads each option once (a lying getter cannot change what was checked)', () => {
    let reads = 0;
    const lying = {
      ...ok,
      get patch() {
        reads++;
        return reads === 1 ? 8 : 1e6;
      },
    };
    const t = tc.createUpsamplerTrainer(lying);
    expect(reads).toBe(1);
    expect(t.batch().input.shape).toEqual([8, 3, 8, 8]);
    t.dispose();
  });

  it('step counts are checked', () => {
    const t = tc.createUpsamplerTrainer(ok);
    expect(() => t.step(0)).toThrow('step: count must be a positive integer');
    expect(() => t.step(1.5)).toThrow('count');
    expect(() => t.step('2' as never)).toThrow('step: count must be a number');
    expect(t.step().step).toBe(1);
    t.dispose();
  });
});

describe('trainerUpLayer', () => {
  it('gives the layer each model trains, whose output is exactly factor× its input', () => {
    for (const model of MODELS)
      for (const factor of [2, 3, 4] as const) {
        const layer = tc.trainerUpLayer(model, factor);
        expect(layer.factor).toBe(factor);
        expect(layer.kind).toBe(
          model.startsWith('transposed') ? 'transposed' : model === 'resize-conv' ? 'resize' : 'subpixel',
        );
        // Independently of the core's definitions: the trainer's own up.weight gives the kernel, and a
        // conv_transpose2d of a 5-pixel side must give 5·factor; a conv2d must keep the size.
        const t = tc.createUpsamplerTrainer({ image, factor, model, hidden: 0, patch: 8 });
        const k = t.weights()['up.weight'].shape[2];
        t.dispose();
        const side =
          layer.kind === 'transposed'
            ? (5 - 1) * factor - 2 * layer.padding + k + layer.outputPadding
            : 5 + 2 * layer.padding - k + 1;
        expect(side, `${model} ×${factor}`).toBe(layer.kind === 'transposed' ? 5 * factor : 5);
        if (layer.kind !== 'transposed') expect(layer.outputPadding).toBe(0);
      }
  });

  it('names a bad model or factor, and the module keeps working', () => {
    expect(() => tc.trainerUpLayer('deconv' as never, 2)).toThrow('trainerUpLayer: model must be one of transposed-k3');
    expect(() => tc.trainerUpLayer('subpixel', 5)).toThrow('trainerUpLayer: factor must be 2, 3 or 4, got 5');
    expect(() => tc.trainerUpLayer('subpixel', 2.5)).toThrow('trainerUpLayer: factor');
    expect(() => tc.trainerUpLayer('subpixel', '2' as never)).toThrow('trainerUpLayer: factor must be a number');
    expect(tc.trainerUpLayer('subpixel', 2).padding).toBe(1);
  });
});

describe('memory', () => {
  it('create → 1,000 steps → dispose leaves the heap as it was, repeatedly', () => {
    const run = () => {
      const t = tc.createUpsamplerTrainer({ image, factor: 2, model: 'transposed-k3', hidden: 3, patch: 8, batch: 1 });
      t.step(1000);
      t.evaluate();
      t.flatResponse();
      t.weights();
      t.batch();
      t.dispose();
    };
    run(); // the first run may allocate lasting runtime state
    const before = tc.heapInUse();
    const handles = core.count_emval_handles();
    run();
    run();
    expect(tc.heapInUse()).toBe(before);
    expect(core.count_emval_handles()).toBe(handles);
  });
});
