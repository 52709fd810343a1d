// <tconv-export>: the "Export" control of the explainer and the overlap map,
// for platforms that strip scripts and iframes (Medium, Substack, …): an
// animated GIF of a chapter or of the whole walk-through, a video where the
// browser has WebCodecs, and a still of the frame on screen as PNG or SVG.
// The figure hands it an ExportSource (sources.ts); the frames are laid out
// here (frames.ts) and encoded in a worker (client.ts, export.worker.ts), with
// progress, cancel, the file named after the configuration and its size.

import { html, nothing, type PropertyDeclarations } from 'lit';

import { type ExportScope, formatBytes } from '../../lib/export/filename.js';
import { TconvElement } from '../shared/tconv-element.js';
import { type ExportKind, type ExportResult, type ExportSource, runExport, videoSupport } from './client.js';
import { styles } from './tconv-export.styles.js';

/** Output widths offered; the default is the first blog column size that stays sharp on most screens. */
export const WIDTHS = [360, 480, 720, 1080, 1440];
export const DEFAULT_WIDTH = 720;

const NAMES: Record<ExportKind, string> = { gif: 'GIF', video: 'video', png: 'PNG', svg: 'SVG' };

export interface TconvExportEvents {
  /** A file was made (and downloaded): its name, size in bytes and how long it took. */
  'tconv-export-done': { name: string; bytes: number; ms: number };
}

type Status =
  | { kind: 'idle'; note?: string }
  | { kind: 'running'; what: ExportKind; done: number; total: number }
  | { kind: 'done'; result: ExportResult; url: string }
  | { kind: 'error'; message: string };

export class TconvExport extends TconvElement<TconvExportEvents> {
  static override properties: PropertyDeclarations = {
    source: { attribute: false },
    background: { type: String },
    open: { type: Boolean, reflect: true },
  };

  static override styles = [TconvElement.styles, styles];

  /** The figure to export. */
  declare source: ExportSource | null;
  /** The private theme property the figure paints behind its grids: '--_surface' (explainer), '--_bg' (overlap). */
  declare background: string;
  /** Whether the panel is open. */
  declare open: boolean;

  private _scope: 'chapter' | 'all' = 'chapter';
  private _width = DEFAULT_WIDTH;
  private _status: Status = { kind: 'idle' };
  private _abort: AbortController | null = null;
  /** null: not asked yet; '' : video works; text: why not. */
  private _videoReason: string | null = null;
  private _videoCodec = '';
  private _last: ExportResult | null = null;

  constructor() {
    super();
    this.source = null;
    this.background = '--_surface';
    this.open = false;
  }

  /** The last file made: name, Blob, size, pixel size, frame count, time taken, and where each frame's cells are. */
  get lastResult(): ExportResult | null {
    return this._last;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._abort?.abort();
    if (this._status.kind === 'done') URL.revokeObjectURL(this._status.url);
  }

  private _toggle(): void {
    this.open = !this.open;
    if (this.open && this._videoReason === null) {
      this._videoReason = '…';
      videoSupport(this._width).then(
        (s) => {
          this._videoReason = s.codec ? '' : s.reason;
          this._videoCodec = s.codec === 'avc' ? 'MP4' : 'WebM';
          this.requestUpdate();
        },
        (e: unknown) => {
          this._videoReason = `Video could not be checked: ${e instanceof Error ? e.message : String(e)}`;
          this.requestUpdate();
        },
      );
    }
  }

