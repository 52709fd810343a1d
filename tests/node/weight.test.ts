// Tconv.weight: a convolution weight copied into wasm memory once, which conv2d
// and convTranspose2d take in place of a `{ data, shape }` weight. Checked here:
//  - results are bit for bit those of the same call with the weight as a tensor,
//    for random geometries (fast-check, conv-geometry.ts), with and without bias and `out`;
//  - changing the caller's array afterwards changes nothing;
//  - the core checks the shape when the weight is made (its message, naming
//    `weight`), and against the input on each call (the same message as a tensor's);
//  - a disposed weight, or one from another Tconv, is an Error naming `weight`;
//    an object that only looks like one (a copy, a Proxy, a subclass) is read
//    as a tensor, never trusted;
//  - a channel-rich kernel-4, stride-2 weight keeps its Winograd transform for
//    later calls: the first call makes it, the results stay bit for bit the
//    tensor's across geometries that transform it differently;
//  - 1,000 calls with a weight leave the heap unchanged; dispose() gives back
//    everything weight() took, and so does the garbage collector for a forgotten one.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';

import { wrapCore } from '../../web/lib/tconv.js';
import type { Tensor, Weight } from '../../web/lib/types.js';
import createCore from '../../web/wasm/core.mjs';
import { convGeometry, optionsOf } from './conv-geometry.js';
import { outcome, randomTensor } from './helpers.js';

const wasmBinary = readFileSync(new URL('../../web/wasm/core.wasm', import.meta.url));
const core = await createCore({ wasmBinary });
const tc = wrapCore(core);

const x = randomTensor([1, 2, 6, 6], 1);
const k = randomTensor([2, 2, 3, 3], 2); // conv2d (Cout 2, Cin 2) or convTranspose2d (Cin 2, Cout 2)
const bias = new Float32Array([0.25, -0.5]);

const same = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  expect(Array.from(a.data)).toEqual(Array.from(b.data));
};

/** The garbage collector, for the FinalizationRegistry case (vitest starts Node without --expose-gc). */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

describe('results', () => {
  const geometry = convGeometry({ maxCoutPerGroup: 3, maxSize: 8 });

  it('conv2d and convTranspose2d with a weight give what the same calls with the tensor give (random geometries)', () => {
    fc.assert(
      fc.property(geometry, fc.boolean(), (g, withBias) => {
        const input = randomTensor([g.batch, g.cin, g.h, g.w], g.seed);
        const forward = randomTensor([g.cout, g.cin / g.groups, g.kh, g.kw], g.seed + 1);
        const backward = randomTensor([g.cin, g.cout / g.groups, g.kh, g.kw], g.seed + 2);
        const o = { ...optionsOf(g), ...(withBias ? { bias: new Float32Array(g.cout).fill(0.5) } : {}) };
        const fw = tc.weight(forward);
        const bw = tc.weight(backward);
        try {
          same(tc.conv2d(input, fw, o), tc.conv2d(input, forward, o));
          // The same numbers may be refused by convTranspose2d (padding): then with the same message.
          const t = outcome(() => tc.convTranspose2d(input, bw, o));
          expect(t).toEqual(outcome(() => tc.convTranspose2d(input, backward, o)));
          if (typeof t === 'string') return;
          const out = new Float32Array(t.data.length);
          expect(tc.convTranspose2d(input, bw, { ...o, out }).data).toBe(out);
          expect(Array.from(out)).toEqual(t.data);
        } finally {
          fw.dispose();
          bw.dispose();
        }
      }),
      { numRuns: 60, seed: 20261206 },
    );
  });

  it('copies the data once: changing the caller array afterwards has no effect', () => {
    const data = k.data.slice();
    const w = tc.weight({ data, shape: k.shape });
    const before = tc.conv2d(x, w, { bias });
    data.fill(7);
    same(tc.conv2d(x, w, { bias }), before);
    same(before, tc.conv2d(x, k, { bias }));
    w.dispose();
  });

  it('has the shape it was made with, frozen, and no data or address on it', () => {
    const shape = [...k.shape];
    const w = tc.weight({ data: k.data, shape });
    shape[0] = 9;
    expect(w.shape).toEqual([2, 2, 3, 3]);
    expect(Object.isFrozen(w.shape)).toBe(true);
    expect(Object.isFrozen(w)).toBe(true);
    expect(Object.keys(w)).toEqual(['shape']);
    w.dispose();
  });

  it('an out array may not overlap the input, but the caller array a weight was made from is not read', () => {
    const buffer = new Float32Array(k.data.length + 2 * 4 * 4);
    buffer.set(k.data);
    const w = tc.weight({ data: buffer.subarray(0, k.data.length), shape: k.shape });
    const out = buffer.subarray(0, 2 * 4 * 4); // overlaps the array the weight came from: allowed
    same(tc.conv2d(x, w, { out }), tc.conv2d(x, k));
    w.dispose();
  });
});

