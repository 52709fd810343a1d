// A progress callback reaches a worker as a Comlink proxy with its own message
// port; the worker releases it when its call is over, so ports do not pile up.

import * as Comlink from 'comlink';

import type { Progress } from '../shared/protocol.js';

export function release(onProgress: Progress | undefined): void {
  const remote = onProgress as Partial<Comlink.Remote<Progress>> | undefined;
  remote?.[Comlink.releaseProxy]?.();
}
