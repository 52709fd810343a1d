// <tconv-overlap>'s class (tconv-overlap.ts defines the element): the
// checkerboard as a heat map. Its API is the JSDoc on the class and its fields
// below, which `npm run docs` turns into the README's tables.

import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';

import { formatDims } from '../../lib/explainer/config.js';
import { overlapViews } from '../../lib/explainer/model.js';
import { coverage, mapCaption, mapTitle, overlapExplanation, viewOf } from '../../lib/explainer/overlap-text.js';
import {
  type Overlap,
  OVERLAP_DEFAULTS,
  OVERLAP_KEYS,
  type OverlapMap,
  type OverlapSettings,
  readMaps,
  readOverlapSettings,
} from '../../lib/explainer/overlap-settings.js';
import { overlapExportSource } from '../export/hook.js';
import { CoreController } from '../shared/core-controller.js';
import { styleProps } from '../shared/style-props.js';
import { TconvElement } from '../shared/tconv-element.js';
import { legacyThemeStyles } from '../shared/theme.styles.js';
import type { Loading } from '../shared/visibility.js';
import '../tconv-grid/tconv-grid.js';
import { styles } from './tconv-overlap.styles.js';

export { OVERLAP_MAPS, type OverlapMap } from '../../lib/explainer/overlap-settings.js';

export interface TconvOverlapChangeDetail {
  params: string;
  min: number;
  max: number;
  even: boolean;
}

export interface TconvOverlapEvents {
  /** The first map is drawn. */
  'tconv-ready': Record<string, never>;
  /**
   * The figure changed: params as URL parameters ("kernel=3&stride=2"), min and max the counts inside the
   * border, even = min === max.
   */
  'tconv-config-change': TconvOverlapChangeDetail;
  /** The WebAssembly core could not load. */
  'tconv-error': { message: string };
}

/**
 * A transposed convolution of an all-ones input with an all-ones kernel counts, for every output pixel, how many
 * kernel copies land on it. When the copies (one stride apart) overlap unevenly, the counts alternate: that
 * pattern is the checkerboard artifact. Every count comes from the WASM core (web/lib/explainer/model.ts,
 * overlapViews); the element only lays them out, with a one-line explanation. Invalid or out-of-range text
 * falls back to the default (or is capped) with a visible notice. Maps shrink their cells to fit the element's
 * width (320 px and up); several maps share a row when there is room.
 *
 *   <tconv-overlap kernel="3" stride="2" maps="transposed,balanced,resize"></tconv-overlap>
 *
 * Custom properties are read on the element or any ancestor (light and dark defaults: web/components/shared/
 * theme-tokens.ts), and so are the grids' (see tconv-grid). The older names --tconv-overlap-text, -muted,
 * -accent, -notice-bg, -notice and -font win on this element.
 *
 * @summary The checkerboard: how many kernel copies land on each output of a transposed convolution.
 * @cssprop --tconv-font - font family of text and numbers
 * @cssprop --tconv-text - text
 * @cssprop --tconv-muted - secondary text, captions
 * @cssprop --tconv-accent - the explanation's rule
 * @cssprop --tconv-alert - error text
 * @cssprop --tconv-notice - notice text (ignored parameters)
 * @cssprop --tconv-notice-bg - notice background
 * @cssprop [--tconv-overlap-cell-max=1.75rem] - largest cell size
 * @csspart maps - the row of maps
 * @csspart map - one map with its caption
 * @csspart explanation - the sentence under the maps
 * @csspart notices - the notices about ignored parameters
 */
export class TconvOverlap extends TconvElement<TconvOverlapEvents> {
  static override properties: PropertyDeclarations = {
    kernel: { type: String, reflect: true },
    stride: { type: String, reflect: true },
    dilation: { type: String, reflect: true },
    size: { type: String, reflect: true },
    maps: { type: String, reflect: true },
    loading: { type: String, reflect: true },
  };

  static override styles = [TconvElement.styles, legacyThemeStyles('overlap'), styles];

  /** Kernel size, "3" or "3x2" for height × width (1 … 7). @default '3' */
  declare kernel: string | null;
  /** Stride, "2" or "2x1" (1 … 5). @default '2' */
  declare stride: string | null;
  /** Dilation, "1" or "2x1" (1 … 5). @default '1' */
  declare dilation: string | null;
  /** Size of the all-ones input, "6" or "6x4" (1 … 10). @default '6' */
  declare size: string | null;
  /**
   * Which maps, a comma list: transposed (the kernel as given), balanced (the kernel rounded up to a multiple of
   * the stride), resize (nearest up-sampling by the stride, then a stride-1 convolution); "all" = all three.
   * @default 'transposed'
   */
  declare maps: string | null;
  /** "lazy": computed only when the element comes near the viewport; "eager": at once. */
  declare loading: Loading;

