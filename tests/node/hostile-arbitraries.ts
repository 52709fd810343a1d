// Generators for the hostile-argument suite (hostile.test.ts). A case is plain
// data that fast-check can print and shrink: a valid base call, the path of one
// argument, and what to do to it ("a getter that answers 60,000 floats on its
// second read", "2**32 + 1", ...). build() turns a case into the hostile
// arguments plus the honest alternatives: plain values a caller who read every
// property once would have seen, which the oracles judge.
import fc from 'fast-check';

import type { Tconv, UpsampleMethod } from '../../web/lib/types.js';
import { randomTensor } from './helpers.js';

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

export const METHODS: UpsampleMethod[] = [
  'nearest',
  'bilinear',
  'bicubic',
  'transposed-bilinear',
  'transposed',
  'resize-conv-nearest',
  'resize-conv-bilinear',
];
export const KERNEL_METHODS: UpsampleMethod[] = ['transposed', 'resize-conv-nearest', 'resize-conv-bilinear'];
export const INTERPOLATION_METHODS: UpsampleMethod[] = ['nearest', 'bilinear', 'bicubic'];

// ---------------------------------------------------------------- base calls

export type Base = Record<string, unknown>;
type N = number | [number, number];

const int = (min: number, max: number) => fc.integer({ min, max });
const pairOrNumber = (min: number, max: number): fc.Arbitrary<N> =>
  fc.oneof(int(min, max), fc.tuple(int(min, max), int(min, max)));
const both = (p: N): [number, number] => (typeof p === 'number' ? [p, p] : p);
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
const resultRows = (b: Base) => (b.size ? (b.size as number[])[0] : (b.h as number) * ((b.factor as number) ?? 2));
const resultWidth = (b: Base) => (b.size ? (b.size as number[])[1] : (b.w as number) * ((b.factor as number) ?? 2));

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

// ---------------------------------------------------------------- paths

/** What sits at a path: picks the mutations that apply and the "other" value a changing getter answers. */
export type Kind =
  | 'tensor'
  | 'f32'
  | 'shape'
  | 'dim'
  | 'pair'
  | 'int'
  | 'real'
  | 'options'
  | 'string'
  | 'bool'
  | 'image'
  | 'u8'
  | 'size'
  | 'where'
  | 'fn'
  | 'into';

const tensorPaths = (p: string, rank: number): [string, Kind][] => [
  [p, 'tensor'],
  [`${p}.data`, 'f32'],
  [`${p}.shape`, 'shape'],
  ...Array.from({ length: rank }, (_, i): [string, Kind] => [`${p}.shape.${i}`, 'dim']),
];
const pairPaths = (p: string, element: Kind = 'int'): [string, Kind][] => [
  [p, 'pair'],
  [`${p}.0`, element],
  [`${p}.1`, element],
];
const imagePaths = (p: string): [string, Kind][] => [
  [p, 'image'],
  [`${p}.data`, 'u8'],
  [`${p}.width`, 'int'],
  [`${p}.height`, 'int'],
];
const convOptionPaths = (p: string, transposed: boolean): [string, Kind][] => [
  [p, 'options'],
  ...pairPaths(`${p}.stride`),
  ...pairPaths(`${p}.padding`),
  ...pairPaths(`${p}.dilation`),
  ...(transposed ? pairPaths(`${p}.outputPadding`) : []),
];
const upsampleOptionPaths: [string, Kind][] = [
  ['options', 'options'],
  ['options.method', 'string'],
  ['options.factor', 'int'],
  ...pairPaths('options.size'),
  ['options.alignCorners', 'bool'],
  ...tensorPaths('options.kernel', 2),
  ['options.onProgress', 'fn'],
  ['options.into', 'into'],
];

