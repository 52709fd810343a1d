// The worker bridge (web/upsampler/client/bridge.ts) over Comlink, with fake
// workers made of Node's MessageChannel: calls run one at a time, an aborted
// call rejects with an AbortError at once, a queued one is never sent, a long
// one terminates its worker, and crashes are reported and bounded.

import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';

import { WorkerBridge, isAbortError } from '../../../web/upsampler/client/bridge.js';
import { FATAL_ERROR } from '../../../web/upsampler/shared/protocol.js';

interface Api {
  init(): Promise<void>;
  /** Waits until the test releases `name`, then answers it. */
  work(name: string): Promise<string>;
  fail(name: string): Promise<void>;
}

/** A worker stand-in: the API is exposed on one end of a MessageChannel, the bridge talks to the other. */
class FakeWorker extends EventTarget {
  terminated = false;
  private readonly port: MessagePort;
  private readonly inside: MessagePort;

  constructor(api: Api) {
    super();
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(api, port1 as unknown as Comlink.Endpoint);
    this.inside = port1;
    this.port = port2;
  }
  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer as never);
  }
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: unknown,
  ): void {
    if (type === 'message') this.port.addEventListener('message', listener as never, options as never);
    else super.addEventListener(type, listener, options as AddEventListenerOptions);
  }
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type === 'message') this.port.removeEventListener('message', listener as never);
    else super.removeEventListener(type, listener);
  }
  terminate(): void {
    this.terminated = true;
    this.port.close();
    this.inside.close();
  }
  /** What a worker's uncaught error looks like to its page. */
  crash(message: string): void {
    const e = new Event('error', { cancelable: true }) as Event & { message: string };
    e.message = message;
    this.dispatchEvent(e);
  }
}

function setup() {
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const workers: FakeWorker[] = [];
  let inits = 0;
  const api: Api = {
    async init() {
      inits++;
    },
    work(name) {
      started.push(name);
      return new Promise((resolve) => release.set(name, () => resolve(`${name} done`)));
    },
    async fail(name) {
      const e = new Error(`${name} broke the core`);
      e.name = FATAL_ERROR;
      throw e;
    },
  };
  const bridge = new WorkerBridge<Api>(
    () => {
      const w = new FakeWorker(api);
      workers.push(w);
      return w as unknown as Worker;
    },
    (remote) => remote.init(),
  );
  return {
    bridge,
    started,
    workers,
    inits: () => inits,
    release: (name: string) => release.get(name)!(),
  };
}

/** Waits until a condition holds (the fake worker answers through real message ports). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(condition()).toBe(true);
}

describe('WorkerBridge', () => {
  it('calls the worker typed, one call at a time, starting it once', async () => {
    const t = setup();
    const one = t.bridge.call((api) => api.work('one'));
    const two = t.bridge.call((api) => api.work('two'));
    await until(() => t.started.length === 1);
    expect(t.started).toEqual(['one']); // two waits for one
    t.release('one');
    expect(await one).toBe('one done');
    await until(() => t.started.length === 2);
    t.release('two');
    expect(await two).toBe('two done');
    expect(t.workers).toHaveLength(1);
    expect(t.inits()).toBe(1);
  });

  it('an aborted call that waits its turn rejects with an AbortError and is never sent', async () => {
    const t = setup();
    const one = t.bridge.call((api) => api.work('one'));
    const controller = new AbortController();
    const two = t.bridge.call((api) => api.work('two'), { signal: controller.signal });
    controller.abort();
    await expect(two).rejects.toSatisfy(isAbortError);
    await until(() => t.started.length === 1);
    t.release('one');
    await one;
    const three = t.bridge.call((api) => api.work('three'));
    await until(() => t.started.length === 2);
    expect(t.started).toEqual(['one', 'three']);
    t.release('three');
    await three;
    // A call aborted before it is made rejects too.
    await expect(t.bridge.call((api) => api.work('four'), { signal: controller.signal })).rejects.toSatisfy(
      isAbortError,
    );
  });

  it('an aborted running call rejects at once; its late answer goes to discard, and the worker is kept', async () => {
    const t = setup();
    const controller = new AbortController();
    const discarded: string[] = [];
    const one = t.bridge.call((api) => api.work('one'), {
      signal: controller.signal,
      discard: (r) => discarded.push(r),
    });
    await until(() => t.started.length === 1);
    controller.abort();
    await expect(one).rejects.toSatisfy(isAbortError);
    const two = t.bridge.call((api) => api.work('two'));
    t.release('one');
    await until(() => discarded.length === 1);
    expect(discarded).toEqual(['one done']);
    await until(() => t.started.length === 2);
    t.release('two');
    expect(await two).toBe('two done');
    expect(t.workers).toHaveLength(1);
  });

  it('aborting a long call terminates its worker; the next call gets a fresh, initialised one', async () => {
    const t = setup();
    const controller = new AbortController();
    const one = t.bridge.call((api) => api.work('one'), { signal: controller.signal, restartOnAbort: true });
    await until(() => t.started.length === 1);
    controller.abort();
    await expect(one).rejects.toSatisfy(isAbortError);
    expect(t.workers[0]!.terminated).toBe(true);
    const two = t.bridge.call((api) => api.work('two'));
    await until(() => t.started.length === 2);
    expect(t.workers).toHaveLength(2);
    expect(t.inits()).toBe(2);
    expect(t.bridge.generation).toBe(2);
    t.release('two');
    expect(await two).toBe('two done');
  });

  it('restart() drops what runs; a crash fails the running call with its message; three in a row give up', async () => {
    const t = setup();
    const one = t.bridge.call((api) => api.work('one'));
    await until(() => t.started.length === 1);
    t.bridge.restart();
    await expect(one).rejects.toThrow('the worker was replaced');
    for (const n of [1, 2, 3]) {
      const call = t.bridge.call((api) => api.work(`crash ${n}`));
      await until(() => t.started.length === n + 1);
      t.workers.at(-1)!.crash('out of stack');
      await expect(call).rejects.toThrow('out of stack');
    }
    await expect(t.bridge.call((api) => api.work('after'))).rejects.toThrow('the worker stopped: out of stack');
    expect(t.workers.every((w) => w.terminated)).toBe(true);
  });

  it('an error named FATAL_ERROR fails its call and replaces the worker', async () => {
    const t = setup();
    await expect(t.bridge.call((api) => api.fail('one'))).rejects.toThrow('one broke the core');
    expect(t.workers[0]!.terminated).toBe(true);
    const two = t.bridge.call((api) => api.work('two'));
    await until(() => t.started.length === 1);
    expect(t.workers).toHaveLength(2);
    t.release('two');
    await two;
  });
});
