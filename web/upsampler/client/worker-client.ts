// The main-thread side of the worker protocol (../shared/protocol.ts):
// one worker, one request in flight, a queue of the rest.
//
// Every request belongs to a slot ('a', 'b', 'difference', …). A new request
// supersedes the older requests of the slots it names: queued ones are dropped
// at once, and a running one is abandoned. A long running one (`heavy`) is
// stopped by terminating the worker and starting a fresh one, which first gets
// the current image again; a short one is left to finish and its answer is
// ignored. cancel() stops everything the same way.
//
// A fresh worker needs no network: it is made from the inline worker bundle
// (a Blob URL) and gets the core's bytes, which were fetched once per page.

import { errorMessage, type SourceSpec, type WorkerRequest, type WorkerResponse } from '../shared/protocol.js';

export type Slot = 'load' | 'a' | 'b' | 'difference' | 'encode' | 'pixels';

/** Rejection reason of a superseded or cancelled request. */
export class Cancelled extends Error {
  constructor(readonly why: 'superseded' | 'cancelled') {
    super(why === 'cancelled' ? 'cancelled' : 'superseded by a newer request');
    this.name = 'Cancelled';
  }
}

type Answer = Exclude<WorkerResponse, { type: 'progress' } | { type: 'ready' } | { type: 'error' }>;

interface Task {
  id: number;
  slot: Slot;
  request: WorkerRequest;
  heavy: boolean;
  onProgress?: (fraction: number) => void;
  resolve: (answer: Answer) => void;
  reject: (error: Error) => void;
  /** Internal reload of the image into a fresh worker: nobody waits for it. */
  internal?: boolean;
}

export interface SubmitOptions {
  /** Slots whose older requests this one makes stale (its own slot is always included). */
  supersedes?: Slot[];
  /** Long enough that stopping it is worth a fresh worker. */
  heavy?: boolean;
  onProgress?: (fraction: number) => void;
}

export interface ClientEvents {
  /** The number of requests queued or running changed. */
  onBusyChange?: (busy: boolean) => void;
  /** The core could not be loaded at all. */
  onFatal?: (message: string) => void;
}