export const PATHS: Record<Fn, [string, Kind][]> = {
  conv2d: [
    ...tensorPaths('input', 4),
    ...tensorPaths('weight', 4),
    ...convOptionPaths('options', false),
    ['options.groups', 'int'],
    ['options.bias', 'f32'],
  ],
  convTranspose2d: [
    ...tensorPaths('input', 4),
    ...tensorPaths('weight', 4),
    ...convOptionPaths('options', true),
    ['options.groups', 'int'],
    ['options.bias', 'f32'],
  ],
  interpolate: [
    ...tensorPaths('input', 4),
    ['options', 'options'],
    ['options.mode', 'string'],
    ...pairPaths('options.size'),
    ...pairPaths('options.scaleFactor', 'real'),
    ['options.alignCorners', 'bool'],
  ],
  convMatrix: [
    ...pairPaths('options.inputSize'),
    ...pairPaths('options.kernelSize'),
    ...convOptionPaths('options', false),
    ['kernel', 'f32'],
  ],
  conv2dOutputSize: [...pairPaths('inputSize'), ...pairPaths('kernelSize'), ...convOptionPaths('options', false)],
  convTranspose2dOutputSize: [
    ...pairPaths('inputSize'),
    ...pairPaths('kernelSize'),
    ...convOptionPaths('options', true),
  ],
  upsampleImage: [...imagePaths('image'), ...upsampleOptionPaths],
  upsampleBand: [
    ...imagePaths('band'),
    ...upsampleOptionPaths,
    ['where', 'where'],
    ['where.imageHeight', 'int'],
    ['where.firstRow', 'int'],
    ...pairPaths('where.outputRows'),
    ['where.opaque', 'bool'],
  ],
  upsampleInputRows: [
    ['size', 'size'],
    ['size.width', 'int'],
    ['size.height', 'int'],
    ...upsampleOptionPaths.filter(([p]) => p !== 'options.into'),
    ...pairPaths('outputRows'),
  ],
  imageDifference: [...imagePaths('a'), ...imagePaths('b'), ['gain', 'real']],
  bilinearKernel: [['factor', 'int']],
};

/** The typed array a getter elsewhere detaches in the middle of a call ('getter detaches data'). */
const DETACH_TARGET: Partial<Record<Fn, string>> = {
  conv2d: 'input.data',
  convTranspose2d: 'input.data',
  interpolate: 'input.data',
  convMatrix: 'kernel',
  upsampleImage: 'image.data',
  upsampleBand: 'band.data',
  imageDifference: 'a.data',
};

type Seg = string | number;
const segments = (fn: Fn, path: string): Seg[] =>
  path.split('.').map((s, i) => (i === 0 ? PARAMS[fn].indexOf(s) : /^\d+$/.test(s) ? Number(s) : s));

type Obj = Record<PropertyKey, unknown>;
function parentOf(args: unknown[], segs: Seg[]): Obj {
  let o: unknown = args;
  for (const s of segs.slice(0, -1)) o = (o as Obj)[s];
  return o as Obj;
}
export function getAt(args: unknown[], segs: Seg[]): unknown {
  return parentOf(args, segs)[segs.at(-1)!];
}
function setAt(args: unknown[], segs: Seg[], value: unknown): void {
  parentOf(args, segs)[segs.at(-1)!] = value;
}
function deleteAt(args: unknown[], segs: Seg[]): void {
  const parent = parentOf(args, segs);
  if (parent === (args as unknown)) args[segs[0] as number] = undefined;
  else delete parent[segs.at(-1)!];
}
function defineAt(args: unknown[], segs: Seg[], get: () => unknown): void {
  Object.defineProperty(parentOf(args, segs), segs.at(-1)!, { get, enumerable: true, configurable: true });
}

/** A deep copy of plain arguments (the base calls hold only objects, arrays, typed arrays and functions). */
export function plain<T>(v: T): T {
  if (ArrayBuffer.isView(v)) return (v as unknown as Float32Array).slice() as T;
  if (Array.isArray(v)) return v.map(plain) as T;
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) as T;
  }
  return v;
}

// ---------------------------------------------------------------- mutations

