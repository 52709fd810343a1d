// The WebAssembly core, loaded once per page however many elements use it.
// Calls are tiny (microseconds for the explainer's sizes), so elements call it
// synchronously on the main thread once this promise has resolved.

import { createTconv } from '../../lib/index.js';
import type { Tconv } from '../../lib/index.js';

let loading: Promise<Tconv> | null = null;

/** The shared core; a failed load is forgotten, so a later call retries. */
export function loadTconv(): Promise<Tconv> {
  if (!loading) {
    loading = createTconv().catch((e: unknown) => {
      loading = null;
      throw e;
    });
  }
  return loading;
}
