/**
 * <tconv-upsampler-compare>: two images side by side with a draggable split,
 * or one difference image; synchronised zoom and pan; a pixel readout.
 * Part of <tconv-upsampler>, which computes the images; this element only
 * draws them (ImageBitmaps on one canvas the size of the stage, so zooming
 * and panning cost the same at any image size).
 *
 * Properties:
 *   imageWidth, imageHeight  the size every layer is drawn at (the results' size)
 *   left, right, diff        Layer | null: { bitmap, width, height, pixels } (pixels: RGBA, for the readout)
 *   mode                     'split' | 'difference'
 *   leftLabel, rightLabel    names over the two halves
 *   gain                     the difference's gain (for the legend)
 * Methods: fit(), zoomTo(scale), view (getter), split (0–1, get/set).
 * Slot "overlay": content over the stage (empty state, progress).
 * Events: tconv-view { scale } when the zoom changes.
 *
 * Pointer: drag pans, wheel zooms at the pointer, two fingers pinch, double
 * click zooms in. Keyboard on the stage: arrows pan, + / − zoom, 0 fits,
 * 1 is 100 %. The split handle is a slider: arrows, Page Up/Down, Home/End.
 */

import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';

import {
  clampView,
  fitView,
  formatZoom,
  nextZoom,
  panBy,
  pixelAt,
  zoomAt,
  zoomTo,
  type View,
} from './shared/viewport.js';
import { styleProps } from '../components/shared/style-props.js';
import { TconvElement } from '../components/shared/tconv-element.js';
import { checkerPattern, drawScene, type Layer } from './compare-draw.js';
import { compareStyles } from './compare-view.styles.js';

export type { Layer };
import { icons } from './icons.js';

export interface Readout {
  x: number;
  y: number;
  left: number[] | null;
  right: number[] | null;
  diff: number[] | null;
}

function rgba(layer: Layer | null, x: number, y: number, w: number, h: number): number[] | null {
  if (!layer || layer.width !== w || layer.height !== h) return null;
  const i = 4 * (y * w + x);
  return [layer.pixels[i], layer.pixels[i + 1], layer.pixels[i + 2], layer.pixels[i + 3]];
}

export interface TconvUpsamplerCompareEvents {
  /** The zoom changed: CSS pixels per image pixel. */
  'tconv-view': { scale: number };
}

export class TconvUpsamplerCompare extends TconvElement<TconvUpsamplerCompareEvents> {
  static override properties: PropertyDeclarations = {
    imageWidth: { type: Number, attribute: false },
    imageHeight: { type: Number, attribute: false },
    left: { attribute: false },
    right: { attribute: false },
    diff: { attribute: false },
    mode: { type: String },
    leftLabel: { attribute: false },
    rightLabel: { attribute: false },
    gain: { type: Number },
    _view: { state: true },
    _split: { state: true },
    _readout: { state: true },
    _stage: { state: true },
  };

  // Not TconvElement.styles: inside <tconv-upsampler>, it inherits the upsampler's font (innerTheme).
  static override styles = compareStyles;

  declare imageWidth: number;
  declare imageHeight: number;
  declare left: Layer | null;
  declare right: Layer | null;
  declare diff: Layer | null;
  declare mode: 'split' | 'difference';
  declare leftLabel: unknown;
  declare rightLabel: unknown;
  declare gain: number;
  declare _view: View;
  declare _split: number;
  declare _readout: Readout | null;
  declare _stage: { width: number; height: number };

  /** True until the user zooms or pans: the view then follows the stage size. */
  private fitted = true;
  private canvas: HTMLCanvasElement | null = null;
  private stageEl: HTMLElement | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private frame = 0;
  private pointers = new Map<number, { x: number; y: number }>();
  private pinch: { distance: number; x: number; y: number } | null = null;
  private draggingSplit = false;
  private hover: { x: number; y: number } | null = null;
  /** Keyboard mode: the readout follows the stage centre. */
  private keyboardProbe = false;
  private checker: CanvasPattern | null = null;
  private checkerKey = '';

