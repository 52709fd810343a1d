// Calls that repeat the last one's record: the core keeps the plan of the last
// call that passed its checks (cpp/bindings/call.hpp, tconv::ConvPlan) and runs
// it again, unchecked, when the next call's options and shapes are the same.
// Checked here, each result against the same call made on a second record
// whose last call was a different one (so its plan is new):
//  - random sequences of calls drawn from a few geometries, with and without
//    bias, `out` and weight handles, both directions, new data every call;
//  - one field changed at a time between two otherwise equal calls: each
//    option, an input or weight shape of the same length, a batched and an
//    unbatched shape with the same numbers, the bias, a handle for a tensor;
//  - a weight disposed and a new one of another shape made in its place;
//  - a repeated call with a wrong `out`, and with a bad option, fails as a first one
//    does, and the next call works;
//  - repeated calls leave the heap where it was.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { wrapCore } from '../../web/lib/tconv.js';
import type { Tensor, Weight } from '../../web/lib/types.js';
import createCore from '../../web/wasm/core.mjs';
import { convGeometry, type Geometry, optionsOf } from './conv-geometry.js';
import { outcome, randomTensor } from './helpers.js';

const wasmBinary = readFileSync(new URL('../../web/wasm/core.wasm', import.meta.url));
const core = await createCore({ wasmBinary });
const tc = wrapCore(core);
const fresh = wrapCore(core); // its own record, whose plan each reference call replaces

type Call = (t: typeof tc) => Tensor;

/** The call on `fresh` after a call of another geometry there, so that its plan is made anew. */
function reference(call: Call) {
  fresh.conv2d(randomTensor([1, 1, 5, 3], 1), randomTensor([1, 1, 2, 2], 2));
  return outcome(() => call(fresh));
}

/** `call` twice on `tc` (the second repeats the first's record), each against the reference. */
function expectRepeats(call: Call) {
  for (let i = 0; i < 2; i++) expect(outcome(() => call(tc))).toEqual(reference(call));
}

