// Streamed calls in the wasm build: when the core computes a conv2d or a
// conv_transpose2d in bands of rows (its fused row kernels), the wrapper copies
// no whole tensor; the core asks it for each band of input rows and hands it
// each band of result rows (core.tconvRows, cpp/bindings/bindings.cpp). Checked here:
//  - wide, batched, grouped calls of many bands (with and without `out`,
//    unbatched too) against plain-loop references in float64;
//  - what crosses: every result row exactly once, input rows only from inside
//    the input, and only the calls the fused rows compute stream;
//  - a band that cannot be copied is an Error naming conv2d, and the module
//    keeps working, with its heap where it was.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { wrapCore } from '../../web/lib/tconv.js';
import type { Tensor } from '../../web/lib/types.js';
import createCore from '../../web/wasm/core.mjs';
import { expectClose, randomTensor } from './helpers.js';

const core = await createCore({ wasmBinary: readFileSync(new URL('../../web/wasm/core.wasm', import.meta.url)) });
const tc = wrapCore(core);

interface Options {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
}

/** conv2d from its definition, summed in float64: y(n, o, r, q) = b(o) + Σ w(o, i, a, c)·x(n, g·Cin/g + i, r·s + a·d − p, …). */
function reference(x: Tensor, w: Tensor, bias: Float32Array | undefined, o: Options): Float64Array {
  const [n, cin, h, wd] = x.shape;
  const [cout, gin, kh, kw] = w.shape;
  const ho = Math.floor((h + 2 * o.padding[0] - o.dilation[0] * (kh - 1) - 1) / o.stride[0]) + 1;
  const wo = Math.floor((wd + 2 * o.padding[1] - o.dilation[1] * (kw - 1) - 1) / o.stride[1]) + 1;
  const gout = cout / o.groups;
  const y = new Float64Array(n * cout * ho * wo);
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < cout; oc++) {
      const first = Math.floor(oc / gout) * gin;
      for (let r = 0; r < ho; r++)
        for (let q = 0; q < wo; q++) {
          let sum = bias ? bias[oc] : 0;
          for (let i = 0; i < gin; i++)
            for (let a = 0; a < kh; a++) {
              const row = r * o.stride[0] + a * o.dilation[0] - o.padding[0];
              if (row < 0 || row >= h) continue;
              for (let c = 0; c < kw; c++) {
                const col = q * o.stride[1] + c * o.dilation[1] - o.padding[1];
                if (col < 0 || col >= wd) continue;
                sum +=
                  w.data[((oc * gin + i) * kh + a) * kw + c] * x.data[((b * cin + first + i) * h + row) * wd + col];
              }
            }
          y[((b * cout + oc) * ho + r) * wo + q] = sum;
        }
    }
  return y;
}

/** conv_transpose2d from its definition (a scatter), in float64: x(n, i, r, q)·w(i, o, a, c) lands on (r·s + a·d − p, …). */
function transposedReference(
  x: Tensor,
  w: Tensor,
  bias: Float32Array | undefined,
  o: Options & { outputPadding: [number, number] },
): Float64Array {
  const [n, cin, h, wd] = x.shape;
  const [, gout, kh, kw] = w.shape;
  const gin = cin / o.groups;
  const ho = (h - 1) * o.stride[0] - 2 * o.padding[0] + o.dilation[0] * (kh - 1) + o.outputPadding[0] + 1;
  const wo = (wd - 1) * o.stride[1] - 2 * o.padding[1] + o.dilation[1] * (kw - 1) + o.outputPadding[1] + 1;
  const cout = gout * o.groups;
  const y = new Float64Array(n * cout * ho * wo);
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < cout; oc++)
      y.fill(bias ? bias[oc] : 0, (b * cout + oc) * ho * wo, (b * cout + oc + 1) * ho * wo);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < cin; i++) {
      const group = Math.floor(i / gin);
      for (let j = 0; j < gout; j++) {
        const oc = group * gout + j;
        for (let r = 0; r < h; r++)
          for (let q = 0; q < wd; q++) {
            const v = x.data[((b * cin + i) * h + r) * wd + q];
            for (let a = 0; a < kh; a++) {
              const row = r * o.stride[0] + a * o.dilation[0] - o.padding[0];
              if (row < 0 || row >= ho) continue;
              for (let c = 0; c < kw; c++) {
                const col = q * o.stride[1] + c * o.dilation[1] - o.padding[1];
                if (col < 0 || col >= wo) continue;
                y[((b * cout + oc) * ho + row) * wo + col] += v * w.data[((i * gout + j) * kh + a) * kw + c];
              }
            }
          }
      }
    }
  return y;
}

