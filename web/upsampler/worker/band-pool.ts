// The upsampler worker's pool of band workers (band-worker.ts): one large
// up-sampling is cut into bands (../shared/tiles.ts), one per band
// worker, and the rows they return are copied into place. The pool lives as
// long as this worker: terminating this worker (cancel) stops the pool too.

import BandWorker from './band-worker.ts?worker&inline';
import type { BandRequest, BandResponse, JobSpec } from '../shared/protocol.js';
import type { RgbaImage } from '../../lib/types.js';

type BandJob = Extract<BandRequest, { type: 'band' }>;
type BandResult = Extract<BandResponse, { type: 'band' }>;

interface Pending {
  worker: Worker;
  resolve: (band: BandResult) => void;
  reject: (error: Error) => void;
  onProgress: (fraction: number) => void;
}

export class BandPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** `wasm`: the core's bytes, copied to each band worker. */
  constructor(private readonly wasm: ArrayBuffer) {}

  get size(): number {
    return this.workers.length;
  }

  /** Starts band workers until there are `count`; throws when this context cannot start workers. */
  grow(count: number): void {
    while (this.workers.length < count) {
      const worker = new BandWorker({ name: `tconv-band-${this.workers.length + 1}` });
      worker.onmessage = (e: MessageEvent<BandResponse>) => this.onMessage(e.data);
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        this.drop(worker, e.message || 'a band worker stopped unexpectedly');
      };
      const copy = this.wasm.slice(0);
      worker.postMessage({ type: 'init', wasm: copy } satisfies BandRequest, [copy]);
      this.workers.push(worker);
    }
  }

  /** Computes one band on band worker `index`; the image's bytes are transferred. */
  run(
    index: number,
    image: RgbaImage & { data: Uint8ClampedArray },
    spec: JobSpec,
    where: BandJob['where'],
    onProgress: (fraction: number) => void,
  ): Promise<BandResult> {
    const worker = this.workers[index];
    if (!worker) return Promise.reject(new Error(`no band worker ${index}`));
    const id = this.nextId++;
    return new Promise<BandResult>((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject, onProgress });
      const job: BandJob = { type: 'band', id, image, spec, where };
      worker.postMessage(job, [image.data.buffer]);
    });
  }

  /** Hands a band's bytes back to band worker `index`, to be filled by its next band of the same size. */
  recycle(index: number, data: Uint8ClampedArray): void {
    this.workers[index]?.postMessage({ type: 'recycle', data } satisfies BandRequest, [data.buffer]);
  }

  /** Stops every band worker; their jobs fail. */
  dispose(): void {
    for (const worker of [...this.workers]) this.drop(worker, 'the band workers were stopped');
  }

  private onMessage(msg: BandResponse): void {
    const task = this.pending.get(msg.id);
    if (!task) return;
    if (msg.type === 'progress') {
      task.onProgress(msg.fraction);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.type === 'error') task.reject(new Error(msg.message));
    else task.resolve(msg);
  }

  /** A band worker that crashed: its jobs fail, and a fresh one takes its place next time. */
  private drop(worker: Worker, message: string): void {
    worker.terminate();
    const i = this.workers.indexOf(worker);
    if (i >= 0) this.workers.splice(i, 1);
    for (const [id, task] of this.pending) {
      if (task.worker !== worker) continue;
      this.pending.delete(id);
      task.reject(new Error(message));
    }
  }
}
