// The upsampler worker's pool of band workers (band-worker.ts): one large
// up-sampling is cut into bands (../shared/tiles.ts), one per band worker,
// and the rows they return are copied into place. The pool lives as long as
// this worker: terminating this worker (cancel) stops the pool too.

import * as Comlink from 'comlink';

import BandWorker from './band-worker.ts?worker&inline';
import type { BandWhere, BandWorkerApi, JobSpec } from '../shared/protocol.js';
import type { RgbaImage } from '../../lib/types.js';

type Band = Awaited<ReturnType<BandWorkerApi['band']>>;

interface Member {
  worker: Worker;
  api: Comlink.Remote<BandWorkerApi>;
  /** Settles (rejects) when the worker crashes: every call on it races this. */
  crashed: Promise<never>;
}

export class BandPool {
  private readonly members: Member[] = [];

  /** `wasm`: the core's bytes, copied to each band worker. */
  constructor(private readonly wasm: ArrayBuffer) {}

  get size(): number {
    return this.members.length;
  }

  /** Starts band workers until there are `count`; throws when this context cannot start workers. */
  grow(count: number): void {
    while (this.members.length < count) {
      const worker = new BandWorker({ name: `tconv-band-${this.members.length + 1}` });
      const crashed = new Promise<never>((_, reject) => {
        worker.addEventListener('error', (e: ErrorEvent) => {
          e.preventDefault();
          this.drop(worker);
          reject(new Error(e.message || 'a band worker stopped unexpectedly'));
        });
      });
      crashed.catch(() => undefined); // a crash between calls is no one's error
      const api = Comlink.wrap<BandWorkerApi>(worker);
      const copy = this.wasm.slice(0);
      const member = { worker, api, crashed };
      void Promise.race([api.init(Comlink.transfer(copy, [copy])), crashed]).catch(() => this.drop(worker));
      this.members.push(member);
    }
  }

  /** Computes one band on band worker `index`; the image's bytes are transferred. */
  run(
    index: number,
    image: RgbaImage & { data: Uint8ClampedArray },
    spec: JobSpec,
    where: BandWhere,
    onProgress: (fraction: number) => void,
  ): Promise<Band> {
    const member = this.members[index];
    if (!member) return Promise.reject(new Error(`no band worker ${index}`));
    const call = member.api.band(Comlink.transfer(image, [image.data.buffer]), spec, where, Comlink.proxy(onProgress));
    return Promise.race([call, member.crashed]);
  }

  /** Hands a band's bytes back to band worker `index`, to be filled by its next band of the same size. */
  recycle(index: number, data: Uint8ClampedArray): void {
    void this.members[index]?.api.recycle(Comlink.transfer(data, [data.buffer]));
  }

  /** Stops every band worker. */
  dispose(): void {
    for (const m of [...this.members]) this.drop(m.worker);
  }

  /** A band worker that crashed or was stopped: a fresh one takes its place next time. */
  private drop(worker: Worker): void {
    worker.terminate();
    const i = this.members.findIndex((m) => m.worker === worker);
    if (i >= 0) this.members.splice(i, 1);
  }
}
