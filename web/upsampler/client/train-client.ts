// The Learn mode's session (../learn/learn-session.ts) talks to its training
// workers through this client: one worker per side when the page has two
// cores or more (the sides then train at the same time), else one worker that
// holds both trainers and runs their chunks in turn. Each worker is a
// WorkerBridge (bridge.ts): typed calls, one at a time, each cancellable with
// an AbortSignal; a chunk that is aborted finishes in the worker (a chunk is
// short) and its answer is dropped.

import * as Comlink from 'comlink';

import type { TrainWorkerApi, TrainSpec } from '../shared/learn-protocol.js';
import type { RgbaBuffer, Shown } from '../shared/protocol.js';
import type { CallOptions, SideId, TrainClient } from '../learn/learn-session.js';
import { WorkerBridge } from './bridge.js';
import { initFromCore } from './init-core.js';

function close(shown: Shown): void {
  shown.bitmap.close();
  shown.preview?.close();
}

/** Workers for `cores` (navigator.hardwareConcurrency): one per side from two cores on. */
export function trainWorkerCount(cores: number | undefined): 1 | 2 {
  return (cores ?? 1) >= 2 ? 2 : 1;
}

export class WorkerTrainClient implements TrainClient {
  private readonly bridges: WorkerBridge<TrainWorkerApi>[];
  /** The worker generation each side's trainer lives in: a replaced worker has lost it. */
  private readonly madeIn: Record<SideId, number> = { a: -1, b: -1 };

  constructor(create: () => Worker, wasm: Promise<ArrayBuffer>, workers: 1 | 2) {
    const init = initFromCore(wasm);
    this.bridges = Array.from({ length: workers }, () => new WorkerBridge<TrainWorkerApi>(create, init));
  }

  /** How many workers train: 1 or 2. */
  get workers(): number {
    return this.bridges.length;
  }

  private bridge(side: SideId): WorkerBridge<TrainWorkerApi> {
    return this.bridges[side === 'a' || this.bridges.length === 1 ? 0 : 1];
  }

  /** A call on the side's trainer, which must still live in the running worker. */
  private onTrainer<R>(
    side: SideId,
    run: (api: Comlink.Remote<TrainWorkerApi>) => Promise<R>,
    options: CallOptions,
    discard?: (r: R) => void,
  ) {
    const bridge = this.bridge(side);
    return bridge.call(
      (api) => {
        if (this.madeIn[side] !== bridge.generation) throw new Error('the training worker was restarted; press Reset');
        return run(api);
      },
      { signal: options.signal, discard },
    );
  }

  create(side: SideId, spec: TrainSpec, image: RgbaBuffer, options: CallOptions = {}) {
    const bridge = this.bridge(side);
    return bridge.call(
      async (api) => {
        const snap = await api.create(side, spec, Comlink.transfer(image, [image.pixels]));
        this.madeIn[side] = bridge.generation;
        return snap;
      },
      { signal: options.signal, discard: (s) => close(s.image) },
    );
  }

  run(side: SideId, steps: number, options: CallOptions = {}) {
    return this.onTrainer(side, (api) => api.run(side, steps), options);
  }

  snapshot(side: SideId, options: CallOptions = {}) {
    return this.onTrainer(
      side,
      (api) => api.snapshot(side),
      options,
      (s) => close(s.image),
    );
  }

  difference(a: RgbaBuffer, b: RgbaBuffer, gain: number, options: CallOptions = {}) {
    return this.bridges[0].call(
      (api) => api.difference(Comlink.transfer(a, [a.pixels]), Comlink.transfer(b, [b.pixels]), gain),
      {
        signal: options.signal,
        discard: close,
      },
    );
  }

  dispose(): void {
    for (const b of this.bridges) b.dispose();
  }
}
