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
//
// The scheme: theme="light" or "dark" forces it; theme="auto" (or none) reads
// the colour behind the figure — the first ancestors' background colours up
// to an opaque one, across shadow roots and slots — and picks the scheme that
// suits it (schemeFor in web/lib/color.ts). The result is the host's
// data-scheme attribute, which the styles follow (isolation.ts darkRules). It
// is measured again when the reader's prefers-color-scheme changes and when
// the page's <html> or <body> attributes change (a blog's own dark-mode
// switch). Background images and gradients are not read: a page that sets
// one picks theme="light" or "dark".

import { type CSSResultGroup, LitElement, type PropertyDeclarations } from 'lit';

import { flatten, parseCssColor, type Rgba, schemeFor } from '../../lib/color.js';
import { isolation } from './isolation.js';
import { baseStyles, themeStyles } from './theme.styles.js';

/** "auto" (the default) follows the page behind the figure; "light" and "dark" force the scheme. */
export type Theme = 'auto' | 'light' | 'dark';

/** The scheme an element draws in: its data-scheme attribute. */
export type Scheme = 'light' | 'dark';

/** What is behind a page that paints no background: the browser's light or dark canvas. */
const LIGHT_CANVAS: Rgba = [255, 255, 255, 1];
const DARK_CANVAS: Rgba = [18, 18, 18, 1];

const darkQuery = (): MediaQueryList | undefined => globalThis.matchMedia?.('(prefers-color-scheme: dark)');

/** The element an element is drawn inside: its slot, its parent, or the host of its shadow root. */
function drawnInside(node: Element): Element | null {
  if (node.assignedSlot) return node.assignedSlot;
  if (node.parentElement) return node.parentElement;
  const root = node.getRootNode();
  return root instanceof ShadowRoot ? root.host : null;
}

/** A computed colour; one the parser cannot read (oklch(), color(), …) goes through a canvas, which writes rgba(). */
function readColor(text: string): Rgba | null {
  const parsed = parseCssColor(text);
  if (parsed) return parsed;
  const context = document.createElement('canvas').getContext('2d');
  if (!context) return null;
  context.fillStyle = text;
  return parseCssColor(context.fillStyle);
}

/** The colour the page shows behind `host`: its ancestors' backgrounds, nearest first, over the canvas. */
function colorBehind(host: Element): Rgba {
  const layers: Rgba[] = [];
  for (let node = drawnInside(host); node; node = drawnInside(node)) {
    const color = readColor(getComputedStyle(node).backgroundColor);
    if (!color || color[3] === 0) continue;
    layers.push(color);
    if (color[3] >= 1) break;
  }
  return flatten(layers, darkQuery()?.matches ? DARK_CANVAS : LIGHT_CANVAS);
}

/** Every connected figure's re-measure, in the order they connected (outer figures before the ones inside them). */
const measures = new Set<() => void>();
let pageObserver: MutationObserver | undefined;
let remeasuring = false;
const measureAll = () => {
  for (const measure of measures) measure();
};

/** Starts (with the first figure) or stops (with the last) hearing the reader's scheme and the page's attributes. */
function watchPage(on: boolean): void {
  const query = darkQuery();
  if (on && !pageObserver) {
    query?.addEventListener('change', measureAll);
    pageObserver = new MutationObserver(measureAll);
    for (const node of [document.documentElement, document.body])
      if (node) pageObserver.observe(node, { attributes: true });
  } else if (!on && pageObserver) {
    query?.removeEventListener('change', measureAll);
    pageObserver.disconnect();
    pageObserver = undefined;
  }
}

/** Root font size and line height of every figure's text. */
const FONT_SIZE = '1rem';
const LINE_HEIGHT = '1.5';

export class TconvElement<Events extends object = Record<never, never>> extends LitElement {
  static override styles: CSSResultGroup = [isolation(FONT_SIZE, LINE_HEIGHT), themeStyles, baseStyles];

  static override properties: PropertyDeclarations = {
    theme: { type: String, reflect: true },
  };

  /** "light" or "dark" forces the scheme; "auto" or absent, the figure follows the colour of the page behind it. */
  declare theme: Theme | undefined;

  /** The scheme the figure draws in (its data-scheme attribute): forced by theme, or measured from the page. */
  get scheme(): Scheme {
    return this.dataset.scheme === 'dark' ? 'dark' : 'light';
  }

  #measure = (): void => {
    const forced = this.theme === 'light' || this.theme === 'dark' ? this.theme : undefined;
    const scheme = forced ?? schemeFor(colorBehind(this));
    if (this.dataset.scheme === scheme) return;
    this.dataset.scheme = scheme;
    // Figures inside this one (and any behind which it sits) now see another colour.
    if (!remeasuring) {
      remeasuring = true;
      queueMicrotask(() => {
        remeasuring = false;
        measureAll();
      });
    }
  };

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

  override connectedCallback(): void {
    super.connectedCallback();
    measures.add(this.#measure);
    watchPage(true);
    this.#measure();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    measures.delete(this.#measure);
    if (measures.size === 0) watchPage(false);
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'theme' && this.isConnected) this.#measure();
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
