// <tconv-overlap>'s attributes, and where its maps are free of border effects,
// checked against the counts the core computes and the definition of a count.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Dims } from '../../../web/lib/explainer/config.js';
import { overlapViews } from '../../../web/lib/explainer/model.js';
import {
  interiorOf,
  interiorRange,
  OVERLAP_DEFAULTS,
  type OverlapMap,
  readMaps,
  readOverlapSettings,
} from '../../../web/lib/explainer/overlap-settings.js';
import { tconv } from '../helpers.js';

const none = { kernel: null, stride: null, dilation: null, size: null };

describe('reading the attributes', () => {
  it('uses the defaults, caps what is out of range and ignores what is not a size, with notices', () => {
    expect(readOverlapSettings(none)).toEqual({ settings: OVERLAP_DEFAULTS, notices: [] });
    const r = readOverlapSettings({ ...none, kernel: '9x2', stride: 'two', size: '4x5' });
    expect(r.settings).toEqual({ ...OVERLAP_DEFAULTS, kernel: [7, 2], size: [4, 5] });
    expect(r.notices).toEqual([
      'kernel 9x2 is outside 1 to 7; using 7x2.',
      'Ignored stride="two": expected a number like 2 or a pair like 2x3. Using 2.',
    ]);
  });

  it('reads the maps: a list, all, or transposed; names the unknown ones', () => {
    expect(readMaps(null)).toEqual({ maps: ['transposed'], notice: null });
    expect(readMaps('all').maps).toEqual(['transposed', 'balanced', 'resize']);
    expect(readMaps('resize, transposed').maps).toEqual(['transposed', 'resize']);
    expect(readMaps('bogus')).toEqual({
      maps: ['transposed'],
      notice: 'Ignored maps "bogus": expected transposed, balanced, resize or all.',
    });
  });
});

/** How many kernel copies land on output p of one dimension, from the definition, with no input border. */
function unbounded(map: OverlapMap, k: number, s: number, d: number): (p: number) => number {
  if (map === 'resize') return () => k; // every tap reads an up-sampled one
  // p = i·s + j·d for some integer i (any: no border) and j in [0, k).
  return (p) => Array.from({ length: k }, (_, j) => j).filter((j) => (((p - j * d) % s) + s) % s === 0).length;
}

describe('the border-free inside of a map', () => {
  it('holds, everywhere inside, the count an input without borders would give', async () => {
    const tc = await tconv();
    const pair = (min: number, max: number) =>
      fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })) as fc.Arbitrary<Dims>;
    const settings = fc.record({ kernel: pair(1, 5), stride: pair(1, 3), dilation: pair(1, 2), size: pair(1, 8) });
    for (const s of fc.sample(settings, { numRuns: 80, seed: 51 })) {
      const o = overlapViews(tc, s.kernel, s.stride, s.dilation, s.size);
      for (const map of ['transposed', 'balanced', 'resize'] as const) {
        const v = map === 'transposed' ? o.current : map === 'balanced' ? o.balanced : o.resize;
        const inside = interiorOf(map, v, s);
        const [rows, cols] = [0, 1].map((a) =>
          unbounded(map, map === 'balanced' ? v.kernel[a] : s.kernel[a], s.stride[a], s.dilation[a]),
        );
        const [[r0, r1], [c0, c1]] = inside;
        let min = Infinity;
        let max = -Infinity;
        for (let r = Math.max(0, r0); r <= Math.min(r1, v.counts.rows - 1); r++)
          for (let c = Math.max(0, c0); c <= Math.min(c1, v.counts.cols - 1); c++) {
            const count = v.counts.values[r * v.counts.cols + c];
            expect(count, `${map} ${JSON.stringify(s)} at (${r}, ${c})`).toBe(rows(r) * cols(c));
            min = Math.min(min, count);
            max = Math.max(max, count);
          }
        const range = interiorRange(v, inside);
        if (!range.whole) expect([range.min, range.max]).toEqual([min, max]);
        else expect([range.min, range.max]).toEqual([v.min, v.max]);
      }
    }
  });
});
