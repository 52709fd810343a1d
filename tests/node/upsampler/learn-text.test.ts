// The Learn mode's sentences (web/upsampler/learn/learn-text.ts), its phase
// map (web/upsampler/shared/learn-phases.ts) and its flat-grey view
// (web/upsampler/learn/flat-view.ts), each against a computation of this
// file's own: the taps that feed each output phase from the layers'
// definitions (conv_transpose2d puts tap i of input n at n·f + i − p;
// pixel_shuffle puts channel c·f² + i·f + j at (c, i, j)), and every number
// and comparison a sentence states from the state it was made of, over random
// models, factors, weights and training histories.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { TconvWithTrainer } from '../../../web/lib/trainer.js';
import { CROP_INPUTS, MIN_SPAN, flatView } from '../../../web/upsampler/learn/flat-view.js';
import type { Evaluation, LearnSide } from '../../../web/upsampler/learn/learn-session.js';
import {
  FLAT_LEVELS,
  LOSS_WINDOW,
  compareSentence,
  flatCaption,
  imageSentence,
  kernelCaption,
  modelSentence,
  progressSentence,
  startSentence,
} from '../../../web/upsampler/learn/learn-text.js';
import { TRAIN_MODELS, type TrainModel } from '../../../web/upsampler/shared/learn-protocol.js';
import { phaseKernels, upLayer } from '../../../web/upsampler/shared/learn-phases.js';
import { tconv } from '../helpers.js';

const RUNS = 300;
const mod = (a: number, n: number) => ((a % n) + n) % n;
/** The numbers a sentence states, in order ("−" as minus). */
const numbers = (t: string) =>
  [...t.replace(/−/g, '-').matchAll(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g)].map((m) => Number(m[0]));

