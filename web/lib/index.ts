// Browser / bundler entry: the glue fetches core.wasm next to core.mjs.
import createCore from '../wasm/core.mjs';
import { wrapCore } from './tconv.js';
import type { CreateOptions, Tconv } from './types.js';

export type * from './types.js';

export async function createTconv(options: CreateOptions = {}): Promise<Tconv> {
  return wrapCore(await createCore(options));
}
