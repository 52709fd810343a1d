// What the overlap maps say, for chapter 8 of the explainer and for
// <tconv-overlap>: one model of the map's inside (interiorOf, interiorRange),
// one account of why coverage is uneven, one wording. DOM-free; the counts are
// the core's (model.ts, overlapViews), this file only reads them.

import type { OverlapView } from './model-types.js';
import {
  interiorOf,
  interiorRange,
  type Interior,
  type Overlap,
  type OverlapMap,
  type OverlapSettings,
} from './overlap-settings.js';
import { count, list, paramText, plural, sizeText } from './text.js';

export interface Coverage {
  /** Smallest and largest count inside the border (the whole map's when there is no inside). */
  min: number;
  max: number;
  /** True when the map has no inside free of border effects: min and max are the whole map's. */
  whole: boolean;
  even: boolean;
  interior: Interior;
  /** Smallest and largest count on the border (outside the inside); null when there is none. */
  border: { min: number; max: number } | null;
}

export const viewOf = (o: Overlap, map: OverlapMap): OverlapView =>
  map === 'transposed' ? o.current : map === 'balanced' ? o.balanced : o.resize;

export function coverage(map: OverlapMap, v: OverlapView, s: OverlapSettings): Coverage {
  const interior = interiorOf(map, v, s);
  const r = interiorRange(v, interior);
  let border: Coverage['border'] = null;
  if (!r.whole) {
    const { rows, cols, values } = v.counts;
    const [[r0, r1], [c0, c1]] = interior;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        if (i >= r0 && i <= r1 && j >= c0 && j <= c1) continue;
        const x = values[i * cols + j];
        border = border ? { min: Math.min(border.min, x), max: Math.max(border.max, x) } : { min: x, max: x };
      }
    }
  }
  return { min: r.min, max: r.max, whole: r.whole, even: r.min === r.max, interior, border };
}

/** Why coverage is uneven along one dimension. */
export type Cause =
  /** gcd(dilation, stride) = factor > 1: every tap lands on multiples of the factor; the rows between get none. */
  | { kind: 'shared'; dim: 0 | 1; dilation: number; stride: number; factor: number }
  /** The kernel is not a multiple of the stride: positions get ⌊k/s⌋ or ⌈k/s⌉ copies. */
  | { kind: 'kernel'; dim: 0 | 1; kernel: number; stride: number }
  /** Uneven, but neither of the above (not expected; said plainly rather than guessed). */
  | { kind: 'other'; dim: 0 | 1 };

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Whether the counts inside vary along dimension `dim` (rows: 0, columns: 1). */
function variesAlong(v: OverlapView, interior: Interior, dim: 0 | 1): boolean {
  const { cols, values } = v.counts;
  const [[r0, r1], [c0, c1]] = interior;
  const at = (a: number, b: number) => (dim === 0 ? values[a * cols + b] : values[b * cols + a]);
  const [lo, hi, olo, ohi] = dim === 0 ? [r0, r1, c0, c1] : [c0, c1, r0, r1];
  for (let b = olo; b <= ohi; b++) for (let a = lo + 1; a <= hi; a++) if (at(a, b) !== at(lo, b)) return true;
  return false;
}

/**
 * The causes of uneven coverage inside a map, one per dimension along which
 * the counts vary: read from the counts, explained by the settings.
 * Empty when the inside is even (or the map has no inside).
 */
export function causes(map: OverlapMap, v: OverlapView, s: OverlapSettings): Cause[] {
  const c = coverage(map, v, s);
  if (c.even || c.whole) return [];
  const out: Cause[] = [];
  for (const dim of [0, 1] as const) {
    if (!variesAlong(v, c.interior, dim)) continue;
    const [k, st, d] = [v.kernel[dim], v.stride[dim], s.dilation[dim]];
    const factor = gcd(d, st);
    const hasZero = c.min === 0;
    if (factor > 1 && hasZero) out.push({ kind: 'shared', dim, dilation: d, stride: st, factor });
    else if (k % st !== 0) out.push({ kind: 'kernel', dim, kernel: k, stride: st });
    else out.push({ kind: 'other', dim });
  }
  return out;
}