describe('repeated calls', () => {
  it('give what a new plan gives, over random sequences of calls', () => {
    const step = fc.record({
      geometry: fc.nat(2),
      transposed: fc.boolean(),
      bias: fc.boolean(),
      out: fc.boolean(),
      handle: fc.boolean(),
      seed: fc.nat(1000),
    });
    const pool = fc.array(convGeometry({ maxCoutPerGroup: 2, maxSize: 7 }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(pool, fc.array(step, { minLength: 2, maxLength: 12 }), (geometries, steps) => {
        for (const s of steps) {
          const g: Geometry = geometries[s.geometry];
          const input = s.transposed
            ? randomTensor([g.batch, g.cout, g.h, g.w], s.seed)
            : randomTensor([g.batch, g.cin, g.h, g.w], s.seed);
          // (Cout, Cin/groups, kH, kW) for conv2d; read as (Cin, Cout/groups, kH, kW), it maps Cout channels back to Cin.
          const weight = randomTensor([g.cout, g.cin / g.groups, g.kh, g.kw], s.seed + 1);
          const bias = s.bias ? randomTensor([s.transposed ? g.cin : g.cout], s.seed + 2).data : undefined;
          const call = (t: typeof tc, w: Tensor | Weight, out?: Float32Array) =>
            s.transposed
              ? t.convTranspose2d(input, w, { ...optionsOf(g), bias, out })
              : t.conv2d(input, w, { ...optionsOf(g), bias, out });
          const expected = reference((t) => call(t, weight));
          const handle = s.handle ? tc.weight(weight) : null;
          try {
            const out =
              s.out && typeof expected !== 'string'
                ? new Float32Array(expected.data.length).fill(Number.NaN)
                : undefined;
            expect(outcome(() => call(tc, handle ?? weight, out))).toEqual(expected);
          } finally {
            handle?.dispose();
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  describe('with one field changed', () => {
    const x = randomTensor([1, 2, 6, 6], 3);
    const k = randomTensor([2, 2, 3, 3], 4);
    const variants: [string, Call, Call][] = [
      ['stride', (t) => t.conv2d(x, k), (t) => t.conv2d(x, k, { stride: [2, 1] })],
      ['padding', (t) => t.conv2d(x, k), (t) => t.conv2d(x, k, { padding: [0, 1] })],
      ['dilation', (t) => t.conv2d(x, k), (t) => t.conv2d(x, k, { dilation: [1, 2] })],
      ['groups', (t) => t.conv2d(x, k), (t) => t.conv2d(x, randomTensor([2, 1, 3, 3], 5), { groups: 2 })],
      [
        'outputPadding',
        (t) => t.convTranspose2d(x, k, { stride: 2 }),
        (t) => t.convTranspose2d(x, k, { stride: 2, outputPadding: [1, 0] }),
      ],
      ['direction', (t) => t.conv2d(x, k), (t) => t.convTranspose2d(x, k)],
      ['input shape, same length', (t) => t.conv2d(x, k), (t) => t.conv2d({ data: x.data, shape: [1, 2, 4, 9] }, k)],
      ['batched and unbatched', (t) => t.conv2d(x, k), (t) => t.conv2d({ data: x.data, shape: [2, 6, 6] }, k)],
      ['weight shape, same length', (t) => t.conv2d(x, k), (t) => t.conv2d(x, { data: k.data, shape: [2, 2, 1, 9] })],
      ['bias', (t) => t.conv2d(x, k), (t) => t.conv2d(x, k, { bias: new Float32Array([1, -1]) })],
      ['a bad option', (t) => t.conv2d(x, k), (t) => t.conv2d(x, k, { padding: [-1, 0] })],
      ['a kernel past the input', (t) => t.conv2d(x, k), (t) => t.conv2d(x, k, { dilation: 4 })],
    ];
    for (const [field, base, variant] of variants) {
      it(field, () => {
        for (const call of [base, variant, variant, base, base, variant]) expectRepeats(call);
      });
    }
  });

  it('a weight made in place of a disposed one, with another shape, is read as itself', () => {
    // Shapes of one length: the new weight's memory is likely the old one's, and so is its handle's address.
    const x = randomTensor([1, 2, 6, 6], 6);
    for (const shape of [
      [2, 2, 3, 3],
      [2, 2, 1, 9],
      [2, 2, 9, 1],
      [4, 1, 3, 3],
      [1, 4, 3, 3],
      [2, 2, 3, 3],
    ]) {
      const k = randomTensor(shape, shape[0] * 10 + shape[2]);
      const w = tc.weight(k);
      for (let i = 0; i < 2; i++) expect(outcome(() => tc.conv2d(x, w))).toEqual(reference((t) => t.conv2d(x, k)));
      w.dispose();
    }
  });

  it('a weight handle in place of a tensor of the same shape gives the same result', () => {
    const x = randomTensor([1, 2, 6, 6], 7);
    const k = randomTensor([2, 2, 3, 3], 8);
    const w = tc.weight(k);
    const expected = reference((t) => t.conv2d(x, k));
    for (const weight of [k, w, w, k, k, w]) expect(outcome(() => tc.conv2d(x, weight))).toEqual(expected);
    w.dispose();
  });

  it('a repeated call with a wrong out fails as a first one does, and the next call works', () => {
    const x = randomTensor([1, 2, 6, 6], 9);
    const k = randomTensor([2, 2, 3, 3], 10);
    const wrong = (t: typeof tc) => t.conv2d(x, k, { out: new Float32Array(3) });
    tc.conv2d(x, k);
    const message = outcome(() => wrong(tc));
    expect(message).toMatch(/^conv2d: out must have the result's 32 elements/);
    expect(message).toEqual(reference(wrong));
    expectRepeats((t) => t.conv2d(x, k));
  });

  it('leave the heap where it was', () => {
    const x = randomTensor([1, 1, 4, 4], 11);
    const k = randomTensor([1, 1, 3, 3], 12);
    const w = tc.weight(k);
    tc.conv2d(x, w);
    const before = tc.heapInUse();
    for (let i = 0; i < 1000; i++) {
      tc.conv2d(x, w);
      tc.convTranspose2d(x, w);
      tc.conv2d(x, k, { bias: new Float32Array([1]) });
    }
    expect(tc.heapInUse()).toBe(before);
    w.dispose();
  });
});
