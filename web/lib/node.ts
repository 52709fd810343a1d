// Node entry: Emscripten 3.1.6's loader cannot fetch a file path in Node 20,
// so the wasm bytes are read here and handed over.
import { readFile } from 'node:fs/promises';

import createCore from '../wasm/core.mjs';
import { wrapCore } from './tconv.js';
import { type TconvWithTrainer, withTrainer } from './trainer.js';
import type { CreateOptions } from './types.js';

export type * from './trainer.js';
export type * from './types.js';

/**
 * From this many elements (64 KB) a result skips the zero fill; smaller ones
 * stay plain arrays, which V8 makes faster than a Buffer's backing store
 * (4 floats: 0.09 against 0.73 µs; even at 4,096; 16,384: 5.6 against 4.6 µs).
 */
const UNINITIALISED_MIN_LENGTH = 16384;

/**
 * Large results in memory that is not zero-filled first, since the wrapper
 * overwrites every element: 1.3–1.6 ms less for a 12.6 MB result in Node 20.
 * allocUnsafeSlow, not allocUnsafe: the array owns its whole ArrayBuffer
 * (offset 0, no pool), so `result.data.buffer` holds the result alone and can
 * be transferred.
 */
export function uninitialisedResult(length: number): Float32Array | undefined {
  if (length < UNINITIALISED_MIN_LENGTH) return undefined; // a plain array
  const bytes = Buffer.allocUnsafeSlow(length * Float32Array.BYTES_PER_ELEMENT);
  return new Float32Array(bytes.buffer, bytes.byteOffset, length);
}

export async function createTconv(options: CreateOptions = {}): Promise<TconvWithTrainer> {
  const wasmBinary = options.wasmBinary ?? (await readFile(new URL('../wasm/core.wasm', import.meta.url)));
  const core = await createCore({ ...options, wasmBinary });
  return withTrainer(wrapCore(core, uninitialisedResult), core);
}
