// The cell editor of <tconv-matrix controls>: a text field over the selected
// cell, its refusal message, focus in and back out, and how it stays on
// screen. A Lit reactive controller: the element decides when a cell opens
// the editor and applies an accepted value; the rules (which value a cell
// stands for, what text is a value) are web/lib/explainer/editing.ts.

import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { live } from 'lit/directives/live.js';

import {
  type EditTarget,
  editedCell,
  editTarget,
  parseEdit,
  refusal,
  VALUE_NAMES,
} from '../../lib/explainer/editing.js';
import type { ExplainerModel } from '../../lib/explainer/model-types.js';
import { editedText, type ValueKey } from '../../lib/explainer/state.js';
import type { ViewGridId } from '../../lib/explainer/views.js';
import { styleProps } from '../shared/style-props.js';
import type { TconvGrid } from '../tconv-grid/tconv-grid.js';

/** A value being edited: what it is, the cell it was opened from, the text typed so far, and a refusal. */
interface Editing extends EditTarget {
  grid: ViewGridId;
  cell: number;
  text: string;
  error: string;
}

type Host = ReactiveControllerHost & HTMLElement & { renderRoot: HTMLElement | DocumentFragment };

export interface CellEditorOptions {
  model(): ExplainerModel | null;
  /** The grid element drawing `grid`, to place the editor over its cell and give focus back. */
  gridEl(grid: ViewGridId): TconvGrid | null;
  /** An accepted value: the new text of value grid `key`. */
  commit(key: ValueKey, text: string): void;
}

/** How far the field reaches over the cell's top-left corner. */
const OVER_CELL_PX = 6;
/** The editor keeps this far from the viewport's edge. */
const EDITOR_MARGIN_PX = 8;

export class CellEditor implements ReactiveController {
  private editing: Editing | null = null;
  private focusField = false;
  private refocus: { grid: ViewGridId; cell: number } | null = null;

  constructor(
    private readonly host: Host,
    private readonly options: CellEditorOptions,
  ) {
    host.addController(this);
  }

  get open(): boolean {
    return this.editing !== null;
  }

  hostConnected(): void {
    window.addEventListener('scroll', this.onScroll, { capture: true, passive: true });
  }

  hostDisconnected(): void {
    window.removeEventListener('scroll', this.onScroll, { capture: true });
  }

  /**
   * A grid's cell was activated: opens the editor when the cell stands for a value of x, k, y or kt
   * (editing.ts says which); returns whether it opened.
   */
  activate(gridId: string, index: number): boolean {
    const m = this.options.model();
    const target = m ? editTarget(m, gridId, index) : null;
    const values = target && m ? (target.key === 'kt' ? m.values.kt : m.values[target.key]) : null;
    if (!target || !values) return false;
    this.edit(target, gridId as ViewGridId, index, values[target.index]);
    return true;
  }

  /** Opens the editor on `cell` of `grid` for `target`, showing `value`, and focuses it. */
  edit(target: EditTarget, grid: ViewGridId, cell: number, value: number): void {
    this.editing = { ...target, grid, cell, text: String(value), error: '' };
    this.focusField = true;
    this.host.requestUpdate();
  }

  /** Closes the editor without giving focus back (the figure changed under it). */
  close(): void {
    this.editing = null;
  }

  render() {
    const ed = this.editing;
    const m = this.options.model();
    const box = ed ? this.options.gridEl(ed.grid)?.cellRect(ed.cell) : null;
    if (!ed || !m || !box) return nothing;
    const [r, c] = editedCell(m, ed);
    const place = { left: `${box.left - OVER_CELL_PX}px`, top: `${box.top - OVER_CELL_PX}px` };
    return html`<div class="editor" ${styleProps(place)}>
      <input
        type="text"
        autocomplete="off"
        aria-label=${`New value of ${VALUE_NAMES[ed.key]}, row ${r}, column ${c}`}
        aria-invalid=${ed.error ? 'true' : 'false'}
        aria-describedby=${ed.error ? 'edit-error' : nothing}
        .value=${live(ed.text)}
        @input=${this.onInput}
        @keydown=${this.onKey}
        @blur=${this.onBlur}
      />
      ${ed.error ? html`<span class="err" id="edit-error" role="alert">${ed.error}</span>` : nothing}
    </div>`;
  }

  hostUpdated(): void {
    if (this.focusField) {
      this.focusField = false;
      const input = this.host.renderRoot.querySelector<HTMLInputElement>('.editor input');
      // After this update: moving focus makes the grid report a hover change.
      void Promise.resolve().then(() => {
        input?.focus();
        input?.select();
      });
    }
    const editor = this.host.renderRoot.querySelector<HTMLElement>('.editor');
    if (editor) keepInView(editor);
    if (this.refocus) {
      const { grid, cell } = this.refocus;
      this.refocus = null;
      void this.options.gridEl(grid)?.updateComplete.then(() => this.options.gridEl(grid)?.focusCell(cell));
    }
  }

  private commit(): void {
    const ed = this.editing;
    const m = this.options.model();
    if (!ed || !m) return;
    const parsed = parseEdit(ed.text);
    if (!parsed) {
      this.editing = { ...ed, error: refusal(m, ed, ed.text) };
      this.host.requestUpdate();
      return;
    }
    const values = ed.key === 'kt' ? m.values.kt : m.values[ed.key];
    this.editing = null;
    this.refocus = { grid: ed.grid, cell: ed.cell };
    if (values && values[ed.index] !== parsed[0]) this.options.commit(ed.key, editedText(values, ed.index, parsed));
    this.host.requestUpdate();
  }

  private cancel(): void {
    const ed = this.editing;
    if (!ed) return;
    this.editing = null;
    this.refocus = { grid: ed.grid, cell: ed.cell };
    this.host.requestUpdate();
  }

  private onInput = (e: Event): void => {
    // No update: the field already shows the text (live()).
    if (this.editing) this.editing = { ...this.editing, text: (e.target as HTMLInputElement).value, error: '' };
  };

  private onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Enter') {
      e.preventDefault();
      this.commit();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      this.cancel();
    }
    e.stopPropagation();
  };

  private onBlur = (): void => {
    if (!this.editing) return;
    if (parseEdit(this.editing.text)) this.commit();
    else this.cancel();
  };

  private onScroll = (): void => {
    if (this.editing) this.host.requestUpdate();
  };
}

/**
 * The editor opens over its cell; near the right edge of a narrow screen it
 * grows leftwards instead (its field stays at the right, near the cell) to
 * stay in view.
 */
function keepInView(editor: HTMLElement): void {
  editor.style.translate = '';
  editor.classList.remove('leftwards');
  const box = editor.getBoundingClientRect();
  const over = box.right - (document.documentElement.clientWidth - EDITOR_MARGIN_PX);
  if (over > 0) {
    editor.style.translate = `${-Math.min(over, box.left - EDITOR_MARGIN_PX)}px 0`;
    editor.classList.add('leftwards');
  }
}