/** Plain replacement values: wrong types and extreme numbers. A function gets the value it replaces. */
export const VALUES: Record<string, (was: unknown) => unknown> = {
  undefined: () => undefined,
  null: () => null,
  "'2'": () => '2',
  "'abc'": () => 'abc',
  true: () => true,
  '{}': () => ({}),
  '[]': () => [],
  '[1, 2, 3]': () => [1, 2, 3],
  'one element more': (was) => (Array.isArray(was) ? [...was, 1] : [was, 1]),
  'one element less': (was) => (Array.isArray(was) ? was.slice(1) : []),
  '2n': () => 2n,
  'Symbol()': () => Symbol('hostile'),
  'a function': () => function hostile() {},
  '{ valueOf: () => 2 }': () => ({ valueOf: () => 2 }),
  '{ toString throws }': () => ({
    toString() {
      throw new Error('hostile toString');
    },
  }),
  'new Number(2)': () => new Number(2),
  NaN: () => NaN,
  Infinity: () => Infinity,
  '-Infinity': () => -Infinity,
  '-0': () => -0,
  '0': () => 0,
  '0.5': () => 0.5,
  '-1': () => -1,
  '-(2**31)': () => -(2 ** 31),
  '2**31 - 1': () => 2 ** 31 - 1,
  '2**31': () => 2 ** 31,
  '2**32': () => 2 ** 32,
  '2**32 + 1': () => 2 ** 32 + 1,
  '2**40': () => 2 ** 40,
  '2**53': () => 2 ** 53,
  '2**53 + 2': () => 2 ** 53 + 2,
  '20000': () => 20_000, // large but valid
  '2**28': () => 2 ** 28,
  '1e8': () => 1e8,
  '1e9': () => 1e9,
  '1e308': () => 1e308,
  'Number.MIN_VALUE': () => Number.MIN_VALUE,
};

/** The value a changing getter answers on its other reads: the 60,000 floats and kin. */
function other(kind: Kind, was: unknown): unknown {
  const rank = Array.isArray(was) ? was.length : ((was as { shape?: unknown[] })?.shape?.length ?? 4);
  const shape = [1, 1, 240, 250].slice(4 - Math.max(2, Math.min(4, rank)));
  switch (kind) {
    case 'f32':
      return new Float32Array(60_000).fill(1);
    case 'u8':
      return new Uint8ClampedArray(240_000).fill(200);
    case 'shape':
      return shape;
    case 'pair':
      return [60_000, 60_000];
    case 'string':
      return was === 'nearest' ? 'bicubic' : 'nearest';
    case 'bool':
      return !was;
    case 'tensor':
      return { data: new Float32Array(60_000).fill(1), shape };
    case 'image':
      return { data: new Uint8ClampedArray(240_000).fill(200), width: 250, height: 240 };
    case 'size':
      return { width: 250, height: 240 };
    case 'options':
      return {};
    case 'where':
      return { imageHeight: 60_000, firstRow: 0, outputRows: [0, 60_000], opaque: false };
    case 'fn':
      return () => {
        throw new Error('hostile: onProgress read twice');
      };
    case 'into':
      return new Uint8ClampedArray(8);
    default:
      return 60_000;
  }
}

const isObject = (v: unknown): v is object => (typeof v === 'object' && v !== null) || typeof v === 'function';
const isView = (v: unknown) => ArrayBuffer.isView(v);
const isPlainObject = (v: unknown) => isObject(v) && !Array.isArray(v) && !isView(v) && typeof v !== 'function';

const ACCESSORS = [
  'getter',
  'getter that throws',
  'getter that throws a number',
  'getter that changes',
  'getter that changes back',
  'getter detaches data',
  'proxy',
  'proxy that throws',
  'proxy that changes',
  'proxy whose keys throw',
  'revoked proxy',
  'class with prototype getters',
  'frozen',
  'extra key',
  'missing',
] as const;

