/**
 * <tconv-upsampler-align>: the "?" next to a side's Align corners box, and
 * the figure it opens: a row of pixels up-sampled ×factor with align_corners
 * off and on, where every output sample sits and which input it reads, as
 * the page's core computes them (shared/align.ts), with sentences made from
 * the same numbers. The button stays usable when the box is disabled, since
 * that is when a reader most wants to know what the option is.
 * Part of <tconv-upsampler> (side-panel.ts).
 *
 * Properties: factor (the page's ×f), method (the side's, for which methods
 * take the option), side ("A" or "B", for the button's name).
 *
 * Its host is display: contents, so the button sits on the box's line and
 * the figure below it, in the side panel's flow. It has no theme of its own:
 * its colours are the upsampler's private properties (--_text, --_accent, …),
 * which custom properties inherit into this shadow root, so the upsampler's
 * theme attribute and older names reach it too.
 */

import { Task } from '@lit/task';
import { LitElement, html, nothing, svg, type PropertyDeclarations } from 'lit';

import { mainThreadCore } from './client/main-core.js';
import { alignSamples, alignWords, clampedAt, type AlignRow, type AlignSamples } from './shared/align.js';
import { errorMessage, type UpsampleMethod } from './shared/protocol.js';
import { ALIGN_CORNERS_NOTE, alignMethodsNote } from './shared/texts.js';
import { alignStyles } from './align-figure.styles.js';

/** Input pixels in the figure: few enough that ×4's 16 outputs stay apart on a phone. */
const PIXELS = 4;

// The drawing's coordinates (viewBox units; the SVG scales to the panel's width).
const WIDTH = 320;
const MARGIN = 14;
const UNIT = (WIDTH - 2 * MARGIN) / PIXELS;
const IN = { top: 8, bottom: 40 };
const OUT = { top: 66, bottom: 86 };
const HEIGHT = 96;

/** Input pixel coordinate (centre of pixel j at j) → viewBox x. */
const xOf = (p: number) => MARGIN + (p + 0.5) * UNIT;

/** The edges of each output pixel: halfway between neighbouring samples, and half a step beyond the ends. */
function outputEdges(positions: number[]): number[] {
  const last = positions.length - 1;
  const half = (positions[1]! - positions[0]!) / 2;
  return [positions[0]! - half, ...positions.slice(1).map((p, i) => (p + positions[i]!) / 2), positions[last]! + half];
}

/** One setting: input pixels (cells, centre dots), the output samples (cells, ticks), what each reads, the image's edges. */
function drawRow(s: AlignSamples, row: AlignRow) {
  const mid = (IN.top + IN.bottom) / 2;
  const edges = outputEdges(row.positions);
  return svg`
    ${Array.from({ length: s.n }, (_, j) => svg`<rect class="pixel" x=${xOf(j - 0.5)} y=${IN.top} width=${UNIT} height=${IN.bottom - IN.top}></rect>`)}
    ${row.positions.map(
      (_, i) =>
        svg`<rect class="out ${i % 2 ? 'odd' : ''}" x=${xOf(edges[i]!)} y=${OUT.top} width=${xOf(edges[i + 1]!) - xOf(edges[i]!)} height=${OUT.bottom - OUT.top}></rect>`,
    )}
    ${row.positions.map((p, i) => {
      return svg`<line class="read ${clampedAt(row, i) ? 'clamped' : ''}" x1=${xOf(p)} y1=${OUT.top} x2=${xOf(row.reads[i]!)} y2=${mid}></line>`;
    })}
    ${[-0.5, s.n - 0.5].map((e) => svg`<line class="edge" x1=${xOf(e)} y1=${2} x2=${xOf(e)} y2=${HEIGHT - 2}></line>`)}
    ${Array.from({ length: s.n }, (_, j) => svg`<circle class="dot" cx=${xOf(j)} cy=${mid} r="5"></circle>`)}
    ${row.positions.map((p) => svg`<line class="tick" x1=${xOf(p)} y1=${OUT.top - 4} x2=${xOf(p)} y2=${OUT.bottom + 4}></line>`)}
  `;
}

