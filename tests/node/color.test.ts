// The grids' diverging colour scale (web/lib/color.ts): symmetric around a
// neutral 0, lightness monotone in |value|, both signs still distinct under
// simulated colour blindness, and text that reaches WCAG AA (4.5:1) on every
// background. Contrast and luminance are recomputed here from the hex strings,
// independently of the module's own helpers.
import { describe, expect, it } from 'vitest';

import {
  compositeOver,
  contrastOf,
  contrastRatio,
  flatten,
  luminance as wcagLuminance,
  parseCssColor,
  scalePosition,
  schemeFor,
  signedColor,
  textColorFor,
  textColorOn,
} from '../../web/lib/color.js';

const HEX = /^#[0-9a-f]{6}$/;

function rgb(hex: string): [number, number, number] {
  expect(hex).toMatch(HEX);
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
}

function linear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map(linear);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** Linear sRGB → OKLab (Björn Ottosson's matrices). */
function oklab([r, g, b]: number[]): [number, number, number] {
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

const lab = (hex: string) => oklab(rgb(hex).map(linear));
const distance = (p: number[], q: number[]) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);

// Machado, Oliveira & Fernandes (2009), severity 1, applied to linear RGB.
const CVD: Record<string, number[][]> = {
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};

function simulate(hex: string, m: number[][]): [number, number, number] {
  const c = rgb(hex).map(linear);
  const out = m.map((row) => Math.min(1, Math.max(0, row[0] * c[0] + row[1] * c[1] + row[2] * c[2])));
  return oklab(out);
}

const THEMES = [false, true] as const;
const name = (dark: boolean) => (dark ? 'dark' : 'light');
/** 0, 0.01, …, 1 */
const STEPS = Array.from({ length: 101 }, (_, i) => i / 100);

describe('signedColor', () => {
  it.each(THEMES)('returns #rrggbb; 0 is a neutral grey (dark=%s)', (dark) => {
    const zero = signedColor(0, 5, dark);
    const [L, a, b] = lab(zero);
    expect(Math.hypot(a, b)).toBeLessThan(0.012);
    if (dark) expect(L).toBeLessThan(0.4);
    else expect(L).toBeGreaterThan(0.93);
    expect(signedColor(-0, 5, dark)).toBe(zero);
    expect(signedColor(Number.NaN, 5, dark)).toBe(zero);
  });

  it.each(THEMES)('negative is blue, positive is orange (dark=%s)', (dark) => {
    const [, an, bn] = lab(signedColor(-1, 1, dark));
    const [, ap, bp] = lab(signedColor(1, 1, dark));
    const hue = (a: number, b: number) => ((Math.atan2(b, a) * 180) / Math.PI + 360) % 360;
    expect(hue(an, bn)).toBeGreaterThan(230);
    expect(hue(an, bn)).toBeLessThan(280);
    expect(hue(ap, bp)).toBeGreaterThan(35);
    expect(hue(ap, bp)).toBeLessThan(80);
  });

  it.each(THEMES)('is symmetric: v and -v have the same lightness and chroma (dark=%s)', (dark) => {
    for (const t of STEPS) {
      const [Ln, an, bn] = lab(signedColor(-t * 7, 7, dark));
      const [Lp, ap, bp] = lab(signedColor(t * 7, 7, dark));
      // Same lightness (up to 8-bit rounding); chroma within what the two hues allow in sRGB.
      expect(Math.abs(Ln - Lp), `t=${t}`).toBeLessThan(0.006);
      expect(Math.abs(Math.hypot(an, bn) - Math.hypot(ap, bp)), `t=${t}`).toBeLessThan(0.03);
      expect(contrast(signedColor(-t, 1, dark), signedColor(0, 1, dark))).toBeCloseTo(
        contrast(signedColor(t, 1, dark), signedColor(0, 1, dark)),
        0,
      );
    }
  });

  it.each(THEMES)('lightness moves monotonically away from 0 as |value| grows (dark=%s)', (dark) => {
    for (const sign of [-1, 1]) {
      const ys = STEPS.map((t) => luminance(signedColor(sign * t, 1, dark)));
      for (let i = 1; i < ys.length; i++) {
        // 8-bit rounding may repeat a level; it must never go the other way.
        if (dark) expect(ys[i], `sign=${sign} step=${i}`).toBeGreaterThanOrEqual(ys[i - 1] - 1e-4);
        else expect(ys[i], `sign=${sign} step=${i}`).toBeLessThanOrEqual(ys[i - 1] + 1e-4);
      }
      // and it does move: every 10% step is visibly different
      for (let i = 10; i < ys.length; i += 10) expect(Math.abs(ys[i] - ys[i - 10])).toBeGreaterThan(0.01);
    }
  });

  it('scales by maxAbs and clamps beyond it', () => {
    expect(signedColor(2, 4, false)).toBe(signedColor(0.5, 1, false));
    expect(signedColor(-3, 6, true)).toBe(signedColor(-1, 2, true));
    expect(signedColor(10, 4, false)).toBe(signedColor(4, 4, false));
    expect(signedColor(-10, 4, true)).toBe(signedColor(-4, 4, true));
    expect(signedColor(Infinity, 4, false)).toBe(signedColor(4, 4, false));
    // maxAbs ≤ 0 or non-finite falls back to 1 instead of dividing by zero
    expect(signedColor(1, 0, false)).toBe(signedColor(1, 1, false));
    expect(signedColor(0.5, Number.NaN, true)).toBe(signedColor(0.5, 1, true));
    expect(scalePosition(-3, 2)).toBe(-1);
    expect(scalePosition(1, 4)).toBe(0.25);
  });

  it.each(THEMES)('the ends differ from the neutral and from each other (dark=%s)', (dark) => {
    const zero = lab(signedColor(0, 1, dark));
    const neg = lab(signedColor(-1, 1, dark));
    const pos = lab(signedColor(1, 1, dark));
    expect(distance(neg, zero)).toBeGreaterThan(0.25);
    expect(distance(pos, zero)).toBeGreaterThan(0.25);
    expect(distance(neg, pos)).toBeGreaterThan(0.2);
  });

  it.each(Object.keys(CVD))('keeps the signs apart under simulated %s', (kind) => {
    for (const dark of THEMES) {
      for (const t of [0.25, 0.5, 0.75, 1]) {
        const neg = simulate(signedColor(-t, 1, dark), CVD[kind]);
        const pos = simulate(signedColor(t, 1, dark), CVD[kind]);
        expect(distance(neg, pos), `${name(dark)} t=${t}`).toBeGreaterThan(0.06);
      }
    }
  });
});

describe('textColorFor', () => {
  it.each(THEMES)('reaches 4.5:1 against the background on the whole scale (dark=%s)', (dark) => {
    let worst = Infinity;
    for (let i = -400; i <= 400; i++) {
      const v = (i / 400) * 9;
      const bg = signedColor(v, 9, dark);
      const fg = textColorFor(v, 9, dark);
      expect(fg).toMatch(HEX);
      const c = contrast(fg, bg);
      worst = Math.min(worst, c);
      expect(c, `v=${v} bg=${bg} fg=${fg}`).toBeGreaterThanOrEqual(4.5);
    }
    expect(worst).toBeGreaterThanOrEqual(4.5);
  });

  it('uses dark text on light backgrounds and light text on dark ones', () => {
    expect(luminance(textColorFor(0, 1, false))).toBeLessThan(0.05);
    expect(luminance(textColorFor(0, 1, true))).toBeGreaterThan(0.8);
    expect(luminance(textColorFor(1, 1, true))).toBeLessThan(0.05); // bright orange end
  });

  it('textColorOn handles any background, including mid greys, and contrastRatio agrees', () => {
    for (let g = 0; g <= 255; g += 5) {
      const h = g.toString(16).padStart(2, '0');
      const bg = `#${h}${h}${h}`;
      const fg = textColorOn(bg);
      expect(contrast(fg, bg), bg).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(fg, bg)).toBeCloseTo(contrast(fg, bg), 10);
    }
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 10);
  });
});

