// Type checks for arguments that arrive from untyped JavaScript. Only the
// shape of the value is checked here (is it a Float32Array, a number, a pair);
// every numeric rule (positive, integer, fits, ...) is the core's, so its
// message is the same from C++ and from JS.

import type { Pair, RgbaImage, Tensor } from './types.js';

export type RawPair = [number, number];

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

export function fail(fn: string, message: string): never {
  throw new Error(`${fn}: ${message}`);
}

export function tensor(fn: string, name: string, value: unknown): Tensor {
  const t = value as Partial<Tensor> | null;
  if (typeof t !== 'object' || t === null) {
    fail(fn, `${name} must be a tensor { data: Float32Array, shape: number[] }, got ${describe(value)}`);
  }
  if (!(t.data instanceof Float32Array)) {
    fail(fn, `${name}.data must be a Float32Array, got ${describe(t.data)}`);
  }
  if (!Array.isArray(t.shape) || !t.shape.every((d) => typeof d === 'number')) {
    fail(fn, `${name}.shape must be an array of numbers, got ${describe(t.shape)}`);
  }
  return t as Tensor;
}

export function pair(fn: string, name: string, value: Pair | undefined, fallback: number): RawPair {
  if (value === undefined) return [fallback, fallback];
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    return [value[0], value[1]];
  }
  fail(fn, `${name} must be a number or a [height, width] pair of numbers, got ${describe(value)}`);
}

export function options<T extends object>(fn: string, value: T | undefined, known: readonly string[]): Partial<T> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) fail(fn, `options must be an object, got ${describe(value)}`);
  for (const key of Object.keys(value)) {
    // A misspelt option would otherwise be ignored and give a silently wrong result.
    if (!known.includes(key)) {
      const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      const hint = known.includes(camel) ? ` (did you mean "${camel}"?)` : '';
      fail(fn, `unknown option "${key}"${hint}; known options: ${known.join(', ')}`);
    }
  }
  return value;
}

export function optionalFloat32(fn: string, name: string, value: unknown): Float32Array | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Float32Array)) fail(fn, `${name} must be a Float32Array, got ${describe(value)}`);
  return value;
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

/** An ImageData-like { data: Uint8ClampedArray | Uint8Array, width, height }. */
export function image(fn: string, name: string, value: unknown): RgbaImage {
  const img = value as Partial<RgbaImage> | null;
  if (typeof img !== 'object' || img === null) {
    fail(fn, `${name} must be an image { data: Uint8ClampedArray, width, height }, got ${describe(value)}`);
  }
  if (!(img.data instanceof Uint8ClampedArray || img.data instanceof Uint8Array)) {
    fail(fn, `${name}.data must be a Uint8ClampedArray or Uint8Array, got ${describe(img.data)}`);
  }
  if (typeof img.width !== 'number' || typeof img.height !== 'number') {
    fail(fn, `${name}.width and ${name}.height must be numbers`);
  }
  return img as RgbaImage;
}
