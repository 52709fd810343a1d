// What learners ask, under the chapters' grids (web/lib/explainer/answers.ts
// writes the sentences from the model): in chapter 5 which input size comes
// back (output_padding) and the operation's names; in chapter 6 the cells
// y(i, j) paints against those that fed out(i, j), the Cᵀ ≠ C⁻¹ demo and the
// gradient (with the way to chapter 9); in chapter 7 why the kernel flips; in chapter 9 the names again.
// Templates only: the element
// owns the state and passes it in.

import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';

import {
  addedCells,
  connectivity,
  flipText,
  gradient,
  inverse,
  names,
  type SizeChoice,
} from '../../lib/explainer/answers.js';
import type { ExplainerModel, Grid } from '../../lib/explainer/model-types.js';
import type { ChapterId } from '../../lib/explainer/timeline.js';
import type { Theme } from '../shared/tconv-element.js';

export interface AnswersContext {
  model: ExplainerModel;
  chapter: ChapterId;
  frame: number;
  theme: Theme | undefined;
  /** Which input size comes back: needs the core, so the element computes it once per model. */
  sizeChoice(): SizeChoice;
  /** Sets y to C·vec(x) with C's own weights for Cᵀ, or back to the preset's y. */
  onInverseDemo(on: boolean): void;
  /** Goes to chapter 6's demo (from the names box). */
  onShowDemo(): void;
  /** Goes to chapter 9, where the names come from (from the names box and chapter 6's gradient line). */
  onShowGradient(): void;
}

/** The entry of y chapter 6 paints at this frame (frame i paints entry i − 1), or -1 on its first and last frames. */
export function paintingEntry(m: ExplainerModel, chapter: ChapterId, frame: number): number {
  return chapter === 'transposed' && frame >= 1 && frame <= m.y.values.length ? frame - 1 : -1;
}

interface GridExtra {
  ghost?: Set<number>;
  active?: Set<number>;
  scale?: number;
  /** Cells of the page's normal size, for values of four digits and more. */
  normal?: boolean;
}

function smallGrid(ctx: AnswersContext, id: string, label: string, g: Grid, extra: GridExtra = {}) {
  return html`<tconv-grid
    grid-id=${id}
    class=${extra.normal ? 'size-normal' : 'size-small'}
    theme=${ifDefined(ctx.theme || undefined)}
    .label=${label}
    .rows=${g.rows}
    .cols=${g.cols}
    .values=${g.values}
    .ghost=${extra.ghost}
    .active=${extra.active ?? new Set()}
    .scale=${extra.scale}
  ></tconv-grid>`;
}

export function renderAnswers(ctx: AnswersContext) {
  switch (ctx.chapter) {
    case 'transpose':
      return html`${sizeFigure(ctx)}${namesBox(ctx)}`;
    case 'transposed':
      return html`${connectivityFigure(ctx)}${inverseDemo(ctx)}`;
    case 'zeros':
      return flipBox(ctx);
    case 'gradient':
      return namesBox(ctx);
    default:
      return nothing;
  }
}

// ---- chapter 5 ----

function sizeFigure(ctx: AnswersContext) {
  const a = ctx.sizeChoice();
  const m = ctx.model;
  const pair = ([h, w]: [number, number]) => (h === w ? String(h) : `${h}, ${w}`);
  const now = (size: [number, number]) => size[0] === m.transposedSize[0] && size[1] === m.transposedSize[1];
  return html`<section class="answer" id="sizes" aria-labelledby="sizes-title">
    <h3 id="sizes-title">Which size comes back? output_padding</h3>
    <div class="size-map" aria-hidden="true">
      <span class="sizes">${a.pairs.map((p) => html`<span class="size">${p.size.join('×')}</span>`)}</span>
      <span class="arrow">conv2d →</span>
      <span class="size out">${m.outputSize.join('×')}</span>
      <span class="arrow">conv_transpose2d →</span>
      <span class="sizes">
        ${a.pairs.map(
          (p) =>
            html`<span class="size ${now(p.size) ? 'now' : ''}"
              >${p.size.join('×')}<small>output_padding ${pair(p.outputPadding)}</small></span
            >`,
        )}
      </span>
    </div>
    ${a.text.map((t) => html`<p>${t}</p>`)}
    ${
      a.padded
        ? html`<div class="grids">
            <figure class="item">
              ${smallGrid(ctx, 'op-small', `output_padding ${pair(a.lo)}`, a.plain, { scale: m.toutMaxAbs })}
            </figure>
            <figure class="item">
              ${smallGrid(ctx, 'op-next', `output_padding ${pair(a.hi)}`, a.padded, {
                active: new Set(addedCells(a.padded, a.added)),
                scale: m.toutMaxAbs,
              })}
              <figcaption class="note">ringed: what output_padding adds</figcaption>
            </figure>
          </div>`
        : nothing
    }
  </section>`;
}

