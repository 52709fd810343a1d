// Chapters 9 and 10's narration as data: for hundreds of random configurations
// (with g = y or ones, a random seed and either target), every number every
// sentence states is checked against reference.ts — the chain rule written
// out as loops for the gradients, a double-precision gradient descent of its
// own for the training — and every sentence follows the wording rules of
// claims-support.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Dims, ExplainerConfig } from '../../../web/lib/explainer/config.js';
import { initialWeights, SHOWN } from '../../../web/lib/explainer/learn.js';
import type { ExplainerModel, GradSource, LearnTarget } from '../../../web/lib/explainer/model-types.js';
import { buildModel } from '../../../web/lib/explainer/model.js';
import { chapters } from '../../../web/lib/explainer/timeline.js';
import { presetValues } from '../../../web/lib/explainer/values.js';
import { tconv } from '../helpers.js';
import { agreementClaim, checkWording, close, configs, maxDiff, num, p1, plural, pos, size } from './claims-support.js';
import { bilinear, convGradients, convLength, descend, gram, transposedLength, weightsToOutput } from './reference.js';

const RUNS = 300;
const SUB = '₀₁₂₃₄₅₆₇₈₉';
const w = (t: number) => `w${String(t + 1).replace(/\d/g, (d) => SUB[Number(d)])}`;
const options = fc.record({
  gradSource: fc.constantFrom<GradSource>('y', 'ones'),
  target: fc.constantFrom<LearnTarget>('kernel', 'bilinear'),
  seed: fc.integer({ min: 1, max: 999_999 }),
});
/** A loss as the narration writes it (three significant digits, or a whole number from 1000) against a value. */
function closeLoss(text: string, v: number, slack: number) {
  const tolerance = Math.max(0.006 * Math.abs(v), 0.51 * (Math.abs(v) >= 1000 ? 1 : 0)) + slack;
  expect(Math.abs(num(text) - v), `${text} vs ${v}`).toBeLessThanOrEqual(tolerance);
}
/** formatSmall's numbers: two decimals, or one significant digit in scientific notation below 0.01. */
function closeSmall(text: string, v: number, slack: number) {
  expect(Math.abs(num(text.replace('e−', 'e-')) - v), `${text} vs ${v}`).toBeLessThanOrEqual(
    Math.max(0.0051, 0.06 * Math.abs(v)) + slack,
  );
}

