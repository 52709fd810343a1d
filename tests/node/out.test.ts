// The `out` option of conv2d, convTranspose2d and interpolate: the result is
// written into the caller's Float32Array, which comes back as the result's
// data. Checked here:
//  - the values and shape are those of the same call without `out`, for random
//    geometries (fast-check, conv-geometry.ts) and random interpolations;
//  - every bad `out` (wrong length, another kind, detached, overlapping an
//    array the call reads, a view of the module's memory, a Proxy) is an Error
//    that names `out`, and leaves `out` as it was;
//  - a call that fails for any other reason leaves `out` as it was;
//  - `out` is read once, and written through the engine's own view (a subclass's
//    overridden `set` is not called);
//  - 1,000 calls with `out`, and 1,000 refused ones, leave the heap where it was.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { wrapCore } from '../../web/lib/tconv.js';
import type { InterpolateMode, Tensor } from '../../web/lib/types.js';
import createCore from '../../web/wasm/core.mjs';
import { convGeometry, type Geometry, optionsOf } from './conv-geometry.js';
import { randomTensor } from './helpers.js';

// The raw module too: its memory, and views of it, for the cases that need them.
const core = await createCore({ wasmBinary: readFileSync(new URL('../../web/wasm/core.wasm', import.meta.url)) });
const tc = wrapCore(core);

const geometry = convGeometry({ maxCoutPerGroup: 3, maxSize: 9 });
const SENTINEL = -12345.5;
/** A Float32Array of n elements that all hold SENTINEL, so any write shows. */
const sentinel = (n: number) => new Float32Array(n).fill(SENTINEL);
const untouched = (a: Float32Array) => a.every((v) => v === SENTINEL);

/** The same call without and with `out`: bit-for-bit the same values and shape, and data === out. */
function expectSameWithOut(call: (out?: Float32Array) => Tensor): void {
  const fresh = call();
  const out = sentinel(fresh.data.length);
  const result = call(out);
  expect(result.data).toBe(out);
  expect(result.shape).toEqual(fresh.shape);
  expect(Array.from(out)).toEqual(Array.from(fresh.data));
}

/** output_padding that makes convTranspose2d give back conv2d's input size (so the call is valid). */
function restoringOutputPadding(g: Geometry): [number, number] {
  const rest = (size: number, k: number, d: 0 | 1) =>
    (size + 2 * g.padding[d] - g.dilation[d] * (k - 1) - 1) % g.stride[d];
  return [rest(g.h, g.kh, 0), rest(g.w, g.kw, 1)];
}

describe('out gives the same result as a new array', () => {
  it('conv2d and convTranspose2d, random geometries', () => {
    fc.assert(
      fc.property(geometry, fc.boolean(), (g, withBias) => {
        const x = randomTensor([g.batch, g.cin, g.h, g.w], g.seed);
        const w = randomTensor([g.cout, g.cin / g.groups, g.kh, g.kw], g.seed + 1);
        const bias = withBias ? randomTensor([g.cout], g.seed + 2).data : undefined;
        expectSameWithOut((out) => tc.conv2d(x, w, { ...optionsOf(g), bias, out }));
        // The transposed direction maps conv2d's output back to x's channels, with the same weight and numbers.
        const y = randomTensor(tc.conv2d(x, w, optionsOf(g)).shape, g.seed + 3);
        const biasT = withBias ? randomTensor([g.cin], g.seed + 4).data : undefined;
        const options = { ...optionsOf(g), outputPadding: restoringOutputPadding(g), bias: biasT };
        expectSameWithOut((out) => tc.convTranspose2d(y, w, { ...options, out }));
      }),
      { numRuns: 200, seed: 16 },
    );
  });

  it('interpolate, random sizes and modes', () => {
    const modes: InterpolateMode[] = ['nearest', 'nearest-exact', 'bilinear', 'bicubic'];
    fc.assert(
      fc.property(
        fc.record({
          shape: fc.tuple(
            fc.integer({ min: 1, max: 2 }),
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 1, max: 9 }),
            fc.integer({ min: 1, max: 9 }),
          ),
          size: fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 })),
          mode: fc.constantFrom(...modes),
          alignCorners: fc.boolean(),
          seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        }),
        ({ shape, size, mode, alignCorners, seed }) => {
          const x = randomTensor(shape, seed);
          const corners = mode === 'bilinear' || mode === 'bicubic' ? { alignCorners } : {};
          expectSameWithOut((out) => tc.interpolate(x, { mode, size, ...corners, out }));
        },
      ),
      { numRuns: 200, seed: 16 },
    );
  });
});

