// The session's client (../shared/session.ts) backed by the upsampler's
// worker: each call goes through the bridge (bridge.ts), so it is typed,
// runs one at a time and is cancelled by its AbortSignal. A long call
// (`heavy`) that is aborted replaces the worker; a fresh worker gets the
// image the page shows loaded again before anything else.

import * as Comlink from 'comlink';

import { type CoreWorkerApi, type Progress, type Shown, type SourceSpec } from '../shared/protocol.js';
import type { CallOptions as Options, UpsamplerClient } from '../shared/session.js';
import type { Size } from '../shared/limits.js';
import { WorkerBridge } from './bridge.js';
import { initFromCore } from './init-core.js';

function close(shown: Shown): void {
  shown.bitmap.close();
  shown.preview?.close();
}

/** A progress callback for the worker, silent once its call is aborted. */
function progress(options: Options): (Progress & Comlink.ProxyMarked) | undefined {
  const { onProgress, signal } = options;
  if (!onProgress) return undefined;
  return Comlink.proxy((fraction: number) => {
    if (!signal?.aborted) onProgress(fraction);
  });
}

export class WorkerUpsamplerClient implements UpsamplerClient {
  private readonly bridge: WorkerBridge<CoreWorkerApi>;
  /** The image the page shows, to load again into a fresh worker. */
  private committed: { source: SourceSpec; resize?: Size } | null = null;
  /** The worker generation holding `committed`; any other must load it first. */
  private loadedIn = -1;

  constructor(create: () => Worker, wasm: Promise<ArrayBuffer>) {
    this.bridge = new WorkerBridge<CoreWorkerApi>(create, initFromCore(wasm));
  }

  /** Workers started so far (a cancelled long computation starts a fresh one). */
  get workersStarted(): number {
    return this.bridge.generation;
  }

  load(source: SourceSpec, resize: Size | undefined, options: Options = {}) {
    return this.bridge.call(
      async (api) => {
        const loaded = await api.load(source, resize);
        if (options.signal?.aborted) {
          // The page keeps the previous image: the worker must get it back before anything else.
          this.loadedIn = -1;
        } else {
          this.committed = { source, resize };
          this.loadedIn = this.bridge.generation;
        }
        return loaded;
      },
      { signal: options.signal, restartOnAbort: options.heavy },
    );
  }

  upsample(spec: Parameters<CoreWorkerApi['upsample']>[0], workers: number, options: Options = {}) {
    return this.withSource((api) => api.upsample(spec, workers, progress(options)), options, close);
  }

  difference(
    a: Parameters<CoreWorkerApi['difference']>[0],
    b: Parameters<CoreWorkerApi['difference']>[1],
    gain: number,
    workers: number,
    options: Options = {},
  ) {
    return this.withSource((api) => api.difference(a, b, gain, workers, progress(options)), options, close);
  }

  encode(spec: Parameters<CoreWorkerApi['encode']>[0], workers: number, options: Options = {}) {
    return this.withSource((api) => api.encode(spec, workers, progress(options)), options);
  }

  pixels(options: Options = {}) {
    return this.withSource((api) => api.pixels(), options);
  }

  restart(): void {
    this.bridge.restart();
  }

  dispose(): void {
    this.bridge.dispose();
  }

  /** A call on the worker once it holds the page's image. */
  private withSource<R>(
    run: (api: Comlink.Remote<CoreWorkerApi>) => Promise<R>,
    options: Options,
    discard?: (r: R) => void,
  ): Promise<R> {
    return this.bridge.call(
      async (api) => {
        if (this.loadedIn !== this.bridge.generation && this.committed) {
          await api.load(this.committed.source, this.committed.resize);
          this.loadedIn = this.bridge.generation;
        }
        return run(api);
      },
      { signal: options.signal, restartOnAbort: options.heavy, discard },
    );
  }
}
