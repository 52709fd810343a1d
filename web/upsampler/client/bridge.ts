// A worker's methods, called through Comlink, one call at a time, each
// cancellable with an AbortSignal. An aborted call rejects at once with an
// AbortError; if it was still waiting its turn it is never sent, and if it was
// running, the worker either finishes it (the result is discarded) or, for a
// long computation (`restartOnAbort`), is terminated: the next call starts a
// fresh one. Terminating is the only way to stop the core mid-call, and a
// fresh worker needs no network: it is made from an inline bundle (a Blob URL)
// and `init` hands it the core's bytes.
//
// A worker that crashes fails its call and is replaced; one that crashes three
// times in a row without answering is given up, and every call after that
// fails with its message. An error named FATAL_ERROR (the core ran out of
// memory or trapped) also replaces the worker.

import * as Comlink from 'comlink';

import { FATAL_ERROR } from '../shared/protocol.js';

/** Crashes in a row after which the bridge stops starting workers. */
const MAX_CRASHES = 3;

export interface CallOptions<R> {
  signal?: AbortSignal;
  /** Aborting this call while it runs terminates the worker rather than waiting for it. */
  restartOnAbort?: boolean;
  /** Releases a result that arrived for a call that was aborted meanwhile (bitmaps, for example). */
  discard?: (result: R) => void;
}

/** The rejection of an aborted call: a DOMException named AbortError, as fetch() gives. */
export function abortError(): DOMException {
  return new DOMException('the request was cancelled or superseded', 'AbortError');
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error || e instanceof DOMException ? e.name === 'AbortError' : false;
}

interface Running<T> {
  worker: Worker;
  api: Comlink.Remote<T>;
  /** The worker's init call. */
  ready: Promise<void>;
  /** Rejects when the worker crashes or is terminated: every call on it races this. */
  stopped: Promise<never>;
  stop: (reason: Error) => void;
}

export class WorkerBridge<T> {
  private current: Running<T> | null = null;
  /** The queue: each call starts once the one before it has settled in the worker. */
  private tail: Promise<unknown> = Promise.resolve();
  private crashes = 0;
  private broken: Error | null = null;
  /** Workers started so far: a call can tell whether it runs on the worker an earlier one ran on. */
  generation = 0;

  constructor(
    private readonly create: () => Worker,
    private readonly init: (api: Comlink.Remote<T>) => Promise<void>,
  ) {}

  call<R>(run: (api: Comlink.Remote<T>) => Promise<R>, options: CallOptions<R> = {}): Promise<R> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError());
    return new Promise<R>((resolve, reject) => {
      let settled = false;
      let runningOn: Running<T> | null = null;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        reject(abortError());
        if (runningOn && options.restartOnAbort && runningOn === this.current) this.restart();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const step = this.tail
        .then(async () => {
          if (settled) return { skipped: true as const };
          if (this.broken) throw this.broken;
          const w = (runningOn = this.start());
          await Promise.race([w.ready, w.stopped]);
          return { value: await Promise.race([run(w.api), w.stopped]) };
        })
        .then(
          (r) => {
            if ('skipped' in r) return;
            this.crashes = 0;
            if (settled) options.discard?.(r.value);
            else {
              settled = true;
              resolve(r.value);
            }
          },
          (e: unknown) => {
            if (e instanceof Error && e.name === FATAL_ERROR && runningOn === this.current) this.restart();
            if (settled) return;
            settled = true;
            reject(e);
          },
        )
        .finally(() => signal?.removeEventListener('abort', onAbort));
      this.tail = step;
    });
  }

  /** Terminates the worker now; whatever it was running is dropped, and the next call starts a fresh one. */
  restart(): void {
    this.current?.stop(new Error('the worker was replaced'));
    this.current = null;
  }

  dispose(): void {
    this.broken = abortError();
    this.restart();
  }

  /** The running worker, or a fresh one. */
  private start(): Running<T> {
    if (this.current) return this.current;
    const worker = this.create();
    this.generation++;
    let stop!: (reason: Error) => void;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    stopped.catch(() => undefined); // rejects with no call waiting, too
    const running: Running<T> = {
      worker,
      api: Comlink.wrap<T>(worker),
      ready: Promise.resolve(),
      stopped,
      stop: (reason) => {
        worker.terminate();
        stop(reason);
      },
    };
    const crash = (message: string) => {
      if (this.current === running) this.current = null;
      running.stop(new Error(message));
      if (++this.crashes >= MAX_CRASHES) this.broken = new Error(`the worker stopped: ${message}`);
    };
    worker.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      crash(e.message || 'the worker stopped unexpectedly');
    });
    worker.addEventListener('messageerror', () => crash('a message from the worker could not be read'));
    // A worker whose core did not load is of no use: init should throw FATAL_ERROR, so the next call
    // tries a fresh one.
    running.ready = this.init(running.api);
    this.current = running;
    return running;
  }
}
