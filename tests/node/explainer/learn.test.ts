// Chapter 10's training: at the default (safe) learning rate the loss falls at
// every step for the seed and for k4 s2 p1 (the promise), whichever
// target; a seed gives the same run every time; a rate from the link is used
// as given, and one past the curvature's limit makes the loss grow. The
// numbers of every sentence are claims-gradients.test.ts's.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG, type ExplainerConfig } from '../../../web/lib/explainer/config.js';
import { initialWeights, ITERATIONS, roundDown3 } from '../../../web/lib/explainer/learn.js';
import type { LearnSettings } from '../../../web/lib/explainer/model-types.js';
import { buildModel } from '../../../web/lib/explainer/model.js';
import { chapters } from '../../../web/lib/explainer/timeline.js';
import { presetValues } from '../../../web/lib/explainer/values.js';
import { tconv } from '../helpers.js';
import { convOptions } from './support.js';
import { descend, gram, weightsToOutput } from './reference.js';

const K4S2P1: ExplainerConfig = { ...DEFAULT_CONFIG, kernel: [4, 4], stride: [2, 2], padding: [1, 1] };

async function trained(config: ExplainerConfig, learn: Partial<LearnSettings> = {}) {
  const tc = await tconv();
  const output = tc.conv2dOutputSize(config.input, config.kernel, convOptions(config));
  const values = presetValues('seed', { input: config.input, kernel: config.kernel, output });
  const built = buildModel(tc, config, values, {
    gradSource: 'y',
    learn: { seed: 1, target: 'kernel', lr: null, ...learn },
  });
  if (!built.ok) throw new Error(built.error);
  return built.model;
}

describe('gradient descent at the safe rate', () => {
  for (const [name, config] of [
    ['the seed', DEFAULT_CONFIG],
    ['k4 s2 p1', K4S2P1],
  ] as const) {
    it(`lowers the loss at every one of the ${ITERATIONS} steps for ${name}, towards k’s output`, async () => {
      const m = await trained(config);
      const L = m.learning;
      expect(L.lr).toBe(L.safeLr);
      expect(L.losses).toHaveLength(ITERATIONS + 1);
      for (let i = 1; i < L.losses.length; i++) expect(L.losses[i], `step ${i}`).toBeLessThan(L.losses[i - 1]);
      expect(L.firstRise).toBe(-1);
      console.log(
        `${name}: lr ${L.lr}, loss ${L.losses[0].toPrecision(6)} → ${L.losses[ITERATIONS].toPrecision(6)} in ${ITERATIONS} steps, ` +
          `strictly falling; after 1, 10, 50: ${[1, 10, 50].map((i) => L.losses[i].toPrecision(4)).join(', ')}`,
      );
      // The same run in double precision, from the same start, stays within rounding of the core's.
      const { A } = weightsToOutput(config, m.y.values);
      const ref = descend(A, Array.from(L.target.values), L.init, L.lr, ITERATIONS);
      for (let i = 0; i <= ITERATIONS; i++)
        expect(Math.abs(L.losses[i] - ref.losses[i])).toBeLessThanOrEqual(1e-3 * ref.losses[i] + 1e-6);
    });

    it(`never raises the loss for ${name} towards bilinear up-sampling either (beyond float32 rounding)`, async () => {
      const m = await trained(config, { target: 'bilinear' });
      expect(m.learning.firstRise).toBe(-1);
      expect(m.learning.losses[ITERATIONS]).toBeLessThan(m.learning.losses[0]);
    });
  }

  it('bounds the loss’s curvature: the safe rate is at most 1/λ, λ found by power iteration, for any seed y', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 4, maxLength: 4 }),
        fc.constantFrom(DEFAULT_CONFIG, K4S2P1),
        (y, config) => {
          const { A, transposed } = weightsToOutput(config, y);
          const n = transposed[0] * transposed[1];
          const { gershgorin, lambda } = gram(A, config.kernel[0] * config.kernel[1]);
          expect(gershgorin).toBeGreaterThanOrEqual(lambda * (1 - 1e-9));
          if (gershgorin > 0) expect(roundDown3(n / (2 * gershgorin)) * (2 / n) * lambda).toBeLessThanOrEqual(1 + 1e-9);
        },
      ),
      { numRuns: 60, seed: 5 },
    );
  });
});

describe('the run of a seed', () => {
  it('is the same every time, and another seed starts elsewhere', async () => {
    const [a, b, c] = [
      await trained(DEFAULT_CONFIG),
      await trained(DEFAULT_CONFIG),
      await trained(DEFAULT_CONFIG, { seed: 2 }),
    ];
    expect(a.learning.losses).toEqual(b.learning.losses);
    expect(Array.from(a.learning.snapshots.at(-1)!.weights.values)).toEqual(
      Array.from(b.learning.snapshots.at(-1)!.weights.values),
    );
    expect(Array.from(c.learning.init)).not.toEqual(Array.from(a.learning.init));
    expect(c.learning.losses[0]).not.toBe(a.learning.losses[0]);
  });

  it('starts from weights in [−1, 1] with two decimals, which PyTorch code writes exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999 }), fc.integer({ min: 1, max: 49 }), (seed, n) => {
        const w = initialWeights(seed, n);
        expect(w).toHaveLength(n);
        for (const v of w) {
          expect(Math.abs(v)).toBeLessThanOrEqual(1);
          expect(Math.fround(Math.round(v * 100) / 100)).toBe(v);
        }
      }),
      { numRuns: 200, seed: 6 },
    );
  });

  it('rounds the safe rate down to three significant digits', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e4, noNaN: true }), (x) => {
        const r = roundDown3(x);
        expect(r).toBeLessThanOrEqual(x);
        expect(r).toBeGreaterThanOrEqual(x * 0.99);
        expect(Number(r.toPrecision(3))).toBe(r);
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});

describe('a learning rate of the reader’s', () => {
  it('is used as given; past 2/λ the loss grows and the narration says where it first rose', async () => {
    const safe = (await trained(DEFAULT_CONFIG)).learning.safeLr;
    const half = await trained(DEFAULT_CONFIG, { lr: safe / 2 });
    expect(half.learning.lr).toBe(safe / 2);
    expect(half.learning.firstRise).toBe(-1);
    // λ of the seed's curvature, from the test's own Gram matrix: a rate 1.5 times the limit overshoots.
    const { A } = weightsToOutput(DEFAULT_CONFIG, half.y.values);
    const lambda = (2 / 16) * gram(A, 9).lambda;
    const big = await trained(DEFAULT_CONFIG, { lr: 1.5 * (2 / lambda) });
    expect(big.learning.firstRise).toBeGreaterThan(0);
    const ten = chapters(big)[9];
    expect(ten.frames.at(-1)!.narration).toMatch(
      /loss reached \S+, more than a million times where it started|rising first at step \d+/,
    );
    expect(ten.frames.some((f) => f.narration.includes('up from'))).toBe(true);
  });
});
