// The answers' sentences as data: every number they state is checked here
// against a computation written in this file, from the definitions (a direct
// conv2d, a direct scatter, the size formula tried on every input size),
// never against web/lib/explainer's own arithmetic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  addedCells,
  connectivity,
  flipText,
  gradient,
  inverse,
  names,
  plural,
  sizeChoice,
} from '../../../web/lib/explainer/answers.js';
import { DEFAULT_CONFIG, type Dims, type ExplainerConfig } from '../../../web/lib/explainer/config.js';
import type { ExplainerModel, ExplainerValues } from '../../../web/lib/explainer/model-types.js';
import { buildModel } from '../../../web/lib/explainer/model.js';
import { presetValues } from '../../../web/lib/explainer/values.js';
import { tconv } from '../helpers.js';
import { configs, convOptions, model, range } from './support.js';

// ---- reference maths, in double precision ----

interface Plane {
  rows: number;
  cols: number;
  values: ArrayLike<number>;
}

/** conv2d (a cross-correlation) from its definition. */
function conv2d(c: ExplainerConfig, x: Plane, k: Plane): Plane {
  const size = [0, 1].map(
    (d) => Math.floor((c.input[d] + 2 * c.padding[d] - c.dilation[d] * (c.kernel[d] - 1) - 1) / c.stride[d]) + 1,
  );
  const values = new Float64Array(size[0] * size[1]);
  for (let oh = 0; oh < size[0]; oh++)
    for (let ow = 0; ow < size[1]; ow++)
      for (let u = 0; u < k.rows; u++)
        for (let v = 0; v < k.cols; v++) {
          const h = oh * c.stride[0] + u * c.dilation[0] - c.padding[0];
          const w = ow * c.stride[1] + v * c.dilation[1] - c.padding[1];
          if (h >= 0 && h < x.rows && w >= 0 && w < x.cols)
            values[oh * size[1] + ow] += k.values[u * k.cols + v] * x.values[h * x.cols + w];
        }
  return { rows: size[0], cols: size[1], values };
}

/** conv_transpose2d as a scatter: y(i, j)·k lands at (i·s + u·d − p, j·s + v·d − p). */
function scatter(c: ExplainerConfig, y: Plane, k: Plane, outputPadding: Dims = c.outputPadding): Plane {
  const size = [0, 1].map(
    (d) =>
      ([y.rows, y.cols][d] - 1) * c.stride[d] -
      2 * c.padding[d] +
      c.dilation[d] * (c.kernel[d] - 1) +
      outputPadding[d] +
      1,
  );
  const values = new Float64Array(size[0] * size[1]);
  for (let i = 0; i < y.rows; i++)
    for (let j = 0; j < y.cols; j++)
      for (let u = 0; u < k.rows; u++)
        for (let v = 0; v < k.cols; v++) {
          const h = i * c.stride[0] + u * c.dilation[0] - c.padding[0];
          const w = j * c.stride[1] + v * c.dilation[1] - c.padding[1];
          if (h >= 0 && h < size[0] && w >= 0 && w < size[1])
            values[h * size[1] + w] += y.values[i * y.cols + j] * k.values[u * k.cols + v];
        }
  return { rows: size[0], cols: size[1], values };
}

const oneHot = (n: number, i: number) => Float64Array.from(range(n), (j) => (j === i ? 1 : 0));
const onesPlane = (rows: number, cols: number): Plane => ({
  rows,
  cols,
  values: new Float64Array(rows * cols).fill(1),
});
const nonzero = (p: Plane) => range(p.values.length).filter((i) => p.values[i] !== 0);
const cell = (i: number, cols: number) => `(${Math.floor(i / cols) + 1}, ${(i % cols) + 1})`;
const fmt = (v: number) => {
  const r = Math.round(v * 100) / 100;
  return (Number.isInteger(r) ? String(r) : r.toFixed(2).replace(/0+$/, '')).replace('-', '−');
};

