// <tconv-grid>'s class (tconv-grid.ts defines the element): one grid of
// numbers as an accessible ARIA grid. Its API is the JSDoc on the class and its
// fields below, which `npm run docs` turns into the README's tables.

import { html, type PropertyDeclarations, type PropertyValues } from 'lit';

import type { CellKind } from '../../lib/explainer/model-types.js';
import { TconvElement } from '../shared/tconv-element.js';
import { formatValue } from './format.js';
import { columnHeaders, headerText } from './headers.js';
import { levelClass, palette, styles } from './tconv-grid.styles.js';

export { formatValue } from './format.js';

export interface TconvCellHoverDetail {
  ref: string | null;
  gridId: string;
  index: number | null;
}

export type TconvActivateSource = 'keyboard' | 'mouse' | 'pen' | 'touch';

export interface TconvCellActivateDetail {
  ref: string;
  gridId: string;
  index: number;
  source: TconvActivateSource;
}

export type TconvGridDensity = 'normal' | 'compact';

export interface TconvGridEvents {
  /**
   * A cell was pointed at or focused; ref null when the pointer or focus leaves the grid. On touch, a tap sends
   * the cell's ref and a second tap on the same cell sends null.
   */
  'tconv-cell-hover': TconvCellHoverDetail;
  /** A cell was activated: Enter, Space, click or tap. */
  'tconv-cell-activate': TconvCellActivateDetail;
}

/** Properties whose change repaints every cell's content (value, colour, label). */
const CONTENT_PROPS = [
  'values',
  'kinds',
  'scale',
  'showValues',
  'format',
  'subscripts',
  'cellText',
  'density',
] as const;

const PAGE_ROWS = 5;

const KIND_PART: Record<CellKind, string> = { data: 'cell', pad: 'cell pad', inserted: 'cell inserted' };

interface PaintContext {
  max: number;
  cols: number;
  format: (v: number) => string;
  /** formatted text and colour class per distinct value */
  shown: Map<number, [text: string, level: string]>;
  /** characters drawn at full size, then at a smaller size; longer values are not drawn */
  full: number;
  small: number;
}

interface CellView {
  kind: CellKind;
  hidden: boolean;
  cls: string;
  label: string;
  text: string;
  sub: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escapeHtml(s: string): string {
  return /[&<>"]/.test(s) ? s.replace(/[&<>"]/g, (c) => ESCAPES[c]) : s;
}

/** The classes of the cell sets: highlighted, active, faded, ghost. */
type SetClass = 'hl' | 'act' | 'fad' | 'gh';

/** Above this many cells, highlight changes are not animated. */
const MANY_CELLS = 1200;

/**
 * One grid of numbers (an input, a kernel, a convolution matrix C or Cᵀ, a padded / zero-inserted layout) as an
 * accessible ARIA grid. It lays out numbers computed elsewhere and does no arithmetic on them; cells are coloured on
 * a signed diverging scale (web/lib/color.ts). Sets and arrays are compared by identity: assign a new Set to update.
 *
 * Keyboard: one Tab stop (roving tabindex). Arrow keys move, Home / End go to the start / end of the row,
 * Ctrl+Home / Ctrl+End to the first / last cell, PageUp / PageDown move 5 rows. prefers-reduced-motion: no
 * transitions; forced-colors: rings become outlines. Custom properties are read on the element or any ancestor
 * (light and dark defaults of the theme's tokens: web/components/shared/theme-tokens.ts).
 *
 * @summary One grid of numbers as an accessible ARIA grid: the building block of the other figures.
 * @cssprop --tconv-font - font family of the numbers
 * @cssprop --tconv-text - the numbers and the label
 * @cssprop --tconv-muted - the caption and secondary marks
 * @cssprop --tconv-cell-border - borders of the cells
 * @cssprop --tconv-highlight - ring of related (highlighted) cells
 * @cssprop --tconv-active - ring of the active cells
 * @cssprop --tconv-pad-bg - base of padding cells (hatched)
 * @cssprop --tconv-inserted-bg - base of inserted zeros (dotted)
 * @cssprop [--tconv-cell-size=2.5rem] - cell width and height (compact: 0.875rem)
 * @cssprop [--tconv-cell-gap=3px] - gap between cells (compact: 1px)
 * @cssprop [--tconv-font-size=0.875rem] - font size of the values (compact: 0.5rem)
 * @csspart caption - the caption "label · rows×cols"
 * @csspart grid - the grid of cells
 * @csspart cell - every cell; padding cells are also "pad", inserted zeros "inserted"
 */