function namesBox(ctx: AnswersContext) {
  return html`<section class="answer" id="names" aria-labelledby="names-title">
    <h3 id="names-title">One operation, many names</h3>
    <dl class="names">
      ${names(ctx.model).map(
        (n) =>
          html`<div>
            <dt>${n.term}</dt>
            <dd>
              ${n.text}
              ${
                n.term === 'Deconvolution'
                  ? html`<button type="button" class="text-btn" id="show-demo" @click=${ctx.onShowDemo}>
                      Try the demo in chapter 6
                    </button>`
                  : n.chapter === 9 && ctx.chapter !== 'gradient'
                    ? html`<button type="button" class="text-btn" id="show-gradient" @click=${ctx.onShowGradient}>
                        Follow the gradient in chapter 9
                      </button>`
                    : nothing
              }
            </dd>
          </div>`,
      )}
    </dl>
  </section>`;
}

// ---- chapter 6 ----

function connectivityFigure(ctx: AnswersContext) {
  const m = ctx.model;
  const r = paintingEntry(m, ctx.chapter, ctx.frame);
  if (r < 0) return nothing;
  const a = connectivity(m, r);
  return html`<section class="answer connect" id="connectivity" aria-live="off">
    <figure class="item">
      ${smallGrid(ctx, 'x-fed', 'Input x, chapter 1', m.x, { ghost: new Set(a.fed) })}
      <figcaption class="note">
        dashed: the cells that fed out${`(${Math.floor(r / m.out.cols) + 1}, ${(r % m.out.cols) + 1})`}
      </figcaption>
    </figure>
    <p>${a.text}</p>
  </section>`;
}

function inverseDemo(ctx: AnswersContext) {
  const m = ctx.model;
  const a = inverse(m);
  const g = gradient(m);
  return html`<section class="answer" id="inverse" aria-labelledby="inverse-title">
    <h3 id="inverse-title">Is Cᵀ the inverse of C?</h3>
    <p>${a.prompt}</p>
    <button
      type="button"
      class="text-btn"
      id="inverse-demo"
      aria-pressed=${a.active ? 'true' : 'false'}
      @click=${() => ctx.onInverseDemo(!a.active)}
    >
      ${a.active ? 'Back to the preset’s y' : 'Set y = C·vec(x)'}
    </button>
    ${
      a.active
        ? html`<div class="grids" role="group" aria-label="x beside Cᵀ·C·vec(x)">
              <figure class="item">
                ${
                  // One colour scale for both: x looks as small beside what came back as it is.
                  smallGrid(ctx, 'x-inverse', 'x', m.x, { normal: true, scale: m.toutMaxAbs })
                }
              </figure>
              <span
                class="op"
                role="img"
                aria-label=${a.comparable && a.maxDifference === 0 ? 'equals' : 'differs from'}
                >${a.comparable && a.maxDifference === 0 ? '=' : '≠'}</span
              >
              <figure class="item">
                ${smallGrid(ctx, 'back', 'Cᵀ·C·vec(x)', m.tout, {
                  active: a.worst >= 0 && a.maxDifference > 0 ? new Set([a.worst]) : new Set(),
                  normal: true,
                  scale: m.toutMaxAbs,
                })}
              </figure>
            </div>
            <p class="result" id="inverse-result" role="status">${a.text}</p>`
        : html`<p class="result" id="inverse-result" role="status"></p>`
    }
    <p class="gradient" id="gradient">
      ${g.text}
      <button type="button" class="text-btn" id="to-gradient" @click=${ctx.onShowGradient}>
        Where the name comes from: chapter 9
      </button>
    </p>
  </section>`;
}

// ---- chapter 7 ----

function flipBox(ctx: AnswersContext) {
  const lines = flipText(ctx.model);
  return html`<section class="answer" id="flip" aria-labelledby="flip-title">
    <h3 id="flip-title">Why the kernel flips</h3>
    ${lines.map((t) => html`<p>${t}</p>`)}
  </section>`;
}
