/**
 * <tconv-upsampler-kernel>: the k×k kernel of the 'transposed' and
 * resize-convolution methods, as a grid of number fields (decimals or
 * fractions such as 1/9), with presets, randomise and normalise; and, next to
 * it, what a flat grey becomes under a transposed convolution with this
 * kernel and stride (the checkerboard, predicted from the kernel alone).
 * Part of <tconv-upsampler>.
 *
 * Properties: kernel (Kernel), stride (the factor), tile (what a flat grey
 * becomes, from the core: its parent asks it).
 * Event: tconv-kernel-change { kernel } (bubbles, composed) after an edit;
 * typing is debounced, presets and size changes apply at once.
 */

import { html, nothing, type PropertyDeclarations } from 'lit';

import { signedColor, textColorFor } from '../lib/color.js';
import {
  KERNEL_PRESETS,
  MAX_KERNEL_SIZE,
  formatWeight,
  isEvenOverlap,
  kernelSum,
  normalise,
  parseWeight,
  presetKernel,
  resizeKernel,
  type Kernel,
  type KernelPreset,
} from './shared/kernels.js';
import { styleProps } from '../components/shared/style-props.js';
import { TconvElement } from '../components/shared/tconv-element.js';
import { kernelStyles } from './kernel-editor.styles.js';

const TYPING_DELAY_MS = 450;

/**
 * A typed weight, or null when it is not one: parseWeight's number or
 * fraction, which must also stay finite as the 32-bit float the core gets
 * (1e39 parses, but is Infinity in a Float32Array).
 */
function weightOf(text: string): number | null {
  const v = parseWeight(text);
  return v !== null && Number.isFinite(Math.fround(v)) ? v : null;
}

/** Why `text` is refused, in words, after the cell's name. */
function refusal(text: string): string {
  const t = text.trim();
  if (t === '') return 'is empty';
  return parseWeight(t) !== null ? `${t} is too large for a 32-bit weight` : `“${t}” is not a finite number`;
}

/** Three decimals without the leading zero (".021", "−.5"), for the small cells of large kernels. */
function compactWeight(v: number): string {
  return formatWeight(Math.round(v * 1000) / 1000).replace(/^(\u2212?)0\./, '$1.');
}

export interface TconvUpsamplerKernelEvents {
  /** The kernel after an edit. */
  'tconv-kernel-change': { kernel: Kernel };
}

export class TconvUpsamplerKernel extends TconvElement<TconvUpsamplerKernelEvents> {
  static override properties: PropertyDeclarations = {
    kernel: { attribute: false },
    stride: { type: Number },
    tile: { attribute: false },
    _invalid: { state: true },
    _focused: { state: true },
    // The scheme TconvElement measured (or theme forced): the weights' colours are drawn for it, so a change
    // of the page behind the element re-renders them.
    _scheme: { attribute: 'data-scheme' },
  };

  // Not TconvElement.styles: inside <tconv-upsampler>, it inherits the upsampler's font (innerTheme).
  static override styles = kernelStyles;

  declare kernel: Kernel;
  declare stride: number;
  /** What a flat 1 becomes with this kernel and stride, stride × stride (the core's upsampleGeometry); null until known. */
  declare tile: Float32Array | null;
  declare _invalid: Set<number>;
  /** The cell being edited shows its weight in full; the others may be abbreviated. */
  declare _focused: number | null;
  /** @internal The data-scheme attribute, mirrored only so that its changes re-render (read `scheme`). */
  declare _scheme: string | undefined;

  private typing = 0;
  /** Text as typed, per cell, while it differs from the kernel (so "1/" can be typed). */
  private drafts = new Map<number, string>();
  private seed = 1;