describe('the transform kept with a weight', () => {
  // 32 → 16 channels, kernel 4: every stride-2 phase is a 2 × 2 convolution (Winograd).
  const rich = randomTensor([32, 16, 4, 4], 7);

  it("gives the tensor's results, bit for bit, whatever geometry follows which", () => {
    const w = tc.weight(rich);
    const geometries: [number[], Record<string, unknown>][] = [
      [[1, 32, 8, 8], { stride: 2, padding: 1 }],
      [[1, 32, 8, 8], { stride: 2, padding: 1 }],
      [[2, 32, 5, 7], { stride: 2, padding: 1, outputPadding: 1 }],
      [[1, 32, 8, 8], { stride: 2, padding: 0 }],
      [[1, 32, 30, 70], { stride: 2, padding: 1 }],
      [[1, 32, 8, 8], { stride: 2, padding: 1 }],
    ];
    for (const [shape, options] of geometries) {
      const input = randomTensor(shape, shape[2]);
      same(tc.convTranspose2d(input, w, options), tc.convTranspose2d(input, rich, options));
    }
    w.dispose();
  });

  it('is made by the first call, kept over 1,000 more, and given back by dispose', () => {
    const input = randomTensor([1, 32, 8, 8], 3);
    tc.convTranspose2d(input, rich, { stride: 2, padding: 1 }); // the call's own scratch, once
    const start = tc.heapInUse();
    const w = tc.weight(rich);
    const made = tc.heapInUse();
    tc.convTranspose2d(input, w, { stride: 2, padding: 1 });
    const transformed = tc.heapInUse();
    // 9 sums for each kernel's 4 taps in each of the 4 phases: 2.25 times the weight, and some padding.
    expect(transformed - made).toBeGreaterThan(2.25 * rich.data.length * 4 - 1);
    for (let i = 0; i < 1000; i++) tc.convTranspose2d(input, w, { stride: 2, padding: 1 });
    expect(tc.heapInUse()).toBe(transformed);
    w.dispose();
    expect(tc.heapInUse()).toBe(start);
  });
});

