// Regression tests for hostile callers (issue "Hardening"): values that change
// between reads, lying typed arrays, throwing callbacks. Each case reproduces
// a hole that corrupted the heap, leaked or computed garbage before the JS
// wrapper read every argument exactly once.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { wrapCore } from '../../web/lib/tconv.js';
import type { RgbaImage, Tensor } from '../../web/lib/types.js';
import createCore from '../../web/wasm/core.mjs';

const core = await createCore({ wasmBinary: readFileSync(new URL('../../web/wasm/core.wasm', import.meta.url)) });
const tc = wrapCore(core);

// The article's example: a 4×4 input and a 3×3 kernel give 122, 148, 126, 134.
const seedX = (): Tensor => ({
  shape: [1, 1, 4, 4],
  data: new Float32Array([4, 5, 8, 7, 1, 8, 8, 8, 3, 6, 6, 4, 6, 5, 7, 8]),
});
const seedK = (): Tensor => ({ shape: [1, 1, 3, 3], data: new Float32Array([1, 4, 1, 1, 4, 3, 3, 3, 1]) });
const SEED_OUT = [122, 148, 126, 134];

/** The module still computes the seed right, and nothing leaked since `heap` and `handles`. */
function expectHealthy(heap?: number, handles?: number) {
  expect(Array.from(tc.conv2d(seedX(), seedK()).data)).toEqual(SEED_OUT);
  if (heap !== undefined) expect(tc.heapInUse()).toBe(heap);
  if (handles !== undefined) expect(core.count_emval_handles()).toBe(handles);
}

function errorOf(call: () => unknown): Error {
  try {
    call();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(WebAssembly.RuntimeError);
    return e as Error;
  }
  throw new Error('expected the call to throw');
}

/** An object whose `key` answers `first` on the first read and `later` after. */
function changing<T extends object>(base: T, key: keyof T, first: unknown, later: unknown): T {
  let reads = 0;
  const out = { ...base };
  Object.defineProperty(out, key, { get: () => (reads++ === 0 ? first : later), enumerable: true });
  return out;
}

/** A Float32Array whose `length` (and every other own answer) lies. */
class LyingFloat32Array extends Float32Array {
  override get length(): number {
    return 60_000;
  }
}
class LyingBytes extends Uint8ClampedArray {
  override get length(): number {
    return 4;
  }
}

const image = (w: number, h: number, fill = 200): RgbaImage => ({
  data: new Uint8ClampedArray(w * h * 4).fill(fill),
  width: w,
  height: h,
});

