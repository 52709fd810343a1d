// What <tconv-upsampler> shows, and the work behind it, without the DOM: the
// image, the two sides (method, options, result, running job, error), the
// difference, the choices, the problem to report and the status line. The
// element renders this state and calls the methods below; the session calls
// a client (client/upsampler-client.ts: the worker, through Comlink; a fake in
// the tests) and tells the element when anything changed.
//
// The rules it keeps:
// - Every result has a key: the image's generation and the spec. A side shows
//   (or computes) the result of its current key; reconcile() starts whatever a
//   side lacks. A result that arrives for a key no longer wanted is dropped.
// - A newer request supersedes an older one of the same slot (a side, the
//   difference, the download, the image): the older one is aborted, through
//   its AbortSignal. A side's new job also supersedes the difference; a new
//   image supersedes everything. A superseded large job stops its worker.
// - cancel() stops everything; a side the user cancelled is not restarted
//   until something about it changes (or its Compute button is pressed).

import type { Tconv, UpsampleGeometry } from '../../lib/types.js';
import { FORMAT_NAMES, readBlobHeader } from './image-header.js';
import { presetKernel, type Kernel } from './kernels.js';
import {
  LARGE_OUTPUT_PIXELS,
  checkDecode,
  checkFactor,
  checkOutputSize,
  fitForFactor,
  formatSize,
  type Size,
} from './limits.js';
import {
  METHOD_SHORT,
  coreOptions,
  errorMessage,
  normaliseSpec,
  specKey,
  takesSize,
  usesKernel,
  type JobSpec,
  type SourceSpec,
  type UpsampleMethod,
} from './protocol.js';
import { SAMPLES, type SampleName } from './samples.js';
import { Slot } from './slot.js';
import { baseName, coresNote, formatMs, sentence } from './texts.js';
import {
  SIDES,
  type Job,
  type Layer,
  type Problem,
  type SessionEvents,
  type Side,
  type SideId,
  type Source,
  type UpsamplerClient,
} from './session-types.js';

export * from './session-types.js';

function close(layer: { bitmap: ImageBitmap; preview?: ImageBitmap | null } | null | undefined): void {
  layer?.bitmap.close();
  layer?.preview?.close();
}

function emptySide(method: UpsampleMethod): Side {
  return { method, alignCorners: false, result: null, job: null, error: null, cancelledKey: null };
}

/** Entries of `msByKey` before it is cleared: enough for any session, small enough to ignore. */
const MAX_TIMINGS = 200;

/** What the session asks the core on the page's thread: a method's geometry. */
export type GeometryCore = Pick<Tconv, 'upsampleGeometry'>;

/** The input size geometry is asked for when only the kernel matters (the flat tile): any size the core takes. */
const TILE_INPUT: [number, number] = [8, 8];

export class UpsamplerSession {
  client: UpsamplerClient | null = null;
  /** The core on the page's thread (client/main-core.ts; the Node core in tests). */
  core: GeometryCore | null = null;
  source: Source | null = null;
  loading: { name: string; started: number } | null = null;
  a: Side;
  b: Side;
  kernel: Kernel = presetKernel('box', 3);
  scale = 2;
  /** An explicit output size (interpolation only), or null for ×scale. */
  custom: Size | null = null;
  view: 'split' | 'difference' = 'split';
  gain = 8;
  diff: (Layer & { key: string; ms: number }) | null = null;
  diffJob: Job | null = null;
  /** The side being encoded as a PNG. */
  encoding: SideId | null = null;
  /** How far that encoding is, 0–1, as the worker reports it; null until its first report. */
  encodeProgress: number | null = null;
  problem: Problem | null = null;
  status = '';

  /** Bumped for every new image: results of an older image never match. */
  private sourceGen = 0;
  /** The running download's signal: only its own end clears `encoding`. */
  private encodeSignal: AbortSignal | null = null;
  /** The core's time of each result, kept for results the worker answers from its cache. */
  private msByKey = new Map<string, number>();
  private readonly slots = {
    load: new Slot(),
    a: new Slot(),
    b: new Slot(),
    difference: new Slot(),
    encode: new Slot(),
  };

  constructor(
    private readonly events: SessionEvents,
    methods: [UpsampleMethod, UpsampleMethod],
  ) {
    this.a = emptySide(methods[0]);
    this.b = emptySide(methods[1]);
  }

  /** True while anything is being computed. */
  get busy(): boolean {
    return !!(this.loading || this.a.job || this.b.job || this.diffJob || this.encoding);
  }

