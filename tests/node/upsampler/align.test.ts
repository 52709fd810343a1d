// The align-corners figure's numbers and words (web/upsampler/shared/align.ts)
// against the two formulas, written here and nowhere in web/: with
// align_corners off, output i of n·f sits at (i + ½)/f − ½ in input pixels;
// on, at i·(n − 1)/(n·f − 1). Bilinear reads the position clamped to the
// first and last centres [0, n − 1]. Every length a sentence states is read
// back out of it and compared with what the formulas say.

import { describe, expect, it } from 'vitest';

import { alignSamples, alignWords, fraction } from '../../../web/upsampler/shared/align.js';
import { alignMethodsNote } from '../../../web/upsampler/shared/texts.js';
import { tconv } from '../helpers.js';

const offAt = (i: number, f: number) => (i + 0.5) / f - 0.5;
const onAt = (i: number, n: number, f: number) => (i * (n - 1)) / (n * f - 1);
const clamp = (x: number, n: number) => Math.min(Math.max(x, 0), n - 1);
const CASES = [2, 3, 4, 5, 7, 10].flatMap((n) => [2, 3, 4, 5].map((f) => [n, f] as const));

/** The lengths a sentence states before "pixel(s)", as numbers: "¼ pixel" → 0.25, "3/7 pixel" → 0.428…, "1½ pixels" → 1.5. */
function lengths(sentence: string): number[] {
  const vulgar: Record<string, number> = {
    '½': 1 / 2, '⅓': 1 / 3, '⅔': 2 / 3, '¼': 1 / 4, '¾': 3 / 4, '⅕': 1 / 5, '⅖': 2 / 5, '⅗': 3 / 5, '⅘': 4 / 5,
    '⅙': 1 / 6, '⅚': 5 / 6, '⅛': 1 / 8, '⅜': 3 / 8, '⅝': 5 / 8, '⅞': 7 / 8,
  }; // prettier-ignore
  // A whole number not followed by a fraction's slash, then a fraction; lines without either ("input pixels") are no length.
  const token = /(\d+(?:\.\d+)?(?![\d/.]))?\s?([½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞]|\d+\/\d+)? pixels?\b/g;
  return [...sentence.matchAll(token)]
    .filter(([, whole, part]) => whole !== undefined || part !== undefined)
    .map(([, whole, part]) => {
      const [a, b] = (part ?? '0/1').split('/').map(Number);
      return Number(whole ?? 0) + (part && part in vulgar ? vulgar[part]! : a! / b!);
    });
}

describe('align corners, from the core', () => {
  it.each(CASES)('n %i ×%i: positions and reads are the formulas’', async (n, f) => {
    const s = alignSamples(await tconv(), n, f);
    const outputs = n * f;
    const index = Array.from({ length: outputs }, (_, i) => i);
    expect(s.off.positions).toHaveLength(outputs);
    expect(s.on.positions).toHaveLength(outputs);
    index.forEach((i) => {
      expect(s.off.positions[i], `off, output ${i}`).toBeCloseTo(offAt(i, f), 5);
      expect(s.off.reads[i], `off read, output ${i}`).toBeCloseTo(clamp(offAt(i, f), n), 5);
      expect(s.on.positions[i], `on, output ${i}`).toBeCloseTo(onAt(i, n, f), 5);
      expect(s.on.reads[i], `on read, output ${i}`).toBeCloseTo(onAt(i, n, f), 5);
    });
  });

  it.each(CASES)('n %i ×%i: every length and count the sentences state is the formulas’', async (n, f) => {
    const w = alignWords(alignSamples(await tconv(), n, f));
    const outputs = n * f;
    const onStep = onAt(1, n, f);
    expect(w.title).toContain(`${n} pixels up-sampled ×${f}: ${outputs} outputs`);
    // Off: spacing, then the first output's distance inside the image's edge and outside the first centre.
    expect(w.off).toContain(`the ${outputs} outputs are`);
    expect(w.off).toContain('spread over the whole image, so its edges line up');
    const off = lengths(w.off);
    expect(off).toHaveLength(3);
    expect(off[0]).toBeCloseTo(1 / f, 9);
    expect(off[1]).toBeCloseTo(offAt(0, f) + 0.5, 9);
    expect(off[2]).toBeCloseTo(0 - offAt(0, f), 9);
    expect(w.off).toMatch(/inside the image’s edges, .* outside the centres of the first and last input pixels/);
    // On: the corners, the spacing, and how far inside the input's edges the output's fall.
    expect(w.on).toContain(`the first and last of the ${outputs} outputs sit exactly on the centres`);
    expect(w.on).toContain(`the ${outputs - 2} outputs between`);
    expect(w.on).toContain(`(not ${fraction(1 / f)})`);
    const on = lengths(w.on);
    expect(on).toHaveLength(2);
    expect(on[0]).toBeCloseTo(onStep, 9);
    expect(on[1]).toBeCloseTo(0.5 - onStep / 2, 9);
    expect(w.on).toMatch(/edges fall .* inside the input’s\.$/);
    // Clamping: how many outputs at each end sit outside the first or last centre, by the formula.
    const beyond = Array.from({ length: outputs }, (_, i) => offAt(i, f)).filter((x) => x < 0).length;
    const said =
      beyond === 1 ? 'the first and the last output copy' : `the first ${beyond} and the last ${beyond} outputs copy`;
    expect(w.clamp).toContain(`off, ${said}`);
    expect(w.clamp).toContain('on, no position is clamped');
    for (const text of Object.values(w)) expect(text).not.toMatch(/NaN|undefined|\b1 outputs\b|\b1 pixels\b|  /);
  });

  it('writes lengths as fractions people read', () => {
    expect([0.25, 3 / 7, 1 / 6, 3 / 8, 1.5, 2, 0, 1 + 3 / 7].map(fraction)).toEqual([
      '¼', '3/7', '⅙', '⅜', '1½', '2', '0', '1 3/7',
    ]); // prettier-ignore
    expect(fraction(Math.PI / 10)).toBe('0.314');
    expect(() => fraction(-0.5)).toThrow('fraction: x must be a length (0 or more), got -0.5');
  });

  it('refuses rows it cannot draw, naming the argument', async () => {
    const tc = await tconv();
    expect(() => alignSamples(tc, 1, 2)).toThrow('alignSamples: n must be a whole number from 2, got 1');
    expect(() => alignSamples(tc, 4, 1.5)).toThrow('alignSamples: factor must be a whole number from 2, got 1.5');
  });

  it('says which methods take align corners, and why a side’s box is greyed out', () => {
    expect(alignMethodsNote('bilinear')).toBe('Only Bilinear and Bicubic take it.');
    expect(alignMethodsNote('transposed')).toBe(
      'Only Bilinear and Bicubic take it, so the box is greyed out for this side’s method (Transposed conv · your kernel).',
    );
  });
});