describe('arguments are read once', () => {
  it('a data getter that grows after the first read gives the right answer', () => {
    const x = changing(seedX(), 'data', seedX().data, new Float32Array(60_000).fill(1));
    expect(Array.from(tc.conv2d(x, seedK()).data)).toEqual(SEED_OUT);
    const w = changing(seedK(), 'data', seedK().data, new Float32Array(60_000).fill(1));
    expect(Array.from(tc.conv2d(seedX(), w).data)).toEqual(SEED_OUT);
    expectHealthy();
  });

  it('a data getter that grows gives the right answer for a large input too', () => {
    const big = { shape: [1, 1, 300, 300], data: new Float32Array(90_000).fill(1) };
    const x = changing(big, 'data', big.data, new Float32Array(4));
    const y = tc.conv2d(x, { shape: [1, 1, 1, 1], data: new Float32Array([2]) });
    expect(y.shape).toEqual([1, 1, 300, 300]);
    expect(y.data.every((v) => v === 2)).toBe(true);
    expectHealthy();
  });

  it('a shape getter that changes is read once', () => {
    const x = changing(seedX(), 'shape', [1, 1, 4, 4], [1, 1, 200, 200]);
    expect(Array.from(tc.conv2d(x, seedK()).data)).toEqual(SEED_OUT);
    const dims = [1, 1, 4, 4];
    let reads = 0;
    const shape = new Proxy(dims, { get: (t, k) => (k === '2' && reads++ > 0 ? 400 : Reflect.get(t, k)) });
    expect(Array.from(tc.conv2d({ data: seedX().data, shape }, seedK()).data)).toEqual(SEED_OUT);
    expectHealthy();
  });

  it('options getters are read once each', () => {
    let reads = 0;
    const options = {
      get stride() {
        reads++;
        return reads === 1 ? 1 : 2 ** 40;
      },
    };
    expect(Array.from(tc.conv2d(seedX(), seedK(), options).data)).toEqual(SEED_OUT);
    expect(reads).toBe(1);
  });

  it('conv options are read once each in their documented order, and a getter that throws is named', () => {
    const conv = ['bias', 'stride', 'padding', 'dilation', 'groups', 'out'];
    const cases: [string, (o: object) => Tensor, string[]][] = [
      ['conv2d', (o) => tc.conv2d(seedX(), seedK(), o), conv],
      ['convTranspose2d', (o) => tc.convTranspose2d(seedX(), seedK(), o), [...conv, 'outputPadding']],
    ];
    for (const [fn, call, keys] of cases) {
      const seen: PropertyKey[] = [];
      call(new Proxy({}, { get: (_, k) => void seen.push(k) }));
      expect(seen).toEqual(keys);
      for (const key of keys) {
        const throwing = new Proxy(
          {},
          {
            get: (_, k) => {
              if (k === key) throw new Error('no');
            },
          },
        );
        expect(errorOf(() => call(throwing)).message).toBe(`${fn}: reading ${key} threw: no`);
      }
    }
    expectHealthy();
  });

  it('a Float32Array subclass with a lying length is copied by its real length', () => {
    const x = new LyingFloat32Array(seedX().data);
    expect(Array.from(tc.conv2d({ shape: [1, 1, 4, 4], data: x }, seedK()).data)).toEqual(SEED_OUT);
    // Too few real elements: the core's length check sees the truth.
    const short = new LyingFloat32Array(15);
    expect(errorOf(() => tc.conv2d({ shape: [1, 1, 4, 4], data: short }, seedK())).message).toBe(
      'conv2d: input.data has 15 elements but shape [1, 1, 4, 4] needs 16',
    );
    // A large input too.
    const big = new LyingFloat32Array(300 * 300).fill(1);
    const y = tc.convTranspose2d(
      { shape: [1, 1, 300, 300], data: big },
      { shape: [1, 1, 1, 1], data: new Float32Array([3]) },
    );
    expect(y.data.every((v) => v === 3)).toBe(true);
    expectHealthy();
  });

  it('lying image data and into: no RangeError, no leaked handles', () => {
    tc.upsampleImage(image(4, 4), { method: 'nearest', factor: 2 }); // warm-up
    const heap = tc.heapInUse();
    const handles = core.count_emval_handles();
    const lying = new LyingBytes(4 * 4 * 4).fill(9);
    const out = tc.upsampleImage({ data: lying, width: 4, height: 4 }, { method: 'nearest', factor: 2 });
    expect(out.data.length).toBe(8 * 8 * 4);
    expect(out.data.every((v) => v === 9)).toBe(true);
    const into = new LyingBytes(8 * 8 * 4);
    const again = tc.upsampleImage(image(4, 4, 7), { method: 'nearest', factor: 2, into });
    expect(again.data).toBe(into); // the caller's own array, filled
    expect(Array.from(new Uint8ClampedArray(into.buffer)).every((v) => v === 7)).toBe(true);
    expectHealthy(heap, handles);
  });

  it('Proxies and getters that throw give an Error naming the argument', () => {
    const heap = tc.heapInUse();
    const handles = core.count_emval_handles();
    const boom = () => {
      throw new Error('boom');
    };
    const cases: [() => unknown, string][] = [
      [
        () =>
          tc.conv2d(
            {
              shape: [1, 1, 4, 4],
              get data() {
                return boom();
              },
            } as unknown as Tensor,
            seedK(),
          ),
        'conv2d: reading input.data threw: boom',
      ],
      [
        () =>
          tc.conv2d(seedX(), seedK(), {
            get groups() {
              return boom();
            },
          } as object),
        'conv2d: reading groups threw: boom',
      ],
      [
        () => tc.conv2d({ shape: [1, 1, 4, 4], data: new Proxy(seedX().data, {}) }, seedK()),
        'conv2d: input.data must be a Float32Array, got an object',
      ],
      [
        () => tc.conv2d(seedX(), seedK(), { stride: new Proxy<[number, number]>([1, 1], { get: boom }) }),
        'conv2d: reading stride.length threw: boom',
      ],
      [
        () =>
          tc.convTranspose2d(
            {
              data: new Float32Array(4),
              shape: new Proxy([1, 1, 2, 2], { get: (t, k) => (k === '2' ? boom() : Reflect.get(t, k)) }),
            },
            seedK(),
          ),
        'convTranspose2d: reading input.shape[2] threw: boom',
      ],
      [
        () =>
          tc.upsampleInputRows(
            {
              width: 8,
              get height() {
                return boom();
              },
            },
            { method: 'nearest' },
            [0, 1],
          ),
        'upsampleInputRows: reading size.height threw: boom',
      ],
      [
        () => tc.interpolate(seedX(), new Proxy({ mode: 'nearest', size: 8 }, { ownKeys: boom }) as never),
        'interpolate: reading the keys of options threw: boom',
      ],
      [
        () =>
          tc.upsampleImage(
            {
              data: new Uint8ClampedArray(16),
              width: 2,
              get height() {
                return boom();
              },
            } as RgbaImage,
            { method: 'nearest' },
          ),
        'upsampleImage: reading image.height threw: boom',
      ],
    ];
    for (const [call, message] of cases) {
      expect(errorOf(call).message).toBe(message);
      expectHealthy();
    }
    expectHealthy(heap, handles);
  });

  it('a detached buffer is an Error, not a crash', () => {
    const data = seedX().data;
    structuredClone(data.buffer, { transfer: [data.buffer] });
    expect(errorOf(() => tc.conv2d({ shape: [1, 1, 4, 4], data }, seedK())).message).toBe(
      "conv2d: input.data's buffer is detached or out of bounds",
    );
    expectHealthy();
  });
});