export class TconvGrid extends TconvElement<TconvGridEvents> {
  static override properties: PropertyDeclarations = {
    gridId: { type: String, attribute: 'grid-id', reflect: true },
    label: { type: String, reflect: true },
    rows: { type: Number },
    cols: { type: Number },
    values: { attribute: false },
    kinds: { attribute: false },
    revealed: { type: Number },
    hiddenCells: { attribute: false },
    highlighted: { attribute: false },
    active: { attribute: false },
    faded: { attribute: false },
    ghost: { attribute: false },
    headers: { type: Boolean },
    scale: { type: Number },
    showValues: {
      attribute: 'show-values',
      converter: { fromAttribute: (v: string | null) => v !== 'false', toAttribute: (v: boolean) => String(v) },
    },
    format: { attribute: false },
    subscripts: { attribute: false },
    cellText: { attribute: false },
    density: { type: String, reflect: true },
  };

  static override styles = [TconvElement.styles, palette, styles];

  /** Names the grid in cell refs, which are `${gridId}:${index}`. */
  declare gridId: string;
  /** Caption "label · rows×cols"; the grid's aria-label is "label (rows×cols)". */
  declare label: string;
  /** Number of rows; values are row-major. */
  declare rows: number;
  /** Number of columns. */
  declare cols: number;
  /** The numbers, row-major; a missing entry reads as "not yet computed". */
  declare values: Float32Array | number[];
  /** Each cell's kind: 'data', 'pad' (padding) or 'inserted' (an inserted zero); all data when absent. */
  declare kinds: CellKind[] | undefined;
  /** Only cells with an index below this show their value; null: all. */
  declare revealed: number | null | undefined;
  /** Further cells shown as empty placeholders. */
  declare hiddenCells: Set<number> | undefined;
  /** Related cells (ring and soft glow). */
  declare highlighted: Set<number>;
  /** The current focus of an animation (thick ring). */
  declare active: Set<number>;
  /** Cells drawn at low opacity (structural zeros). */
  declare faded: Set<number> | undefined;
  /** Cells outlined with a dashed line inside: cells another figure points at (an earlier chapter's window). */
  declare ghost: Set<number> | undefined;
  /** Row and column numbers (from 1) beside and above the cells; visual only, each cell's name says them. */
  declare headers: boolean;
  /** Largest |value| of the colour scale; absent: the largest |value| of the grid, at least 1. */
  declare scale: number | undefined;
  /** show-values="false" hides the numbers (they stay in the accessible text). */
  declare showValues: boolean;
  /** How a value is written; absent: formatValue (format.ts). */
  declare format: ((v: number) => string) | undefined;
  /** A tiny corner label per cell, e.g. 'w₃'; '' for none. */
  declare subscripts: string[] | undefined;
  /** Extra accessible description of the cell at an index. */
  declare cellText: ((index: number) => string) | undefined;
  /** 'compact': small cells, for 36×64 or 64×100 matrices. */
  declare density: TconvGridDensity;

  private _grid: HTMLElement | null = null;
  private _cells: HTMLElement[] = [];
  private _texts: Text[] = [];
  /** 1 where the cell is currently drawn as not computed. */
  private _hiddenState = new Uint8Array(0);
  /** Copies of the sets last applied to the cells' classes. */
  private _applied: Record<SetClass, Set<number>> = { hl: new Set(), act: new Set(), fad: new Set(), gh: new Set() };
  private _focusIndex = 0;
  private _pendingFocus = false;
  private _hoverRef: string | null = null;
  private _touchRef: string | null = null;
  private _lastPointerType = 'mouse';
  /** What each cell currently shows, to touch the DOM only where something changed. */
  private _shownClass: string[] = [];
  private _shownLabel: string[] = [];
  private _shownKind: string[] = [];
  private _shownSub: string[] = [];

  constructor() {
    super();
    this.gridId = '';
    this.label = '';
    this.rows = 0;
    this.cols = 0;
    this.values = [];
    this.revealed = null;
    this.highlighted = new Set();
    this.active = new Set();
    this.showValues = true;
    this.headers = false;
    this.density = 'normal';
  }

  protected override render() {
    const dims = `${this.rows}×${this.cols}`;
    const label = this.label ? `${this.label} (${dims})` : `Grid (${dims})`;
    return html`<div class="caption" part="caption" aria-hidden="true">
        ${this.label ? html`<span class="label">${this.label}</span> · ` : ''}<span class="dims">${dims}</span>
      </div>
      <div class="scroller">
        <div
          class="grid"
          part="grid"
          role="grid"
          aria-label=${label}
          aria-rowcount=${this.rows}
          aria-colcount=${this.cols}
          @keydown=${this._onKeyDown}
          @pointerover=${this._onPointerOver}
          @pointerleave=${this._onPointerLeave}
          @pointerdown=${this._onPointerDown}
          @click=${this._onClick}
          @focusin=${this._onFocusIn}
          @focusout=${this._onFocusOut}
        ></div>
      </div>`;
  }

