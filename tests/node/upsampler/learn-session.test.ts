// The Learn mode's session (web/upsampler/learn/learn-session.ts) against a
// fake training client whose every call waits until the test answers it, with
// a fake trainer behind it (a step counter and a falling loss) and a clock the
// test moves: which calls are made and how large, what Pause, Reset and a new
// model do to the calls in flight, and what is shown when answers arrive late.

import { describe, expect, it } from 'vitest';

import {
  CHUNK_MS,
  EVAL_MS,
  EVAL_SHARE,
  FIRST_CHUNK,
  LearnSession,
  MAX_CHUNK,
  MAX_SIDE,
  centreCrop,
  type CallOptions,
  type SideId,
  type TrainClient,
} from '../../../web/upsampler/learn/learn-session.js';
import type { TrainChunk, TrainSnapshot, TrainSpec } from '../../../web/upsampler/shared/learn-protocol.js';
import type { RgbaBuffer, Shown } from '../../../web/upsampler/shared/protocol.js';

type Kind = 'create' | 'run' | 'snapshot' | 'difference';
interface Call {
  kind: Kind;
  side: SideId | null;
  args: unknown[];
  signal?: AbortSignal;
  aborted: boolean;
  answer: () => void;
  fail: (e: unknown) => void;
}

function bitmap(): ImageBitmap & { closed: number } {
  const b = { width: 1, height: 1, closed: 0, close: () => b.closed++ };
  return b as unknown as ImageBitmap & { closed: number };
}

const shown = (w = 4, h = 4): Shown => ({
  width: w,
  height: h,
  pixels: new ArrayBuffer(w * h * 4),
  ms: 1,
  bitmap: bitmap(),
  preview: null,
});

/** A trainer per side: step counts and a loss 1/(step + 1); the clock moves MS_PER_STEP per step it takes. */
const MS_PER_STEP = 10;

class FakeClient implements TrainClient {
  calls: Call[] = [];
  steps: Record<SideId, number> = { a: 0, b: 0 };
  specs: Record<SideId, TrainSpec | null> = { a: null, b: null };
  clock = 0;
  disposed = false;
  /** What each snapshot says its evaluation took (the clock does not move for it). */
  snapshotMs = 1;

  private call<T>(kind: Kind, side: SideId | null, args: unknown[], options: CallOptions, make: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const call: Call = {
        kind,
        side,
        args,
        signal: options.signal,
        aborted: false,
        answer: () => resolve(make()),
        fail: reject,
      };
      this.calls.push(call);
      options.signal?.addEventListener('abort', () => {
        call.aborted = true;
        reject(new DOMException('aborted', 'AbortError'));
      });
    });
  }
  private snap(side: SideId): TrainSnapshot {
    const step = this.steps[side];
    return {
      step,
      psnr: 20 + step / 100,
      psnrBilinear: 25,
      psnrBicubic: 26,
      checkerboard: side === 'a' ? 10 : 0.2,
      image: shown(),
      flat: { width: 2, height: 2, pixels: new ArrayBuffer(16) },
      kernels: null,
      ms: this.snapshotMs,
    };
  }
  create(side: SideId, spec: TrainSpec, _image: RgbaBuffer, options: CallOptions = {}) {
    return this.call('create', side, [spec], options, () => {
      this.steps[side] = 0;
      this.specs[side] = spec;
      return this.snap(side);
    });
  }
  run(side: SideId, steps: number, options: CallOptions = {}) {
    return this.call<TrainChunk>('run', side, [steps], options, () => {
      const losses = Array.from({ length: steps }, (_, i) => 1 / (this.steps[side] + i + 2));
      this.steps[side] += steps;
      this.clock += steps * MS_PER_STEP;
      return { step: this.steps[side], losses, ms: steps * MS_PER_STEP };
    });
  }
  snapshot(side: SideId, options: CallOptions = {}) {
    return this.call('snapshot', side, [], options, () => this.snap(side));
  }
  difference(a: RgbaBuffer, b: RgbaBuffer, gain: number, options: CallOptions = {}) {
    return this.call('difference', null, [a, b, gain], options, () => shown(a.width, a.height));
  }
  dispose() {
    this.disposed = true;
  }

  pending(kind?: Kind, side?: SideId): Call[] {
    return this.calls.filter((c) => !c.aborted && (!kind || c.kind === kind) && (!side || c.side === side));
  }
  /** Answers the oldest pending call (of a kind), then lets the session react. */
  async answer(kind?: Kind, side?: SideId): Promise<Call> {
    const c = this.pending(kind, side)[0];
    expect(c, `a pending ${kind ?? ''} call${side ? ` of ${side}` : ''}`).toBeDefined();
    this.calls.splice(this.calls.indexOf(c), 1);
    c.answer();
    await flush();
    return c;
  }
  /** Answers every call until none is pending or `limit` answers were given. */
  async pump(limit = 1000): Promise<number> {
    let n = 0;
    while (this.pending().length > 0 && n < limit) {
      await this.answer();
      n++;
    }
    return n;
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  const client = new FakeClient();
  let changes = 0;
  const session = new LearnSession({ changed: () => changes++, now: () => client.clock });
  session.attach(client);
  session.setImage({ name: 'photo', width: 8, height: 8, pixels: new ArrayBuffer(256) });
  return { client, session, changes: () => changes };
}