/** Chapter 9, frame by frame, against the chain rule. Returns the sentences checked. */
function checkGradient(m: ExplainerModel, say: (f: number) => string): number {
  const c = m.config;
  const G = m.gradient;
  const kk = c.kernel[0] * c.kernel[1];
  const g = G.source === 'y' ? m.y.values : new Float32Array(m.y.values.length).fill(1);
  const ref = convGradients(c, m.x.values, m.k.values, g);
  const outN = ref.out[0] * ref.out[1];
  const scale = Math.max(1, ...Array.from(ref.gradInput, Math.abs), ...Array.from(ref.gradWeight, Math.abs));
  // The core's numbers are the chain rule's.
  expect(maxDiff(G.gradInput.values, ref.gradInput)).toBeLessThanOrEqual(1e-4 * scale);
  expect(maxDiff(G.gradWeight.values, ref.gradWeight)).toBeLessThanOrEqual(1e-4 * scale);
  expect(maxDiff(G.Ctg.values, ref.gradInput)).toBeLessThanOrEqual(1e-4 * scale);

  let t = say(0);
  expect(t).toContain(G.source === 'y' ? `g = y (${size(ref.out)})` : 'g = 1 on every output');
  expect(t).toContain(`(∂L/∂x, ${size(c.input)})`);
  expect(t).toContain(`(∂L/∂k, ${size(c.kernel)})`);

  t = say(1);
  const m1 =
    /along row (\d+) of Cᵀ for x(\(\d+, \d+\))\. ∂L\/∂x(\(\d+, \d+\)) = (.+?)(?:, the largest|: no output read)/.exec(
      t,
    );
  expect(m1, t).not.toBeNull();
  const cell = num(m1![1]) - 1;
  expect(m1![2]).toBe(pos(cell, c.input[1]));
  expect(m1![3]).toBe(m1![2]);
  // The quoted cell is the largest |∂L/∂x| (ties within rounding allowed).
  const largest = Math.max(...Array.from(ref.gradInput, Math.abs));
  expect(Math.abs(ref.gradInput[cell])).toBeGreaterThanOrEqual(largest - 1e-4 * scale);
  const parts = m1![4].split(' = ');
  close(parts[parts.length - 1], ref.gradInput[cell]);
  // One term per output the cell fed: its weight times that output's g.
  const fed: number[] = [];
  for (let r = 0; r < outN; r++) {
    const [oh, ow] = [Math.floor(r / ref.out[1]), r % ref.out[1]];
    for (let i = 0; i < c.kernel[0]; i++)
      for (let j = 0; j < c.kernel[1]; j++) {
        const a = oh * c.stride[0] + i * c.dilation[0] - c.padding[0];
        const b = ow * c.stride[1] + j * c.dilation[1] - c.padding[1];
        if (a * c.input[1] + b === cell && a >= 0 && b >= 0 && a < c.input[0] && b < c.input[1]) fed.push(r);
      }
  }
  if (fed.length === 0) expect(t).toContain('no output read');
  else {
    const terms = parts[0].split(' + ');
    expect(terms).toHaveLength(Math.min(fed.length, 9));
    if (!terms.includes('…'))
      close(
        parts[1],
        terms.reduce(
          (s, x) =>
            s +
            x
              .split('·')
              .map(num)
              .reduce((a, b) => a * b),
          0,
        ),
      );
  }
  agreementClaim(t.slice(t.lastIndexOf('. ') + 2), maxDiff(G.Ctg.values, G.gradInput.values), G.agreement.tolerance);

  t = say(2);
  const plain = [0, 1].map((a) =>
    transposedLength(ref.out[a], c.kernel[a], c.stride[a], c.padding[a], c.dilation[a], 0),
  ) as Dims;
  if (plain[0] < 1 || plain[1] < 1) {
    expect(t).toContain('crops its output to nothing here');
  } else {
    const unread = [c.input[0] - plain[0], c.input[1] - plain[1]] as Dims;
    expect(t.split('; ')[0].includes('output_padding'), t).toBe(unread[0] > 0 || unread[1] > 0);
    if (unread[0] || unread[1]) expect(t).toContain(`output_padding ${p1(unread)})`);
    expect(t).toContain(`stride ${p1(c.stride)}, padding ${p1(c.padding)}`);
    agreementClaim(t.split('; ')[1], G.agreement.transposedVsGradInput!, G.agreement.tolerance);
  }
  const sameSize = [0, 1].every(
    (a) =>
      transposedLength(ref.out[a], c.kernel[a], c.stride[a], c.padding[a], c.dilation[a], c.outputPadding[a]) ===
      c.input[a],
  );
  if (G.source === 'ones') expect(t).toContain('with g = y this gradient is its product');
  else if (m.values.kt !== null) expect(t).toContain('independent weights');
  else if (!sameSize) expect(t).toContain('picks the output_padding that gives x’s size back');
  else {
    expect(t).toContain('With g = y it is chapter 6’s Cᵀ·vec(y)');
    agreementClaim(t.split('Cᵀ·vec(y): ')[1], maxDiff(m.Cty.values, G.gradInput.values), G.agreement.tolerance);
  }
  expect(t).toContain('hence the name');

  for (let k = 0; k < kk; k++) {
    t = say(3 + k);
    const mk =
      /^∂L\/∂(w\S+) = Σ over the (\d+ outputs?) of g times the value (w\S+) multiplied there = (.+) = (\S+)\.$/.exec(t);
    expect(mk, t).not.toBeNull();
    expect([mk![1], mk![3]]).toEqual([w(k), w(k)]);
    expect(mk![2]).toBe(plural(outN, 'output', 'outputs'));
    close(mk![5], ref.gradWeight[k]);
    const terms = mk![4].split(' + ');
    expect(terms).toHaveLength(Math.min(outN, 9));
    terms.forEach((term, r) => {
      if (term === '…') return;
      const [gv, xv] = term.split('·').map(num);
      close(String(gv), g[r]);
      close(String(xv), ref.met[k][r]);
    });
  }
  t = say(3 + kk);
  const swapped = c.stride[0] !== c.dilation[0] || c.stride[1] !== c.dilation[1];
  expect(t.includes('stride and dilation trade places')).toBe(swapped);
  if (swapped)
    expect(t).toContain(
      `steps by the dilation, ${p1(c.dilation)}, and spreads g’s taps by the stride, ${p1(c.stride)})`,
    );
  expect(t).toContain(`gives the ${size(c.kernel)} gradient`);
  agreementClaim(t, maxDiff(G.correlation.values, G.gradWeight.values), G.agreement.tolerance);
  expect(maxDiff(G.correlation.values, ref.gradWeight)).toBeLessThanOrEqual(1e-4 * scale);

  t = say(4 + kk);
  expect(t).toContain('“Deconvolution” is a misnomer');
  if (c.stride[0] === 1 && c.stride[1] === 1) expect(t).toContain('a stride of 1/stride in y’s units, which is 1 here');
  else expect(t).toContain(`a stride of 1/${p1(c.stride)} in y’s units`);
  return 5 + kk;
}

