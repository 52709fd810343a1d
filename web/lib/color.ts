// A signed, colour-blind-safe diverging colour scale for the explainer's
// grids, and text colours that stay readable on it. DOM-free, pure functions.
//
// Negative values are blue, positive values are orange and 0 is a neutral
// grey: blue against orange stays distinct with protanopia, deuteranopia and
// tritanopia (the same idea as ColorBrewer's PuOr, with our own values). The
// scale is interpolated in OKLab between three stops per sign (neutral, a
// light saturated middle, a strong end), so that lightness moves
// monotonically away from the neutral as |value| grows:
//   - light theme: the neutral is near-white and stronger values get darker;
//   - dark theme:  the neutral is a dark grey and stronger values get lighter.
// |value| is mapped linearly: |value| / maxAbs, clamped to [0, 1].

/** A colour in OKLCH: lightness 0..1, chroma, hue in degrees. */
type Oklch = readonly [l: number, c: number, h: number];
/** A colour in OKLab. */
type Oklab = readonly [l: number, a: number, b: number];

interface Ramp {
  neutral: Oklab;
  /** [middle (at t = 0.5), end (at t = 1)] for negative and positive values. */
  negative: readonly [Oklab, Oklab];
  positive: readonly [Oklab, Oklab];
}

function lab([l, c, h]: Oklch): Oklab {
  const rad = (h * Math.PI) / 180;
  return [l, c * Math.cos(rad), c * Math.sin(rad)];
}

const LIGHT: Ramp = {
  neutral: lab([0.965, 0, 0]),
  negative: [lab([0.81, 0.085, 255]), lab([0.52, 0.14, 262])],
  positive: [lab([0.81, 0.1, 68]), lab([0.52, 0.14, 48])],
};

const DARK: Ramp = {
  neutral: lab([0.3, 0.008, 260]),
  negative: [lab([0.515, 0.105, 255]), lab([0.79, 0.11, 245])],
  positive: [lab([0.515, 0.11, 55]), lab([0.79, 0.135, 70])],
};

/** Text colours tried first (the page's own text colours), then pure black/white. */
export const TEXT_DARK = '#1d2330';
export const TEXT_LIGHT = '#f5f7fa';

function mix(p: Oklab, q: Oklab, t: number): Oklab {
  return [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t, p[2] + (q[2] - p[2]) * t];
}

function encode(linear: number): number {
  const x = Math.min(1, Math.max(0, linear));
  return x <= 0.0031308 ? 12.92 * x : 1.055 * Math.pow(x, 1 / 2.4) - 0.055;
}

function hex2(x: number): string {
  return Math.round(x * 255)
    .toString(16)
    .padStart(2, '0');
}

/** OKLab → '#rrggbb' (sRGB, clamped to the gamut). */
function oklabToHex([L, a, b]: Oklab): string {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  const r = 4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s;
  const g = -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s;
  const bl = -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s;
  return `#${hex2(encode(r))}${hex2(encode(g))}${hex2(encode(bl))}`;
}

/** Position on the scale in [-1, 1]: value / maxAbs, clamped; non-finite values and maxAbs ≤ 0 are handled. */
export function scalePosition(value: number, maxAbs: number): number {
  if (!Number.isFinite(value) && !Number.isNaN(value)) return value > 0 ? 1 : -1;
  if (Number.isNaN(value) || value === 0) return 0;
  const max = Number.isFinite(maxAbs) && maxAbs > 0 ? maxAbs : 1;
  return Math.max(-1, Math.min(1, value / max));
}

/**
 * Background colour ('#rrggbb') of a cell holding `value` on a symmetric scale
 * from -maxAbs (strong blue) through 0 (neutral) to +maxAbs (strong orange).
 */
export function signedColor(value: number, maxAbs: number, dark: boolean): string {
  const p = scalePosition(value, maxAbs);
  const ramp = dark ? DARK : LIGHT;
  if (p === 0) return oklabToHex(ramp.neutral);
  const [middle, end] = p < 0 ? ramp.negative : ramp.positive;
  const t = Math.abs(p);
  return oklabToHex(t <= 0.5 ? mix(ramp.neutral, middle, t * 2) : mix(middle, end, (t - 0.5) * 2));
}

/** A colour as sRGB channels 0..255 and alpha 0..1. */
export type Rgba = readonly [r: number, g: number, b: number, a: number];

