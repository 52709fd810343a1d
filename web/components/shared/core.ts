// The WebAssembly core, loaded once per page however many elements use it.
// Calls are tiny (microseconds for the explainer's sizes), so elements call it
// synchronously on the main thread once this promise has resolved.
//
// The promise lives on a global, not in this module: a page that loads the
// embed script twice runs two copies of this module, and they must still
// share one core. `globalThis[Symbol.for('tconv')]` is that record:
//   core       Promise<Tconv> | null   the main thread's core
//   bytes      Promise<ArrayBuffer> | null   core.wasm's bytes, for the upsampler's workers
//   coreLoads  number   how many times a main-thread core was instantiated (1 on a healthy page)
//   bytesLoads number   how many times the bytes were fetched or decoded
//   scripts    number   copies of the embed script that ran (tconv-embed.js sets it)
//   scriptUrl  string   the URL of the first embed script, for "Copy embed code"

import type { Tconv } from '../../lib/index.js';
import { PREFETCH_BYTES, sourceBytes, sourceCore } from './core-source.js';

export interface TconvShared {
  core: Promise<Tconv> | null;
  bytes: Promise<ArrayBuffer> | null;
  coreLoads: number;
  bytesLoads: number;
  scripts: number;
  scriptUrl: string;
}

const KEY = Symbol.for('tconv');

/** The page-wide record shared by every copy of the elements (see above). */
export function shared(): TconvShared {
  const g = globalThis as unknown as Record<symbol, TconvShared | undefined>;
  return (g[KEY] ??= { core: null, bytes: null, coreLoads: 0, bytesLoads: 0, scripts: 0, scriptUrl: '' });
}

/** The shared core; a failed load is forgotten, so a later call retries. */
export function loadTconv(): Promise<Tconv> {
  const s = shared();
  if (!s.core) {
    s.coreLoads++;
    const p = sourceCore();
    s.core = p;
    p.catch(() => {
      if (s.core === p) s.core = null;
    });
  }
  return s.core;
}

/** core.wasm's bytes, loaded once per page (workers get copies); a failure is retried on the next call. */
export function coreBytes(): Promise<ArrayBuffer> {
  const s = shared();
  if (!s.bytes) {
    s.bytesLoads++;
    const p = sourceBytes();
    s.bytes = p;
    p.catch(() => {
      if (s.bytes === p) s.bytes = null;
    });
  }
  return s.bytes;
}

/** Starts loading the bytes early where that means a network request (the site), not in the embed. */
export function prefetchCoreBytes(): void {
  if (PREFETCH_BYTES) coreBytes().catch(() => {});
}
