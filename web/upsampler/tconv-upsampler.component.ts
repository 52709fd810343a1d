/**
 * <tconv-upsampler>: up-samples an image of your own with fixed interpolation,
 * transposed convolution and resize-convolution, and compares two results.
 * Every pixel is computed by the tconv core (WebAssembly) in a Web Worker;
 * the element loads the core only there. Self-contained: it needs no page CSS.
 *
 * Attributes ↔ properties:
 *   src       initial image: a same-origin URL, or a built-in sample "sample:detail" | "sample:text" | "sample:alpha"
 *   methods   the two methods compared, "A,B" (reflected), e.g. "bilinear,transposed";
 *             names: nearest bilinear bicubic transposed-bilinear transposed resize-conv-nearest resize-conv-bilinear
 *   scale     the factor 2 | 3 | 4 (reflected; stride of the convolution methods)
 *   theme     'light' | 'dark' overrides prefers-color-scheme
 *   loading   "lazy" (default): the worker starts, and src is opened, only when the element comes near the
 *             viewport; "eager": at once. open() and the samples start it in any case.
 *   workers   how many cores a large up-sampling may use (default: navigator.hardwareConcurrency, at most 8);
 *             results of 1 Mpx or more are split into bands across that many band workers. 1 = one worker.
 *   busy      (read-only, reflected) present while anything is being computed
 *
 * Events (CustomEvent, bubbles, composed):
 *   tconv-load    { name, width, height, ms }           an image was decoded (or a sample made)
 *   tconv-result  { side: 'a' | 'b', method, width, height, ms, workers }   a result is shown; ms = the
 *                                                       core's time, workers = the cores it used
 *   tconv-error   { message }                           anything refused or failed (also shown, role="alert")
 *
 * Methods:
 *   open(blob, name?)       opens an image file (the same checks as a drop)
 *   cancel()                stops every running computation
 *   getImageData(which)     Promise<ImageData | null>: a copy of 'a', 'b', 'difference' or 'source' pixels
 *
 * Input: drop a file on the element, paste one (Ctrl/⌘+V), the "Open image" picker, or a sample.
 *
 * Isolation: Shadow DOM, and `all: initial` at :host: the page's CSS does not reach inside, only the custom
 * properties below do. The layout follows the element's own width (container queries), from 320 px up.
 *
 * CSS custom properties (light / dark defaults in theme.ts):
 *   --tconv-upsampler-font-family, --tconv-upsampler-mono, --tconv-upsampler-radius,
 *   --tconv-upsampler-bg, -surface, -surface-2, -text, -muted, -border, -accent, -accent-text,
 *   --tconv-upsampler-a, -b (the colours of sides A and B), -stage-bg, -checker, -danger, -danger-bg, -focus,
 *   --tconv-upsampler-stage-height (default clamp(260px, min(62vh, 75cqw + 60px), 680px)).
 * Parts: toolbar, source-info, alert, compare (and from it: stage, canvas, handle, zoom-controls, legend, readout),
 *   progress, side (plus side-a / side-b), kernel, footer.
 */

import { LitElement, html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';

import { ACCEPT, FORMAT_NAMES, readBlobHeader } from './shared/image-header.js';
import { presetKernel, type Kernel } from './shared/kernels.js';
import {
  FACTORS,
  checkDecode,
  checkFactor,
  checkOutputSize,
  fitForFactor,
  formatSize,
  limitsSummary,
  type Size,
} from './shared/limits.js';
import {
  INTERPOLATION_METHODS,
  METHOD_LABELS,
  METHOD_SHORT,
  errorMessage,
  isMethod,
  normaliseSpec,
  specKey,
  takesAlignCorners,
  takesSize,
  usesKernel,
  type DifferenceMessage,
  type EncodedMessage,
  type JobSpec,
  type LoadedMessage,
  type PixelsMessage,
  type ResultMessage,
  type SourceSpec,
  type UpsampleMethod,
} from './shared/protocol.js';
import { SAMPLES, parseSampleSrc, type SampleName } from './shared/samples.js';
import { MAX_WORKERS, defaultWorkerCount } from './shared/tiles.js';
import { TconvUpsamplerCompare, type Layer } from './compare-view.js';
import { type Loading, observeVisibility } from '../components/shared/visibility.js';
import { coreBytes, createUpsampleWorker, prefetchCoreBytes } from './client/create-worker.js';
import './kernel-editor.js';
import { ALIGN_CORNERS_NOTE, baseName, formatMs, methodNote, sentence } from './texts.js';
import { styleProps } from '../components/shared/style-props.js';
import { upsamplerStyles } from './tconv-upsampler.styles.js';
import { Cancelled, WorkerClient } from './client/worker-client.js';
import { icons } from './icons.js';

export type SideId = 'a' | 'b';

interface SideResult {
  key: string;
  spec: JobSpec;
  width: number;
  height: number;
  ms: number;
  /** Cores it was computed on. */
  workers: number;
  pixels: Uint8ClampedArray;
  bitmap: ImageBitmap;
  preview: ImageBitmap | null;
}

function close(layer: { bitmap: ImageBitmap; preview?: ImageBitmap | null } | null | undefined): void {
  layer?.bitmap.close();
  layer?.preview?.close();
}

interface Side {
  method: UpsampleMethod;
  alignCorners: boolean;
  result: SideResult | null;
  job: { key: string; started: number; progress: number | null } | null;
  error: string | null;
  /** The user cancelled this computation: not restarted until something changes. */
  cancelledKey: string | null;
}

interface Source {
  name: string;
  format: string;
  width: number;
  height: number;
  alpha: boolean;
  ms: number;
  origin: SourceSpec;
  /** The size the file declares, when it was downscaled on decoding. */
  declared?: Size;
}

interface Problem {
  message: string;
  /** Offer to decode the image again at a smaller size (and then use `factor`). */
  fit?: { origin: SourceSpec; size: Size; factor: number; declared: Size; format: string };
}

/** Computations shorter than this show no progress bar. */
const PROGRESS_DELAY_MS = 100;
/** Above this many output pixels, a superseded run is stopped by replacing the worker. */
const HEAVY_PIXELS = 1_000_000;
const DEFAULT_METHODS: [UpsampleMethod, UpsampleMethod] = ['transposed', 'resize-conv-nearest'];
const GAINS = [1, 2, 4, 8, 16, 32, 64];

function parseMethods(value: string | null | undefined): [UpsampleMethod, UpsampleMethod] | null {
  if (!value) return null;
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length !== 2 || !parts.every(isMethod)) return null;
  return [parts[0] as UpsampleMethod, parts[1] as UpsampleMethod];
}

