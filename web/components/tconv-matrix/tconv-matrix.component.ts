// <tconv-matrix>'s class (tconv-matrix.ts defines the element): the animated
// explainer. Its API is the JSDoc on the class and its fields below, which
// `npm run docs` turns into the README's tables (custom-elements-manifest.config.mjs).

import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';

import { CONFIG_KEYS, type ExplainerConfig, quote } from '../../lib/explainer/config.js';
import { type Flight, flights } from '../../lib/explainer/flights.js';
import type { ExplainerModel } from '../../lib/explainer/model-types.js';
import { type Move, Player } from '../../lib/explainer/player.js';
import {
  configText,
  figureParams,
  LEARN_KEYS,
  paramsText,
  resolve,
  type Resolved,
  resolveDefault,
  stateParams,
  type StateText,
} from '../../lib/explainer/state.js';
import { type Chapter, chapters, formatStep, parseStep } from '../../lib/explainer/timeline.js';
import { type GridSpec, view, type ViewGridId } from '../../lib/explainer/views.js';
import { matrixExportSource } from '../export/hook.js';
import { CoreController } from '../shared/core-controller.js';
import { TconvElement } from '../shared/tconv-element.js';
import { legacyThemeStyles } from '../shared/theme.styles.js';
import type { Loading } from '../shared/visibility.js';
import type { TconvCellActivateDetail, TconvCellHoverDetail, TconvGrid } from '../tconv-grid/tconv-grid.js';
import '../tconv-grid/tconv-grid.js';
import { AnswersHost } from './answers-host.js';
import { answersStyles } from './answers.styles.js';
import { attributeControls } from './attribute-controls.js';
import { CellEditor } from './cell-editor.js';
import { controlsStyles } from './controls.styles.js';
import { gradientsStyles } from './gradients.styles.js';
import { renderSidePanel } from './controls.js';
import { Highlights } from './highlights.js';
import { playerKey } from './keyboard.js';
import { centreTab, type PlayerViewContext, renderPlayer } from './player-view.js';
import { Sharing } from './sharing.js';
import { StepMotion } from './step-motion.js';
import { styles } from './tconv-matrix.styles.js';

export interface TconvStepChangeDetail {
  chapter: number;
  frame: number;
  step: string;
}

export interface TconvConfigChangeDetail {
  params: string;
}

export interface TconvMatrixEvents {
  /** The player moved; step as in the step attribute ("3.2"). */
  'tconv-step-change': TconvStepChangeDetail;
  /** The figure shown changed; params: its state as URL parameters without the step, e.g. "input=4&kernel=3". */
  'tconv-config-change': TconvConfigChangeDetail;
  /** The first figure is drawn. */
  'tconv-ready': Record<string, never>;
  /** The WebAssembly core could not load. */
  'tconv-error': { message: string };
}

const TEXT_PROPS = [...CONFIG_KEYS, 'values', 'x', 'k', 'y', 'kt', ...LEARN_KEYS] as const;

/** How long a new chapter takes to fade in (opacity only: the chips of its first step read the cells' boxes). */
const CHAPTER_FADE_MS = 320;

export { FIGURE_ATTRIBUTES } from '../../lib/explainer/state.js';

/**
 * How a convolution becomes a matrix C, how Cᵀ up-samples, why it is conv2d's backward pass and how its weights are
 * learned, in ten chapters that play, pause, step and scrub.
 * Every number comes from the WASM core through web/lib/explainer; the element only lays the model out. The
 * attributes are the explainer page's URL parameters (a link's query string copies over as is); invalid or
 * out-of-range text falls back to the default with a visible notice. The page, not the element, updates the URL.
 *
 * Keyboard, while focus is in the player: Space play/pause, ←/→ step, Home/End first/last frame, PageUp/PageDown
 * previous/next chapter; arrow keys inside a grid move between its cells.
 *
 * Custom properties are read on the element or any ancestor (light and dark defaults: web/components/shared/
 * theme-tokens.ts), and so are the grids' (see tconv-grid). The older names --tconv-matrix-bg, -surface,
 * -surface-2, -text, -muted, -border, -accent, -accent-soft, -alert, -radius, -font and -mono win on this element.
 *
 * @summary The explainer: a convolution as the matrix C, Cᵀ·vec(y) up-sampling, its gradient and its training, in ten animated chapters.
 * @cssprop --tconv-font - font family of text and numbers
 * @cssprop --tconv-mono - font family of code and formulas
 * @cssprop --tconv-radius - corner radius of cards
 * @cssprop --tconv-surface - cards and the player
 * @cssprop --tconv-surface-2 - narration, code, hover
 * @cssprop --tconv-text - text
 * @cssprop --tconv-muted - secondary text, captions
 * @cssprop --tconv-border - borders of cards and fields
 * @cssprop --tconv-accent - play button, selected chapter, focus rings
 * @cssprop --tconv-accent-soft - background of selected items
 * @cssprop --tconv-on-accent - text and icons on the accent colour
 * @cssprop --tconv-active - the cells the current step is about
 * @cssprop --tconv-alert - error text
 * @cssprop --tconv-alert-bg - error background
 * @cssprop --tconv-notice - notice text (ignored parameters)
 * @cssprop --tconv-notice-bg - notice background
 * @cssprop --tconv-shadow - shadow of cards
 * @csspart player - the player: tabs, narration, stage and transport
 * @csspart tabs - the chapter tabs
 * @csspart tab - one chapter tab
 * @csspart panel - the current chapter
 * @csspart narration - the chapter's text
 * @csspart stage - the grids
 * @csspart transport - play, step and speed buttons, the scrubber
 * @csspart controls - the side panel (with the controls attribute)
 * @csspart notices - the notices about ignored parameters
 */
