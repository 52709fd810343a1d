// Tconv.weight and the Weight argument of conv2d / convTranspose2d against
// invalid, extreme and hostile values (fast-check, as hostile.test.ts does for
// the other arguments). Each case builds one value — a spoilt tensor for
// weight(), or a Weight in some state (live, disposed, another Tconv's, a copy,
// a Proxy, a subclass) or a spoilt tensor in its place for a convolution — and asks:
//  - did the call throw an Error whose message starts with the function's name
//    and names `weight`, or give what the same call with the honest tensor gives
//    (bit for bit: the same core computes both)?
//  - is the heap (malloc's bytes) back where it was once the case's Weights are disposed?
//  - does a known-good call still give the right answer?
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { wrapCore } from '../../web/lib/tconv.js';
import type { Tensor, Weight } from '../../web/lib/types.js';
import createCore from '../../web/wasm/core.mjs';
import { randomTensor } from './helpers.js';

const wasmBinary = readFileSync(new URL('../../web/wasm/core.wasm', import.meta.url));
const core = await createCore({ wasmBinary });
const tc = wrapCore(core);
const other = wrapCore(await createCore({ wasmBinary }));

const RUNS = 300;
const SEED = 20261206;

const x = randomTensor([1, 2, 5, 5], 11);
const K = randomTensor([2, 2, 3, 3], 12);
const KNOWN = tc.conv2d(x, K);

/** A value for the weight argument, and the honest tensor a successful call must match (null: it must throw). */
interface Case {
  value: unknown;
  honest: Tensor | null;
  /** Weights the case made, disposed after it. */
  made: Weight[];
  /** wasm memory the case holds (a view of the module's own memory), freed after the heap is measured. */
  held?: number;
  label: string;
}

const boom = () => {
  throw new Error('boom');
};

/** Shapes near the honest one and far from it. */
const shapes: fc.Arbitrary<number[]> = fc.oneof(
  fc.constant<number[]>([2, 2, 3, 3]),
  fc.constant<number[]>([36]),
  fc.constant<number[]>([2, 2, 9]),
  fc.constant<number[]>([1, 4, 3, 3]),
  fc.constant<number[]>([2, 2, 3, 3, 1]),
  fc.array(
    fc.oneof(
      fc.integer({ min: -2, max: 40 }),
      fc.constantFrom(NaN, Infinity, -Infinity, 0.5, 2 ** 31, 2 ** 32 + 36, 2 ** 53, 1e300, -0),
    ),
    { maxLength: 20 },
  ),
);

/** Data near the honest one and far from it. */
const datas = fc.oneof(
  fc.constant('honest'),
  fc.integer({ min: 0, max: 80 }),
  fc.constantFrom('Float64Array', 'array', 'detached', 'heap view', 'Proxy', 'getter throws', 'null'),
);

const raw = core as unknown as { _malloc(n: number): number; _free(p: number): void; HEAPF32: Float32Array };

function dataOf(kind: string | number): { data: unknown; copy: Float32Array | null; held?: number } {
  if (kind === 'honest') return { data: K.data.slice(), copy: K.data };
  if (typeof kind === 'number') {
    const d = Float32Array.from({ length: kind }, (_, i) => (i % 7) - 3);
    return { data: d, copy: d };
  }
  switch (kind) {
    case 'Float64Array':
      return { data: Float64Array.from(K.data), copy: null };
    case 'array':
      return { data: Array.from(K.data), copy: null };
    case 'detached': {
      const d = K.data.slice();
      structuredClone(d.buffer, { transfer: [d.buffer] });
      return { data: d, copy: null };
    }
    case 'heap view': {
      // A view of the module's own memory (where weight() copies to): an honest copy first.
      const at = raw._malloc(K.data.length * 4);
      const view = new Float32Array(raw.HEAPF32.buffer, at, K.data.length);
      view.set(K.data);
      return { data: view, copy: view.slice(), held: at };
    }
    case 'Proxy':
      return { data: new Proxy(K.data.slice(), {}), copy: null };
    case 'getter throws':
      return { data: 'getter', copy: null };
    default:
      return { data: null, copy: null };
  }
}

