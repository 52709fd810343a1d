// The explainer's DOM-free model: configuration parsing, the numbers it
// shows (all from the core), linked highlighting, chapters, the PyTorch snippet.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { configToParams, DEFAULT_CONFIG, type ExplainerConfig, parseConfig } from '../../web/lib/explainer/config.js';
import type { ExplainerModel } from '../../web/lib/explainer/model-types.js';
import { buildModel } from '../../web/lib/explainer/model.js';
import { indicesIn, related, transposedIndex } from '../../web/lib/explainer/relations.js';
import { pytorchSnippet } from '../../web/lib/explainer/snippet.js';
import { chapters, formatStep, parseStep } from '../../web/lib/explainer/timeline.js';
import { parseValues, presetValues } from '../../web/lib/explainer/values.js';
import { expectClose, tconv } from './helpers.js';

async function model(config: ExplainerConfig, preset: 'seed' | 'count' | 'random' = 'seed', independent = false) {
  const tc = await tconv();
  const output = tc.conv2dOutputSize(config.input, config.kernel, convOptions(config));
  const values = presetValues(preset, { input: config.input, kernel: config.kernel, output }, independent);
  const result = buildModel(tc, config, values);
  if (!result.ok) throw new Error(result.error);
  return result.model;
}

const convOptions = (c: ExplainerConfig) => ({ stride: c.stride, padding: c.padding, dilation: c.dilation });

function matVec(m: { rows: number; cols: number; values: Float32Array }, v: Float32Array, transpose: boolean) {
  const out = new Float64Array(transpose ? m.cols : m.rows);
  for (let r = 0; r < m.rows; r++)
    for (let c = 0; c < m.cols; c++) {
      if (transpose) out[c] += m.values[r * m.cols + c] * v[r];
      else out[r] += m.values[r * m.cols + c] * v[c];
    }
  return out;
}

