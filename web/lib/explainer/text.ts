// Small pieces of English the narration is built from: plurals through
// Intl.PluralRules, sizes, 1-based positions, numbers, and the verb a size
// change takes. One place for each rule, so no sentence says "1 zeros" or
// counts from 0 while the grids count from 1. DOM-free.

import type { Dims } from './config.js';

const rules = new Intl.PluralRules('en');

/** The word for n things: plural(1, 'zero', 'zeros') = 'zero'. */
export function plural(n: number, one: string, other: string): string {
  return rules.select(n) === 'one' ? one : other;
}

/** n and its word: count(1, 'zero', 'zeros') = '1 zero', count(3, …) = '3 zeros'. */
export function count(n: number, one: string, other: string): string {
  return `${n} ${plural(n, one, other)}`;
}

/** "once", "twice" read oddly next to "3 times"; every count reads "n time(s)". */
export const times = (n: number) => count(n, 'time', 'times');

/** A number as the narration writes it: at most two decimals, a real minus sign. */
export function formatNumber(v: number): string {
  const rounded = Math.round(v * 100) / 100;
  const text = Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(2).replace(/0+$/, '');
  return text.replace('-', '−');
}

/** "4×4" (a size is always written with both dimensions). */
export const sizeText = ([h, w]: Dims) => `${h}×${w}`;

/** A parameter's value: "2" when both dimensions agree, "3×2" when not. */
export const paramText = ([h, w]: Dims) => (h === w ? String(h) : `${h}×${w}`);

/** Row-major index i of a grid `cols` wide as the 1-based "(row, column)" people read, as on the grids. */
export function position(i: number, cols: number): string {
  return `(${Math.floor(i / cols) + 1}, ${(i % cols) + 1})`;
}

/**
 * A number to `digits` significant digits, for values that span many orders of magnitude (losses,
 * learning rates): "287", "25.6", "0.00264", "1.79e−6", with a real minus sign.
 */
export function formatSignificant(v: number, digits = 3): string {
  if (v === 0 || !Number.isFinite(v)) return formatNumber(v);
  const a = Math.abs(v);
  const text =
    a >= 1e-4 && a < 1e6 ? String(Number(v.toPrecision(digits))) : v.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return text.replace('e+', 'e').replace(/-/g, '−');
}

/** "3.7e−7": small differences in scientific notation, with a real minus sign. */
export function formatSmall(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 0.01) return formatNumber(v);
  return v.toExponential(1).replace('e-', 'e−').replace('e+', 'e');
}

type Change = 'up-samples' | 'keeps' | 'crops';

function change(from: number, to: number): Change {
  return to > from ? 'up-samples' : to === from ? 'keeps' : 'crops';
}

const PHRASE: Record<Change, string> = { 'up-samples': 'up-samples', keeps: 'keeps the size of', crops: 'crops' };
const DIM_NAMES = ['height', 'width'];

/**
 * What an operation does to a size, per dimension: "up-samples 2×2 to 4×4",
 * "keeps the size of 4×4", "crops 7×7 to 4×4", or, when the dimensions
 * differ, "takes 2×7 to 4×4: it up-samples the height (2 → 4) and crops the
 * width (7 → 4)".
 */
export function sizeChange(from: Dims, to: Dims): string {
  const [a, b] = [change(from[0], to[0]), change(from[1], to[1])];
  if (a === b)
    return a === 'keeps' ? `keeps the size of ${sizeText(from)}` : `${a} ${sizeText(from)} to ${sizeText(to)}`;
  const part = (c: Change, d: 0 | 1) =>
    c === 'keeps'
      ? `keeps the ${DIM_NAMES[d]} (${from[d]})`
      : `${PHRASE[c]} the ${DIM_NAMES[d]} (${from[d]} → ${to[d]})`;
  return `takes ${sizeText(from)} to ${sizeText(to)}: it ${part(a, 0)} and ${part(b, 1)}`;
}

/** "a, b and c". */
export function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "1·4 + 4·5 + … = 122" from weights and the values under them (at least one); the total is the core's. */
export function sumText(weights: number[], inputs: number[], total: number): string {
  const terms = weights.map((w, i) => `${formatNumber(w)}·${formatNumber(inputs[i])}`);
  const shown = terms.length > 9 ? [...terms.slice(0, 8), '…'] : terms;
  return `${shown.join(' + ')} = ${formatNumber(total)}`;
}

/** How two results compare, from their measured largest difference. */
export function agreeText(difference: number, tolerance: number, both: string): string {
  if (difference === 0) return `${both} agree exactly`;
  if (difference <= tolerance)
    return `${both} agree to float32 rounding (largest difference ${formatSmall(difference)})`;
  return `${both} differ, by up to ${formatSmall(difference)}`;
}
