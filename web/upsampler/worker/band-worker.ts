// A band worker: computes rows of one up-sampling for the upsampler's worker,
// which splits large images across a pool of these (../shared/tiles.ts).
// Each has its own instance of the core, loaded from bytes it is handed, so
// the pool needs no network and no SharedArrayBuffer.
// Protocol: BandRequest / BandResponse in ../shared/protocol.ts.

import { createTconv } from '../../lib/index.js';
import type { Tconv } from '../../lib/index.js';
import { coreOptions, errorMessage, type BandRequest, type BandResponse } from '../shared/protocol.js';
import { warmUp } from '../shared/warmup.js';

let core: Promise<Tconv> | null = null;
/** The last band's bytes, handed back: the next band of the same size is written into them. */
let spare: Uint8ClampedArray | undefined;

function post(message: BandResponse, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

self.onmessage = async (event: MessageEvent<BandRequest>) => {
  const msg = event.data;
  if (msg.type === 'init') {
    // locateFile keeps the glue from resolving core.wasm against this worker's (blob:) URL.
    core = createTconv({ wasmBinary: msg.wasm, locateFile: (path) => path }).then((tc) => {
      warmUp(tc);
      return tc;
    });
    return;
  }
  if (msg.type === 'recycle') {
    spare = msg.data;
    return;
  }
  const { id } = msg;
  try {
    if (!core) throw new Error('the band worker was not initialised');
    const tc = await core;
    const t0 = performance.now();
    const out = tc.upsampleBand(
      msg.image,
      {
        ...coreOptions(msg.spec),
        onProgress: (fraction) => post({ type: 'progress', id, fraction }),
        into: spare,
      },
      msg.where,
    );
    const ms = performance.now() - t0;
    if (out.data === spare) spare = undefined; // it travels back with the band
    post({ type: 'band', id, data: out.data, width: out.width, height: out.height, ms }, [out.data.buffer]);
  } catch (e) {
    post({ type: 'error', id, message: errorMessage(e) });
  }
};