  protected override firstUpdated(): void {
    this._grid = this.renderRoot.querySelector('.grid');
  }

  protected override updated(changed: PropertyValues): void {
    const n = this._count();
    if (!this._grid) return;
    if (
      this._cells.length !== n ||
      changed.has('rows') ||
      changed.has('cols') ||
      changed.has('headers') ||
      (this.headers && changed.has('density'))
    ) {
      // Rebuilding replaces the focused cell: keep keyboard focus in the grid.
      const hadFocus = this._cells.length > 0 && this._grid.contains(this.shadowRoot?.activeElement ?? null);
      this._grid.classList.toggle('many', n > MANY_CELLS);
      this._build();
      if (hadFocus) this._cells[this._focusIndex]?.focus({ preventScroll: true });
    } else if (CONTENT_PROPS.some((p) => changed.has(p))) {
      this._paintAll();
    } else {
      if (changed.has('revealed') || changed.has('hiddenCells')) this._paintHiddenChanges();
      this._applySet('hl', this.highlighted);
      this._applySet('act', this.active);
      this._applySet('fad', this.faded);
      this._applySet('gh', this.ghost);
    }
    if (this._pendingFocus) {
      this._pendingFocus = false;
      this._cells[this._focusIndex]?.focus();
    }
  }

  // ---- public methods ----

  /** The cell's box in viewport coordinates, or null when it does not exist (yet). */
  cellRect(index: number): DOMRect | null {
    return this._cells[index]?.getBoundingClientRect() ?? null;
  }

  /** Moves keyboard focus (and the grid's Tab stop) to a cell; fires tconv-cell-hover like any focus. */
  focusCell(index: number): void {
    const n = this._count();
    if (n === 0) return;
    const i = Math.max(0, Math.min(n - 1, Math.trunc(index)));
    this._setTabStop(i);
    const cell = this._cells[i];
    if (cell) cell.focus();
    else this._pendingFocus = true;
  }

  // ---- building and painting ----

  private _count(): number {
    const r = Math.max(0, Math.trunc(this.rows) || 0);
    const c = Math.max(0, Math.trunc(this.cols) || 0);
    return r * c;
  }