describe('onProgress', () => {
  it('that throws: the caller gets its own error and nothing leaks (1,000 calls)', () => {
    const src = image(64, 64);
    const mine = new Error('stop here');
    const call = () =>
      tc.upsampleImage(src, {
        method: 'bicubic',
        factor: 2,
        onProgress: () => {
          throw mine;
        },
      });
    expect(() => call()).toThrow(mine);
    const heap = tc.heapInUse();
    const handles = core.count_emval_handles();
    for (let i = 0; i < 1000; i++) {
      try {
        call();
      } catch (e) {
        expect(e).toBe(mine);
      }
    }
    expectHealthy(heap, handles);
  });

  it('that throws stops the work at once (no further calls)', () => {
    let calls = 0;
    const band = image(32, 600);
    expect(() =>
      tc.upsampleBand(
        band,
        {
          method: 'bilinear',
          factor: 2,
          onProgress: () => {
            calls++;
            throw new Error('enough');
          },
        },
        { imageHeight: 600, firstRow: 0, outputRows: [0, 1200], opaque: false },
      ),
    ).toThrow('enough');
    expect(calls).toBe(1);
  });

  it('that detaches into meanwhile gets a fresh array back', () => {
    const into = new Uint8ClampedArray(8 * 8 * 4);
    const out = tc.upsampleImage(image(4, 4, 5), {
      method: 'nearest',
      factor: 2,
      into,
      onProgress: () => void structuredClone(into.buffer, { transfer: [into.buffer] }),
    });
    expect(out.data === into).toBe(false); // (toBe would try to print the detached array)
    expect(out.data.length).toBe(8 * 8 * 4);
    expect(out.data.every((v) => v === 5)).toBe(true);
    expectHealthy();
  });
});

/** The call throws an Error (never a trap) that starts with `fn` and names `argument`. */
function expectNamed(call: () => unknown, fn: string, argument: string) {
  const message = errorOf(call).message;
  expect(message.startsWith(`${fn}: `), message).toBe(true);
  expect(message, message).toContain(argument);
  expect(message).not.toMatch(/^\w+: (vector|out of memory)/);
}