describe('errors name weight', () => {
  it("the shape is the core's to check, when made and against each input", () => {
    expect(() => tc.weight({ data: new Float32Array(3), shape: [1, 1, 2, 2] })).toThrow(
      /^weight: weight\.data has 3 elements but shape \[1, 1, 2, 2\] needs 4$/,
    );
    expect(() => tc.weight({ data: new Float32Array(4), shape: [1, -1, 2, 2] })).toThrow(/^weight: weight shape/);
    expect(() => tc.weight({ data: [1, 2], shape: [2] } as unknown as Tensor)).toThrow(
      /^weight: weight\.data must be a Float32Array/,
    );
    expect(() => tc.weight(undefined as unknown as Tensor)).toThrow(/^weight: weight must be a tensor/);
    const flat = tc.weight({ data: new Float32Array(4), shape: [4] });
    const wrongChannels = tc.weight({ data: new Float32Array(27), shape: [1, 3, 3, 3] });
    // The same message as the call with the tensor: one check, in the core.
    const pairs: [Weight, Tensor][] = [
      [flat, { data: new Float32Array(4), shape: [4] }],
      [wrongChannels, { data: new Float32Array(27), shape: [1, 3, 3, 3] }],
    ];
    for (const [handle, tensor] of pairs) {
      let expected = '';
      try {
        tc.conv2d(x, tensor);
      } catch (e) {
        expected = (e as Error).message;
      }
      expect(expected).toMatch(/^conv2d: .*weight/);
      expect(() => tc.conv2d(x, handle)).toThrow(expected);
    }
    flat.dispose();
    wrongChannels.dispose();
  });

  it('a disposed weight, and one from another Tconv, are refused', async () => {
    const w = tc.weight(k);
    w.dispose();
    w.dispose(); // again: nothing
    expect(() => tc.conv2d(x, w)).toThrow(/^conv2d: weight was disposed/);
    expect(() => tc.convTranspose2d(x, w)).toThrow(/^convTranspose2d: weight was disposed/);
    const other = wrapCore(await createCore({ wasmBinary }));
    const foreign = other.weight(k);
    expect(() => tc.conv2d(x, foreign)).toThrow(/^conv2d: weight was made by another Tconv/);
    // The same module, another wrapper: still another Tconv's.
    const sibling = wrapCore(core).weight(k);
    expect(() => tc.convTranspose2d(x, sibling)).toThrow(/^convTranspose2d: weight was made by another Tconv/);
    foreign.dispose();
    sibling.dispose();
  });

  it('look-alikes are read as tensors, never as weights', () => {
    const w = tc.weight(k);
    const lookAlikes: unknown[] = [
      { ...w },
      { shape: w.shape },
      Object.create(w),
      new Proxy(w, {}),
      Object.assign(Object.create(Object.getPrototypeOf(w)), { shape: [2, 2, 3, 3] }),
    ];
    for (const fake of lookAlikes) {
      expect(() => tc.conv2d(x, fake as Weight)).toThrow(/^conv2d: weight\.data must be a Float32Array/);
    }
    w.dispose();
  });

  it('Symbol.dispose disposes it where the host has one', () => {
    const w = tc.weight(k);
    const dispose = (w as unknown as Record<symbol, () => void>)[Symbol.dispose];
    expect(typeof dispose).toBe('function');
    dispose();
    expect(() => tc.conv2d(x, w)).toThrow(/weight was disposed/);
  });
});

describe('memory', () => {
  it('1,000 calls with a weight leave the heap unchanged, and dispose gives everything back', () => {
    tc.conv2d(x, k, { bias }); // the first call may keep lasting state
    const start = tc.heapInUse();
    const w = tc.weight(k);
    expect(tc.heapInUse()).toBeGreaterThan(start + k.data.length * 4 - 1);
    const made = tc.heapInUse();
    for (let i = 0; i < 1000; i++) {
      tc.conv2d(x, w, { bias, padding: 1 });
      tc.convTranspose2d(x, w, { stride: 2 });
    }
    expect(tc.heapInUse()).toBe(made);
    w.dispose();
    expect(tc.heapInUse()).toBe(start);
  });

  it('1,000 refused calls and failed weight() calls leave the heap unchanged', () => {
    const w = tc.weight(k);
    w.dispose();
    const start = tc.heapInUse();
    for (let i = 0; i < 1000; i++) {
      expect(() => tc.conv2d(x, w)).toThrow();
      expect(() => tc.weight({ data: new Float32Array(5), shape: [2, 2] })).toThrow();
    }
    expect(tc.heapInUse()).toBe(start);
  });

  it('a forgotten weight is freed once it is collected', async () => {
    const gc = collector();
    const start = tc.heapInUse();
    (() => {
      for (let i = 0; i < 20; i++) tc.weight(randomTensor([64, 64, 3, 3], i));
    })();
    expect(tc.heapInUse()).toBeGreaterThan(start + 20 * 64 * 64 * 9 * 4 - 1);
    for (let round = 0; round < 50 && tc.heapInUse() !== start; round++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10)); // the registry's callbacks run as tasks
    }
    expect(tc.heapInUse()).toBe(start);
  });
});