/** WCAG 2 relative luminance of sRGB channels 0..255 (alpha ignored). */
export function luminance([r, g, b]: Rgba | readonly [number, number, number]): number {
  const lin = (c: number) => {
    const x = c / 255;
    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG 2 relative luminance of '#rrggbb'. */
export function relativeLuminance(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  return luminance([(n >> 16) & 255, (n >> 8) & 255, n & 255]);
}

/** WCAG 2 contrast ratio (1..21) of two opaque colours. */
export function contrastOf(a: Rgba, b: Rgba): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** WCAG 2 contrast ratio of two '#rrggbb' colours (1..21). */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * A CSS colour as getComputedStyle writes it — 'rgb(r, g, b)', 'rgba(r, g, b, a)',
 * the space syntax 'rgb(r g b / a)', '#rgb', '#rrggbb', '#rrggbbaa' or
 * 'color(srgb r g b / a)' (what color-mix() computes to) or 'transparent' —
 * or null for anything else (named colours, other color() spaces, oklch(), …).
 */
export function parseCssColor(text: string): Rgba | null {
  const s = text.trim().toLowerCase();
  if (s === 'transparent') return [0, 0, 0, 0];
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(s);
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((c) => c + c).join('') : hex[1];
    const at = (i: number) => parseInt(h.slice(i, i + 2), 16);
    return [at(0), at(2), at(4), h.length === 8 ? at(6) / 255 : 1];
  }
  // color-mix(in srgb, …) computes to color(srgb r g b / a), channels 0..1.
  const srgb = /^color\(srgb\s+([^)]*)\)$/.exec(s);
  if (srgb) {
    const parts = srgb[1].split(/\s*\/\s*|\s+/).filter(Boolean);
    const v = parts.map((p) => (p.endsWith('%') ? parseFloat(p) / 100 : parseFloat(p)));
    if ((v.length !== 3 && v.length !== 4) || v.some((x) => !Number.isFinite(x))) return null;
    const c = (x: number) => Math.min(255, Math.max(0, x * 255));
    return [c(v[0]), c(v[1]), c(v[2]), Math.min(1, Math.max(0, v[3] ?? 1))];
  }
  const fn = /^rgba?\(\s*([^)]*)\)$/.exec(s);
  if (!fn) return null;
  const parts = fn[1].split(/\s*[,/]\s*|\s+/).filter(Boolean);
  if (parts.length !== 3 && parts.length !== 4) return null;
  const num = (p: string, scale: number) => (p.endsWith('%') ? (parseFloat(p) / 100) * scale : parseFloat(p));
  const [r, g, b] = parts.slice(0, 3).map((p) => num(p, 255));
  const a = parts.length === 4 ? num(parts[3], 1) : 1;
  const all = [r, g, b, a];
  if (all.some((x) => !Number.isFinite(x))) return null;
  const clamp = (x: number, max: number) => Math.min(max, Math.max(0, x));
  return [clamp(r, 255), clamp(g, 255), clamp(b, 255), clamp(a, 1)];
}

/** `top` painted over `bottom` (source-over in sRGB, as browsers blend backgrounds). */
export function compositeOver(top: Rgba, bottom: Rgba): Rgba {
  const a = top[3] + bottom[3] * (1 - top[3]);
  if (a === 0) return [0, 0, 0, 0];
  const ch = (i: 0 | 1 | 2) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
  return [ch(0), ch(1), ch(2), a];
}

/**
 * Layers of colour from the nearest (first) to the farthest, painted over
 * `canvas`: the colour the eye sees behind them.
 */
export function flatten(layers: readonly Rgba[], canvas: Rgba): Rgba {
  return layers.reduceRight((under, layer) => compositeOver(layer, under), canvas);
}

/**
 * The scheme that suits a background: 'dark' when white text contrasts with
 * it more than black text does (relative luminance below ~0.179), else 'light'.
 */
export function schemeFor(background: Rgba): 'light' | 'dark' {
  return contrastOf([255, 255, 255, 1], background) > contrastOf([0, 0, 0, 1], background) ? 'dark' : 'light';
}

/** The text colour with the better contrast on `background`, at least 4.5:1 (falls back to black or white). */
export function textColorOn(background: string): string {
  const onDark = contrastRatio(TEXT_DARK, background);
  const onLight = contrastRatio(TEXT_LIGHT, background);
  const best = onDark >= onLight ? TEXT_DARK : TEXT_LIGHT;
  if (Math.max(onDark, onLight) >= 4.5) return best;
  // Mid-luminance backgrounds: pure black or white always reaches ≥ 4.58:1.
  return contrastRatio('#000000', background) >= contrastRatio('#ffffff', background) ? '#000000' : '#ffffff';
}

/** Text colour ('#rrggbb') for a cell whose background is signedColor(value, maxAbs, dark); contrast ≥ 4.5:1. */
export function textColorFor(value: number, maxAbs: number, dark: boolean): string {
  return textColorOn(signedColor(value, maxAbs, dark));
}