function wording(text: string) {
  expect(text).not.toMatch(/NaN|undefined|Infinity|null|\[object/);
  expect(text, 'double space').not.toMatch(/ {2}/);
  expect(text, 'plural').not.toMatch(/(^|[^\d.])1 (taps|steps|channels|levels)\b/);
  expect(text, 'singular').not.toMatch(/(^|[^\d.])([02-9]|\d\d+) (tap|step|channel|level)\b/);
}

/** The up-sampling weight of a model as the trainer lays it out, random. */
function weights(model: TrainModel, f: number, hidden: number, rnd: () => number) {
  const cin = hidden > 0 ? hidden : 3;
  const k = model === 'transposed-k2f' ? 2 * f : 3;
  const shape = model.startsWith('transposed')
    ? [cin, 3, k, k]
    : model === 'resize-conv'
      ? [3, cin, 3, 3]
      : [3 * f * f, cin, 3, 3];
  const n = shape.reduce((a, b) => a * b, 1);
  return { 'up.weight': { shape, data: Float32Array.from({ length: n }, () => rnd() * 2 - 1) } };
}

/** Which phase (r, c) each tap (i, j) feeds, from the definitions; null for sub-pixel (every tap, its own kernel). */
function expectedFeeds(model: TrainModel, f: number, k: number) {
  const p = model === 'transposed-k3' ? 1 : Math.ceil(f / 2);
  return (i: number, j: number, r: number, c: number) => {
    if (model.startsWith('transposed')) return mod(i - p, f) === r && mod(j - p, f) === c;
    // nearest ×f repeats each input f times, so tap i of conv2d reads, over f consecutive outputs, every phase.
    return true;
  };
}

const mulberry = (seed: number) => () => {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe('the phase map and the model sentences', () => {
  let tc: TconvWithTrainer;
  it('each phase gets the taps the layer definitions give it, with their weights summed and averaged', async () => {
    tc = (await tconv()) as TconvWithTrainer;
    let checked = 0;
    for (const model of TRAIN_MODELS)
      for (const f of [2, 3, 4])
        for (const hidden of [0, 16]) {
          const w = weights(model, f, hidden, mulberry(f * 100 + hidden + model.length));
          const k = phaseKernels(tc, upLayer(tc.trainerUpLayer(model, f), w));
          const W = w['up.weight'];
          const [a, b, kh, kw] = W.shape;
          expect(k.size).toEqual([kh, kw]);
          expect(k.phases).toHaveLength(f * f);
          expect(k.shared).toBe(!model.startsWith('subpixel'));
          const feeds = expectedFeeds(model, f, kh);
          const cin = model.startsWith('transposed') ? a : b;
          k.phases.forEach((ph, idx) => {
            const [r, c] = ph.phase;
            expect(r * f + c).toBe(idx);
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const t = i * kw + j;
                // The weight the drawing should show: Σ over input channels, mean over R, G, B (own index maths).
                let sum = 0;
                for (let col = 0; col < 3; col++)
                  for (let ci = 0; ci < cin; ci++) {
                    const idxW = model.startsWith('transposed')
                      ? ((ci * 3 + col) * kh + i) * kw + j
                      : model === 'resize-conv'
                        ? ((col * cin + ci) * kh + i) * kw + j
                        : (((col * f * f + r * f + c) * cin + ci) * kh + i) * kw + j;
                    sum += W.data[idxW];
                  }
                const fed = model.startsWith('subpixel') || feeds(i, j, r, c);
                if (fed) expect(ph.weights[t]).toBeCloseTo(sum / 3, 4);
                else expect(ph.weights[t]).toBeNull();
                checked++;
              }
          });
        }
    expect(checked).toBeGreaterThan(2000);
  });

  it('the model sentence states the taps per phase the definitions give, and calls the overlap even only when it is', async () => {
    tc ??= (await tconv()) as TconvWithTrainer;
    for (const model of TRAIN_MODELS)
      for (const f of [2, 3, 4])
        for (const hidden of [0, 16]) {
          const k = phaseKernels(tc, upLayer(tc.trainerUpLayer(model, f), weights(model, f, hidden, mulberry(7))));
          const text = modelSentence('a', model, f, hidden, k);
          wording(text);
          expect(text).toContain(`the ${f}×${f} = ${f * f} output phases`);
          if (hidden > 0) expect(text).toContain(`hidden layer of ${hidden} channels`);
          else expect(text).not.toContain('hidden');
          const kk = k.size[0];
          if (model.startsWith('subpixel')) {
            expect(text).toContain(`has a ${kk}×${kk} kernel of its own`);
            expect(text).toContain(`to ${3 * f * f} channels, then pixel_shuffle(${f})`);
            expect(text.includes('ICNR')).toBe(model === 'subpixel-icnr');
            continue;
          }
          // Own count: taps per phase from the definitions; 1-D counts multiply.
          const feeds = expectedFeeds(model, f, kk);
          const counts: number[] = [];
          for (let r = 0; r < f; r++)
            for (let c = 0; c < f; c++) {
              let n = 0;
              for (let i = 0; i < kk; i++) for (let j = 0; j < kk; j++) if (feeds(i, j, r, c)) n++;
              counts.push(n);
            }
          const distinct = [...new Set(counts)].sort((x, y) => x - y);
          if (distinct.length === 1) {
            expect(text).toContain(
              `gets ${distinct[0]} ${distinct[0] === 1 ? 'tap' : 'taps'} of the kernel: the copies overlap evenly`,
            );
            expect(text).not.toContain('unevenly');
          } else {
            expect(text).toContain('overlap unevenly');
            expect(text).toContain('Odena');
            for (const n of distinct) {
              const many = counts.filter((x) => x === n).length;
              expect(text).toContain(`${many} get ${n} ${n === 1 ? 'tap' : 'taps'}`);
            }
          }
          // The article's case: kernel 3 at stride 2 is uneven; kernel 2f never is.
          if (model === 'transposed-k3' && f === 2) expect(distinct).toEqual([1, 2, 4]);
          if (model === 'transposed-k2f' || model === 'resize-conv') expect(distinct).toHaveLength(1);
        }
  });

  it('before the core answers, the sentence gives the definition only', () => {
    const t = modelSentence('b', 'resize-conv', 3, 0, null);
    expect(t).toBe('B, resize-conv: nearest ×3, then conv2d.');
  });
});

const evaluation = fc.record({
  step: fc.integer({ min: 0, max: 5000 }),
  psnr: fc.double({ min: 10, max: 45, noNaN: true }),
  checkerboard: fc.oneof(fc.double({ min: 0, max: 0.49, noNaN: true }), fc.double({ min: 0, max: 80, noNaN: true })),
});

const history = fc
  .record({
    losses: fc.array(fc.double({ min: 1e-5, max: 0.2, noNaN: true }), { minLength: 0, maxLength: 40 }),
    evaluations: fc.array(evaluation, { minLength: 1, maxLength: 5 }),
    start: evaluation,
    model: fc.constantFrom(...TRAIN_MODELS),
  })
  .map(({ losses, evaluations, start, model }) => {
    const evals = [...evaluations].sort((x, y) => x.step - y.step);
    const s: LearnSide = {
      model,
      step: Math.max(losses.length, evals[evals.length - 1].step),
      losses,
      evaluations: evals,
      snapshot: null,
      start: { ...start, step: 0 },
      startKernels: null,
      creating: false,
      working: false,
      rate: null,
      error: null,
    };
    return s;
  });

describe('the sentences about training, against the numbers they were made of', () => {
  it('progress: loss mean of the last steps, PSNR above or below bilinear and bicubic, checkerboard against the start', () => {
    fc.assert(
      fc.property(
        history,
        fc.double({ min: 15, max: 40, noNaN: true }),
        fc.double({ min: 15, max: 40, noNaN: true }),
        (s, bil, bic) => {
          const text = progressSentence('a', s, bil, bic);
          wording(text);
          const e = s.evaluations[s.evaluations.length - 1];
          if (s.losses.length > 0) {
            const tail = s.losses.slice(-LOSS_WINDOW);
            const mean = tail.reduce((x, y) => x + y, 0) / tail.length;
            const m =
              /loss is ([\d.e−]+) \((?:the last step|mean of the last (\d+) steps)\), from ([\d.e−]+) at step 1/.exec(
                text,
              );
            expect(m, text).not.toBeNull();
            expect(Math.abs(numbers(m![1])[0] - mean)).toBeLessThanOrEqual(0.006 * mean);
            if (m![2]) expect(Number(m![2])).toBe(tail.length);
            else expect(tail.length).toBe(1);
            expect(Math.abs(numbers(m![3])[0] - s.losses[0])).toBeLessThanOrEqual(0.006 * s.losses[0]);
            expect(text).toContain(`After ${s.step} step`);
          } else expect(text).not.toContain('loss');
          expect(text).toContain(`At step ${e.step} its PSNR is ${e.psnr.toFixed(2)} dB`);
          for (const [ref, name] of [
            [bil, 'bilinear'],
            [bic, 'bicubic'],
          ] as const) {
            const d = Math.round((e.psnr - ref) * 100) / 100;
            const m = new RegExp(`(level with|([\\d.]+) dB (above|below)) ${name} \\(([\\d.]+) dB\\)`).exec(text);
            expect(m, text).not.toBeNull();
            expect(Number(m![4])).toBeCloseTo(ref, 2);
            if (m![1] === 'level with') expect(Math.abs(e.psnr - ref)).toBeLessThan(0.0051);
            else {
              expect(m![3]).toBe(e.psnr > ref ? 'above' : 'below');
              expect(Math.abs(Number(m![2]) - Math.abs(d))).toBeLessThan(0.0101);
            }
          }
          if (e.step > 0) {
            const c0 = s.start!.checkerboard;
            const m = /checkerboard is ([\d.e−]+) levels?, (as at step 0|(down|up) from ([\d.e−]+) at step 0)/.exec(
              text,
            );
            expect(m, text).not.toBeNull();
            const stated = numbers(m![1])[0];
            expect(Math.abs(stated - e.checkerboard)).toBeLessThanOrEqual(0.051 * Math.max(e.checkerboard, 0.01));
            if (m![3]) {
              expect(m![3]).toBe(e.checkerboard < c0 ? 'down' : 'up');
              expect(Math.abs(numbers(m![4])[0] - c0)).toBeLessThanOrEqual(0.051 * Math.max(c0, 0.01));
            } else
              expect(Math.abs(e.checkerboard - c0)).toBeLessThanOrEqual(0.051 * Math.max(c0, e.checkerboard, 0.01));
          } else expect(text).not.toContain('checkerboard');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('start: flat below 0.5 levels, a checkerboard from there, with the number', () => {
    fc.assert(
      fc.property(evaluation, evaluation, (a, b) => {
        const text = startSentence({ a, b });
        wording(text);
        const parts = text.split('; ');
        expect(parts).toHaveLength(2);
        [a, b].forEach((e, i) => {
          const part = parts[i];
          expect(part.startsWith(i === 0 ? 'A starts' : 'B starts')).toBe(true);
          expect(part.includes('starts flat')).toBe(e.checkerboard < FLAT_LEVELS);
          expect(part.includes('with a checkerboard')).toBe(e.checkerboard >= FLAT_LEVELS);
          const stated = numbers(part.split('varies by ')[1])[0];
          expect(Math.abs(stated - e.checkerboard)).toBeLessThanOrEqual(0.051 * Math.max(e.checkerboard, 0.01));
        });
      }),
      { numRuns: RUNS },
    );
    expect(startSentence({ a: null, b: null })).toBe('');
  });

  it('start: a sub-pixel side says whether its phase kernels start identical, as this file measures them', () => {
    const kernels = (f: number, jitter: number, at: number) => ({
      size: [3, 3] as [number, number],
      factor: f,
      shared: false,
      reduction: 'r',
      phases: Array.from({ length: f * f }, (_, p) => ({
        phase: [Math.floor(p / f), p % f] as [number, number],
        weights: Array.from({ length: 9 }, (_, t) => 0.1 * (t + 1) + (p === at % (f * f) && t === at % 9 ? jitter : 0)),
      })),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(2, 3, 4),
        fc.oneof(fc.constant(0), fc.double({ min: 1e-7, max: 0.5, noNaN: true })),
        fc.integer({ min: 0, max: 200 }),
        evaluation,
        (f, jitter, at, e) => {
          const k = kernels(f, jitter, at);
          const text = startSentence({ a: e, b: null }, { a: k, b: null });
          wording(text);
          // Own measure: the largest difference of any weight from phase 1's, over the largest weight.
          const w = k.phases.map((p) => p.weights);
          let d = 0;
          for (const row of w) row.forEach((v, t) => (d = Math.max(d, Math.abs(v - w[0][t]))));
          const identical = d / Math.max(...w.flat().map(Math.abs)) <= 1e-5;
          expect(text.includes(`its ${f * f} phase kernels start identical`)).toBe(identical);
          expect(text.includes(`its ${f * f} phase kernels start different`)).toBe(!identical);
          // A shared kernel (transposed, resize-conv) says nothing of the kind.
          expect(startSentence({ a: e, b: null }, { a: { ...k, shared: true }, b: null })).not.toContain(
            'phase kernels',
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('compare: which checkerboard is larger, and by what ratio', () => {
    fc.assert(
      fc.property(evaluation, evaluation, (a: Evaluation, b: Evaluation) => {
        const text = compareSentence(a, b);
        wording(text);
        expect(text).toContain(`at steps ${a.step} and ${b.step}`);
        const [ca, cb] = [a.checkerboard, b.checkerboard];
        if (ca < FLAT_LEVELS && cb < FLAT_LEVELS) {
          expect(text).toMatch(/^Both respond to flat grey with flat grey/);
          return;
        }
        const big = Math.max(ca, cb) / Math.max(Math.min(ca, cb), 1e-9);
        if (big < 1.1) {
          expect(text).toMatch(/about equal/);
          return;
        }
        const larger = ca >= cb ? 'A' : 'B';
        expect(text.startsWith(`${larger}’s checkerboard is`)).toBe(true);
        const m = /is ([\d.]+) times/.exec(text);
        if (big >= 1000 || Math.min(ca, cb) === 0) expect(text).toContain('over 1000 times');
        else {
          expect(m, text).not.toBeNull();
          expect(Math.abs(Number(m![1]) - big)).toBeLessThanOrEqual(0.051 * big);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the image sentence', () => {
  it('states the reduced size and the size learned back, from the result the trainer made', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 512 }),
        fc.integer({ min: 8, max: 512 }),
        fc.constantFrom(2, 3, 4),
        fc.boolean(),
        (w, h, f, cropped) => {
          const image = {
            name: 'p.png',
            width: w,
            height: h,
            ...(cropped ? { croppedFrom: { width: w + 9, height: h + 4 } } : {}),
          };
          // The trainer's result: the image cropped to a multiple of f (its own rule, written out here).
          const result = { width: w - (w % f), height: h - (h % f) };
          const text = imageSentence(image, f, result);
          wording(text);
          expect(text).toContain(`reduced ×${f} to ${Math.floor(w / f)}×${Math.floor(h / f)};`);
          expect(text).toContain(`back to ${result.width}×${result.height}.`);
          expect(
            text.startsWith(cropped ? `The central ${w}×${h} of p.png (${w + 9}×${h + 4})` : `p.png (${w}×${h})`),
          ).toBe(true);
          expect(imageSentence(image, f, null)).toContain(`at ×${f}.`);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('the flat-grey view', () => {
  const response = (w: number, base: number, amp: number, f: number) => {
    const data = new Uint8ClampedArray(w * w * 4);
    for (let y = 0; y < w; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < 4; c++)
          data[4 * (y * w + x) + c] = c === 3 ? 255 : base + (y % f === 0 && x % f === 0 ? amp : 0);
    return { width: w, height: w, pixels: data.buffer };
  };

  it('crops the centre, stretches both sides by one gain around each channel’s mean, and the caption says by how much', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 3, 4),
        fc.integer({ min: 60, max: 190 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        (f, base, ampA, ampB) => {
          const w = 32 * f;
          const v = flatView([response(w, base, ampA, f), response(w, base + 3, ampB, f)], f);
          expect(v.crop).toBe(CROP_INPUTS * f);
          // Own span: the pattern's amplitude (a crop of whole f×f tiles sees both values unless amp is 0).
          expect(v.gain).toBeCloseTo(255 / Math.max(MIN_SPAN, ampA, ampB), 9);
          for (const [i, amp] of [
            [0, ampA],
            [1, ampB],
          ] as const) {
            const px = v.sides[i]!.pixels;
            // A colour cast (each channel 9 levels apart) is taken out: every channel stretches alike.
            expect(new Set([0, 1, 2].map((c) => px[c])).size).toBe(1);
            const lit = 1 / (f * f); // the share of pixels with the amplitude added
            const mean = amp * lit;
            const x0 = Math.floor((w - v.crop) / 2);
            const hit = x0 % f === 0 ? 0 : f - (x0 % f); // the first lit column inside the crop
            const want = Math.max(0, Math.min(255, 127.5 + (amp - mean) * v.gain));
            expect(Math.abs(px[4 * (hit * v.crop + hit)] - want)).toBeLessThanOrEqual(0.5 + 1e-9);
          }
          const caption = flatCaption(f, v.crop, v.gain);
          wording(caption);
          expect(caption).toContain(`×${f}: the central ${v.crop}×${v.crop} pixels`);
          const [g, half] = numbers(caption.split('stretched ×')[1]);
          expect(Math.abs(g - v.gain)).toBeLessThanOrEqual(0.006 * v.gain);
          expect(Math.abs(half - 127.5 / v.gain)).toBeLessThanOrEqual(0.051 * (127.5 / v.gain));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the kernel caption names the tile and the reduction', async () => {
    const tc = (await tconv()) as TconvWithTrainer;
    const k = phaseKernels(
      tc,
      upLayer(tc.trainerUpLayer('transposed-k3', 2), weights('transposed-k3', 2, 16, mulberry(3))),
    );
    const t = kernelCaption(k);
    wording(t);
    expect(t).toContain('the 2×2 tile');
    expect(t).toContain('summed over the 16 input channels');
  });
});
