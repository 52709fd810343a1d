/**
 * <tconv-matrix>: the animated explainer. How a convolution becomes a matrix
 * C, and how Cᵀ up-samples, in eight chapters that play, pause, step and
 * scrub. Every number comes from the WASM core through web/lib/explainer; the
 * element only lays the model out (it does no arithmetic on the values).
 *
 *   <tconv-matrix input="4x4" kernel="3x3" stride="1" padding="0" dilation="1" output-padding="0"
 *                 step="2.3" values="seed" autoplay controls></tconv-matrix>
 *
 * Attributes (= properties; the same names as the page's URL parameters):
 *   input, kernel, stride, padding, dilation, output-padding (property outputPadding)
 *                 "4x4", "4x3" or "2" (both dimensions); invalid or out-of-range text falls back to the
 *                 default with a visible notice. Reflected: the controls write them.
 *   values        preset: seed | count | ones | random (default seed)
 *   x, k, y, kt   comma lists of values (row-major), set when edited; kt="" (present, empty) turns on
 *                 independent weights for Cᵀ with the preset's values; absent kt = Cᵀ reuses k.
 *   step          "3" (chapter 3, first frame) or "3.2" (chapter 3, frame 2). Reflected as the player moves.
 *   speed         playback speed factor (0.25 … 4, default 1)
 *   autoplay      boolean: play the first chapter once ready (not with prefers-reduced-motion)
 *   controls      boolean: show the side panel (sizes, presets, value editing, formulas, code, copy link,
 *                 copy embed code)
 *   theme         "light" | "dark": overrides prefers-color-scheme (also passed to the grids)
 *   loading       "lazy" (default): nothing is loaded or computed, and nothing plays, until the figure comes
 *                 near the viewport; playback pauses while it is off-screen. "eager": compute at once.
 * Read-only properties: model (ExplainerModel | null), chapter (1-based), frame, error (string), notices (string[]).
 * Property config: ExplainerConfig (get: the figure shown; set: writes the six attributes).
 * Methods: play(), pause(), goTo(chapter, frame).
 *
 * Isolation: Shadow DOM, and `all: initial` at :host: the page's CSS does not reach inside, only the custom
 * properties below do. The layout follows the element's own width (container queries), from 320 px up.
 *
 * Events (CustomEvent, bubbles, composed). The element never touches location or history: the page listens.
 *   tconv-step-change    detail { chapter: number, frame: number, step: string }   the player moved ("3.2")
 *   tconv-config-change  detail { params: string }   the figure's state as URL parameters (without step),
 *                        e.g. "input=4&kernel=3&stride=2"; fired when the figure shown changes
 *   tconv-ready          detail {}                  the first figure is drawn
 *   tconv-error          detail { message: string } the WebAssembly core could not load
 *
 * Keyboard (while focus is in the player): Space play/pause, ←/→ step, Home/End first/last frame,
 * PageUp/PageDown previous/next chapter. Arrow keys inside a grid move between its cells.
 *
 * CSS custom properties (on the element or an ancestor; light defaults, dark ones follow the colour scheme):
 *   --tconv-matrix-bg          page-coloured backgrounds      (#fbfbfd / #12151b)
 *   --tconv-matrix-surface     cards and the player           (#ffffff / #1a1e26)
 *   --tconv-matrix-surface-2   narration, code, hover          (#f4f5f9 / #222733)
 *   --tconv-matrix-text        text                            (#1d2330 / #e6e9ef)
 *   --tconv-matrix-muted       secondary text                  (#566072 / #a0a8b8)
 *   --tconv-matrix-border      borders                         (#dde1e8 / #2f3542)
 *   --tconv-matrix-accent      play button, selected chapter   (#5b3fd6 / #a897ff)
 *   --tconv-matrix-accent-soft selected chapter background     (#efeafd / #2b2650)
 *   --tconv-matrix-alert       error text                      (#b3261e / #ff8a80)
 *   --tconv-matrix-radius      corner radius of cards          (14px)
 *   --tconv-matrix-font, --tconv-matrix-mono   font families  (system-ui / ui-monospace)
 *   and every --tconv-* property of <tconv-grid> (cell size, colours of rings, padding, inserted zeros).
 * Parts: player, tabs, tab, panel, narration, stage, transport, controls, notices.
 */