const LINES = [
  ['row', 'rows'],
  ['column', 'columns'],
] as const;

/** "every other", "every 3rd": which rows a shared factor leaves the copies. */
const every = (n: number) => (n === 2 ? 'every other' : `every ${n}${n === 3 ? 'rd' : 'th'}`);

/** One cause in words; `both` when it holds for rows and columns alike. */
function causeText(c: Cause, both: boolean): string {
  const lines = both ? 'row and column' : LINES[c.dim][0];
  const where = both ? '' : `along the ${c.dim === 0 ? 'height' : 'width'}, `;
  switch (c.kind) {
    case 'kernel':
      return `${where}kernel ${c.kernel} is not a multiple of stride ${c.stride}`;
    case 'shared':
      return (
        `${where}dilation ${c.dilation} and stride ${c.stride} are both multiples of ${c.factor}, ` +
        `so every copy lands on ${every(c.factor)} ${lines} only and the ones between get none`
      );
    case 'other':
      return `${where}the copies, a stride apart, overlap unevenly`;
  }
}

const sameCause = (a: Cause, b: Cause) => JSON.stringify({ ...a, dim: 0 }) === JSON.stringify({ ...b, dim: 0 });

/** "kernel 3 is not a multiple of stride 2", for both dimensions at once when they agree. */
export function causesText(all: Cause[]): string {
  if (all.length === 2 && sameCause(all[0], all[1])) return causeText(all[0], true);
  return list(all.map((c) => causeText(c, false)));
}

const dilationText = (s: OverlapSettings) =>
  s.dilation[0] === 1 && s.dilation[1] === 1 ? '' : `, dilation ${paramText(s.dilation)}`;

/** The map's title: "Kernel 3, stride 2, dilation 2", "Resize ×2, then kernel 3". */
export function mapTitle(map: OverlapMap, v: OverlapView, s: OverlapSettings): string {
  const st = paramText(s.stride);
  if (map === 'resize') return `Resize ×${st}, then kernel ${paramText(s.kernel)}${dilationText(s)}`;
  return `Kernel ${paramText(v.kernel)}, stride ${st}${dilationText(s)}`;
}

/** What the map counts over: "all-ones 6×6 input, padding 0" (the resize map: up-sampled, then padded). */
export function mapSubject(map: OverlapMap, s: OverlapSettings): string {
  if (map !== 'resize') return `all-ones ${sizeText(s.size)} input, padding 0`;
  const pad: [number, number] = [
    Math.floor((s.dilation[0] * (s.kernel[0] - 1)) / 2),
    Math.floor((s.dilation[1] * (s.kernel[1] - 1)) / 2),
  ];
  return `all-ones ${sizeText(s.size)} input, nearest ×${paramText(s.stride)}, padding ${paramText(pad)}`;
}

const range = (min: number, max: number) => `${min} to ${max} ${plural(max, 'time', 'times')}`;

/** For a map with no inside: "the input is too small …; outputs are covered 1 to 4 times". */
function tooSmall(c: Coverage): string {
  return `the input is too small to have an inside free of border effects; outputs are covered ${
    c.even ? count(c.max, 'time', 'times') : range(c.min, c.max)
  }`;
}

/** "covered 4 times everywhere inside the border (1 to 4 on it)", from the counts. */
export function coverageText(c: Coverage): string {
  if (c.whole) {
    return c.even
      ? `covered ${count(c.max, 'time', 'times')} everywhere (too small for an inside free of border effects)`
      : `covered ${range(c.min, c.max)} (too small for an inside free of border effects)`;
  }
  const inside = c.even
    ? `covered ${count(c.max, 'time', 'times')} everywhere inside the border`
    : `covered ${range(c.min, c.max)} inside the border`;
  if (!c.border) return inside;
  const b = c.border;
  return `${inside}, ${b.min === b.max ? count(b.max, 'time', 'times') : range(b.min, b.max)} on it`;
}

/** The caption under a map: what it is of, what was changed, how it is covered. */
export function mapCaption(map: OverlapMap, v: OverlapView, s: OverlapSettings): string {
  const c = coverage(map, v, s);
  const what =
    map === 'balanced'
      ? `kernel rounded up to a multiple of ${paramText(s.stride)}; `
      : map === 'resize'
        ? 'then a stride-1 convolution; '
        : '';
  return `${mapSubject(map, s)}; ${what}${coverageText(c)}`;
}

