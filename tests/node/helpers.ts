// Fixture loading and comparison shared by the Node suites.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

import { createTconv } from '../../web/lib/node.js';
import type { Tconv, Tensor } from '../../web/lib/types.js';

let instance: Promise<Tconv> | undefined;
/** One module instance per test file (each file runs in its own worker). */
export function tconv(): Promise<Tconv> {
  instance ??= createTconv();
  return instance;
}

export interface EncodedTensor {
  shape: number[];
  data: string;
}

export function fixture<T>(name: string): { torch: string; cases: T[] } {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8'));
}

export function decode(t: EncodedTensor): Tensor {
  const bytes = Buffer.from(t.data, 'base64');
  const copy = new Uint8Array(bytes); // aligned, owned
  return { shape: t.shape, data: new Float32Array(copy.buffer, 0, copy.byteLength / 4) };
}

export function decodeInt32(b64: string): Int32Array {
  const copy = new Uint8Array(Buffer.from(b64, 'base64'));
  return new Int32Array(copy.buffer, 0, copy.byteLength / 4);
}

/** |actual − expected| ≤ abs + rel·|expected| for every element, with the worst one named. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, abs = 1e-4, rel = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (abs + rel * Math.abs(expected[i]));
    if (!(excess <= worstExcess)) {
      worst = i;
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
    }
  }
  if (worst >= 0) {
    expect.fail(
      `element ${worst}: got ${actual[worst]}, expected ${expected[worst]} (tolerance ${abs} + ${rel}·|expected|)`,
    );
  }
}

export function expectTensorClose(actual: Tensor, expected: Tensor, abs = 1e-4, rel = 1e-4): void {
  expect(actual.shape).toEqual(expected.shape);
  expectClose(actual.data, expected.data, abs, rel);
}

/** A tensor of the given shape with values from a seeded generator (mulberry32). */
export function randomTensor(shape: number[], seed: number): Tensor {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = next() * 2 - 1;
  return { data, shape };
}

/** A call's result as plain values, or its error's message. */
export function outcome(call: () => Tensor): { shape: number[]; data: number[] } | string {
  try {
    const r = call();
    return { shape: r.shape, data: Array.from(r.data) };
  } catch (e) {
    return (e as Error).message;
  }
}
