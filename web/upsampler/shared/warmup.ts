// A warm-up for a fresh core instance: V8 first runs WebAssembly in its
// baseline compiler and optimises a function only once it has run for a
// while, so a worker's first real up-sampling ran 2–5× slower than its
// second (in Node: transposed 16 ms, then 6; bilinear 10, then 2). Running
// every method once on a small transparent image (~20 ms) moves that cost to
// start-up, before anyone waits for a result. DOM-free.

import type { Tconv, UpsampleMethod } from '../../lib/types.js';
import { METHODS, usesKernel } from './protocol.js';

/** Runs every method at factors 2 and 3 on a 64×64 image; returns the methods it ran. */
export function warmUp(tc: Pick<Tconv, 'upsampleImage'>): UpsampleMethod[] {
  const side = 64;
  const data = new Uint8ClampedArray(side * side * 4);
  for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 128 + (i % 128) : (i * 7919) % 251;
  const image = { data, width: side, height: side };
  const kernel = { data: new Float32Array(9).fill(1 / 9), shape: [3, 3] };
  for (const method of METHODS) {
    for (const factor of [2, 3])
      tc.upsampleImage(image, { method, factor, kernel: usesKernel(method) ? kernel : undefined });
  }
  return [...METHODS];
}
