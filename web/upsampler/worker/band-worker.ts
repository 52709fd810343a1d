// A band worker: computes rows of one up-sampling for the upsampler's worker,
// which splits large images across a pool of these (../shared/tiles.ts).
// Each has its own instance of the core, loaded from bytes it is handed, so
// the pool needs no network and no SharedArrayBuffer. Its interface is
// BandWorkerApi (../shared/protocol.ts), called through Comlink.

import * as Comlink from 'comlink';

import { createTconv } from '../../lib/index.js';
import type { Tconv } from '../../lib/index.js';
import { coreOptions, type BandWorkerApi } from '../shared/protocol.js';
import { warmUp } from '../shared/warmup.js';
import { release } from './release.js';

let core: Promise<Tconv> | null = null;
/** The last band's bytes, handed back: the next band of the same size is written into them. */
let spare: Uint8ClampedArray | undefined;

const api: BandWorkerApi = {
  async init(wasm) {
    // locateFile keeps the glue from resolving core.wasm against this worker's (blob:) URL.
    core = createTconv({ wasmBinary: wasm, locateFile: (path) => path }).then((tc) => {
      warmUp(tc);
      return tc;
    });
    await core;
  },

  recycle(data) {
    spare = data;
  },

  async band(image, spec, where, onProgress) {
    try {
      if (!core) throw new Error('the band worker was not initialised');
      const tc = await core;
      const t0 = performance.now();
      const options = { ...coreOptions(spec), onProgress: (f: number) => void onProgress?.(f), into: spare };
      const out = tc.upsampleBand(image, options, where);
      const ms = performance.now() - t0;
      if (out.data === spare) spare = undefined; // it travels back with the band
      return Comlink.transfer({ data: out.data, width: out.width, height: out.height, ms }, [out.data.buffer]);
    } finally {
      release(onProgress);
    }
  },
};

Comlink.expose(api);