/** Sentences that break the page's rules: a singular noun after a number other than 1, a plural after 1. */
function grammarErrors(text: string): string[] {
  const nouns = ['cell', 'number', 'row', 'column', 'input', 'output', 'zero', 'weight'];
  const errors: string[] = [];
  for (const noun of nouns) {
    if (new RegExp(`(^|[^\\d.])1 ${noun}s\\b`).test(text)) errors.push(`"1 ${noun}s" in: ${text}`);
    const m = new RegExp(`(?:^|[^\\d.,×])(\\d+) ${noun}\\b(?!s)`).exec(text);
    if (m && m[1] !== '1') errors.push(`"${m[1]} ${noun}" in: ${text}`);
  }
  if (/= *=|\(\s*\)|undefined|NaN/.test(text)) errors.push(`empty or broken value in: ${text}`);
  return errors;
}

async function withValues(config: ExplainerConfig, change: (v: ExplainerValues, m: ExplainerModel) => void) {
  const tc = await tconv();
  const first = await model(config);
  const values = { ...first.values };
  change(values, first);
  const r = buildModel(tc, config, values);
  if (!r.ok) throw new Error(r.error);
  return r.model;
}

/** Random drawable models (random values), some with independent weights. */
async function randomModels(runs: number, seed: number): Promise<ExplainerModel[]> {
  const tc = await tconv();
  const out: ExplainerModel[] = [];
  for (const c of fc.sample(configs, { numRuns: runs, seed })) {
    const output = tc.conv2dOutputSize(c.input, c.kernel, convOptions(c));
    const values = presetValues('random', { input: c.input, kernel: c.kernel, output }, c.independent, 7);
    const r = buildModel(tc, c, values);
    if (r.ok) out.push(r.model);
  }
  return out;
}

const SEED = DEFAULT_CONFIG;

describe('plural', () => {
  it('agrees with the number', () => {
    expect(plural(1, 'cell')).toBe('1 cell');
    expect(plural(0, 'cell')).toBe('0 cells');
    expect(plural(4, 'cell')).toBe('4 cells');
    expect(plural(2, 'of them lies', 'of them lie')).toBe('2 of them lie');
  });
});

describe('connectivity: y(i, j) paints the cells that fed out(i, j)', () => {
  it('names the seed’s first window: 9 cells of x, the same 9 painted', async () => {
    const m = await model(SEED);
    const a = connectivity(m, 0);
    expect(a.fed).toEqual([0, 1, 2, 4, 5, 6, 8, 9, 10]);
    expect(a.same).toBe(true);
    expect(a.text).toContain('y(1, 1) paints exactly the 9 cells that fed out(1, 1)');
  });

  it('matches the definitions over random configurations', async () => {
    let same = 0;
    let different = 0;
    for (const m of await randomModels(250, 11)) {
      const c = m.config;
      const [H, W] = c.input;
      for (let r = 0; r < m.y.values.length; r++) {
        const a = connectivity(m, r);
        // Fed: the x cells whose value moves out(r) (a one-hot input through conv2d).
        const fed = range(H * W).filter(
          (i) => conv2d(c, { rows: H, cols: W, values: oneHot(H * W, i) }, onesPlane(...c.kernel)).values[r] !== 0,
        );
        expect([...a.fed].sort((p, q) => p - q)).toEqual(fed);
        // Painted: the outputs a one-hot y at r reaches through an all-ones kernel.
        const painted = nonzero(scatter(c, { ...m.y, values: oneHot(m.y.values.length, r) }, onesPlane(...c.kernel)));
        expect([...a.painted].sort((p, q) => p - q)).toEqual(painted);
        // Same: the painted positions are the fed positions.
        const [, Wt] = m.transposedSize;
        const key = (row: number, col: number) => `${row},${col}`;
        const fedAt = new Set(fed.map((i) => key(Math.floor(i / W), i % W)));
        const paintedAt = new Set(painted.map((i) => key(Math.floor(i / Wt), i % Wt)));
        const expectSame = fedAt.size === paintedAt.size && [...fedAt].every((p) => paintedAt.has(p));
        expect(a.same, `${JSON.stringify(c)} r=${r}`).toBe(expectSame);
        const where = `y${cell(r, m.y.cols)}`;
        expect(a.text).toContain(where);
        if (expectSame && fed.length > 0) {
          expect(a.text).toContain(
            `paints exactly the ${plural(fed.length, 'cell')} that fed out${cell(r, m.out.cols)}`,
          );
          same++;
        } else if (fed.length > 0 || painted.length > 0) {
          expect(a.text).toContain(`paints ${plural(painted.length, 'cell')}; ${plural(fed.length, 'cell')} of x fed`);
          different++;
        }
        expect(grammarErrors(a.text)).toEqual([]);
      }
    }
    expect(same).toBeGreaterThan(50);
    expect(different).toBeGreaterThan(10);
  });
});