const OTHER_ARRAYS = [Float64Array, Int32Array, Uint8Array, Uint8ClampedArray, Int8Array, Uint16Array, Float32Array];
const BUFFERS = [
  'length lies: short data',
  'length lies: long data',
  'length says 60000',
  'length changes',
  'lying buffer and methods',
  ...OTHER_ARRAYS.map((c) => `kind ${c.name}`),
  'kind BigInt64Array',
  'kind DataView',
  'kind ArrayBuffer',
  'kind Array',
  'detached',
  'offset view',
  'shared memory',
  'view of the wasm heap',
  'NaN inside',
  'Infinity inside',
  'disguised as the right kind',
  'fake typed array',
] as const;
const INTO = [
  'into of the right length',
  'into of 8 bytes',
  'into lying about its length',
  'into Uint8Array of the right length',
  'into detached',
  'into in the wasm heap',
] as const;
const PROGRESS = [
  'onProgress throws an Error',
  'onProgress throws a number',
  'onProgress throws at the end',
  'onProgress detaches into',
  'onProgress re-enters the API',
] as const;

export type Family = 'values' | 'accessors' | 'buffers';

export interface Case {
  base: Base;
  path: string;
  mutation: string;
}

function applicable(fn: Fn, family: Family, path: string, kind: Kind, value: unknown): string[] {
  const depth = path.split('.').length;
  if (family === 'values') return Object.keys(VALUES);
  if (family === 'accessors') {
    return ACCESSORS.filter((m) => {
      if (m.startsWith('getter')) return depth > 1 && (m !== 'getter detaches data' || DETACH_TARGET[fn] !== undefined);
      if (m.includes('proxy')) return isObject(value) && typeof value !== 'function';
      if (m === 'class with prototype getters' || m === 'extra key') return isPlainObject(value);
      if (m === 'frozen') return isObject(value) && !isView(value);
      return depth > 1; // missing
    });
  }
  if (kind === 'f32' || kind === 'u8') {
    return BUFFERS.filter((m) => {
      if (m === 'NaN inside' || m === 'Infinity inside') return kind === 'f32';
      if (m === 'kind Float32Array') return kind === 'u8';
      if (m === 'kind Uint8ClampedArray') return kind === 'f32';
      return true;
    });
  }
  if (kind === 'into') return [...INTO];
  if (kind === 'fn') return PROGRESS.filter((m) => m !== 'onProgress detaches into' || fn !== 'upsampleInputRows');
  return [];
}

/** The [path, mutations] choices of a family for a base call. */
function choices(fn: Fn, family: Family, base: Base): [string, string[]][] {
  const args = makeArgs(fn, base);
  const out: [string, string[]][] = [];
  for (const [path, kind] of PATHS[fn]) {
    const segs = segments(fn, path);
    let value: unknown;
    try {
      value = getAt(args, segs);
    } catch {
      continue; // inside an absent option (no kernel, no size)
    }
    const parent = parentOf(args, segs);
    if (Array.isArray(parent) && (segs.at(-1) as number) >= parent.length) continue; // dimension 3 of a 3-D shape
    const ms = applicable(fn, family, path, kind, value);
    if (ms.length > 0) out.push([path, ms]);
  }
  return out;
}

/** Whether a family has anything to spoil in this function's calls. */
export const hasCases = (fn: Fn, family: Family) =>
  fc.sample(BASES[fn], { seed: 1, numRuns: 20 }).some((b) => choices(fn, family, b).length > 0);

/**
 * The cases of one family for one function: a base call, one path in it, one
 * mutation. Picks are plain numbers, so that fast-check shrinks the base and
 * the choices independently (towards the first path and the first mutation).
 */
export function cases(fn: Fn, family: Family): fc.Arbitrary<Case> {
  return fc
    .record({ base: BASES[fn], path: fc.nat(), mutation: fc.nat() })
    .filter(({ base }) => choices(fn, family, base).length > 0)
    .map(({ base, path, mutation }) => {
      const list = choices(fn, family, base);
      const [p, ms] = list[path % list.length];
      return { base, path: p, mutation: ms[mutation % ms.length] };
    });
}

