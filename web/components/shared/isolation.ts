// Isolation from the host page's CSS, first in every element's styles.
//
// Page rules cannot select anything inside a shadow root, but inherited
// properties (color, font, line-height, letter-spacing, text-transform, …)
// flow in through the host element. `all: initial` at :host cuts that off;
// then the element sets what it needs deliberately, from its own custom
// properties (--_font and --_text, which every element defines). Custom
// properties are not reset by `all`, so the documented --tconv-* properties
// still theme the figure from outside.
//
// A page rule that matches the host element itself (`* { … }`,
// `tconv-matrix { … }`) wins over :host, so the same inherited properties are
// set again on the shadow root's top-level elements, where no page rule
// reaches. Later rules of the element override these (same specificity).

import { type CSSResult, css, unsafeCSS } from 'lit';

/** The system font stacks every figure falls back to (behind its own --tconv-* font property). */
export const SANS = unsafeCSS(
  "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue', Arial, sans-serif",
);
export const MONO = unsafeCSS(
  "ui-monospace, 'SF Mono', 'Cascadia Mono', 'Roboto Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
);

/** `fontSize` and `lineHeight` of the figure's text, e.g. ('1rem', '1.5'). */
export function isolation(fontSize: string, lineHeight: string) {
  const text = unsafeCSS(`
    font-family: var(--_font);
    font-size: ${fontSize};
    font-style: normal;
    font-weight: 400;
    font-variant: normal;
    font-stretch: normal;
    line-height: ${lineHeight};
    color: var(--_text);
    letter-spacing: normal;
    word-spacing: normal;
    text-align: start;
    text-indent: 0;
    text-transform: none;
    text-shadow: none;
    text-decoration: none;
    white-space: normal;
    word-break: normal;
    overflow-wrap: normal;
    hyphens: manual;
    font-kerning: auto;
    font-feature-settings: normal;
    font-variation-settings: normal;
    visibility: visible;
    cursor: auto;
    -webkit-text-size-adjust: 100%;
    text-size-adjust: 100%;
  `);
  return css`
    :host {
      all: initial;
      display: block;
      ${text}
    }
    :host > * {
      ${text}
    }
  `;
}

/**
 * The hosts that take the dark palette: data-scheme="dark", which
 * TconvElement sets from theme="dark" or, with theme auto, from the colour
 * of the page behind the figure; and theme="dark" itself. Until the element
 * has measured (no data-scheme yet), the reader's prefers-color-scheme
 * decides, as before. `rules(host)` writes the rules for one host selector.
 */
export function darkRules(rules: (host: string) => string): string {
  return (
    `@media (prefers-color-scheme: dark){${rules(":host(:not([theme='light']):not([data-scheme]))")}}` +
    rules(":host([data-scheme='dark'])") +
    rules(":host([theme='dark'])")
  );
}

/**
 * The dark palette (custom-property declarations) on the hosts darkRules
 * names; plus :host([hidden]), which `all: initial` would otherwise undo.
 */
export function darkTheme(vars: CSSResult) {
  return css`
    ${unsafeCSS(darkRules((host) => `${host}{${vars.cssText}}`))}
    :host([hidden]) {
      display: none;
    }
  `;
}