describe('Cᵀ is not C⁻¹', () => {
  it('offers the seed’s conv output, 122, 148, 126, 134, and shows x does not come back', async () => {
    const before = await model(SEED);
    const offer = inverse(before);
    expect(offer.active).toBe(false);
    expect(Array.from(offer.y)).toEqual([122, 148, 126, 134]);
    expect(offer.prompt).toContain('122, 148, 126, 134');
    const m = await withValues(SEED, (v, first) => (v.y = first.out.values.slice()));
    const a = inverse(m);
    expect(a.active).toBe(true);
    // Cᵀ·C·x from the definitions, compared with x.
    const back = scatter(SEED, conv2d(SEED, m.x, m.k), m.k);
    const diffs = Array.from(back.values, (v, i) => Math.abs(v - m.x.values[i]));
    const max = Math.max(...diffs);
    expect(a.maxDifference).toBeCloseTo(max, 3);
    const worst = diffs.indexOf(max);
    expect(a.text).toContain(
      `by up to ${fmt(max)}, at ${cell(worst, 4)}: ${fmt(back.values[worst])} instead of ${fmt(m.x.values[worst])}`,
    );
    expect(a.text).toContain('C takes 16 numbers to 4');
  });

  it('tells the truth for random configurations, including when x comes back or cannot', async () => {
    let compared = 0;
    for (const base of await randomModels(300, 12)) {
      const m = await withValues(base.config, (v, first) => {
        v.y = first.out.values.slice();
        v.kt = null;
      });
      const a = inverse(m);
      expect(a.active).toBe(true);
      const c = m.config;
      const back = scatter(c, conv2d(c, m.x, m.k), m.k);
      const comparable = back.rows === c.input[0] && back.cols === c.input[1];
      expect(a.comparable).toBe(comparable);
      if (!comparable) {
        expect(a.text).toContain(`is ${back.rows}×${back.cols} but x is ${c.input[0]}×${c.input[1]}`);
      } else {
        const max = Math.max(...Array.from(back.values, (v, i) => Math.abs(v - m.x.values[i])));
        expect(a.maxDifference).toBeCloseTo(max, 2);
        if (max > 1e-3) expect(a.text).toContain(`differs from x by up to ${fmt(a.maxDifference)}`);
        else if (max === 0) expect(a.text).toContain('equals x');
        if (a.text.includes('C takes')) expect(m.C.rows).toBeLessThan(m.C.cols);
        compared++;
      }
      expect(grammarErrors(a.text + a.prompt)).toEqual([]);
    }
    expect(compared).toBeGreaterThan(30);
  });
});

describe('Cᵀ·g is conv2d’s backward pass', () => {
  it('quotes a gradient entry equal to the finite difference of conv2d', async () => {
    let quoted = 0;
    for (const m of [await model(SEED), ...(await randomModels(300, 13))]) {
      const a = gradient(m);
      expect(a.text).toContain('gradient of Σ g ⊙ conv2d(x, k) with respect to x');
      if (a.cell < 0) {
        expect(m.values.kt !== null || m.transposedSize.join() !== m.config.input.join()).toBe(true);
        continue;
      }
      // ∂/∂x_i Σ_r g_r·conv2d(x)_r, with g = y: conv2d is linear, so the difference is exact.
      const c = m.config;
      const [H, W] = c.input;
      const grad = Array.from(conv2d(c, { rows: H, cols: W, values: oneHot(H * W, a.cell) }, m.k).values).reduce(
        (s, v, r) => s + v * m.y.values[r],
        0,
      );
      expect(a.text).toContain(`∂/∂x${cell(a.cell, W)} = ${fmt(grad)}`);
      quoted++;
    }
    expect(quoted).toBeGreaterThan(20);
  });
});

