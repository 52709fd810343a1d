// Value lists: the presets, strict parsing of edited values, their text form,
// and resizing an edited grid when the sizes change.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Dims } from '../../../web/lib/explainer/config.js';
import { formatValues, parseValues, presetGrid, resizeGrid } from '../../../web/lib/explainer/values.js';

describe('value lists', () => {
  it('parses value lists strictly', () => {
    expect(Array.from(parseValues('1, -2.5,3', 3)!)).toEqual([1, -2.5, 3]);
    expect(parseValues('1,2', 3)).toBeNull();
    expect(parseValues('1,abc,3', 3)).toBeNull();
    expect(parseValues('1e3,2,3', 3)).toBeNull();
    expect(parseValues('2000000', 1)).toBeNull();
  });

  it('reads back what it writes, for any list of numbers it can show', () => {
    // Four decimals survive float32 for magnitudes up to 1000.
    const value = fc.integer({ min: -10_000_000, max: 10_000_000 }).map((n) => n / 10_000);
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 40 }), (list) => {
        const values = Float32Array.from(list);
        const back = parseValues(formatValues(values), values.length)!;
        expect(back).not.toBeNull();
        back.forEach((v, i) => expect(Math.abs(v - values[i])).toBeLessThanOrEqual(5e-5 * Math.max(1, Math.abs(v))));
      }),
    );
  });

  it('keeps the overlapping top-left part of an edited grid when it is resized, the rest from the fill', () => {
    const dims = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })) as fc.Arbitrary<Dims>;
    fc.assert(
      fc.property(dims, dims, ([h0, w0], [h1, w1]) => {
        // Entry (r, c) of the old grid holds 100·r + c; the fill is −1 everywhere.
        const old = Float32Array.from({ length: h0 * w0 }, (_, i) => 100 * Math.floor(i / w0) + (i % w0));
        const out = resizeGrid(old, [h0, w0], [h1, w1], new Float32Array(h1 * w1).fill(-1));
        expect(out).toHaveLength(h1 * w1);
        for (let r = 0; r < h1; r++)
          for (let c = 0; c < w1; c++) expect(out[r * w1 + c]).toBe(r < h0 && c < w0 ? 100 * r + c : -1);
      }),
    );
  });

  it('fills presets: the seed article for its own sizes, counting elsewhere', () => {
    expect(Array.from(presetGrid('seed', [3, 3], 'k'))).toEqual([1, 4, 1, 1, 4, 3, 3, 3, 1]);
    expect(Array.from(presetGrid('seed', [2, 2], 'x'))).toEqual([1, 2, 3, 4]);
    expect(Array.from(presetGrid('ones', [2, 3], 'y'))).toEqual([1, 1, 1, 1, 1, 1]);
    const random = presetGrid('random', [4, 4], 'x', 7);
    expect(Array.from(random)).toEqual(Array.from(presetGrid('random', [4, 4], 'x', 7)));
    expect(random.every((v) => Number.isInteger(v))).toBe(true);
  });
});