// ---------------------------------------------------------------- build

/** Arguments as a caller who read everything once would see them; `allowError` when a refusal is fine too. */
export interface Honest {
  args: unknown[];
  allowError?: boolean;
  /** Whether this alternative holds, decided after the call (e.g. "the throwing getter was never read"). */
  applies?: () => boolean;
}

export interface Built {
  args: unknown[];
  honest: Honest[];
  /** What a throwing callback threw: the call may hand it back as is. */
  rethrown?: { value: unknown; calls: () => number };
  /** The `into` the result must be returned in. */
  into?: Uint8ClampedArray;
  /** Typed arrays the call must leave as they were, with their copies. */
  unchanged: [ArrayLike<number>, number[]][];
  /** Another argument whose name a refusal may give instead (the one a getter spoilt). */
  alsoNames?: string;
  /** A re-entrant call made from onProgress went wrong. */
  reentry?: string[];
  cleanup: () => void;
}

export interface Module {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPF32: Float32Array;
}

const typedArrayLength = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'length')!
  .get as (this: unknown) => number;

function views(v: unknown, out: ArrayLike<number>[] = []): ArrayLike<number>[] {
  if (ArrayBuffer.isView(v)) out.push(v as unknown as ArrayLike<number>);
  else if (Array.isArray(v)) v.forEach((x) => views(x, out));
  else if (isPlainObject(v)) Object.values(v as object).forEach((x) => views(x, out));
  return out;
}

