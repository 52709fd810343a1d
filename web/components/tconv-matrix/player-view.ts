// The player of <tconv-matrix> as templates: chapter tabs, transport,
// narration, and the stage with the chapter's grids. The element owns the
// state and passes it in (PlayerViewContext); nothing here keeps any.

import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';

import type { ExplainerModel } from '../../lib/explainer/model-types.js';
import { type Player, SPEEDS } from '../../lib/explainer/player.js';
import { type Chapter, stepCounter } from '../../lib/explainer/timeline.js';
import { type GridSpec, type Item, multiplicationStrip, type ViewSpec } from '../../lib/explainer/views.js';
import { styleProps } from '../shared/style-props.js';
import type { Theme } from '../shared/tconv-element.js';
import { type AnswersContext, renderAnswers } from './answers-view.js';
import { type GradientControls, renderGradient } from './chapter-gradient.js';
import { type LearnControls, renderLearn } from './chapter-learn.js';
import * as icons from './icons.js';

/** The matrices, drawn with their rows and columns numbered from 1. */
const MATRICES = new Set(['C', 'Ct', 'Cfwd']);

export interface PlayerViewContext {
  model: ExplainerModel;
  chapters: Chapter[];
  player: Player;
  /** What the current frame draws. */
  view: ViewSpec;
  /** The live region's text. */
  announce: string;
  /** "Larger cells": compact grids drawn at the small size. */
  zoom: boolean;
  theme: Theme | undefined;
  /** Cells of a grid drawn as not yet computed (the view's, and those whose chip is still flying). */
  hiddenFor(spec: GridSpec): Set<number> | undefined;
  /** Cells of a grid related to the hovered cell, and cells the frame is about. */
  highlighted(grid: string): Set<number>;
  active(grid: string): Set<number>;
  /** Cells outlined as another chapter's (chapter 6: the cells that fed the output y(i, j) paints). */
  ghost(grid: string): Set<number> | undefined;
  /** The answers under the chapter's grids, less the chapter and frame (read from the player). */
  answers: Omit<AnswersContext, 'chapter' | 'frame'>;
  onKey(e: KeyboardEvent): void;
  onHover(e: Event): void;
  onActivate(e: Event): void;
  onSpeed(speed: number): void;
  onZoom(): void;
  onIndependent(on: boolean): void;
  onTryStride(): void;
  /** Chapter 9's choice of g, and chapter 10's training controls. */
  gradient: GradientControls;
  learn: LearnControls;
}

