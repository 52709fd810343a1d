// Number formatting for grid cells. DOM-free.

/** The typographic minus sign (U+2212), which screen readers read as "minus". */
export const MINUS = '\u2212';

/**
 * Default cell format: integers without decimals, other values rounded to at
 * most 2 decimals with trailing zeros dropped, '−' as the minus sign, and no
 * "−0" (a value that rounds to zero prints as "0").
 */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : `${MINUS}∞`;
  const r = Math.round(v * 100) / 100;
  if (r === 0) return '0';
  const abs = Math.abs(r);
  const s = Number.isInteger(abs) ? String(abs) : abs.toFixed(2).replace(/0+$/, '');
  return r < 0 ? MINUS + s : s;
}