/** Chapter 10, frame by frame, against a gradient descent of the test's own. Returns the sentences checked. */
function checkLearning(m: ExplainerModel, say: (f: number) => string): number {
  const c = m.config;
  const L = m.learning;
  const kk = c.kernel[0] * c.kernel[1];
  const { A, transposed } = weightsToOutput(c, m.y.values);
  const n = transposed[0] * transposed[1];
  const { gershgorin, lambda, unreached } = gram(A, kk);
  // The target: k's own output, or torch's bilinear interpolation of y.
  const target =
    L.settings.target === 'kernel'
      ? A.map((row) => row.reduce((s, a, t) => s + a * m.k.values[t], 0))
      : Array.from(bilinear(m.y.values, m.outputSize, transposed));
  const largest = Math.max(1, ...target.map(Math.abs));
  expect(maxDiff(L.target.values, target)).toBeLessThanOrEqual(1e-5 * largest);
  expect(Array.from(L.init)).toEqual(Array.from(initialWeights(L.settings.seed, kk)));
  expect(L.unreached).toEqual(unreached);
  // The safe rate: 1/L rounded down to three digits, L = 2/N × the Gram matrix's Gershgorin bound;
  // it is below 1/λ of the loss's true curvature, so descent is guaranteed.
  if (gershgorin > 0) {
    const exact = n / (2 * gershgorin);
    expect(L.safeLr).toBeLessThanOrEqual(exact);
    expect(L.safeLr).toBeGreaterThanOrEqual(exact * 0.99);
    expect(L.safeLr * ((2 / n) * lambda)).toBeLessThanOrEqual(1 + 1e-9);
  }
  const ref = descend(A, target, L.init, L.lr, L.losses.length - 1);
  // Float32 and double-precision descents stay within rounding of each other at the safe rate.
  const slack = (i: number) => 1e-4 * ref.losses[i] + (1e-5 * largest) ** 2 + 2e-5 * largest * Math.sqrt(ref.losses[i]);
  L.losses.forEach((l, i) => expect(Math.abs(l - ref.losses[i]), `loss ${i}`).toBeLessThanOrEqual(slack(i) * 10));
  // In exact arithmetic the loss cannot rise at the safe rate (the bound's promise, checked in doubles).
  for (let i = 1; i < ref.losses.length; i++)
    expect(ref.losses[i]).toBeLessThanOrEqual(ref.losses[i - 1] * (1 + 1e-12) + 1e-18);
  expect(L.firstRise).toBe(-1);

  let t = say(0);
  expect(t).toContain(`its ${plural(kk, 'weight', 'weights')} start at random (seed ${L.settings.seed})`);
  expect(t).toContain(L.settings.target === 'kernel' ? 'against k’s own output' : `bilinearly to ${size(transposed)}`);
  if (gershgorin > 0) {
    const mr = /lr = (\S+), the safe rate 1\/L, where L = 2\/N × (\S+) = 2\/(\d+) × (\S+) bounds/.exec(t);
    expect(mr, t).not.toBeNull();
    expect(num(mr![1])).toBe(L.safeLr);
    expect(Math.abs(num(mr![2]) - gershgorin)).toBeLessThanOrEqual(5e-4 * gershgorin);
    expect(num(mr![3])).toBe(n);
  } else {
    expect(t).toContain('y is all zeros');
  }
  if (gershgorin > 0 && unreached.length > 0 && unreached.length < kk) {
    for (const u of unreached) expect(t).toContain(w(u));
    expect(t).toMatch(/lands? on no output/);
  } else expect(t).not.toMatch(/on no output/);
  closeLoss(/The loss starts at (\S+)\.$/.exec(t)![1], ref.losses[0], slack(0));

  const shown = [0, ...SHOWN.filter((i) => i < L.losses.length)];
  expect(L.snapshots.map((s) => s.iteration)).toEqual(shown);
  for (let f = 1; f < shown.length; f++) {
    t = say(f);
    const [i, j] = [shown[f], shown[f - 1]];
    const mf =
      /^Iteration (\d+): loss (\S+), (down from|up from|level with) (\S+) at (the start|iteration (\d+)); (?:(w\S+) moved most, (\S+) → (\S+)|no weight moved by more than (\S+))\./.exec(
        t,
      );
    expect(mf, t).not.toBeNull();
    expect(num(mf![1])).toBe(i);
    closeLoss(mf![2], ref.losses[i], slack(i) * 10);
    closeLoss(mf![4], ref.losses[j], slack(j) * 10);
    expect(mf![5]).toBe(j === 0 ? 'the start' : `iteration ${j}`);
    // The direction: the reference's when the change is well above rounding.
    const change = ref.losses[i] - ref.losses[j];
    if (Math.abs(change) > 1e-3 * ref.losses[j] + 10 * slack(j))
      expect(mf![3]).toBe(change < 0 ? 'down from' : 'up from');
    const moves = ref.weights[i].map((v, t) => Math.abs(v - ref.weights[j][t]));
    const most = Math.max(...moves);
    if (mf![7]) {
      const t0 = [...Array(kk).keys()].find((u) => w(u) === mf![7])!;
      expect(moves[t0]).toBeGreaterThanOrEqual(most - 1e-3 * Math.max(1, most));
      close(mf![8], ref.weights[j][t0]);
      close(mf![9], ref.weights[i][t0]);
    } else {
      closeSmall(mf![10], most, 1e-4);
      expect(most).toBeLessThan(0.0051 + 1e-4);
    }
  }
  const last = shown.length - 1;
  const mEnd =
    /After (\d+ steps?) the loss went from (\S+) to (\S+), without rising once; the output is within (\S+) of the target(?: and w within (\S+) of k)?\.$/.exec(
      t,
    );
  expect(mEnd, t).not.toBeNull();
  expect(mEnd![1]).toBe(plural(shown[last], 'step', 'steps'));
  closeLoss(mEnd![2], ref.losses[0], slack(0));
  closeLoss(mEnd![3], ref.losses[shown[last]], slack(shown[last]) * 10);
  const out = ref.output(shown[last]);
  closeSmall(mEnd![4], maxDiff(out, target), 1e-3 * largest);
  expect(Boolean(mEnd![5])).toBe(L.settings.target === 'kernel');
  if (mEnd![5]) closeSmall(mEnd![5], maxDiff(ref.weights[shown[last]], m.k.values), 1e-3);
  return shown.length;
}

