// The one theme as Shadow DOM styles: each token of theme-tokens.ts becomes a
// private property (--_accent) read from its public one (--tconv-accent), with
// the light default, or the dark one when the page prefers a dark scheme and
// the element has no theme="light", or when theme="dark". Every figure's
// styles read only the private properties.
//
// Also the small rules every figure needs: border-box sizing, form controls
// that inherit the figure's font, and .visually-hidden (text for screen
// readers only).

import { type CSSResult, css, unsafeCSS } from 'lit';

import { darkTheme } from './isolation.js';
import { LEGACY_TOKENS, TOKEN_NAMES, type TokenName, TOKENS, tokenProperty } from './theme-tokens.js';

type Scheme = 'light' | 'dark';

/** `--_name: var(--tconv-name, default);` for every token (of `names`), in one scheme. */
function declarations(scheme: Scheme, names: readonly TokenName[], legacy?: string): CSSResult {
  const lines = names.map((name) => {
    const shared = `var(${tokenProperty(name)}, ${TOKENS[name][scheme]})`;
    return `--_${name}: ${legacy ? `var(--tconv-${legacy}-${name}, ${shared})` : shared};`;
  });
  return unsafeCSS(lines.join('\n'));
}

/** The theme: light at :host, dark by prefers-color-scheme or theme="dark". */
export const themeStyles = css`
  :host {
    ${declarations('light', TOKEN_NAMES)}
    color-scheme: light;
  }
  ${darkTheme(css`
    ${declarations('dark', TOKEN_NAMES)}
    color-scheme: dark;
  `)}
`;

/**
 * An element's names from before the one theme (LEGACY_TOKENS), read first:
 * `legacyThemeStyles('matrix')` makes --tconv-matrix-accent win over
 * --tconv-accent on <tconv-matrix>. Goes after themeStyles.
 */
export function legacyThemeStyles(element: keyof typeof LEGACY_TOKENS): CSSResult {
  const names = LEGACY_TOKENS[element];
  return css`
    :host {
      ${declarations('light', names, element)}
    }
    ${darkTheme(declarations('dark', names, element))}
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
