// The Learn mode's sentences, each made from the session's state: which
// models the sides train, what the core says their phases get, and the
// numbers their trainers report. No sentence states a number or a comparison
// that is not computed from that state here; tests/node/upsampler/
// learn-text.test.ts checks every one against computations of its own over
// many configurations. DOM-free.

import { count, formatSignificant, list, plural } from '../../lib/explainer/text.js';
import type { PhaseKernels, TrainModel } from '../shared/learn-protocol.js';
import type { Evaluation, LearnSide, SideId } from './learn-session.js';

/** Below this many levels (of 255), a flat grey input comes out flat: issue 14's threshold for "no checkerboard". */
export const FLAT_LEVELS = 0.5;
/** The loss the texts quote: the mean of the last this-many steps (one step's loss is one batch's, and noisy). */
export const LOSS_WINDOW = 10;

export const MODEL_LABELS: Record<TrainModel, string> = {
  'transposed-k3': 'Transposed conv · kernel 3',
  'transposed-k2f': 'Transposed conv · kernel 2f',
  'resize-conv': 'Resize-conv · nearest + 3×3',
  subpixel: 'Sub-pixel conv',
  'subpixel-icnr': 'Sub-pixel conv · ICNR',
};

/** The model's name in a sentence, with its factor where the name depends on it. */
export function modelName(model: TrainModel, factor: number): string {
  switch (model) {
    case 'transposed-k3':
      return 'transposed conv (kernel 3)';
    case 'transposed-k2f':
      return `transposed conv (kernel ${2 * factor})`;
    case 'resize-conv':
      return 'resize-conv';
    case 'subpixel':
      return 'sub-pixel conv';
    case 'subpixel-icnr':
      return 'sub-pixel conv with ICNR';
  }
}

const side = (id: SideId) => id.toUpperCase();
const db = (v: number) => `${v.toFixed(2)} dB`;
export const levels = (v: number) => formatSignificant(v, v >= 1 ? 3 : 2);
export const lossText = (v: number) => formatSignificant(v, 3);

/**
 * What the models learn on: the image (or its centre), reduced ×factor, and the size they up-sample it back to
 * (the trainer's result, once there is one): "chelsea.png (240×156) is reduced ×2 to 120×78; both models learn
 * to up-sample it back to 240×156."
 */
export function imageSentence(
  image: { name: string; width: number; height: number; croppedFrom?: { width: number; height: number } },
  factor: number,
  result: { width: number; height: number } | null,
): string {
  const size = `${image.width}×${image.height}`;
  const what = image.croppedFrom
    ? `The central ${size} of ${image.name} (${image.croppedFrom.width}×${image.croppedFrom.height})`
    : `${image.name} (${size})`;
  if (!result) return `${what} is what both models learn on, at ×${factor}.`;
  return (
    `${what} is reduced ×${factor} to ${result.width / factor}×${result.height / factor}; ` +
    `both models learn to up-sample it back to ${result.width}×${result.height}.`
  );
}

/** How many taps feed each phase (the core's phase map, kernels.ts), in phase order. */
export function tapCounts(k: PhaseKernels): number[] {
  return k.phases.map((p) => p.weights.filter((w) => w !== null).length);
}

