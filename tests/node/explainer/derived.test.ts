// What the chapters share, per model: Cᵀ's layout, weight names, which
// outputs each entry of y paints, the zero-insertion taps. Checked against the
// definitions (a transpose written here) and against the core.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG } from '../../../web/lib/explainer/config.js';
import {
  derived,
  forwardOfTransposed,
  subscript,
  transposedOfForward,
  transposeLayout,
  weightName,
} from '../../../web/lib/explainer/derived.js';
import type { MatrixGrid } from '../../../web/lib/explainer/model-types.js';
import { model, randomModels, reachedBy, range } from './support.js';

const matrices = fc
  .tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }))
  .map(([rows, cols]): MatrixGrid => {
    const n = rows * cols;
    // Distinct values, so that a misplaced entry cannot look right.
    return {
      rows,
      cols,
      values: Float32Array.from(range(n), (i) => i + 1),
      source: Int32Array.from(range(n), (i) => i - 3),
    };
  });

describe('Cᵀ laid out from the forward matrix', () => {
  it('puts entry (r, c) of the forward matrix at (c, r), values and weight sources alike', () => {
    fc.assert(
      fc.property(matrices, (m) => {
        const t = transposeLayout(m);
        expect([t.rows, t.cols]).toEqual([m.cols, m.rows]);
        for (let r = 0; r < m.rows; r++)
          for (let c = 0; c < m.cols; c++) {
            expect(t.values[c * t.cols + r]).toBe(m.values[r * m.cols + c]);
            expect(t.source[c * t.cols + r]).toBe(m.source[r * m.cols + c]);
          }
      }),
    );
  });

  it('maps drawn indices of Cᵀ to the forward matrix and back, one to one', () => {
    fc.assert(
      fc.property(matrices, (m) => {
        const n = m.rows * m.cols;
        const t = transposeLayout(m);
        const seen = new Set<number>();
        for (let i = 0; i < n; i++) {
          const f = forwardOfTransposed(m, i);
          expect(t.values[i]).toBe(m.values[f]);
          expect(transposedOfForward(m, f)).toBe(i);
          seen.add(f);
        }
        expect(seen.size).toBe(n);
      }),
    );
  });
});

describe('names and shared data', () => {
  it('names weights w₁, w₂, … with subscript digits', () => {
    expect(weightName(0)).toBe('w₁');
    expect(weightName(11)).toBe('w₁₂');
    expect(subscript(9045)).toBe('₉₀₄₅');
  });

  it('labels each entry of C with the weight it holds and marks the structural zeros', async () => {
    const m = await model(DEFAULT_CONFIG);
    const d = derived(m);
    expect(d.CSubs.slice(0, 4)).toEqual(['w₁', 'w₂', 'w₃', '']);
    expect(d.CZeros.size).toBe(4 * 16 - 4 * 9);
    expect(d.CText(3)).toBe('structural zero');
    expect(d.CText(0)).toBe('');
    expect(d.sameAsC).toBe(true);
    expect(derived(await model(DEFAULT_CONFIG, 'seed', true)).sameAsC).toBe(false);
    expect(derived(m)).toBe(d); // computed once per model
  });

  it('paints, for each entry of y, exactly the outputs a transposed convolution reaches (the core says)', async () => {
    for (const m of await randomModels(40, 11)) {
      const d = derived(m);
      const before = new Set<number>();
      for (let i = 0; i < m.y.values.length; i++) {
        const reached = await reachedBy(m, i + 1);
        const now = new Set([...before, ...d.painted[i]]);
        expect(now).toEqual(reached);
        d.painted[i].forEach((o) => before.add(o));
      }
    }
  });

  it('counts the multiplications by a zero of zero insertion tap by tap, and places each y entry once', async () => {
    for (const m of await randomModels(40, 12)) {
      const d = derived(m);
      const z = m.zeroInsertion;
      expect(d.zeroTaps).toHaveLength(m.tout.values.length);
      expect(d.zeroTaps.flat().filter(Boolean)).toHaveLength(z.zeroMultiplications);
      expect(d.ziData.size + d.ziInserted.size + d.ziPad.size).toBe(z.zi.rows * z.zi.cols);
      d.ziOf.forEach((p, i) => {
        if (p >= 0) expect(z.zi.dataIndex[p]).toBe(i);
      });
      expect(new Set(d.ziOf.filter((p) => p >= 0)).size).toBe(d.ziOf.filter((p) => p >= 0).length);
      expect(d.toutScale).toBe(Math.max(1, ...Array.from(m.tout.values, Math.abs)));
    }
  });
});