export class TconvUpsamplerAlign extends LitElement {
  static override properties: PropertyDeclarations = {
    factor: { type: Number },
    method: { type: String },
    side: { type: String },
    _open: { state: true },
  };

  static override styles = alignStyles;

  /** The page's factor (2, 3 or 4): the figure up-samples by it. */
  declare factor: number;
  /** The side's method: the figure says whether it takes the option. */
  declare method: UpsampleMethod;
  /** "A" or "B": the button's name says which side it belongs to. */
  declare side: string;
  declare _open: boolean;

  /** The core's answer for the figure, asked when it opens and when the factor changes. */
  private readonly samples = new Task(this, {
    task: async ([open, factor]) => (open ? alignSamples(await mainThreadCore(), PIXELS, factor) : null),
    args: () => [this._open, this.factor] as const,
  });

  constructor() {
    super();
    this.factor = 2;
    this.method = 'bilinear';
    this.side = '';
    this._open = false;
    // On the host, so Escape works from the button as well as inside the figure.
    this.addEventListener('keydown', (e) => this.onKey(e));
  }

  private toggle(): void {
    this._open = !this._open;
  }

  /** Escape closes the figure and gives focus back to its button. */
  private onKey(e: KeyboardEvent): void {
    if (e.key !== 'Escape' || !this._open) return;
    e.stopPropagation();
    this._open = false;
    this.renderRoot.querySelector<HTMLButtonElement>('button.help')?.focus();
  }

  private renderFigure(s: AlignSamples) {
    const words = alignWords(s);
    const row = (r: AlignRow, caption: string) =>
      html`<figure class=${r.alignCorners ? 'on' : 'off'}>
        <figcaption>${caption}</figcaption>
        <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" aria-hidden="true" focusable="false">${drawRow(s, r)}</svg>
      </figure>`;
    return html`<p class="title">${words.title}</p>
      ${row(s.off, words.off)} ${row(s.on, words.on)}
      <p class="legend" aria-hidden="true">
        <span
          ><svg viewBox="0 0 12 12"><circle class="dot" cx="6" cy="6" r="4"></circle></svg> input pixel centres</span
        >
        <span
          ><svg viewBox="0 0 12 12"><line class="tick" x1="6" y1="0" x2="6" y2="12"></line></svg> output samples</span
        >
        <span
          ><svg viewBox="0 0 12 12"><line class="edge" x1="6" y1="0" x2="6" y2="12"></line></svg> the image’s
          edges</span
        >
      </p>
      <p class="clamp">${words.clamp}</p>`;
  }

  protected override render() {
    const label = `What align corners does${this.side ? ` (side ${this.side})` : ''}`;
    return html`<button
        class="help"
        type="button"
        aria-expanded=${this._open ? 'true' : 'false'}
        aria-controls="figure"
        aria-label=${label}
        title=${label}
        @click=${this.toggle}
      >
        ?
      </button>
      <div id="figure" class="figure" role="group" aria-label=${label} ?hidden=${!this._open}>
        ${
          this._open
            ? html`<p class="lead">${ALIGN_CORNERS_NOTE} ${alignMethodsNote(this.method)}</p>
                ${this.samples.render({
                  pending: () => html`<p class="wait">Asking the core…</p>`,
                  complete: (s) => (s ? this.renderFigure(s) : nothing),
                  error: (e) =>
                    html`<p class="problem">The figure needs the core, which did not load: ${errorMessage(e)}</p>`,
                })}`
            : nothing
        }
      </div>`;
  }
}

if (!customElements.get('tconv-upsampler-align')) customElements.define('tconv-upsampler-align', TconvUpsamplerAlign);

declare global {
  interface HTMLElementTagNameMap {
    'tconv-upsampler-align': TconvUpsamplerAlign;
  }
}
