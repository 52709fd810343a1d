// Browser / bundler entry: the glue fetches core.wasm next to core.mjs.
import createCore from '../wasm/core.mjs';
import { wrapCore } from './tconv.js';
import { type TconvWithTrainer, withTrainer } from './trainer.js';
import type { CreateOptions } from './types.js';

export type * from './trainer.js';
export type * from './types.js';

export async function createTconv(options: CreateOptions = {}): Promise<TconvWithTrainer> {
  const core = await createCore(options);
  return withTrainer(wrapCore(core), core);
}