/** " on 4 cores" when a result was split across band workers. */
function coresNote(workers: number): string {
  return workers > 1 ? ` on ${workers} cores` : '';
}

function emptySide(method: UpsampleMethod): Side {
  return { method, alignCorners: false, result: null, job: null, error: null, cancelledKey: null };
}

export class TconvUpsampler extends LitElement {
  static override properties: PropertyDeclarations = {
    src: { type: String },
    methods: { type: String, reflect: true },
    scale: { type: Number, reflect: true },
    theme: { type: String, reflect: true },
    busy: { type: Boolean, reflect: true },
    loading: { type: String, reflect: true },
    workers: { type: Number },
    _source: { state: true },
    _a: { state: true },
    _b: { state: true },
    _kernel: { state: true },
    _custom: { state: true },
    _customOpen: { state: true },
    _view: { state: true },
    _gain: { state: true },
    _diff: { state: true },
    _diffJob: { state: true },
    _problem: { state: true },
    _status: { state: true },
    _loading: { state: true },
    _dragging: { state: true },
    _encoding: { state: true },
    _tick: { state: true },
  };

  static override styles = upsamplerStyles;

  declare src: string;
  declare methods: string;
  declare scale: number;
  declare theme: 'light' | 'dark' | undefined;
  declare busy: boolean;
  declare loading: Loading;
  declare workers: number;
  declare _source: Source | null;
  declare _a: Side;
  declare _b: Side;
  declare _kernel: Kernel;
  declare _custom: Size | null;
  declare _customOpen: boolean;
  declare _view: 'split' | 'difference';
  declare _gain: number;
  declare _diff: (Layer & { key: string; ms: number }) | null;
  declare _diffJob: { key: string; started: number; progress: number | null } | null;
  declare _problem: Problem | null;
  declare _status: string;
  declare _loading: { name: string; started: number } | null;
  declare _dragging: boolean;
  declare _encoding: SideId | null;
  declare _tick: number;

  private client: WorkerClient | null = null;
  private unobserve: (() => void) | null = null;
  /** Bumped for every new image: results of an older image never match. */
  private sourceGen = 0;
  private loadGen = 0;
  private msByKey = new Map<string, number>();
  private dragTimer = 0;
  private tickTimer = 0;
  private loadedSrc: string | null = null;
  private customDraft: Size = { width: 0, height: 0 };

  constructor() {
    super();
    this.src = '';
    this.methods = DEFAULT_METHODS.join(',');
    this.scale = 2;
    this.busy = false;
    this.loading = 'lazy';
    this.workers = defaultWorkerCount(globalThis.navigator?.hardwareConcurrency);
    this._source = null;
    this._a = emptySide(DEFAULT_METHODS[0]);
    this._b = emptySide(DEFAULT_METHODS[1]);
    this._kernel = presetKernel('box', 3);
    this._custom = null;
    this._customOpen = false;
    this._view = 'split';
    this._gain = 8;
    this._diff = null;
    this._diffJob = null;
    this._problem = null;
    this._status = '';
    this._loading = null;
    this._dragging = false;
    this._encoding = null;
    this._tick = 0;
  }

  /** The workers attribute as a usable count (a bad value means one worker). */
  private workerCount(): number {
    const n = Number(this.workers);
    return Number.isFinite(n) && n >= 1 ? Math.min(MAX_WORKERS, Math.floor(n)) : 1;
  }