export function renderPlayer(ctx: PlayerViewContext) {
  const { player: p, model: m, view: v } = ctx;
  const ch = ctx.chapters[p.chapter - 1];
  const frame = ch.frames[p.frame];
  const last = ch.frames.length - 1;
  const atEnd = p.frame >= last;
  return html`<section class="player" part="player" aria-label="Explainer" @keydown=${ctx.onKey}>
    <div class="tabs" part="tabs" role="tablist" aria-label="Chapters">
      ${ctx.chapters.map(
        (c) =>
          html`<button
            type="button"
            class="tab"
            part="tab"
            role="tab"
            id=${`tab-${c.number}`}
            aria-selected=${c.number === p.chapter ? 'true' : 'false'}
            aria-controls="panel"
            tabindex=${c.number === p.chapter ? 0 : -1}
            @click=${() => p.goChapter(c.number)}
          >
            <span class="n">${c.number}</span><span>${c.title}</span>
          </button>`,
      )}
    </div>
    <div
      class="panel"
      part="panel"
      id="panel"
      role="tabpanel"
      aria-labelledby=${`tab-${p.chapter}`}
      aria-describedby="keys"
      tabindex="0"
    >
      <p class="eyebrow">Chapter ${ch.number} of ${ctx.chapters.length}</p>
      <h2 class="title">${ch.title}</h2>
      <p class="summary">${ch.summary}</p>
      <div class="transport" part="transport">
        <div class="buttons">
          ${button('Previous chapter', icons.chapterBack, () => p.prevChapter(), p.chapter <= 1)}
          ${button('First frame', icons.first, () => p.first(), p.frame === 0)}
          ${button('Step back', icons.stepBack, () => p.prev(), p.frame === 0)}
          <button
            type="button"
            class="btn primary"
            id="play"
            aria-label=${p.playing ? 'Pause' : 'Play'}
            title=${p.playing ? 'Pause (Space)' : 'Play (Space)'}
            @click=${() => p.toggle()}
          >
            ${p.playing ? icons.pause : icons.play}
          </button>
          ${button('Step forward', icons.stepForward, () => p.next(), atEnd)}
          ${button('Last frame', icons.last, () => p.last(), atEnd)}
          ${button(
            'Next chapter',
            icons.chapterForward,
            () => p.nextChapter(),
            p.chapter >= ctx.chapters.length,
            atEnd && p.chapter < ctx.chapters.length,
          )}
        </div>
        <div class="timeline">
          <input
            type="range"
            id="timeline"
            aria-label="Frame"
            min="0"
            max=${last}
            step="1"
            .value=${live(String(p.frame))}
            aria-valuetext=${p.frame === 0 ? 'Intro' : `Step ${stepCounter(ch, p.frame)}`}
            ?disabled=${last === 0}
            @input=${(e: Event) => p.seek(Number((e.target as HTMLInputElement).value))}
          />
          <span class="counter" id="counter">${stepCounter(ch, p.frame)}</span>
        </div>
        <label class="speed"
          >Speed
          <select
            id="speed"
            .value=${live(String(p.speed))}
            @change=${(e: Event) => {
              ctx.onSpeed(Number((e.target as HTMLSelectElement).value));
            }}
          >
            ${SPEEDS.map((s) => html`<option value=${String(s)} ?selected=${s === p.speed}>${s}×</option>`)}
          </select>
        </label>
        ${
          v.rows.some((r) => r.items.some((i) => i.type === 'grid' && i.size === 'compact'))
            ? html`<button
                type="button"
                class="text-btn"
                id="zoom"
                aria-pressed=${ctx.zoom ? 'true' : 'false'}
                @click=${() => {
                  ctx.onZoom();
                }}
              >
                Larger cells
              </button>`
            : nothing
        }
      </div>
      <p class="narration" part="narration" id="narration" aria-hidden="true">${frame.narration}</p>
      <div class="visually-hidden" aria-live="polite" aria-atomic="true" id="live">${ctx.announce}</div>
      <div
        class="stage"
        part="stage"
        data-chapter=${ch.id}
        @tconv-cell-hover=${ctx.onHover}
        @tconv-cell-activate=${ctx.onActivate}
      >
        ${leadingExtras(ctx, ch, p.frame)}
        ${v.rows.map(
          (row) =>
            html`<div class="row">
              ${row.title ? html`<h3 class="row-title">${row.title}</h3>` : nothing}
              ${row.items.map((item) => renderItem(ctx, item))}
            </div>`,
        )}
        ${chapterExtras(ctx, ch, p.frame)}
      </div>
      <p class="keys" id="keys">
        Keyboard: <kbd>Space</kbd> play/pause · <kbd>←</kbd> <kbd>→</kbd> step · <kbd>Home</kbd>
        <kbd>End</kbd> first/last frame · <kbd>PgUp</kbd> <kbd>PgDn</kbd> chapter
      </p>
    </div>
  </section>`;
}

/** Narrow screens scroll the chapter list sideways: the current chapter's tab is kept in the middle of it. */
export function centreTab(tab: HTMLElement): void {
  const list = tab.parentElement!;
  if (list.scrollWidth > list.clientWidth) {
    list.scrollLeft = tab.offsetLeft - list.offsetLeft - (list.clientWidth - tab.offsetWidth) / 2;
  }
}

function button(label: string, icon: unknown, action: () => void, inert: boolean, ready = false) {
  // Never disabled: a disabled button would drop keyboard focus out of the player.
  return html`<button
    type="button"
    class="btn ${ready ? 'next-ready' : ''}"
    aria-label=${label}
    title=${label}
    aria-disabled=${inert ? 'true' : 'false'}
    @click=${() => {
      if (!inert) action();
    }}
  >
    ${icon}
  </button>`;
}

function renderItem(ctx: PlayerViewContext, item: Item) {
  if (item.type === 'op') {
    return html`<span class="op" role="img" aria-label=${item.label}>${item.text}</span>`;
  }
  return renderGrid(ctx, item);
}

