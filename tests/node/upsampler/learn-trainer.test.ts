// The Learn mode on the real trainer, in Node, over every model, factors 2
// and 3 and both depths, on a committed photograph: the kernels per phase the
// page draws (shared/learn-phases.ts) predict the trainer's own flat-grey
// response (a linear model's output for flat grey 0.5 at phase p is
// 0.5·Σ of the taps feeding p + bias, per colour), and the sentences state
// the PSNR and checkerboard this file computes from the trainer's images:
// PSNR over RGB against the cropped original minus a border of 2·f, and
// max − min of the flat response minus a border of 8·f, worst channel.

import { describe, expect, it } from 'vitest';

import type { TconvWithTrainer } from '../../../web/lib/trainer.js';
import type { LearnSide } from '../../../web/upsampler/learn/learn-session.js';
import {
  FLAT_LEVELS,
  compareSentence,
  progressSentence,
  startSentence,
} from '../../../web/upsampler/learn/learn-text.js';
import { TRAIN_MODELS } from '../../../web/upsampler/shared/learn-protocol.js';
import { phaseKernels, upLayer } from '../../../web/upsampler/shared/learn-phases.js';
import { readPhoto } from '../../fixtures/photos/photos.mjs';
import { createTconv } from '../../../web/lib/node.js';

const photo = readPhoto('chelsea');
/** A 96×72 corner of it: enough for 16-pixel patches at ×3, small enough to train fast. */
function corner(w: number, h: number) {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) data.set(photo.data.subarray(4 * y * photo.width, 4 * (y * photo.width + w)), 4 * y * w);
  return { data, width: w, height: h };
}
const image = corner(96, 72);

/** PSNR (dB) of RGB bytes against the original's top-left crop, a border left out. */
function psnr(out: { data: Uint8ClampedArray; width: number; height: number }, border: number): number {
  let se = 0;
  let n = 0;
  for (let y = border; y < out.height - border; y++)
    for (let x = border; x < out.width - border; x++)
      for (let c = 0; c < 3; c++) {
        const d = out.data[4 * (y * out.width + x) + c] - image.data[4 * (y * image.width + x) + c];
        se += d * d;
        n++;
      }
  return 10 * Math.log10((255 * 255) / (se / n));
}

