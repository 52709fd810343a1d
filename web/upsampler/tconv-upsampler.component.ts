// <tconv-upsampler>'s class (tconv-upsampler.ts defines the element): the image tool. Its API is the JSDoc
// on the class, its fields and TconvUpsamplerEvents below, which the custom-elements manifest is made from;
// its CSS is tconv-upsampler.styles.ts and theme.ts.

import { Task } from '@lit/task';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';

import type { Kernel } from './shared/kernels.js';
import { FACTORS, formatSize, limitsSummary, type Size } from './shared/limits.js';
import { METHOD_SHORT, errorMessage, isMethod, usesKernel, type UpsampleMethod } from './shared/protocol.js';
import { SAMPLES, parseSampleSrc, type SampleName } from './shared/samples.js';
import { UpsamplerSession, type SideId } from './shared/session.js';
import { formatMs, sentence } from './shared/texts.js';
import { MAX_WORKERS, defaultWorkerCount } from './shared/tiles.js';
import { coreBytes, createUpsampleWorker, prefetchCoreBytes } from './client/create-worker.js';
import { mainThreadCore } from './client/main-core.js';
import { WorkerUpsamplerClient } from './client/upsampler-client.js';
import type { Layer, TconvUpsamplerCompare } from './compare-view.js';
import './compare-view.js';
import './kernel-editor.js';
import './learn/tconv-learn.js';
import type { LearnImage } from './learn/learn-session.js';
import { icons } from './icons.js';
import { renderSide, renderWorking, type PanelContext } from './side-panel.js';
import { renderCustom, renderToolbar, type ToolbarContext } from './toolbar.js';
import { upsamplerStyles } from './tconv-upsampler.styles.js';
import { type Loading, observeVisibility } from '../components/shared/visibility.js';
import { styleProps } from '../components/shared/style-props.js';
import { TconvElement } from '../components/shared/tconv-element.js';

export type { SideId };

/**
 * The events of <tconv-upsampler> (CustomEvents that bubble and cross shadow roots). The details are object
 * types written out, not interfaces: the session hands them over as records (SessionEvents.emit).
 */
export interface TconvUpsamplerEvents {
  /** An image was decoded (or a sample made): its name, size and decoding time. */
  'tconv-load': { name: string; width: number; height: number; ms: number };
  /** A result is shown: which side, by which method, its size, the core's time (ms) and how many cores it used. */
  'tconv-result': { side: SideId; method: UpsampleMethod; width: number; height: number; ms: number; workers: number };
  /** Anything refused or failed; the message is also shown in the element (role="alert"). */
  'tconv-error': { message: string };
}

export type TconvLoadDetail = TconvUpsamplerEvents['tconv-load'];
export type TconvResultDetail = TconvUpsamplerEvents['tconv-result'];
export type TconvErrorDetail = TconvUpsamplerEvents['tconv-error'];

/** Computations shorter than this show no progress bar. */
const PROGRESS_DELAY_MS = 100;
const DEFAULT_METHODS: [UpsampleMethod, UpsampleMethod] = ['transposed', 'resize-conv-nearest'];

function parseMethods(value: string | null | undefined): [UpsampleMethod, UpsampleMethod] | null {
  if (!value) return null;
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length !== 2 || !parts.every(isMethod)) return null;
  return [parts[0] as UpsampleMethod, parts[1] as UpsampleMethod];
}

