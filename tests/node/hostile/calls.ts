// The valid calls the hostile suite starts from: the API functions, their
// documented parameter names, and a fast-check arbitrary of small valid
// arguments for each (makeArgs turns one into the call's plain arguments).
import fc from 'fast-check';

import type { Tconv, UpsampleMethod } from '../../../web/lib/types.js';
import { INTERPOLATION_METHODS, KERNEL_METHODS, METHODS } from '../../../web/upsampler/shared/protocol.js';
import { randomTensor } from '../helpers.js';

export const FUNCTIONS = [
  'conv2d',
  'convTranspose2d',
  'interpolate',
  'convMatrix',
  'conv2dOutputSize',
  'convTranspose2dOutputSize',
  'upsampleImage',
  'upsampleBand',
  'upsampleInputRows',
  'imageDifference',
  'bilinearKernel',
] as const;
export type Fn = (typeof FUNCTIONS)[number];

/** The documented parameter names, in order. */
export const PARAMS: Record<Fn, string[]> = {
  conv2d: ['input', 'weight', 'options'],
  convTranspose2d: ['input', 'weight', 'options'],
  interpolate: ['input', 'options'],
  convMatrix: ['options', 'kernel'],
  conv2dOutputSize: ['inputSize', 'kernelSize', 'options'],
  convTranspose2dOutputSize: ['inputSize', 'kernelSize', 'options'],
  upsampleImage: ['image', 'options'],
  upsampleBand: ['band', 'options', 'where'],
  upsampleInputRows: ['size', 'options', 'outputRows'],
  imageDifference: ['a', 'b', 'gain'],
  bilinearKernel: ['factor'],
};

export type Base = Record<string, unknown>;
type N = number | [number, number];

const int = (min: number, max: number) => fc.integer({ min, max });
const pairOrNumber = (min: number, max: number): fc.Arbitrary<N> =>
  fc.oneof(int(min, max), fc.tuple(int(min, max), int(min, max)));
export const both = (p: N): [number, number] => (typeof p === 'number' ? [p, p] : p);
const seed = int(0, 2 ** 31 - 1);

