/**
 * <tconv-overlap>: the checkerboard of a transposed convolution as a heat map.
 * A transposed convolution of an all-ones input with an all-ones kernel counts,
 * for every output pixel, how many kernel copies land on it. When the copies
 * (one stride apart) overlap unevenly, the counts alternate: that pattern is
 * the checkerboard artifact. Every count comes from the WASM core
 * (web/lib/explainer/model.ts, overlapViews); the element only lays them out.
 *
 *   <tconv-overlap kernel="3" stride="2"></tconv-overlap>
 *   <tconv-overlap kernel="3" stride="2" maps="transposed,balanced,resize"></tconv-overlap>
 *
 * Attributes (= properties, reflected):
 *   kernel     kernel size, "3" or "3x2" (1 … 7; default 3)
 *   stride     "2" or "2x1" (1 … 5; default 2)
 *   dilation   "1" or "2x1" (1 … 5; default 1)
 *   size       size of the all-ones input, "6" or "6x4" (1 … 10; default 6)
 *   maps       which maps, a comma list of: transposed (the kernel as given), balanced (the kernel rounded
 *              up to a multiple of the stride), resize (nearest up-sampling by the stride, then a stride-1
 *              convolution with the kernel). Default "transposed"; "all" = all three.
 *   theme      "light" | "dark": overrides prefers-color-scheme (also passed to the grids)
 *   loading    "lazy" (default): computed only when the element comes near the viewport; "eager": at once
 * Invalid or out-of-range text falls back to the default (or is capped) with a visible notice.
 * Read-only properties: overlap (the counts: { current, balanced, resize, maxCount } | null), notices.
 *
 * Events (CustomEvent, bubbles, composed):
 *   tconv-ready          detail {}                       the first map is drawn
 *   tconv-config-change  detail { params, min, max, even }   the figure changed; params as URL parameters
 *                        ("kernel=3&stride=2"), min / max the counts inside the border, even = min === max
 *   tconv-error          detail { message }             the WebAssembly core could not load
 *
 * Isolation: Shadow DOM, and `all: initial` at :host: the page's CSS does not reach inside, only the custom
 * properties below do. Maps shrink their cells to fit the element's width (320 px and up); several maps
 * share a row when there is room.
 *
 * CSS custom properties (light / dark defaults):
 *   --tconv-overlap-text     text                       (#1d2330 / #e6e9ef)
 *   --tconv-overlap-muted    notes                      (#566072 / #a0a8b8)
 *   --tconv-overlap-accent   the explanation's rule     (#5b3fd6 / #a897ff)
 *   --tconv-overlap-notice-bg, --tconv-overlap-notice   notices   (#fff6db, #5c4a00 / #2e2a1a, #f0d890)
 *   --tconv-overlap-font     font family                (system-ui)
 *   --tconv-overlap-cell-max largest cell size          (1.75rem)
 *   and the colour properties of <tconv-grid> (--tconv-text, --tconv-border, …).
 * Parts: maps, map, explanation, notices.
 */