  constructor() {
    super();
    this.imageWidth = 0;
    this.imageHeight = 0;
    this.left = null;
    this.right = null;
    this.diff = null;
    this.mode = 'split';
    this.leftLabel = '';
    this.rightLabel = '';
    this.gain = 8;
    this._view = { scale: 1, x: 0, y: 0 };
    this._split = 0.5;
    this._readout = null;
    this._stage = { width: 0, height: 0 };
  }

  /** The current zoom and pan (CSS pixels per image pixel, offset). */
  get view(): View {
    return { ...this._view };
  }

  get split(): number {
    return this._split;
  }
  set split(v: number) {
    this._split = Math.min(1, Math.max(0, v));
  }

  private get image() {
    return { width: Math.max(1, this.imageWidth), height: Math.max(1, this.imageHeight) };
  }

  fit(): void {
    this.fitted = true;
    this.setView(fitView(this.image, this._stage, 12));
  }

  zoomTo(scale: number): void {
    this.fitted = false;
    this.setView(zoomTo(this._view, scale, this.image, this._stage));
  }

  private setView(v: View): void {
    const old = this._view.scale;
    this._view = v;
    if (v.scale !== old) {
      this.emit('tconv-view', { scale: v.scale });
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.stageEl) this.observe();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  protected override firstUpdated(): void {
    this.canvas = this.renderRoot.querySelector('canvas');
    this.stageEl = this.renderRoot.querySelector('.stage');
    this.observe();
  }

  private observe(): void {
    this.resizeObserver = new ResizeObserver(() => this.measure());
    // The observer also reports the first size, after this update.
    this.resizeObserver.observe(this.stageEl!);
  }

  private measure(): void {
    const r = this.stageEl!.getBoundingClientRect();
    if (r.width === this._stage.width && r.height === this._stage.height) return;
    this._stage = { width: r.width, height: r.height };
    if (this.fitted) this.fit();
    else this.setView(clampView(this._view, this.image, this._stage));
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('imageWidth') || changed.has('imageHeight')) {
      const oldW = changed.get('imageWidth') as number | undefined;
      const oldH = changed.get('imageHeight') as number | undefined;
      if (this.fitted || !oldW || !oldH) {
        this.fitted = true;
        this._view = fitView(this.image, this._stage, 12);
      } else {
        // The same picture at another factor: keep the region in view.
        const k = oldW / this.image.width;
        const v = { scale: this._view.scale * k, x: this._view.x, y: this._view.y };
        this._view = clampView(v, this.image, this._stage);
      }
    }
  }

  protected override updated(): void {
    this.updateReadout();
    this.scheduleDraw();
  }