  private readonly _core = new CoreController(this, {
    // Attributes changed while off-screen are applied when it comes back.
    onVisibility: (visible) => {
      if (visible && this._dirty && this._core.tc) this.requestUpdate();
    },
    onError: (message) => this.emitAfterUpdate('tconv-error', { message }),
  });
  private _overlap: Overlap | null = null;
  private _settings: OverlapSettings = OVERLAP_DEFAULTS;
  private _shown: OverlapMap[] = ['transposed'];
  private _notices: string[] = [];
  private _error = '';
  private _dirty = true;
  private _readyFired = false;
  private _lastParams = '';
  /** GIF, video, PNG and SVG of the maps on screen (web/components/export). */
  private readonly _export = overlapExportSource(this, () =>
    this._overlap ? { overlap: this._overlap, settings: this._settings, shown: this._shown } : null,
  );

  constructor() {
    super();
    this.kernel = null;
    this.stride = null;
    this.dilation = null;
    this.size = null;
    this.maps = null;
    this.loading = 'lazy';
  }

  /** The counts on screen: { current, balanced, resize, maxCount }, or null before the first draw. */
  get overlap(): Overlap | null {
    return this._overlap;
  }

  /** The notices shown about ignored or capped parameters. */
  get notices(): string[] {
    return [...this._notices];
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (OVERLAP_KEYS.some((k) => changed.has(k)) || changed.has('maps')) this._dirty = true;
    // Computed first when visible (or eager); after that, whenever an attribute changes (a few µs).
    const started = this._overlap !== null || this._core.visible || this.loading === 'eager';
    const tc = this._core.tc;
    if (!tc || !this._dirty || !started) return;
    this._dirty = false;
    const { settings, notices } = readOverlapSettings({
      kernel: this.kernel,
      stride: this.stride,
      dilation: this.dilation,
      size: this.size,
    });
    const maps = readMaps(this.maps);
    if (maps.notice) notices.push(maps.notice);
    this._notices = notices;
    this._shown = maps.maps;
    try {
      this._overlap = overlapViews(tc, settings.kernel, settings.stride, settings.dilation, settings.size);
      this._settings = settings;
      this._error = '';
    } catch (e) {
      this._error = e instanceof Error ? e.message : String(e);
      return;
    }
    const range = coverage('transposed', this._overlap.current, settings);
    const params = new URLSearchParams();
    for (const key of OVERLAP_KEYS) {
      if (key === 'kernel' || key === 'stride' || formatDims(settings[key]) !== formatDims(OVERLAP_DEFAULTS[key])) {
        params.set(key, formatDims(settings[key]));
      }
    }
    const text = params.toString();
    if (text !== this._lastParams) {
      this._lastParams = text;
      this.emitAfterUpdate('tconv-config-change', {
        params: text,
        min: range.min,
        max: range.max,
        even: range.min === range.max,
      });
    }
  }

  protected override updated(): void {
    if (!this._readyFired && this._overlap) {
      this._readyFired = true;
      this.emit('tconv-ready', {});
    }
  }

  protected override render() {
    if (this._core.error) {
      return html`<p class="status error" role="alert">
        Could not load the WebAssembly core, so there is nothing to compute with: ${this._core.error}
      </p>`;
    }
    const o = this._overlap;
    if (!o) {
      return html`<p class="status" role="status">
        ${this._error || 'The overlap map is computed when it comes into view.'}
      </p>`;
    }
    const s = this._settings;
    const shown = this._shown;
    return html`<div class="frame">
      ${
        this._notices.length
          ? html`<ul class="notices" part="notices" role="status">
              ${this._notices.map((n) => html`<li>${n}</li>`)}
            </ul>`
          : nothing
      }
      <div
        class="maps ${shown.length > 1 ? 'multi' : ''}"
        part="maps"
        ${styleProps({ '--n': Math.max(...shown.map((m) => viewOf(o, m).counts.cols)) })}
      >
        ${shown.map((m) => this._renderMap(m, o, s))}
      </div>
      <p class="explanation" part="explanation">${overlapExplanation(o, s, shown)}</p>
      <tconv-export
        class="export"
        background="--_bg"
        theme=${this.theme ?? 'auto'}
        .source=${this._export}
      ></tconv-export>
    </div>`;
  }

  private _renderMap(map: OverlapMap, o: Overlap, s: OverlapSettings) {
    // Title, caption and explanation come from web/lib/explainer/overlap-text.ts, which chapter 8 of the explainer shares.
    const v = viewOf(o, map);
    const label = mapTitle(map, v, s);
    const note = mapCaption(map, v, s);
    const { rows, cols } = v.counts;
    return html`<figure class="map" part="map" data-map=${map}>
      <tconv-grid
        grid-id=${map}
        density=${cols > 24 || rows > 24 ? 'compact' : 'normal'}
        theme=${ifDefined(this.theme || undefined)}
        .label=${label}
        .rows=${rows}
        .cols=${cols}
        .values=${v.counts.values}
        .scale=${v.max}
        .cellText=${(i: number) => `covered ${v.counts.values[i]} times`}
      ></tconv-grid>
      <figcaption class="note">${note}</figcaption>
    </figure>`;
  }
}