import { css, html, LitElement, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';

import { type Dims, formatDims, LIMITS, parseDims, quote } from '../../lib/explainer/config.js';
import type { ExplainerModel, OverlapView } from '../../lib/explainer/model-types.js';
import { overlapViews } from '../../lib/explainer/model.js';
import { SANS, darkTheme, isolation } from '../shared/isolation.js';
import { CoreController } from '../shared/core-controller.js';
import type { Loading } from '../shared/visibility.js';
import { styleProps } from '../shared/style-props.js';
import '../tconv-grid/tconv-grid.js';

export type OverlapMap = 'transposed' | 'balanced' | 'resize';
export const OVERLAP_MAPS: OverlapMap[] = ['transposed', 'balanced', 'resize'];

export interface TconvOverlapChangeDetail {
  params: string;
  min: number;
  max: number;
  even: boolean;
}

type Overlap = ExplainerModel['overlap'];

interface Settings {
  kernel: Dims;
  stride: Dims;
  dilation: Dims;
  size: Dims;
}

const DEFAULTS: Settings = { kernel: [3, 3], stride: [2, 2], dilation: [1, 1], size: [6, 6] };
const RANGES: Record<keyof Settings, { min: number; max: number }> = {
  kernel: LIMITS.kernel,
  stride: LIMITS.stride,
  dilation: LIMITS.dilation,
  size: LIMITS.input,
};
const KEYS = Object.keys(DEFAULTS) as (keyof Settings)[];

/** Reads the four size attributes: the values to use and a notice for each one ignored or capped. */
function readSettings(text: Record<keyof Settings, string | null>): { settings: Settings; notices: string[] } {
  const settings = structuredClone(DEFAULTS);
  const notices: string[] = [];
  for (const key of KEYS) {
    const raw = text[key];
    if (raw === null) continue;
    const dims = parseDims(raw);
    if (!dims) {
      notices.push(
        `Ignored ${key}=${quote(raw)}: expected a number like 2 or a pair like 2x3. Using ${formatDims(settings[key])}.`,
      );
      continue;
    }
    const { min, max } = RANGES[key];
    const clamped = dims.map((v) => Math.min(max, Math.max(min, v))) as Dims;
    if (clamped[0] !== dims[0] || clamped[1] !== dims[1]) {
      notices.push(`${key} ${formatDims(dims)} is outside ${min} to ${max}; using ${formatDims(clamped)}.`);
    }
    settings[key] = clamped;
  }
  return { settings, notices };
}

function readMaps(text: string | null): { maps: OverlapMap[]; notice: string | null } {
  if (text === null || text.trim() === '') return { maps: ['transposed'], notice: null };
  if (text.trim() === 'all') return { maps: [...OVERLAP_MAPS], notice: null };
  const names = text.split(',').map((s) => s.trim());
  const maps = OVERLAP_MAPS.filter((m) => names.includes(m));
  const unknown = names.filter((n) => !(OVERLAP_MAPS as string[]).includes(n));
  const notice = unknown.length
    ? `Ignored maps ${unknown.map(quote).join(', ')}: expected transposed, balanced, resize or all.`
    : null;
  return { maps: maps.length ? maps : ['transposed'], notice };
}

/** Rows and columns [lo, hi] of a map that no border effect reaches, per dimension. */
type Interior = [[number, number], [number, number]];

/** Smallest and largest count inside the interior (the whole map when the interior is empty). */
function interiorRange(v: OverlapView, interior: Interior): { min: number; max: number; whole: boolean } {
  const { rows, cols, values } = v.counts;
  const [[r0, r1], [c0, c1]] = interior;
  if (r0 > r1 || c0 > c1 || r0 < 0 || c0 < 0 || r1 >= rows || c1 >= cols) {
    return { min: v.min, max: v.max, whole: true };
  }
  let min = Infinity;
  let max = -Infinity;
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const x = values[r * cols + c];
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  return { min, max, whole: false };
}

/**
 * A transposed convolution's output p gets a copy from every input i with p = i·s + j·d (0 ≤ j < k): away
 * from the border, every such i exists, for p in [d·(k − 1), (n − 1)·s]. Resize-convolution (stride 1,
 * padding ⌊d·(k − 1)/2⌋ on the n·s up-sampled input) is border-free for p in [pad, n·s − 1 − d·(k − 1) + pad].
 */
function interiorOf(map: OverlapMap, v: OverlapView, s: Settings): Interior {
  const dim = (a: 0 | 1): [number, number] => {
    const d = s.dilation[a];
    const n = s.size[a];
    const st = s.stride[a];
    if (map === 'resize') {
      const k = s.kernel[a];
      const pad = Math.floor((d * (k - 1)) / 2);
      return [pad, n * st - 1 - d * (k - 1) + pad];
    }
    const k = v.kernel[a];
    return [d * (k - 1), (n - 1) * st];
  };
  return [dim(0), dim(1)];
}

const dimsText = (d: Dims) => (d[0] === d[1] ? String(d[0]) : `${d[0]}×${d[1]}`);
const times = (n: number) => `${n}×`;

const dark = css`
  --_text: var(--tconv-overlap-text, #e6e9ef);
  --_muted: var(--tconv-overlap-muted, #a0a8b8);
  --_accent: var(--tconv-overlap-accent, #a897ff);
  --_notice-bg: var(--tconv-overlap-notice-bg, #2e2a1a);
  --_notice: var(--tconv-overlap-notice, #f0d890);
  color-scheme: dark;
`;

export class TconvOverlap extends LitElement {
  static override properties: PropertyDeclarations = {
    kernel: { type: String, reflect: true },
    stride: { type: String, reflect: true },
    dilation: { type: String, reflect: true },
    size: { type: String, reflect: true },
    maps: { type: String, reflect: true },
    theme: { type: String, reflect: true },
    loading: { type: String, reflect: true },
  };

  static override styles = [
    isolation('1rem', '1.5'),
    css`
      :host {
        --_text: var(--tconv-overlap-text, #1d2330);
        --_muted: var(--tconv-overlap-muted, #566072);
        --_accent: var(--tconv-overlap-accent, #5b3fd6);
        --_notice-bg: var(--tconv-overlap-notice-bg, #fff6db);
        --_notice: var(--tconv-overlap-notice, #5c4a00);
        --_font: var(--tconv-overlap-font, ${SANS});
        --_cell-max: var(--tconv-overlap-cell-max, 1.75rem);
        color-scheme: light;
        display: block;
        min-width: 0;
      }
      ${darkTheme(dark)}
      *,
      *::before,
      *::after {
        box-sizing: border-box;
      }
      .maps {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 14px 20px;
        margin: 0;
      }
      /* Several maps: as many columns of at least 250 px as fit (one in a narrow column). */
      .maps.multi {
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 250px), 1fr));
      }
      /* Each map is a size container: its cells shrink to fit its width. */
      .map {
        container-type: inline-size;
        display: flex;
        flex-direction: column;
        align-items: flex-start;
        min-width: 0;
        margin: 0;
      }
      /*
       * Cells shrink so that the widest map (--n columns) fits its column; every map uses the same cell
       * size. The grid adds 6 px of room on each side; 4 px spare absorb rounding.
       */
      tconv-grid {
        max-width: 100%;
        --tconv-cell-gap: 2px;
        --tconv-cell-size: clamp(9px, calc((100cqw - 16px - (var(--n) - 1) * 2px) / var(--n)), var(--_cell-max));
        --tconv-font-size: clamp(7px, calc((100cqw - 16px) / var(--n) * 0.42), 0.75rem);
      }
      .note {
        margin: 0 6px;
        color: var(--_muted);
        font-size: 0.8125rem;
        font-variant-numeric: tabular-nums;
      }
      .explanation {
        margin: 10px 0 0;
        padding: 2px 0 2px 12px;
        border-left: 3px solid var(--_accent);
        max-width: 72ch;
        font-size: 0.9375rem;
      }
      .notices {
        margin: 0 0 12px;
        padding: 8px 12px 8px 28px;
        border-radius: 8px;
        background: var(--_notice-bg);
        color: var(--_notice);
        font-size: 0.875rem;
      }
      .status {
        margin: 0;
        padding: 24px 0;
        color: var(--_muted);
      }
      .status.error {
        color: #b3261e;
      }
    `,
  ];

  declare kernel: string | null;
  declare stride: string | null;
  declare dilation: string | null;
  declare size: string | null;
  declare maps: string | null;
  declare theme: 'light' | 'dark' | undefined;
  declare loading: Loading;

  private readonly _core = new CoreController(this, {
    // Attributes changed while off-screen are applied when it comes back.
    onVisibility: (visible) => {
      if (visible && this._dirty && this._core.tc) this.requestUpdate();
    },
    onError: (message) => this._events.push(['tconv-error', { message }]),
  });
  private _overlap: Overlap | null = null;
  private _settings: Settings = DEFAULTS;
  private _shown: OverlapMap[] = ['transposed'];
  private _notices: string[] = [];
  private _error = '';
  private _dirty = true;
  private _readyFired = false;
  private _lastParams = '';
  private _events: [string, object][] = [];

  constructor() {
    super();
    this.kernel = null;
    this.stride = null;
    this.dilation = null;
    this.size = null;
    this.maps = null;
    this.theme = undefined;
    this.loading = 'lazy';
  }

  /** The counts on screen: { current, balanced, resize, maxCount }, or null before the first draw. */
  get overlap(): Overlap | null {
    return this._overlap;
  }

  get notices(): string[] {
    return [...this._notices];
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (KEYS.some((k) => changed.has(k)) || changed.has('maps')) this._dirty = true;
    // Computed first when visible (or eager); after that, whenever an attribute changes (a few µs).
    const started = this._overlap !== null || this._core.visible || this.loading === 'eager';
    const tc = this._core.tc;
    if (!tc || !this._dirty || !started) return;
    this._dirty = false;
    const { settings, notices } = readSettings({
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
    const range = interiorRange(this._overlap.current, interiorOf('transposed', this._overlap.current, settings));
    const params = new URLSearchParams();
    for (const key of KEYS) {
      if (key === 'kernel' || key === 'stride' || formatDims(settings[key]) !== formatDims(DEFAULTS[key])) {
        params.set(key, formatDims(settings[key]));
      }
    }
    const text = params.toString();
    if (text !== this._lastParams) {
      this._lastParams = text;
      this._events.push([
        'tconv-config-change',
        {
          params: text,
          min: range.min,
          max: range.max,
          even: range.min === range.max,
        } satisfies TconvOverlapChangeDetail,
      ]);
    }
  }

  protected override updated(): void {
    if (!this._readyFired && this._overlap) {
      this._readyFired = true;
      this._events.push(['tconv-ready', {}]);
    }
    for (const [type, detail] of this._events.splice(0)) {
      this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
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
        ${styleProps({ '--n': Math.max(...shown.map((m) => this._view(m, o).counts.cols)) })}
      >
        ${shown.map((m) => this._renderMap(m, o, s))}
      </div>
      <p class="explanation" part="explanation">${this._explain(o, s)}</p>
    </div>`;
  }

  private _view(map: OverlapMap, o: Overlap): OverlapView {
    return map === 'transposed' ? o.current : map === 'balanced' ? o.balanced : o.resize;
  }

  private _renderMap(map: OverlapMap, o: Overlap, s: Settings) {
    const v = this._view(map, o);
    const r = interiorRange(v, interiorOf(map, v, s));
    const k = dimsText(v.kernel);
    const st = dimsText(s.stride);
    const label =
      map === 'transposed'
        ? `Kernel ${k}, stride ${st}`
        : map === 'balanced'
          ? `Kernel ${k}, stride ${st}`
          : `Resize ×${st}, then kernel ${dimsText(s.kernel)}`;
    const where = r.whole ? '' : ' inside';
    const range =
      r.min === r.max ? `covered ${times(r.max)} everywhere${where}` : `covered ${r.min} to ${r.max} times${where}`;
    const note =
      map === 'balanced'
        ? `kernel rounded up to a multiple of ${st}; ${range}`
        : map === 'resize'
          ? `nearest up-sampling, then stride 1; ${range}`
          : range;
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

  /** One line: what the first map shows and why. */
  private _explain(o: Overlap, s: Settings): string {
    const v = o.current;
    const r = interiorRange(v, interiorOf('transposed', v, s));
    const k = dimsText(s.kernel);
    const st = dimsText(s.stride);
    const d = s.dilation[0] > 1 || s.dilation[1] > 1 ? `, dilation ${dimsText(s.dilation)}` : '';
    if (r.whole) {
      return `Kernel ${k}, stride ${st}${d}: a ${dimsText(s.size)} input is too small to have an inside free of border effects; counts run from ${r.min} to ${r.max}.`;
    }
    if (r.min === r.max) {
      return `Kernel ${k}, stride ${st}${d}: inside, every output gets ${r.max} kernel copies — even coverage, no checkerboard (only the border is lighter).`;
    }
    const divides = s.kernel[0] % s.stride[0] === 0 && s.kernel[1] % s.stride[1] === 0;
    const why = divides ? 'the dilated copies, a stride apart, overlap unevenly' : `${k} is not a multiple of ${st}`;
    const fix = this._shown.length > 1 ? ' The other maps even it out.' : '';
    return `Kernel ${k}, stride ${st}${d}: outputs get ${r.min} to ${r.max} kernel copies because ${why} — that alternation is the checkerboard.${fix}`;
  }
}

if (!customElements.get('tconv-overlap')) customElements.define('tconv-overlap', TconvOverlap);

declare global {
  interface HTMLElementTagNameMap {
    'tconv-overlap': TconvOverlap;
  }
}
