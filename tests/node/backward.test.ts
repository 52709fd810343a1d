// The backward passes and pixel shuffle through the JS API: against
// torch.autograd's gradients in tests/fixtures (tests/fixtures/generate_backward.py),
// and by properties that hold whatever torch says: the gradients are the
// forward's adjoints, conv2d's input gradient is convTranspose2d with the
// output_padding that gives back the input's size (and the other way round),
// and they agree with finite differences of a loss.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { wrapCore } from '../../web/lib/tconv.js';
import type { Pair, Tensor } from '../../web/lib/types.js';
import createCore from '../../web/wasm/core.mjs';
import { convGeometry, type Geometry, optionsOf } from './conv-geometry.js';
import { decode, type EncodedTensor, expectClose, expectTensorClose, fixture, randomTensor } from './helpers.js';

// The raw module too: its memory, to check that results are not views of it.
const core = await createCore({ wasmBinary: readFileSync(new URL('../../web/wasm/core.wasm', import.meta.url)) });
const tc = wrapCore(core);

interface GradientCase {
  name: string;
  input: EncodedTensor;
  weight: EncodedTensor;
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  output_padding?: [number, number];
  groups: number;
  grad_output: EncodedTensor;
  grad_input: EncodedTensor;
  grad_weight: EncodedTensor;
  grad_bias: EncodedTensor;
}

interface ShuffleCase {
  name: string;
  fn: 'pixel_shuffle' | 'pixel_unshuffle';
  input: EncodedTensor;
  factor: number;
  output: EncodedTensor;
}

interface InvalidCase {
  name: string;
  fn: 'conv2d_backward' | 'conv_transpose2d_backward' | 'pixel_shuffle' | 'pixel_unshuffle';
  args: Record<string, unknown>;
  torch_error: string;
  expect: string[];
}

const conv2dCases = fixture<GradientCase>('conv2d_backward').cases;
const transposedCases = fixture<GradientCase>('conv_transpose2d_backward').cases;
const shuffleCases = fixture<ShuffleCase>('pixel_shuffle').cases;
const invalidCases = fixture<InvalidCase>('backward_invalid').cases;

const SEED_X: Tensor = {
  shape: [1, 1, 4, 4],
  data: new Float32Array([4, 5, 8, 7, 1, 8, 8, 8, 3, 6, 6, 4, 6, 5, 7, 8]),
};
const SEED_K: Tensor = { shape: [1, 1, 3, 3], data: new Float32Array([1, 4, 1, 1, 4, 3, 3, 3, 1]) };

/** The module still computes the article's example. */
function expectHealthy() {
  expect(Array.from(tc.conv2d(SEED_X, SEED_K).data)).toEqual([122, 148, 126, 134]);
}

function dot(a: Tensor, b: Tensor): number {
  expect(a.data.length).toBe(b.data.length);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += a.data[i] * b.data[i];
  return sum;
}

describe('the fixtures cover what the forward fixtures cover', () => {
  it('has batches, groups, output_padding (also beyond the stride), unbatched and rectangular cases', () => {
    const all = [...conv2dCases, ...transposedCases];
    expect(all.length).toBeGreaterThanOrEqual(300);
    expect(all.some((c) => c.input.shape.length === 3)).toBe(true);
    expect(all.some((c) => c.input.shape.length === 4 && c.input.shape[0] > 1)).toBe(true);
    expect(all.some((c) => c.groups > 1)).toBe(true);
    expect(all.some((c) => c.stride[0] !== c.stride[1] || c.weight.shape[2] !== c.weight.shape[3])).toBe(true);
    expect(transposedCases.some((c) => c.output_padding!.some((op, d) => op > 0 && op >= c.stride[d]))).toBe(true);
    expect(new Set(shuffleCases.map((c) => c.fn)).size).toBe(2);
    expect(invalidCases.length).toBeGreaterThanOrEqual(12);
  });
});

describe('conv2dBackward matches torch.autograd', () => {
  it.each(conv2dCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = tc.conv2dBackward(decode(c.grad_output), decode(c.input), decode(c.weight), {
      stride: c.stride,
      padding: c.padding,
      dilation: c.dilation,
      groups: c.groups,
    });
    expectTensorClose(r.gradInput, decode(c.grad_input));
    expectTensorClose(r.gradWeight, decode(c.grad_weight));
    expectTensorClose(r.gradBias, decode(c.grad_bias));
  });
});

describe('convTranspose2dBackward matches torch.autograd', () => {
  it.each(transposedCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = tc.convTranspose2dBackward(decode(c.grad_output), decode(c.input), decode(c.weight), {
      stride: c.stride,
      padding: c.padding,
      outputPadding: c.output_padding,
      dilation: c.dilation,
      groups: c.groups,
    });
    expectTensorClose(r.gradInput, decode(c.grad_input));
    expectTensorClose(r.gradWeight, decode(c.grad_weight));
    expectTensorClose(r.gradBias, decode(c.grad_bias));
  });
});