/**
 * Up-samples an image of your own with fixed interpolation, transposed convolution and resize-convolution,
 * and compares two results. Every pixel is computed by the tconv core (WebAssembly) in a Web Worker; the
 * page's thread has a core too (from the same bytes), only for the geometry the element shows (output size,
 * the flat-image tile, kernel and padding). Images never leave the device.
 *
 *   <tconv-upsampler src="sample:detail" methods="transposed,resize-conv-nearest" scale="2"></tconv-upsampler>
 *
 * Input: drop a file on the element, paste one (Ctrl/⌘+V), the "Open image" picker, or a sample.
 *
 * Isolation: Shadow DOM, and `all: initial` at :host: the page's CSS does not reach inside, only the custom
 * properties below do (on the element or any ancestor; light and dark defaults in
 * web/components/shared/theme-tokens.ts, and web/upsampler/theme-tokens.ts for its own). The older names
 * --tconv-upsampler-bg, -surface, -surface-2, -text, -muted, -border, -accent, -radius and -mono, and
 * -accent-text (now on-accent), -danger (alert), -danger-bg (alert-bg) and -font-family (font) are still
 * read, and win on this element; --tconv-upsampler-focus still colours focus rings alone. The layout
 * follows the element's own width (container queries), from 320 px up.
 *
 * @summary The image tool: up-sample your own image three ways and compare two results, pixel by pixel.
 * @cssprop --tconv-font - font family of text and numbers
 * @cssprop --tconv-mono - font family of the pixel readout and the kernel's weights
 * @cssprop --tconv-radius - corner radius of the panels and the stage
 * @cssprop --tconv-bg - background of the output-size fields
 * @cssprop --tconv-surface - panels, buttons, and the light squares under transparent pixels
 * @cssprop --tconv-surface-2 - pressed buttons, the factor and view switches, progress tracks
 * @cssprop --tconv-text - text
 * @cssprop --tconv-muted - secondary text, notes, the readout's labels
 * @cssprop --tconv-border - borders of panels, buttons and fields
 * @cssprop --tconv-accent - the "Open image" button, progress bars, checkboxes, the drop hint, focus rings
 * @cssprop --tconv-on-accent - text and icons on the accent colour
 * @cssprop --tconv-alert - error text, the marks of refused weights
 * @cssprop --tconv-alert-bg - background of the alert
 * @cssprop --tconv-upsampler-a - side A: its rule, badge and labels
 * @cssprop --tconv-upsampler-b - side B: its rule, badge and labels
 * @cssprop --tconv-upsampler-stage-bg - the stage around the image
 * @cssprop --tconv-upsampler-checker - the dark squares under transparent pixels (the light ones are the surface)
 * @cssprop [--tconv-upsampler-stage-height=clamp(260px, min(62vh, 75cqw + 60px), 680px)] - height of the stage
 * @csspart toolbar - open, samples, factor and view controls
 * @csspart source-info - name, format and sizes of the image shown
 * @csspart alert - what was refused or failed, with its actions
 * @csspart compare - the compare view: stage and readout
 * @csspart stage - the image area, inside compare
 * @csspart canvas - the canvas the images are drawn on
 * @csspart handle - the split slider
 * @csspart zoom-controls - zoom out, level, zoom in, fit
 * @csspart legend - the difference view's scale
 * @csspart readout - the pixel values under the pointer
 * @csspart progress - what is being computed, with its progress bar
 * @csspart side - each side's panel (also side-a, side-b)
 * @csspart side-a - side A's panel
 * @csspart side-b - side B's panel
 * @csspart kernel - the kernel editor's panel
 * @csspart footer - the privacy note and the limits
 * @csspart drop-hint - the highlight over the whole element while a file is dragged over it
 */
export class TconvUpsampler extends TconvElement<TconvUpsamplerEvents> {
  static override properties: PropertyDeclarations = {
    src: { type: String },
    methods: { type: String, reflect: true },
    scale: { type: Number, reflect: true },
    busy: { type: Boolean, reflect: true },
    loading: { type: String, reflect: true },
    workers: { type: Number },
    _started: { state: true },
    _customOpen: { state: true },
    _dragging: { state: true },
    _tick: { state: true },
    _mode: { state: true },
    _learnImage: { state: true },
  };

  static override styles = [TconvElement.styles, upsamplerStyles];

  /** The first image: a URL on the same site, or a sample: "sample:detail", "sample:text" or "sample:alpha". */
  declare src: string;
  /**
   * The two methods compared, "A,B": two of nearest, bilinear, bicubic, transposed-bilinear, transposed,
   * resize-conv-nearest, resize-conv-bilinear. Written when the reader picks another.
   * @default "transposed,resize-conv-nearest"
   */
  declare methods: string;
  /** The factor: 2, 3 or 4 (the stride of the convolution methods). Written when the reader picks another. @default 2 */
  declare scale: number;
  /** Present while anything is being computed. Read-only: the element sets it. */
  declare busy: boolean;
  /**
   * "lazy": the worker starts, and src is opened, only when the element comes near the viewport; "eager": at
   * once. open() and the samples start it in any case.
   * @default "lazy"
   */
  declare loading: Loading;
  /**
   * How many cores a large result may use: results of 1 Mpx or more are split into bands across that many band
   * workers; 1 = one worker. Default: navigator.hardwareConcurrency, at most 8.
   */
  declare workers: number;
  /** The worker was started (the element came near the viewport, or loading="eager"). */
  declare _started: boolean;
  declare _customOpen: boolean;
  declare _dragging: boolean;
  declare _tick: number;
  /** Upsample (the methods, compared) or Learn (two models trained on the image: learn/tconv-learn.component.ts). */
  declare _mode: 'upsample' | 'learn';
  declare _learnImage: LearnImage | null;

