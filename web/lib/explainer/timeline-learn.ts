// Chapter 10, "Learning the weights": Cᵀ's layout stays, its weights start at
// random and follow gradient descent until the output matches a target. One
// frame per shown iteration; every number is the model's (learn.ts), and
// tests/node/explainer/claims.test.ts checks each against a training loop of
// its own (reference.ts).

import { weightName } from './derived.js';
import { DIVERGED, lossNoise } from './learn.js';
import type { CellRef, ExplainerModel, LearningModel, LearnSnapshot } from './model-types.js';
import { count, formatNumber, formatSignificant, formatSmall, list, paramText, plural, sizeText } from './text.js';
import type { Chapter, Frame } from './timeline.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The loss as the narration writes it: three significant digits, but whole numbers from 1000 on (3025, not 3030). */
export const lossText = (v: number) =>
  Math.abs(v) >= 1000 && Math.abs(v) < 1e6 ? String(Math.round(v)) : formatSignificant(v, 3);

/** The learning rate as written: its own digits (the safe rate has three). */
export const rateText = (v: number) => formatSignificant(v, 4);

/** The index of the largest |a − b| (the first, on a tie), and that difference. */
export function largestChange(a: Float32Array, b: Float32Array): { at: number; by: number } {
  let at = 0;
  let by = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > by) [at, by] = [i, d];
  }
  return { at, by };
}

/** The run stopped because the loss blew up (learn.ts's DIVERGED rule). */
export function diverged(L: LearningModel, s: LearnSnapshot): boolean {
  return !Number.isFinite(s.loss) || s.loss > DIVERGED * Math.max(L.losses[0], 1e-30);
}

function layout(m: ExplainerModel): string {
  const { stride, padding, dilation, outputPadding } = m.config;
  return (
    `stride ${paramText(stride)}, padding ${paramText(padding)}` +
    (dilation[0] > 1 || dilation[1] > 1 ? `, dilation ${paramText(dilation)}` : '') +
    (outputPadding[0] || outputPadding[1] ? `, output_padding ${paramText(outputPadding)}` : '') +
    `: y ${sizeText(m.outputSize)} → ${sizeText(m.transposedSize)}`
  );
}

function rateSentence(L: LearningModel, n: number): string {
  if (L.gramBound === 0) return `lr = ${rateText(L.lr)}.`;
  const safe =
    `1/L, where L = 2/N × ${formatSignificant(L.gramBound, 4)} = 2/${n} × ${formatSignificant(L.gramBound, 4)} ` +
    `bounds how fast the gradient changes, so no step can raise the loss`;
  if (L.lr === L.safeLr) return `lr = ${rateText(L.lr)}, the safe rate ${safe}.`;
  return `lr = ${rateText(L.lr)}, ${formatSignificant(L.lr / L.safeLr, 3)} times the safe rate ${rateText(L.safeLr)} (${safe}).`;
}

function intro(m: ExplainerModel): Frame {
  const L = m.learning;
  const K = m.k.values.length;
  const n = L.target.values.length;
  const target =
    L.settings.target === 'kernel'
      ? 'k’s own output, conv_transpose2d(y, k)'
      : `y up-sampled bilinearly to ${sizeText(m.transposedSize)}`;
  const stuck = L.unreached.map(weightName);
  const parts = [
    `Cᵀ’s layout stays (${layout(m)}); its ${count(K, 'weight', 'weights')} start at random (seed ${L.settings.seed}) and are learned. ` +
      `Each step runs conv_transpose2d(y, w), the mean squared error against ${target}, the core’s backward pass ` +
      `for ∂L/∂w, and w ← w − lr·∂L/∂w.`,
    rateSentence(L, n),
    L.gramBound === 0
      ? 'y is all zeros, so the output is 0 whatever the weights: there is nothing to learn.'
      : stuck.length > 0 && stuck.length < K
        ? `${list(stuck)} ${plural(stuck.length, 'lands', 'land')} on no output: ${plural(stuck.length, 'its', 'their')} gradient is 0 and ${plural(stuck.length, 'it never moves', 'they never move')}.`
        : '',
    `The loss starts at ${lossText(L.losses[0])}.`,
  ];
  return { narration: parts.filter(Boolean).join(' '), active: [] };
}

function step(m: ExplainerModel, f: number, last: boolean): Frame {
  const L = m.learning;
  const s = L.snapshots[f];
  const prev = L.snapshots[f - 1];
  const active: CellRef[] = [];
  if (diverged(L, s)) {
    return {
      narration:
        `Iteration ${s.iteration}: the loss reached ${lossText(s.loss)}, more than a million times where it started: ` +
        `lr ${rateText(L.lr)} is too large, and training stops.`,
      active,
    };
  }
  const noise = lossNoise(prev.loss, L.largest);
  const dir = s.loss < prev.loss - noise ? 'down from' : s.loss > prev.loss + noise ? 'up from' : 'level with';
  const since = prev.iteration === 0 ? 'the start' : `iteration ${prev.iteration}`;
  const move = largestChange(s.weights.values, prev.weights.values);
  const moved =
    move.by >= 0.005
      ? `${weightName(move.at)} moved most, ${formatNumber(prev.weights.values[move.at])} → ${formatNumber(
          s.weights.values[move.at],
        )}`
      : `no weight moved by more than ${formatSmall(move.by)}`;
  let text = `Iteration ${s.iteration}: loss ${lossText(s.loss)}, ${dir} ${lossText(prev.loss)} at ${since}; ${moved}.`;
  if (last) {
    const off = largestChange(s.output.values, L.target.values);
    const fromK = largestChange(s.weights.values, m.values.k);
    text +=
      ` After ${count(s.iteration, 'step', 'steps')} the loss went from ${lossText(L.losses[0])} to ${lossText(s.loss)}` +
      (L.firstRise < 0 ? ', without rising once' : `, rising first at step ${L.firstRise}`) +
      `; the output is within ${formatSmall(off.by)} of the target` +
      (L.settings.target === 'kernel' ? ` and w within ${formatSmall(fromK.by)} of k.` : '.');
  }
  return { narration: text, active: move.by > 0 ? [`w:${move.at}`, `k:${move.at}`] : [] };
}

export function learnChapter(m: ExplainerModel): Chapter {
  const L = m.learning;
  const n = L.snapshots.length;
  return {
    id: 'learn',
    number: 10,
    title: 'Learning the weights',
    summary:
      'Cᵀ’s layout is fixed; its weights are trained by gradient descent until the up-sampling matches a target.',
    frames: [intro(m), ...range(n - 1).map((i) => step(m, i + 1, i === n - 2))],
  };
}