/** What a side's model is, and what its phases get: the core's answer (kernels), or only the definition before it. */
export function modelSentence(id: SideId, model: TrainModel, factor: number, hidden: number, k: PhaseKernels | null) {
  const f = factor;
  const phases = `the ${f}×${f} = ${f * f} output phases`;
  const size = k ? `${k.size[0]}×${k.size[1]}` : '';
  const before = hidden > 0 ? ` after a hidden layer of ${count(hidden, 'channel', 'channels')}` : '';
  let what: string;
  if (model === 'transposed-k3' || model === 'transposed-k2f') {
    what = `conv_transpose2d at stride ${f}${size ? ` with a ${size} kernel` : ''}${before}: each input pixel stamps a copy of the kernel, ${f} pixels apart`;
  } else if (model === 'resize-conv') {
    what = `nearest ×${f}, then conv2d${size ? ` with a ${size} kernel` : ''}${before}`;
  } else {
    const icnr = model === 'subpixel-icnr' ? ', initialised with ICNR (Aitken et al. 2017)' : '';
    what = `conv2d${size ? ` with a ${size} kernel` : ''} to ${3 * f * f} channels, then pixel_shuffle(${f})${before}${icnr}`;
  }
  let phasesText = '';
  if (k) {
    const counts = tapCounts(k);
    const distinct = [...new Set(counts)].sort((x, y) => x - y);
    if (!k.shared) {
      phasesText = ` Each of ${phases} has a ${size} kernel of its own, so nothing makes the phases agree but training.`;
    } else if (distinct.length === 1) {
      phasesText =
        ` Every one of ${phases} gets ${count(distinct[0], 'tap', 'taps')} of the kernel: the copies overlap evenly, ` +
        'so no phase is favoured by construction.';
    } else {
      phasesText =
        ` Of ${phases}, ${list(distinct.map((n) => `${counts.filter((c) => c === n).length} get ${count(n, 'tap', 'taps')}`))}: ` +
        'the copies overlap unevenly, so unless the weights balance the phases even a flat input comes out as a ' +
        'checkerboard (Odena et al., Distill 2016).';
    }
  }
  return `${side(id)}, ${modelName(model, f)}: ${what}.${phasesText}`;
}

/** Flat or not, with the number: "starts with a checkerboard: a flat grey input varies by 23.1 levels". */
function flatness(v: number): string {
  return v < FLAT_LEVELS
    ? `flat: a flat grey input varies by ${levels(v)} ${plural(v, 'level', 'levels')}, under ${FLAT_LEVELS}`
    : `with a checkerboard: a flat grey input varies by ${levels(v)} ${plural(v, 'level', 'levels')} (of 255)`;
}

/** The largest difference between two phases' kernels, relative to the largest weight: 0 when all are identical. */
export function phaseSpread(k: PhaseKernels): number {
  const first = k.phases[0].weights;
  const scale = Math.max(1e-12, ...k.phases.flatMap((p) => p.weights.map((w) => Math.abs(w ?? 0))));
  let spread = 0;
  for (const p of k.phases)
    p.weights.forEach((w, t) => (spread = Math.max(spread, Math.abs((w ?? 0) - (first[t] ?? 0)))));
  return spread / scale;
}

/** Phase kernels this close (relative) count as identical: float32 rounding of equal sums. */
export const IDENTICAL = 1e-5;

/**
 * How each side started (its evaluation at step 0), and, for a model whose phases have kernels of their own
 * (sub-pixel), whether those kernels started identical (what ICNR does) or not.
 */
export function startSentence(
  starts: Record<SideId, Evaluation | null>,
  kernels: Record<SideId, PhaseKernels | null> = { a: null, b: null },
): string {
  const parts = (['a', 'b'] as const)
    .filter((id) => starts[id])
    .map((id) => {
      const k = kernels[id];
      let why = '';
      if (k && !k.shared) {
        why =
          phaseSpread(k) <= IDENTICAL
            ? `, and its ${k.phases.length} phase kernels start identical, so every phase answers flat grey alike (ICNR, Aitken et al. 2017)`
            : `, and its ${k.phases.length} phase kernels start different from one another`;
      }
      return `${side(id)} starts ${flatness(starts[id]!.checkerboard)}${why}`;
    });
  return parts.length ? `${parts.join('; ')}.` : '';
}

/** The mean loss of the last LOSS_WINDOW steps (fewer at first). */
export function recentLoss(losses: number[]): number {
  const tail = losses.slice(-LOSS_WINDOW);
  return tail.reduce((s, v) => s + v, 0) / tail.length;
}

