// The explainer's model: every number it shows comes from the core, and the
// pieces hold together (C·x = conv2d, Cᵀ·y = zero insertion = conv_transpose2d).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG, type ExplainerConfig } from '../../../web/lib/explainer/config.js';
import { buildModel } from '../../../web/lib/explainer/model.js';
import { presetValues } from '../../../web/lib/explainer/values.js';
import { expectClose, tconv } from '../helpers.js';
import { configs, convOptions, matVec, model } from './support.js';

describe('the model', () => {
  it('computes the seed example in the core', async () => {
    const m = await model(DEFAULT_CONFIG);
    expect(Array.from(m.out.values)).toEqual([122, 148, 126, 134]);
    expect([m.C.rows, m.C.cols]).toEqual([4, 16]);
    expect(Array.from(m.C.values.subarray(16, 32))).toEqual([0, 1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0, 0, 0, 0]);
    expect(Array.from(m.tout.values)).toEqual([2, 9, 6, 1, 6, 29, 30, 7, 10, 29, 33, 13, 12, 24, 16, 4]);
    expect(m.toutPartial).toHaveLength(5);
    expect(Array.from(m.toutPartial[1].values.subarray(0, 4))).toEqual([2, 8, 2, 0]);
    expect(m.zeroInsertion.zi.rows).toBe(6);
    expect(m.zeroInsertion.multiplications).toBe(144);
    expect(m.zeroInsertion.zeroMultiplications).toBe(144 - 36);
    expect(m.formulas.conv[0]).toBe(
      'Hout = ⌊(H + 2·padding − dilation·(kH − 1) − 1) / stride⌋ + 1 = ⌊(4 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 2',
    );
    expect(m.overlap.current.max).toBe(9);
  });

  it('explains invalid configurations in words', async () => {
    const tc = await tconv();
    const bad = (c: Partial<ExplainerConfig>) => {
      const config = { ...DEFAULT_CONFIG, ...c };
      const r = buildModel(
        tc,
        config,
        presetValues('count', { input: config.input, kernel: config.kernel, output: [1, 1] }),
      );
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.error;
    };
    expect(bad({ kernel: [5, 5] })).toBe(
      'The convolution is not defined here: dilated kernel size (5, 5) is larger than padded input size (4, 4).',
    );
    expect(bad({ stride: [2, 2], outputPadding: [2, 0] })).toContain(
      'output_padding (2, 0) must be smaller than either stride (2, 2) or dilation (1, 1)',
    );
    expect(bad({ input: [10, 10], kernel: [1, 1], padding: [1, 1] })).toContain(
      'C would have 144 × 100 = 14,400 entries',
    );
  });

  it('holds together for any configuration: C·x = conv2d, Cᵀ·y = zero insertion = conv_transpose2d', async () => {
    const tc = await tconv();
    let checked = 0;
    for (const c of fc.sample(configs, { numRuns: 150, seed: 5 })) {
      const output = tc.conv2dOutputSize(c.input, c.kernel, convOptions(c));
      const values = presetValues('random', { input: c.input, kernel: c.kernel, output }, c.independent, 3);
      const r = buildModel(tc, c, values);
      if (!r.ok) {
        expect(r.error).toMatch(/too small|entries/); // heavy padding, or too big to draw
        continue;
      }
      const m = r.model;
      expectClose(matVec(m.C, m.x.values, false), m.out.values, 1e-4, 1e-5);
      expect([m.Ct.rows, m.Ct.cols]).toEqual([m.y.values.length, m.tout.values.length]);
      expectClose(matVec(m.Ct, m.y.values, true), m.tout.values, 1e-4, 1e-5);
      expect([m.zeroInsertion.out.rows, m.zeroInsertion.out.cols]).toEqual([m.tout.rows, m.tout.cols]);
      expectClose(m.zeroInsertion.out.values, m.tout.values, 1e-4, 1e-5);
      expectClose(m.toutPartial[m.toutPartial.length - 1].values, m.tout.values, 0, 0);
      // The products are the core's, of the matrices drawn, and their agreement is measured, not assumed.
      expectClose(m.Cx.values, matVec(m.C, m.x.values, false), 1e-4, 1e-5);
      expectClose(m.Cty.values, matVec(m.Ct, m.y.values, true), 1e-4, 1e-5);
      expect(m.CtyPartial).toHaveLength(m.y.values.length + 1);
      m.CtyPartial.forEach((p, i) =>
        expectClose(
          p.values,
          matVec(
            m.Ct,
            m.y.values.map((v, j) => (j < i ? v : 0)),
            true,
          ),
          1e-4,
          1e-5,
        ),
      );
      const worst = (a: Float32Array, b: Float32Array) => Math.max(0, ...a.map((v, i) => Math.abs(v - b[i])));
      expect(m.agreement.CxVsOut).toBe(worst(m.Cx.values, m.out.values));
      expect(m.agreement.CtyVsTout).toBe(worst(m.Cty.values, m.tout.values));
      expect(m.agreement.zeroInsertionVsTout).toBe(worst(m.zeroInsertion.out.values, m.tout.values));
      // Every window tap of the sliding window lands on the weight C says.
      for (let r0 = 0; r0 < m.C.rows; r0++) {
        expect(m.windows[r0]).toHaveLength(m.k.values.length);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });
});
