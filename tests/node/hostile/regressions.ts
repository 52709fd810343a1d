// The reproduced holes (and this suite's own finds) as fixed cases,
// built from the seed example's conv2d and a small bicubic up-sampling.
import type { Fn } from './calls.js';
import type { Case } from './mutations.js';

const seedConv = { unbatched: false, batch: 1, groups: 1, cinG: 1, coutG: 1, h: 4, w: 4, kh: 3, kw: 3 };
const conv = (extra: object = {}) => ({
  ...seedConv,
  stride: 1,
  padding: 0,
  dilation: 1,
  bias: false,
  seed: 1,
  ...extra,
});
const convT = (extra: object = {}) => conv({ outputPadding: 0, ...extra });
const up = (extra: object = {}) => ({
  w: 4,
  h: 4,
  opaque: false,
  method: 'bicubic',
  factor: 2,
  size: undefined,
  align: undefined,
  k: 3,
  progress: false,
  into: false,
  begin: 2,
  rows: 2,
  margin: 0,
  seed: 3,
  ...extra,
});

/** The reproduced holes (and this suite's own finds), one test each, whatever the random cases draw. */
export const REGRESSIONS: [string, Fn, Case][] = [
  [
    'item 1: a data getter answers 16 floats, then 60,000',
    'conv2d',
    { base: conv(), path: 'input.data', mutation: 'getter that changes' },
  ],
  [
    'item 1: a weight getter answers 9 floats, then 60,000',
    'conv2d',
    { base: conv(), path: 'weight.data', mutation: 'getter that changes' },
  ],
  [
    'item 1: a Float32Array whose length claims 16 of its 8',
    'conv2d',
    { base: conv(), path: 'input.data', mutation: 'length lies: short data' },
  ],
  [
    'item 1: a Float32Array whose length says 60,000',
    'conv2d',
    { base: conv(), path: 'weight.data', mutation: 'length says 60000' },
  ],
  [
    'item 1: lying image data',
    'upsampleImage',
    { base: up(), path: 'image.data', mutation: 'length lies: short data' },
  ],
  [
    'item 1: lying into',
    'upsampleImage',
    { base: up({ into: true }), path: 'options.into', mutation: 'into lying about its length' },
  ],
  [
    'item 1: lying data in imageDifference',
    'imageDifference',
    { base: { w: 3, h: 2, gain: 4, seed: 1 }, path: 'a.data', mutation: 'length lies: short data' },
  ],
  [
    'item 2: onProgress throws (bicubic)',
    'upsampleImage',
    { base: up({ progress: true }), path: 'options.onProgress', mutation: 'onProgress throws an Error' },
  ],
  ['item 3: groups 2**32 + 1', 'conv2d', { base: conv(), path: 'options.groups', mutation: '2**32 + 1' }],
  ['item 3: groups 2**40', 'conv2d', { base: conv(), path: 'options.groups', mutation: '2**40' }],
  ['item 3: groups 2**40, transposed', 'convTranspose2d', { base: convT(), path: 'options.groups', mutation: '2**40' }],
  ['item 3: groups 2**53, transposed', 'convTranspose2d', { base: convT(), path: 'options.groups', mutation: '2**53' }],
  [
    'item 3: imageHeight 2**31',
    'upsampleBand',
    { base: up({ method: 'bilinear' }), path: 'where.imageHeight', mutation: '2**31' },
  ],
  [
    'item 4: [1, 1, 1, 1100] input, stride [1e9, 1]',
    'convTranspose2d',
    { base: convT({ h: 1, w: 1100, kh: 1, kw: 1, stride: [1, 1] }), path: 'options.stride.0', mutation: '1e9' },
  ],
  [
    'item 4: a batch of 1,100',
    'convTranspose2d',
    { base: convT({ batch: 1100, h: 1, w: 1, kh: 1, kw: 1 }), path: 'options.stride', mutation: 'getter' },
  ],
  [
    'item 4: interpolate to size [2**28, 1]',
    'interpolate',
    {
      base: { n: 1, c: 2, h: 3, w: 3, mode: 'nearest', size: [1, 1], scale: 2, align: undefined, seed: 1 },
      path: 'options.size.0',
      mutation: '2**28',
    },
  ],
  [
    'item 4: scaleFactor 1e8',
    'interpolate',
    {
      base: { n: 1, c: 2, h: 3, w: 3, mode: 'bilinear', size: undefined, scale: [2, 3], align: undefined, seed: 1 },
      path: 'options.scaleFactor.1',
      mutation: '1e8',
    },
  ],
  ['item 5: padding 2**40', 'conv2d', { base: conv(), path: 'options.padding', mutation: '2**40' }],
  ['item 5: dilation 2**31', 'conv2d', { base: conv(), path: 'options.dilation', mutation: '2**31' }],
  [
    'item 5: padding 2**31, transposed',
    'convTranspose2d',
    { base: convT(), path: 'options.padding', mutation: '2**31' },
  ],
  [
    'item 6: NaN in a user kernel',
    'upsampleImage',
    { base: up({ method: 'transposed' }), path: 'options.kernel.data', mutation: 'NaN inside' },
  ],
  [
    'item 8: 16 channels, 17×17, stride 3, 1×1 kernel',
    'convTranspose2d',
    {
      base: convT({ cinG: 16, coutG: 16, h: 17, w: 17, kh: 1, kw: 1, stride: 3 }),
      path: 'options.stride',
      mutation: 'getter',
    },
  ],
  [
    'found here: dilation 20000 with a 2×1 kernel (output 20001 × 2) must not take seconds',
    'convTranspose2d',
    {
      base: convT({ unbatched: true, h: 1, w: 1, kh: 2, kw: 1, dilation: 2, outputPadding: [0, 1] }),
      path: 'options.dilation',
      mutation: '20000',
    },
  ],
];
