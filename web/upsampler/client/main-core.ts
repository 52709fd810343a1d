// The core on the page's own thread, for what the element shows before any
// image work: a method's geometry (output size, kernel, padding, border) and
// the tile a flat image becomes, all answered by the core in microseconds.
// It is made from the bytes the workers get (../../components/shared/core.ts),
// so it costs no second download.

import { createTconv } from '../../lib/index.js';
import type { Tconv } from '../../lib/index.js';
import { coreBytes, shared } from '../../components/shared/core.js';

let core: Promise<Tconv> | null = null;

/** The page's core: the one another element already loaded, or one made from the workers' bytes. */
export function mainThreadCore(): Promise<Tconv> {
  if (!core) {
    const p =
      shared().core ??
      // locateFile keeps the glue from resolving core.wasm itself: the bytes are given.
      coreBytes().then((bytes) => createTconv({ wasmBinary: bytes.slice(0), locateFile: (path) => path }));
    core = p;
    p.catch(() => {
      if (core === p) core = null; // a later start tries again
    });
  }
  return core;
}