  side(id: SideId): Side {
    return id === 'a' ? this.a : this.b;
  }

  /** The client and core to use from now on (the worker starts lazily); starts what the current choices need. */
  attach(client: UpsamplerClient, core: GeometryCore): void {
    this.client = client;
    this.core = core;
    this.reconcile();
  }

  /** Stops everything and lets the client go (the element left the page). */
  detach(): void {
    for (const slot of Object.values(this.slots)) slot.abort();
    this.client?.dispose();
    this.client = null;
    for (const id of SIDES) if (this.side(id).job) this.setSide(id, { job: null });
    this.diffJob = null;
    this.loading = null;
    this.encoding = null;
    this.encodeProgress = null;
  }

  // ---- images ----

  /** Opens an image file: header check, limits, then decoding in the worker. */
  async open(blob: Blob, name: string): Promise<void> {
    this.problem = null;
    if (blob.size === 0) return this.fail(`“${name}” is empty (0 bytes). The previous image is still shown.`);
    let header;
    try {
      header = await readBlobHeader(blob);
    } catch (e) {
      return this.fail(`Could not read “${name}”: ${errorMessage(e)}.`);
    }
    if (header.status !== 'ok') {
      return this.fail(`Could not open “${name}”: ${header.status === 'error' ? header.message : 'unknown format'}.`);
    }
    const declared = { width: header.width, height: header.height };
    const format = FORMAT_NAMES[header.format];
    const decodable = checkDecode(declared);
    if (!decodable.ok) return this.fail(`Could not open “${name}”: ${decodable.message}.`);
    const origin: SourceSpec = { kind: 'blob', blob, name };
    const fits = this.custom ? checkOutputSize(this.custom) : checkFactor(declared, this.scale);
    if (!fits.ok) {
      return this.refuse(`“${name}” is too large: ${fits.message}.`, {
        origin,
        size: fitForFactor(declared, this.scale),
        factor: this.scale,
        declared,
        format,
      });
    }
    this.loadSource(origin, format, declared);
  }

  openSample(name: SampleName): void {
    const s = SAMPLES.find((x) => x.name === name)!;
    this.problem = null;
    const fits = this.custom ? checkOutputSize(this.custom) : checkFactor(s, this.scale);
    if (!fits.ok) return this.fail(sentence(fits.message));
    this.loadSource({ kind: 'sample', name }, 'made by tconv', { width: s.width, height: s.height });
  }

  /** Decodes the refused image again at the size the problem offered. */
  acceptFit(): void {
    const fit = this.problem?.fit;
    if (!fit) return;
    this.problem = null;
    this.custom = null;
    this.loadSource(fit.origin, fit.format, fit.declared, fit.size, fit.factor);
  }

  private loadSource(origin: SourceSpec, format: string, declared: Size, resize?: Size, factor?: number): void {
    const client = this.client;
    if (!client) return;
    // A new image supersedes everything, even the image still loading.
    const signal = this.slots.load.next();
    for (const slot of [this.slots.a, this.slots.b, this.slots.difference, this.slots.encode]) slot.abort();
    this.encoding = null;
    this.encodeProgress = null;
    this.encodeSignal = null;
    const name = origin.kind === 'blob' ? origin.name : SAMPLES.find((s) => s.name === origin.name)!.label;
    this.loading = { name, started: this.events.now() };
    this.status = `Opening ${name}…`;
    this.changed();
    const size = resize ?? declared;
    client.load(origin, resize, { signal, heavy: size.width * size.height >= LARGE_OUTPUT_PIXELS }).then(
      (loaded) => {
        if (signal.aborted) return;
        this.loading = null;
        const decoded = { width: loaded.width, height: loaded.height };
        const f = factor ?? this.scale;
        // The decoded size can differ from the header's (EXIF rotation): check again.
        const fits = this.custom ? checkOutputSize(this.custom) : checkFactor(decoded, f);
        this.sourceGen++;
        this.clearResults();
        this.source = { name, format, ...loaded, origin, declared: resize ? declared : undefined };
        if (factor && fits.ok) this.scale = factor;
        this.status = `Opened ${name}, ${formatSize(decoded)}.`;
        this.events.emit('tconv-load', { name, width: loaded.width, height: loaded.height, ms: loaded.ms });
        if (!fits.ok) {
          this.refuse(sentence(fits.message), {
            origin,
            size: fitForFactor(decoded, f),
            factor: f,
            declared: decoded,
            format,
          });
          return;
        }
        this.reconcile();
      },
      (e: unknown) => {
        if (signal.aborted) return;
        this.loading = null;
        this.fail(`${sentence(errorMessage(e))}${this.source ? ' The previous image is still shown.' : ''}`);
        this.reconcile();
      },
    );
  }