/** Builds a case afresh (each call gets new objects, so that read counters start at zero). */
export function build(fn: Fn, c: Case, tc: Tconv, core: Module): Built {
  const base = makeArgs(fn, c.base, tc);
  const segs = segments(fn, c.path);
  const kind = PATHS[fn].find(([p]) => p === c.path)![1];
  // An element of a pair given as one number: spell the pair out first (the same call).
  if (segs.length > 1 && typeof parentOf(base, segs) === 'number') {
    setAt(base, segs.slice(0, -1), both(parentOf(base, segs) as unknown as number));
  }
  const args = plain(base);
  const honest = plain(base);
  const value = getAt(args, segs);
  const built: Built = { args, honest: [{ args: honest }], unchanged: [], cleanup: () => {} };
  // Inputs the call must not modify: the plain typed arrays the mutation leaves in place.
  const detached =
    DETACH_TARGET[fn] && c.mutation === 'getter detaches data' ? getAt(args, segments(fn, DETACH_TARGET[fn]!)) : null;
  for (const v of views(args)) {
    if (v !== value && v !== detached && !isIntoOf(args, v)) built.unchanged.push([v, Array.from(v)]);
  }
  const set = (v: unknown, h: unknown = v) => {
    setAt(args, segs, v);
    setAt(honest, segs, h);
  };
  const withValue = (v: unknown, allowError = false): Honest => {
    const h = plain(base);
    setAt(h, segs, v);
    return { args: h, allowError };
  };
  const without = (): unknown[] => {
    const h = plain(base);
    deleteAt(h, segs);
    return h;
  };
  let reads = 0;
  const m = c.mutation;

  if (m in VALUES) set(VALUES[m](value), VALUES[m](value));
  else if (m === 'getter') defineAt(args, segs, () => value);
  else if (m === 'getter that throws' || m === 'getter that throws a number') {
    defineAt(args, segs, () => {
      reads++;
      throw m.endsWith('number') ? 42 : new Error('hostile getter');
    });
    built.honest = [{ args: without(), applies: () => reads === 0 }];
  } else if (m === 'getter that changes') defineAt(args, segs, () => (reads++ === 0 ? value : other(kind, value)));
  else if (m === 'getter that changes back') {
    let first = other(kind, value);
    if (kind === 'fn') {
      // The first read is a callback that throws: its own error may come back as is.
      let calls = 0;
      const thrown = new Error('hostile onProgress');
      first = () => {
        calls++;
        throw thrown;
      };
      built.rethrown = { value: thrown, calls: () => calls };
    }
    defineAt(args, segs, () => (reads++ === 0 ? first : value));
    built.honest = [withValue(first)];
  } else if (m === 'getter detaches data') {
    const target = segments(fn, DETACH_TARGET[fn]!);
    const data = getAt(args, target) as Float32Array | undefined;
    defineAt(args, segs, () => {
      if (data && reads++ === 0) structuredClone(data.buffer, { transfer: [data.buffer] });
      return value;
    });
    const emptied = plain(base);
    if (data) setAt(emptied, target, new (data.constructor as Float32ArrayConstructor)(0));
    built.honest.push({ args: emptied, allowError: true });
    built.alsoNames = DETACH_TARGET[fn];
  } else if (m === 'proxy') {
    set(new Proxy(value as object, {}), value);
    // A Proxy of a typed array is not one (no internal slots): refusing it is fine, as in all proxy cases below.
    if (isView(value)) built.honest = [{ args: honest, allowError: true }];
  } else if (m === 'proxy that throws' || m === 'proxy whose keys throw') {
    const trap = () => {
      reads++;
      throw new Error('hostile proxy');
    };
    set(new Proxy(value as object, m === 'proxy that throws' ? { get: trap } : { ownKeys: trap }), value);
    const unread = m === 'proxy that throws' ? without() : honest;
    built.honest = [{ args: unread, applies: () => reads === 0, allowError: isView(value) }];
  } else if (m === 'proxy that changes') {
    const seen = new Set<PropertyKey>();
    const childKind = (k: PropertyKey) => PATHS[fn].find(([p]) => p === `${c.path}.${String(k)}`)?.[1] ?? 'int';
    const handler: ProxyHandler<object> = {
      get(t, k) {
        const v = Reflect.get(t, k, t); // the target as receiver: a typed array's getters need it
        if (typeof k === 'symbol' || k === 'length' || typeof v === 'function') return v;
        if (seen.has(k)) return other(childKind(k), v);
        seen.add(k);
        return v;
      },
    };
    set(new Proxy(value as object, handler), value);
    if (isView(value)) built.honest = [{ args: honest, allowError: true }];
  } else if (m === 'revoked proxy') {
    const { proxy, revoke } = Proxy.revocable(value as object, {});
    revoke();
    set(proxy, value);
    built.honest = [];
  } else if (m === 'class with prototype getters') {
    // Like the DOM's ImageData: data, width and height are accessors on the prototype.
    const proto = {};
    for (const [k, v] of Object.entries(value as object)) {
      Object.defineProperty(proto, k, { get: () => v, enumerable: true, configurable: true });
    }
    set(Object.create(proto), value);
  } else if (m === 'frozen') {
    const freeze = (v: unknown): unknown => {
      if (isObject(v) && !isView(v)) Object.values(v).forEach(freeze);
      return isObject(v) && !isView(v) ? Object.freeze(v) : v;
    };
    freeze(value);
  } else if (m === 'extra key') {
    (value as Obj).extra = 1;
    (getAt(honest, segs) as Obj).extra = 1;
  } else if (m === 'missing') {
    deleteAt(args, segs);
    deleteAt(honest, segs);
  } else if (kind === 'f32' || kind === 'u8') {
    buildBuffer(m, value as Float32Array, set, withValue, built, core);
  } else if (kind === 'into') {
    buildInto(m, intoLength(fn, c.base, base), set, withValue, built, core);
  } else if (kind === 'fn') {
    buildProgress(m, args, honest, segs, built, tc);
  } else throw new Error(`no mutation "${m}" for ${c.path}`);
  return built;
}

/** The length of the base call's result data, which an `into` must have to be used. */
function intoLength(fn: Fn, b: Base, args: unknown[]): number {
  const rows = fn === 'upsampleBand' ? (args[2] as { outputRows: number[] }).outputRows : [0, resultRows(b)];
  return (rows[1] - rows[0]) * resultWidth(b) * 4;
}

