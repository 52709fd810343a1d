// What align_corners does to where the output samples of an up-sampling sit,
// for the upsampler's figure (align-figure.ts): a row of n pixels up-sampled
// ×f, both settings, and the sentences that say what it shows. DOM-free.
//
// The positions are the core's, not a formula of ours: bilinear interpolation
// of a ramp (pixel j holds the value j) gives each output the input coordinate
// it reads. Positions are in input pixels: pixel j's centre at j, its edges at
// j ± ½, so the image runs from −½ to n − ½.

import { count, list } from '../../lib/explainer/text.js';
import type { Tconv } from '../../lib/types.js';

/** The part of the core the figure uses. */
export type AlignCore = Pick<Tconv, 'interpolate'>;

/** One setting of align_corners. */
export interface AlignRow {
  alignCorners: boolean;
  /** Where each of the n·f output samples sits, in input pixels. */
  positions: number[];
  /**
   * What bilinear reads for each: the position, clamped to the first and last
   * pixel centres [0, n − 1] (beyond them there is no second pixel to blend).
   */
  reads: number[];
}

export interface AlignSamples {
  /** Input pixels. */
  n: number;
  factor: number;
  off: AlignRow;
  on: AlignRow;
}

/** Two positions closer than this are the same (float32 positions of a few pixels carry ~1e-7 of rounding). */
const SAME = 2e-6;

/** count values from `from` on: the ramp whose interpolation is the coordinate read. */
const ramp = (from: number, length: number) => Float32Array.from({ length }, (_, i) => from + i);

/**
 * Both settings for a row of `n` pixels up-sampled ×`factor`, from the core's
 * bilinear interpolate. The reads are the ramp's interpolation at the size the
 * upsampler asks for (n·f). Off, a position beyond the first or last centre is
 * clamped in that answer, so the positions come from a ramp one pixel wider
 * on each side (−1 … n), up-sampled by the scale factor, where none is
 * clamped: with half-pixel centres and a given scale factor, output i + f of
 * the wider row sits where output i of the row sits, one pixel further on,
 * which the ramp's offset of −1 takes back. On, no position is ever clamped
 * (they run from the first centre to the last), so positions and reads are
 * the same answer.
 */
export function alignSamples(core: AlignCore, n: number, factor: number): AlignSamples {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`alignSamples: n must be a whole number from 2, got ${n}`);
  if (!Number.isInteger(factor) || factor < 2) {
    throw new RangeError(`alignSamples: factor must be a whole number from 2, got ${factor}`);
  }
  const bilinear = (
    data: Float32Array,
    options: { size?: [number, number]; scaleFactor?: [number, number] },
    alignCorners: boolean,
  ) =>
    Array.from(
      core.interpolate({ data, shape: [1, 1, 1, data.length] }, { mode: 'bilinear', alignCorners, ...options }).data,
    );
  const outputs = n * factor;
  const reads = (alignCorners: boolean) => bilinear(ramp(0, n), { size: [1, outputs] }, alignCorners);
  const wide = bilinear(ramp(-1, n + 2), { scaleFactor: [1, factor] }, false).slice(factor, factor + outputs);
  const on = reads(true);
  return {
    n,
    factor,
    off: { alignCorners: false, positions: wide, reads: reads(false) },
    on: { alignCorners: true, positions: on, reads: on },
  };
}

// ---- the words ----

const VULGAR: Record<string, string> = {
  '1/2': '½',
  '1/3': '⅓',
  '2/3': '⅔',
  '1/4': '¼',
  '3/4': '¾',
  '1/5': '⅕',
  '2/5': '⅖',
  '3/5': '⅗',
  '4/5': '⅘',
  '1/6': '⅙',
  '5/6': '⅚',
  '1/8': '⅛',
  '3/8': '⅜',
  '5/8': '⅝',
  '7/8': '⅞',
};

/**
 * A non-negative length as a fraction when it is one with a denominator up to
 * 64 ("¼", "3/7", "1½"), else with three decimals ("0.123").
 */
export function fraction(x: number): string {
  if (!(x >= 0)) throw new RangeError(`fraction: x must be a length (0 or more), got ${x}`);
  for (let d = 1; d <= 64; d++) {
    const k = Math.round(x * d);
    if (Math.abs(x - k / d) >= SAME) continue;
    const whole = Math.floor(k / d);
    const rest = k % d;
    if (rest === 0) return String(whole);
    const part = VULGAR[`${rest}/${d}`] ?? `${rest}/${d}`;
    return whole === 0 ? part : `${whole}${VULGAR[`${rest}/${d}`] ? '' : ' '}${part}`;
  }
  return x.toFixed(3);
}