interface Crossing {
  writing: boolean;
  n: number;
  channel: number;
  channels: number;
  row: number;
  rows: number;
}

/** Runs `call` with every core.tconvRows call recorded (and passed on). */
function crossings(call: () => void): Crossing[] {
  const handler = core.tconvRows!;
  const seen: Crossing[] = [];
  core.tconvRows = (writing, n, channel, channels, row, rows, at) => {
    seen.push({ writing: writing === 1, n, channel, channels, row, rows });
    return handler(writing, n, channel, channels, row, rows, at);
  };
  try {
    call();
  } finally {
    core.tconvRows = handler;
  }
  return seen;
}

// Widths over 1,000 make bands of a few rows; 1–6 output channels per group
// make channel blocks of 4 and their remainders.
const CASES: { shape: number[]; cout: number; k: [number, number]; options: Options; bias: boolean }[] = [
  { shape: [2, 3, 30, 1100], cout: 3, k: [3, 3], options: opts([1, 1], [1, 1], [1, 1], 1), bias: true },
  { shape: [1, 2, 25, 1300], cout: 6, k: [3, 2], options: opts([2, 1], [2, 0], [1, 2], 1), bias: false },
  { shape: [2, 6, 21, 1030], cout: 9, k: [2, 3], options: opts([1, 1], [0, 3], [2, 1], 3), bias: true },
  { shape: [3, 17, 1500], cout: 5, k: [5, 1], options: opts([3, 1], [2, 0], [1, 1], 1), bias: true },
  { shape: [1, 4, 70, 60], cout: 4, k: [1, 1], options: opts([1, 1], [0, 0], [1, 1], 2), bias: false },
];

function opts(stride: [number, number], padding: [number, number], dilation: [number, number], groups: number) {
  return { stride, padding, dilation, groups };
}