/** A tensor-like value for weight() or in a Weight's place, and the honest tensor it stands for. */
// The arbitraries give recipes (plain values, which fast-check prints and replays
// while it shrinks); each run builds its Case afresh, since a run disposes its Weights.
const tensorCases = fc.tuple(shapes, datas).map(([shape, kind]) => ({ tensor: { shape, kind } }));

function tensorCase({ shape, kind }: { shape: number[]; kind: string | number }): Case {
  const { data, copy, held } = dataOf(kind);
  const value =
    data === 'getter'
      ? {
          shape,
          get data() {
            return boom();
          },
        }
      : { data, shape };
  const valid =
    copy !== null &&
    shape.every((d) => Number.isInteger(d) && d >= 0) &&
    shape.reduce((a, b) => a * b, 1) === copy.length;
  return { value, honest: valid ? { data: copy, shape: [...shape] } : null, made: [], held, label: `${kind} ${shape}` };
}

/** A Weight in some state, or something made to look like one. */
const handleCases = fc
  .tuple(
    fc.constantFrom('live', 'disposed', 'foreign', 'spread', 'Object.create', 'Proxy', 'prototype', 'number'),
    shapes.filter((s) => s.length === 4 && s.every((d) => Number.isInteger(d) && d >= 1 && d <= 4)),
  )
  .map(([state, shape]) => ({ handle: { state, shape } }));

function handleCase({ state, shape }: { state: string; shape: number[] }): Case {
  const tensor = randomTensor(
    shape,
    shape.reduce((a, b) => a * 7 + b, 0),
  );
  const owner = state === 'foreign' ? other : tc;
  const w = owner.weight(tensor);
  const made = [w];
  const cases: Record<string, () => Case> = {
    live: () => ({ value: w, honest: tensor, made, label: state }),
    disposed: () => {
      w.dispose();
      return { value: w, honest: null, made, label: state };
    },
    foreign: () => ({ value: w, honest: null, made, label: state }),
    spread: () => ({ value: { ...w }, honest: null, made, label: state }),
    'Object.create': () => ({ value: Object.create(w), honest: null, made, label: state }),
    Proxy: () => ({ value: new Proxy(w, {}), honest: null, made, label: state }),
    prototype: () => ({ value: Object.getPrototypeOf(w), honest: null, made, label: state }),
    // Nothing the caller can write names a weight's memory: not its address, nor any number.
    number: () => ({ value: 8, honest: null, made, label: state }),
  };
  return cases[state]();
}

type Recipe = { tensor: { shape: number[]; kind: string | number } } | { handle: { state: string; shape: number[] } };
const build = (r: Recipe): Case => ('tensor' in r ? tensorCase(r.tensor) : handleCase(r.handle));

function run(call: () => Tensor): Tensor | Error {
  try {
    return call();
  } catch (e) {
    return e as Error;
  }
}

/** The case's judgement: null if the outcome is right. */
function judge(fn: string, got: Tensor | Error, expected: Tensor | Error | null): string | null {
  if (got instanceof Error) {
    if (!(got instanceof Error)) return `threw a non-Error ${String(got)}`;
    if (
      !got.message.startsWith(`${fn}: `) &&
      !got.message.startsWith(`${fn === 'convTranspose2d' ? 'conv_transpose2d' : fn}: `)
    )
      return `the message does not start with ${fn}: ${got.message}`;
    if (!/weight/.test(got.message) && !(expected instanceof Error))
      return `the message does not name weight: ${got.message}`;
    if (expected !== null && !(expected instanceof Error))
      return `threw, but the honest call gives a result: ${got.message}`;
    if (expected instanceof Error && expected.message !== got.message)
      return `threw "${got.message}", the honest call "${expected.message}"`;
    return null;
  }
  if (expected === null) return 'gave a result where it must throw';
  if (expected instanceof Error) return `gave a result where the honest call throws "${expected.message}"`;
  if (JSON.stringify(got.shape) !== JSON.stringify(expected.shape)) return `shape ${got.shape} ≠ ${expected.shape}`;
  for (let i = 0; i < expected.data.length; i++) {
    if (!Object.is(got.data[i], expected.data[i])) return `data[${i}] ${got.data[i]} ≠ ${expected.data[i]}`;
  }
  return got.data.length === expected.data.length ? null : 'data length differs';
}