import { html, LitElement, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';

import { CONFIG_KEYS, type ConfigKey, type ExplainerConfig, quote } from '../../lib/explainer/config.js';
import type { CellRef, ExplainerModel } from '../../lib/explainer/model-types.js';
import { indicesIn, related } from '../../lib/explainer/relations.js';
import { pytorchSnippet } from '../../lib/explainer/snippet.js';
import { type Chapter, chapters, formatStep, parseStep } from '../../lib/explainer/timeline.js';
import { parseValues, type Preset } from '../../lib/explainer/values.js';
import { embedCode } from '../shared/embed-code.js';
import { isolation } from '../shared/isolation.js';
import { CoreController } from '../shared/core-controller.js';
import type { Loading } from '../shared/visibility.js';
import { styleProps } from '../shared/style-props.js';
import type { TconvCellActivateDetail, TconvCellHoverDetail, TconvGrid } from '../tconv-grid/tconv-grid.js';
import '../tconv-grid/tconv-grid.js';
import { Animator, plan } from './animator.js';
import { renderControls } from './controls.js';
import * as icons from './icons.js';
import { type Move, Player, SPEEDS } from '../../lib/explainer/player.js';
import {
  configText,
  editedText,
  resolve,
  type Resolved,
  resolveDefault,
  stateParams,
  type StateText,
  VALUE_KEYS,
  type ValueKey,
  valuesTextFor,
} from '../../lib/explainer/state.js';
import { styles } from './styles.js';
import { forwardOfTransposed, transposedOfForward } from '../../lib/explainer/derived.js';
import { type CellPos, type Flight, flights } from '../../lib/explainer/flights.js';
import {
  type GridSpec,
  type Item,
  multiplicationStrip,
  view,
  type ViewGridId,
  type ViewSpec,
} from '../../lib/explainer/views.js';

export interface TconvStepChangeDetail {
  chapter: number;
  frame: number;
  step: string;
}

export interface TconvConfigChangeDetail {
  params: string;
}

const TEXT_PROPS = [...CONFIG_KEYS, 'values', 'x', 'k', 'y', 'kt'] as const;

const EMPTY: Set<number> = new Set();

/** URL parameters as text, with commas left readable in value lists. */
export function paramsText(params: URLSearchParams): string {
  return params.toString().replace(/%2C/gi, ',');
}

/** Which value a selected cell edits: grids of x, k, y and their layouts. */
function editTarget(m: ExplainerModel, grid: string, index: number): { key: ValueKey; index: number } | null {
  const independent = m.values.kt !== null;
  switch (grid) {
    case 'x':
    case 'vecx':
      return { key: 'x', index };
    case 'xpad':
      return m.xpad.dataIndex[index] >= 0 ? { key: 'x', index: m.xpad.dataIndex[index] } : null;
    case 'k':
      return { key: 'k', index };
    case 'kt':
      return { key: independent ? 'kt' : 'k', index };
    case 'y':
    case 'vecy':
      return { key: 'y', index };
    case 'zi': {
      const i = m.zeroInsertion.zi.dataIndex[index];
      return i >= 0 ? { key: 'y', index: i } : null;
    }
    default:
      return null;
  }
}

/** The cell editor keeps this far from the viewport's edge. */
const EDITOR_MARGIN_PX = 8;

const VALUE_NAMES: Record<ValueKey, string> = { x: 'x', k: 'k', y: 'y', kt: 'the independent kernel' };

/** The edited value's row and column, from 1. */
function editedCell(m: ExplainerModel, ed: { key: ValueKey; index: number }): [number, number] {
  const g = ed.key === 'kt' ? m.kt : ed.key === 'k' ? m.k : ed.key === 'x' ? m.x : m.y;
  return [Math.floor(ed.index / g.cols) + 1, (ed.index % g.cols) + 1];
}

/** Why the editor refuses `text` (parseValues did), naming the cell: "Row 2, column 3 of k: …". */
function refusal(m: ExplainerModel, ed: Editing): string {
  const [r, c] = editedCell(m, ed);
  const cell = `Row ${r}, column ${c} of ${VALUE_NAMES[ed.key]}`;
  const t = ed.text.trim().replace(/\u2212/g, '-');
  if (t === '') return `${cell} is empty: enter a number, like 3 or -1.5.`;
  // Accepted once its digits are zeros: then only its size was refused.
  if (parseValues(t.replace(/[1-9]/g, '0'), 1))
    return `${cell}: ${t} is too large to show; enter a number like 3 or -1.5.`;
  return `${cell}: “${ed.text.trim()}” is not a finite decimal number; enter one like 3 or -1.5.`;
}

interface Editing {
  key: ValueKey;
  index: number;
  grid: ViewGridId;
  cell: number;
  text: string;
  error: string;
}

/** The attributes that say which figure is shown: the explainer page's URL parameters. */
export const FIGURE_ATTRIBUTES = [
  'input',
  'kernel',
  'stride',
  'padding',
  'dilation',
  'output-padding',
  'values',
  'x',
  'k',
  'y',
  'kt',
  'step',
  'speed',
] as const;

export class TconvMatrix extends LitElement {
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
    step: { type: String, reflect: true },
    speed: { type: Number, reflect: true },
    autoplay: { type: Boolean, reflect: true },
    controls: { type: Boolean, reflect: true },
    theme: { type: String, reflect: true },
    loading: { type: String, reflect: true },
  };

  static override styles = [isolation('1rem', '1.5'), styles];

  declare input: string | null;
  declare kernel: string | null;
  declare stride: string | null;
  declare padding: string | null;
  declare dilation: string | null;
  declare outputPadding: string | null;
  declare values: string | null;
  declare x: string | null;
  declare k: string | null;
  declare y: string | null;
  declare kt: string | null;
  declare step: string | null;
  declare speed: number;
  declare autoplay: boolean;
  declare controls: boolean;
  declare theme: 'light' | 'dark' | undefined;
  declare loading: Loading;

  /** The core, loaded once near the viewport: off-screen figures load, compute and play nothing. */
  private readonly _core = new CoreController(this, {
    onVisibility: (visible) => this._onVisibility(visible),
    onError: (message) => this._events.push(['tconv-error', { message }]),
  });
  /** Playback was paused because the figure left the screen: it resumes when it is back. */
  private _resumeOnShow = false;
  private _state: Resolved | null = null;
  private _requested: ExplainerConfig | null = null;
  private _error = '';
  private _notices: string[] = [];
  private _chapters: Chapter[] = [];
  private _stepDirty = true;
  private _readyFired = false;
  private _autoplayDone = false;
  private _hover: string | null = null;
  private _hoverKey = '';
  private _hoverSets = new Map<string, Set<number>>();
  private _activeKey = '';
  private _activeSets = new Map<string, Set<number>>();
  private _pending = new Map<string, Set<number>>();
  private _toRun: { flights: Flight[]; duration: number; token: number } | null = null;
  private _runToken = 0;
  private _entering = false;
  private _announce = '';
  private _focusTab = false;
  private _zoom = false;
  private _shownTab = '';
  private _editing: Editing | null = null;
  private _focusEditor = false;
  private _refocus: { grid: ViewGridId; cell: number } | null = null;
  private _status = '';
  private _events: [string, object][] = [];
  private _lastParams = '';
  private _lastStep = '';
  private _snippet: { model: ExplainerModel; text: string } | null = null;
  private _reduced: MediaQueryList | null = null;

  private _player = new Player({
    frameCount: (c) => this._chapters[c - 1]?.frames.length ?? 1,
    chapterCount: () => Math.max(1, this._chapters.length),
    chapterId: (c) => this._chapters[c - 1]?.id ?? 'slide',
    show: (c, f, move) => this._show(c, f, move),
    playingChanged: () => this.requestUpdate(),
  });

  private _animator = new Animator({
    layer: () => this.renderRoot.querySelector<HTMLElement>('.fx'),
    rect: (p) => this._gridEl(p.grid)?.cellRect(p.index) ?? null,
    look: (p) => this._look(p),
    backdrop: () => {
      const el = this.renderRoot.querySelector('.player');
      return el ? getComputedStyle(el).backgroundColor : 'transparent';
    },
    landed: (p) => this._landed(p),
  });

  constructor() {
    super();
    for (const key of TEXT_PROPS) this[key] = null;
    this.step = null;
    this.speed = 1;
    this.autoplay = false;
    this.controls = false;
    this.theme = undefined;
    this.loading = 'lazy';
  }

  // ---- public API ----

  get model(): ExplainerModel | null {
    return this._state?.model ?? null;
  }

  get config(): ExplainerConfig | null {
    return this._state?.config ?? null;
  }

  set config(config: ExplainerConfig) {
    const text = configText(config);
    for (const key of CONFIG_KEYS) this[key] = text[key];
  }

  get chapter(): number {
    return this._player.chapter;
  }

  get frame(): number {
    return this._player.frame;
  }

  get error(): string {
    return this._error;
  }

  get notices(): string[] {
    return [...this._notices];
  }

  play(): void {
    this._player.play();
  }

  pause(): void {
    this._player.pause();
  }

  goTo(chapter: number, frame = 0): void {
    this._player.pause();
    this._player.set(chapter, frame);
    this._show(this._player.chapter, this._player.frame, 'seek');
  }

  // ---- lifecycle ----

  override connectedCallback(): void {
    this._reduced ??= window.matchMedia('(prefers-reduced-motion: reduce)');
    super.connectedCallback();
    window.addEventListener('scroll', this._onScroll, { capture: true, passive: true });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._resumeOnShow = false;
    this._player.pause();
    this._animator.finish();
    window.removeEventListener('scroll', this._onScroll, { capture: true });
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
      this._events.push(['tconv-ready', {}]);
      this._maybeAutoplay();
    }
    const events = this._events.splice(0);
    for (const [type, detail] of events) {
      this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
    }
    if (this._toRun) {
      const run = this._toRun;
      this._toRun = null;
      void this._startFlights(run);
    }
    const tab = this.renderRoot.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]');
    if (this._focusTab) {
      this._focusTab = false;
      void Promise.resolve().then(() => tab?.focus());
    }
    if (tab && tab.id !== this._shownTab) {
      // Narrow screens scroll the chapter list sideways: keep the current chapter in view.
      this._shownTab = tab.id;
      const list = tab.parentElement!;
      if (list.scrollWidth > list.clientWidth) {
        list.scrollLeft = tab.offsetLeft - list.offsetLeft - (list.clientWidth - tab.offsetWidth) / 2;
      }
    }
    if (this._focusEditor) {
      this._focusEditor = false;
      const input = this.renderRoot.querySelector<HTMLInputElement>('.editor input');
      // After this update: moving focus makes the grid report a hover change.
      void Promise.resolve().then(() => {
        input?.focus();
        input?.select();
      });
    }
    const editor = this.renderRoot.querySelector<HTMLElement>('.editor');
    if (editor) {
      // The editor opens over its cell; near the right edge of a narrow screen it grows leftwards
      // instead (its field stays at the right, near the cell) to stay in view.
      editor.style.translate = '';
      editor.classList.remove('leftwards');
      const box = editor.getBoundingClientRect();
      const over = box.right - (document.documentElement.clientWidth - EDITOR_MARGIN_PX);
      if (over > 0) {
        editor.style.translate = `${-Math.min(over, box.left - EDITOR_MARGIN_PX)}px 0`;
        editor.classList.add('leftwards');
      }
    }
    if (this._refocus) {
      const { grid, cell } = this._refocus;
      this._refocus = null;
      void this._gridEl(grid)?.updateComplete.then(() => this._gridEl(grid)?.focusCell(cell));
    }
    if (this._entering) {
      // A new chapter fades in (opacity only: the chips of its first step read the cells' boxes).
      this._entering = false;
      this.renderRoot.querySelector('.stage')?.animate([{ opacity: 0 }, { opacity: 1 }], {
        duration: 320,
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
      this._error = '';
      this._setState(r.state);
    } else {
      this._requested = r.config;
      if (this._state) {
        this._error = `${r.error} The figure still shows the last valid parameters.`;
      } else {
        this._error = `${r.error} Showing the default example instead.`;
        this._setState(resolveDefault(tc));
      }
    }
  }

  private _setState(state: Resolved): void {
    if (this._state?.model === state.model) return;
    this._animator.finish();
    this._pending = new Map();
    this._toRun = null;
    this._editing = null;
    this._state = state;
    this._chapters = chapters(state.model);
    this._player.set(this._player.chapter, this._player.frame);
    this._hoverKey = '';
    this._activeKey = '';
    const params = paramsText(stateParams(state));
    if (params !== this._lastParams) {
      this._lastParams = params;
      this._events.push(['tconv-config-change', { params } satisfies TconvConfigChangeDetail]);
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
      this._player.pause();
      this._animator.finish();
      this._pending = new Map();
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
      this._events.push(['tconv-step-change', { chapter, frame, step } satisfies TconvStepChangeDetail]);
    }
  }

  private _narration(): string {
    const ch = this._chapters[this._player.chapter - 1];
    return ch?.frames[this._player.frame]?.narration ?? '';
  }

  /** The player moved: plan the step's motion, draw the frame, then fly. */
  private _show(chapter: number, frame: number, move: Move): void {
    this._animator.finish();
    this._editing = null;
    const m = this._state?.model;
    const ch = this._chapters[chapter - 1];
    let list: Flight[] = [];
    if (m && ch) {
      if (move === 'forward') list = flights(m, ch.id, frame);
      else if (move === 'chapter' && frame === 0) list = flights(m, ch.id, 0, true);
    }
    const planned = plan(list, this._reduced?.matches ?? false);
    this._pending = planned.hidden;
    this._toRun = planned.flights.length
      ? { flights: planned.flights, duration: this._player.motionDuration(), token: ++this._runToken }
      : null;
    if (move === 'chapter') {
      this._entering = true;
      this._hover = null; // the hovered grid is gone
      this._announce = `Chapter ${chapter}: ${ch?.title ?? ''}. ${this._narration()}`;
    } else {
      this._announce = this._narration();
    }
    this._syncStep();
    this.requestUpdate();
  }

  private async _startFlights(run: { flights: Flight[]; duration: number; token: number }): Promise<void> {
    const grids = Array.from(this.renderRoot.querySelectorAll<TconvGrid>('tconv-grid'));
    await Promise.all(grids.map((g) => g.updateComplete));
    if (run.token !== this._runToken) return;
    this._animator.run(run.flights, run.duration);
  }

  private _landed(pos: CellPos): void {
    const set = this._pending.get(pos.grid);
    if (!set || !set.has(pos.index)) return;
    const next = new Set(set);
    next.delete(pos.index);
    this._pending.set(pos.grid, next);
    this.requestUpdate();
  }

  private _gridEl(id: string): TconvGrid | null {
    return this.renderRoot.querySelector<TconvGrid>(`tconv-grid[grid-id="${id}"]`);
  }

  /** How a drawn cell looks, for the chip that leaves it. */
  private _look(pos: CellPos) {
    const cell = this._gridEl(pos.grid)?.shadowRoot?.querySelector<HTMLElement>(`[data-index="${pos.index}"]`);
    if (!cell) return null;
    const s = getComputedStyle(cell);
    return { background: s.backgroundColor, color: s.color, text: cell.textContent ?? '', fontSize: s.fontSize };
  }

  // ---- linked highlighting ----

  /** For each grid of the current view, the indices of a set of refs (Cfwd maps onto Cᵀ). */
  private _setsFor(m: ExplainerModel, v: ViewSpec, cells: Iterable<CellRef>): Map<string, Set<number>> {
    const list = [...cells];
    const out = new Map<string, Set<number>>();
    const specs = v.rows.flatMap((r) => r.items.filter((i): i is GridSpec => i.type === 'grid'));
    for (const spec of specs) {
      if (spec.id === 'Cfwd') {
        const ct = indicesIn(list, 'Ct');
        out.set('Cfwd', new Set([...ct].map((i) => forwardOfTransposed(m.Ct, i))));
      } else {
        out.set(spec.id, indicesIn(list, spec.id));
      }
    }
    return out;
  }

  private _onHover = (e: Event): void => {
    const d = (e as CustomEvent<TconvCellHoverDetail>).detail;
    const m = this._state?.model;
    if (!m) return;
    let ref = d.ref;
    if (ref && d.gridId === 'Cfwd' && d.index !== null) ref = `Ct:${transposedOfForward(m.Ct, d.index)}`;
    if (ref === this._hover) return;
    this._hover = ref;
    this.requestUpdate();
  };

  // ---- editing values ----

  private _onActivate = (e: Event): void => {
    const d = (e as CustomEvent<TconvCellActivateDetail>).detail;
    const m = this._state?.model;
    if (!this.controls || !m) return;
    // On touch screens a first tap shows the cell's links; a second tap on the same cell edits it.
    if (d.source === 'touch' && this._hover !== null) return;
    const target = editTarget(m, d.gridId, d.index);
    if (!target) return;
    const values = target.key === 'kt' ? m.values.kt : m.values[target.key];
    if (!values) return;
    this._player.pause();
    this._editing = {
      ...target,
      grid: d.gridId as ViewGridId,
      cell: d.index,
      text: String(values[target.index]),
      error: '',
    };
    this._focusEditor = true;
    this.requestUpdate();
  };

  private _commitEdit(): void {
    const ed = this._editing;
    const m = this._state?.model;
    if (!ed || !m) return;
    const parsed = parseValues(ed.text.replace(/\u2212/g, '-'), 1);
    if (!parsed) {
      this._editing = { ...ed, error: refusal(m, ed) };
      this.requestUpdate();
      return;
    }
    const values = ed.key === 'kt' ? m.values.kt : m.values[ed.key];
    this._editing = null;
    this._refocus = { grid: ed.grid, cell: ed.cell };
    if (values && values[ed.index] !== parsed[0]) this[ed.key] = editedText(values, ed.index, parsed);
    this.requestUpdate();
  }

  private _cancelEdit(): void {
    const ed = this._editing;
    if (!ed) return;
    this._editing = null;
    this._refocus = { grid: ed.grid, cell: ed.cell };
    this.requestUpdate();
  }

  private _onScroll = (): void => {
    if (this._editing) this.requestUpdate();
  };

  // ---- controls ----

  private _onDim(key: ConfigKey, dim: 0 | 1, value: number): void {
    const tc = this._core.tc;
    if (!tc || !this._requested) return;
    const next = structuredClone(this._requested);
    next[key][dim] = value;
    const text = configText(next);
    const values = this._state ? valuesTextFor(tc, this._state, next) : null;
    for (const k of CONFIG_KEYS) this[k] = text[k];
    if (values && this._state) {
      for (const v of VALUE_KEYS) {
        if (v === 'kt' || this._state.edited[v]) this[v] = values[v];
      }
    }
  }

  private _onPreset(preset: Preset): void {
    this.values = preset;
    this.x = this.k = this.y = null;
    if (this.kt !== null) this.kt = '';
  }

  private _onIndependent(on: boolean): void {
    this.kt = on ? '' : null;
  }

  private _link(): string {
    const url = new URL(window.location.href);
    const params = this._state ? stateParams(this._state) : new URLSearchParams();
    const step = formatStep(this._player.chapter, this._player.frame);
    if (step !== '1') params.set('step', step);
    url.search = paramsText(params);
    url.hash = '';
    return url.href;
  }

  /** The figure on screen as attributes (the URL's names), with the step; for "Copy embed code". */
  private _embedAttrs(): [string, string][] {
    const attrs: [string, string][] = this._state ? [...stateParams(this._state)] : [];
    const step = formatStep(this._player.chapter, this._player.frame);
    if (step !== '1') attrs.push(['step', step]);
    if (this.theme) attrs.push(['theme', this.theme]);
    return attrs;
  }

  private async _copy(text: string, what: string): Promise<void> {
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      const area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      this.renderRoot.appendChild(area);
      area.select();
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
      area.remove();
    }
    this._status = ok ? `${what} copied to the clipboard.` : `Could not copy. ${what}: ${text}`;
    this.requestUpdate();
  }

  // ---- keyboard ----

  private _onKey = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const path = e.composedPath();
    if (path.some((n) => n instanceof HTMLElement && n.localName === 'tconv-grid')) return;
    const t = path[0] as HTMLElement;
    const tag = t.localName;
    if (tag === 'select' || tag === 'textarea' || (tag === 'input' && (t as HTMLInputElement).type !== 'range')) {
      return;
    }
    const onTab = t.getAttribute?.('role') === 'tab';
    const p = this._player;
    switch (e.key) {
      case ' ':
        if (tag === 'button') return;
        p.toggle();
        break;
      case 'ArrowRight':
        if (onTab) {
          p.nextChapter();
          this._focusTab = true;
        } else p.next();
        break;
      case 'ArrowLeft':
        if (onTab) {
          p.prevChapter();
          this._focusTab = true;
        } else p.prev();
        break;
      // Home / End are the player's (first / last frame) even on the tabs, where arrows switch chapters.
      case 'Home':
        p.first();
        break;
      case 'End':
        p.last();
        break;
      case 'PageUp':
        p.prevChapter();
        if (onTab) this._focusTab = true;
        break;
      case 'PageDown':
        p.nextChapter();
        if (onTab) this._focusTab = true;
        break;
      default:
        return;
    }
    e.preventDefault();
    this.requestUpdate();
  };

  private _onEditorKey = (e: KeyboardEvent): void => {
    if (e.key === 'Enter') {
      e.preventDefault();
      this._commitEdit();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      this._cancelEdit();
    }
    e.stopPropagation();
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
          this._notices.length
            ? html`<ul class="notices" part="notices" role="status">
                ${this._notices.map((n) => html`<li>${n}</li>`)}
              </ul>`
            : nothing
        }
        <div class="layout">
          ${this._renderPlayer(state.model)}
          ${
            this.controls
              ? html`<div class="side" part="controls">
                  ${renderControls({
                    requested: this._requested ?? state.config,
                    model: state.model,
                    preset: state.preset,
                    edited: state.edited.x || state.edited.k || state.edited.y || state.edited.kt,
                    independent: state.values.kt !== null,
                    error: this._error,
                    snippet: this._snippetText(state.model),
                    status: this._status,
                    onDim: (k, d, v) => this._onDim(k, d, v),
                    onPreset: (p) => this._onPreset(p),
                    onIndependent: (on) => this._onIndependent(on),
                    onCopyCode: () => void this._copy(this._snippetText(state.model), 'The code'),
                    onCopyLink: () => void this._copy(this._link(), 'The link'),
                    onCopyEmbed: () => void this._copy(embedCode('matrix', this._embedAttrs()), 'The embed code'),
                  })}
                </div>`
              : this._error
                ? html`<p class="alert" role="alert">${this._error}</p>`
                : nothing
          }
        </div>
      </div>
      <div class="fx" aria-hidden="true"></div>
      ${this._renderEditor()}
    `;
  }

  private _snippetText(m: ExplainerModel): string {
    if (this._snippet?.model !== m) this._snippet = { model: m, text: pytorchSnippet(m) };
    return this._snippet.text;
  }

  private _renderPlayer(m: ExplainerModel) {
    const p = this._player;
    const ch = this._chapters[p.chapter - 1];
    const frame = ch.frames[p.frame];
    const v = view(m, ch.id, p.frame);
    const activeKey = `${p.chapter}.${p.frame}`;
    if (activeKey !== this._activeKey) {
      this._activeKey = activeKey;
      this._activeSets = this._setsFor(m, v, frame.active);
    }
    const hoverKey = `${this._hover}|${p.chapter}`;
    if (hoverKey !== this._hoverKey) {
      this._hoverKey = hoverKey;
      this._hoverSets = this._hover ? this._setsFor(m, v, related(m, this._hover)) : new Map();
    }
    const last = ch.frames.length - 1;
    const atEnd = p.frame >= last;
    return html`<section class="player" part="player" aria-label="Explainer" @keydown=${this._onKey}>
      <div class="tabs" part="tabs" role="tablist" aria-label="Chapters">
        ${this._chapters.map(
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
        <p class="eyebrow">Chapter ${ch.number} of ${this._chapters.length}</p>
        <h2 class="title">${ch.title}</h2>
        <p class="summary">${ch.summary}</p>
        <div class="transport" part="transport">
          <div class="buttons">
            ${this._button('Previous chapter', icons.chapterBack, () => p.prevChapter(), p.chapter <= 1)}
            ${this._button('First frame', icons.first, () => p.first(), p.frame === 0)}
            ${this._button('Step back', icons.stepBack, () => p.prev(), p.frame === 0)}
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
            ${this._button('Step forward', icons.stepForward, () => p.next(), atEnd)}
            ${this._button('Last frame', icons.last, () => p.last(), atEnd)}
            ${this._button(
              'Next chapter',
              icons.chapterForward,
              () => p.nextChapter(),
              p.chapter >= this._chapters.length,
              atEnd && p.chapter < this._chapters.length,
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
              aria-valuetext=${`Frame ${p.frame + 1} of ${last + 1}`}
              ?disabled=${last === 0}
              @input=${(e: Event) => p.seek(Number((e.target as HTMLInputElement).value))}
            />
            <span class="counter" id="counter">${p.frame + 1} / ${last + 1}</span>
          </div>
          <label class="speed"
            >Speed
            <select
              id="speed"
              .value=${live(String(p.speed))}
              @change=${(e: Event) => {
                this.speed = Number((e.target as HTMLSelectElement).value);
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
                  aria-pressed=${this._zoom ? 'true' : 'false'}
                  @click=${() => {
                    this._zoom = !this._zoom;
                    this.requestUpdate();
                  }}
                >
                  Larger cells
                </button>`
              : nothing
          }
        </div>
        <p class="narration" part="narration" id="narration" aria-hidden="true">${frame.narration}</p>
        <div class="sr-only" aria-live="polite" aria-atomic="true" id="live">${this._announce}</div>
        <div
          class="stage"
          part="stage"
          data-chapter=${ch.id}
          @tconv-cell-hover=${this._onHover}
          @tconv-cell-activate=${this._onActivate}
        >
          ${v.rows.map(
            (row) =>
              html`<div class="row">
                ${row.title ? html`<h3 class="row-title">${row.title}</h3>` : nothing}
                ${row.items.map((item) => this._renderItem(item))}
              </div>`,
          )}
          ${this._chapterExtras(m, ch, p.frame)}
        </div>
        <p class="keys" id="keys">
          Keyboard: <kbd>Space</kbd> play/pause · <kbd>←</kbd> <kbd>→</kbd> step · <kbd>Home</kbd>
          <kbd>End</kbd> first/last frame · <kbd>PgUp</kbd> <kbd>PgDn</kbd> chapter
        </p>
      </div>
    </section>`;
  }

  private _button(label: string, icon: unknown, action: () => void, inert: boolean, ready = false) {
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

  private _renderItem(item: Item) {
    if (item.type === 'op') {
      return html`<span class="op" role="img" aria-label=${item.label}>${item.text}</span>`;
    }
    return this._renderGrid(item);
  }

  private _hiddenFor(spec: GridSpec): Set<number> | undefined {
    const p = this._pending.get(spec.id);
    if (!p || p.size === 0) return spec.hidden;
    if (!spec.hidden) return p;
    return new Set([...spec.hidden, ...p]);
  }

  private _renderGrid(spec: GridSpec) {
    // "Larger cells" draws compact grids at the small size; they then scroll inside their own box.
    const size = spec.size === 'compact' && this._zoom ? 'small' : spec.size;
    return html`<figure class="item">
      <tconv-grid
        grid-id=${spec.id}
        class=${`size-${size}`}
        density=${size === 'compact' ? 'compact' : 'normal'}
        theme=${ifDefined(this.theme || undefined)}
        .label=${spec.label}
        .rows=${spec.rows}
        .cols=${spec.cols}
        .values=${spec.values}
        .kinds=${spec.kinds}
        .revealed=${spec.revealed ?? null}
        .hiddenCells=${this._hiddenFor(spec)}
        .faded=${spec.faded}
        .subscripts=${spec.subscripts}
        .cellText=${spec.cellText}
        .scale=${spec.scale}
        .highlighted=${this._hoverSets.get(spec.id) ?? EMPTY}
        .active=${this._activeSets.get(spec.id) ?? EMPTY}
      ></tconv-grid>
      ${spec.note ? html`<figcaption class="note">${spec.note}</figcaption>` : nothing}
    </figure>`;
  }

  private _chapterExtras(m: ExplainerModel, ch: Chapter, frame: number) {
    if (ch.id === 'transposed' || ch.id === 'transpose') {
      return html`<div class="aside-note">
        <p>
          The weights of Cᵀ need not come from C: only the layout is transposed. A transposed-convolution layer learns
          its own kernel.
        </p>
        <label class="check">
          <input
            type="checkbox"
            id="independent"
            .checked=${live(m.values.kt !== null)}
            @change=${(e: Event) => this._onIndependent((e.target as HTMLInputElement).checked)}
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
            this.stride = '2';
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

  private _renderEditor() {
    const ed = this._editing;
    if (!ed) return nothing;
    const rect = this._gridEl(ed.grid)?.cellRect(ed.cell);
    if (!rect) return nothing;
    const [r, c] = editedCell(this._state!.model, ed);
    return html`<div class="editor" ${styleProps({ left: `${rect.left - 6}px`, top: `${rect.top - 6}px` })}>
      <input
        type="text"
        autocomplete="off"
        aria-label=${`New value of ${VALUE_NAMES[ed.key]}, row ${r}, column ${c}`}
        aria-invalid=${ed.error ? 'true' : 'false'}
        aria-describedby=${ed.error ? 'edit-error' : nothing}
        .value=${live(ed.text)}
        @input=${(e: Event) => {
          if (this._editing)
            this._editing = { ...this._editing, text: (e.target as HTMLInputElement).value, error: '' };
        }}
        @keydown=${this._onEditorKey}
        @blur=${() => {
          if (!this._editing) return;
          const parsed = parseValues(this._editing.text.replace(/\u2212/g, '-'), 1);
          if (parsed) this._commitEdit();
          else this._cancelEdit();
        }}
      />
      ${ed.error ? html`<span class="err" id="edit-error" role="alert">${ed.error}</span>` : nothing}
    </div>`;
  }
}

if (!customElements.get('tconv-matrix')) customElements.define('tconv-matrix', TconvMatrix);

declare global {
  interface HTMLElementTagNameMap {
    'tconv-matrix': TconvMatrix;
  }
  interface HTMLElementEventMap {
    'tconv-step-change': CustomEvent<TconvStepChangeDetail>;
    'tconv-config-change': CustomEvent<TconvConfigChangeDetail>;
  }
}
