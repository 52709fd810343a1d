// Where the core comes from in the one-file embed (tconv-embed.js): core.wasm
// is inlined once, gzipped then base64 (base64 alone, which gzip cannot
// compress back, left the script at 304 KB gzipped; this way it is 265 KB),
// and unpacked on first use with the browser's own DecompressionStream. The main thread
// instantiates the core from those bytes and the upsampler's workers get
// copies, so nothing is fetched: it works from any host and from file://.
// vite.embed.config.ts puts this module in place of
// web/components/shared/core-source.ts and provides virtual:tconv-core-wasm.

import gzippedBase64 from 'virtual:tconv-core-wasm';

import { createTconv } from '../lib/index.js';
import type { Tconv } from '../lib/index.js';

/** Decoding is local and quick: nothing to start early. */
export const PREFETCH_BYTES = false;

let decoded: Promise<ArrayBuffer> | null = null;

function decode(): Promise<ArrayBuffer> {
  const text = atob(gzippedBase64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

export function sourceBytes(): Promise<ArrayBuffer> {
  decoded ??= Promise.resolve().then(decode);
  return decoded;
}

export function sourceCore(): Promise<Tconv> {
  // A copy: the core may keep a view of what it is given. locateFile keeps the
  // glue from resolving a core.wasm URL it will never fetch.
  return sourceBytes().then((b) => createTconv({ wasmBinary: b.slice(0), locateFile: (path) => path }));
}
