// Type checks for arguments that arrive from untyped JavaScript. Only the
// shape of the value is checked here (is it a Float32Array, a number, a pair);
// every numeric rule (positive, integer, fits, ...) is the core's, so its
// message is the same from C++ and from JS.
//
// Every caller-supplied property is read exactly once, and what comes back is
// a snapshot the caller cannot change: plain numbers, fresh arrays, and typed
// arrays rebuilt from the engine's own slots (buffer, offset, length), so a
// getter that answers differently on each read, a Proxy, or a subclass with a
// lying `length` cannot make the core copy a different amount than it checked.

import type { Pair } from './types.js';

export type RawPair = [number, number];

// The engine's own accessors on %TypedArray%.prototype: they read internal
// slots, so neither a subclass's overrides nor a Proxy can answer for them.
const TYPED_ARRAY_PROTOTYPE = Object.getPrototypeOf(Uint8Array.prototype) as object;
function intrinsic<T>(key: PropertyKey): (this: unknown) => T {
  return Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTOTYPE, key)!.get as (this: unknown) => T;
}
const typedArrayTag = intrinsic<string | undefined>(Symbol.toStringTag);
const typedArrayBuffer = intrinsic<ArrayBufferLike>('buffer');
const typedArrayOffset = intrinsic<number>('byteOffset');
const typedArrayLength = intrinsic<number>('length');

const VIEWS = { Float32Array, Uint8Array, Uint8ClampedArray } as const;
type ViewName = keyof typeof VIEWS;
type View<K extends ViewName> = InstanceType<(typeof VIEWS)[K]>;

// Tensors have at most 4 dimensions (the core names the rule); reading stops
// well past that so that a shape whose `length` lies cannot make the read loop hang.
export const MAX_SHAPE_READ = 16;

/** The typed array's kind ("Float32Array", ...) from its internal slot, or undefined if it is none. */
function viewKind(value: unknown): string | undefined {
  return typedArrayTag.call(value);
}

/** Array.isArray that answers false, not throws, for a revoked Proxy. */
export function isArray(value: unknown): boolean {
  try {
    return Array.isArray(value); // throws for a revoked Proxy
  } catch {
    return false;
  }
}

/** A short description for messages; it runs none of the value's getters. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  const kind = viewKind(value);
  if (kind !== undefined) return `a ${kind}`;
  if (isArray(value)) {
    try {
      // An Array's length is a data property: reading its descriptor runs no getter.
      const length = Reflect.getOwnPropertyDescriptor(value as object, 'length')?.value;
      return typeof length === 'number' ? `an array of length ${length}` : 'an array';
    } catch {
      return 'an array';
    }
  }
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return 'a symbol';
  return String(value);
}

export function fail(fn: string, message: string, cause?: unknown): never {
  throw new Error(`${fn}: ${message}`, cause === undefined ? undefined : { cause });
}

function messageOf(error: unknown): string {
  try {
    if (error instanceof Error) return String(error.message);
    return typeof error === 'string' ? error : describe(error);
  } catch {
    return 'an unreadable error';
  }
}

/** How a message names object[key] of the argument `owner`: `owner.key`, `owner[0]`, or `key` alone without an owner. */
function label(owner: string, key: PropertyKey): string {
  if (owner === '') return String(key);
  return typeof key === 'number' ? `${owner}[${key}]` : `${owner}.${String(key)}`;
}

/**
 * object[key], read once; a getter or Proxy trap that throws becomes an Error
 * naming the argument (`owner` is the object's name, see label). The name is
 * built only for the message: every call reads a dozen properties.
 */
export function read(fn: string, owner: string, object: object, key: PropertyKey): unknown {
  try {
    return (object as Record<PropertyKey, unknown>)[key];
  } catch (error) {
    readFailed(fn, owner, key, error);
  }
}

/**
 * The Error for a read of owner[key] that threw. The reads every call makes
 * (a tensor's data and shape, the shape's numbers) are written at their own
 * sites with this in their catch: through `read`, whose one site sees every
 * object and key, they cost an explainer-sized call about 0.1 µs.
 */
export function readFailed(fn: string, owner: string, key: PropertyKey, error: unknown): never {
  fail(fn, `reading ${label(owner, key)} threw: ${messageOf(error)}`, error);
}

