// Where a case spoils a call: every argument path of each function (with what
// sits there), and reading, writing, deleting and defining the value at a path.
import { type Fn, PARAMS } from './calls.js';

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
const convPaths = (transposed: boolean): [string, Kind][] => [
  ...tensorPaths('input', 4),
  ...tensorPaths('weight', 4),
  ...convOptionPaths('options', transposed),
  ['options.groups', 'int'],
  ['options.bias', 'f32'],
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
  conv2d: convPaths(false),
  convTranspose2d: convPaths(true),
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
export const DETACH_TARGET: Partial<Record<Fn, string>> = {
  conv2d: 'input.data',
  convTranspose2d: 'input.data',
  interpolate: 'input.data',
  convMatrix: 'kernel',
  upsampleImage: 'image.data',
  upsampleBand: 'band.data',
  imageDifference: 'a.data',
};

export type Seg = string | number;
export const segments = (fn: Fn, path: string): Seg[] =>
  path.split('.').map((s, i) => (i === 0 ? PARAMS[fn].indexOf(s) : /^\d+$/.test(s) ? Number(s) : s));

export type Obj = Record<PropertyKey, unknown>;
export function parentOf(args: unknown[], segs: Seg[]): Obj {
  let o: unknown = args;
  for (const s of segs.slice(0, -1)) o = (o as Obj)[s];
  return o as Obj;
}
export function getAt(args: unknown[], segs: Seg[]): unknown {
  return parentOf(args, segs)[segs.at(-1)!];
}
export function setAt(args: unknown[], segs: Seg[], value: unknown): void {
  parentOf(args, segs)[segs.at(-1)!] = value;
}
export function deleteAt(args: unknown[], segs: Seg[]): void {
  const parent = parentOf(args, segs);
  if (parent === (args as unknown)) args[segs[0] as number] = undefined;
  else delete parent[segs.at(-1)!];
}
export function defineAt(args: unknown[], segs: Seg[], get: () => unknown): void {
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
