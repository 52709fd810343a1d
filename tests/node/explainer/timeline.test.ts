// The chapters, their frames and narration, and the step text ("4.2"): what
// people read counts from 1, and the sentences of the examples read
// as they should (claims.test.ts checks every number of every sentence).
import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG, type ExplainerConfig } from '../../../web/lib/explainer/config.js';
import type { ExplainerModel } from '../../../web/lib/explainer/model-types.js';
import { chapters, formatStep, parseStep, stepCounter } from '../../../web/lib/explainer/timeline.js';
import { model } from './support.js';

const narration = async (c: Partial<ExplainerConfig>, chapter: number, frame: number) =>
  chapters(await model({ ...DEFAULT_CONFIG, ...c }))[chapter - 1].frames[frame].narration;

describe('chapters', () => {
  it('has ten chapters whose frames follow the model, counted from 1', async () => {
    const m: ExplainerModel = await model(DEFAULT_CONFIG);
    const all = chapters(m);
    expect(all.map((c) => c.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Chapter 9: intro, ∂L/∂x, conv_transpose2d, 9 weights, the correlation, the names; chapter 10: the start and 18 iterations.
    expect(all.map((c) => c.frames.length)).toEqual([5, 5, 5, 6, 3, 6, 3 + 16 + 1, 3, 3 + 9 + 2, 1 + 18]);
    expect(all.slice(8).map((c) => c.title)).toEqual(['Where the name comes from', 'Learning the weights']);
    expect(all[0].frames[1].narration).toBe(
      'Output (1, 1): 1·4 + 4·5 + 1·8 + 1·1 + 4·8 + 3·8 + 3·3 + 3·6 + 1·6 = 122. Many inputs, one output.',
    );
    expect(all[1].frames[1].narration).toMatch(/^Row 1 of C is the kernel placed at output \(1, 1\): 9 weights land/);
    expect(all[2].frames[1].narration).toBe('Row 1 of x becomes entries 1 to 4 of vec(x).');
    expect(all[5].frames[1].narration).toBe('y(1, 1) = 2 paints 9 outputs through column 1 of Cᵀ: one-to-many.');
    expect(all[6].frames.at(-1)!.narration).toContain('spent 108 of its 144 multiplications on zeros');
  });

  it('states a cause of uneven coverage that matches the map: the kernel, or dilation and stride sharing a factor', async () => {
    expect(await narration({ input: [5, 5], stride: [2, 2] }, 8, 0)).toBe(
      'Kernel 3, stride 2, on an all-ones 6×6 input, padding 0: inside the border outputs are covered 1 to 4 times, ' +
        'because kernel 3 is not a multiple of stride 2 — that alternation is the checkerboard.',
    );
    // ?input=9&kernel=3&stride=2&dilation=2: every tap lands on every other row; rounding the kernel up does not help.
    const d2 = {
      input: [9, 9] as [number, number],
      stride: [2, 2] as [number, number],
      dilation: [2, 2] as [number, number],
    };
    expect(await narration(d2, 8, 0)).toContain(
      'covered 0 to 9 times, because dilation 2 and stride 2 are both multiples of 2, so every copy lands on every other row and column only',
    );
    expect(await narration(d2, 8, 1)).toMatch(
      /^With kernel 4, rounded up to a multiple of stride 2: inside the border outputs are still covered 0 to 16 times/,
    );
    // k4 s2 and the seed are even inside: the border does not count.
    expect(await narration({ input: [6, 6], kernel: [4, 4], stride: [2, 2] }, 8, 0)).toContain(
      'every output inside the border is covered 4 times — evenly',
    );
    expect(await narration({}, 8, 0)).toContain('every output inside the border is covered 9 times — evenly');
    expect(await narration({}, 8, 1)).toContain('stacked layers compound it');
  });

  it('explains why chapter 5’s matrix changed size, and reads chapter 7 in order', async () => {
    expect(await narration({ input: [6, 6], stride: [2, 2] }, 5, 0)).toBe(
      'A transpose flips a matrix over its diagonal: rows become columns. Cᵀ is built on the transposed convolution’s output, ' +
        'H′×W′ = 5×5, not the input’s 6×6: conv2d’s last window leaves the last 1 row and 1 column of x unread, so ' +
        'H′ = H − unread + output_padding = 6 − 1 + 0 = 5 and W′ = 6 − 1 + 0 = 5; both sizes give the same 2×2 conv2d output, ' +
        'and output_padding picks which comes back. So this matrix is 4×25, not the 4×36 of chapters 2 and 4: it takes 25 numbers to 4.',
    );
    const seven = chapters(await model(DEFAULT_CONFIG))[6];
    expect(seven.frames[2].narration).toContain('Then flip the kernel in both axes: k → k̃');
    expect(seven.frames[3].narration).toMatch(/^Zero-inserted y ⊛ k̃ at output \(1, 1\) = /);
  });

  it('has no empty sums, and sizes take the verb they need', async () => {
    // A 1×1 kernel on a 2×2 input padded by 1: the corner windows lie on padding only.
    const rows = chapters(await model({ ...DEFAULT_CONFIG, input: [2, 2], kernel: [1, 1], padding: [1, 1] }));
    expect(rows[3].frames[1].narration).toBe(
      'Row 1 of C has no weights on the input (its kernel lies on padding): row 1 · vec(x) = 0, the same as output (1, 1) of the sliding window.',
    );
    expect(rows[5].frames[1].narration).toMatch(/reaches no output: column 1 of Cᵀ has no weights/);
    expect(rows[5].frames.at(-1)!.narration).toContain('conv_transpose2d crops 4×4 to 2×2.');
    expect(await narration({ padding: [1, 1] }, 6, 17)).toContain('conv_transpose2d keeps the size of 4×4.');
  });
});

describe('chapters 9 and 10 for the seed', () => {
  it('follows g = y back through Cᵀ and reads each weight’s gradient as sums, the seed’s numbers', async () => {
    const nine = chapters(await model(DEFAULT_CONFIG))[8];
    // ∂L/∂x(3, 3) = Σ over the outputs x(3, 3) fed of weight · g: out(1, 1) through w₉, …, out(2, 2) through w₅.
    expect(nine.frames[1].narration).toContain('∂L/∂x(3, 3) = 1·2 + 3·1 + 3·4 + 4·4 = 33, the largest');
    expect(nine.frames[2].narration).toContain('With g = y it is chapter 6’s Cᵀ·vec(y): they agree exactly.');
    expect(nine.frames[3].narration).toBe(
      '∂L/∂w₁ = Σ over the 4 outputs of g times the value w₁ multiplied there = 2·4 + 1·5 + 4·1 + 4·8 = 49.',
    );
    expect(nine.frames.at(-1)!.narration).toContain('“Deconvolution” is a misnomer');
  });

  it('trains the seed’s kernel back from a random start, the loss falling at every shown step', async () => {
    const ten = chapters(await model(DEFAULT_CONFIG))[9];
    // y = 2, 1, 4, 4 at stride 1: the centre weight w₅ carries y to the four middle outputs, each of which receives all
    // of y, so its row of the Gram matrix sums to (2 + 1 + 4 + 4)² = 121, the largest; the safe rate is 16 / (2·121)
    // = 0.06611… rounded down.
    expect(ten.frames[0].narration).toContain('lr = 0.0661, the safe rate 1/L, where L = 2/N × 121 = 2/16 × 121');
    expect(ten.frames[1].narration).toMatch(/^Iteration 1: loss \S+, down from \S+ at the start; w\S+ moved most/);
    for (const f of ten.frames.slice(1)) expect(f.narration).toContain('down from');
    expect(ten.frames.at(-1)!.narration).toMatch(/After 100 steps the loss went from \S+ to \S+, without rising once/);
  });
});

describe('steps', () => {
  it('reads "C.F" as chapter C, step F (0 = the intro), with a notice when the step does not exist', async () => {
    const all = chapters(await model(DEFAULT_CONFIG));
    expect(parseStep('4.2', all)).toEqual({ chapter: 4, frame: 2, notice: null });
    expect(parseStep('11.30', all)).toEqual({
      chapter: 10,
      frame: 18,
      notice: 'Step 11.30 does not exist: there are 10 chapters; showing 10.18, the last step.',
    });
    expect(parseStep('9.9', all)).toEqual({ chapter: 9, frame: 9, notice: null });
    expect(parseStep('6.9', all)!.notice).toBe(
      'Step 6.9 does not exist: chapter 6 has 5 steps; showing 6.5, its last.',
    );
    expect(parseStep('0.1', all)!.notice).toBe('Step 0.1 does not exist: chapters count from 1; showing 1.1.');
    expect(parseStep('x', all)).toBeNull();
    expect(formatStep(3, 0)).toBe('3');
    // The counter shows step F of the chapter's frames − 1 steps, the URL's F.
    expect(stepCounter(all[5], 3)).toBe('3 / 5');
    expect(stepCounter(all[5], 0)).toBe('intro');
  });
});