describe('configuration from the URL', () => {
  it('reads pairs and single numbers, and round-trips', () => {
    const { config, notices } = parseConfig(
      new URLSearchParams('input=5x6&kernel=3&stride=2&padding=1x0&dilation=1&output-padding=1'),
    );
    expect(notices).toEqual([]);
    expect(config).toEqual({
      input: [5, 6],
      kernel: [3, 3],
      stride: [2, 2],
      padding: [1, 0],
      dilation: [1, 1],
      outputPadding: [1, 1],
    });
    expect(configToParams(config).toString()).toBe('input=5x6&kernel=3&stride=2&padding=1x0&output-padding=1');
    expect(parseConfig(configToParams(config)).config).toEqual(config);
  });

  it('falls back to the defaults with a plain-text notice for malformed or out-of-range values', () => {
    const { config, notices } = parseConfig(
      new URLSearchParams({ input: '<script>alert(1)</script>', kernel: '99', stride: '2x', bogus: '1' }),
    );
    expect(config.input).toEqual(DEFAULT_CONFIG.input);
    expect(config.kernel).toEqual([7, 7]);
    expect(config.stride).toEqual(DEFAULT_CONFIG.stride);
    expect(notices).toHaveLength(3);
    expect(notices[0]).toContain('Ignored input="<script>alert(1)</script…"');
    expect(notices[1]).toContain('kernel 99 is outside what the page can show (1 to 7); using 7');
  });
});

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

  const configs = fc
    .record({
      input: fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 })),
      kernel: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
      stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
      dilation: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      outputPadding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
      independent: fc.boolean(),
    })
    .filter(
      (c) =>
        [0, 1].every((d) => c.input[d] + 2 * c.padding[d] >= c.dilation[d] * (c.kernel[d] - 1) + 1) &&
        [0, 1].every((d) => c.outputPadding[d] < Math.max(c.stride[d], c.dilation[d])),
    );

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
      // Every window tap of the sliding window lands on the weight C says.
      for (let r0 = 0; r0 < m.C.rows; r0++) {
        expect(m.windows[r0]).toHaveLength(m.k.values.length);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('linked highlighting', () => {
  it('relates an input pixel to its column of C, vec(x), its outputs and the weights touching it', async () => {
    const m = await model(DEFAULT_CONFIG);
    const r = related(m, 'x:5');
    expect(indicesIn(r, 'vecx')).toEqual(new Set([5]));
    // x(1,1) is under every one of the 4 windows, at taps 4, 3, 1, 0.
    expect(indicesIn(r, 'out')).toEqual(new Set([0, 1, 2, 3]));
    expect(indicesIn(r, 'k')).toEqual(new Set([4, 3, 1, 0]));
    expect(indicesIn(r, 'C')).toEqual(new Set([5, 16 + 5, 32 + 5, 48 + 5]));
    // A corner only feeds output 0 through weight 0.
    expect(indicesIn(related(m, 'x:0'), 'out')).toEqual(new Set([0]));
  });

  it('relates a transposed input to the k×k outputs it paints and is symmetric', async () => {
    const m = await model(DEFAULT_CONFIG);
    const painted = indicesIn(related(m, 'y:0'), 'tout');
    expect(painted).toEqual(new Set([0, 1, 2, 4, 5, 6, 8, 9, 10]));
    expect(indicesIn(related(m, 'y:0'), 'Ct')).toContain(transposedIndex(m.Ct, 0, 5));
    for (const cell of ['x:3', 'C:7', 'k:2', 'tout:5', 'zi:14', 'kflip:0', 'ziout:3'] as const) {
      for (const other of related(m, cell)) expect(related(m, other).has(cell)).toBe(true);
    }
  });
});

describe('chapters', () => {
  it('has eight chapters whose frames follow the model', async () => {
    const m: ExplainerModel = await model(DEFAULT_CONFIG);
    const all = chapters(m);
    expect(all.map((c) => c.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(all.map((c) => c.frames.length)).toEqual([5, 5, 5, 6, 3, 6, 3 + 16 + 1, 3]);
    expect(all[0].frames[1].narration).toBe(
      'Output (0, 0): 1·4 + 4·5 + 1·8 + 1·1 + 4·8 + 3·8 + 3·3 + 3·6 + 1·6 = 122. Many inputs, one output.',
    );
    expect(all[6].frames.at(-1)!.narration).toContain('spent 108 of its 144 multiplications on zeros');
    expect(parseStep('4.2', all)).toEqual({ chapter: 4, frame: 2 });
    expect(parseStep('99.99', all)).toEqual({ chapter: 8, frame: 2 });
    expect(parseStep('x', all)).toBeNull();
    expect(formatStep(3, 0)).toBe('3');
  });

  it('reports the checkerboard: uneven coverage when k is not a multiple of s', async () => {
    const m = await model({ ...DEFAULT_CONFIG, stride: [2, 2], input: [5, 5], outputPadding: [0, 0] });
    expect(m.overlap.current.min).toBeLessThan(m.overlap.current.max);
    expect(m.overlap.balanced.kernel).toEqual([4, 4]);
    expect(chapters(m)[7].frames[0].narration).toContain('because the kernel size is not divisible by the stride');
  });
});

describe('values and snippet', () => {
  it('parses value lists strictly', () => {
    expect(Array.from(parseValues('1, -2.5,3', 3)!)).toEqual([1, -2.5, 3]);
    expect(parseValues('1,2', 3)).toBeNull();
    expect(parseValues('1,abc,3', 3)).toBeNull();
  });

  it('writes PyTorch code with the current parameters and values', async () => {
    const m = await model({ ...DEFAULT_CONFIG, stride: [2, 1], padding: [1, 1], outputPadding: [1, 0] });
    const code = pytorchSnippet(m);
    expect(code).toContain('out = F.conv2d(x, k, stride=(2, 1), padding=1, dilation=1)');
    expect(code).toContain('F.conv_transpose2d(y, k, stride=(2, 1), padding=1, output_padding=(1, 0), dilation=1)');
    expect(code).toContain('torch.nn.ConvTranspose2d(1, 1, kernel_size=3,');
    expect(code).toContain('x = torch.tensor([[4., 5., 8., 7.],');
  });
});