describe('pixelShuffle and pixelUnshuffle match torch.nn.functional', () => {
  it.each(shuffleCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const out =
      c.fn === 'pixel_shuffle'
        ? tc.pixelShuffle(decode(c.input), c.factor)
        : tc.pixelUnshuffle(decode(c.input), c.factor);
    expectTensorClose(out, decode(c.output), 0, 0);
  });
});

function zeros(shape: unknown): Tensor {
  const dims = shape as number[];
  return { shape: dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) };
}

describe('arguments torch rejects are rejected with a message naming them', () => {
  it.each(invalidCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const a = c.args;
    const call = () => {
      if (c.fn === 'pixel_shuffle') return tc.pixelShuffle(zeros(a.input_shape), a.factor as number);
      if (c.fn === 'pixel_unshuffle') return tc.pixelUnshuffle(zeros(a.input_shape), a.factor as number);
      const options = {
        stride: a.stride as Pair,
        padding: a.padding as Pair,
        dilation: a.dilation as Pair,
        groups: a.groups as number,
      };
      const tensors = [zeros(a.grad_output_shape), zeros(a.input_shape), zeros(a.weight_shape)] as const;
      return c.fn === 'conv2d_backward'
        ? tc.conv2dBackward(...tensors, options)
        : tc.convTranspose2dBackward(...tensors, { ...options, outputPadding: a.output_padding as Pair });
    };
    expect(call, `torch says: ${c.torch_error}`).toThrow(Error);
    try {
      call();
    } catch (e) {
      for (const text of c.expect) expect((e as Error).message).toContain(text);
    }
    expectHealthy();
  });
});

describe('arguments are checked in JS before they reach the core', () => {
  const w = SEED_K;
  const g = zeros([1, 1, 2, 2]);
  it.each([
    [
      'a missing gradOutput',
      () => tc.conv2dBackward(undefined as unknown as Tensor, SEED_X, w),
      'conv2dBackward: gradOutput must be a tensor',
    ],
    [
      'a plain array as input',
      () => tc.convTranspose2dBackward(g, { shape: [1, 1, 4, 4], data: [1] } as unknown as Tensor, w),
      'convTranspose2dBackward: input.data must be a Float32Array',
    ],
    [
      'a bias, whose gradient does not depend on it',
      () => tc.conv2dBackward(g, SEED_X, w, { bias: new Float32Array(1) } as object),
      'conv2dBackward: unknown option "bias"',
    ],
    [
      'outputPadding given to conv2dBackward',
      () => tc.conv2dBackward(g, SEED_X, w, { outputPadding: 1 } as object),
      'conv2dBackward: unknown option "outputPadding"',
    ],
    [
      'a snake_case option',
      () => tc.convTranspose2dBackward(g, g, w, { output_padding: 1 } as object),
      'did you mean "outputPadding"',
    ],
    [
      'a string factor',
      () => tc.pixelShuffle(zeros([1, 4, 1, 1]), '2' as unknown as number),
      'pixelShuffle: upscaleFactor must be a number, got "2"',
    ],
    [
      'no factor',
      () => tc.pixelUnshuffle(zeros([1, 1, 2, 2]), undefined as unknown as number),
      'pixel_unshuffle: downscale_factor must be a positive integer, got NaN',
    ],
    [
      'a fractional stride',
      () => tc.conv2dBackward(g, SEED_X, w, { stride: 1.5 }),
      'conv2d_backward: stride (1.5, 1.5) must be positive integers',
    ],
    [
      'data shorter than the shape',
      () => tc.conv2dBackward({ shape: [1, 1, 2, 2], data: new Float32Array(3) }, SEED_X, w),
      'conv2d_backward: grad_output.data has 3 elements but shape [1, 1, 2, 2] needs 4',
    ],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(message);
    expectHealthy();
  });
});

