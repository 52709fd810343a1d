// The upsampler's session (web/upsampler/shared/session.ts) against a fake
// client whose every call waits until the test settles it: which calls are
// made, which are aborted, and what is shown when answers arrive late, fail,
// or report progress. No worker, no DOM.

import { describe, expect, it } from 'vitest';

import type {
  JobSpec,
  Loaded,
  RgbaBuffer,
  Shown,
  SourceSpec,
  Upsampled,
  UpsampleMethod,
} from '../../../web/upsampler/shared/protocol.js';
import { presetKernel } from '../../../web/upsampler/shared/kernels.js';
import { tconv } from '../helpers.js';
import { LARGE_OUTPUT_PIXELS, fitForFactor } from '../../../web/upsampler/shared/limits.js';
import { UpsamplerSession, type CallOptions, type UpsamplerClient } from '../../../web/upsampler/shared/session.js';

interface Call<T> {
  kind: 'load' | 'upsample' | 'difference' | 'encode' | 'pixels';
  args: unknown[];
  options: CallOptions;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
  settled: boolean;
}

/** A bitmap that counts its close() calls. */
function bitmap(): ImageBitmap & { closed: number } {
  const b = { width: 1, height: 1, closed: 0, close: () => b.closed++ };
  return b as unknown as ImageBitmap & { closed: number };
}

class FakeClient implements UpsamplerClient {
  calls: Call<unknown>[] = [];
  restarts = 0;
  disposed = false;

  private call<T>(kind: Call<T>['kind'], args: unknown[], options: CallOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const call: Call<unknown> = {
        kind,
        args,
        options,
        settled: false,
        resolve: (v) => {
          call.settled = true;
          resolve(v as T);
        },
        reject: (e) => {
          call.settled = true;
          reject(e);
        },
      };
      this.calls.push(call);
      // Like the bridge: an aborted call rejects at once with an AbortError.
      options.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    });
  }
  load(source: SourceSpec, resize: unknown, options?: CallOptions) {
    return this.call<Loaded>('load', [source, resize], options);
  }
  upsample(spec: JobSpec, workers: number, options?: CallOptions) {
    return this.call<Upsampled>('upsample', [spec, workers], options);
  }
  difference(a: JobSpec, b: JobSpec, gain: number, workers: number, options?: CallOptions) {
    return this.call<Shown>('difference', [a, b, gain, workers], options);
  }
  encode(spec: JobSpec, workers: number, options?: CallOptions) {
    return this.call<Blob>('encode', [spec, workers], options);
  }
  pixels(options?: CallOptions) {
    return this.call<RgbaBuffer>('pixels', [], options);
  }
  restart() {
    this.restarts++;
  }
  dispose() {
    this.disposed = true;
  }

  /** The calls of a kind still waiting (neither answered nor aborted). */
  open(kind: Call<unknown>['kind']): Call<unknown>[] {
    return this.calls.filter((c) => c.kind === kind && !c.settled && !c.options.signal?.aborted);
  }
  spec(call: Call<unknown>): JobSpec {
    return call.args[0] as JobSpec;
  }
}

/** An answer of the worker for an up-sampling of width × height. */
function upsampled(
  width: number,
  height: number,
  extra: Partial<Upsampled> = {},
): Upsampled & { bitmap: ReturnType<typeof bitmap> } {
  return {
    width,
    height,
    ms: 12,
    pixels: new Uint8ClampedArray(width * height * 4).fill(7).buffer,
    bitmap: bitmap(),
    preview: null,
    cached: false,
    workers: 1,
    ...extra,
  } as Upsampled & { bitmap: ReturnType<typeof bitmap> };
}

/** The real core answers the session's geometry questions: no rule is faked here. */
const core = await tconv();

/** Lets the session's promise handlers run. */
const settle = () => new Promise((r) => setTimeout(r, 0));

