// Every WASM allocation is freed: 1,000 calls of each function, on the success
// and the error path, leave malloc's bytes in use and Embind's handle count
// where they were.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { wrapCore } from '../../web/lib/tconv.js';
import type { Tconv } from '../../web/lib/types.js';
import createCore from '../../web/wasm/core.mjs';
import { randomTensor } from './helpers.js';

// The raw module too, for Embind's handle counter and malloc.
const core = await createCore({ wasmBinary: readFileSync(new URL('../../web/wasm/core.wasm', import.meta.url)) });
const tc = wrapCore(core);

const x = randomTensor([1, 2, 16, 16], 1);
const w = randomTensor([2, 2, 3, 3], 2);
const bias = new Float32Array([0.5, -0.5]);
const grad = randomTensor([1, 2, 8, 8], 3); // conv2d(x, w, { padding: 1, stride: 2 })'s shape
const eightChannels = randomTensor([2, 8, 4, 4], 5);
const gradT = randomTensor([1, 2, 32, 32], 4); // convTranspose2d(x, w, { stride: 2, padding: 1, outputPadding: 1 })'s
const image = { data: new Uint8ClampedArray(8 * 8 * 4).fill(77), width: 8, height: 8 };

const calls: Record<string, (tc: Tconv) => unknown> = {
  conv2d: (tc) => tc.conv2d(x, w, { bias, padding: 1 }),
  convTranspose2d: (tc) => tc.convTranspose2d(x, w, { bias, stride: 2, padding: 1, outputPadding: 1 }),
  interpolate: (tc) => tc.interpolate(x, { mode: 'bicubic', scaleFactor: 1.5 }),
  convMatrix: (tc) => tc.convMatrix({ inputSize: [8, 8], kernelSize: [3, 3], stride: 2 }),
  conv2dOutputSize: (tc) => tc.conv2dOutputSize([16, 16], [3, 3], { stride: 2 }),
  convTranspose2dOutputSize: (tc) => tc.convTranspose2dOutputSize([16, 16], [3, 3], { stride: 2 }),
  upsampleImage: (tc) => tc.upsampleImage(image, { method: 'bicubic', factor: 2, onProgress: () => {} }),
  upsampleBand: (tc) =>
    tc.upsampleBand(
      image,
      { method: 'transposed-bilinear', factor: 2 },
      {
        imageHeight: image.height,
        firstRow: 0,
        outputRows: [1, 3],
        opaque: false,
      },
    ),
  'upsampleImage into': (tc) =>
    tc.upsampleImage(image, {
      method: 'bilinear',
      factor: 2,
      into: new Uint8ClampedArray(4 * image.width * image.height * 4),
    }),
  upsampleInputRows: (tc) => tc.upsampleInputRows(image, { method: 'bicubic', factor: 3 }, [2, 5]),
  imageDifference: (tc) => tc.imageDifference(image, image, 4),
  bilinearKernel: (tc) => tc.bilinearKernel(3),
  conv2dBackward: (tc) => tc.conv2dBackward(grad, x, w, { padding: 1, stride: 2 }),
  convTranspose2dBackward: (tc) => tc.convTranspose2dBackward(gradT, x, w, { stride: 2, padding: 1, outputPadding: 1 }),
  pixelShuffle: (tc) => tc.pixelShuffle(eightChannels, 2),
  pixelUnshuffle: (tc) => tc.pixelUnshuffle(x, 4),
  'conv2d error': (tc) => tc.conv2d(x, w, { groups: 3 }),
  'convTranspose2d error': (tc) => tc.convTranspose2d(x, w, { stride: 2, outputPadding: 2 }),
  'interpolate error': (tc) => tc.interpolate(x, { mode: 'nearest', scaleFactor: 0 }),
  'upsampleImage error': (tc) => tc.upsampleImage(image, { method: 'transposed' }),
  'upsampleBand error': (tc) =>
    tc.upsampleBand(
      image,
      { method: 'bilinear', factor: 2 },
      {
        imageHeight: 100,
        firstRow: 50,
        outputRows: [0, 4],
        opaque: false,
      },
    ),
  'convMatrix error': (tc) => tc.convMatrix({ inputSize: [2, 2], kernelSize: [3, 3] }),
  'conv2dBackward error': (tc) => tc.conv2dBackward(x, x, w),
  'convTranspose2dBackward error': (tc) => tc.convTranspose2dBackward(gradT, x, w, { groups: 2, outputPadding: 1 }),
  'pixelShuffle error': (tc) => tc.pixelShuffle(x, 3),
};

describe('no memory leaks', () => {
  it('the measure sees a leak', () => {
    const raw = core as unknown as { _malloc(n: number): number; _free(p: number): void };
    const before = tc.heapInUse();
    const p = raw._malloc(4096);
    expect(tc.heapInUse()).toBeGreaterThanOrEqual(before + 4096);
    raw._free(p);
    expect(tc.heapInUse()).toBe(before);
  });

  it.each(Object.keys(calls))('%s ×1000 leaves the heap unchanged', (name) => {
    const call = calls[name];
    const once = () => {
      try {
        call(tc);
      } catch (e) {
        if (!name.endsWith('error')) throw e;
      }
    };
    once(); // first call may allocate lasting runtime state
    const before = tc.heapInUse();
    const handles = core.count_emval_handles();
    for (let i = 0; i < 1000; i++) once();
    expect(tc.heapInUse()).toBe(before);
    expect(core.count_emval_handles()).toBe(handles);
  });
});