/**
 * A genuine typed array of one of `kinds` over the same memory as `value`
 * (no copy), built from the engine's slots: its length is the real one.
 */
export function view<K extends ViewName>(fn: string, name: string, value: unknown, kinds: readonly K[]): View<K> {
  const kind = checkedKind(fn, name, value, kinds);
  return rebuilt(fn, name, kind, value, typedArrayBuffer.call(value));
}

const FLOAT32 = ['Float32Array'] as const;

/** The typed array kind of `value` if it is one of `kinds`, else an Error naming `name`. */
function checkedKind<K extends ViewName>(fn: string, name: string, value: unknown, kinds: readonly K[]): K {
  const kind = viewKind(value) as K | undefined;
  if (kind === undefined || !kinds.includes(kind)) {
    fail(fn, `${name} must be a ${kinds.join(' or ')}, got ${describe(value)}`);
  }
  return kind;
}

/** `view`'s typed array once the kind is checked, over `buffer` (the value's, read once by the caller). */
function rebuilt<K extends ViewName>(
  fn: string,
  name: string,
  kind: K,
  value: unknown,
  buffer: ArrayBufferLike,
): View<K> {
  const offset = typedArrayOffset.call(value);
  const length = typedArrayLength.call(value);
  try {
    return new VIEWS[kind](buffer as ArrayBuffer, offset, length) as View<K>;
  } catch (error) {
    fail(fn, `${name}'s buffer is detached or out of bounds`, error);
  }
}

/**
 * A checked, immutable copy of a tensor argument; data is a genuine view of
 * the caller's memory, whose buffer is `buffer` (kept: the getter costs a
 * call ~20 ns, and the wrapper compares it with the module's memory).
 */
export interface TensorArg {
  readonly data: Float32Array;
  readonly shape: number[];
  readonly buffer: ArrayBufferLike;
}

export function tensor(fn: string, name: string, value: unknown): TensorArg {
  if (typeof value !== 'object' || value === null) {
    fail(fn, `${name} must be a tensor { data: Float32Array, shape: number[] }, got ${describe(value)}`);
  }
  let data: unknown, shape: unknown;
  try {
    data = (value as { data: unknown }).data;
  } catch (error) {
    readFailed(fn, name, 'data', error);
  }
  try {
    shape = (value as { shape: unknown }).shape;
  } catch (error) {
    readFailed(fn, name, 'shape', error);
  }
  const kind = checkedKind(fn, `${name}.data`, data, FLOAT32);
  const buffer = typedArrayBuffer.call(data);
  return {
    data: rebuilt(fn, `${name}.data`, kind, data, buffer),
    shape: numbers(fn, `${name}.shape`, shape),
    buffer,
  };
}

/** A fresh array of the numbers in `value`, each element read once. */
function numbers(fn: string, name: string, value: unknown): number[] {
  const wrong = (): never => fail(fn, `${name} must be an array of numbers, got ${describe(value)}`);
  if (!isArray(value)) wrong();
  const array = value as unknown[];
  let length: unknown;
  try {
    length = array.length;
  } catch (error) {
    readFailed(fn, name, 'length', error);
  }
  if (typeof length !== 'number' || !(length >= 0 && length <= MAX_SHAPE_READ) || !Number.isInteger(length)) {
    fail(fn, `${name} must be an array of at most ${MAX_SHAPE_READ} numbers, got ${describe(value)}`);
  }
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    let v: unknown;
    try {
      v = array[i];
    } catch (error) {
      readFailed(fn, name, i, error);
    }
    out.push(typeof v === 'number' ? v : wrong());
  }
  return out;
}

export function pair(fn: string, name: string, value: Pair | unknown, fallback: number): RawPair {
  if (value === undefined) return [fallback, fallback];
  if (typeof value === 'number') return [value, value];
  if (isArray(value)) {
    const length = read(fn, name, value as object, 'length');
    if (length === 2) {
      const h = read(fn, name, value as object, 0);
      const w = read(fn, name, value as object, 1);
      if (typeof h === 'number' && typeof w === 'number') return [h, w];
    }
  }
  fail(fn, `${name} must be a number or a [height, width] pair of numbers, got ${describe(value)}`);
}

/**
 * The known options of `value`, each read once into a fresh object; an
 * unknown key is an error (a misspelt option would otherwise be ignored and
 * give a silently wrong result).
 */