function setup(methods: [UpsampleMethod, UpsampleMethod] = ['transposed', 'resize-conv-nearest']) {
  const events: { type: string; detail: Record<string, unknown> }[] = [];
  let changes = 0;
  let clock = 0;
  const session = new UpsamplerSession(
    {
      changed: () => changes++,
      emit: (type, detail) => events.push({ type, detail }),
      workers: () => 4,
      now: () => clock,
    },
    methods,
  );
  const client = new FakeClient();
  session.attach(client, core);
  return {
    session,
    client,
    events,
    changes: () => changes,
    tick: (ms: number) => (clock += ms),
    of: (type: string) => events.filter((e) => e.type === type).map((e) => e.detail),
  };
}

/** Opens the 'detail' sample (320×240) and answers its load. */
async function withSample(t: ReturnType<typeof setup>, size = { width: 320, height: 240 }) {
  t.session.openSample('detail');
  const load = t.client.open('load')[0]!;
  load.resolve({ ...size, ms: 3, alpha: false });
  await settle();
}

describe('UpsamplerSession', () => {
  it('loads an image, then computes both sides and shows their results', async () => {
    const t = setup();
    expect(t.session.busy).toBe(false);
    t.session.openSample('detail');
    expect(t.session.busy).toBe(true);
    expect(t.session.loading?.name).toBe('Fine detail');
    expect(t.client.calls.map((c) => c.kind)).toEqual(['load']);
    t.client.calls[0]!.resolve({ width: 320, height: 240, ms: 3, alpha: false });
    await settle();
    expect(t.of('tconv-load')).toEqual([{ name: 'Fine detail', width: 320, height: 240, ms: 3 }]);
    expect(t.session.outputSize()).toEqual({ width: 640, height: 480 });
    const [a, b] = t.client.open('upsample');
    expect([t.client.spec(a!).method, t.client.spec(b!).method]).toEqual(['transposed', 'resize-conv-nearest']);
    expect(a!.args[1]).toBe(4); // the workers the element allows
    expect(t.session.a.job).not.toBeNull();
    a!.resolve(upsampled(640, 480, { ms: 21, workers: 2 }));
    b!.resolve(upsampled(640, 480));
    await settle();
    expect(t.session.a.result?.ms).toBe(21);
    expect(t.session.a.result?.pixels.length).toBe(640 * 480 * 4);
    expect(t.session.b.result).not.toBeNull();
    expect(t.session.busy).toBe(false);
    expect(t.of('tconv-result').map((d) => [d.side, d.method, d.workers])).toEqual([
      ['a', 'transposed', 2],
      ['b', 'resize-conv-nearest', 1],
    ]);
    expect(t.session.status).toBe('B (resize-conv (nearest)) done in 12 ms.');
  });

  it('a newer request aborts the older one of the same side; a late answer is not shown', async () => {
    const t = setup();
    await withSample(t);
    const first = t.client.open('upsample').find((c) => t.client.spec(c).method === 'transposed')!;
    t.session.setKernel(presetKernel('tent', 3));
    expect(first.options.signal?.aborted).toBe(true);
    const second = t.client.open('upsample').find((c) => t.client.spec(c).method === 'transposed')!;
    expect(second).not.toBe(first);
    expect(t.client.spec(second).kernel?.values).toEqual(presetKernel('tent', 3).values);
    // Only the kernel sides start again: side B (resize-conv) uses the kernel too, side A was superseded.
    expect(t.client.calls.filter((c) => c.kind === 'upsample')).toHaveLength(4);
    first.resolve(upsampled(640, 480));
    await settle();
    expect(t.session.a.result).toBeNull();
    expect(t.session.a.job?.key).toContain('k3:0.0625,0.125,0.0625');
    expect(t.of('tconv-result')).toEqual([]);
    second.resolve(upsampled(640, 480));
    await settle();
    expect(t.session.a.result?.spec.kernel?.values).toEqual(presetKernel('tent', 3).values);
  });

  it('a result that replaces an older one closes the older bitmaps', async () => {
    const t = setup(['nearest', 'nearest']);
    await withSample(t);
    const old = upsampled(640, 480);
    for (const c of t.client.open('upsample'))
      c.resolve(c === t.client.open('upsample')[0] ? old : upsampled(640, 480));
    await settle();
    expect(t.session.a.result?.bitmap).toBe(old.bitmap);
    t.session.setMethods(['bicubic', 'nearest']);
    t.client.open('upsample').at(-1)!.resolve(upsampled(640, 480));
    await settle();
    expect(t.session.a.result?.spec.method).toBe('bicubic');
    expect(old.bitmap.closed).toBe(1);
  });

  it('reports an error on its side, with an event and a status, and computes the other side', async () => {
    const t = setup();
    await withSample(t);
    const [a, b] = t.client.open('upsample');
    a!.reject(new Error('out of memory'));
    b!.resolve(upsampled(640, 480));
    await settle();
    expect(t.session.a.error).toBe('Out of memory.');
    expect(t.session.a.job).toBeNull();
    expect(t.session.status).toContain('B (resize-conv (nearest)) done');
    expect(t.of('tconv-error')).toEqual([{ message: 'Out of memory.' }]);
    expect(t.session.b.result).not.toBeNull();
    // Another method clears the error and computes that.
    t.session.setMethods(['bilinear', 'resize-conv-nearest']);
    expect(t.session.a.error).toBeNull();
    expect(t.client.spec(t.client.open('upsample')[0]!).method).toBe('bilinear');
  });

  it('passes progress on while the job is current, and drops progress of a superseded job', async () => {
    const t = setup();
    await withSample(t);
    const first = t.client.open('upsample')[0]!;
    first.options.onProgress!(0.25);
    expect(t.session.a.job?.progress).toBe(0.25);
    const before = t.changes();
    first.options.onProgress!(0.5);
    expect(t.session.a.job?.progress).toBe(0.5);
    expect(t.changes()).toBeGreaterThan(before);
    t.session.setKernel(presetKernel('gaussian', 5));
    first.options.onProgress!(0.9);
    expect(t.session.a.job?.progress).toBeNull();
  });

  it('marks large results heavy (a superseded one stops its worker), small ones not', async () => {
    const small = setup();
    await withSample(small);
    expect(small.client.open('upsample').map((c) => c.options.heavy)).toEqual([false, false]);
    const large = setup();
    const side = Math.ceil(Math.sqrt(LARGE_OUTPUT_PIXELS) / 2); // ×2 makes it just large
    await withSample(large, { width: side, height: side });
    expect(large.client.open('upsample').map((c) => c.options.heavy)).toEqual([true, true]);
  });

  it('cancel() aborts everything, restarts the worker, and does not restart a cancelled side until asked', async () => {
    const t = setup();
    await withSample(t);
    const running = t.client.open('upsample');
    t.session.cancel();
    expect(running.every((c) => c.options.signal?.aborted)).toBe(true);
    expect(t.client.restarts).toBe(1);
    expect(t.session.busy).toBe(false);
    expect(t.session.a.cancelledKey).not.toBeNull();
    expect(t.session.status).toBe('Cancelled.');
    await settle();
    t.session.reconcile();
    expect(t.client.open('upsample')).toHaveLength(0);
    expect(t.of('tconv-error')).toEqual([]); // a cancel is not an error
    t.session.recompute('a');
    const again = t.client.open('upsample');
    expect(again.map((c) => t.client.spec(c).method)).toEqual(['transposed']);
  });

  it('computes the difference once both results are current, and a side change aborts it', async () => {
    const t = setup();
    await withSample(t);
    t.session.setView('difference');
    expect(t.client.open('difference')).toHaveLength(0); // results are not there yet
    for (const c of t.client.open('upsample')) c.resolve(upsampled(640, 480));
    await settle();
    const diff = t.client.open('difference');
    expect(diff).toHaveLength(1);
    expect(diff[0]!.args[2]).toBe(8); // the gain
    expect(t.session.diffJob).not.toBeNull();
    t.session.setMethods(['nearest', 'resize-conv-nearest']);
    expect(diff[0]!.options.signal?.aborted).toBe(true);
    await settle();
    expect(t.session.diffJob).toBeNull();
    expect(t.of('tconv-error')).toEqual([]);
    t.client.open('upsample')[0]!.resolve(upsampled(640, 480));
    await settle();
    const next = t.client.open('difference');
    expect(next).toHaveLength(1);
    next[0]!.resolve({ ...upsampled(640, 480), ms: 2 });
    await settle();
    expect(t.session.diff?.ms).toBe(2);
    // Another gain is another difference; the old one is closed.
    const shown = t.session.diff!;
    t.session.setGain(32);
    expect(t.session.diff).toBeNull();
    expect((shown.bitmap as ReturnType<typeof bitmap>).closed).toBe(1);
    expect(t.client.open('difference').at(-1)!.args[2]).toBe(32);
  });

  it('a new image supersedes everything; a failed load keeps the previous image and says so', async () => {
    const t = setup();
    await withSample(t);
    const sides = t.client.open('upsample');
    t.session.openSample('alpha');
    expect(sides.every((c) => c.options.signal?.aborted)).toBe(true);
    t.client.open('load')[0]!.reject(new Error('could not decode “x.png” (corrupt or truncated?)'));
    await settle();
    expect(t.session.source?.name).toBe('Fine detail');
    expect(t.session.problem?.message).toBe(
      'Could not decode “x.png” (corrupt or truncated?). The previous image is still shown.',
    );
    // The superseded sides run again for the image still shown.
    expect(t.client.open('upsample')).toHaveLength(2);
  });

  it('an older load answering after a newer one started is ignored', async () => {
    const t = setup();
    t.session.openSample('detail');
    const older = t.client.open('load')[0]!;
    t.session.openSample('alpha');
    expect(older.options.signal?.aborted).toBe(true);
    older.resolve({ width: 320, height: 240, ms: 1, alpha: false });
    t.client.open('load')[0]!.resolve({ width: 256, height: 192, ms: 1, alpha: true });
    await settle();
    expect(t.of('tconv-load').map((d) => d.name)).toEqual(['Transparency']);
    expect(t.session.source?.alpha).toBe(true);
  });

  it('downloads a side as a PNG; a newer download supersedes an older one', async () => {
    const t = setup();
    await withSample(t);
    for (const c of t.client.open('upsample')) c.resolve(upsampled(640, 480));
    await settle();
    const first = t.session.download('a');
    const second = t.session.download('b');
    expect(t.session.encoding).toBe('b');
    const [older, newer] = t.client.calls.filter((c) => c.kind === 'encode');
    expect(older!.options.signal?.aborted).toBe(true);
    newer!.resolve(new Blob(['png']));
    expect(await first).toBeNull();
    const png = await second;
    expect(png?.file).toBe('Fine-detail-resize-conv-nearest-x2.png');
    expect(t.session.encoding).toBeNull();
    expect(t.session.status).toBe('Saved Fine-detail-resize-conv-nearest-x2.png.');
  });

  it('reports a download’s progress, and cancelDownload() stops it alone: a large one through its worker', async () => {
    const t = setup();
    await withSample(t);
    for (const c of t.client.open('upsample')) c.resolve(upsampled(2048, 1024)); // 2 Mpx: a large result
    await settle();
    const saving = t.session.download('a');
    const call = t.client.open('encode')[0]!;
    expect(call.options.heavy).toBe(true); // aborting it replaces the worker (client/bridge.ts)
    expect([t.session.encoding, t.session.encodeProgress, t.session.busy]).toEqual(['a', null, true]);
    call.options.onProgress!(0.25);
    expect(t.session.encodeProgress).toBe(0.25);
    t.session.cancelDownload();
    expect(call.options.signal?.aborted).toBe(true);
    expect(await saving).toBeNull();
    expect([t.session.encoding, t.session.encodeProgress, t.session.busy]).toEqual([null, null, false]);
    call.options.onProgress!(0.5); // a report already on its way changes nothing
    expect(t.session.encodeProgress).toBeNull();
    expect(t.client.restarts).toBe(0); // not cancel(): nothing else is stopped
    expect(t.session.problem).toBeNull();
    expect(t.session.a.result?.width).toBe(2048);
  });

  it('refuses an empty file and one too large for the factor, offering to downscale', async () => {
    const t = setup();
    await t.session.open(new Blob([]), 'empty.png');
    expect(t.session.problem?.message).toContain('“empty.png” is empty');
    // A PNG header declaring 8000×6000: too large at ×2.
    const png = new Uint8Array(33);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(png.buffer).setUint32(16, 8000);
    new DataView(png.buffer).setUint32(20, 6000);
    await t.session.open(new Blob([png]), 'big.png');
    expect(t.session.problem?.message).toContain('“big.png” is too large');
    const fit = fitForFactor({ width: 8000, height: 6000 }, 2);
    expect(t.session.problem?.fit?.size).toEqual(fit);
    expect(t.client.open('load')).toHaveLength(0);
    t.session.acceptFit();
    const load = t.client.open('load')[0]!;
    expect(load.args[1]).toEqual(fit);
    expect(load.options.heavy).toBe(true);
    load.resolve({ ...fit, ms: 1, alpha: false });
    await settle();
    expect(t.session.source?.declared).toEqual({ width: 8000, height: 6000 });
    expect(t.of('tconv-error')).toHaveLength(2);
  });

  it('an explicit output size runs only the interpolation sides', async () => {
    const t = setup(['bilinear', 'resize-conv-nearest']);
    await withSample(t);
    for (const c of t.client.open('upsample')) c.resolve(upsampled(640, 480));
    await settle();
    t.session.setCustom({ width: 100, height: 50 });
    const calls = t.client.open('upsample');
    expect(calls.map((c) => t.client.spec(c))).toEqual([{ method: 'bilinear', factor: 2, size: [100, 50] }]);
    expect(t.session.specFor('b')).toBeNull();
    t.session.setCustom({ width: 0, height: 50 });
    expect(t.session.problem?.message).toBe('The output size must be two whole numbers of at least 1.');
    expect(t.session.custom).toEqual({ width: 100, height: 50 });
  });

  it("takes the output size and the flat tile from the core's geometry", async () => {
    const t = setup(['bilinear', 'transposed']);
    expect(t.session.outputSize()).toBeNull(); // no image yet
    expect([...t.session.flatTile()!].map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0.4444, 0.8889, 0.8889, 1.7778]);
    await withSample(t, { width: 33, height: 17 });
    expect(t.session.outputSize()).toEqual({ width: 66, height: 34 });
    t.session.setFactor(3);
    expect(t.session.outputSize()).toEqual({ width: 99, height: 51 });
    expect(t.session.flatTile()).toHaveLength(9);
    expect(t.session.sideGeometry('b')?.stride).toBe(3);
    t.session.setCustom({ width: 40, height: 30 });
    expect(t.session.outputSize()).toEqual({ width: 40, height: 30 });
    expect(t.session.sideGeometry('b')).toBeNull(); // transposed needs a factor
  });

  it('detach() aborts what runs and disposes of the client', async () => {
    const t = setup();
    await withSample(t);
    const running = t.client.open('upsample');
    t.session.detach();
    expect(running.every((c) => c.options.signal?.aborted)).toBe(true);
    expect(t.client.disposed).toBe(true);
    expect(t.session.busy).toBe(false);
  });
});