  /**
   * Creates every cell, already painted, from one HTML string: for thousands
   * of cells this is faster than creating and then updating elements.
   */
  private _build(): void {
    const grid = this._grid!;
    const rows = Math.max(0, Math.trunc(this.rows) || 0);
    const cols = Math.max(0, Math.trunc(this.cols) || 0);
    const n = rows * cols;
    this._hiddenState = new Uint8Array(n);
    this._shownClass = new Array<string>(n);
    this._shownLabel = new Array<string>(n);
    this._shownKind = new Array<string>(n);
    this._shownSub = new Array<string>(n);
    this._focusIndex = Math.min(this._focusIndex, Math.max(0, n - 1));
    const ctx = this._paintContext();
    const parts: string[] = this.headers ? [columnHeaders(cols, this.density === 'compact')] : [];
    for (let r = 0; r < rows; r++) {
      const ri = r + 1;
      parts.push(`<div class="row" role="row" aria-rowindex="${ri}">`);
      if (this.headers) {
        parts.push(`<span class="rh" aria-hidden="true">${headerText(ri, this.density === 'compact')}</span>`);
      }
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const d = this._describe(i, ctx);
        this._hiddenState[i] = d.hidden ? 1 : 0;
        this._shownClass[i] = d.cls;
        this._shownLabel[i] = d.label;
        this._shownKind[i] = d.kind;
        this._shownSub[i] = d.sub;
        parts.push(
          `<div role="gridcell" part="${KIND_PART[d.kind]}" tabindex="${i === this._focusIndex ? 0 : -1}" ` +
            `aria-rowindex="${ri}" aria-colindex="${c + 1}" data-index="${i}" class="${d.cls}" ` +
            `aria-label="${escapeHtml(d.label)}"${d.sub ? ` data-sub="${escapeHtml(d.sub)}"` : ''}>` +
            `${escapeHtml(d.text)}</div>`,
        );
      }
      parts.push('</div>');
    }
    grid.innerHTML = parts.join('');
    const cells = Array.from(grid.getElementsByClassName('cell')) as HTMLElement[];
    const texts: Text[] = new Array(n);
    for (let i = 0; i < n; i++) {
      let t = cells[i].firstChild as Text | null;
      if (!t) t = cells[i].appendChild(document.createTextNode(''));
      texts[i] = t;
    }
    this._cells = cells;
    this._texts = texts;
    this._applied = this._setsNow();
  }

  private _isHidden(i: number): boolean {
    const r = this.revealed;
    if (r !== null && r !== undefined && Number.isFinite(r) && i >= r) return true;
    if (this.hiddenCells?.has(i)) return true;
    return this.values[i] === undefined;
  }

  private _scaleMax(): number {
    const s = this.scale;
    if (s !== undefined && s !== null && Number.isFinite(s) && s > 0) return s;
    let max = 1;
    const v = this.values;
    for (let i = 0; i < v.length; i++) {
      const a = Math.abs(v[i]);
      if (a > max) max = a;
    }
    return max;
  }

  private _paintAll(): void {
    const n = this._cells.length;
    const ctx = this._paintContext();
    for (let i = 0; i < n; i++) this._paint(i, ctx);
    this._applied = this._setsNow();
  }

  private _paintHiddenChanges(): void {
    const ctx = this._paintContext();
    const n = this._cells.length;
    for (let i = 0; i < n; i++) {
      if ((this._isHidden(i) ? 1 : 0) !== this._hiddenState[i]) this._paint(i, ctx);
    }
  }

  private _paintContext(): PaintContext {
    const compact = this.density === 'compact';
    return {
      max: this._scaleMax(),
      cols: Math.trunc(this.cols),
      format: this.format ?? formatValue,
      shown: new Map(),
      full: compact ? 2 : 4,
      small: compact ? 3 : 6,
    };
  }

  /** What cell i shows: class list, accessible name, text, subscript, kind. */
  private _describe(i: number, ctx: PaintContext): CellView {
    const kind: CellKind = this.kinds?.[i] ?? 'data';
    const hidden = this._isHidden(i);
    let cls = kind === 'pad' ? 'cell pad' : kind === 'inserted' ? 'cell ins' : 'cell';
    let text = '';
    let label = `row ${Math.floor(i / ctx.cols) + 1}, column ${(i % ctx.cols) + 1}: `;
    let sub = '';
    if (hidden) {
      cls += ' hid';
      label += 'not yet computed';
    } else {
      const v = Number(this.values[i]);
      let shown = ctx.shown.get(v);
      if (!shown) {
        shown = [ctx.format(v), levelClass(v, ctx.max)];
        ctx.shown.set(v, shown);
      }
      text = shown[0];
      cls += ' ' + shown[1];
      if (!this.showValues || text.length > ctx.small) cls += ' nv';
      else if (text.length > ctx.full) cls += ' long';
      else if (text.length === ctx.full) cls += ' full';
      label += text;
      if (kind === 'pad') label += ', padding';
      else if (kind === 'inserted') label += ', inserted zero';
      sub = this.subscripts?.[i] || '';
      if (sub) label += `, ${sub}`;
    }
    const extra = this.cellText?.(i);
    if (extra) label += `, ${extra}`;
    if (this.highlighted?.has(i)) cls += ' hl';
    if (this.active?.has(i)) cls += ' act';
    if (this.faded?.has(i)) cls += ' fad';
    if (this.ghost?.has(i)) cls += ' gh';
    return { kind, hidden, cls, label, text, sub };
  }

  /** Brings cell i up to date, touching only what changed. */
  private _paint(i: number, ctx: PaintContext): void {
    const el = this._cells[i];
    const d = this._describe(i, ctx);
    this._hiddenState[i] = d.hidden ? 1 : 0;
    if (this._shownClass[i] !== d.cls) {
      el.className = d.cls;
      this._shownClass[i] = d.cls;
    }
    if (this._shownLabel[i] !== d.label) {
      el.setAttribute('aria-label', d.label);
      this._shownLabel[i] = d.label;
    }
    if (this._shownKind[i] !== d.kind) {
      el.setAttribute('part', KIND_PART[d.kind]);
      this._shownKind[i] = d.kind;
    }
    if (this._shownSub[i] !== d.sub) {
      if (d.sub) el.setAttribute('data-sub', d.sub);
      else el.removeAttribute('data-sub');
      this._shownSub[i] = d.sub;
    }
    const t = this._texts[i];
    if (t.data !== d.text) t.data = d.text;
  }

  /** Copies of the sets as they are now (applied by a full paint). */
  private _setsNow(): Record<SetClass, Set<number>> {
    const copy = (s: Set<number> | undefined) => new Set(s ?? []);
    return { hl: copy(this.highlighted), act: copy(this.active), fad: copy(this.faded), gh: copy(this.ghost) };
  }

  private _applySet(cls: SetClass, next: Set<number> | undefined): void {
    const prev = this._applied[cls];
    const cells = this._cells;
    for (const i of prev) {
      if (!next?.has(i) && cells[i]) {
        cells[i].classList.remove(cls);
        this._shownClass[i] = cells[i].className;
      }
    }
    if (next) {
      for (const i of next) {
        if (!prev.has(i) && cells[i]) {
          cells[i].classList.add(cls);
          this._shownClass[i] = cells[i].className;
        }
      }
    }
    this._applied[cls] = new Set(next ?? []);
  }

  // ---- focus, keyboard, pointer ----

  private _setTabStop(i: number): void {
    const old = this._cells[this._focusIndex];
    if (old) old.tabIndex = -1;
    this._focusIndex = i;
    const cell = this._cells[i];
    if (cell) cell.tabIndex = 0;
  }

  private _indexOf(target: EventTarget | null): number | null {
    const el = target instanceof Element ? target.closest<HTMLElement>('[role="gridcell"]') : null;
    if (!el || !this._grid?.contains(el)) return null;
    const i = Number(el.dataset.index);
    return Number.isInteger(i) ? i : null;
  }

  private _ref(index: number): string {
    return `${this.gridId}:${index}`;
  }

  private _emitHover(index: number | null): void {
    const ref = index === null ? null : this._ref(index);
    if (ref === this._hoverRef) return;
    this._hoverRef = ref;
    this.emit('tconv-cell-hover', { ref, gridId: this.gridId, index });
  }

  private _emitActivate(index: number, source: TconvActivateSource): void {
    this.emit('tconv-cell-activate', { ref: this._ref(index), gridId: this.gridId, index, source });
  }

  private _onKeyDown = (e: KeyboardEvent): void => {
    const i = this._indexOf(e.target);
    if (i === null || e.altKey || e.metaKey) return;
    const rows = Math.trunc(this.rows);
    const cols = Math.trunc(this.cols);
    let r = Math.floor(i / cols);
    let c = i % cols;
    const ctrl = e.ctrlKey;
    switch (e.key) {
      case 'ArrowUp':
        r -= 1;
        break;
      case 'ArrowDown':
        r += 1;
        break;
      case 'ArrowLeft':
        c -= 1;
        break;
      case 'ArrowRight':
        c += 1;
        break;
      case 'Home':
        c = 0;
        if (ctrl) r = 0;
        break;
      case 'End':
        c = cols - 1;
        if (ctrl) r = rows - 1;
        break;
      case 'PageUp':
        r -= PAGE_ROWS;
        break;
      case 'PageDown':
        r += PAGE_ROWS;
        break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        if (!e.repeat) this._emitActivate(i, 'keyboard');
        return;
      default:
        return;
    }
    e.preventDefault();
    r = Math.max(0, Math.min(rows - 1, r));
    c = Math.max(0, Math.min(cols - 1, c));
    const next = r * cols + c;
    if (next !== i) this.focusCell(next);
  };

  private _onFocusIn = (e: FocusEvent): void => {
    const i = this._indexOf(e.target);
    if (i === null) return;
    if (i !== this._focusIndex) this._setTabStop(i);
    this._emitHover(i);
  };

  private _onFocusOut = (e: FocusEvent): void => {
    const to = e.relatedTarget;
    if (to instanceof Node && this._grid?.contains(to)) return;
    this._touchRef = null;
    this._emitHover(null);
  };

  private _onPointerOver = (e: PointerEvent): void => {
    if (e.pointerType === 'touch') return;
    const i = this._indexOf(e.target);
    if (i !== null) this._emitHover(i);
  };

  private _onPointerLeave = (e: PointerEvent): void => {
    if (e.pointerType === 'touch') return;
    this._emitHover(null);
  };

  private _onPointerDown = (e: PointerEvent): void => {
    this._lastPointerType = e.pointerType || 'mouse';
  };

  private _onClick = (e: MouseEvent): void => {
    const i = this._indexOf(e.target);
    if (i === null) return;
    const type = (e as PointerEvent).pointerType || this._lastPointerType;
    const source: TconvActivateSource = type === 'touch' ? 'touch' : type === 'pen' ? 'pen' : 'mouse';
    if (source === 'touch') {
      const ref = this._ref(i);
      if (this._touchRef === ref) {
        this._touchRef = null;
        this._emitHover(null);
      } else {
        this._touchRef = ref;
        this._emitHover(i);
      }
    }
    this._emitActivate(i, source);
  };
}