describe('chapters 9 and 10', () => {
  it('state what the chain rule and a gradient descent of their own give, for hundreds of configurations', async () => {
    const tc = await tconv();
    let models = 0;
    let sentences = 0;
    for (const r of fc.sample(fc.tuple(configs, options), { numRuns: RUNS, seed: 19 })) {
      const [cr, o] = r;
      const c: ExplainerConfig = cr;
      const out = [0, 1].map((a) => convLength(c.input[a], c.kernel[a], c.stride[a], c.padding[a], c.dilation[a]));
      if (out[0] < 1 || out[1] < 1) continue;
      const values = presetValues(
        'random',
        { input: c.input, kernel: c.kernel, output: out as Dims },
        cr.independent,
        cr.seed,
      );
      const built = buildModel(tc, c, values, {
        gradSource: o.gradSource,
        learn: { seed: o.seed, target: o.target, lr: null },
      });
      if (!built.ok) continue;
      const m = built.model;
      const all = chapters(m);
      const params = (d: Dims) => new Set([p1(d), String(d[0]), String(d[1])]);
      const allowed = { kernel: params(c.kernel), stride: params(c.stride), dilation: params(c.dilation) };
      const sayIn = (ch: number) => (f: number) => {
        const text = all[ch - 1].frames[f].narration;
        checkWording(text, allowed);
        return text;
      };
      sentences += checkGradient(m, sayIn(9));
      sentences += checkLearning(m, sayIn(10));
      models++;
    }
    console.log(`claims (chapters 9 and 10): ${models} configurations, ${sentences} sentences checked`);
    expect(models).toBeGreaterThanOrEqual(200);
  });
});