// One valid call of each function, and the length of its result.
const x = randomTensor([1, 2, 5, 5], 1);
const w = randomTensor([2, 2, 3, 3], 2);
const bias = new Float32Array([0.25, -0.25]);
type Call = (input: Tensor, out: unknown) => Tensor;
const CALLS: Record<string, { call: Call; length: number; name: RegExp }> = {
  conv2d: { call: (input, out) => tc.conv2d(input, w, { bias, out } as never), length: 2 * 3 * 3, name: /^conv2d: / },
  convTranspose2d: {
    call: (input, out) => tc.convTranspose2d(input, w, { bias, stride: 2, out } as never),
    length: 2 * 11 * 11,
    name: /^(convTranspose2d|conv_transpose2d): /,
  },
  interpolate: {
    call: (input, out) => tc.interpolate(input, { mode: 'bilinear', scaleFactor: 2, out } as never),
    length: 2 * 10 * 10,
    name: /^interpolate: /,
  },
};

function detached(n: number): Float32Array {
  const a = sentinel(n);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}

/** A bad `out`: the value, the input to call with, and the array that must be left as it was (`was`: its values). */
interface Bad {
  out: unknown;
  input?: Tensor;
  watch?: Float32Array;
  was?: Float32Array;
}

/** Each bad `out` for a call whose result has `n` elements, and what the message must say. */
function badOuts(n: number): [string, () => Bad, RegExp][] {
  const plain = (out: Float32Array): Bad => ({ out, watch: out });
  return [
    ['one element short', () => plain(sentinel(n - 1)), new RegExp(`out must have the result's ${n} elements`)],
    ['one element long', () => plain(sentinel(n + 1)), new RegExp(`got a Float32Array of ${n + 1}`)],
    ['empty', () => plain(sentinel(0)), /out must have/],
    ['a Float64Array', () => ({ out: new Float64Array(n) }), /out must be a Float32Array, got a Float64Array/],
    ['a plain array', () => ({ out: new Array(n).fill(0) }), /out must be a Float32Array, got an array/],
    [
      'an object with data',
      () => ({ out: { data: sentinel(n), length: n } }),
      /out must be a Float32Array, got an object/,
    ],
    [
      'a Proxy of a Float32Array',
      () => {
        const target = sentinel(n);
        return { out: new Proxy(target, {}), watch: target };
      },
      /out must be a Float32Array/,
    ],
    ['a number', () => ({ out: n }), /out must be a Float32Array, got \d+/],
    ['detached', () => ({ out: detached(n) }), /out's buffer is detached/],
    [
      'the input itself',
      () => {
        const data = sentinel(x.data.length);
        data.set(x.data);
        return { out: data, input: { data, shape: x.shape }, watch: data, was: data.slice() };
      },
      /out must not overlap input\.data/,
    ],
    [
      'overlapping the input in one buffer',
      () => {
        const buffer = new Float32Array(x.data.length + n);
        const input = buffer.subarray(0, x.data.length);
        input.set(x.data);
        const out = buffer.subarray(x.data.length - 1, x.data.length - 1 + n);
        return { out, input: { data: input, shape: x.shape }, watch: buffer, was: buffer.slice() };
      },
      /out must not overlap input\.data/,
    ],
  ];
}

describe('a bad out is an Error naming out, and out is left as it was', () => {
  for (const [fn, { call, length, name }] of Object.entries(CALLS)) {
    it.each(badOuts(length))(`${fn}: %s`, (_, make, message) => {
      const { out, input = x, watch, was } = make();
      let error: unknown;
      try {
        call(input, out);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(name);
      expect((error as Error).message).toMatch(message);
      if (watch && was) expect(Array.from(watch)).toEqual(Array.from(was));
      else if (watch) expect(untouched(watch)).toBe(true);
    });
    it(`${fn}: a view of the module's own memory`, () => {
      const address = core._malloc(4 * length);
      try {
        const view = new Float32Array(core.HEAPF32.buffer, address, length);
        expect(() => call(x, view)).toThrow(/out must not be a view of tconv's WebAssembly memory/);
      } finally {
        core._free(address);
      }
    });

    it(`${fn}: out beside the input in one buffer is fine`, () => {
      const buffer = new Float32Array(x.data.length + length);
      const input = buffer.subarray(0, x.data.length);
      input.set(x.data);
      const out = buffer.subarray(x.data.length);
      const result = call({ data: input, shape: x.shape }, out);
      expect(result.data).toBe(out);
      expect(Array.from(out)).toEqual(Array.from(call(x, undefined).data));
      expect(Array.from(input)).toEqual(Array.from(x.data));
    });
  }

  it('overlapping the weight or the bias', () => {
    const weight = sentinel(w.data.length + 18);
    weight.set(w.data);
    expect(() =>
      tc.conv2d(x, { data: weight.subarray(0, w.data.length), shape: w.shape }, { out: weight.subarray(18) }),
    ).toThrow(/^conv2d: out must not overlap weight\.data/);
    const both = sentinel(2 + 18);
    both.set(bias);
    expect(() => tc.conv2d(x, w, { bias: both.subarray(0, 2), out: both.subarray(1, 19) })).toThrow(
      /^conv2d: out must not overlap bias/,
    );
  });
});

describe('a call that fails leaves out as it was', () => {
  const failing: [string, (out: Float32Array) => unknown][] = [
    ['conv2d, groups that do not divide the channels', (out) => tc.conv2d(x, w, { groups: 3, out })],
    ['conv2d, a kernel larger than the input', (out) => tc.conv2d(x, randomTensor([2, 2, 9, 9], 3), { out })],
    ['conv2d, a bias of the wrong length', (out) => tc.conv2d(x, w, { bias: new Float32Array(3), out })],
    [
      'convTranspose2d, output padding too large',
      (out) => tc.convTranspose2d(x, w, { stride: 2, outputPadding: 2, out }),
    ],
    ['convTranspose2d, an unknown option', (out) => tc.convTranspose2d(x, w, { out, output_padding: 1 } as never)],
    ['interpolate, scale factor 0', (out) => tc.interpolate(x, { mode: 'nearest', scaleFactor: 0, out })],
    [
      'interpolate, alignCorners with nearest',
      (out) => tc.interpolate(x, { mode: 'nearest', size: 4, alignCorners: true, out }),
    ],
  ];
  it.each(failing)('%s', (_, call) => {
    const out = sentinel(2 * 11 * 11);
    expect(() => call(out)).toThrow(Error);
    expect(untouched(out)).toBe(true);
  });
});

describe('out is read once and written through the engine', () => {
  it('a getter for out runs once', () => {
    const calls: [string, number, object, (options: never) => Tensor][] = [
      ['conv2d', 2 * 3 * 3, {}, (options) => tc.conv2d(x, w, options)],
      ['convTranspose2d', 2 * 11 * 11, { stride: 2 }, (options) => tc.convTranspose2d(x, w, options)],
      ['interpolate', 2 * 10 * 10, { mode: 'nearest', scaleFactor: 2 }, (options) => tc.interpolate(x, options)],
    ];
    for (const [fn, length, others, call] of calls) {
      const out = sentinel(length);
      let reads = 0;
      const options = Object.defineProperty({ ...others }, 'out', { enumerable: true, get: () => (reads++, out) });
      const result = call(options as never);
      expect(reads, fn).toBe(1);
      expect(result.data, fn).toBe(out);
    }
  });

  it("a subclass's own set and length are not used", () => {
    class Lying extends Float32Array {
      override set(): void {
        throw new Error('the subclass set was called');
      }
      override get length(): number {
        return 7;
      }
    }
    const out = new Lying(2 * 3 * 3);
    const result = tc.conv2d(x, w, { bias, out });
    expect(result.data).toBe(out);
    expect(Array.from(new Float32Array(out.buffer))).toEqual(Array.from(tc.conv2d(x, w, { bias }).data));
  });

  it('a view into a larger buffer: only its own elements are written', () => {
    const buffer = sentinel(3 + 18 + 3);
    const out = buffer.subarray(3, 21);
    tc.conv2d(x, w, { out });
    expect(untouched(buffer.subarray(0, 3)) && untouched(buffer.subarray(21))).toBe(true);
    expect(untouched(out)).toBe(false);
  });
});

describe('no memory leaks with out', () => {
  const outs = Object.fromEntries(Object.entries(CALLS).map(([fn, c]) => [fn, new Float32Array(c.length)]));
  it.each(Object.keys(CALLS))('%s ×1000 with out, and ×1000 refused, leave the heap unchanged', (fn) => {
    const { call, length } = CALLS[fn];
    const short = new Float32Array(length - 1);
    const attempt = (out: Float32Array) => {
      try {
        call(x, out);
      } catch {
        // the refused calls
      }
    };
    attempt(outs[fn]);
    attempt(short);
    const before = tc.heapInUse();
    const handles = core.count_emval_handles();
    for (let i = 0; i < 1000; i++) attempt(outs[fn]);
    for (let i = 0; i < 1000; i++) attempt(short);
    expect(tc.heapInUse()).toBe(before);
    expect(core.count_emval_handles()).toBe(handles);
  });
});