/** Disposes the case's Weights and frees what it held, then: null if the module is as it was. */
function healthy(heap: number, c: Case): string | null {
  for (const w of c.made) w.dispose();
  if (c.held !== undefined) raw._free(c.held);
  const r = tc.conv2d(x, K);
  const now = tc.heapInUse();
  if (JSON.stringify(Array.from(r.data)) !== JSON.stringify(Array.from(KNOWN.data))) return 'the known call changed';
  return now === heap ? null : `the heap changed by ${now - heap} bytes`;
}

describe('weight() against hostile tensors', () => {
  it('throws an Error naming weight, or makes a Weight that computes as the honest tensor', () => {
    tc.conv2d(x, K); // lasting state, before the first measure
    fc.assert(
      fc.property(tensorCases, (recipe) => {
        const heap = tc.heapInUse();
        const c = build(recipe);
        let w: Weight | Error;
        try {
          w = tc.weight(c.value as Tensor);
        } catch (e) {
          w = e as Error;
        }
        let problem: string | null;
        if (w instanceof Error) {
          problem = judge('weight', w, c.honest === null ? null : new Error('a valid tensor was refused'));
          if (c.honest === null && problem === null && !w.message.startsWith('weight: ')) problem = w.message;
        } else {
          c.made.push(w);
          // Used as it was made: the same result (or message) as the honest tensor.
          problem =
            c.honest === null
              ? 'made a Weight from an invalid tensor'
              : judge(
                  'conv2d',
                  run(() => tc.conv2d(x, w as Weight)),
                  run(() => tc.conv2d(x, c.honest!)),
                );
        }
        problem ??= healthy(heap, c);
        if (problem) throw new Error(`${c.label}: ${problem}`);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe.each(['conv2d', 'convTranspose2d'] as const)('%s against hostile weights', (fn) => {
  it('throws an Error naming weight, or gives the honest call’s result', () => {
    tc[fn](x, K); // lasting state, before the first measure
    fc.assert(
      fc.property(fc.oneof<fc.Arbitrary<Recipe>[]>(handleCases, tensorCases), fc.boolean(), (recipe, withBias) => {
        const heap = tc.heapInUse();
        const c = build(recipe);
        const options = withBias ? { bias: new Float32Array([0.5, -1, 2, 0.25]).subarray(0, 2), padding: 1 } : {};
        const got = run(() => tc[fn](x, c.value as Weight, options));
        const expected = c.honest === null ? null : run(() => tc[fn](x, c.honest!, options));
        const problem = judge(fn, got, expected) ?? healthy(heap, c);
        if (problem) throw new Error(`${c.label}: ${problem}`);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

it('the judge sees a wrong result and a message that does not name weight', () => {
  const r = tc.conv2d(x, K);
  const spoilt = { ...r, data: r.data.map((v, i) => (i === 0 ? v + 1 : v)) };
  expect(judge('conv2d', spoilt, r)).not.toBeNull();
  expect(judge('conv2d', new Error('conv2d: input is wrong'), null)).not.toBeNull();
  expect(judge('conv2d', r, null)).not.toBeNull();
  expect(judge('conv2d', new Error('conv2d: weight was disposed'), null)).toBeNull();
});