/** The sentence about the transposed map: how it is covered and why. */
export function transposedSentence(o: Overlap, s: OverlapSettings): string {
  const v = o.current;
  const c = coverage('transposed', v, s);
  const head = `${mapTitle('transposed', v, s)}, on an ${mapSubject('transposed', s)}`;
  if (c.whole) return `${head}: ${tooSmall(c)}.`;
  if (c.even) {
    return `${head}: every output inside the border is covered ${count(c.max, 'time', 'times')} — evenly, no checkerboard${
      c.border && (c.border.min !== c.max || c.border.max !== c.max) ? '; only the border differs' : ''
    }.`;
  }
  return `${head}: inside the border outputs are covered ${range(c.min, c.max)}, because ${causesText(
    causes('transposed', v, s),
  )} — that alternation is the checkerboard.`;
}

/** The sentence about the balanced map (the kernel rounded up to a multiple of the stride). */
export function balancedSentence(o: Overlap, s: OverlapSettings): string {
  const v = o.balanced;
  const c = coverage('balanced', v, s);
  const k = paramText(v.kernel);
  const same = v.kernel[0] === o.current.kernel[0] && v.kernel[1] === o.current.kernel[1];
  const start = same
    ? `Kernel ${k} is already a multiple of stride ${paramText(s.stride)}, so the middle map is the same`
    : `With kernel ${k}, rounded up to a multiple of stride ${paramText(s.stride)}`;
  if (c.whole) return `${start}: ${tooSmall(c)}.`;
  if (c.even) return `${start}: every output inside the border is covered ${count(c.max, 'time', 'times')}.`;
  return `${start}: inside the border outputs are still covered ${range(c.min, c.max)}, because ${causesText(
    causes('balanced', v, s),
  )}.`;
}

/** Distill's caveats: even coverage does not rule out the artifact. */
export const CAVEAT =
  'Even coverage only makes a checkerboard avoidable: a kernel that is a multiple of the stride can still learn one, and stacked layers compound it (Odena, Dumoulin and Olah, Distill 2016).';

/** The sentence about resize-then-convolve. */
export function resizeSentence(o: Overlap, s: OverlapSettings): string {
  const c = coverage('resize', o.resize, s);
  const stride1 = s.stride[0] === 1 && s.stride[1] === 1;
  const start = stride1
    ? 'Resize, then convolve: with stride 1 there is nothing to up-sample, and a stride-1 convolution'
    : `Resize, then convolve: up-sample ×${paramText(s.stride)} (nearest) first, then a stride-1 convolution`;
  if (c.whole) return `${start}: ${tooSmall(c)}.`;
  if (c.even)
    return `${start} covers every output inside the border ${count(c.max, 'time', 'times')} — no checkerboard.`;
  return `${start} covers the outputs inside the border ${range(c.min, c.max)}.`;
}

/** <tconv-overlap>'s explanation: the first map's sentence, and which of the other maps shown even it out. */
export function overlapExplanation(o: Overlap, s: OverlapSettings, shown: OverlapMap[]): string {
  const first = transposedSentence(o, s);
  const c = coverage('transposed', o.current, s);
  if (c.even || c.whole) return first;
  const others = shown.filter((m) => m !== 'transposed');
  const name = (m: OverlapMap) =>
    m === 'balanced' ? `the kernel rounded up to ${paramText(o.balanced.kernel)}` : 'resize-then-convolve';
  const evens = others.filter((m) => coverage(m, viewOf(o, m), s).even);
  const not = others.filter((m) => !coverage(m, viewOf(o, m), s).even);
  const parts: string[] = [];
  if (evens.length) parts.push(`${list(evens.map(name))} ${evens.length > 1 ? 'even' : 'evens'} it out`);
  if (not.length) parts.push(`${list(not.map(name))} ${not.length > 1 ? 'do' : 'does'} not`);
  if (!parts.length) return first;
  const text = parts.join('; ');
  return `${first} ${text[0].toUpperCase()}${text.slice(1)}.`;
}