  /** Escape closes the panel (cancelling a running export) and gives the focus back to the Export button. */
  private _onKey = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    e.stopPropagation();
    this._cancel();
    this.open = false;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('#toggle')?.focus());
  };

  private _scopeFor(kind: ExportKind): ExportScope {
    const ch = this.source?.chapters();
    if (kind === 'png' || kind === 'svg') {
      const host = this.source?.host as (HTMLElement & { chapter?: number; frame?: number }) | undefined;
      return { kind: 'still', chapter: ch ? ch.current : 1, frame: ch ? (host?.frame ?? 0) : 0 };
    }
    return this._scope === 'all' && ch ? { kind: 'all' } : { kind: 'chapter', chapter: ch ? ch.current : 1 };
  }

  private async _run(kind: ExportKind): Promise<void> {
    const source = this.source;
    if (!source || this._status.kind === 'running') return;
    if (this._status.kind === 'done') URL.revokeObjectURL(this._status.url);
    const abort = (this._abort = new AbortController());
    this._status = { kind: 'running', what: kind, done: 0, total: 0 };
    this.requestUpdate();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('#cancel')?.focus();
    try {
      const result = await runExport({
        source,
        kind,
        scope: this._scopeFor(kind),
        width: this._width,
        background: this.background,
        signal: abort.signal,
        onProgress: (done, total) => {
          if (this._abort !== abort) return;
          this._status = { kind: 'running', what: kind, done, total };
          this.requestUpdate();
        },
      });
      if (abort.signal.aborted) return;
      const url = URL.createObjectURL(result.blob);
      this._last = result;
      this._status = { kind: 'done', result, url };
      this._download(url, result.name);
      this.emit('tconv-export-done', { name: result.name, bytes: result.bytes, ms: result.ms });
    } catch (e) {
      if (abort.signal.aborted) return;
      this._status = { kind: 'error', message: e instanceof Error ? e.message : String(e) };
    } finally {
      if (this._abort === abort) this._abort = null;
      this.requestUpdate();
    }
  }

  private _cancel(): void {
    if (!this._abort) return;
    const what = this._status.kind === 'running' ? NAMES[this._status.what] : 'export';
    this._abort.abort();
    this._abort = null;
    this._status = { kind: 'idle', note: `The ${what} export was cancelled; no file was made.` };
    this.requestUpdate();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('#gif')?.focus());
  }

  private _download(url: string, name: string): void {
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.hidden = true;
    this.renderRoot.appendChild(a);
    a.click();
    a.remove();
  }

  protected override render() {
    const ch = this.source?.chapters() ?? null;
    const busy = this._status.kind === 'running';
    return html`<div class="bar">
        <button
          type="button"
          class="toggle"
          id="toggle"
          aria-expanded=${this.open ? 'true' : 'false'}
          aria-controls="export-panel"
          @click=${() => this._toggle()}
        >
          Export…
        </button>
      </div>
      ${
        this.open
          ? html`<div
              class="panel"
              id="export-panel"
              role="group"
              aria-labelledby="export-title"
              @keydown=${this._onKey}
            >
              <h3 id="export-title">Export for posts without scripts</h3>
              <p class="hint">
                An image or video of the figure, drawn from the frames on screen; nothing leaves your browser.
              </p>
              ${
                ch
                  ? html`<fieldset ?disabled=${busy}>
                      <legend>Animation</legend>
                      <label class="choice"
                        ><input
                          type="radio"
                          name="scope"
                          value="chapter"
                          .checked=${this._scope === 'chapter'}
                          @change=${() => (this._scope = 'chapter')}
                        />This chapter (${ch.current}: ${ch.title(ch.current)})</label
                      >
                      <label class="choice"
                        ><input
                          type="radio"
                          name="scope"
                          value="all"
                          .checked=${this._scope === 'all'}
                          @change=${() => (this._scope = 'all')}
                        />The whole walk-through (${ch.count} chapters)</label
                      >
                    </fieldset>`
                  : nothing
              }
              <label class="width"
                >Width
                <select
                  id="width"
                  ?disabled=${busy}
                  @change=${(e: Event) => (this._width = Number((e.target as HTMLSelectElement).value))}
                >
                  ${WIDTHS.map((w) => html`<option value=${w} ?selected=${w === this._width}>${w} px</option>`)}
                </select></label
              >
              <div class="actions">
                <button type="button" class="primary" id="gif" ?disabled=${busy} @click=${() => this._run('gif')}>
                  Animated GIF
                </button>
                ${
                  this._videoReason === ''
                    ? html`<button type="button" id="video" ?disabled=${busy} @click=${() => this._run('video')}>
                        Video (${this._videoCodec})
                      </button>`
                    : nothing
                }
                <button type="button" id="png" ?disabled=${busy} @click=${() => this._run('png')}>Still as PNG</button>
                <button type="button" id="svg" ?disabled=${busy} @click=${() => this._run('svg')}>Still as SVG</button>
                ${
                  this._videoReason && this._videoReason !== '…'
                    ? html`<p class="reason" id="video-reason">No video here: ${this._videoReason}</p>`
                    : nothing
                }
              </div>
              <div class="status" role="status" aria-live="polite">${this._renderStatus()}</div>
            </div>`
          : nothing
      }`;
  }

  private _renderStatus() {
    const s = this._status;
    if (s.kind === 'idle') return s.note ? html`<p>${s.note}</p>` : nothing;
    if (s.kind === 'error') return html`<p class="error" role="alert">The export failed: ${s.message}</p>`;
    if (s.kind === 'running') {
      const label = s.total ? `Frame ${s.done} of ${s.total}` : 'Preparing…';
      return html`<div class="progress">
        <span>${NAMES[s.what]}: ${label}</span>
        <progress
          id="progress"
          max=${s.total || 1}
          .value=${s.done}
          aria-label=${`${NAMES[s.what]} export progress`}
        ></progress>
        <button type="button" id="cancel" @click=${() => this._cancel()}>Cancel</button>
      </div>`;
    }
    const r = s.result;
    const frames = r.frames > 1 && !/\.(png|svg)$/.test(r.name) ? `, ${r.frames} frames` : '';
    return html`<p class="done" id="done">
      Saved <a href=${s.url} download=${r.name}>${r.name}</a>: ${formatBytes(r.bytes)}, ${r.width}×${r.height}
      px${frames}, in ${(r.ms / 1000).toFixed(1)} s.
    </p>`;
  }
}

if (!customElements.get('tconv-export')) customElements.define('tconv-export', TconvExport);

declare global {
  interface HTMLElementTagNameMap {
    'tconv-export': TconvExport;
  }
}