describe('LearnSession', () => {
  it('makes a trainer per side at step 0 with the default models, and shows their first snapshot', async () => {
    const { client, session } = setup();
    expect(client.pending('create').map((c) => c.side)).toEqual(['a', 'b']);
    expect(session.a.creating && session.b.creating).toBe(true);
    await client.pump();
    expect(client.specs.a).toMatchObject({ model: 'transposed-k3', factor: 2, hidden: 16 });
    expect(client.specs.b).toMatchObject({ model: 'resize-conv', factor: 2, hidden: 16 });
    for (const s of [session.a, session.b]) {
      expect(s.creating).toBe(false);
      expect(s.step).toBe(0);
      expect(s.snapshot?.layer.width).toBe(4);
      expect(s.start).toEqual({ step: 0, psnr: 20, checkerboard: s === session.a ? 10 : 0.2 });
    }
  });

  it('trains in chunks sized to about CHUNK_MS of work, records every loss, and evaluates every EVAL_MS', async () => {
    const { client, session } = setup();
    await client.pump();
    session.train();
    const sizes: number[] = [];
    for (let i = 0; i < 40; i++) {
      const c = client.pending('run', 'a')[0] ?? client.pending('snapshot', 'a')[0];
      if (c.kind === 'run') sizes.push(c.args[0] as number);
      await client.answer(c.kind, 'a');
    }
    expect(sizes[0]).toBe(FIRST_CHUNK);
    // Every later chunk is timed from the one before: CHUNK_MS of work, never above MAX_CHUNK.
    for (const n of sizes.slice(1)) expect(n).toBe(Math.min(MAX_CHUNK, Math.round(CHUNK_MS / MS_PER_STEP)));
    const total = sizes.reduce((x, y) => x + y, 0);
    expect(session.a.step).toBe(total);
    expect(session.a.losses).toHaveLength(total);
    expect(session.a.losses[0]).toBe(1 / 2);
    expect(session.a.losses[total - 1]).toBeCloseTo(1 / (total + 1), 12);
    // The evaluations are EVAL_MS of training apart (the fake clock moves only with steps).
    const steps = session.a.evaluations.map((e) => e.step);
    expect(steps[0]).toBe(0);
    for (let i = 1; i < steps.length; i++) {
      expect((steps[i] - steps[i - 1]) * MS_PER_STEP).toBeGreaterThanOrEqual(EVAL_MS);
      expect((steps[i] - steps[i - 1]) * MS_PER_STEP).toBeLessThan(EVAL_MS + MAX_CHUNK * MS_PER_STEP);
    }
    expect(session.a.rate).toBeCloseTo(1000 / MS_PER_STEP, 6);
  });

  it('a slow evaluation is made less often: at most one EVAL_SHARE-th of the time', async () => {
    const { client, session } = setup();
    client.snapshotMs = 400;
    await client.pump();
    session.train();
    for (let i = 0; i < 60; i++) {
      const c = client.pending('run', 'a')[0] ?? client.pending('snapshot', 'a')[0];
      await client.answer(c.kind, 'a');
    }
    const steps = session.a.evaluations.map((e) => e.step);
    expect(steps.length).toBeGreaterThan(2);
    for (let i = 1; i < steps.length; i++) {
      expect((steps[i] - steps[i - 1]) * MS_PER_STEP).toBeGreaterThanOrEqual(EVAL_SHARE * 400);
    }
  });

  it('Pause counts the chunk in flight, then stops that side and evaluates where it stopped', async () => {
    const { client, session } = setup();
    await client.pump();
    session.train();
    await client.answer('run', 'a');
    await client.answer('run', 'b');
    session.pause();
    expect(session.running).toBe(false);
    // The chunks in flight come back and count: the trainers did take those steps.
    await client.answer('run', 'a');
    await client.answer('run', 'b');
    expect(client.pending('run')).toEqual([]);
    await client.pump();
    const stopped = [session.a.step, session.b.step];
    expect(stopped[0]).toBeGreaterThan(0);
    expect(session.a.snapshot?.step).toBe(stopped[0]);
    expect(session.b.snapshot?.step).toBe(stopped[1]);
    expect(session.a.working || session.b.working).toBe(false);
    await flush();
    expect(client.pending()).toEqual([]);
    expect([session.a.step, session.b.step]).toEqual(stopped);
    // Train again: it continues from there.
    session.train();
    await client.answer('run', 'a');
    expect(session.a.step).toBeGreaterThan(stopped[0]);
  });

  it('Train pressed while the last chunk of a pause is in flight keeps training', async () => {
    const { client, session } = setup();
    await client.pump();
    session.train();
    session.pause();
    session.train();
    await client.answer('run', 'a');
    expect(client.pending('run', 'a')).toHaveLength(1);
  });

  it('Reset aborts the calls in flight, drops what they return, and starts again at step 0', async () => {
    const { client, session } = setup();
    await client.pump();
    session.train();
    await client.answer('run', 'a');
    const inFlight = client.pending('run', 'a')[0];
    const before = session.a.snapshot!.layer.bitmap as ImageBitmap & { closed: number };
    session.resetAll();
    expect(inFlight.aborted).toBe(true);
    expect(before.closed).toBe(1);
    expect(session.a.step).toBe(0);
    expect(session.a.losses).toEqual([]);
    expect(session.a.snapshot).toBeNull();
    expect(client.pending('create').map((c) => c.side)).toEqual(['a', 'b']);
    await client.answer('create', 'a');
    await client.answer('create', 'b');
    // Still running: both sides train again from step 0.
    expect(session.running).toBe(true);
    await client.answer('run', 'a');
    expect(session.a.step).toBe(FIRST_CHUNK);
  });

  it('a new model supersedes that side only; an old answer that arrives late is dropped', async () => {
    const { client, session } = setup();
    await client.pump();
    session.train();
    const oldRun = client.pending('run', 'b')[0];
    session.setModel('b', 'subpixel-icnr');
    expect(oldRun.aborted).toBe(true);
    expect(client.pending('run', 'a')).toHaveLength(1);
    expect(client.pending('create', 'b')).toHaveLength(1);
    expect(client.pending('create', 'b')[0].args[0]).toMatchObject({ model: 'subpixel-icnr' });
    // The old trainer's chunk comes back anyway (the worker finished it): nothing of it is shown.
    oldRun.answer();
    await flush();
    expect(session.b.step).toBe(0);
    expect(session.b.losses).toEqual([]);
    // Setting the same model again changes nothing.
    session.setModel('a', 'transposed-k3');
    expect(client.pending('create', 'a')).toEqual([]);
  });

  it('a new factor or image resets both sides with it', async () => {
    const { client, session } = setup();
    await client.pump();
    session.setFactor(3);
    expect(client.pending('create').map((c) => (c.args[0] as TrainSpec).factor)).toEqual([3, 3]);
    await client.pump();
    session.setImage({ name: 'other', width: 6, height: 6, pixels: new ArrayBuffer(144) });
    expect(client.pending('create')).toHaveLength(2);
  });

  it('an error stops that side and says why; Train makes it a new trainer', async () => {
    const { client, session } = setup();
    await client.pump();
    session.train();
    const c = client.pending('run', 'a')[0];
    client.calls.splice(client.calls.indexOf(c), 1);
    c.fail(new Error('out of memory'));
    await flush();
    expect(session.a.error).toBe('out of memory');
    expect(session.running).toBe(true); // B goes on
    session.train();
    expect(client.pending('create', 'a')).toHaveLength(1);
  });

  it('the difference view asks for |A − B| of the latest results, once per pair of snapshots', async () => {
    const { client, session } = setup();
    await client.pump();
    expect(client.pending('difference')).toEqual([]);
    session.setView('difference');
    expect(client.pending('difference')).toHaveLength(1);
    await client.answer('difference');
    expect(session.diff?.key).toBe(session.diffKey());
    session.setView('split');
    session.setView('difference');
    expect(client.pending('difference')).toEqual([]); // the same pair: kept
    // Another gain is another difference.
    session.setView('difference', 4);
    expect(client.pending('difference')).toHaveLength(1);
    expect(client.pending('difference')[0].args[2]).toBe(4);
    session.reset('b');
    expect(session.diff).toBeNull();
  });

  it('detach aborts everything and disposes the client', async () => {
    const { client, session } = setup();
    await client.pump();
    session.train();
    session.detach();
    expect(client.disposed).toBe(true);
    expect(client.pending()).toEqual([]);
  });

  it('a large image is trained on its centre: rows copied from the middle, the original size kept', () => {
    const [W, H] = [MAX_SIDE + 101, MAX_SIDE - 10];
    const px = new Uint8Array(W * H * 4);
    for (let i = 0; i < W * H; i++) px.set([i % 251, (i >> 8) % 253, 7, 255], 4 * i);
    const c = centreCrop({ name: 'big', width: W, height: H, pixels: px.buffer });
    expect([c.width, c.height]).toEqual([MAX_SIDE, H]);
    expect(c.croppedFrom).toEqual({ width: W, height: H });
    const out = new Uint8Array(c.pixels);
    const x0 = Math.floor((W - MAX_SIDE) / 2);
    for (const [x, y] of [
      [0, 0],
      [MAX_SIDE - 1, H - 1],
      [17, 300],
    ]) {
      const i = 4 * (y * MAX_SIDE + x);
      const j = 4 * (y * W + x0 + x);
      expect([...out.subarray(i, i + 4)]).toEqual([...px.subarray(j, j + 4)]);
    }
    const small = { name: 's', width: 8, height: 8, pixels: new ArrayBuffer(256) };
    expect(centreCrop(small)).toBe(small);
  });
});
