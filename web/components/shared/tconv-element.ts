// The base of every tconv figure: a LitElement with the shared isolation,
// theme and base styles, the `theme` attribute, and typed events.
//
//   interface MyEvents { 'tconv-ready': Record<string, never>; 'tconv-error': { message: string } }
//   class MyFigure extends TconvElement<MyEvents> {
//     static override styles = [TconvElement.styles, css`…`];
//     …  this.emit('tconv-error', { message });   // checked against MyEvents
//   }
//
// Events are CustomEvents that bubble and cross shadow roots (composed), so a
// page hears them on the element or any ancestor.

import { type CSSResultGroup, LitElement, type PropertyDeclarations } from 'lit';

import { isolation } from './isolation.js';
import { baseStyles, themeStyles } from './theme.styles.js';

/** theme="light" | "dark" overrides the page's prefers-color-scheme. */
export type Theme = 'light' | 'dark';

/** Root font size and line height of every figure's text. */
const FONT_SIZE = '1rem';
const LINE_HEIGHT = '1.5';

export class TconvElement<Events extends object = Record<never, never>> extends LitElement {
  static override styles: CSSResultGroup = [isolation(FONT_SIZE, LINE_HEIGHT), themeStyles, baseStyles];

  static override properties: PropertyDeclarations = {
    theme: { type: String, reflect: true },
  };

  /** "light" or "dark" overrides the page's prefers-color-scheme; absent, the figure follows it. */
  declare theme: Theme | undefined;

  /** Events waiting for the end of the current update (see emitAfterUpdate). */
  #queued: [string, unknown][] = [];

  constructor() {
    super();
    this.theme = undefined;
    // Controllers hear hostUpdated right after each render, before updated().
    this.addController({
      hostUpdated: () => {
        for (const [type, detail] of this.#queued.splice(0)) this.#dispatch(type, detail);
      },
    });
  }

  /** Dispatches `type` with `detail` now. */
  protected emit<K extends keyof Events & string>(type: K, detail: Events[K]): void {
    this.#dispatch(type, detail);
  }

  /**
   * Dispatches `type` once the update in progress (or the next one) has
   * rendered: for what willUpdate() finds, so that listeners see the new
   * figure. Events keep their order.
   */
  protected emitAfterUpdate<K extends keyof Events & string>(type: K, detail: Events[K]): void {
    this.#queued.push([type, detail]);
    if (!this.isUpdatePending) this.requestUpdate();
  }

  #dispatch(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}