  private scheduleDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const canvas = this.canvas;
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    const style = getComputedStyle(this);
    const checker = {
      color: style.getPropertyValue('--_checker').trim() || '#ccc',
      base: style.getPropertyValue('--_surface').trim() || '#fff',
    };
    const pixelated = drawScene(canvas, {
      dpr,
      stage: this._stage,
      view: this._view,
      imageWidth: this.imageWidth,
      imageHeight: this.imageHeight,
      layers: this.mode === 'difference' ? [this.diff] : [this.left, this.right],
      split: this._split,
      probe: this.probe(),
      checker: (g) => {
        const key = `${checker.color}|${checker.base}|${dpr}`;
        if (!this.checker || this.checkerKey !== key) {
          this.checker = checkerPattern(g, checker.color, checker.base, dpr);
          this.checkerKey = key;
        }
        return this.checker;
      },
    });
    if (pixelated !== null) canvas.classList.toggle('pixelated', pixelated);
  }

  // ---- readout ----

  private probe(): { x: number; y: number } | null {
    if (!this.imageWidth) return null;
    const at = this.keyboardProbe ? { x: this._stage.width / 2, y: this._stage.height / 2 } : this.hover;
    if (!at) return null;
    return pixelAt(this._view, at.x, at.y, this.image);
  }

  private updateReadout(): void {
    const p = this.probe();
    const W = this.imageWidth;
    const H = this.imageHeight;
    const next: Readout | null = p
      ? {
          x: p.x,
          y: p.y,
          left: rgba(this.left, p.x, p.y, W, H),
          right: rgba(this.right, p.x, p.y, W, H),
          diff: this.mode === 'difference' ? rgba(this.diff, p.x, p.y, W, H) : null,
        }
      : null;
    const same = JSON.stringify(next) === JSON.stringify(this._readout);
    if (!same) this._readout = next;
  }

  // ---- pointer and keyboard ----

  private local(e: { clientX: number; clientY: number }) {
    const r = this.stageEl!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0 && e.pointerType === 'mouse') return;
    const target = e.target as HTMLElement;
    if (target.closest('.zoom, .legend')) return;
    this.keyboardProbe = false;
    this.stageEl!.setPointerCapture(e.pointerId);
    if (target.closest('.handle') && this.pointers.size === 0) {
      this.draggingSplit = true;
      (this.renderRoot.querySelector('.handle') as HTMLElement).focus({ preventScroll: true });
      this.moveSplitTo(this.local(e).x);
      e.preventDefault();
      return;
    }
    this.pointers.set(e.pointerId, this.local(e));
    if (this.pointers.size === 2) this.pinch = this.pinchState();
    this.stageEl!.classList.add('dragging');
  }

  private pinchState() {
    const [a, b] = [...this.pointers.values()];
    return { distance: Math.hypot(a.x - b.x, a.y - b.y) || 1, x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }

  private onPointerMove(e: PointerEvent): void {
    const p = this.local(e);
    if (e.pointerType !== 'touch') {
      this.hover = p;
      this.keyboardProbe = false;
    }
    if (this.draggingSplit) {
      this.moveSplitTo(p.x);
      return;
    }
    const prev = this.pointers.get(e.pointerId);
    if (prev) {
      this.pointers.set(e.pointerId, p);
      this.fitted = false;
      if (this.pointers.size >= 2 && this.pinch) {
        const now = this.pinchState();
        let v = zoomAt(this._view, now.distance / this.pinch.distance, now.x, now.y, this.image, this._stage);
        v = panBy(v, now.x - this.pinch.x, now.y - this.pinch.y, this.image, this._stage);
        this.pinch = now;
        this.setView(v);
      } else if (this.pointers.size === 1) {
        this.setView(panBy(this._view, p.x - prev.x, p.y - prev.y, this.image, this._stage));
      }
    }
    this.updateReadout();
    this.scheduleDraw();
  }

  private onPointerUp(e: PointerEvent): void {
    this.draggingSplit = false;
    this.pointers.delete(e.pointerId);
    this.pinch = this.pointers.size === 2 ? this.pinchState() : null;
    if (this.pointers.size === 0) this.stageEl!.classList.remove('dragging');
    if (e.type === 'pointercancel' || e.pointerType === 'touch') this.hover = null;
  }

  private onPointerLeave(e: PointerEvent): void {
    if (this.pointers.has(e.pointerId) || this.draggingSplit) return;
    this.hover = null;
    this.updateReadout();
    this.scheduleDraw();
  }

  private onWheel(e: WheelEvent): void {
    if (!this.imageWidth) return;
    e.preventDefault();
    const p = this.local(e);
    // Lines or pages → pixels; trackpad pinches arrive as ctrl+wheel with small deltas.
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? this._stage.height : 1;
    const delta = e.deltaY * unit * (e.ctrlKey ? 4 : 1);
    this.fitted = false;
    this.setView(zoomAt(this._view, Math.exp(-delta * 0.0015), p.x, p.y, this.image, this._stage));
  }

  private onDoubleClick(e: MouseEvent): void {
    if ((e.target as HTMLElement).closest('.zoom, .handle, .legend')) return;
    const p = this.local(e);
    this.fitted = false;
    this.setView(zoomAt(this._view, e.shiftKey ? 0.5 : 2, p.x, p.y, this.image, this._stage));
  }

  private onStageKey(e: KeyboardEvent): void {
    if (e.target !== this.stageEl || e.altKey || e.metaKey || e.ctrlKey) return;
    const step = (e.shiftKey ? 0.5 : 0.1) * Math.min(this._stage.width, this._stage.height);
    let handled = true;
    this.keyboardProbe = true;
    switch (e.key) {
      case 'ArrowLeft':
        this.pan(step, 0);
        break;
      case 'ArrowRight':
        this.pan(-step, 0);
        break;
      case 'ArrowUp':
        this.pan(0, step);
        break;
      case 'ArrowDown':
        this.pan(0, -step);
        break;
      case '+':
      case '=':
        this.zoomStep(1);
        break;
      case '-':
      case '_':
        this.zoomStep(-1);
        break;
      case '0':
        this.fit();
        break;
      case '1':
        this.zoomTo(1);
        break;
      default:
        handled = false;
        this.keyboardProbe = false;
    }
    if (handled) {
      e.preventDefault();
      this.updateReadout();
      this.scheduleDraw();
    }
  }

  private pan(dx: number, dy: number): void {
    this.fitted = false;
    this.setView(panBy(this._view, dx, dy, this.image, this._stage));
  }

  private zoomStep(direction: 1 | -1): void {
    this.zoomTo(nextZoom(this._view.scale, direction));
  }

  private moveSplitTo(px: number): void {
    this.split = this._stage.width ? px / this._stage.width : 0.5;
  }

  private onHandleKey(e: KeyboardEvent): void {
    const keys: Record<string, number> = {
      ArrowLeft: -0.01,
      ArrowDown: -0.01,
      ArrowRight: 0.01,
      ArrowUp: 0.01,
      PageDown: -0.1,
      PageUp: 0.1,
    };
    if (e.key in keys) this.split = this._split + keys[e.key] * (e.shiftKey ? 10 : 1);
    else if (e.key === 'Home') this.split = 0;
    else if (e.key === 'End') this.split = 1;
    else return;
    e.preventDefault();
    e.stopPropagation();
  }

  // ---- rendering ----

  private renderPixel(tag: string, cls: string, v: number[] | null) {
    if (!v) return html`<span class="px"><span class="tag ${cls}">${tag}</span> —</span>`;
    const [r, g, b, a] = v;
    const pad = (n: number) => String(n).padStart(3, '\u2007');
    return html`<span class="px"
      ><span class="tag ${cls}">${tag}</span
      ><span class="swatch" ${styleProps({ '--c': `rgb(${r} ${g} ${b} / ${(a / 255).toFixed(3)})` })}></span> ${pad(r)}
      ${pad(g)} ${pad(b)} ${pad(a)}</span
    >`;
  }

  private renderReadout() {
    const r = this._readout;
    if (!r) {
      return html`<span>${this.imageWidth ? 'Point at the image to read its pixels (R G B A).' : ''}</span>
        <span class="keys">Drag to pan · wheel or pinch to zoom · keys: arrows, + − 0 1</span>`;
    }
    const cells =
      this.mode === 'difference'
        ? [
            this.renderPixel('A', 'a', r.left),
            this.renderPixel('B', 'b', r.right),
            this.renderPixel(`|A−B|×${this.gain}`, '', r.diff),
          ]
        : [this.renderPixel('A', 'a', r.left), this.renderPixel('B', 'b', r.right)];
    return html`<span class="xy" aria-label="pixel x ${r.x}, y ${r.y}">x ${r.x} · y ${r.y}</span>${cells}`;
  }

  private renderLegend() {
    const g = this.gain;
    const full = 255 / g;
    const fmt = (v: number) => (v >= 10 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, ''));
    return html`<div class="legend" part="legend">
      <div><strong>|A − B| × ${g}</strong>, per channel (levels of 255)</div>
      <div class="bar" aria-hidden="true"></div>
      <div class="ticks" aria-hidden="true"><span>0</span><span>${fmt(full / 2)}</span><span>≥ ${fmt(full)}</span></div>
      <div class="visually-hidden">Black means equal; full brightness means a difference of ${fmt(full)} or more.</div>
    </div>`;
  }

  protected override render() {
    const splitPx = this._split * this._stage.width;
    const hasImage = this.imageWidth > 0 && (this.left || this.right || this.diff);
    const pct = Math.round(this._split * 100);
    return html`<div
        class="stage"
        part="stage"
        tabindex="0"
        role="group"
        aria-roledescription="image comparison"
        aria-label="Compare view, zoom ${formatZoom(this._view.scale)}"
        aria-describedby="keys-help"
        @pointerdown=${this.onPointerDown}
        @pointermove=${this.onPointerMove}
        @pointerup=${this.onPointerUp}
        @pointercancel=${this.onPointerUp}
        @pointerleave=${this.onPointerLeave}
        @wheel=${this.onWheel}
        @dblclick=${this.onDoubleClick}
        @keydown=${this.onStageKey}
        @blur=${() => {
          this.keyboardProbe = false;
          this.updateReadout();
          this.scheduleDraw();
        }}
      >
        <canvas part="canvas" aria-hidden="true"></canvas>
        ${
          hasImage
            ? this.mode === 'difference'
              ? html`<div class="label single" part="label">${this.leftLabel} <b>−</b> ${this.rightLabel}</div>`
              : html`<div class="label left" part="label">${this.leftLabel}</div>
                  <div class="label right" part="label">${this.rightLabel}</div>
                  <div
                    class="handle"
                    part="handle"
                    role="slider"
                    tabindex="0"
                    aria-label="Split between A and B"
                    aria-valuemin="0"
                    aria-valuemax="100"
                    aria-valuenow=${pct}
                    aria-valuetext="A ${pct} %, B ${100 - pct} %"
                    ${styleProps({ left: `${splitPx}px` })}
                    @keydown=${this.onHandleKey}
                  >
                    <span class="grip"
                      ><svg viewBox="0 0 20 20" aria-hidden="true" fill="currentColor">
                        <path d="M7.5 5 2.5 10l5 5zM12.5 5l5 5-5 5z" /></svg
                    ></span>
                  </div>`
            : nothing
        }
        ${hasImage && this.mode === 'difference' ? this.renderLegend() : nothing}
        ${
          hasImage
            ? html`<div class="zoom" part="zoom-controls" role="toolbar" aria-label="Zoom">
                <button class="btn icon" title="Zoom out (−)" aria-label="Zoom out" @click=${() => this.zoomStep(-1)}>
                  ${icons.minus}
                </button>
                <button
                  class="btn level"
                  title="Show at 100 % (1)"
                  aria-label="Zoom ${formatZoom(this._view.scale)}; show at 100 %"
                  @click=${() => this.zoomTo(1)}
                >
                  ${formatZoom(this._view.scale)}
                </button>
                <button class="btn icon" title="Zoom in (+)" aria-label="Zoom in" @click=${() => this.zoomStep(1)}>
                  ${icons.plus}
                </button>
                <button class="btn icon" title="Fit (0)" aria-label="Fit to view" @click=${() => this.fit()}>
                  ${icons.fit}
                </button>
              </div>`
            : nothing
        }
        <slot name="overlay"></slot>
      </div>
      <div class="readout" part="readout">${this.renderReadout()}</div>
      <p id="keys-help" class="visually-hidden">
        Arrow keys pan, plus and minus zoom, 0 fits the image, 1 shows it at 100 %. The pixel readout follows the centre
        of the view.
      </p>`;
  }
}

if (!customElements.get('tconv-upsampler-compare')) {
  customElements.define('tconv-upsampler-compare', TconvUpsamplerCompare);
}

declare global {
  interface HTMLElementTagNameMap {
    'tconv-upsampler-compare': TconvUpsamplerCompare;
  }
}