function isIntoOf(args: unknown[], v: unknown): boolean {
  const o = args[1] as { into?: unknown } | undefined;
  return isPlainObject(o) && o!.into === v;
}

type Setter = (v: unknown, h?: unknown) => void;
type WithValue = (v: unknown, allowError?: boolean) => Honest;

function buildBuffer(m: string, value: Float32Array, set: Setter, withValue: WithValue, built: Built, core: Module) {
  if (!value) return set(undefined);
  const Ctor = value.constructor as Float32ArrayConstructor;
  const n = value.length;
  const lying = (data: Float32Array, length: () => number): Float32Array => {
    class Lying extends Ctor {
      override get length() {
        return length();
      }
    }
    const out = new Lying(data.length);
    out.set(data);
    return out;
  };
  let reads = 0;
  if (m === 'length lies: short data') {
    const short = value.slice(0, n >> 1);
    set(
      lying(short, () => n),
      short,
    );
  } else if (m === 'length lies: long data') {
    const long = new Ctor(n + 60_000).fill(7);
    long.set(value);
    set(
      lying(long, () => n),
      long,
    );
    built.honest.push(withValue(value)); // the first `length` elements, as the object says
  } else if (m === 'length says 60000')
    set(
      lying(value, () => 60_000),
      value,
    );
  else if (m === 'length changes')
    set(
      lying(value, () => (reads++ === 0 ? n : 60_000)),
      value,
    );
  else if (m === 'lying buffer and methods') {
    const fake = new Ctor(n).fill(9);
    class Liar extends Ctor {
      override get buffer() {
        return fake.buffer;
      }
      override get byteOffset() {
        return 0;
      }
      override slice() {
        return fake.slice();
      }
      override subarray() {
        return fake.subarray();
      }
      override values() {
        return fake.values();
      }
      override [Symbol.iterator]() {
        return fake[Symbol.iterator]();
      }
    }
    const liar = new Liar(n);
    liar.set(value);
    set(liar, value);
  } else if (m.startsWith('kind ')) {
    const name = m.slice(5);
    const converted =
      name === 'BigInt64Array'
        ? new BigInt64Array(n)
        : name === 'DataView'
          ? new DataView(value.slice().buffer)
          : name === 'ArrayBuffer'
            ? value.slice().buffer
            : name === 'Array'
              ? Array.from(value)
              : new (globalThis as unknown as Record<string, Float32ArrayConstructor>)[name](value);
    set(converted, name === 'BigInt64Array' ? new BigInt64Array(n) : converted);
  } else if (m === 'detached') {
    const copy = value.slice();
    structuredClone(copy.buffer, { transfer: [copy.buffer] });
    set(copy, new Ctor(0));
  } else if (m === 'offset view') {
    const bigger = new Ctor(n + 8);
    bigger.set(value, 4);
    set(bigger.subarray(4, 4 + n), value);
  } else if (m === 'shared memory') {
    const shared = new Ctor(new SharedArrayBuffer(n * Ctor.BYTES_PER_ELEMENT));
    shared.set(value);
    set(shared, value);
  } else if (m === 'view of the wasm heap') {
    // Caller memory that lives in the module's own heap (freed after the call); growth may detach it mid-call.
    const pointer = core._malloc(Math.max(4, n * Ctor.BYTES_PER_ELEMENT));
    const view = new Ctor(core.HEAPF32.buffer, pointer, n);
    view.set(value);
    set(view, value);
    built.honest = [{ args: built.honest[0].args, allowError: true }];
    built.cleanup = () => core._free(pointer);
  } else if (m === 'NaN inside' || m === 'Infinity inside') {
    const copy = value.slice();
    if (n > 0) copy[n >> 1] = m === 'NaN inside' ? NaN : Infinity;
    set(copy, copy.slice());
  } else if (m === 'disguised as the right kind') {
    // A wider array whose prototype says it is the documented kind.
    const wide = Ctor === Float32Array ? new Float64Array(value) : new Uint16Array(value);
    Object.setPrototypeOf(wide, Ctor.prototype);
    set(wide, value);
    built.honest = [{ args: built.honest[0].args, allowError: true }];
  } else if (m === 'fake typed array') {
    set(Object.create(Ctor.prototype), undefined);
    built.honest = [];
  } else throw new Error(`no mutation "${m}"`);
}