  /** Everything shown and computed: the element renders its state. @internal */
  readonly session = new UpsamplerSession(
    {
      changed: () => this.sessionChanged(),
      emit: (type, detail) => this.sessionEvent(type, detail as TconvUpsamplerEvents[typeof type]),
      workers: () => this.workerCount(),
      now: () => performance.now(),
    },
    DEFAULT_METHODS,
  );

  /** Opens src once the worker runs; a newer src aborts the fetch of an older one. */
  private readonly srcTask = new Task(this, {
    task: ([src, started], { signal }) => (started && src ? this.loadSrc(src, signal) : Promise.resolve()),
    args: () => [this.src, this._started] as const,
  });

  private unobserve: (() => void) | null = null;
  private starting: Promise<boolean> | null = null;
  /** dragenter minus dragleave, over the element and everything in it: the hint goes when the drag leaves the whole. */
  private dragDepth = 0;
  private tickTimer = 0;
  private customDraft: Size = { width: 0, height: 0 };

  constructor() {
    super();
    this.src = '';
    this.methods = DEFAULT_METHODS.join(',');
    this.scale = 2;
    this.busy = false;
    this.loading = 'lazy';
    this.workers = defaultWorkerCount(globalThis.navigator?.hardwareConcurrency);
    this._started = false;
    this._customOpen = false;
    this._dragging = false;
    this._tick = 0;
    this._mode = 'upsample';
    this._learnImage = null;
    // On the host, so a drop anywhere on the element (toolbar, panels, headings, the stage) opens the file
    // rather than letting the browser navigate to it; drag events cross the shadow roots (composed).
    this.addEventListener('dragenter', this.onDragEnter);
    this.addEventListener('dragover', this.onDragOver);
    this.addEventListener('dragleave', this.onDragLeave);
    this.addEventListener('drop', this.onDrop);
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

  /**
   * Loads the page's core and starts the worker (once); src is then opened by srcTask. False when the
   * element is not on the page or the core cannot load (which is reported).
   */
  private start(): Promise<boolean> {
    if (!this.isConnected) return Promise.resolve(false);
    this.starting ??= mainThreadCore().then(
      (core) => {
        if (!this.isConnected) return false;
        if (!this.session.client) {
          this.session.attach(new WorkerUpsamplerClient(createUpsampleWorker, coreBytes()), core);
        }
        this._started = true;
        return true;
      },
      (e: unknown) => {
        this.starting = null; // a later start tries again
        this.session.fail(sentence(`could not load the WebAssembly core: ${errorMessage(e)}`));
        return false;
      },
    );
    return this.starting;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('paste', this.onPaste);
    this.unobserve?.();
    this.unobserve = null;
    this.session.detach();
    this.starting = null;
    this._started = false;
    this.dragDepth = 0;
    this._dragging = false;
    clearTimeout(this.tickTimer);
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('methods')) {
      const parsed = parseMethods(this.methods);
      if (parsed) this.session.setMethods(parsed);
      else if (this.methods) {
        console.warn(`<tconv-upsampler>: methods="${this.methods}" is not two method names; keeping the current ones`);
      }
    }
    if (changed.has('scale')) {
      if (!(FACTORS as readonly number[]).includes(this.scale)) this.scale = 2;
      if (this.scale !== this.session.scale) this.session.setScale(this.scale);
    }
    if (changed.has('workers') && !(Number.isInteger(this.workers) && this.workers >= 1)) {
      console.warn(`<tconv-upsampler>: workers="${this.workers}" is not a whole number from 1; using 1 worker`);
    }
  }

  /**
   * The session changed: render. The attributes follow the session only where the user (or an accepted
   * downscale offer) changed them, not here: an attribute set meanwhile would be overwritten.
   */
  private sessionChanged(): void {
    this.busy = this.session.busy;
    if (this.session.busy) this.armTick();
    this.requestUpdate();
  }

  // ---- public API ----