export function options<K extends string>(
  fn: string,
  value: unknown,
  known: readonly K[],
  name = 'options',
): Partial<Record<K, unknown>> {
  const out: Partial<Record<K, unknown>> = {};
  if (!knownKeys(fn, value, known, name)) return out;
  for (const key of known) {
    const v = read(fn, name === 'options' ? '' : name, value as object, key);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * What `options` checks before it reads: false when there are no options
 * (undefined or null), true for an object whose own keys are all `known`;
 * anything else is an error naming the argument (and the unknown key). For a
 * caller that reads the known keys itself.
 */
export function knownKeys(fn: string, value: unknown, known: readonly string[], name = 'options'): value is object {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'object' || isArray(value)) fail(fn, `${name} must be an object, got ${describe(value)}`);
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch (error) {
    fail(fn, `reading the keys of ${name} threw: ${messageOf(error)}`, error);
  }
  for (const key of keys) {
    if (!known.includes(key)) {
      const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      const hint = known.includes(camel) ? ` (did you mean "${camel}"?)` : '';
      const [what, list] = name === 'options' ? ['option', 'known options'] : [`key of ${name}`, 'known keys'];
      fail(fn, `unknown ${what} "${key}"${hint}; ${list}: ${known.join(', ')}`);
    }
  }
  return true;
}

/**
 * The caller's `out` option: null when absent, else a genuine Float32Array
 * view of the same memory (so a lying subclass or Proxy cannot redirect the
 * write). Refused: another kind, a detached buffer, a view of the module's own
 * memory (`heap`: the core's allocations may detach or overwrite it), and one
 * that overlaps an array the call reads (`reads`: [name, snapshot] pairs).
 * Its length is the core's to check against the result it computes.
 */
export function out(
  fn: string,
  value: unknown,
  heap: ArrayBufferLike,
  reads: readonly (readonly [string, Float32Array | null])[],
): Float32Array | null {
  if (value === undefined || value === null) return null;
  const kind = checkedKind(fn, 'out', value, FLOAT32);
  // The buffer is read once, here: each read of a view's buffer getter costs a call ~20 ns.
  const buffer = typedArrayBuffer.call(value);
  const target = rebuilt(fn, 'out', kind, value, buffer);
  if (buffer === heap) fail(fn, "out must not be a view of tconv's WebAssembly memory");
  const begin = target.byteOffset;
  const end = begin + target.byteLength;
  for (const [name, input] of reads) {
    if (input === null || input.buffer !== buffer) continue;
    if (input.byteOffset < end && begin < input.byteOffset + input.byteLength) {
      fail(fn, `out must not overlap ${name}, which the call reads`);
    }
  }
  return target;
}

export function optionalFloat32(fn: string, name: string, value: unknown): Float32Array | null {
  if (value === undefined || value === null) return null;
  return view(fn, name, value, ['Float32Array']);
}

export function number(fn: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') fail(fn, `${name} must be a number, got ${describe(value)}`);
  return value;
}

export function boolean(fn: string, name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail(fn, `${name} must be a boolean, got ${describe(value)}`);
  return value;
}

export function string(fn: string, name: string, value: unknown): string {
  if (typeof value !== 'string') fail(fn, `${name} must be a string, got ${describe(value)}`);
  return value;
}

/** A checked, immutable copy of an ImageData-like argument; data is a genuine view of the caller's pixels. */
export interface ImageArg {
  readonly data: Uint8ClampedArray | Uint8Array;
  readonly width: number;
  readonly height: number;
}

export function image(fn: string, name: string, value: unknown): ImageArg {
  if (typeof value !== 'object' || value === null) {
    fail(fn, `${name} must be an image { data: Uint8ClampedArray, width, height }, got ${describe(value)}`);
  }
  const data = read(fn, name, value, 'data');
  const width = read(fn, name, value, 'width');
  const height = read(fn, name, value, 'height');
  const pixels = view(fn, `${name}.data`, data, ['Uint8ClampedArray', 'Uint8Array']);
  if (typeof width !== 'number' || typeof height !== 'number') {
    fail(fn, `${name}.width and ${name}.height must be numbers, got ${describe(width)} and ${describe(height)}`);
  }
  return { data: pixels, width, height };
}