  // ---- lifecycle ----

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('paste', this.onPaste);
    // On the site the core's bytes come over the network: ask for them now. The worker waits until the
    // element is (nearly) on screen.
    prefetchCoreBytes();
    this.unobserve = observeVisibility(this, (visible) => {
      if (visible) this.start();
    });
    if (this.loading === 'eager') this.start();
  }

  /** Starts the worker (once) and opens src; returns the worker's client. */
  private start(): WorkerClient | null {
    if (!this.isConnected) return null;
    this.client ??= new WorkerClient(createUpsampleWorker, coreBytes(), {
      onBusyChange: (busy) => (this.busy = busy),
      onFatal: (message) => {
        // Nothing can run: drop what waits, and say why.
        this.client?.cancel();
        this._loading = null;
        this._a = { ...this._a, job: null };
        this._b = { ...this._b, job: null };
        this._diffJob = null;
        this.fail(sentence(message));
      },
    });
    if (this.src && this.src !== this.loadedSrc) void this.loadSrc(this.src);
    return this.client;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('paste', this.onPaste);
    this.unobserve?.();
    this.unobserve = null;
    this.client?.dispose();
    this.client = null;
    this.loadedSrc = null;
    clearTimeout(this.dragTimer);
    clearTimeout(this.tickTimer);
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('methods')) {
      const parsed = parseMethods(this.methods);
      if (parsed) {
        if (parsed[0] !== this._a.method) this._a = { ...this._a, method: parsed[0], cancelledKey: null };
        if (parsed[1] !== this._b.method) this._b = { ...this._b, method: parsed[1], cancelledKey: null };
      } else if (this.methods) {
        console.warn(`<tconv-upsampler>: methods="${this.methods}" is not two method names; keeping the current ones`);
      }
    }
    if (changed.has('scale') && !(FACTORS as readonly number[]).includes(this.scale)) this.scale = 2;
    if (changed.has('workers') && !(Number.isInteger(this.workers) && this.workers >= 1)) {
      console.warn(`<tconv-upsampler>: workers="${this.workers}" is not a whole number from 1; using 1 worker`);
    }
    // Here rather than in updated(): the state these set is part of this update.
    if (changed.has('src') && this.client && this.src && this.src !== this.loadedSrc) void this.loadSrc(this.src);
    if (changed.has('methods') || changed.has('scale')) this.reconcile();
  }

  // ---- public API ----

  /** Opens an image file: header check, limits, then decoding in the worker. */
  async open(blob: Blob, name = blob instanceof File ? blob.name : 'image'): Promise<void> {
    this._problem = null;
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
    const fits = this._custom ? checkOutputSize(this._custom) : checkFactor(declared, this.scale);
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

  /** Stops every computation now (the worker is replaced); results shown so far stay. */
  cancel(): void {
    const a = this._a.job?.key ?? null;
    const b = this._b.job?.key ?? null;
    this.client?.cancel();
    if (a) this._a = { ...this._a, job: null, cancelledKey: a };
    if (b) this._b = { ...this._b, job: null, cancelledKey: b };
    this._diffJob = null;
    this._loading = null;
    this._encoding = null;
    this._status = 'Cancelled.';
  }

  /** A copy of the pixels of side 'a' or 'b', the difference, or the decoded source. */
  async getImageData(which: 'a' | 'b' | 'difference' | 'source'): Promise<ImageData | null> {
    if (which === 'source') {
      if (!this._source || !this.client) return null;
      const msg = (await this.client.submit('pixels', (id) => ({ type: 'pixels', id }))) as PixelsMessage;
      return new ImageData(new Uint8ClampedArray(msg.pixels), msg.width, msg.height);
    }
    const layer = which === 'difference' ? this._diff : this.side(which).result;
    if (!layer) return null;
    return new ImageData(layer.pixels.slice(), layer.width, layer.height);
  }

  // ---- loading ----

  private async loadSrc(src: string): Promise<void> {
    this.loadedSrc = src;
    const sample = parseSampleSrc(src);
    if (sample) return this.openSample(sample);
    let url: URL;
    try {
      url = new URL(src, document.baseURI);
    } catch {
      return this.fail(`src="${src}" is not a URL or a sample name (sample:detail, sample:text, sample:alpha).`);
    }
    // Images never leave the machine, and none is fetched from elsewhere either.
    if (url.origin !== location.origin) {
      return this.fail(`src must be on this site (${location.origin}) or a sample name; got ${url.origin}.`);
    }
    try {
      const r = await fetch(url);
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const name = decodeURIComponent(url.pathname.split('/').pop() || 'image');
      await this.open(await r.blob(), name);
    } catch (e) {
      this.fail(`Could not load src "${src}": ${errorMessage(e)}.`);
    }
  }

  private openSample(name: SampleName): void {
    const s = SAMPLES.find((x) => x.name === name)!;
    this._problem = null;
    const fits = this._custom ? checkOutputSize(this._custom) : checkFactor(s, this.scale);
    if (!fits.ok) return this.fail(sentence(fits.message));
    this.loadSource({ kind: 'sample', name }, 'made by tconv', { width: s.width, height: s.height });
  }

  private loadSource(origin: SourceSpec, format: string, declared: Size, resize?: Size, factor?: number): void {
    // Opening an image (a file, a sample) starts the worker even before the element was seen.
    const client = this.client ?? this.start();
    if (!client) return;
    const gen = ++this.loadGen;
    const name = origin.kind === 'blob' ? origin.name : `${SAMPLES.find((s) => s.name === origin.name)!.label}`;
    this._loading = { name, started: performance.now() };
    this._status = `Opening ${name}…`;
    this.armTick();
    const pixels = (resize ?? declared).width * (resize ?? declared).height;
    client.load(origin, resize, pixels >= HEAVY_PIXELS).then(
      (answer) => {
        if (gen !== this.loadGen) return;
        const msg = answer as LoadedMessage;
        this._loading = null;
        const size = { width: msg.width, height: msg.height };
        const f = factor ?? this.scale;
        // The decoded size can differ from the header's (EXIF rotation): check again.
        const fits = this._custom ? checkOutputSize(this._custom) : checkFactor(size, f);
        this.sourceGen++;
        this.clearResults();
        this._source = {
          name,
          format,
          width: msg.width,
          height: msg.height,
          alpha: msg.alpha,
          ms: msg.ms,
          origin,
          declared: resize ? declared : undefined,
        };
        if (factor && fits.ok) this.scale = factor;
        this._status = `Opened ${name}, ${formatSize(size)}.`;
        this.emit('tconv-load', { name, width: msg.width, height: msg.height, ms: msg.ms });
        this.updateComplete.then(() => this.compareEl()?.fit());
        if (!fits.ok) {
          this.refuse(`${sentence(fits.message)}`, {
            origin,
            size: fitForFactor(size, f),
            factor: f,
            declared: size,
            format,
          });
          return;
        }
        this.reconcile();
      },
      (e: unknown) => {
        if (gen !== this.loadGen) return;
        this._loading = null;
        if (e instanceof Cancelled) return;
        this.fail(`${sentence(errorMessage(e))}${this._source ? ' The previous image is still shown.' : ''}`);
        this.reconcile();
      },
    );
  }

  private clearResults(): void {
    for (const id of ['a', 'b'] as const) {
      const s = this.side(id);
      close(s.result);
      this.setSide(id, { result: null, job: null, error: null, cancelledKey: null });
    }
    close(this._diff);
    this._diff = null;
    this._diffJob = null;
  }

  // ---- computing ----

  private side(id: SideId): Side {
    return id === 'a' ? this._a : this._b;
  }

  private setSide(id: SideId, patch: Partial<Side>): void {
    if (id === 'a') this._a = { ...this._a, ...patch };
    else this._b = { ...this._b, ...patch };
  }

  /** The spec a side should show now, or null when its method cannot run at the chosen size. */
  private specFor(id: SideId): JobSpec | null {
    const s = this.side(id);
    if (this._custom && !takesSize(s.method)) return null;
    return normaliseSpec({
      method: s.method,
      factor: this.scale,
      size: this._custom ? [this._custom.width, this._custom.height] : undefined,
      alignCorners: s.alignCorners,
      kernel: usesKernel(s.method) ? this._kernel : undefined,
    });
  }

  private keyFor(spec: JobSpec): string {
    return `${this.sourceGen}:${specKey(spec)}`;
  }

  private outputSize(): Size | null {
    if (!this._source) return null;
    if (this._custom) return this._custom;
    return { width: this._source.width * this.scale, height: this._source.height * this.scale };
  }

  /** Starts whatever the current choices need and is neither shown nor running. */
  private reconcile(): void {
    if (!this._source || !this.client || this._loading) return;
    for (const id of ['a', 'b'] as const) {
      const spec = this.specFor(id);
      if (!spec) continue;
      const key = this.keyFor(spec);
      const s = this.side(id);
      if (s.result?.key === key || s.job?.key === key || s.cancelledKey === key) continue;
      this.compute(id, spec, key);
    }
    this.reconcileDifference();
  }

  private compute(id: SideId, spec: JobSpec, key: string): void {
    const out = this.outputSize()!;
    this.setSide(id, { job: { key, started: performance.now(), progress: null }, error: null, cancelledKey: null });
    this.armTick();
    const label = `${id.toUpperCase()} (${METHOD_SHORT[spec.method]})`;
    this._status = `Computing ${label}…`;
    this.client!.submit(id, (jobId) => ({ type: 'upsample', id: jobId, spec, workers: this.workerCount() }), {
      supersedes: ['difference'],
      heavy: out.width * out.height >= HEAVY_PIXELS,
      onProgress: (fraction) => {
        const s = this.side(id);
        if (s.job?.key === key) this.setSide(id, { job: { ...s.job, progress: fraction } });
      },
    }).then(
      (answer) => {
        const msg = answer as ResultMessage;
        const s = this.side(id);
        if (s.job?.key !== key) {
          close(msg);
          return;
        }
        if (!msg.cached) {
          if (this.msByKey.size > 200) this.msByKey.clear();
          this.msByKey.set(key, msg.ms);
        }
        const ms = msg.cached ? (this.msByKey.get(key) ?? msg.ms) : msg.ms;
        close(s.result);
        this.setSide(id, {
          job: null,
          result: {
            key,
            spec,
            width: msg.width,
            height: msg.height,
            ms,
            workers: msg.workers,
            pixels: new Uint8ClampedArray(msg.pixels),
            bitmap: msg.bitmap,
            preview: msg.preview,
          },
        });
        this._status = `${label} done in ${formatMs(ms)}${coresNote(msg.workers)}.`;
        this.emit('tconv-result', {
          side: id,
          method: spec.method,
          width: msg.width,
          height: msg.height,
          ms,
          workers: msg.workers,
        });
        this.reconcileDifference();
      },
      (e: unknown) => {
        const s = this.side(id);
        if (s.job?.key !== key) return;
        if (e instanceof Cancelled) {
          this.setSide(id, { job: null, cancelledKey: e.why === 'cancelled' ? key : null });
          return;
        }
        const message = sentence(errorMessage(e));
        this.setSide(id, { job: null, error: message });
        this._status = `${label} failed.`;
        this.emit('tconv-error', { message });
      },
    );
  }

  private reconcileDifference(): void {
    const a = this._a.result;
    const b = this._b.result;
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
    const key = current ? `${a.key}‖${b.key}‖${this._gain}` : null;
    if (this._diff && this._diff.key !== key) {
      close(this._diff);
      this._diff = null;
    }
    if (this._view !== 'difference' || !key || !a || !b || this._diff || this._diffJob?.key === key) return;
    if (this._a.job || this._b.job) return;
    this._diffJob = { key, started: performance.now(), progress: null };
    this.armTick();
    const gain = this._gain;
    this.client!.submit(
      'difference',
      (id) => ({
        type: 'difference',
        id,
        a: a.spec,
        b: b.spec,
        gain,
        workers: this.workerCount(),
      }),
      {
        heavy: a.width * a.height >= HEAVY_PIXELS,
        onProgress: (fraction) => {
          if (this._diffJob?.key === key) this._diffJob = { ...this._diffJob, progress: fraction };
        },
      },
    ).then(
      (answer) => {
        const msg = answer as DifferenceMessage;
        if (this._diffJob?.key !== key) {
          close(msg);
          return;
        }
        this._diffJob = null;
        this._diff = {
          key,
          ms: msg.ms,
          bitmap: msg.bitmap,
          preview: msg.preview,
          width: msg.width,
          height: msg.height,
          pixels: new Uint8ClampedArray(msg.pixels),
        };
      },
      (e: unknown) => {
        if (this._diffJob?.key !== key) return;
        this._diffJob = null;
        if (!(e instanceof Cancelled)) this.fail(`Could not compute the difference: ${errorMessage(e)}.`);
      },
    );
  }

  private async download(id: SideId): Promise<void> {
    const r = this.side(id).result;
    if (!r || !this.client || !this._source) return;
    this._encoding = id;
    this.armTick();
    const size = r.spec.size ? `${r.width}x${r.height}` : `x${r.spec.factor}`;
    const file = `${baseName(this._source.name)}-${r.spec.method}-${size}.png`;
    try {
      const msg = (await this.client.submit('encode', (jid) => ({
        type: 'encode',
        id: jid,
        spec: r.spec,
        workers: this.workerCount(),
      }))) as EncodedMessage;
      const url = URL.createObjectURL(msg.blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = file;
      a.rel = 'noopener';
      this.renderRoot.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      this._status = `Saved ${file}.`;
    } catch (e) {
      if (!(e instanceof Cancelled)) this.fail(`Could not make the PNG: ${errorMessage(e)}.`);
    } finally {
      if (this._encoding === id) this._encoding = null;
    }
  }

  // ---- choices ----

  private setMethod(id: SideId, method: UpsampleMethod): void {
    this.setSide(id, { method, cancelledKey: null, error: null });
    this.methods = `${this._a.method},${this._b.method}`;
  }

  private setAlign(id: SideId, on: boolean): void {
    this.setSide(id, { alignCorners: on, cancelledKey: null });
    this.reconcile();
  }

  private setFactor(f: number): void {
    this._problem = null;
    if (this._source) {
      const base = this._source.declared ?? { width: this._source.width, height: this._source.height };
      const fits = checkFactor(this._source, f);
      if (!fits.ok) {
        this.refuse(`At ×${f}: ${fits.message}.`, {
          origin: this._source.origin,
          size: fitForFactor(base, f),
          factor: f,
          declared: base,
          format: this._source.format,
        });
        this.requestUpdate();
        return;
      }
    }
    this._custom = null;
    this._customOpen = false;
    this.scale = f;
  }

  private openCustom(): void {
    this._customOpen = true;
    const out = this.outputSize();
    this.customDraft = this._custom ?? out ?? { width: 640, height: 480 };
  }

  private applyCustom(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const w = Number((form.elements.namedItem('w') as HTMLInputElement).value);
    const h = Number((form.elements.namedItem('h') as HTMLInputElement).value);
    if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) {
      return this.fail('The output size must be two whole numbers of at least 1.');
    }
    const size = { width: w, height: h };
    const fits = checkOutputSize(size);
    if (!fits.ok) return this.fail(sentence(fits.message));
    this._problem = null;
    this._custom = size;
    this.reconcile();
  }

  private linkAspect(which: 'w' | 'h', e: Event): void {
    const form = (e.target as HTMLInputElement).form!;
    const keep = (form.elements.namedItem('keep') as HTMLInputElement).checked;
    const v = Number((e.target as HTMLInputElement).value);
    if (!keep || !this._source || !(v > 0)) return;
    const other = form.elements.namedItem(which === 'w' ? 'h' : 'w') as HTMLInputElement;
    const ratio = this._source.height / this._source.width;
    other.value = String(Math.max(1, Math.round(which === 'w' ? v * ratio : v / ratio)));
  }

  private setView(v: 'split' | 'difference'): void {
    this._view = v;
    this.reconcileDifference();
  }

  private setGain(g: number): void {
    this._gain = g;
    this.reconcileDifference();
  }

  private onKernel(e: CustomEvent<{ kernel: Kernel }>): void {
    this._kernel = e.detail.kernel;
    for (const id of ['a', 'b'] as const)
      if (usesKernel(this.side(id).method)) this.setSide(id, { cancelledKey: null });
    this.reconcile();
  }

  private acceptFit(): void {
    const fit = this._problem?.fit;
    if (!fit) return;
    this._problem = null;
    this._custom = null;
    this._customOpen = false;
    this.loadSource(fit.origin, fit.format, fit.declared, fit.size, fit.factor);
  }

  // ---- input events ----

  private onDragOver = (e: DragEvent): void => {
    if (!e.dataTransfer || ![...e.dataTransfer.types].includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    this._dragging = true;
    clearTimeout(this.dragTimer);
    this.dragTimer = window.setTimeout(() => (this._dragging = false), 160);
  };

  private onDrop = (e: DragEvent): void => {
    e.preventDefault();
    this._dragging = false;
    const files = e.dataTransfer?.files;
    if (!files || files.length === 0) {
      this.fail('Nothing to open: drop an image file (PNG, JPEG, WebP, GIF or BMP).');
      return;
    }
    void this.open(files[0]);
  };

  private onPaste = (e: ClipboardEvent): void => {
    // Paste into a text field stays a text paste; a paste elsewhere on the page opens an image.
    const path = e.composedPath();
    const editable = path.find(
      (n) =>
        n instanceof HTMLElement &&
        (n.isContentEditable || n instanceof HTMLInputElement || n instanceof HTMLTextAreaElement),
    );
    if (editable) return;
    const inside = path.includes(this);
    const first = document.querySelector('tconv-upsampler');
    if (!inside && first !== this) return;
    const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/') || f.type === '');
    if (!file) return;
    e.preventDefault();
    void this.open(file, file.name && file.name !== 'image.png' ? file.name : 'pasted image');
  };

  private pick(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click();
  }

  private onPicked(e: Event): void {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) void this.open(file);
  }

  // ---- helpers ----

  private fail(message: string): void {
    this._problem = { message };
    this._status = '';
    this.emit('tconv-error', { message });
  }

  private refuse(message: string, fit: Problem['fit']): void {
    this._problem = { message, fit };
    this.emit('tconv-error', { message });
  }

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private compareEl(): TconvUpsamplerCompare | null {
    return this.renderRoot.querySelector('tconv-upsampler-compare');
  }

  /** Re-renders once the progress delay has passed, so long jobs show their bar. */
  private armTick(): void {
    clearTimeout(this.tickTimer);
    this.tickTimer = window.setTimeout(() => (this._tick = performance.now()), PROGRESS_DELAY_MS + 5);
  }

  private shown(job: { started: number } | null): boolean {
    return !!job && performance.now() - job.started >= PROGRESS_DELAY_MS;
  }

  // ---- rendering ----

  private renderToolbar() {
    const f = this.scale;
    return html`<div class="toolbar" part="toolbar">
      <div class="group">
        <button class="btn primary" @click=${this.pick}>${icons.open} Open image</button>
        <input
          type="file"
          class="visually-hidden"
          tabindex="-1"
          aria-hidden="true"
          accept=${ACCEPT}
          @change=${this.onPicked}
        />
        <label class="visually-hidden" for="sample">Built-in samples, made by tconv</label>
        <select
          id="sample"
          class="btn"
          @change=${(e: Event) => {
            const sel = e.target as HTMLSelectElement;
            if (sel.value) this.openSample(sel.value as SampleName);
            sel.value = '';
          }}
        >
          <option value="">Samples…</option>
          ${SAMPLES.map((s) => html`<option value=${s.name}>${s.label} — made by tconv</option>`)}
        </select>
      </div>
      <fieldset class="segmented" aria-label="Scale factor">
        <legend>Scale</legend>
        ${FACTORS.map(
          (n) =>
            html`<label
              ><input
                type="radio"
                name="scale"
                .checked=${live(!this._custom && n === f)}
                @change=${() => this.setFactor(n)}
              />×${n}</label
            >`,
        )}
        <label title="Any output size (nearest, bilinear, bicubic)"
          ><input
            type="radio"
            name="scale"
            .checked=${live(!!this._custom || this._customOpen)}
            ?disabled=${!this._source}
            @change=${this.openCustom}
          />Size…</label
        >
      </fieldset>
      <span class="spacer"></span>
      <fieldset class="segmented" aria-label="View">
        <legend>View</legend>
        <label
          ><input
            type="radio"
            name="view"
            .checked=${live(this._view === 'split')}
            @change=${() => this.setView('split')}
          />Split</label
        >
        <label
          ><input
            type="radio"
            name="view"
            .checked=${live(this._view === 'difference')}
            @change=${() => this.setView('difference')}
          />Difference</label
        >
      </fieldset>
      ${
        this._view === 'difference'
          ? html`<label class="gain"
              >Gain
              <select class="btn" @change=${(e: Event) => this.setGain(Number((e.target as HTMLSelectElement).value))}>
                ${GAINS.map((g) => html`<option value=${g} ?selected=${g === this._gain}>×${g}</option>`)}
              </select></label
            >`
          : nothing
      }
    </div>`;
  }

  private renderCustom() {
    if (!this._customOpen && !this._custom) return nothing;
    const d = this._custom ?? this.customDraft;
    return html`<form class="custom" @submit=${this.applyCustom} aria-label="Output size">
      <label
        >Width
        <input
          name="w"
          type="number"
          min="1"
          max="16384"
          .value=${String(d.width)}
          @input=${(e: Event) => this.linkAspect('w', e)}
      /></label>
      <span aria-hidden="true">×</span>
      <label
        >Height
        <input
          name="h"
          type="number"
          min="1"
          max="16384"
          .value=${String(d.height)}
          @input=${(e: Event) => this.linkAspect('h', e)}
      /></label>
      <label class="check flush"><input name="keep" type="checkbox" checked /> keep aspect</label>
      <button class="btn primary" type="submit">Apply</button>
      <button
        class="btn"
        type="button"
        @click=${() => {
          this._custom = null;
          this._customOpen = false;
          this.reconcile();
        }}
      >
        Back to ×${this.scale}
      </button>
      <p class="hint">
        Any output size works for nearest, bilinear and bicubic (also smaller than the input). The convolution methods
        need an integer factor: their stride.
      </p>
    </form>`;
  }

  private renderInfo() {
    const s = this._source;
    if (!s) return nothing;
    const out = this.outputSize()!;
    return html`<div class="info" part="source-info">
      <span><strong>${s.name}</strong></span>
      <span>${s.format}${s.alpha ? ' · transparency' : ''}</span>
      <span
        >${formatSize(s)}${s.declared ? html` (downscaled from ${formatSize(s.declared)})` : ''} →
        <strong>${formatSize(out)}</strong></span
      >
      <span class="hide-narrow">${s.origin.kind === 'blob' ? 'decoded' : 'made'} in ${formatMs(s.ms)}</span>
    </div>`;
  }

  private renderAlert() {
    const p = this._problem;
    return html`<div class="alert" part="alert" role="alert" ?hidden=${!p}>
      ${
        p
          ? html`<p>${p.message}</p>
              ${
                p.fit
                  ? html`<button class="btn primary" @click=${this.acceptFit}>
                      Downscale to
                      ${formatSize(p.fit.size)}${p.fit.factor !== this.scale ? ` and use ×${p.fit.factor}` : ''}
                    </button>`
                  : nothing
              }
              <button class="btn" @click=${() => (this._problem = null)}>Dismiss</button>`
          : nothing
      }
    </div>`;
  }

  private renderWorking() {
    const jobs: { label: string; progress: number | null }[] = [];
    if (this._loading && this.shown(this._loading)) {
      jobs.push({ label: `Opening ${this._loading.name}`, progress: null });
    }
    for (const id of ['a', 'b'] as const) {
      const s = this.side(id);
      if (this.shown(s.job)) {
        jobs.push({ label: `Computing ${id.toUpperCase()} · ${METHOD_SHORT[s.method]}`, progress: s.job!.progress });
      }
    }
    if (this._diffJob && this.shown(this._diffJob)) {
      jobs.push({ label: 'Computing the difference', progress: this._diffJob.progress });
    }
    if (this._encoding) jobs.push({ label: `Encoding ${this._encoding.toUpperCase()} as PNG`, progress: null });
    if (jobs.length === 0) return nothing;
    const [first] = jobs;
    const pct = first.progress === null ? null : Math.round(first.progress * 100);
    return html`<div class="working" part="progress">
      <div class="what">
        <div>
          ${first.label}${pct === null ? '…' : ` · ${pct} %`}${
            jobs.length > 1 ? html` <span class="more">(+${jobs.length - 1} more)</span>` : ''
          }
        </div>
        ${
          pct === null
            ? html`<progress aria-label="Progress: ${first.label}"></progress>`
            : html`<progress max="100" .value=${pct} aria-label="Progress: ${first.label}"></progress>`
        }
      </div>
      <button class="btn" @click=${() => this.cancel()}>Cancel</button>
    </div>`;
  }

  private renderEmpty() {
    if (this._source) return nothing;
    return html`<div class="empty">
      <h3>Drop an image here</h3>
      <p>
        …or paste one, or <button class="btn" @click=${this.pick}>open a file</button>. PNG, JPEG, WebP, GIF or BMP. It
        stays on your device.
      </p>
      <p class="flush">Or try a sample, made by tconv:</p>
      <div class="samples">
        ${SAMPLES.map(
          (s) =>
            html`<button class="btn" title=${s.description} @click=${() => this.openSample(s.name)}>
              ${s.label}
            </button>`,
        )}
      </div>
    </div>`;
  }

  private renderSide(id: SideId) {
    const s = this.side(id);
    const f = this.scale;
    const spec = this.specFor(id);
    const running = s.job;
    const unavailable = !spec;
    let state;
    if (unavailable) {
      state = html`<span class="side-state error"
        >Needs a factor (×2, ×3, ×4): transposed and resize-convolution use it as their stride.</span
      >`;
    } else if (s.error) {
      state = html`<span class="side-state error" role="status">${s.error}</span>`;
    } else if (running) {
      const pct = running.progress === null ? null : Math.round(running.progress * 100);
      state = html`<span class="side-state"
        >${this.shown(running) ? html`Computing${pct === null ? '…' : ` · ${pct} %`}` : 'Computing…'}
        ${
          !this.shown(running)
            ? nothing
            : pct === null
              ? html`<progress aria-label="Progress of ${id.toUpperCase()}"></progress>`
              : html`<progress max="100" .value=${pct} aria-label="Progress of ${id.toUpperCase()}"></progress>`
        }</span
      >`;
    } else if (s.cancelledKey) {
      state = html`<span class="side-state"
        >Cancelled.
        <button
          class="btn compact"
          @click=${() => {
            this.setSide(id, { cancelledKey: null });
            this.reconcile();
          }}
        >
          Compute
        </button></span
      >`;
    } else if (s.result) {
      state = html`<span class="side-state">${formatSize(s.result)}</span>`;
    } else {
      state = html`<span class="side-state">${this._source ? '' : 'Open an image to start.'}</span>`;
    }
    const method = s.method;
    return html`<section class="side ${id}" part="side side-${id}" aria-labelledby="title-${id}">
      <div class="side-head">
        <h3 id="title-${id}">
          <span class="badge" aria-hidden="true">${id.toUpperCase()}</span> Side ${id.toUpperCase()}
        </h3>
        <span class="time" aria-label="Compute time"
          >${
            s.result && !running
              ? html`<strong>${formatMs(s.result.ms)}</strong> in the core${coresNote(s.result.workers)}`
              : ''
          }</span
        >
      </div>
      <label class="visually-hidden" for="method-${id}">Method of side ${id.toUpperCase()}</label>
      <select
        id="method-${id}"
        class="btn method"
        @change=${(e: Event) => this.setMethod(id, (e.target as HTMLSelectElement).value as UpsampleMethod)}
      >
        <optgroup label="Fixed interpolation">
          ${INTERPOLATION_METHODS.map((m) => html`<option value=${m} ?selected=${m === method}>${METHOD_LABELS[m]}</option>`)}
        </optgroup>
        <optgroup label="Transposed convolution">
          ${(['transposed-bilinear', 'transposed'] as const).map(
            (m) =>
              html`<option value=${m} ?selected=${m === method} ?disabled=${!!this._custom}>
                ${METHOD_LABELS[m]}
              </option>`,
          )}
        </optgroup>
        <optgroup label="Resize-convolution">
          ${(['resize-conv-nearest', 'resize-conv-bilinear'] as const).map(
            (m) =>
              html`<option value=${m} ?selected=${m === method} ?disabled=${!!this._custom}>
                ${METHOD_LABELS[m]}
              </option>`,
          )}
        </optgroup>
      </select>
      <label class="check" title=${ALIGN_CORNERS_NOTE}>
        <input
          type="checkbox"
          .checked=${live(s.alignCorners && takesAlignCorners(method))}
          ?disabled=${!takesAlignCorners(method)}
          @change=${(e: Event) => this.setAlign(id, (e.target as HTMLInputElement).checked)}
        />
        Align corners
      </label>
      <p class="note">${methodNote(method, f, this._kernel.size)}</p>
      <div class="side-foot">
        ${state}
        <button
          class="btn"
          ?disabled=${!s.result || this._encoding !== null}
          @click=${() => this.download(id)}
          aria-label="Download ${id.toUpperCase()} as PNG"
        >
          ${icons.download} PNG
        </button>
      </div>
    </section>`;
  }

  protected override render() {
    const out = this.outputSize();
    // A side that cannot run at the chosen size shows nothing rather than a stretched old result.
    const layer = (id: SideId): Layer | null => (this.specFor(id) ? this.side(id).result : null);
    const label = (id: SideId) => {
      const s = this.side(id);
      const r = s.result;
      const spec = this.specFor(id);
      const stale = r && (!spec || r.key !== this.keyFor(spec));
      const shown = r ? r.spec.method : s.method;
      // The label is drawn inside the compare view, out of reach of this element's sheet: a CSSOM style.
      const previous = stale ? html` <span ${styleProps({ opacity: 0.7 })}>(previous)</span>` : '';
      return html`<b>${id.toUpperCase()}</b> ${METHOD_SHORT[shown]}${r ? html` · ${formatMs(r.ms)}` : ''}${previous}`;
    };
    const kernelUsed = usesKernel(this._a.method) || usesKernel(this._b.method);
    return html`<div class="frame" @dragover=${this.onDragOver} @drop=${this.onDrop}>
      ${this.renderToolbar()} ${this.renderCustom()} ${this.renderInfo()} ${this.renderAlert()}
      <div class="compare-wrap">
        <tconv-upsampler-compare
          part="compare"
          exportparts="stage, readout, canvas, handle, zoom-controls, legend"
          .imageWidth=${out?.width ?? 0}
          .imageHeight=${out?.height ?? 0}
          .left=${layer('a')}
          .right=${layer('b')}
          .diff=${this._diff}
          .mode=${this._view}
          .leftLabel=${label('a')}
          .rightLabel=${label('b')}
          .gain=${this._gain}
          theme=${this.theme ?? nothing}
        >
          <div class="overlay" slot="overlay">${this.renderEmpty()} ${this.renderWorking()}</div>
        </tconv-upsampler-compare>
        ${this._dragging ? html`<div class="drop-hint">Drop to open</div>` : nothing}
      </div>
      <div class="panels">
        ${this.renderSide('a')} ${this.renderSide('b')}
        ${
          kernelUsed
            ? html`<section class="kernel" part="kernel" aria-labelledby="kernel-title">
                <h3 id="kernel-title">
                  Your kernel
                  <small>· used by transposed conv and resize-conv · stride = factor = ${this.scale}</small>
                </h3>
                <tconv-upsampler-kernel
                  .kernel=${this._kernel}
                  .stride=${this.scale}
                  theme=${this.theme ?? nothing}
                  @tconv-kernel-change=${this.onKernel}
                ></tconv-upsampler-kernel>
              </section>`
            : nothing
        }
      </div>
      <div class="footer" part="footer">
        <p class="privacy">
          ${icons.lock}
          <span
            >Private: your image is decoded and up-sampled on this device, in Web Workers running the tconv core
            (WebAssembly), one per core for large images. Nothing is uploaded, and nothing is fetched once the page has
            loaded.</span
          >
        </p>
        <p>Limits: ${limitsSummary()}</p>
      </div>
      <div class="visually-hidden" role="status" aria-live="polite">${this._status}</div>
    </div>`;
  }
}
