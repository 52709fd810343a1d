// Where the upsampler's worker and the core's bytes come from.
//
// The worker is Vite's inline worker: its bundle is part of this module and
// each instance starts from a Blob URL, so replacing a worker (cancel, a stale
// run) makes no network request. The core's .wasm is fetched once per page
// and handed to every worker, which loads the core from those bytes.

import UpsampleWorker from '../../worker/upsample-worker.ts?worker&inline';
import wasmUrl from '../../wasm/core.wasm?url';

let wasm: Promise<ArrayBuffer> | null = null;

/** The core's bytes, fetched on first use; a failed fetch is retried on the next call. */
export function coreBytes(): Promise<ArrayBuffer> {
  if (!wasm) {
    wasm = fetch(wasmUrl).then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status} for ${r.url}`);
      return r.arrayBuffer();
    });
    wasm.catch(() => (wasm = null));
  }
  return wasm;
}

export function createUpsampleWorker(): Worker {
  return new UpsampleWorker({ name: 'tconv-upsampler' });
}