  /** Opens an image file: header check, limits, then decoding in the worker. */
  async open(blob: Blob, name = blob instanceof File ? blob.name : 'image'): Promise<void> {
    if (await this.start()) await this.session.open(blob, name);
  }

  /** Stops every computation now (the worker is replaced); results shown so far stay. */
  cancel(): void {
    this.session.cancel();
  }

  /** A copy of the pixels of side 'a' or 'b', the difference, or the decoded source. */
  async getImageData(which: 'a' | 'b' | 'difference' | 'source'): Promise<ImageData | null> {
    const p = await this.session.pixels(which);
    return p && new ImageData(p.data, p.width, p.height);
  }

  // ---- choices ----

  private async loadSrc(src: string, signal: AbortSignal): Promise<void> {
    const sample = parseSampleSrc(src);
    if (sample) return this.openSample(sample);
    let url: URL;
    try {
      url = new URL(src, document.baseURI);
    } catch {
      return this.session.fail(
        `src="${src}" is not a URL or a sample name (sample:detail, sample:text, sample:alpha).`,
      );
    }
    // Images never leave the machine, and none is fetched from elsewhere either.
    if (url.origin !== location.origin) {
      return this.session.fail(`src must be on this site (${location.origin}) or a sample name; got ${url.origin}.`);
    }
    try {
      const r = await fetch(url, { signal });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const name = decodeURIComponent(url.pathname.split('/').pop() || 'image');
      const blob = await r.blob();
      if (!signal.aborted) await this.open(blob, name);
    } catch (e) {
      if (!signal.aborted) this.session.fail(`Could not load src "${src}": ${errorMessage(e)}.`);
    }
  }

  private openSample(name: SampleName): void {
    void this.start().then((ok) => ok && this.session.openSample(name));
  }

  private setMethod(id: SideId, method: UpsampleMethod): void {
    const other = id === 'a' ? this.session.b.method : this.session.a.method;
    const methods: [UpsampleMethod, UpsampleMethod] = id === 'a' ? [method, other] : [other, method];
    this.session.setMethods(methods);
    this.methods = methods.join(',');
  }

  private setFactor(f: number): void {
    if (this.session.setFactor(f)) {
      this._customOpen = false;
      this.scale = f;
    } else this.requestUpdate(); // the radio goes back to the factor in use
  }

  private acceptFit(): void {
    this._customOpen = false;
    void this.start().then((ok) => ok && this.session.acceptFit());
  }

  private openCustom(): void {
    this._customOpen = true;
    const out = this.session.outputSize();
    this.customDraft = this.session.custom ?? out ?? { width: 640, height: 480 };
  }

  private applyCustom(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const w = Number((form.elements.namedItem('w') as HTMLInputElement).value);
    const h = Number((form.elements.namedItem('h') as HTMLInputElement).value);
    this.session.setCustom({ width: w, height: h });
  }

  private linkAspect(which: 'w' | 'h', e: Event): void {
    const form = (e.target as HTMLInputElement).form!;
    const keep = (form.elements.namedItem('keep') as HTMLInputElement).checked;
    const v = Number((e.target as HTMLInputElement).value);
    const source = this.session.source;
    if (!keep || !source || !(v > 0)) return;
    const other = form.elements.namedItem(which === 'w' ? 'h' : 'w') as HTMLInputElement;
    const ratio = source.height / source.width;
    other.value = String(Math.max(1, Math.round(which === 'w' ? v * ratio : v / ratio)));
  }

