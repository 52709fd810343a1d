// Where the upsampler's worker and the core's bytes come from.
//
// The worker is Vite's inline worker: its bundle is part of this module and
// each instance starts from a Blob URL, so replacing a worker (cancel, a stale
// run) makes no network request. The core's bytes are loaded once per page
// (../shared/core.ts: fetched on the site, decoded from the inlined copy in the
// embed script) and handed to every worker, which loads the core from them.

import UpsampleWorker from '../worker/core-worker.ts?worker&inline';

export { coreBytes, prefetchCoreBytes } from '../../components/shared/core.js';

export function createUpsampleWorker(): Worker {
  return new UpsampleWorker({ name: 'tconv-upsampler' });
}
