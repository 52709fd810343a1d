// The learned up-sampling kernel per output phase, for the Learn mode's
// drawing. With stride (factor) f, output pixel (y, x) is in phase
// (y mod f, x mod f); which kernel taps feed a phase is the core's answer,
// not a rule written here: each tap is pushed alone through the layer's own
// operation (conv_transpose2d of a single lit input pixel with a one-hot
// kernel, nearest ×f then conv2d, or pixel_shuffle of numbered channels) and
// the phases its output lands on are read off. DOM-free; runs in the
// training worker, which has the core.
//
// The layer's geometry is the core's too (trainerUpLayer): the models are defined once, in the trainer.

import type { TrainerUpLayer } from '../../lib/trainer.js';
import type { Tconv, Tensor } from '../../lib/types.js';
import type { PhaseKernels } from './learn-protocol.js';

/** The up-sampling layer of a model: its operation and geometry (the core's), and its weight. */
export type UpLayer = TrainerUpLayer & { weight: Tensor };

/** The layer's geometry with its weight taken from the trainer's weights (its name for it: up.weight). */
export function upLayer(geometry: TrainerUpLayer, weights: Record<string, Tensor>): UpLayer {
  const weight = weights['up.weight'];
  if (!weight || weight.shape.length !== 4) {
    throw new Error(`weights: no 4-D up.weight among ${Object.keys(weights).join(', ')}`);
  }
  return { ...geometry, weight };
}

/** Output size of the probes: a lit pixel in the middle of a SIDE × SIDE input, far from every border. */
const SIDE = 9;

/** For each tap (row-major), the set of phases (py·f + px) its copy of a lit input pixel lands on. */
export function tapPhases(tc: Tconv, layer: UpLayer): Set<number>[] {
  const [kh, kw] = layer.weight.shape.slice(2);
  const taps = kh * kw;
  const f = layer.factor;
  const oneHot = new Float32Array(taps * taps);
  for (let t = 0; t < taps; t++) oneHot[t * taps + t] = 1;
  const lit = new Float32Array(SIDE * SIDE);
  lit[(SIDE >> 1) * SIDE + (SIDE >> 1)] = 1;
  const pixel = { data: lit, shape: [1, 1, SIDE, SIDE] };
  let out: Tensor;
  if (layer.kind === 'transposed') {
    out = tc.convTranspose2d(
      pixel,
      { data: oneHot, shape: [1, taps, kh, kw] },
      { stride: f, padding: layer.padding, outputPadding: layer.outputPadding },
    );
  } else if (layer.kind === 'resize') {
    const up = tc.interpolate(pixel, { mode: 'nearest', scaleFactor: f });
    out = tc.conv2d(up, { data: oneHot, shape: [taps, 1, kh, kw] }, { padding: layer.padding });
  } else {
    // Every tap of a sub-pixel layer's own kernel feeds its phase: the phase is the channel's (below).
    return Array.from({ length: taps }, () => new Set<number>());
  }
  const [, , H, W] = out.shape;
  return Array.from({ length: taps }, (_, t) => {
    const phases = new Set<number>();
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) if (out.data[(t * H + y) * W + x] !== 0) phases.add((y % f) * f + (x % f));
    return phases;
  });
}

/**
 * Sub-pixel convolution: which of the layer's output channels becomes colour c, phase p after the core's
 * pixel_shuffle: channels[c][p].
 */
export function shuffleChannels(tc: Tconv, colours: number, f: number): number[][] {
  const n = colours * f * f;
  const numbered = Float32Array.from({ length: n }, (_, q) => q);
  const out = tc.pixelShuffle({ data: numbered, shape: [1, n, 1, 1] }, f);
  return Array.from({ length: colours }, (_, c) => Array.from(out.data.slice(c * f * f, (c + 1) * f * f)));
}

/**
 * The layer's kernel per phase, reduced to one number per tap: summed over the input channels (what a flat
 * input sees) and averaged over R, G, B. A tap that does not feed a phase is null there.
 */
export function phaseKernels(tc: Tconv, layer: UpLayer): PhaseKernels {
  const w = layer.weight;
  const [a, b, kh, kw] = w.shape;
  const taps = kh * kw;
  const f = layer.factor;
  // weight(o, i, t): output channel o, input channel i, tap t, in each layout.
  const transposed = layer.kind === 'transposed';
  const outs = transposed ? b : a;
  const ins = transposed ? a : b;
  const at = (o: number, i: number, t: number) => w.data[(transposed ? i * b + o : o * b + i) * taps + t];
  const reduced = (channels: number[]) =>
    Array.from({ length: taps }, (_, t) => {
      let s = 0;
      for (const o of channels) for (let i = 0; i < ins; i++) s += at(o, i, t);
      return s / channels.length;
    });
  const reduction = `summed over ${ins === 1 ? 'the input channel' : `the ${ins} input channels`}, averaged over R, G and B`;
  const phases = Array.from({ length: f * f }, (_, p) => p);
  if (layer.kind === 'subpixel') {
    const colours = outs / (f * f);
    const channels = shuffleChannels(tc, colours, f);
    return {
      size: [kh, kw],
      factor: f,
      shared: false,
      reduction,
      phases: phases.map((p) => ({
        phase: [Math.floor(p / f), p % f],
        weights: reduced(channels.map((row) => row[p])),
      })),
    };
  }
  const all = reduced(Array.from({ length: outs }, (_, o) => o));
  const hits = tapPhases(tc, layer);
  return {
    size: [kh, kw],
    factor: f,
    shared: true,
    reduction,
    phases: phases.map((p) => ({
      phase: [Math.floor(p / f), p % f],
      weights: all.map((v, t) => (hits[t].has(p) ? v : null)),
    })),
  };
}