  private async download(id: SideId): Promise<void> {
    const png = await this.session.download(id);
    if (!png) return;
    const url = URL.createObjectURL(png.blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = png.file;
    a.rel = 'noopener';
    this.renderRoot.appendChild(a);
    a.click();
    a.remove();
    // Long enough for the browser to start the download; then the Blob can go.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  // ---- input events ----

  private onDragEnter = (e: DragEvent): void => {
    if (!e.dataTransfer) return;
    e.preventDefault();
    this.dragDepth++;
    this._dragging = [...e.dataTransfer.types].includes('Files');
  };

  private onDragOver = (e: DragEvent): void => {
    if (!e.dataTransfer) return;
    // Always: a drop the element does not take would make the browser open the file (or link) instead of the page.
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  };

  private onDragLeave = (): void => {
    this.dragDepth = Math.max(0, this.dragDepth - 1);
    if (this.dragDepth === 0) this._dragging = false;
  };

  private onDrop = (e: DragEvent): void => {
    e.preventDefault();
    this.dragDepth = 0;
    this._dragging = false;
    const file = e.dataTransfer?.files[0];
    if (file) {
      void this.open(file); // anything but an image is refused by its header, with the formats it takes
      return;
    }
    const link = [...(e.dataTransfer?.types ?? [])].includes('text/uri-list');
    this.session.fail(
      link
        ? 'That was a link, not a file: save the image first, then drop the file (PNG, JPEG, WebP, GIF or BMP).'
        : 'Nothing to open: drop an image file (PNG, JPEG, WebP, GIF or BMP).',
    );
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

  /** What the session reports goes out as the element's event; a new image also resets the factor and the view. */
  private sessionEvent<K extends keyof TconvUpsamplerEvents>(type: K, detail: TconvUpsamplerEvents[K]): void {
    if (type === 'tconv-load') {
      this.scale = this.session.scale; // an accepted offer to downscale may come with another factor
      if (this._mode === 'learn') void this.loadLearnImage();
      void this.updateComplete.then(() => this.compareEl()?.fit());
    }
    this.emit(type, detail);
  }

  /** Learn mode trains on a copy of the decoded image (the worker's); training stops when the mode is left. */
  private setMode(mode: 'upsample' | 'learn'): void {
    this._mode = mode;
    if (mode === 'learn') void this.loadLearnImage();
    else void this.updateComplete.then(() => this.compareEl()?.fit());
  }

  private async loadLearnImage(): Promise<void> {
    const source = this.session.source;
    const p = source && (await this.session.pixels('source'));
    if (p && source === this.session.source) {
      this._learnImage = { name: source.name, width: p.width, height: p.height, pixels: p.data.slice().buffer };
    }
  }

  private renderMode() {
    // The blog embeds leave Learn mode out (learn/embed-stub.ts): then there is nothing to switch to.
    if (!customElements.get('tconv-upsampler-learn')) return nothing;
    return html`<fieldset class="segmented mode" aria-label="Mode" ${styleProps({ 'align-self': 'flex-start' })}>
      <legend>Mode</legend>
      ${(['upsample', 'learn'] as const).map(
        (m) =>
          html`<label
            ><input
              type="radio"
              name="mode"
              value=${m}
              .checked=${live(this._mode === m)}
              @change=${() => this.setMode(m)}
            />${m === 'upsample' ? 'Upsample' : 'Learn'}</label
          >`,
      )}
    </fieldset>`;
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

  /** What the toolbar and the output-size form (toolbar.ts) need of this element. */
  private toolbar(): ToolbarContext {
    return {
      session: this.session,
      scale: this.scale,
      customOpen: this._customOpen,
      learn: this._mode === 'learn',
      customDraft: this.customDraft,
      pick: () => this.pick(),
      onPicked: (e) => this.onPicked(e),
      openSample: (name) => this.openSample(name),
      setFactor: (f) => this.setFactor(f),
      openCustom: () => this.openCustom(),
      applyCustom: (e) => this.applyCustom(e),
      linkAspect: (which, e) => this.linkAspect(which, e),
      closeCustom: () => {
        this._customOpen = false;
        this.session.setCustom(null);
      },
    };
  }

  /** What the side panels and the progress bar (side-panel.ts) need of this element. */
  private panel(): PanelContext {
    return {
      session: this.session,
      scale: this.scale,
      shown: (job) => this.shown(job),
      setMethod: (id, method) => this.setMethod(id, method),
      download: (id) => void this.download(id),
      cancelDownload: () => this.session.cancelDownload(),
      cancel: () => this.cancel(),
    };
  }

  private renderInfo() {
    const s = this.session.source;
    if (!s) return nothing;
    const out = this.session.outputSize()!;
    // Learn mode learns to up-sample the image reduced ×f back to its own size, and says so itself:
    // the up-sampled size here would describe the other mode.
    const upsampled = this._mode === 'learn' ? nothing : html` → <strong>${formatSize(out)}</strong>`;
    return html`<div class="info" part="source-info">
      <span><strong>${s.name}</strong></span>
      <span>${s.format}${s.alpha ? ' · transparency' : ''}</span>
      <span>${formatSize(s)}${s.declared ? html` (downscaled from ${formatSize(s.declared)})` : ''}${upsampled}</span>
      <span class="hide-narrow">${s.origin.kind === 'blob' ? 'decoded' : 'made'} in ${formatMs(s.ms)}</span>
    </div>`;
  }

  private renderAlert() {
    const p = this.session.problem;
    return html`<div class="alert" part="alert" role="alert" ?hidden=${!p}>
      ${
        p
          ? html`<p>${p.message}</p>
              ${
                p.fit
                  ? html`<button class="btn primary" @click=${() => this.acceptFit()}>
                      Downscale to
                      ${formatSize(p.fit.size)}${p.fit.factor !== this.scale ? ` and use ×${p.fit.factor}` : ''}
                    </button>`
                  : nothing
              }
              <button class="btn" @click=${() => this.session.dismissProblem()}>Dismiss</button>`
          : nothing
      }
    </div>`;
  }

  private renderEmpty() {
    if (this.session.source) return nothing;
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

  protected override render() {
    const out = this.session.outputSize();
    // A side that cannot run at the chosen size shows nothing rather than a stretched old result.
    const layer = (id: SideId): Layer | null => (this.session.specFor(id) ? this.session.side(id).result : null);
    const label = (id: SideId) => {
      const s = this.session.side(id);
      const r = s.result;
      const spec = this.session.specFor(id);
      const stale = r && (!spec || r.key !== this.session.keyFor(spec));
      const shown = r ? r.spec.method : s.method;
      // The label is drawn inside the compare view, out of reach of this element's sheet: a CSSOM style.
      // The method's name gives way (an ellipsis) before the time does, on a phone too (compare-view.styles.ts).
      const previous = stale ? html`<span class="keep" ${styleProps({ opacity: 0.7 })}>(previous)</span>` : '';
      return html`<b>${id.toUpperCase()}</b><span class="name">${METHOD_SHORT[shown]}</span>${
          r ? html`<span class="keep">· ${formatMs(r.ms)}</span>` : ''
        }${previous}`;
    };
    const kernelUsed = usesKernel(this.session.a.method) || usesKernel(this.session.b.method);
    const learn = this._mode === 'learn';
    return html`<div class="frame">
      ${this.renderMode()} ${renderToolbar(this.toolbar())} ${renderCustom(this.toolbar())} ${this.renderInfo()}
      ${this.renderAlert()}
      ${
        learn
          ? html`<tconv-upsampler-learn
              .image=${this._learnImage}
              .factor=${this.scale}
              .view=${this.session.view}
              .gain=${this.session.gain}
              .viewControls=${false}
              theme=${this.theme ?? nothing}
            ></tconv-upsampler-learn>`
          : nothing
      }
      <div class="compare-wrap" ${styleProps({ display: learn ? 'none' : null })}>
        <tconv-upsampler-compare
          part="compare"
          exportparts="stage, readout, canvas, handle, zoom-controls, legend"
          .imageWidth=${out?.width ?? 0}
          .imageHeight=${out?.height ?? 0}
          .left=${layer('a')}
          .right=${layer('b')}
          .diff=${this.session.diff}
          .mode=${this.session.view}
          .leftLabel=${label('a')}
          .rightLabel=${label('b')}
          .gain=${this.session.gain}
          theme=${this.theme ?? nothing}
        >
          <div class="overlay" slot="overlay">${this.renderEmpty()} ${renderWorking(this.panel())}</div>
        </tconv-upsampler-compare>
      </div>
      <div class="panels" ${styleProps({ display: learn ? 'none' : null })}>
        ${renderSide(this.panel(), 'a')} ${renderSide(this.panel(), 'b')}
        ${
          kernelUsed
            ? html`<section class="kernel" part="kernel" aria-labelledby="kernel-title">
                <h3 id="kernel-title">
                  Your kernel
                  <small>· used by transposed conv and resize-conv · stride = factor = ${this.scale}</small>
                </h3>
                <tconv-upsampler-kernel
                  .kernel=${this.session.kernel}
                  .stride=${this.scale}
                  .tile=${this.session.flatTile()}
                  theme=${this.theme ?? nothing}
                  @tconv-kernel-change=${(e: CustomEvent<{ kernel: Kernel }>) => this.session.setKernel(e.detail.kernel)}
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
      <div class="visually-hidden" role="status" aria-live="polite">${this.session.status}</div>
      ${this._dragging ? html`<div class="drop-hint" part="drop-hint"><span>Drop the image to open it</span></div>` : nothing}
    </div>`;
  }
}
