// The one theme as Shadow DOM styles: each token of theme-tokens.ts becomes a
// private property (--_accent) read from its public one (--tconv-accent), with
// the light default, or the dark one when the element's data-scheme is dark
// (TconvElement sets it from theme="dark" or, with theme auto, from the page
// behind it). Every figure's styles read only the private properties.
//
// Also the small rules every figure needs: border-box sizing, form controls
// that inherit the figure's font, and .visually-hidden (text for screen
// readers only).

import { type CSSResult, css, unsafeCSS } from 'lit';

import { darkTheme } from './isolation.js';
import { LEGACY_TOKENS, TOKEN_NAMES, type TokenName, TOKENS, tokenProperty } from './theme-tokens.js';

type Scheme = 'light' | 'dark';

/** `--_name: var(--tconv-name, default);` for every token, in one scheme. */
function declarations(scheme: Scheme): CSSResult {
  const lines = TOKEN_NAMES.map((name) => `--_${name}: var(${tokenProperty(name)}, ${TOKENS[name][scheme]});`);
  return unsafeCSS(lines.join('\n'));
}

/**
 * The theme: light at :host, dark on the hosts darkTheme names (data-scheme,
 * theme="dark"). Every figure paints its own background, so that its text
 * never sits on the page's colour; a figure inside another (a grid in the
 * explainer) is transparent on its parent's surfaces.
 */
export const themeStyles = css`
  :host {
    ${declarations('light')}
    color-scheme: light;
    background-color: var(--_figure-bg, var(--_bg));
  }
  :host > * {
    --_figure-bg: transparent;
  }
  ${darkTheme(css`
    ${declarations('dark')}
    color-scheme: dark;
  `)}
`;

/** `--_token: var(--tconv-<element>-<old>, var(--tconv-token, default));` for each of an element's old names. */
function legacyDeclarations(element: keyof typeof LEGACY_TOKENS, scheme: Scheme): CSSResult {
  const names: Record<string, TokenName> = LEGACY_TOKENS[element];
  const lines = Object.entries(names).map(
    ([old, name]) =>
      `--_${name}: var(--tconv-${element}-${old}, var(${tokenProperty(name)}, ${TOKENS[name][scheme]}));`,
  );
  return unsafeCSS(lines.join('\n'));
}

/**
 * An element's names from before the one theme (LEGACY_TOKENS), read first:
 * `legacyThemeStyles('matrix')` makes --tconv-matrix-accent win over
 * --tconv-accent on <tconv-matrix>. Goes after themeStyles.
 */
export function legacyThemeStyles(element: keyof typeof LEGACY_TOKENS): CSSResult {
  return css`
    :host {
      ${legacyDeclarations(element, 'light')}
    }
    ${darkTheme(legacyDeclarations(element, 'dark'))}
  `;
}

/** Rules every figure shares. */
export const baseStyles = css`
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  /* Read by screen readers, not drawn. */
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