describe('results', () => {
  it('the seed: the gradient of ones and, transposed, the seed as gradient giving back 122, 148, 126, 134', () => {
    const r = tc.conv2dBackward({ shape: [1, 1, 2, 2], data: new Float32Array(4).fill(1) }, SEED_X, SEED_K);
    expect(Array.from(r.gradWeight.data)).toEqual([18, 29, 31, 18, 28, 26, 20, 24, 25]);
    expect(r.gradBias).toEqual({ shape: [1], data: new Float32Array([4]) });
    const y = { shape: [1, 1, 2, 2], data: new Float32Array([2, 1, 4, 4]) };
    const t = tc.convTranspose2dBackward(SEED_X, y, SEED_K);
    expect(t.gradInput).toEqual({ shape: [1, 1, 2, 2], data: new Float32Array([122, 148, 126, 134]) });
  });

  it('are copies the caller owns, not views of the module memory', () => {
    const r = tc.conv2dBackward(zeros([1, 1, 2, 2]), SEED_X, SEED_K);
    for (const t of [r.gradInput, r.gradWeight, r.gradBias, tc.pixelShuffle(zeros([1, 4, 2, 2]), 2)]) {
      expect(t.data.buffer).not.toBe(core.HEAPF32.buffer);
      expect(t.data).toBeInstanceOf(Float32Array);
    }
  });

  it('a tensor that is a view of the module memory is read right when the call grows that memory first', () => {
    // The weight lives in the module's heap; the two tensors converted before
    // it are together larger than the whole memory, so copying them in grows
    // (and detaches) the memory the weight's view points into.
    const address = core._malloc(4);
    try {
      const memory = core.HEAPF32.buffer;
      const weight = new Float32Array(memory, address, 1);
      weight[0] = 3;
      const height = 1024;
      const width = Math.ceil(memory.byteLength / 4 / height);
      const x = { shape: [1, 1, height, width], data: new Float32Array(height * width).fill(2) };
      const g = { shape: [1, 1, height, width], data: new Float32Array(height * width).fill(1) };
      const r = tc.conv2dBackward(g, x, { shape: [1, 1, 1, 1], data: weight });
      expect(core.HEAPF32.buffer, 'the call grew the memory (else this test tests nothing)').not.toBe(memory);
      expect(r.gradInput.data[0]).toBe(3);
      expect(r.gradInput.data[height * width - 1]).toBe(3);
      expect(r.gradWeight.data[0]).toBe(2 * height * width);
    } finally {
      core._free(address);
    }
    expectHealthy();
  });
});

// ---------------------------------------------------------------- properties

const geometry = convGeometry({ maxCoutPerGroup: 5, maxSize: 8 });

