// What a case does to the argument at its path, by family: plain replacement
// values, accessors and proxies, and the typed-array, `into` and onProgress
// tricks. cases() draws a base call, a path and a mutation as plain data.
import fc from 'fast-check';

import { type Base, BASES, type Fn, makeArgs } from './calls.js';
import { DETACH_TARGET, getAt, type Kind, parentOf, PATHS, segments } from './paths.js';

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
export function other(kind: Kind, was: unknown): unknown {
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

export const isObject = (v: unknown): v is object => (typeof v === 'object' && v !== null) || typeof v === 'function';
export const isView = (v: unknown) => ArrayBuffer.isView(v);
export const isPlainObject = (v: unknown) => isObject(v) && !Array.isArray(v) && !isView(v) && typeof v !== 'function';

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