describe('output_padding picks the size that comes back', () => {
  it('maps both 5×5 and 6×6 to 2×2 at stride 2, and says the extra row holds zeros without padding', async () => {
    const tc = await tconv();
    const m = await model({ ...SEED, input: [5, 5], stride: [2, 2] });
    const a = sizeChoice(tc, m);
    expect(a.options[0].map((o) => o.size)).toEqual([5, 6]);
    expect(a.text[0]).toContain('conv2d maps both 5×5 and 6×6 inputs to 2×2');
    expect(a.text[1]).toContain('0 gives 5×5 and 1 gives 6×6');
    expect(a.reached).toBe(false);
    expect(a.text[3]).toContain('hold zeros: no copy of the kernel reaches them');
  });

  it('says the extra row holds values with padding, and that stride 1 leaves nothing to choose', async () => {
    const tc = await tconv();
    const padded = sizeChoice(tc, await model({ ...SEED, kernel: [4, 4], stride: [2, 2], padding: [1, 1] }));
    expect(padded.reached).toBe(true);
    expect(padded.text[3]).toMatch(/hold values \(.+\): padding 1 had cropped them/);
    const seed = sizeChoice(tc, await model(SEED));
    expect(seed.padded).toBeNull();
    expect(seed.text[0]).toContain('only a 4×4 input gives a 2×2 output');
    // Kernel 3 at stride 2: ⌊(n − 3) / 2⌋ + 1 = 2 for n = 5 and 6 only.
    const two = [3, 4, 5, 6, 7, 8].filter((n) => Math.floor((n - 3) / 2) + 1 === 2);
    expect(seed.text[1]).toContain(
      `At stride 2, conv2d would map both ${two.map((n) => `${n}×${n}`).join(' and ')} inputs to 2×2`,
    );
  });

  it('at stride 1, names the two sizes stride 2 would map to the same output', async () => {
    const tc = await tconv();
    let checked = 0;
    for (const k of [1, 2, 3, 5])
      for (const p of [0, 1, 2])
        for (const d of [1, 2])
          for (const n of [3, 6, 8]) {
            if (n + 2 * p < d * (k - 1) + 1) continue;
            const m = await model(
              { ...SEED, input: [n, n], kernel: [k, k], padding: [p, p], dilation: [d, d] },
              'count',
            );
            const text = sizeChoice(tc, m).text.join(' ');
            const out = m.outputSize[0];
            const sizes = range(80)
              .map((i) => i + 1)
              .filter((i) => i + 2 * p >= d * (k - 1) + 1 && Math.floor((i + 2 * p - d * (k - 1) - 1) / 2) + 1 === out);
            if (sizes.length === 2) {
              expect(text).toContain(
                `At stride 2, conv2d would map both ${sizes[0]}×${sizes[0]} and ${sizes[1]}×${sizes[1]} inputs to ${out}×${out}`,
              );
              checked++;
            } else expect(text).not.toContain('At stride 2');
          }
    expect(checked).toBeGreaterThan(20);
  });

  it('lists exactly the input sizes conv2d maps to the output, over random configurations', async () => {
    const tc = await tconv();
    let withChoice = 0;
    let examples = 0;
    for (const m of await randomModels(250, 14)) {
      const c = m.config;
      const a = sizeChoice(tc, m);
      for (const d of [0, 1]) {
        // Every size the formula maps to this output size (tried one by one), ≥ 1.
        const sizes = range(60)
          .map((n) => n + 1)
          .filter((n) => n + 2 * c.padding[d] >= c.dilation[d] * (c.kernel[d] - 1) + 1)
          .filter(
            (n) =>
              Math.floor((n + 2 * c.padding[d] - c.dilation[d] * (c.kernel[d] - 1) - 1) / c.stride[d]) + 1 ===
              m.outputSize[d],
          );
        expect(a.options[d].map((o) => o.size)).toEqual(sizes);
        const smallest = (m.outputSize[d] - 1) * c.stride[d] - 2 * c.padding[d] + c.dilation[d] * (c.kernel[d] - 1) + 1;
        expect(a.options[d].map((o) => o.outputPadding)).toEqual(sizes.map((n) => n - smallest));
      }
      if (!a.padded) {
        expect(a.options[0].length + a.options[1].length).toBe(2);
        const example = /At stride 2, conv2d would map both (\d+)×\1 and (\d+)×\2 inputs/.exec(a.text.join(' '));
        if (example) {
          // The sizes the formula maps to this output at stride 2, in both dimensions.
          const atTwo = (d: number) =>
            range(60)
              .map((n) => n + 1)
              .filter((n) => n + 2 * c.padding[d] >= c.dilation[d] * (c.kernel[d] - 1) + 1)
              .filter(
                (n) =>
                  Math.floor((n + 2 * c.padding[d] - c.dilation[d] * (c.kernel[d] - 1) - 1) / 2) + 1 ===
                  m.outputSize[d],
              );
          expect(c.stride).toEqual([1, 1]);
          expect(atTwo(0)).toEqual([Number(example[1]), Number(example[2])]);
          expect(atTwo(1)).toEqual([Number(example[1]), Number(example[2])]);
          examples++;
        }
        continue;
      }
      withChoice++;
      // The added row/column from a direct scatter: its reach (ones) and its values (this y).
      // output_padding of the second size (checked above against the formula), in each dimension.
      const hi = a.options.map((o) => (o[1] ?? o[0]).outputPadding) as Dims;
      const reach = scatter(c, onesPlane(...m.outputSize), onesPlane(...c.kernel), hi);
      const cells = addedCells(reach, a.added);
      expect(a.reached).toBe(cells.some((i) => reach.values[i] !== 0));
      // A copy reaches past the smallest size only where padding cropped it (dilation may still skip the row).
      if (a.reached) expect((a.added[0] && c.padding[0] > 0) || (a.added[1] && c.padding[1] > 0)).toBeTruthy();
      const values = scatter(c, m.y, m.kt, hi);
      expect(a.addedValues).toHaveLength(cells.length);
      cells.forEach((i, j) => expect(a.addedValues[j]).toBeCloseTo(values.values[i], 3));
      const last = a.text[a.text.length - 1];
      if (!a.reached) expect(last).toMatch(/zeros: no copy of the kernel reaches/);
      else if (cells.some((i) => Math.abs(values.values[i]) > 1e-3)) expect(last).toMatch(/values \(/);
      for (const line of a.text) expect(grammarErrors(line)).toEqual([]);
    }
    expect(withChoice).toBeGreaterThan(50);
    expect(examples).toBeGreaterThan(0);
  });
});

describe('why the kernel flips', () => {
  it('names the first and last weights, and the conv_arithmetic colours', async () => {
    const lines = flipText(await model(SEED));
    expect(lines[0]).toContain('w₁ at the top-left');
    expect(lines[0]).toContain('w₉ at its bottom-right');
    expect(lines[2]).toContain('(w₉ … w₁)');
    expect(lines[2]).toContain('cross-correlation');
    expect(lines.at(-1)).toMatch(/blue is the zero-inserted input and cyan the output/);
    const row = flipText(await model({ ...SEED, kernel: [1, 3] }));
    expect(row[2]).toContain('flipped left to right (w₃ … w₁)');
    expect(flipText(await model({ ...SEED, kernel: [1, 1] }))[0]).toContain('nothing to flip');
  });
});

describe('names', () => {
  it('says why deconvolution is a misnomer and states the figure’s stride', async () => {
    const two = names(await model({ ...SEED, input: [5, 5], stride: [2, 2] }));
    expect(two.map((n) => n.term)).toEqual([
      'Transposed convolution',
      'Deconvolution',
      'Fractionally-strided convolution',
      'Up-convolution',
      'Backward convolution',
    ]);
    expect(two[1].text).toContain('does not undo a convolution');
    expect(two[2].text).toContain('a stride of 1/2');
    expect(names(await model(SEED))[2].text).toContain('stride 1, nothing is spread');
  });
});
