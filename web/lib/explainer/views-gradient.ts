// What chapters 9 and 10 draw at each frame. DOM-free; like views.ts, this
// only picks the model's grids, lays vectors out as columns and matrices
// transposed (index shuffles), and decides what is revealed.

import { derived, transposeLayout } from './derived.js';
import { maxAbs } from './core-ops.js';
import type { ExplainerModel, LearnSnapshot, MatrixGrid } from './model-types.js';
import { GRADIENT_SETUP } from './timeline-gradient.js';
import { column, grid, oneDecimal, op, twoDecimals, type ViewSpec } from './view-parts.js';

/** Chapter 9: the loss on conv2d's output, ∂L/∂x as Cᵀ·vec(g), ∂L/∂k weight by weight. */
export function gradientView(m: ExplainerModel, frame: number): ViewSpec {
  const d = derived(m);
  const G = m.gradient;
  const K = m.k.values.length;
  const inputDone = frame >= 1 ? undefined : 0;
  // Frame GRADIENT_SETUP + t computes weight t; later frames show them all.
  const weightsDone = frame < GRADIENT_SETUP ? 0 : Math.min(K, frame - GRADIENT_SETUP + 1);
  const padded = m.config.padding[0] > 0 || m.config.padding[1] > 0;
  const scale = Math.max(1, maxAbs(G.gradInput.values));
  return {
    rows: [
      {
        title: 'L = Σ g ⊙ conv2d(x, k)',
        items: [
          grid('xpad', padded ? 'Padded input' : 'Input x', m.xpad, { kinds: m.xpad.kinds }),
          op('⊛', 'convolved with'),
          grid('k', 'Kernel k', m.k, { subscripts: d.kernelSubs }),
          op('=', 'gives'),
          grid('out', 'Output', m.out),
          op('←', 'receives the gradient'),
          grid('g', G.source === 'y' ? 'g = y' : 'g = 1', G.g, { note: '∂L/∂out' }),
        ],
      },
      {
        title: '∂L/∂x = Cᵀ·vec(g): the gradient flows back along C’s connections',
        items: [
          grid('CtC', 'Cᵀ (C of chapter 2, transposed)', d.CtC, {
            subscripts: d.CtCSubs,
            faded: d.CtCZeros,
            cellText: d.CtCText,
          }),
          op('·', 'times'),
          column('vecg', 'vec(g)', G.g.values),
          op('=', 'equals'),
          column('Ctg', 'Cᵀ·vec(g)', G.Ctg.values, { revealed: inputDone, scale }),
          op('→', 'folded into'),
          grid('gx', '∂L/∂x', G.gradInput, { revealed: inputDone, scale, note: 'conv2dBackward' }),
        ],
      },
      {
        title: '∂L/∂k: x correlated with g (ringed above: what each weight met)',
        items: [
          grid('gk', '∂L/∂k', G.gradWeight, {
            revealed: weightsDone,
            subscripts: d.kernelSubs,
            note: 'conv2dBackward',
          }),
        ],
      },
    ],
  };
}

const learnedCts = new WeakMap<LearnSnapshot, MatrixGrid>();

/** A snapshot's Cᵀ as drawn: its forward matrix laid out transposed (an index shuffle), once per snapshot. */
export function learnedCt(s: LearnSnapshot): MatrixGrid {
  let Ct = learnedCts.get(s);
  if (!Ct) learnedCts.set(s, (Ct = transposeLayout(s.Ct)));
  return Ct;
}

/** Chapter 10: the learned weights, Cᵀ with them, and the output beside its target, at frame's iteration. */
export function learnView(m: ExplainerModel, frame: number): ViewSpec {
  const d = derived(m);
  const L = m.learning;
  const s = L.snapshots[Math.min(frame, L.snapshots.length - 1)];
  const Ct = learnedCt(s);
  const at = s.iteration === 0 ? 'at the start' : `after ${s.iteration} ${s.iteration === 1 ? 'step' : 'steps'}`;
  return {
    rows: [
      {
        title: `The weights of Cᵀ, ${at}`,
        items: [
          grid('w', 'Learned kernel w', s.weights, {
            subscripts: d.kernelSubs,
            scale: L.scales.weights,
            note: `seed ${L.settings.seed}`,
            format: twoDecimals,
          }),
          ...(L.settings.target === 'kernel'
            ? [
                op('→', 'learns towards'),
                grid('k', 'Kernel k', m.k, { subscripts: d.kernelSubs, scale: L.scales.weights, note: 'the target’s' }),
              ]
            : []),
        ],
      },
      {
        title: 'Cᵀ·vec(y) with the learned weights, beside the target',
        items: [
          grid('Ctw', 'Cᵀ (learned weights)', Ct, {
            subscripts: d.CtSubs,
            faded: d.CtZeros,
            cellText: d.CtText,
            scale: L.scales.weights,
            format: oneDecimal,
          }),
          op('·', 'times'),
          column('vecy', 'vec(y)', m.y.values),
          op('=', 'equals'),
          grid('learned', 'Output', s.output, {
            scale: L.scales.output,
            note: 'conv_transpose2d(y, w)',
            format: twoDecimals,
          }),
          op('≈', 'should match'),
          grid('target', 'Target', L.target, {
            scale: L.scales.output,
            note: L.settings.target === 'kernel' ? 'conv_transpose2d(y, k)' : 'bilinear up-sampling of y',
          }),
        ],
      },
    ],
  };
}