  private clearResults(): void {
    for (const id of SIDES) {
      close(this.side(id).result);
      this.setSide(id, { result: null, job: null, error: null, cancelledKey: null });
    }
    close(this.diff);
    this.diff = null;
    this.diffJob = null;
  }

  // ---- computing ----

  /** The spec a side should show now, or null when its method cannot run at the chosen size. */
  specFor(id: SideId): JobSpec | null {
    const s = this.side(id);
    if (this.custom && !takesSize(s.method)) return null;
    return normaliseSpec({
      method: s.method,
      factor: this.scale,
      size: this.custom ? [this.custom.width, this.custom.height] : undefined,
      alignCorners: s.alignCorners,
      kernel: usesKernel(s.method) ? this.kernel : undefined,
    });
  }

  keyFor(spec: JobSpec): string {
    return `${this.sourceGen}:${specKey(spec)}`;
  }

  /** The core's geometry of a spec on the current image (on `input` [h, w] if given); null when it refuses it. */
  geometry(spec: JobSpec, input?: [number, number]): UpsampleGeometry | null {
    const size = input ?? (this.source ? ([this.source.height, this.source.width] as [number, number]) : null);
    if (!this.core || !size) return null;
    try {
      return this.core.upsampleGeometry(size, coreOptions(spec));
    } catch {
      return null; // e.g. a kernel with a weight that is not a number: the side says why when it runs
    }
  }

  /** The size of the results at the current choices (the core's answer), or null without an image. */
  outputSize(): Size | null {
    if (!this.source) return null;
    const spec = this.specFor('a') ?? this.specFor('b');
    const g = spec && this.geometry(spec);
    if (!g) return this.custom;
    return { width: g.outputSize[1], height: g.outputSize[0] };
  }

  /** What a flat 1 becomes under the transposed convolution with the current kernel and factor (the checkerboard tile). */
  flatTile(): Float32Array | null {
    const spec = normaliseSpec({ method: 'transposed', factor: this.scale, kernel: this.kernel });
    return this.geometry(spec, TILE_INPUT)?.flatTile ?? null;
  }

  /** The core's geometry of a side's method at the current factor, for its note (null when it cannot run). */
  sideGeometry(id: SideId): UpsampleGeometry | null {
    const spec = this.specFor(id);
    return spec && this.geometry(spec, this.source ? undefined : TILE_INPUT);
  }

  /** Starts whatever the current choices need and is neither shown nor running. */
  reconcile(): void {
    if (this.source && this.client && !this.loading) {
      for (const id of SIDES) {
        const spec = this.specFor(id);
        if (!spec) continue;
        const key = this.keyFor(spec);
        const s = this.side(id);
        if (s.result?.key === key || s.job?.key === key || s.cancelledKey === key) continue;
        this.compute(id, spec, key);
      }
      this.reconcileDifference();
    }
    this.changed();
  }

  private compute(id: SideId, spec: JobSpec, key: string): void {
    const g = this.geometry(spec)?.outputSize ?? [0, 0];
    const signal = this.slots[id].next();
    this.slots.difference.abort();
    this.setSide(id, { job: { key, started: this.events.now(), progress: null }, error: null, cancelledKey: null });
    const label = `${id.toUpperCase()} (${METHOD_SHORT[spec.method]})`;
    this.status = `Computing ${label}…`;
    const onProgress = (fraction: number) => {
      const s = this.side(id);
      if (s.job?.key !== key) return;
      this.setSide(id, { job: { ...s.job, progress: fraction } });
      this.changed();
    };
    const heavy = g[0] * g[1] >= LARGE_OUTPUT_PIXELS;
    this.client!.upsample(spec, this.events.workers(), { signal, heavy, onProgress }).then(
      (r) => {
        const s = this.side(id);
        if (s.job?.key !== key) {
          close(r);
          return;
        }
        if (!r.cached) {
          if (this.msByKey.size > MAX_TIMINGS) this.msByKey.clear();
          this.msByKey.set(key, r.ms);
        }
        const ms = r.cached ? (this.msByKey.get(key) ?? r.ms) : r.ms;
        close(s.result);
        const { width, height, bitmap, preview, workers } = r;
        const pixels = new Uint8ClampedArray(r.pixels);
        this.setSide(id, { job: null, result: { key, spec, width, height, ms, workers, pixels, bitmap, preview } });
        this.status = `${label} done in ${formatMs(ms)}${coresNote(workers)}.`;
        this.events.emit('tconv-result', { side: id, method: spec.method, width, height, ms, workers });
        this.reconcileDifference();
        this.changed();
      },
      (e: unknown) => {
        const s = this.side(id);
        if (s.job?.key !== key) return;
        if (signal.aborted) {
          // Superseded by a new image: reconcile() starts it again if it is still wanted.
          this.setSide(id, { job: null });
        } else {
          const message = sentence(errorMessage(e));
          this.setSide(id, { job: null, error: message });
          this.status = `${label} failed.`;
          this.events.emit('tconv-error', { message });
        }
        this.changed();
      },
    );
  }