/** "¼ pixel", "1 pixel", "1½ pixels". */
function pixels(x: number): string {
  return `${fraction(x)} ${Math.abs(x - 1) < SAME || x < 1 ? 'pixel' : 'pixels'}`;
}

/** Where a row's first (or, mirrored, last) output sits, relative to the first pixel's centre and the image's edge. */
function where(first: number): string {
  if (Math.abs(first) < SAME) return 'exactly on the centres of the first and last input pixels';
  const side = first < 0 ? 'outside' : 'inside';
  return `${pixels(first + 0.5)} inside the image’s edges, ${pixels(Math.abs(first))} ${side} the centres of the first and last input pixels`;
}

/** Whether output i of a row reads another place than where it sits: its position was clamped. */
export function clampedAt(row: AlignRow, i: number): boolean {
  return Math.abs(row.positions[i]! - row.reads[i]!) >= SAME;
}

/** The outputs of a row whose position is clamped, at its start and at its end. */
function clamped(row: AlignRow): [number, number] {
  const moved = row.positions.map((_, i) => clampedAt(row, i));
  const start = moved.indexOf(false);
  const end = [...moved].reverse().indexOf(false);
  return [start < 0 ? moved.length : start, end < 0 ? moved.length : end];
}

/** "the first and last output copy the edge pixels", "the first 2 and the last 2 outputs copy …", "no position is clamped". */
function clampedText([start, end]: [number, number]): string {
  if (start + end === 0) return 'no position is clamped';
  const copy = 'copy the edge pixels’ values';
  if (start === 1 && end === 1) return `the first and the last output ${copy}`;
  const parts = [start > 0 ? `the first ${start}` : '', end > 0 ? `the last ${end}` : ''].filter(Boolean);
  return `${list(parts)} ${start + end === 1 ? 'output copies the edge pixel’s value' : `outputs ${copy}`}`;
}

/** Whether a row is the mirror image of itself about the image's centre (so "first and last" can share a sentence). */
function symmetric(row: AlignRow, n: number): boolean {
  const p = row.positions;
  return p.every((x, i) => Math.abs(x + p[p.length - 1 - i]! - (n - 1)) < SAME);
}

export interface AlignWords {
  /** "A row of 4 pixels up-sampled ×2: 8 outputs." */
  title: string;
  /** align_corners=False, the default. */
  off: string;
  /** align_corners=True. */
  on: string;
  /** What is clamped, in bilinear, and what that means for the values. */
  clamp: string;
}

/** The figure's sentences, every number in them from `s` (the core's answer). */
export function alignWords(s: AlignSamples): AlignWords {
  for (const row of [s.off, s.on]) {
    if (!symmetric(row, s.n))
      throw new RangeError('alignWords: the positions are not symmetric about the image’s centre');
  }
  const outputs = s.off.positions.length;
  const step = (row: AlignRow) => row.positions[1]! - row.positions[0]!;
  const offStep = step(s.off);
  const onStep = step(s.on);
  const covered = Math.abs(offStep * outputs - s.n) < SAME * outputs;
  const onEdge = s.on.positions[0]! - onStep / 2 + 0.5;
  const off =
    `Off (align_corners=False, the default): the ${count(outputs, 'output', 'outputs')} are ${pixels(offStep)} apart` +
    `${covered ? ', spread over the whole image, so its edges line up' : ''}; the first and last sit ${where(s.off.positions[0]!)}.`;
  const on =
    `On (align_corners=True): the first and last of the ${outputs} outputs sit ${where(s.on.positions[0]!)}, and the ` +
    `${count(outputs - 2, 'output', 'outputs')} between are ${pixels(onStep)} apart (not ${fraction(offStep)}), so the ` +
    (Math.abs(onEdge) < SAME
      ? 'output’s edges are the input’s.'
      : `output’s edges fall ${pixels(Math.abs(onEdge))} ${onEdge > 0 ? 'inside' : 'outside'} the input’s.`);
  const clamp =
    `Bilinear has no pixel beyond the first and last centres to blend with, so the core clamps a position outside ` +
    `them to that centre (the slanted lines): off, ${clampedText(clamped(s.off))}; on, ${clampedText(clamped(s.on))}.`;
  return {
    title: `A row of ${count(s.n, 'pixel', 'pixels')} up-sampled ×${s.factor}: ${count(outputs, 'output', 'outputs')}, in the core’s bilinear.`,
    off,
    on,
    clamp,
  };
}
