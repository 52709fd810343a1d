// Where the core comes from in the one-file embed (tconv-embed.js): core.wasm
// is inlined once, as base64, and decoded on first use. The main thread
// instantiates the core from those bytes and the upsampler's workers get
// copies, so nothing is fetched: it works from any host and from file://.
// vite.embed.config.ts puts this module in place of
// web/components/shared/core-source.ts and provides virtual:tconv-core-wasm.

import base64 from 'virtual:tconv-core-wasm';

import { createTconv } from '../lib/index.js';
import type { Tconv } from '../lib/index.js';

/** Decoding is local and quick: nothing to start early. */
export const PREFETCH_BYTES = false;

let decoded: ArrayBuffer | null = null;

function decode(): ArrayBuffer {
  if (!decoded) {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    decoded = bytes.buffer;
  }
  return decoded;
}

export function sourceBytes(): Promise<ArrayBuffer> {
  return Promise.resolve().then(decode);
}

export function sourceCore(): Promise<Tconv> {
  // A copy: the core may keep a view of what it is given. locateFile keeps the
  // glue from resolving a core.wasm URL it will never fetch.
  return sourceBytes().then((b) => createTconv({ wasmBinary: b.slice(0), locateFile: (path) => path }));
}
