// How every upsampler worker starts: it gets its own copy of the page's core
// bytes (the page keeps them for the next fresh worker), and a core that could
// not load becomes the fatal error the session reports.

import * as Comlink from 'comlink';

import { FATAL_ERROR, errorMessage } from '../shared/protocol.js';

export function initFromCore(wasm: Promise<ArrayBuffer>) {
  return async (api: { init(bytes: ArrayBuffer): Promise<unknown> }): Promise<void> => {
    let bytes: ArrayBuffer;
    try {
      bytes = await wasm;
    } catch (e) {
      const error = new Error(`could not load the WebAssembly core: ${errorMessage(e)}`);
      error.name = FATAL_ERROR;
      throw error;
    }
    const copy = bytes.slice(0);
    await api.init(Comlink.transfer(copy, [copy]));
  };
}