export class WorkerClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private queue: Task[] = [];
  private running: Task | null = null;
  /** The running request was superseded: its answer will be dropped. */
  private orphaned = false;
  private ready = false;
  /** The image the worker should hold, to load again into a fresh worker. */
  private source: { spec: SourceSpec; resize?: { width: number; height: number } } | null = null;
  private previousSource: typeof this.source = null;
  private disposed = false;
  /** The worker was replaced and holds no image yet. */
  private sourceless = false;
  /** Crashes since the last worker that started. */
  private crashes = 0;
  /** Workers started, for tests and diagnostics. */
  workersStarted = 0;

  constructor(
    private readonly create: () => Worker,
    private readonly wasm: Promise<ArrayBuffer>,
    private readonly events: ClientEvents = {},
  ) {
    this.start();
  }

  get busy(): boolean {
    return this.running !== null || this.queue.length > 0;
  }

  /** Decodes a file or makes a sample in the worker. Supersedes everything. */
  load(spec: SourceSpec, resize?: { width: number; height: number }, heavy = false) {
    this.previousSource = this.source;
    this.source = { spec, resize };
    const p = this.submit('load', (id) => ({ type: 'load', id, source: spec, resize }), {
      supersedes: ['a', 'b', 'difference', 'encode', 'pixels'],
      heavy,
    });
    // A worker keeps its old image when a load fails; so does this record. A worker started
    // for this load has no image, so it gets the old one back.
    p.then(
      () => (this.sourceless = false),
      (e: unknown) => {
        if (e instanceof Cancelled || this.source?.spec !== spec) return;
        this.source = this.previousSource;
        if (this.sourceless && this.source) this.enqueueReload();
      },
    );
    return p;
  }

  submit(slot: Slot, build: (id: number) => WorkerRequest, options: SubmitOptions = {}): Promise<Answer> {
    if (this.disposed) return Promise.reject(new Cancelled('cancelled'));
    const stale = new Set<Slot>([slot, ...(options.supersedes ?? [])]);
    this.queue = this.queue.filter((t) => {
      if (t.internal || !stale.has(t.slot)) return true;
      t.reject(new Cancelled('superseded'));
      return false;
    });
    if (this.running && !this.running.internal && !this.orphaned && stale.has(this.running.slot)) {
      const task = this.running;
      task.reject(new Cancelled('superseded'));
      // A new image needs no reload of the old one into the fresh worker.
      if (task.heavy) this.restart(slot !== 'load');
      else this.orphaned = true;
    }
    const id = this.nextId++;
    return new Promise<Answer>((resolve, reject) => {
      this.queue.push({
        id,
        slot,
        request: build(id),
        heavy: options.heavy ?? false,
        onProgress: options.onProgress,
        resolve,
        reject,
      });
      this.notifyBusy();
      this.pump();
    });
  }

  /** Stops everything: the running request (by replacing the worker) and the queue. */
  cancel(): void {
    for (const t of this.queue) if (!t.internal) t.reject(new Cancelled('cancelled'));
    this.queue = this.queue.filter((t) => t.internal);
    const task = this.running;
    if (task && !task.internal) {
      if (!this.orphaned) task.reject(new Cancelled('cancelled'));
      // A cancelled load leaves the old image in place: the fresh worker gets that one.
      if (task.slot === 'load') this.source = this.previousSource;
      this.restart(true);
    }
    this.notifyBusy();
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
    this.worker?.terminate();
    this.worker = null;
  }

  private start(): void {
    this.ready = false;
    this.running = null;
    this.orphaned = false;
    const worker = this.create();
    this.workersStarted++;
    this.worker = worker;
    worker.onmessage = (e: MessageEvent<WorkerResponse>) => {
      if (worker === this.worker) this.onMessage(e.data);
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      if (worker === this.worker) this.onCrash(e.message || 'the worker stopped unexpectedly');
    };
    worker.onmessageerror = () => {
      if (worker === this.worker) this.onCrash('a message from the worker could not be read');
    };
    this.wasm.then(
      (bytes) => {
        if (worker !== this.worker) return;
        // A copy: the page keeps its bytes for the next fresh worker.
        const copy = bytes.slice(0);
        worker.postMessage({ type: 'init', wasm: copy } satisfies WorkerRequest, [copy]);
      },
      (e: unknown) => this.events.onFatal?.(`could not load the WebAssembly core: ${errorMessage(e)}`),
    );
  }

  /** Replaces the worker; the current image is loaded again before anything else. */
  private restart(reload = true): void {
    this.worker?.terminate();
    this.worker = null;
    this.start();
    this.queue = this.queue.filter((t) => !t.internal);
    this.sourceless = true;
    if (reload && this.queue[0]?.slot !== 'load') this.enqueueReload();
  }

  private enqueueReload(): void {
    if (!this.source) return;
    const { spec, resize } = this.source;
    const id = this.nextId++;
    this.sourceless = false;
    this.queue.unshift({
      id,
      slot: 'load',
      request: { type: 'load', id, source: spec, resize },
      heavy: false,
      internal: true,
      resolve: () => {},
      reject: () => {},
    });
    this.pump();
  }

  private onCrash(message: string): void {
    const task = this.running;
    if (task && !this.orphaned) task.reject(new Error(message));
    // A worker that cannot even start would be restarted forever: give up after a few tries.
    if (++this.crashes >= 3) {
      for (const t of this.queue) if (!t.internal) t.reject(new Error(message));
      this.queue = [];
      this.running = null;
      this.worker?.terminate();
      this.worker = null;
      this.events.onFatal?.(`the worker stopped: ${message}`);
    } else {
      this.restart();
      this.pump();
    }
    this.notifyBusy();
  }

  private onMessage(msg: WorkerResponse): void {
    if (msg.type === 'ready') {
      this.ready = true;
      this.crashes = 0;
      this.pump();
      return;
    }
    if (msg.type === 'error' && msg.id === 0) {
      this.events.onFatal?.(msg.message);
      return;
    }
    const task = this.running;
    if (!task || msg.id !== task.id) return;
    if (msg.type === 'progress') {
      if (!this.orphaned) task.onProgress?.(msg.fraction);
      return;
    }
    this.running = null;
    const orphaned = this.orphaned;
    this.orphaned = false;
    if (msg.type === 'error') {
      if (!orphaned) task.reject(new Error(msg.message));
      if (msg.fatal) this.restart();
    } else if (orphaned) {
      if (msg.type === 'result' || msg.type === 'difference') {
        msg.bitmap.close();
        msg.preview?.close();
      }
    } else {
      task.resolve(msg);
    }
    this.notifyBusy();
    this.pump();
  }

  private pump(): void {
    if (!this.ready || this.running || !this.worker) return;
    const task = this.queue.shift();
    if (!task) return;
    this.running = task;
    this.orphaned = false;
    this.worker.postMessage(task.request);
  }

  private lastBusy = false;
  private notifyBusy(): void {
    const busy =
      this.queue.some((t) => !t.internal) || (this.running !== null && !this.running.internal && !this.orphaned);
    if (busy !== this.lastBusy) {
      this.lastBusy = busy;
      this.events.onBusyChange?.(busy);
    }
  }
}