function versus(v: number, ref: number, name: string): string {
  const d = Number((v - ref).toFixed(2));
  if (d === 0) return `level with ${name} (${db(ref)})`;
  return `${db(Math.abs(d))} ${d > 0 ? 'above' : 'below'} ${name} (${db(ref)})`;
}

/** Where one side stands: loss, PSNR against bilinear and bicubic, and its checkerboard against its start. */
export function progressSentence(id: SideId, s: LearnSide, psnrBilinear: number, psnrBicubic: number): string {
  const e = s.evaluations[s.evaluations.length - 1];
  if (!e) return '';
  const parts: string[] = [];
  if (s.losses.length > 0) {
    const n = Math.min(LOSS_WINDOW, s.losses.length);
    parts.push(
      `After ${count(s.step, 'step', 'steps')}, ${side(id)}’s loss is ${lossText(recentLoss(s.losses))} ` +
        `(${n === 1 ? 'the last step' : `mean of the last ${n} steps`}), from ${lossText(s.losses[0])} at step 1.`,
    );
  }
  const at = e.step === 0 ? 'At step 0' : `At step ${e.step}`;
  parts.push(
    `${at} its PSNR is ${db(e.psnr)}: ${versus(e.psnr, psnrBilinear, 'bilinear')} and ${versus(e.psnr, psnrBicubic, 'bicubic')}.`,
  );
  if (s.start && e.step > 0) {
    const c = e.checkerboard;
    const c0 = s.start.checkerboard;
    parts.push(
      `Its checkerboard is ${levels(c)} ${plural(c, 'level', 'levels')}, ` +
        (levels(c) === levels(c0) ? 'as at step 0.' : `${c < c0 ? 'down' : 'up'} from ${levels(c0)} at step 0.`),
    );
  }
  return parts.join(' ');
}

/** The two checkerboards compared: "A's is 14 times B's (4.1 and 0.29 levels)". */
export function compareSentence(a: Evaluation | null, b: Evaluation | null): string {
  if (!a || !b) return '';
  const [ca, cb] = [a.checkerboard, b.checkerboard];
  const both = `(${levels(ca)} and ${levels(cb)} levels, at steps ${a.step} and ${b.step})`;
  if (ca < FLAT_LEVELS && cb < FLAT_LEVELS) return `Both respond to flat grey with flat grey ${both}.`;
  const [hi, lo, big] =
    ca >= cb ? (['A', 'B', ca / Math.max(cb, 1e-9)] as const) : (['B', 'A', cb / Math.max(ca, 1e-9)] as const);
  const ratio = cb === 0 || ca === 0 || big >= 1000 ? 'over 1000 times' : `${formatSignificant(big, 2)} times`;
  if (big < 1.1) return `Their checkerboards are about equal ${both}.`;
  return `${hi}’s checkerboard is ${ratio} ${lo}’s ${both}.`;
}

/** What the flat-grey images show and how they are stretched (flat-view.ts). */
export function flatCaption(factor: number, crop: number, gain: number): string {
  const half = 127.5 / gain;
  return (
    `Each model’s output for a flat mid-grey input, ×${factor}: the central ${crop}×${crop} pixels, one square per pixel. ` +
    `The contrast is stretched ×${formatSignificant(gain, 3)}, the same for both, around each colour’s own mean ` +
    `(a colour cast is not a checkerboard), so ${formatSignificant(half, 2)} ${plural(half, 'level', 'levels')} ` +
    'below the mean is black and as much above is white.'
  );
}

/** What the kernel grids show (the same words for both sides: their factor and reduction are the same). */
export function kernelCaption(k: PhaseKernels): string {
  const f = k.factor;
  return (
    `One small grid per output phase, placed as the phases sit in the ${f}×${f} tile; each cell is a tap of the ` +
    `kernel, coloured by its weight (${k.reduction}: orange positive, blue negative), and blank where that tap does ` +
    'not feed the phase.'
  );
}