describe('integers are never truncated on the way into the 32-bit module', () => {
  const x = { shape: [1, 2, 4, 4], data: new Float32Array(32).fill(1) };
  const w = { shape: [2, 1, 3, 3], data: new Float32Array(18).fill(1) };

  it.each([2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 32 + 2, 2 ** 40, 2 ** 53])('groups %d is refused by name', (groups) => {
    expectNamed(() => tc.conv2d(x, w, { groups }), 'conv2d', 'groups');
    expectNamed(() => tc.convTranspose2d(x, w, { groups }), 'conv_transpose2d', 'groups');
    expectHealthy();
  });

  it.each([2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 53])('band rows and image height %d are refused by name', (big) => {
    const band = image(2, 2);
    const where = { imageHeight: 2, firstRow: 0, outputRows: [0, 4] as [number, number], opaque: false };
    expectNamed(
      () => tc.upsampleBand(band, { method: 'bilinear' }, { ...where, imageHeight: big }),
      'upsample',
      'image',
    );
    expectNamed(() => tc.upsampleBand(band, { method: 'bilinear' }, { ...where, firstRow: big }), 'upsample', 'band');
    expectNamed(
      () => tc.upsampleBand(band, { method: 'bilinear' }, { ...where, outputRows: [0, big] }),
      'upsample',
      'rows',
    );
    expectNamed(() => tc.upsampleImage(band, { method: 'bilinear', factor: big }), 'upsample', 'factor');
    expectHealthy();
  });

  it.each([2 ** 31, 2 ** 32 + 1, 2 ** 53])(
    'a stride or dilation of %d gives torch’s answer or names the argument',
    (big) => {
      // One input pixel per row: any stride gives the same 1×1100 result.
      const row = { shape: [1, 1, 1, 5], data: new Float32Array([1, 2, 3, 4, 5]) };
      const k = { shape: [1, 1, 1, 1], data: new Float32Array([2]) };
      const y = tc.convTranspose2d(row, k, { stride: [big, 1] });
      expect(y.shape).toEqual([1, 1, 1, 5]);
      expect(Array.from(y.data)).toEqual([2, 4, 6, 8, 10]);
      expect(Array.from(tc.conv2d(row, k, { stride: [big, 1] }).data)).toEqual([2, 4, 6, 8, 10]);
      expectNamed(() => tc.conv2d(row, seedK(), { dilation: big }), 'conv2d', 'dilation');
      expectHealthy();
    },
  );
});

describe('large but valid calls', () => {
  it('convTranspose2d with stride 1e9 gives the 1×1100 answer without allocating by the stride', () => {
    const x = { shape: [1, 1, 1, 1100], data: Float32Array.from({ length: 1100 }, (_, i) => i) };
    const k = { shape: [1, 1, 1, 1], data: new Float32Array([0.5]) };
    const y = tc.convTranspose2d(x, k, { stride: [1e9, 1] });
    expect(y.shape).toEqual([1, 1, 1, 1100]);
    expect(Array.from(y.data)).toEqual(Array.from(x.data, (v) => v * 0.5));
    // The first call may keep lasting scratch; later ones allocate nothing that stays.
    const heap = tc.heapInUse();
    for (let i = 0; i < 20; i++) tc.convTranspose2d(x, k, { stride: [1e9, 1] });
    expect(tc.heapInUse()).toBe(heap);
  });

  it('a batch of 1,100 works for every function', () => {
    const n = 1100;
    const x = { shape: [n, 1, 4, 4], data: Float32Array.from({ length: n * 16 }, (_, i) => i % 7) };
    const one = { shape: [1, 1, 1, 1], data: new Float32Array([1]) };
    expect(Array.from(tc.conv2d(x, one).data)).toEqual(Array.from(x.data));
    expect(Array.from(tc.convTranspose2d(x, one).data)).toEqual(Array.from(x.data));
    expect(Array.from(tc.interpolate(x, { mode: 'nearest', size: 4 }).data)).toEqual(Array.from(x.data));
  });

  it('sizes beyond the limit are refused by name, before any work', () => {
    const s = { shape: [1, 1, 1, 1], data: new Float32Array([1]) };
    expectNamed(() => tc.interpolate(s, { mode: 'nearest', size: [2 ** 28, 2 ** 28] }), 'interpolate', 'size');
    expectNamed(() => tc.interpolate(s, { mode: 'bilinear', scaleFactor: [1, 1e9] }), 'interpolate', 'scale');
    expectNamed(() => tc.conv2d(s, s, { padding: 2 ** 40 }), 'conv2d', 'padding');
    expectNamed(() => tc.conv2d(s, seedK(), { dilation: 2 ** 40 }), 'conv2d', 'dilation');
    expectNamed(() => tc.convTranspose2d(s, s, { padding: 2 ** 40 }), 'conv_transpose2d', 'padding');
    expectNamed(
      () => tc.upsampleImage(image(2, 2), { method: 'bilinear', size: [2 ** 28, 2 ** 28] }),
      'upsample',
      'size',
    );
    expectHealthy();
  });
});

describe('non-finite kernels', () => {
  it.each([NaN, Infinity, -Infinity])('a kernel weight of %d is refused with its cell', (bad) => {
    for (const method of ['transposed', 'resize-conv-nearest', 'resize-conv-bilinear'] as const) {
      const data = new Float32Array([0.25, 0.25, 0.25, 0.25, 0, 0]);
      data[5] = bad;
      const message = errorOf(() => tc.upsampleImage(image(3, 3), { method, kernel: { shape: [2, 3], data } })).message;
      expect(message).toBe(`upsample: kernel[1, 2] is ${bad}; every weight must be a finite number`);
    }
    expectHealthy();
  });
});
