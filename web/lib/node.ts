// Node entry: Emscripten 3.1.6's loader cannot fetch a file path in Node 20,
// so the wasm bytes are read here and handed over.
import { readFile } from 'node:fs/promises';

import createCore from '../wasm/core.mjs';
import { wrapCore } from './tconv.js';
import { type TconvWithTrainer, withTrainer } from './trainer.js';
import type { CreateOptions } from './types.js';

export type * from './trainer.js';
export type * from './types.js';

export async function createTconv(options: CreateOptions = {}): Promise<TconvWithTrainer> {
  const wasmBinary = options.wasmBinary ?? (await readFile(new URL('../wasm/core.wasm', import.meta.url)));
  const core = await createCore({ ...options, wasmBinary });
  return withTrainer(wrapCore(core), core);
}