export class TconvMatrix extends TconvElement<TconvMatrixEvents> {
  static override properties: PropertyDeclarations = {
    input: { type: String, reflect: true },
    kernel: { type: String, reflect: true },
    stride: { type: String, reflect: true },
    padding: { type: String, reflect: true },
    dilation: { type: String, reflect: true },
    outputPadding: { type: String, attribute: 'output-padding', reflect: true },
    values: { type: String, reflect: true },
    x: { type: String, reflect: true },
    k: { type: String, reflect: true },
    y: { type: String, reflect: true },
    kt: { type: String, reflect: true },
    grad: { type: String, reflect: true },
    seed: { type: String, reflect: true },
    target: { type: String, reflect: true },
    lr: { type: String, reflect: true },
    step: { type: String, reflect: true },
    speed: { type: Number, reflect: true },
    autoplay: { type: Boolean, reflect: true },
    controls: { type: Boolean, reflect: true },
    loading: { type: String, reflect: true },
  };

  static override styles = [
    TconvElement.styles,
    legacyThemeStyles('matrix'),
    styles,
    controlsStyles,
    answersStyles,
    gradientsStyles,
  ];

  /** Input size: "4x4", "4x3", or "2" for both dimensions (1 … 10). @default '4x4' */
  declare input: string | null;
  /** Kernel size, written like input (1 … 7). @default '3x3' */
  declare kernel: string | null;
  /** Stride, written like input (1 … 5). @default '1' */
  declare stride: string | null;
  /** Padding per side, like input (0 … 5): conv2d's zeros, the rows conv_transpose2d crops. @default '0' */
  declare padding: string | null;
  /** Spacing of the kernel taps, written like input (1 … 5). @default '1' */
  declare dilation: string | null;
  /** Extra rows and columns on one side of the transposed output (0 … 4). @default '0' */
  declare outputPadding: string | null;
  /** Preset values: seed, count, ones or random. @default 'seed' */
  declare values: string | null;
  /** Edited input values, a comma list in row-major order (written when a cell is edited). */
  declare x: string | null;
  /** Edited kernel values, a comma list in row-major order. */
  declare k: string | null;
  /** Edited values of y, the input of the transposed convolution, a comma list. */
  declare y: string | null;
  /** Weights of Cᵀ: absent = the kernel k; present and empty = independent, with the preset's values; a list. */
  declare kt: string | null;
  /** Chapter 9's gradient on conv2d's output: "y" (L = Σ y ⊙ conv2d(x, k)) or "ones" (L = Σ conv2d(x, k)). @default 'y' */
  declare grad: string | null;
  /** Chapter 10: seed of the starting kernel, a whole number 1 … 999999. @default '1' */
  declare seed: string | null;
  /** Chapter 10: what the learned up-sampling should match, "kernel" (k's own output) or "bilinear" (y up-sampled). @default 'kernel' */
  declare target: string | null;
  /** Chapter 10: the learning rate, a positive number; absent = the safe rate 1/L, at which the loss cannot rise. */
  declare lr: string | null;
  /** "3" (chapter 3, first frame) or "3.2" (chapter 3, frame 2); written as the player moves. Absent: chapter 1. */
  declare step: string | null;
  /** Playback speed factor; the player's menu offers 0.25 … 4. */
  declare speed: number;
  /** Play once, when the figure is drawn and on screen (not with prefers-reduced-motion). */
  declare autoplay: boolean;
  /** Show the side panel: sizes, presets, value editing, formulas, PyTorch code, copy link, copy embed code. */
  declare controls: boolean;
  /** "lazy": load, compute and play only near the viewport (pausing off-screen); "eager": at once. */
  declare loading: Loading;

