// Where the core comes from in the site's build: the glue fetches core.wasm
// (emitted by Vite next to the page's scripts), and workers get its bytes,
// fetched once. The one-file embed build replaces this module with
// web/embed/core-source.ts (vite.embed.config.ts), whose bytes are inlined.

import { createTconv } from '../../lib/index.js';
import type { Tconv } from '../../lib/index.js';
import wasmUrl from '../../wasm/core.wasm?url';

/** The core's bytes start loading as soon as an upsampler is on the page (a network fetch here). */
export const PREFETCH_BYTES = true;

/** Fetches core.wasm. */
export function sourceBytes(): Promise<ArrayBuffer> {
  return fetch(wasmUrl).then((r) => {
    if (!r.ok) throw new Error(`HTTP ${r.status} for ${r.url}`);
    return r.arrayBuffer();
  });
}

/** The main thread's core: the glue streams core.wasm itself. */
export function sourceCore(): Promise<Tconv> {
  return createTconv();
}