function convFits(b: Base, transposed: boolean): boolean {
  const [s, p, d] = [both(b.stride as N), both(b.padding as N), both(b.dilation as N)];
  const op = both((b.outputPadding as N) ?? 0);
  const k = [b.kh as number, b.kw as number];
  const x = [b.h as number, b.w as number];
  return [0, 1].every((i) =>
    transposed
      ? (op[i] < s[i] || op[i] < d[i]) && (x[i] - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + op[i] >= 0
      : x[i] + 2 * p[i] >= d[i] * (k[i] - 1) + 1,
  );
}

const convBase = (transposed: boolean) =>
  fc
    .record({
      unbatched: fc.boolean(),
      batch: int(1, 2),
      groups: int(1, 2),
      cinG: int(1, 2),
      coutG: int(1, 2),
      h: int(1, 5),
      w: int(1, 5),
      kh: int(1, 3),
      kw: int(1, 3),
      stride: pairOrNumber(1, 3),
      padding: pairOrNumber(0, 2),
      dilation: pairOrNumber(1, 2),
      outputPadding: transposed ? pairOrNumber(0, 1) : fc.constant(undefined),
      bias: fc.boolean(),
      seed,
    })
    .filter((b) => convFits(b, transposed));

const interpolateBase = fc
  .record({
    n: int(1, 2),
    c: int(2, 3), // one channel takes torch's channels-last nearest quirk, which the reference leaves out
    h: int(1, 5),
    w: int(1, 5),
    mode: fc.constantFrom('nearest', 'nearest-exact', 'bilinear', 'bicubic'),
    size: fc.option(pairOrNumber(1, 8), { nil: undefined }),
    scale: fc.constantFrom<N>(0.5, 1.5, 2, 2.5, 3, [2, 3], [1.5, 0.5]),
    align: fc.option(fc.boolean(), { nil: undefined }),
    seed,
  })
  .map((b) => (b.mode.startsWith('nearest') ? { ...b, align: undefined } : b))
  .filter((b) => b.size !== undefined || [b.h, b.w].every((x, i) => Math.floor(x * both(b.scale)[i]) >= 1));

const matrixBase = fc
  .record({
    h: int(1, 5),
    w: int(1, 5),
    kh: int(1, 3),
    kw: int(1, 3),
    stride: pairOrNumber(1, 2),
    padding: pairOrNumber(0, 1),
    dilation: pairOrNumber(1, 2),
    kernel: fc.boolean(),
    seed,
  })
  .filter((b) => convFits(b, false));

const sizeBase = (transposed: boolean) =>
  fc
    .record({
      h: int(1, 20),
      w: int(1, 20),
      kh: int(1, 5),
      kw: int(1, 5),
      stride: pairOrNumber(1, 3),
      padding: pairOrNumber(0, 2),
      dilation: pairOrNumber(1, 2),
      outputPadding: transposed ? pairOrNumber(0, 1) : fc.constant(undefined),
    })
    .filter((b) => convFits(b, transposed));

const upsampleBase = fc
  .record({
    w: int(1, 5),
    h: int(2, 5),
    opaque: fc.boolean(),
    method: fc.constantFrom(...METHODS),
    factor: fc.option(int(2, 4), { nil: undefined }),
    size: fc.option(fc.tuple(int(1, 10), int(1, 10)), { nil: undefined }),
    align: fc.option(fc.boolean(), { nil: undefined }),
    k: int(1, 3),
    progress: fc.boolean(),
    into: fc.boolean(),
    begin: int(0, 9), // output rows [begin, begin + rows) for bands and upsampleInputRows, within the result
    rows: int(1, 3),
    margin: int(0, 1),
    seed,
  })
  .map((b) => ({
    ...b,
    size: INTERPOLATION_METHODS.includes(b.method) ? b.size : undefined,
    align: b.method === 'bilinear' || b.method === 'bicubic' ? b.align : undefined,
  }));

const differenceBase = fc.record({
  w: int(1, 4),
  h: int(1, 4),
  gain: fc.constantFrom(undefined, 0.5, 1, 3, 8),
  seed,
});

export const BASES: Record<Fn, fc.Arbitrary<Base>> = {
  conv2d: convBase(false),
  convTranspose2d: convBase(true),
  interpolate: interpolateBase,
  convMatrix: matrixBase,
  conv2dOutputSize: sizeBase(false),
  convTranspose2dOutputSize: sizeBase(true),
  upsampleImage: upsampleBase,
  upsampleBand: upsampleBase,
  upsampleInputRows: upsampleBase,
  imageDifference: differenceBase,
  bilinearKernel: fc.record({ factor: int(1, 6) }),
};

function pixels(w: number, h: number, opaque: boolean, s: number): Uint8ClampedArray {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 73 + s * 29 + (i >> 2) * 11) % 256;
  if (opaque) for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return data;
}

function upsampleOptions(b: Base, outputLength: number): Record<string, unknown> {
  const o: Record<string, unknown> = { method: b.method };
  if (b.factor !== undefined) o.factor = b.factor;
  if (b.size !== undefined) o.size = b.size;
  if (b.align !== undefined) o.alignCorners = b.align;
  if (KERNEL_METHODS.includes(b.method as UpsampleMethod)) {
    const k = b.k as number;
    o.kernel = { data: randomTensor([k * k], b.seed as number).data.map((v) => Math.abs(v) / k), shape: [k, k] };
  }
  if (b.progress) o.onProgress = () => {};
  if (b.into) o.into = new Uint8ClampedArray(outputLength);
  return o;
}

/** Rows of the whole result of the base's up-sampling. */
export const resultRows = (b: Base) =>
  b.size ? (b.size as number[])[0] : (b.h as number) * ((b.factor as number) ?? 2);
export const resultWidth = (b: Base) =>
  b.size ? (b.size as number[])[1] : (b.w as number) * ((b.factor as number) ?? 2);

/**
 * The plain, valid arguments of a base call. upsampleBand asks the module which
 * rows its band needs; without a module (listing a case's paths) the band is the whole image.
 */