  private reconcileDifference(): void {
    const a = this.a.result;
    const b = this.b.result;
    const aSpec = this.specFor('a');
    const bSpec = this.specFor('b');
    const current =
      a &&
      b &&
      aSpec &&
      bSpec &&
      a.key === this.keyFor(aSpec) &&
      b.key === this.keyFor(bSpec) &&
      a.width === b.width &&
      a.height === b.height;
    const key = current ? `${a.key}‖${b.key}‖${this.gain}` : null;
    if (this.diff && this.diff.key !== key) {
      close(this.diff);
      this.diff = null;
    }
    if (this.view !== 'difference' || !key || !a || !b || this.diff || this.diffJob?.key === key) return;
    if (this.a.job || this.b.job || !this.client) return;
    const signal = this.slots.difference.next();
    this.diffJob = { key, started: this.events.now(), progress: null };
    const onProgress = (fraction: number) => {
      if (this.diffJob?.key !== key) return;
      this.diffJob = { ...this.diffJob, progress: fraction };
      this.changed();
    };
    const heavy = a.width * a.height >= LARGE_OUTPUT_PIXELS;
    this.client.difference(a.spec, b.spec, this.gain, this.events.workers(), { signal, heavy, onProgress }).then(
      (r) => {
        if (this.diffJob?.key !== key) {
          close(r);
          return;
        }
        this.diffJob = null;
        const { width, height, ms, bitmap, preview } = r;
        this.diff = { key, ms, bitmap, preview, width, height, pixels: new Uint8ClampedArray(r.pixels) };
        this.changed();
      },
      (e: unknown) => {
        if (this.diffJob?.key !== key) return;
        this.diffJob = null;
        if (!signal.aborted) this.fail(`Could not compute the difference: ${errorMessage(e)}.`);
        this.changed();
      },
    );
  }

  /**
   * Encodes a side's result as a PNG, reporting its progress (encodeProgress); null when there is none, or
   * when a newer download, cancelDownload() or cancel() superseded it. A large one is encoded in a worker
   * that stopping replaces (a 64 Mpx PNG takes tens of seconds).
   */
  async download(id: SideId): Promise<{ blob: Blob; file: string } | null> {
    const r = this.side(id).result;
    if (!r || !this.client || !this.source) return null;
    const signal = this.slots.encode.next();
    this.encodeSignal = signal;
    this.encoding = id;
    this.encodeProgress = null;
    this.status = `Encoding ${id.toUpperCase()} as PNG…`;
    this.changed();
    const size = r.spec.size ? `${r.width}x${r.height}` : `x${r.spec.factor}`;
    const file = `${baseName(this.source.name)}-${r.spec.method}-${size}.png`;
    const onProgress = (fraction: number) => {
      if (this.encodeSignal !== signal) return;
      this.encodeProgress = fraction;
      this.changed();
    };
    const heavy = r.width * r.height >= LARGE_OUTPUT_PIXELS;
    try {
      const blob = await this.client.encode(r.spec, this.events.workers(), { signal, heavy, onProgress });
      this.status = `Saved ${file}.`;
      return { blob, file };
    } catch (e) {
      if (!signal.aborted) this.fail(`Could not make the PNG: ${errorMessage(e)}.`);
      return null;
    } finally {
      if (this.encodeSignal === signal) {
        this.encoding = null;
        this.encodeProgress = null;
        this.encodeSignal = null;
      }
      this.changed();
    }
  }

  /** Stops the PNG being encoded, and only it: the results shown and the sides' jobs go on. */
  cancelDownload(): void {
    if (!this.encoding) return;
    this.slots.encode.abort();
    this.encoding = null;
    this.encodeProgress = null;
    this.encodeSignal = null;
    this.status = 'PNG cancelled.';
    this.changed();
  }