/** conv2d's input size in a dimension, less what convTranspose2d reaches without output_padding. */
function droppedRows(g: Geometry, y: Tensor): [number, number] {
  const rest = (d: 0 | 1, size: number, k: number) =>
    size - ((y.shape[2 + d] - 1) * g.stride[d] - 2 * g.padding[d] + g.dilation[d] * (k - 1) + 1);
  return [rest(0, g.h, g.kh), rest(1, g.w, g.kw)];
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * (1 + Math.abs(b));

describe('properties', () => {
  it('conv2d: ⟨conv2d(x, w), g⟩ = ⟨x, gradInput⟩ = ⟨w, gradWeight⟩, and gradBias sums g per channel', () => {
    fc.assert(
      fc.property(geometry, (g) => {
        const x = randomTensor([g.batch, g.cin, g.h, g.w], g.seed);
        const w = randomTensor([g.cout, g.cin / g.groups, g.kh, g.kw], g.seed + 1);
        const y = tc.conv2d(x, w, optionsOf(g));
        const grad = randomTensor(y.shape, g.seed + 2);
        const r = tc.conv2dBackward(grad, x, w, optionsOf(g));
        const forward = dot(y, grad);
        expect(close(dot(x, r.gradInput), forward)).toBe(true);
        expect(close(dot(w, r.gradWeight), forward)).toBe(true);
        const plane = y.shape[2] * y.shape[3];
        const sums = new Float64Array(g.cout);
        for (let i = 0; i < grad.data.length; i++) sums[Math.floor(i / plane) % g.cout] += grad.data[i];
        expectClose(r.gradBias.data, sums, 1e-4, 1e-4);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('convTranspose2d: ⟨convTranspose2d(x, w), g⟩ = ⟨x, gradInput⟩ = ⟨w, gradWeight⟩', () => {
    fc.assert(
      fc.property(geometry, fc.tuple(fc.nat(2), fc.nat(2)), (g, extra) => {
        // Any output_padding below the stride or the dilation.
        const outputPadding = extra.map((e, d) => e % Math.max(g.stride[d], g.dilation[d])) as [number, number];
        const x = randomTensor([g.batch, g.cin, g.h, g.w], g.seed);
        const w = randomTensor([g.cin, g.cout / g.groups, g.kh, g.kw], g.seed + 1);
        const options = { ...optionsOf(g), outputPadding };
        let y: Tensor;
        try {
          y = tc.convTranspose2d(x, w, options);
        } catch {
          return; // padding leaves no output
        }
        const grad = randomTensor(y.shape, g.seed + 2);
        const r = tc.convTranspose2dBackward(grad, x, w, options);
        const forward = dot(y, grad);
        expect(close(dot(x, r.gradInput), forward)).toBe(true);
        expect(close(dot(w, r.gradWeight), forward)).toBe(true);
      }),
      { numRuns: 200, seed: 12 },
    );
  });

  it("conv2d's gradInput is convTranspose2d(g, w) with the output_padding that gives back the input's size, and the other way round", () => {
    fc.assert(
      fc.property(geometry, (g) => {
        const x = randomTensor([g.batch, g.cin, g.h, g.w], g.seed);
        const w = randomTensor([g.cout, g.cin / g.groups, g.kh, g.kw], g.seed + 1);
        const y = tc.conv2d(x, w, optionsOf(g));
        const grad = randomTensor(y.shape, g.seed + 2);
        const outputPadding = droppedRows(g, y);
        expect(outputPadding.every((p, d) => p >= 0 && p < g.stride[d])).toBe(true);
        const transposed = tc.convTranspose2d(grad, w, { ...optionsOf(g), outputPadding });
        expectTensorClose(tc.conv2dBackward(grad, x, w, optionsOf(g)).gradInput, transposed, 1e-5, 1e-5);
        // convTranspose2d's input gradient, for an input of y's shape, is conv2d of its output gradient.
        const back = tc.convTranspose2dBackward(x, grad, w, { ...optionsOf(g), outputPadding });
        expectTensorClose(back.gradInput, y, 1e-5, 1e-5);
      }),
      { numRuns: 200, seed: 13 },
    );
  });

  it('finite differences of L = ½‖conv(x, w) + b‖² agree with the gradients (g = the output)', () => {
    // L is quadratic in each argument, so the central difference is exact up
    // to float rounding, whatever the step: a large one keeps that rounding small.
    const h = 0.25;
    fc.assert(
      fc.property(geometry, fc.boolean(), fc.nat(1000), (g, transposed, pick) => {
        const x = randomTensor([g.batch, g.cin, g.h, g.w], g.seed);
        const w = transposed
          ? randomTensor([g.cin, g.cout / g.groups, g.kh, g.kw], g.seed + 1)
          : randomTensor([g.cout, g.cin / g.groups, g.kh, g.kw], g.seed + 1);
        const bias = randomTensor([g.cout], g.seed + 2).data;
        const options = optionsOf(g);
        const forward = (xx: Tensor, ww: Tensor, bb: Float32Array) =>
          transposed
            ? tc.convTranspose2d(xx, ww, { ...options, bias: bb })
            : tc.conv2d(xx, ww, { ...options, bias: bb });
        const loss = (xx: Tensor, ww: Tensor, bb: Float32Array) => {
          const y = forward(xx, ww, bb);
          return y.data.reduce((s, v) => s + (v * v) / 2, 0);
        };
        let y: Tensor;
        try {
          y = forward(x, w, bias);
        } catch {
          return;
        }
        const r = transposed ? tc.convTranspose2dBackward(y, x, w, options) : tc.conv2dBackward(y, x, w, options);
        const nudged = (t: Float32Array, i: number, by: number) => {
          const copy = t.slice();
          copy[i] += by;
          return copy;
        };
        const check = (analytic: number, plus: number, minus: number) => {
          const numeric = (plus - minus) / (2 * h);
          expect(Math.abs(numeric - analytic)).toBeLessThanOrEqual(1e-3 * (1 + Math.abs(analytic)));
        };
        const i = pick % x.data.length;
        check(
          r.gradInput.data[i],
          loss({ shape: x.shape, data: nudged(x.data, i, h) }, w, bias),
          loss({ shape: x.shape, data: nudged(x.data, i, -h) }, w, bias),
        );
        const j = pick % w.data.length;
        check(
          r.gradWeight.data[j],
          loss(x, { shape: w.shape, data: nudged(w.data, j, h) }, bias),
          loss(x, { shape: w.shape, data: nudged(w.data, j, -h) }, bias),
        );
        const c = pick % g.cout;
        check(r.gradBias.data[c], loss(x, w, nudged(bias, c, h)), loss(x, w, nudged(bias, c, -h)));
      }),
      { numRuns: 150, seed: 14 },
    );
  });

  it('pixelUnshuffle undoes pixelShuffle over random shapes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
        fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })),
        fc.nat(),
        (r, lead, [c, h, w], seed) => {
          const x = randomTensor([...lead, c * r * r, h, w], seed);
          const y = tc.pixelShuffle(x, r);
          expect(y.shape).toEqual([...lead, c, h * r, w * r]);
          expect(tc.pixelUnshuffle(y, r)).toEqual(x);
        },
      ),
      { numRuns: 200, seed: 15 },
    );
  });
});