/** max − min over the interior of each channel of the flat response, the largest. */
function checkerboard(r: { data: Uint8ClampedArray; width: number; height: number }, border: number): number {
  let worst = 0;
  for (let c = 0; c < 3; c++) {
    let lo = 255;
    let hi = 0;
    for (let y = border; y < r.height - border; y++)
      for (let x = border; x < r.width - border; x++) {
        const v = r.data[4 * (y * r.width + x) + c];
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    worst = Math.max(worst, hi - lo);
  }
  return worst;
}

describe('Learn mode on the real trainer', () => {
  it('the kernels per phase predict each linear model’s flat-grey response, phase by phase', async () => {
    const tc = (await createTconv()) as TconvWithTrainer;
    let phases = 0;
    for (const model of TRAIN_MODELS)
      for (const factor of [2, 3] as const) {
        const t = tc.createUpsamplerTrainer({ image, factor, model, hidden: 0, seed: 3, patch: 16, batch: 2 });
        t.step(3);
        const w = t.weights();
        const k = phaseKernels(tc, upLayer(tc.trainerUpLayer(model, factor), w));
        const bias = w['up.bias'].data;
        const flat = t.flatResponse();
        const mid = Math.floor(flat.width / 2 / factor) * factor; // a tile's corner, far from the border
        const W = w['up.weight'];
        const [a, b4, kh, kw] = W.shape;
        const taps = kh * kw;
        const transposed = model.startsWith('transposed');
        const ins = transposed ? a : b4;
        /** The layer's output channel for colour col at phase p: sub-pixel layers shuffle channel col·f² + p there. */
        const channel = (col: number, p: number) => (model.startsWith('subpixel') ? col * factor * factor + p : col);
        for (const [idx, p] of k.phases.entries()) {
          const [r, c] = p.phase;
          const px = 4 * ((mid + r) * flat.width + mid + c);
          for (let col = 0; col < 3; col++) {
            const o = channel(col, idx);
            // Σ over the taps the phase map says feed this phase, and over the input channels, of this colour's weights.
            let sum = 0;
            p.weights.forEach((v, t) => {
              if (v === null) return;
              for (let ci = 0; ci < ins; ci++) sum += W.data[(transposed ? ci * b4 + o : o * b4 + ci) * taps + t];
            });
            const predicted = Math.min(255, Math.max(0, 255 * (0.5 * sum + bias[o])));
            expect(
              Math.abs(flat.data[px + col] - predicted),
              `${model} ×${factor} phase ${r},${c} colour ${col}`,
            ).toBeLessThanOrEqual(0.51);
          }
          phases++;
        }
        t.dispose();
      }
    expect(phases).toBe(TRAIN_MODELS.length * (4 + 9));
  }, 60_000);

  it('a sub-pixel side’s start sentence says its phase kernels start identical exactly when ICNR made them so', async () => {
    const tc = (await createTconv()) as TconvWithTrainer;
    for (const model of ['subpixel', 'subpixel-icnr'] as const)
      for (const factor of [2, 3, 4] as const)
        for (const hidden of [0, 8]) {
          const t = tc.createUpsamplerTrainer({ image, factor, model, hidden, seed: 11, patch: 12, batch: 1 });
          const w = t.weights();
          const W = w['up.weight'];
          const [, cin, kh, kw] = W.shape;
          // Own measure on the raw weights: channel col·f² + p is colour col, phase p (pixel_shuffle's definition).
          const per = cin * kh * kw;
          let same = true;
          for (let col = 0; col < 3; col++)
            for (let p = 1; p < factor * factor; p++)
              for (let i = 0; i < per; i++)
                if (W.data[(col * factor * factor + p) * per + i] !== W.data[col * factor * factor * per + i])
                  same = false;
          const k = phaseKernels(tc, upLayer(tc.trainerUpLayer(model, factor), w));
          const text = startSentence(
            { a: { step: 0, psnr: 0, checkerboard: t.evaluate().checkerboard }, b: null },
            { a: k, b: null },
          );
          const label = `${model} ×${factor} hidden ${hidden}`;
          expect(text.includes('start identical'), label).toBe(same);
          expect(same, label).toBe(model === 'subpixel-icnr');
          t.dispose();
        }
  }, 60_000);

  it('the sentences state the PSNR and checkerboard computed here from the trainer’s images', async () => {
    const tc = (await createTconv()) as TconvWithTrainer;
    let runs = 0;
    let clampedRuns = 0;
    for (const model of TRAIN_MODELS)
      for (const factor of [2, 3] as const)
        for (const hidden of [0, 8]) {
          const t = tc.createUpsamplerTrainer({ image, factor, model, hidden, seed: 5, patch: 16, batch: 2 });
          const e0 = t.evaluate();
          const c0 = checkerboard(t.flatResponse(), 8 * factor);
          const losses: number[] = [];
          for (let i = 0; i < 12; i++) losses.push(t.step().loss);
          const e = t.evaluate();
          const side: LearnSide = {
            model,
            step: 12,
            losses,
            evaluations: [
              { step: 0, psnr: e0.psnr, checkerboard: e0.checkerboard },
              { step: 12, psnr: e.psnr, checkerboard: e.checkerboard },
            ],
            snapshot: null,
            start: { step: 0, psnr: e0.psnr, checkerboard: e0.checkerboard },
            startKernels: null,
            creating: false,
            working: false,
            rate: null,
            error: null,
          };
          const text = progressSentence('a', side, e.psnrBilinear, e.psnrBicubic);
          const label = `${model} ×${factor} hidden ${hidden}`;
          // The trainer's PSNR is of its float output; this file's of the bytes shown: within rounding.
          const stated = Number(/its PSNR is ([\d.]+) dB/.exec(text)![1]);
          expect(Math.abs(stated - psnr(e.image, 2 * factor)), label).toBeLessThan(0.06);
          const flatNow = t.flatResponse();
          const bytes = checkerboard(flatNow, 8 * factor);
          const statedC = Number(/checkerboard is ([\d.]+) level/.exec(text)![1]);
          // The trainer measures its float output; the bytes are rounded (±1 on a range) and clamped to 0…255,
          // which can only shrink the range.
          const clamped = flatNow.data.some((v, i) => i % 4 !== 3 && (v === 0 || v === 255));
          if (clamped) expect(statedC, label).toBeGreaterThanOrEqual(bytes - 1.05);
          else expect(Math.abs(statedC - bytes), label).toBeLessThanOrEqual(1.05 + 0.01 * bytes);
          clampedRuns += clamped ? 1 : 0;
          runs++;
          // Flat at the start, as the start sentence says, exactly when the bytes are flat.
          const start = startSentence({ a: side.start, b: null });
          if (c0 === 0) expect(start, label).toContain('starts flat');
          if (c0 >= 2) expect(start, label).toContain('with a checkerboard');
          expect(e0.checkerboard < FLAT_LEVELS, label).toBe(start.includes('starts flat'));
          expect(compareSentence(side.evaluations[1], side.evaluations[1]), label).toMatch(/flat grey|about equal/);
          t.dispose();
        }
    // Most runs compare exactly (not clamped).
    expect(runs - clampedRuns).toBeGreaterThan(runs / 2);
  }, 120_000);
});
