// The element's side of the answers (answers-view.ts draws them): the core's
// size choice computed once per model, the dashed cells of chapter 6's
// output for the current frame, the Cᵀ ≠ C⁻¹ demo's attribute changes, and
// focusing the demo when the names box sends the reader there.

import { connectivity, type SizeChoice, sizeChoice } from '../../lib/explainer/answers.js';
import type { ExplainerModel } from '../../lib/explainer/model-types.js';
import type { Chapter } from '../../lib/explainer/timeline.js';
import { formatValues } from '../../lib/explainer/values.js';
import type { Tconv } from '../../lib/types.js';
import type { Theme } from '../shared/tconv-element.js';
import { type AnswersContext, paintingEntry } from './answers-view.js';

export interface AnswersHostOptions {
  tc(): Tconv | null;
  chapters(): Chapter[];
  /** Writes the y and kt attributes (null = absent). */
  setValues(y: string | null, kt: string | null | undefined): void;
  goTo(chapter: number, frame: number): void;
}

export class AnswersHost {
  private _sizeChoice: { model: ExplainerModel; value: SizeChoice } | null = null;
  private _ghost: { model: ExplainerModel; entry: number; cells: Set<number> } | null = null;
  private _focusDemo = false;
  private _focusTab = false;

  constructor(private readonly _options: AnswersHostOptions) {}

  /** Chapter 6: the transposed output's cells at the positions that fed the output y(i, j) paints (one Set per frame). */
  ghost(m: ExplainerModel, chapter: Chapter, frame: number): Set<number> | undefined {
    const entry = paintingEntry(m, chapter.id, frame);
    if (entry < 0) return undefined;
    if (this._ghost?.model !== m || this._ghost.entry !== entry) {
      this._ghost = { model: m, entry, cells: new Set(connectivity(m, entry).fedInOutput) };
    }
    return this._ghost.cells;
  }

  context(m: ExplainerModel, theme: Theme | undefined): Omit<AnswersContext, 'chapter' | 'frame'> {
    return {
      model: m,
      theme,
      sizeChoice: () => this._sizeChoiceOf(m),
      onInverseDemo: (on) => this._inverseDemo(m, on),
      onShowDemo: () => this.showDemo(),
      onShowGradient: () => {
        const chapter = this._options.chapters().findIndex((c) => c.id === 'gradient');
        this._focusTab = true;
        this._options.goTo(chapter + 1, 0);
      },
    };
  }

  /** Goes to chapter 6's last frame and focuses the demo's button (from chapter 5's names box and chapter 9). */
  showDemo(): void {
    const chapters = this._options.chapters();
    const demo = chapters.findIndex((c) => c.id === 'transposed');
    this._focusDemo = true;
    this._options.goTo(demo + 1, chapters[demo].frames.length - 1);
  }

  /** After an update: focus the demo's button, or the chapter tab, when a link in the answers moved the player. */
  updated(root: ParentNode): void {
    if (this._focusTab) {
      // The button that moved the player is gone with its chapter: focus goes to the new chapter's tab.
      this._focusTab = false;
      root.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus();
    }
    if (!this._focusDemo) return;
    this._focusDemo = false;
    const demo = root.querySelector<HTMLElement>('#inverse-demo');
    demo?.focus();
    demo?.scrollIntoView({ block: 'center', behavior: 'instant' });
  }

  /** y = C·vec(x) (chapter 4's output) with C's own weights for Cᵀ, shown whole; or the preset's y again. */
  private _inverseDemo(m: ExplainerModel, on: boolean): void {
    this._options.setValues(on ? formatValues(m.out.values) : null, on ? null : undefined);
    const chapters = this._options.chapters();
    const demo = chapters.findIndex((c) => c.id === 'transposed');
    this._options.goTo(demo + 1, chapters[demo].frames.length - 1);
  }

  private _sizeChoiceOf(m: ExplainerModel): SizeChoice {
    if (this._sizeChoice?.model !== m) this._sizeChoice = { model: m, value: sizeChoice(this._options.tc()!, m) };
    return this._sizeChoice.value;
  }
}