  constructor() {
    super();
    this.kernel = presetKernel('box', 3);
    this.stride = 2;
    this.tile = null;
    this._invalid = new Set();
    this._focused = null;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.typing);
  }

  /** Shows `kernel` and tells the upsampler (tconv-kernel-change). */
  private change(kernel: Kernel): void {
    clearTimeout(this.typing);
    this.kernel = kernel;
    this.emit('tconv-kernel-change', { kernel });
  }

  private setSize(k: number): void {
    this.drafts.clear();
    this._invalid = new Set();
    const resized = resizeKernel(this.kernel, k);
    // A resized box stays a box; anything else keeps its centre and is renormalised.
    const box = this.kernel.values.every((v) => Math.abs(v - this.kernel.values[0]) < 1e-9);
    this.change(box ? presetKernel('box', k) : normalise(resized));
  }

  private applyPreset(p: KernelPreset): void {
    this.drafts.clear();
    this._invalid = new Set();
    if (p === 'random') this.seed = (Math.random() * 2 ** 31) | 0;
    this.change(presetKernel(p, this.kernel.size, this.seed));
  }

  private onInput(index: number, e: Event): void {
    const text = (e.target as HTMLInputElement).value;
    this.drafts.set(index, text);
    const v = weightOf(text);
    const invalid = new Set(this._invalid);
    if (v === null) invalid.add(index);
    else invalid.delete(index);
    this._invalid = invalid;
    clearTimeout(this.typing);
    if (invalid.size === 0) this.typing = window.setTimeout(() => this.commit(), TYPING_DELAY_MS);
  }

  private commit(): void {
    if (this._invalid.size > 0 || this.drafts.size === 0) return;
    const values = [...this.kernel.values];
    for (const [i, text] of this.drafts) values[i] = weightOf(text) ?? values[i];
    this.drafts.clear();
    this.change({ size: this.kernel.size, values });
  }

  /** The first refused cell by name, and why: the kernel keeps its last good weights meanwhile. */
  private problem(): string {
    const k = this.kernel.size;
    const [first, ...rest] = [...this._invalid].sort((a, b) => a - b);
    const more = rest.length ? ` (and ${rest.length} more cell${rest.length > 1 ? 's' : ''})` : '';
    const cell = `Kernel row ${Math.floor(first / k) + 1}, column ${(first % k) + 1}`;
    return `${cell}: ${refusal(this.drafts.get(first) ?? '')}${more}; type a number or a fraction such as 1/9.`;
  }

  private onKeyDown(index: number, e: KeyboardEvent): void {
    const k = this.kernel.size;
    const moves: Record<string, number> = { ArrowUp: -k, ArrowDown: k };
    if (e.key === 'Enter') {
      this.commit();
      return;
    }
    if (!(e.key in moves)) return;
    const next = index + moves[e.key];
    if (next < 0 || next >= k * k) return;
    e.preventDefault();
    this.renderRoot.querySelector<HTMLInputElement>(`input[data-i="${next}"]`)?.focus();
  }

  private renderTile() {
    const s = this.stride;
    if (!this.tile || this.tile.length !== s * s) return nothing;
    const tile = [...this.tile];
    const even = isEvenOverlap(tile);
    const k = this.kernel.size;
    const min = Math.min(...tile);
    const max = Math.max(...tile);
    const divisible = k % s === 0;
    return html`<div class="response">
      <h4 id="tile-title">A flat grey through transposed conv, stride ${s}</h4>
      <div class="tile" ${styleProps({ '--s': s })} role="img" aria-labelledby="tile-title tile-text">
        ${tile.map((v) => {
          const l = Math.max(0, Math.min(255, Math.round(128 * v)));
          return html`<span ${styleProps({ background: `rgb(${l} ${l} ${l})`, color: l > 140 ? '#111' : '#fff' })}
            >×${v.toFixed(2)}</span
          >`;
        })}
      </div>
      <p class="verdict" id="tile-text">
        ${
          even
            ? html`<strong class="good">Even overlap</strong>: every output pixel gets the same total weight
                (×${formatWeight(max)}), so flat areas stay flat.
                ${divisible ? `Kernel ${k} is a multiple of stride ${s}.` : ''}`
            : html`<strong class="bad">Checkerboard</strong>: output pixels get between ×${formatWeight(min)} and
                ×${formatWeight(max)} of the input, repeating every ${s} pixels.
                ${
                  divisible
                    ? `Kernel ${k} is a multiple of stride ${s}, but these weights still overlap unevenly.`
                    : `Kernel ${k} is not a multiple of stride ${s}, so the kernel's copies overlap unevenly.`
                }
                Resize-convolution has no such pattern.`
        }
      </p>
    </div>`;
  }

  protected override render() {
    const k = this.kernel.size;
    const dense = k >= 7;
    const max = Math.max(1e-9, ...this.kernel.values.map(Math.abs));
    // The scheme the element draws in (theme, or the page behind it), not the reader's OS setting: a dark blog
    // read with a light OS draws dark.
    const dark = this.scheme === 'dark';
    const texts = this.kernel.values.map(
      (v, i) => this.drafts.get(i) ?? (dense && i !== this._focused ? compactWeight(v) : formatWeight(v)),
    );
    // Every cell is as wide as the longest weight shown, so none is clipped ("0.1111", "−0.0625").
    const chars = Math.max(3, ...texts.map((t) => t.length));
    return html`<div class="row controls">
        <div class="size" role="group" aria-label="Kernel size">
          <button class="btn" aria-label="Smaller kernel" ?disabled=${k <= 1} @click=${() => this.setSize(k - 1)}>
            −
          </button>
          <output aria-live="polite">${k}×${k}</output>
          <button
            class="btn"
            aria-label="Larger kernel"
            ?disabled=${k >= MAX_KERNEL_SIZE}
            @click=${() => this.setSize(k + 1)}
          >
            +
          </button>
        </div>
        <label class="visually-hidden" for="preset">Kernel preset</label>
        <select
          id="preset"
          class="btn small"
          @change=${(e: Event) => {
            const sel = e.target as HTMLSelectElement;
            if (sel.value) this.applyPreset(sel.value as KernelPreset);
            sel.value = '';
          }}
        >
          <option value="">Preset…</option>
          ${KERNEL_PRESETS.map((p) => html`<option value=${p.id}>${p.label} (${p.hint})</option>`)}
        </select>
        <button class="btn small" @click=${() => this.applyPreset('random')}>Randomise</button>
        <button
          class="btn small"
          title="Scale the weights to sum to 1"
          @click=${() => {
            this.drafts.clear();
            this.change(normalise(this.kernel));
          }}
        >
          Normalise
        </button>
      </div>
      <div class="body">
        <div class="weights">
          <div
            class="grid ${dense ? 'dense' : ''}"
            ${styleProps({ '--k': k, '--chars': chars })}
            role="group"
            aria-label="Kernel weights, ${k} by ${k}"
          >
            ${this.kernel.values.map((v, i) => {
              const text = texts[i];
              // A softer scale than the grids': the largest weight is a mid tone, not the darkest.
              const bg = signedColor(v, max * 1.6, dark);
              const fg = textColorFor(v, max * 1.6, dark);
              return html`<input
                data-i=${i}
                inputmode="decimal"
                autocomplete="off"
                spellcheck="false"
                aria-label="Weight row ${Math.floor(i / k) + 1}, column ${(i % k) + 1}"
                aria-invalid=${this._invalid.has(i) ? 'true' : 'false'}
                aria-describedby=${this._invalid.has(i) ? 'weight-problem' : nothing}
                ${styleProps({ '--bg': bg, '--fg': fg })}
                .value=${text}
                @input=${(e: Event) => this.onInput(i, e)}
                @change=${() => this.commit()}
                @keydown=${(e: KeyboardEvent) => this.onKeyDown(i, e)}
                @focus=${() => (this._focused = i)}
                @blur=${() => {
                  if (this._focused === i) this._focused = null;
                }}
              />`;
            })}
          </div>
          <div class="sum" aria-live="polite">
            Sum ${formatWeight(kernelSum(this.kernel))}
            ${this._invalid.size ? html`<p class="problem" id="weight-problem">${this.problem()}</p>` : nothing}
          </div>
        </div>
        ${this.renderTile()}
      </div>`;
  }
}

if (!customElements.get('tconv-upsampler-kernel')) {
  customElements.define('tconv-upsampler-kernel', TconvUpsamplerKernel);
}

declare global {
  interface HTMLElementTagNameMap {
    'tconv-upsampler-kernel': TconvUpsamplerKernel;
  }
}