export function makeArgs(fn: Fn, b: Base, tc?: Tconv): unknown[] {
  const s = (b.seed as number) ?? 0;
  switch (fn) {
    case 'conv2d':
    case 'convTranspose2d': {
      const t = fn === 'convTranspose2d';
      const g = b.groups as number;
      const [cin, cout] = [(b.cinG as number) * g, (b.coutG as number) * g];
      const shape = [cin, b.h as number, b.w as number];
      const input = randomTensor(b.unbatched ? shape : [b.batch as number, ...shape], s);
      const weight = randomTensor(
        t
          ? [cin, b.coutG as number, b.kh as number, b.kw as number]
          : [cout, b.cinG as number, b.kh as number, b.kw as number],
        s + 1,
      );
      const options: Record<string, unknown> = {
        stride: b.stride,
        padding: b.padding,
        dilation: b.dilation,
        groups: g,
      };
      if (t) options.outputPadding = b.outputPadding;
      if (b.bias) options.bias = randomTensor([cout], s + 2).data;
      return [input, weight, options];
    }
    case 'interpolate': {
      const o: Record<string, unknown> = { mode: b.mode };
      if (b.size !== undefined) o.size = b.size;
      else o.scaleFactor = b.scale;
      if (b.align !== undefined) o.alignCorners = b.align;
      return [randomTensor([b.n, b.c, b.h, b.w] as number[], s), o];
    }
    case 'convMatrix': {
      const o = {
        inputSize: [b.h, b.w],
        kernelSize: [b.kh, b.kw],
        stride: b.stride,
        padding: b.padding,
        dilation: b.dilation,
      };
      return [o, b.kernel ? randomTensor([(b.kh as number) * (b.kw as number)], s).data : undefined];
    }
    case 'conv2dOutputSize':
    case 'convTranspose2dOutputSize': {
      const o: Record<string, unknown> = { stride: b.stride, padding: b.padding, dilation: b.dilation };
      if (fn === 'convTranspose2dOutputSize') o.outputPadding = b.outputPadding;
      return [[b.h, b.w], [b.kh, b.kw], o];
    }
    case 'upsampleImage': {
      const image = { data: pixels(b.w as number, b.h as number, b.opaque as boolean, s), width: b.w, height: b.h };
      return [image, upsampleOptions(b, resultRows(b) * resultWidth(b) * 4)];
    }
    case 'upsampleBand': {
      const [w, h] = [b.w as number, b.h as number];
      const whole = pixels(w, h, b.opaque as boolean, s);
      const rows = resultRows(b);
      const begin = (b.begin as number) % rows;
      const outputRows: [number, number] = [begin, Math.min(rows, begin + (b.rows as number))];
      const options = upsampleOptions(b, (outputRows[1] - outputRows[0]) * resultWidth(b) * 4);
      const needed = tc?.upsampleInputRows(
        { width: w, height: h },
        { ...options, into: undefined } as never,
        outputRows,
      ) ?? [0, h];
      const first = Math.max(0, needed[0] - (b.margin as number));
      const end = Math.min(h, needed[1] + (b.margin as number));
      const band = { data: whole.slice(first * w * 4, end * w * 4), width: w, height: end - first };
      return [band, options, { imageHeight: h, firstRow: first, outputRows, opaque: b.opaque }];
    }
    case 'upsampleInputRows': {
      const rows = resultRows(b);
      const begin = (b.begin as number) % rows;
      const options = upsampleOptions(b, 0);
      delete options.into;
      return [{ width: b.w, height: b.h }, options, [begin, Math.min(rows, begin + (b.rows as number))]];
    }
    case 'imageDifference': {
      const [w, h] = [b.w as number, b.h as number];
      const args: unknown[] = [
        { data: pixels(w, h, false, s), width: w, height: h },
        { data: pixels(w, h, true, s + 7), width: w, height: h },
      ];
      if (b.gain !== undefined) args.push(b.gain);
      return args;
    }
    case 'bilinearKernel':
      return [b.factor];
  }
}