describe('a streamed conv2d', () => {
  it('equals conv2d from its definition, across bands, batches, groups and channel blocks', () => {
    CASES.forEach(({ shape, cout, k, options, bias: withBias }, index) => {
      const batched = shape.length === 4 ? shape : [1, ...shape];
      const x = randomTensor(shape, 10 + index);
      const w = randomTensor([cout, batched[1] / options.groups, ...k], 20 + index);
      const bias = withBias ? randomTensor([cout], 30 + index).data : undefined;
      const expected = reference({ data: x.data, shape: batched }, w, bias, options);
      let fresh: Tensor | undefined;
      const seen = crossings(() => {
        fresh = tc.conv2d(x, w, { ...options, bias });
      });
      expect(seen.length, `case ${index} streams`).toBeGreaterThan(0);
      expectClose(fresh!.data, expected, 1e-5, 1e-5);
      expect(fresh!.shape.length).toBe(shape.length);
      const out = new Float32Array(fresh!.data.length).fill(Number.NaN);
      const into = tc.conv2d(x, w, { ...options, bias, out });
      expect(into.data).toBe(out);
      expect(Array.from(out)).toEqual(Array.from(fresh!.data));
    });
  });

  it('hands over every result row once and reads only rows of the input', () => {
    const x = randomTensor([2, 3, 30, 1100], 1);
    const w = randomTensor([6, 1, 3, 3], 2);
    const options = { padding: [1, 1] as [number, number], groups: 3 };
    let result: Tensor | undefined;
    const seen = crossings(() => {
      result = tc.conv2d(x, w, options);
    });
    const [n, c, h] = result!.shape;
    const written = new Map<string, number>();
    let read = 0;
    for (const s of seen) {
      expect(s.n).toBeLessThan(n);
      expect(s.rows).toBeGreaterThan(0);
      if (s.writing) {
        expect(s.channel + s.channels).toBeLessThanOrEqual(c);
        expect(s.row + s.rows).toBeLessThanOrEqual(h);
        for (let ch = s.channel; ch < s.channel + s.channels; ch++)
          for (let r = s.row; r < s.row + s.rows; r++)
            written.set(`${s.n} ${ch} ${r}`, (written.get(`${s.n} ${ch} ${r}`) ?? 0) + 1);
      } else {
        expect(s.channel + s.channels).toBeLessThanOrEqual(3);
        expect(s.row + s.rows).toBeLessThanOrEqual(30);
        read += s.channels * s.rows;
      }
    }
    expect(written.size).toBe(n * c * h);
    expect([...written.values()].every((times) => times === 1)).toBe(true);
    // Each band re-reads the 2 rows its neighbour needs too: at most a few more rows than the input has.
    expect(read).toBeGreaterThanOrEqual(2 * 3 * 30);
    expect(read).toBeLessThan(2 * 3 * 30 * 1.5);
    expectClose(
      result!.data,
      reference({ data: x.data, shape: x.shape }, w, undefined, opts([1, 1], [1, 1], [1, 1], 3)),
      1e-5,
      1e-5,
    );
  });

  it('is used only where the core computes in bands of rows, from 16 Ki input elements', () => {
    const x = randomTensor([1, 2, 100, 100], 3);
    const w = randomTensor([2, 2, 3, 3], 4);
    expect(crossings(() => tc.conv2d(x, w)).length).toBeGreaterThan(0);
    expect(crossings(() => tc.conv2d(x, w, { stride: [1, 2] })).length).toBe(0); // column stride 2
    expect(crossings(() => tc.conv2d(randomTensor([1, 2, 3000, 5], 5), w)).length).toBe(0); // 3 wide: the direct loop
    expect(crossings(() => tc.conv2d(randomTensor([1, 2, 90, 90], 5), w)).length).toBe(0); // 16,200 elements: whole
    const w4 = randomTensor([2, 2, 4, 4], 6);
    expect(crossings(() => tc.convTranspose2d(x, w4, { stride: 2 })).length).toBeGreaterThan(0);
    expect(crossings(() => tc.convTranspose2d(x, w4, { stride: [2, 3] })).length).toBe(0); // column stride 3
    const explainer = randomTensor([1, 1, 2, 2], 7); // 2×2 → 5×5
    expect(crossings(() => tc.convTranspose2d(explainer, randomTensor([1, 1, 3, 3], 8), { stride: 2 })).length).toBe(0);
    expect(crossings(() => tc.conv2d(randomTensor([1, 1, 4, 4], 7), randomTensor([1, 1, 3, 3], 8))).length).toBe(0);
    const rich = randomTensor([1, 16, 40, 40], 9); // 16 input channels: a matrix product
    expect(crossings(() => tc.convTranspose2d(rich, randomTensor([16, 2, 4, 4], 10), { stride: 2 })).length).toBe(0);
  });

  it('frees what it allocates: 1,000 streamed calls leave the heap where it was', () => {
    const x = randomTensor([1, 3, 64, 300], 11);
    const w = randomTensor([3, 3, 3, 3], 12);
    const out = new Float32Array(3 * 64 * 300);
    tc.conv2d(x, w, { padding: 1 });
    const before = tc.heapInUse();
    const seen = crossings(() => {
      for (let i = 0; i < 500; i++) {
        tc.conv2d(x, w, { padding: 1 });
        tc.convTranspose2d(x, w, { padding: 1, out });
      }
    });
    expect(seen.length).toBeGreaterThan(1000);
    expect(tc.heapInUse()).toBe(before);
  });

  it('convTranspose2d equals its definition, across bands, batches, groups and both column strides', () => {
    const cases: {
      shape: number[];
      gout: number;
      k: [number, number];
      options: Options & { outputPadding: [number, number] };
    }[] = [
      {
        shape: [2, 3, 20, 520],
        gout: 3,
        k: [4, 4],
        options: { ...opts([2, 2], [1, 1], [1, 1], 1), outputPadding: [0, 0] },
      },
      {
        shape: [1, 6, 13, 700],
        gout: 2,
        k: [3, 2],
        options: { ...opts([3, 1], [1, 0], [1, 2], 3), outputPadding: [2, 0] },
      },
      {
        shape: [2, 21, 600],
        gout: 5,
        k: [2, 3],
        options: { ...opts([1, 2], [0, 1], [2, 1], 1), outputPadding: [0, 1] },
      },
    ];
    cases.forEach(({ shape, gout, k, options }, index) => {
      const batched = shape.length === 4 ? shape : [1, ...shape];
      const x = randomTensor(shape, 40 + index);
      const w = randomTensor([batched[1], gout, ...k], 50 + index);
      const bias = randomTensor([gout * options.groups], 60 + index).data;
      let fresh: Tensor | undefined;
      const seen = crossings(() => {
        fresh = tc.convTranspose2d(x, w, { ...options, bias });
      });
      expect(seen.length, `case ${index} streams`).toBeGreaterThan(0);
      expectClose(fresh!.data, transposedReference({ data: x.data, shape: batched }, w, bias, options), 1e-5, 1e-5);
      const out = new Float32Array(fresh!.data.length).fill(Number.NaN);
      tc.convTranspose2d(x, w, { ...options, bias, out });
      expect(Array.from(out)).toEqual(Array.from(fresh!.data));
    });
  });

  it('fails with an Error naming conv2d when a band cannot be copied, and the module keeps working', () => {
    const x = randomTensor([1, 3, 400, 300], 7); // bands of about 70 rows
    const w = randomTensor([3, 3, 3, 3], 8);
    const good = tc.conv2d(x, w, { padding: 1 });
    const handler = core.tconvRows!;
    const heap = tc.heapInUse();
    for (const failing of [0, 1]) {
      let calls = 0;
      // The wrapper's handler never throws; this one reports a failure on its third crossing of each kind.
      core.tconvRows = (writing, ...rest) => (writing === failing && ++calls === 3 ? 1 : handler(writing, ...rest));
      try {
        expect(() => tc.conv2d(x, w, { padding: 1 })).toThrow(/^conv2d: .*could not copy the rows/);
      } finally {
        core.tconvRows = handler;
      }
      expect(tc.heapInUse()).toBe(heap);
      expect(Array.from(tc.conv2d(x, w, { padding: 1 }).data)).toEqual(Array.from(good.data));
    }
  });

  it('reads an input that is a view of the module memory, which its allocations may detach', () => {
    const x = randomTensor([1, 2, 80, 200], 9);
    const w = randomTensor([4, 2, 64, 128], 10); // 256 KB: prepare allocates it
    const expected = tc.conv2d(x, w);
    const at = core._malloc(x.data.length * 4);
    const fillers: number[] = [];
    try {
      // Fill the heap until at most ~128 KB is free, so that prepare's copy of
      // the weight must grow the memory (and detach the input's view).
      let memory = core.HEAPF32.buffer;
      for (let tries = 0; tries < 8 && core.HEAPF32.buffer === memory; tries++) {
        let last = 0;
        while (core.HEAPF32.buffer === memory) fillers.push((last = core._malloc(1 << 16)));
        memory = core.HEAPF32.buffer;
        const free = memory.byteLength - (last + (1 << 16));
        if (free > 1 << 18) fillers.push(core._malloc(free - (1 << 17)));
      }
      expect(core.HEAPF32.buffer).toBe(memory);
      const view = core.HEAPF32.subarray(at / 4, at / 4 + x.data.length);
      view.set(x.data);
      const result = tc.conv2d({ data: view, shape: x.shape }, w);
      expect(core.HEAPF32.buffer, 'the call grew the memory (else this test tests nothing)').not.toBe(memory);
      expect(Array.from(result.data)).toEqual(Array.from(expected.data));
    } finally {
      core._free(at);
      for (const p of fillers) core._free(p);
    }
  });
});