  /** The core, loaded once near the viewport: off-screen figures load, compute and play nothing. */
  private readonly _core = new CoreController(this, {
    onVisibility: (visible) => this._onVisibility(visible),
    onError: (message) => this.emitAfterUpdate('tconv-error', { message }),
  });
  /** Playback was paused because the figure left the screen: it resumes when it is back. */
  private _resumeOnShow = false;
  private _state: Resolved | null = null;
  private _requested: ExplainerConfig | null = null;
  private _error = '';
  /** The same refusal for the top of the figure, naming the configuration that was asked for. */
  private _refusal = '';
  private _notices: string[] = [];
  private _chapters: Chapter[] = [];
  private _stepDirty = true;
  private _readyFired = false;
  private _autoplayDone = false;
  private readonly _highlights = new Highlights();
  private _entering = false;
  private _announce = '';
  private _focusTab = false;
  private _zoom = false;
  private _shownTab = '';
  private _lastParams = '';
  private _lastStep = '';
  private _reduced: MediaQueryList | null = null;

  private _player = new Player({
    frameCount: (c) => this._chapters[c - 1]?.frames.length ?? 1,
    chapterCount: () => Math.max(1, this._chapters.length),
    chapterId: (c) => this._chapters[c - 1]?.id ?? 'slide',
    show: (c, f, move) => this._show(c, f, move),
    playingChanged: () => this.requestUpdate(),
  });

  private readonly _motion = new StepMotion(this, (grid) => this._gridEl(grid));

  /** The answers under the grids: the demo writes y and kt, and moves the player. */
  private readonly _answers = new AnswersHost({
    tc: () => this._core.tc,
    chapters: () => this._chapters,
    setValues: (y, kt) => {
      this.y = y;
      if (kt !== undefined) this.kt = kt;
    },
    goTo: (chapter, frame) => this.goTo(chapter, frame),
  });

  private readonly _editor = new CellEditor(this, {
    model: () => this._state?.model ?? null,
    gridEl: (grid) => this._gridEl(grid),
    commit: (key, text) => {
      this[key] = text;
    },
  });

  constructor() {
    super();
    for (const key of TEXT_PROPS) this[key] = null;
    this.step = null;
    this.speed = 1;
    this.autoplay = false;
    this.controls = false;
    this.loading = 'lazy';
  }

  // ---- public API ----

  /** The explainer model shown (every number of every chapter), or null before the core has loaded. */
  get model(): ExplainerModel | null {
    return this._state?.model ?? null;
  }

  /** The configuration shown; setting it writes the six size attributes. */
  get config(): ExplainerConfig | null {
    return this._state?.config ?? null;
  }

  set config(config: ExplainerConfig) {
    const text = configText(config);
    for (const key of CONFIG_KEYS) this[key] = text[key];
  }

  /** The current chapter, from 1. */
  get chapter(): number {
    return this._player.chapter;
  }

  /** The current frame of the chapter, from 0. */
  get frame(): number {
    return this._player.frame;
  }

  /** Why the figure cannot be drawn (the core did not load), or "". */
  get error(): string {
    return this._error;
  }

  /** The notices shown about ignored or capped parameters. */
  get notices(): string[] {
    return [...this._notices];
  }

  /** Plays from the current step. */
  play(): void {
    this._player.play();
  }

  /** Pauses. */
  pause(): void {
    this._player.pause();
  }

  /** Pauses and shows a chapter (from 1) and frame (from 0). */
  goTo(chapter: number, frame = 0): void {
    this._player.pause();
    this._player.set(chapter, frame);
    this._show(this._player.chapter, this._player.frame, 'seek');
  }

  // ---- lifecycle ----

  override connectedCallback(): void {
    this._reduced ??= window.matchMedia('(prefers-reduced-motion: reduce)');
    super.connectedCallback();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._resumeOnShow = false;
    this._player.pause();
  }

  private _onVisibility(visible: boolean): void {
    if (visible) {
      if (this._resumeOnShow) {
        this._resumeOnShow = false;
        this._player.play();
      } else {
        this._maybeAutoplay();
      }
    } else if (this._player.playing) {
      this._resumeOnShow = true;
      this._player.pause();
    }
  }

