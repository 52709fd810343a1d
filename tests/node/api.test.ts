// The JavaScript API's contract: shapes and defaults, errors as real Errors
// with the core's message (and the module working afterwards), inputs left
// untouched, results owned by JS, and the package entry loading in Node.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { wrapCore } from '../../web/lib/tconv.js';
import type { Tconv, Tensor } from '../../web/lib/types.js';
import createCore from '../../web/wasm/core.mjs';
import { randomTensor, tconv } from './helpers.js';

const seedX: Tensor = { shape: [1, 1, 4, 4], data: new Float32Array([4, 5, 8, 7, 1, 8, 8, 8, 3, 6, 6, 4, 6, 5, 7, 8]) };
const seedK: Tensor = { shape: [1, 1, 3, 3], data: new Float32Array([1, 4, 1, 1, 4, 3, 3, 3, 1]) };

function errorOf(call: () => unknown): Error {
  try {
    call();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error('expected the call to throw');
}

describe('API', () => {
  it('returns each result in an array of its own, every element written, in Node as in a browser', async () => {
    const node = await tconv(); // the Node entry: results are not zero-filled first
    const browserLike = wrapCore(
      await createCore({ wasmBinary: readFileSync(new URL('../../web/wasm/core.wasm', import.meta.url)) }),
    );
    for (let seed = 1; seed <= 20; seed++) {
      const c = 1 + (seed % 3);
      // From a few elements to over 100,000: node.ts skips the zero fill from 16,384.
      const x = randomTensor([1, c, 5 + 4 * seed, 7 + 6 * seed], seed);
      const w = randomTensor([c, c, 3, 3], seed + 100);
      for (const call of [
        (tc: Tconv) => tc.conv2d(x, w, { padding: 1 }),
        (tc: Tconv) => tc.convTranspose2d(x, w, { stride: 2, padding: 1, outputPadding: 1 }),
      ]) {
        const a = call(node);
        const b = call(browserLike);
        expect(a.shape).toEqual(b.shape);
        expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true);
        // The array owns its whole buffer (it can be transferred alone), as a new Float32Array would.
        expect([a.data.byteOffset, a.data.buffer.byteLength]).toEqual([0, a.data.byteLength]);
        expect(a.data.buffer).not.toBe(call(node).data.buffer);
      }
    }
  });

  it('computes the seed example', async () => {
    const tc = await tconv();
    const y = tc.conv2d(seedX, seedK);
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect(Array.from(y.data)).toEqual([122, 148, 126, 134]);
    const up = tc.convTranspose2d({ shape: [1, 1, 2, 2], data: new Float32Array([2, 1, 4, 4]) }, seedK);
    expect(Array.from(up.data)).toEqual([2, 9, 6, 1, 6, 29, 30, 7, 10, 29, 33, 13, 12, 24, 16, 4]);
    const c = tc.convMatrix({ inputSize: [4, 4], kernelSize: [3, 3] }, seedK.data);
    expect([c.rows, c.cols]).toEqual([4, 16]);
    expect(Array.from(c.data.subarray(0, 16))).toEqual([1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0, 0, 0, 0, 0]);
  });

  it('accepts a single number or a pair for every 2-D option, and the kernel defaults to 1..kH·kW', async () => {
    const tc = await tconv();
    expect(tc.conv2dOutputSize([7, 7], [3, 3], { stride: 2, padding: [1, 0] })).toEqual([4, 3]);
    expect(tc.convTranspose2dOutputSize([2, 3], [4, 4], { stride: 2, padding: 1, outputPadding: [1, 0] })).toEqual([
      5, 6,
    ]);
    const c = tc.convMatrix({ inputSize: [3, 3], kernelSize: [2, 2] });
    expect(Array.from(c.data.subarray(0, 9))).toEqual([1, 2, 0, 3, 4, 0, 0, 0, 0]);
    expect(Array.from(c.source.subarray(0, 9))).toEqual([0, 1, -1, 2, 3, -1, -1, -1, -1]);
  });

  it('throws an Error with the core message for invalid arguments, and keeps working', async () => {
    const tc = await tconv();
    const cases: [() => unknown, string][] = [
      [
        () => tc.convTranspose2d(seedX, seedK, { stride: 2, outputPadding: [2, 0] }),
        'conv_transpose2d: output_padding (2, 0) must be smaller than either stride (2, 2) or dilation (1, 1)',
      ],
      [() => tc.conv2d(seedX, seedK, { stride: 1.5 }), 'conv2d: stride (1.5, 1.5) must be positive integers'],
      [() => tc.conv2d(seedX, seedK, { padding: NaN }), 'conv2d: padding (NaN, NaN) must be non-negative integers'],
      [
        () => tc.conv2d(seedX, seedK, { dilation: [1, Infinity] }),
        'conv2d: dilation (1, Infinity) must be positive integers',
      ],
      [() => tc.conv2d(seedX, seedK, { groups: 0.5 }), 'conv2d: groups must be a positive integer, got 0.5'],
      [
        () => tc.conv2d({ shape: [1, 1, 4, 4], data: new Float32Array(15) }, seedK),
        'conv2d: input.data has 15 elements but shape [1, 1, 4, 4] needs 16',
      ],
      [
        () => tc.conv2d({ shape: [1, 1, 4.5, 4], data: new Float32Array(18) }, seedK),
        'conv2d: input shape [1, 1, 4.5, 4] must contain non-negative integers',
      ],
      [
        () => tc.conv2d({ shape: [1, 1, 65536, 65536], data: new Float32Array(4) }, seedK),
        'conv2d: input shape [1, 1, 65536, 65536] has 4294967296 elements, more than the limit of 268435456',
      ],
      [
        () => tc.conv2d(seedX, seedK, { padding: 2 ** 40 }),
        'conv2d: padding (1099511627776, 1099511627776) is too large',
      ],
      [
        () => tc.convMatrix({ inputSize: [256, 256], kernelSize: [3, 3] }),
        'conv_matrix: matrix shape [64516, 65536] has',
      ],
      [
        () => tc.convMatrix({ inputSize: [4, 4], kernelSize: [3, 3] }, new Float32Array(8)),
        'conv_matrix: kernel.data has 8 elements but shape [3, 3] needs 9',
      ],
      [
        () => tc.interpolate(seedX, { mode: 'area' as 'nearest', size: 2 }),
        'interpolate: mode must be one of nearest, nearest-exact, bilinear, bicubic, got "area"',
      ],
      [
        () => tc.interpolate(seedX, { mode: 'nearest', scaleFactor: 1e6 }),
        'interpolate: output shape [1, 1, 4000000, 4000000]',
      ],
      [
        () => tc.conv2d(seedX, seedK, { bias: new Float32Array(2) }),
        'conv2d: bias must have 1 elements (one per output channel), got 2',
      ],
      // Type errors caught in JS, before the core.
      [
        () => tc.conv2d({ shape: [1, 1, 4, 4], data: [1, 2] as unknown as Float32Array }, seedK),
        'conv2d: input.data must be a Float32Array, got an array of length 2',
      ],
      [
        () => tc.conv2d(seedX, null as unknown as Tensor),
        'conv2d: weight must be a tensor { data: Float32Array, shape: number[] }, got null',
      ],
      [
        () => tc.conv2d(seedX, seedK, { stride: '2' as unknown as number }),
        'conv2d: stride must be a number or a [height, width] pair of numbers, got "2"',
      ],
      [
        () => tc.conv2d(seedX, seedK, { stride: [1, 2, 3] as unknown as [number, number] }),
        'conv2d: stride must be a number or a [height, width] pair of numbers, got an array of length 3',
      ],
      [
        () => tc.convTranspose2d(seedX, seedK, { output_padding: 1 } as object),
        'convTranspose2d: unknown option "output_padding" (did you mean "outputPadding"?)',
      ],
      [
        () => tc.interpolate(seedX, { mode: 'bilinear', size: 8, alignCorners: 'yes' as unknown as boolean }),
        'interpolate: alignCorners must be a boolean, got "yes"',
      ],
      [
        () => tc.conv2d(seedX, seedK, { bias: new Float64Array(1) as unknown as Float32Array }),
        'conv2d: bias must be a Float32Array, got a Float64Array',
      ],
    ];
    for (const [call, message] of cases) {
      const error = errorOf(call);
      expect(error.message).toContain(message);
      expect(Array.from(tc.conv2d(seedX, seedK).data)).toEqual([122, 148, 126, 134]);
    }
  });

  it('never modifies its inputs', async () => {
    const tc = await tconv();
    const x = randomTensor([2, 4, 9, 7], 11);
    const w = randomTensor([4, 2, 3, 3], 12);
    const bias = new Float32Array([1, 2, 3, 4]);
    const copies = [x.data.slice(), w.data.slice(), bias.slice()];
    const shapes = [x.shape.slice(), w.shape.slice()];
    tc.conv2d(x, w, { bias, groups: 2, padding: 1 });
    tc.convTranspose2d(x, w, { groups: 2, stride: 2, outputPadding: 1 });
    tc.interpolate(x, { mode: 'bicubic', scaleFactor: 2, alignCorners: true });
    tc.convMatrix({ inputSize: [3, 3], kernelSize: [3, 3] }, w.data.subarray(0, 9));
    expect([x.data, w.data, bias]).toEqual(copies);
    expect([x.shape, w.shape]).toEqual(shapes);
  });

  it('returns JS-owned results that survive later calls and memory growth', async () => {
    const tc = await tconv();
    const first = tc.conv2d(seedX, seedK);
    const expected = Array.from(first.data);
    // ~64 MB of input and output: forces the WebAssembly memory to grow.
    const big = randomTensor([1, 1, 2048, 2048], 3);
    const up = tc.interpolate(big, { mode: 'nearest', scaleFactor: 2 });
    expect(up.shape).toEqual([1, 1, 4096, 4096]);
    expect(up.data[4096 * 4095 + 4095]).toBe(big.data[2048 * 2047 + 2047]);
    expect(Array.from(first.data)).toEqual(expected);
    expect(first.data.length).toBe(4);
  });

  it('a small call and a large one agree on the pixels they share', async () => {
    const tc = await tconv();
    // 2×300×300 = 180,000 elements, against a 2×40×40 corner of it.
    const big = randomTensor([1, 2, 300, 300], 21);
    const w = randomTensor([3, 2, 3, 3], 22);
    const opts = { stride: 2, padding: 1, dilation: [1, 2] as [number, number] };
    const full = tc.conv2d(big, w, opts);
    // The top-left 2×40×40 corner, copied out.
    const small = { shape: [1, 2, 40, 40], data: new Float32Array(2 * 40 * 40) };
    for (let c = 0; c < 2; c++)
      for (let y = 0; y < 40; y++)
        small.data.set(big.data.subarray(c * 90000 + y * 300, c * 90000 + y * 300 + 40), c * 1600 + y * 40);
    const part = tc.conv2d(small, w, opts);
    const [, oc, ph, pw] = part.shape;
    const [, , , fw] = full.shape;
    // Away from the cut (right and bottom edges), the outputs coincide.
    for (let c = 0; c < oc; c++)
      for (let y = 0; y < ph - 2; y++)
        for (let x = 0; x < pw - 3; x++) {
          expect(part.data[(c * ph + y) * pw + x]).toBeCloseTo(full.data[(c * full.shape[2] + y) * fw + x], 5);
        }
    const up = tc.convTranspose2d(randomTensor([1, 4, 140, 140], 23), randomTensor([4, 2, 4, 4], 24), { stride: 2 });
    expect(up.shape).toEqual([1, 2, 282, 282]);
  });

  it('handles an unbatched (C, H, W) input like torch', async () => {
    const tc = await tconv();
    const y = tc.conv2d({ shape: [1, 4, 4], data: seedX.data }, seedK);
    expect(y.shape).toEqual([1, 2, 2]);
  });

  it('loads through the package entry ("tconv") in plain Node', () => {
    // A separate process resolves package.json "exports" the way users do.
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const script = `
      import { createTconv } from 'tconv';
      const tc = await createTconv();
      const y = tc.conv2d({ shape: [1, 1, 4, 4], data: new Float32Array([4,5,8,7,1,8,8,8,3,6,6,4,6,5,7,8]) },
                          { shape: [1, 1, 3, 3], data: new Float32Array([1,4,1,1,4,3,3,3,1]) });
      console.log(JSON.stringify(Array.from(y.data)));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([122, 148, 126, 134]);
  });
});