  /** A copy of the pixels of side 'a' or 'b', the difference, or the decoded source. */
  async pixels(
    which: SideId | 'difference' | 'source',
  ): Promise<{ width: number; height: number; data: Uint8ClampedArray<ArrayBuffer> } | null> {
    if (which === 'source') {
      if (!this.source || !this.client) return null;
      const p = await this.client.pixels();
      return { width: p.width, height: p.height, data: new Uint8ClampedArray(p.pixels) };
    }
    const layer = which === 'difference' ? this.diff : this.side(which).result;
    return layer && { width: layer.width, height: layer.height, data: layer.pixels.slice() };
  }

  /** Stops every computation now (the worker is replaced); results shown so far stay. */
  cancel(): void {
    for (const id of SIDES) {
      const job = this.side(id).job;
      if (job) this.setSide(id, { job: null, cancelledKey: job.key });
    }
    this.diffJob = null;
    this.loading = null;
    this.encoding = null;
    this.encodeProgress = null;
    this.encodeSignal = null;
    for (const slot of Object.values(this.slots)) slot.abort();
    this.client?.restart();
    this.status = 'Cancelled.';
    this.changed();
  }

  // ---- choices ----

  /** Sets both methods (the element's methods attribute). */
  setMethods(methods: [UpsampleMethod, UpsampleMethod]): void {
    for (const [i, id] of SIDES.entries()) {
      if (methods[i] !== this.side(id).method)
        this.setSide(id, { method: methods[i]!, cancelledKey: null, error: null });
    }
    this.reconcile();
  }

  setAlign(id: SideId, on: boolean): void {
    this.setSide(id, { alignCorners: on, cancelledKey: null });
    this.reconcile();
  }

  /** Sets the factor after checking the image fits at it; false (and a problem offering to downscale) when not. */
  setFactor(f: number): boolean {
    this.problem = null;
    if (this.source) {
      const base = this.source.declared ?? { width: this.source.width, height: this.source.height };
      const fits = checkFactor(this.source, f);
      if (!fits.ok) {
        this.refuse(`At ×${f}: ${fits.message}.`, {
          origin: this.source.origin,
          size: fitForFactor(base, f),
          factor: f,
          declared: base,
          format: this.source.format,
        });
        this.changed();
        return false;
      }
    }
    this.custom = null;
    this.setScale(f);
    return true;
  }

  /** Sets the factor as given (the element's scale attribute). */
  setScale(f: number): void {
    this.scale = f;
    this.reconcile();
  }

  /** An explicit output size (interpolation methods), or null to go back to ×scale. */
  setCustom(size: Size | null): void {
    if (size) {
      if (!Number.isInteger(size.width) || !Number.isInteger(size.height) || size.width < 1 || size.height < 1) {
        return this.fail('The output size must be two whole numbers of at least 1.');
      }
      const fits = checkOutputSize(size);
      if (!fits.ok) return this.fail(sentence(fits.message));
      this.problem = null;
    }
    this.custom = size;
    this.reconcile();
  }

  setView(v: 'split' | 'difference'): void {
    this.view = v;
    this.reconcileDifference();
    this.changed();
  }

  setGain(g: number): void {
    this.gain = g;
    this.reconcileDifference();
    this.changed();
  }

  setKernel(kernel: Kernel): void {
    this.kernel = kernel;
    for (const id of SIDES) if (usesKernel(this.side(id).method)) this.setSide(id, { cancelledKey: null });
    this.reconcile();
  }

  /** Computes a side the user cancelled. */
  recompute(id: SideId): void {
    this.setSide(id, { cancelledKey: null });
    this.reconcile();
  }

  dismissProblem(): void {
    this.problem = null;
    this.changed();
  }

  /** Reports a problem (shown, role="alert", and a tconv-error event). */
  fail(message: string): void {
    this.problem = { message };
    this.status = '';
    this.events.emit('tconv-error', { message });
    this.changed();
  }

  private refuse(message: string, fit: Problem['fit']): void {
    this.problem = { message, fit };
    this.events.emit('tconv-error', { message });
    this.changed();
  }

  private setSide(id: SideId, patch: Partial<Side>): void {
    if (id === 'a') this.a = { ...this.a, ...patch };
    else this.b = { ...this.b, ...patch };
  }

  private changed(): void {
    this.events.changed();
  }
}