  /** Plays the first chapter once, when autoplay is set, the figure is drawn and on screen. */
  private _maybeAutoplay(): void {
    if (!this.autoplay || this._autoplayDone || !this._state || !this._core.visible || this._reduced?.matches) return;
    this._autoplayDone = true;
    void Promise.resolve().then(() => this._player.play());
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('speed')) this._player.setSpeed(this.speed);
    if (changed.has('step')) this._stepDirty = true;
    if (!this._core.tc) return;
    const textChanged = !this._state || TEXT_PROPS.some((p) => changed.has(p));
    if (textChanged) this._resolve();
    if (this._stepDirty) this._applyStepText();
    if (this._state) this._syncStep();
  }

  protected override updated(): void {
    if (!this._readyFired && this._state) {
      this._readyFired = true;
      this.emit('tconv-ready', {});
      this._maybeAutoplay();
    }
    const tab = this.renderRoot.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]');
    if (this._focusTab) {
      this._focusTab = false;
      void Promise.resolve().then(() => tab?.focus());
    }
    this._answers.updated(this.renderRoot);
    if (tab && tab.id !== this._shownTab) {
      this._shownTab = tab.id;
      centreTab(tab);
    }
    if (this._entering) {
      this._entering = false;
      this.renderRoot.querySelector('.stage')?.animate([{ opacity: 0 }, { opacity: 1 }], {
        duration: CHAPTER_FADE_MS,
        easing: 'ease-out',
      });
    }
  }

  // ---- state ----

  private _text(): StateText {
    const text = {} as StateText;
    for (const key of TEXT_PROPS) text[key] = this[key] ?? null;
    return text;
  }

  private _resolve(): void {
    const tc = this._core.tc!;
    const r = resolve(tc, this._text());
    this._notices = r.notices;
    if (r.ok) {
      this._requested = r.state.config;
      this._error = this._refusal = '';
      this._setState(r.state);
    } else {
      this._requested = r.config;
      const then = this._state
        ? 'The figure still shows the last valid parameters.'
        : 'Showing the default example instead.';
      this._error = `${r.error} ${then}`;
      this._refusal = `${r.refusal} ${then}`;
      if (!this._state) this._setState(resolveDefault(tc));
    }
  }

  private _setState(state: Resolved): void {
    if (this._state?.model === state.model) return;
    this._motion.stop();
    this._editor.close();
    this._state = state;
    this._chapters = chapters(state.model);
    this._player.set(this._player.chapter, this._player.frame);
    this._highlights.reset();
    const params = paramsText(stateParams(state));
    if (params !== this._lastParams) {
      this._lastParams = params;
      this.emitAfterUpdate('tconv-config-change', { params });
    }
  }

  private _applyStepText(): void {
    if (!this._state) return;
    this._stepDirty = false;
    const text = this.step;
    if (text === null || text === formatStep(this._player.chapter, this._player.frame)) return;
    const parsed = parseStep(text, this._chapters);
    if (!parsed) {
      this._notices = [
        ...this._notices,
        `Ignored step=${quote(text)}: expected a chapter like 3 or a chapter and frame like 3.2.`,
      ];
    } else {
      if (parsed.notice) this._notices = [...this._notices, parsed.notice];
      this._player.pause();
      this._motion.stop();
      this._player.set(parsed.chapter, parsed.frame);
      this._announce = this._narration();
    }
  }

  /** Reflects the player's position in the step attribute and tells the page. */
  private _syncStep(): void {
    const { chapter, frame } = this._player;
    const step = formatStep(chapter, frame);
    if (this.step !== null || step !== '1') this.step = step;
    if (step !== this._lastStep) {
      this._lastStep = step;
      this.emitAfterUpdate('tconv-step-change', { chapter, frame, step });
    }
  }

  private _narration(): string {
    const ch = this._chapters[this._player.chapter - 1];
    return ch?.frames[this._player.frame]?.narration ?? '';
  }

  /** The player moved: plan the step's motion, draw the frame, then fly. */
  private _show(chapter: number, frame: number, move: Move): void {
    this._editor.close();
    const m = this._state?.model;
    const ch = this._chapters[chapter - 1];
    let list: Flight[] = [];
    if (m && ch) {
      if (move === 'forward') list = flights(m, ch.id, frame);
      else if (move === 'chapter' && frame === 0) list = flights(m, ch.id, 0, true);
    }
    this._motion.plan(list, this._player.motionDuration(), this._reduced?.matches ?? false);
    if (move === 'chapter') {
      this._entering = true;
      this._highlights.hover = null; // the hovered grid is gone
      this._announce = `Chapter ${chapter}: ${ch?.title ?? ''}. ${this._narration()}`;
    } else {
      this._announce = this._narration();
    }
    this._syncStep();
    this.requestUpdate();
  }

  private _gridEl(id: ViewGridId): TconvGrid | null {
    return this.renderRoot.querySelector<TconvGrid>(`tconv-grid[grid-id="${id}"]`);
  }

  // ---- linked highlighting ----

  private _onHover = (e: Event): void => {
    const m = this._state?.model;
    if (m && this._highlights.hovered(m, (e as CustomEvent<TconvCellHoverDetail>).detail)) this.requestUpdate();
  };

  // ---- editing values ----

  private _onActivate = (e: Event): void => {
    const d = (e as CustomEvent<TconvCellActivateDetail>).detail;
    // On touch screens a first tap shows the cell's links; a second tap on the same cell edits it.
    if (!this.controls || (d.source === 'touch' && this._highlights.hover !== null)) return;
    if (this._editor.activate(d.gridId, d.index)) this._player.pause();
  };

  // ---- controls ----

  /** The side panel's and the chapters' controls: they write attributes. */
  private readonly _controls = attributeControls(this, {
    tc: () => this._core.tc,
    requested: () => this._requested,
    shown: () => this._state,
    showDemo: () => this._answers.showDemo(),
  });

  private readonly _sharing = new Sharing({
    root: () => this.renderRoot,
    theme: () => this.theme,
    params: () =>
      this._state
        ? figureParams(this._state, formatStep(this._player.chapter, this._player.frame))
        : new URLSearchParams(),
    requestUpdate: () => this.requestUpdate(),
  });

  /** GIF, video, PNG and SVG of the frames on screen (web/components/export). */
  private readonly _export = matrixExportSource(this);

  // ---- keyboard ----

  private _onKey = (e: KeyboardEvent): void => {
    const result = playerKey(e, this._player);
    if (result === 'ignored') return;
    if (result === 'moved-tab') this._focusTab = true;
    this.requestUpdate();
  };

  // ---- rendering ----

  protected override render() {
    if (this._core.error) {
      return html`<p class="load-error" role="alert">
        Could not load the WebAssembly core, so there is nothing to compute with: ${this._core.error}
      </p>`;
    }
    const state = this._state;
    if (!state) return html`<p class="loading" role="status">Loading the WebAssembly core…</p>`;
    return html`
      <div class="frame">
        ${
          // At the top, where a reader who followed a link looks first, not below the player.
          this._refusal ? html`<p class="alert" id="figure-error" role="alert">${this._refusal}</p>` : nothing
        }
        ${
          this._notices.length
            ? html`<ul class="notices" part="notices" role="status">
                ${this._notices.map((n) => html`<li>${n}</li>`)}
              </ul>`
            : nothing
        }
        <div class="layout">
          ${renderPlayer(this._playerContext(state.model))}
          ${
            this.controls
              ? html`<div class="side" part="controls">
                  ${renderSidePanel(state, this._requested, this._error, this._controls, this._sharing)}
                </div>`
              : nothing
          }
        </div>
        <tconv-export class="export" theme=${this.theme ?? 'auto'} .source=${this._export}></tconv-export>
      </div>
      <div class="fx" aria-hidden="true"></div>
      ${this._editor.render()}
    `;
  }

  /** What the player draws now; the linked-highlighting sets are recomputed only when their inputs change. */
  private _playerContext(m: ExplainerModel): PlayerViewContext {
    const p = this._player;
    const ch = this._chapters[p.chapter - 1];
    const v = view(m, ch.id, p.frame);
    return {
      ...this._highlights.sets(m, v, ch, p.chapter, p.frame),
      model: m,
      chapters: this._chapters,
      player: p,
      view: v,
      announce: this._announce,
      zoom: this._zoom,
      theme: this.theme,
      hiddenFor: (spec: GridSpec) => this._motion.hiddenFor(spec),
      ghost: (grid: string) => (grid === 'tout' ? this._answers.ghost(m, ch, p.frame) : undefined),
      answers: this._answers.context(m, this.theme),
      onKey: this._onKey,
      onHover: this._onHover,
      onActivate: this._onActivate,
      onSpeed: (speed: number) => {
        this.speed = speed;
      },
      onZoom: () => {
        this._zoom = !this._zoom;
        this.requestUpdate();
      },
      onIndependent: this._controls.onIndependent,
      onTryStride: this._controls.onTryStride,
      gradient: this._controls.gradient,
      learn: this._controls.learn,
    };
  }
}