function buildInto(m: string, length: number, set: Setter, withValue: WithValue, built: Built, core: Module) {
  if (m === 'into of the right length') {
    const into = new Uint8ClampedArray(length).fill(7);
    set(into, new Uint8ClampedArray(length));
    built.into = into;
  } else if (m === 'into of 8 bytes') {
    const into = new Uint8ClampedArray(8).fill(7);
    set(into, undefined);
    built.unchanged.push([into, Array.from(into)]);
  } else if (m === 'into lying about its length') {
    class Lying extends Uint8ClampedArray {
      override get length() {
        return length;
      }
    }
    set(new Lying(8), undefined);
  } else if (m === 'into Uint8Array of the right length') {
    set(new Uint8Array(length), undefined);
    built.honest = [withValue(undefined, true)];
  } else if (m === 'into detached') {
    const into = new Uint8ClampedArray(length);
    structuredClone(into.buffer, { transfer: [into.buffer] });
    set(into, undefined);
    built.honest = [withValue(undefined, true)];
  } else if (m === 'into in the wasm heap') {
    const pointer = core._malloc(Math.max(4, length));
    set(new Uint8ClampedArray(core.HEAPF32.buffer, pointer, length), undefined);
    built.honest = [withValue(undefined, true)];
    built.cleanup = () => core._free(pointer);
  } else throw new Error(`no mutation "${m}"`);
}

function buildProgress(m: string, args: unknown[], honest: unknown[], segs: Seg[], built: Built, tc: Tconv) {
  let calls = 0;
  const options = parentOf(args, segs) as { into?: Uint8ClampedArray };
  if (m.startsWith('onProgress throws')) {
    const thrown = m.endsWith('number') ? 42 : new Error('hostile onProgress');
    setAt(args, segs, (f: number) => {
      calls++;
      if (!m.endsWith('at the end') || f >= 1) throw thrown;
    });
    built.rethrown = { value: thrown, calls: () => calls };
    built.honest = [{ args: honest, applies: () => calls === 0 }];
  } else if (m === 'onProgress detaches into') {
    setAt(args, segs, () => {
      if (options.into && typedArrayLength.call(options.into) > 0) {
        structuredClone(options.into.buffer, { transfer: [options.into.buffer] });
      }
    });
    if (options.into) {
      (parentOf(honest, segs) as { into?: unknown }).into = undefined;
      built.honest = [{ args: honest, allowError: true }];
    }
  } else if (m === 'onProgress re-enters the API') {
    const wrong: string[] = [];
    built.reentry = wrong;
    setAt(args, segs, () => {
      const y = tc.conv2d(
        { shape: [1, 1, 4, 4], data: new Float32Array([4, 5, 8, 7, 1, 8, 8, 8, 3, 6, 6, 4, 6, 5, 7, 8]) },
        { shape: [1, 1, 3, 3], data: new Float32Array([1, 4, 1, 1, 4, 3, 3, 3, 1]) },
      );
      if (Array.from(y.data).join() !== '122,148,126,134')
        wrong.push(`conv2d inside onProgress gave ${Array.from(y.data)}`);
      const up = tc.upsampleImage(
        { data: new Uint8ClampedArray([9, 8, 7, 255]), width: 1, height: 1 },
        { method: 'nearest' },
      );
      if (Array.from(up.data).join() !== '9,8,7,255,'.repeat(4).slice(0, -1))
        wrong.push('upsampleImage inside onProgress');
    });
  } else throw new Error(`no mutation "${m}"`);
}