// The figures' scheme follows the page behind them (TconvElement): these read
// computed colours, blend translucent layers and compare against WCAG's
// formula, recomputed above (luminance, contrast) from the hex strings.
describe('page colours: parsing, blending, contrast and scheme', () => {
  const hexOf = ([r, g, b]: readonly number[]) =>
    '#' + [r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('');

  it('parses what getComputedStyle writes, and refuses what it cannot read', () => {
    expect(parseCssColor('rgb(18, 20, 24)')).toEqual([18, 20, 24, 1]);
    expect(parseCssColor('rgba(0, 0, 0, 0)')).toEqual([0, 0, 0, 0]);
    expect(parseCssColor('rgba(255, 255, 255, 0.5)')).toEqual([255, 255, 255, 0.5]);
    expect(parseCssColor('rgb(10 20 30 / 25%)')).toEqual([10, 20, 30, 0.25]);
    expect(parseCssColor('#121418')).toEqual([18, 20, 24, 1]);
    expect(parseCssColor('#fff')).toEqual([255, 255, 255, 1]);
    expect(parseCssColor('#00000080')?.[3]).toBeCloseTo(128 / 255, 6);
    expect(parseCssColor('transparent')).toEqual([0, 0, 0, 0]);
    expect(parseCssColor('color(srgb 1 0.5 0 / 0.25)')).toEqual([255, 127.5, 0, 0.25]);
    expect(parseCssColor('color(srgb 0 0 1)')).toEqual([0, 0, 255, 1]);
    for (const bad of [
      'oklch(0.5 0.1 200)',
      'color(display-p3 1 0 0)',
      'color(srgb 1 0)',
      'red',
      'rgb(1, 2)',
      'rgb(a, b, c)',
      '',
    ])
      expect(parseCssColor(bad), bad).toBeNull();
  });

  it('agrees with WCAG’s formula, including its known reference values', () => {
    expect(contrastOf([0, 0, 0, 1], [255, 255, 255, 1])).toBeCloseTo(21, 10);
    // #767676 is the lightest grey that passes AA on white (4.54:1).
    expect(contrastOf(parseCssColor('#767676')!, [255, 255, 255, 1])).toBeCloseTo(4.54, 2);
    expect(contrastOf(parseCssColor('#777777')!, [255, 255, 255, 1])).toBeLessThan(4.5);
    for (const [a, b] of [
      ['#121418', '#e6e9ef'],
      ['#1d2330', '#fbfbfd'],
      ['#5b3fd6', '#ffffff'],
      ['#a0a8b8', '#1a1e26'],
    ]) {
      expect(wcagLuminance(parseCssColor(a)!)).toBeCloseTo(luminance(a), 12);
      expect(contrastOf(parseCssColor(a)!, parseCssColor(b)!)).toBeCloseTo(contrast(a, b), 12);
    }
  });

  it('blends translucent layers over what is under them, nearest first', () => {
    const white: [number, number, number, number] = [255, 255, 255, 1];
    expect(compositeOver([0, 0, 0, 0.5], white)).toEqual([127.5, 127.5, 127.5, 1]);
    expect(compositeOver([0, 0, 0, 0], white)).toEqual(white);
    expect(compositeOver([10, 20, 30, 1], white)).toEqual([10, 20, 30, 1]);
    // Two half-black layers over white leave a quarter of the white.
    expect(
      flatten(
        [
          [0, 0, 0, 0.5],
          [0, 0, 0, 0.5],
        ],
        white,
      ),
    ).toEqual([63.75, 63.75, 63.75, 1]);
    // The nearest layer is on top: red at 50 % over opaque blue over white is purple, no white left.
    expect(
      flatten(
        [
          [255, 0, 0, 0.5],
          [0, 0, 255, 1],
        ],
        white,
      ),
    ).toEqual([127.5, 0, 127.5, 1]);
    expect(flatten([], white)).toEqual(white);
  });

  it('picks the dark scheme exactly where white text beats black text', () => {
    for (const hex of ['#ffffff', '#fbfbfd', '#000000', '#121418', '#767676', '#777777', '#808080', '#6b6b6b']) {
      const expected = contrast('#ffffff', hex) > contrast('#000000', hex) ? 'dark' : 'light';
      expect(schemeFor(parseCssColor(hex)!), hex).toBe(expected);
    }
    expect(schemeFor(parseCssColor('#121418')!)).toBe('dark');
    expect(schemeFor(parseCssColor('#ffffff')!)).toBe('light');
    // A dark blog behind a 20 % white veil is still dark.
    const veiled = flatten([[255, 255, 255, 0.2]], parseCssColor('#121418')!);
    expect(hexOf(veiled)).toBe('#414346');
    expect(schemeFor(veiled)).toBe('dark');
  });
});