function renderGrid(ctx: PlayerViewContext, spec: GridSpec) {
  // "Larger cells" draws compact grids at the small size; they then scroll inside their own box.
  const size = spec.size === 'compact' && ctx.zoom ? 'small' : spec.size;
  return html`<figure class="item">
    <tconv-grid
      grid-id=${spec.id}
      class=${`size-${size}`}
      density=${size === 'compact' ? 'compact' : 'normal'}
      theme=${ifDefined(ctx.theme || undefined)}
      .label=${spec.label}
      .rows=${spec.rows}
      .cols=${spec.cols}
      .values=${spec.values}
      .kinds=${spec.kinds}
      .revealed=${spec.revealed ?? null}
      .hiddenCells=${ctx.hiddenFor(spec)}
      .faded=${spec.faded}
      .subscripts=${spec.subscripts}
      .cellText=${spec.cellText}
      .scale=${spec.scale}
      .format=${spec.format}
      .highlighted=${ctx.highlighted(spec.id)}
      .active=${ctx.active(spec.id)}
      .ghost=${ctx.ghost(spec.id)}
      ?headers=${MATRICES.has(spec.id)}
    ></tconv-grid>
    ${spec.note ? html`<figcaption class="note">${spec.note}</figcaption>` : nothing}
  </figure>`;
}

/** Chapters 9 and 10's own controls come before their grids: they change what the grids show (and the loss curve is what to watch). */
function leadingExtras(ctx: PlayerViewContext, ch: Chapter, frame: number) {
  const m = ctx.model;
  if (ch.id === 'gradient') return renderGradient(m.gradient.source, ctx.gradient);
  if (ch.id === 'learn') {
    const L = m.learning;
    return renderLearn(L, L.snapshots[Math.min(frame, L.snapshots.length - 1)].iteration, ctx.learn);
  }
  return nothing;
}

function chapterExtras(ctx: PlayerViewContext, ch: Chapter, frame: number) {
  const answers = renderAnswers({ ...ctx.answers, chapter: ch.id, frame });
  // Chapter 7's count of wasted multiplications belongs with its grids; elsewhere the answers come first.
  return ch.id === 'zeros'
    ? html`${chapterNotes(ctx, ch, frame)}${answers}`
    : html`${answers}${chapterNotes(ctx, ch, frame)}`;
}

function chapterNotes(ctx: PlayerViewContext, ch: Chapter, frame: number) {
  const m = ctx.model;
  if (ch.id === 'transposed' || ch.id === 'transpose') {
    return html`<div class="aside-note">
      <p>
        The weights of Cᵀ need not come from C: only the layout is transposed. A transposed-convolution layer learns its
        own kernel.
      </p>
      <label class="check">
        <input
          type="checkbox"
          id="independent"
          .checked=${live(m.values.kt !== null)}
          @change=${(e: Event) => ctx.onIndependent((e.target as HTMLInputElement).checked)}
        />
        Use independent weights
      </label>
    </div>`;
  }
  if (ch.id === 'overlap' && m.config.stride[0] === 1 && m.config.stride[1] === 1) {
    return html`<div class="aside-note">
      <p>
        With stride 1 every kernel placement is one step from the last, so the interior is covered evenly. The
        checkerboard appears when the stride does not divide the kernel size.
      </p>
      <button
        type="button"
        class="text-btn"
        id="try-stride"
        @click=${() => {
          ctx.onTryStride();
        }}
      >
        Try stride 2
      </button>
    </div>`;
  }
  if (ch.id === 'zeros') {
    const { taps, done } = multiplicationStrip(m, frame);
    const z = m.zeroInsertion;
    const now = frame >= 3 && frame - 3 < taps.length ? frame - 3 : -1;
    return html`<div class="strip">
      <p>
        Zero insertion does <strong>${z.multiplications}</strong> multiplications;
        <strong id="zero-mults">${z.zeroMultiplications}</strong> of them multiply an inserted zero or padding — work
        the direct scatter never does.
      </p>
      <div
        class="taps"
        role="img"
        aria-label=${`${done} of ${taps.length} outputs computed by zero insertion; ${z.zeroMultiplications} of its ${z.multiplications} multiplications are by zero.`}
      >
        ${taps.map(
          (w, o) =>
            html`<span
              class="win ${o < done ? '' : 'todo'} ${o === now ? 'now' : ''}"
              ${styleProps({ 'max-width': `calc(${m.k.cols} * 9px + 4px)` })}
              >${w.map((zero) => html`<span class="tap ${zero ? 'zero' : ''}"></span>`)}</span
            >`,
        )}
      </div>
      <div class="legend" aria-hidden="true">
        <span><span class="tap"></span>multiplies a value of y</span>
        <span><span class="tap zero"></span>multiplies a zero</span>
      </div>
    </div>`;
  }
  return nothing;
}
