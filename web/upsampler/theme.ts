// The upsampler's part of the one theme. Its colours, fonts and radius are the
// shared tokens (web/components/shared/theme-tokens.ts, --tconv-accent, …), so
// a page that themes one figure themes them all; its older names
// (--tconv-upsampler-accent, -danger, …) are still read and win on it. What
// only the upsampler has stays its own: the colours of sides A and B, the
// stage and the checkerboard under transparent pixels (theme-tokens.ts here).
// Also the buttons and focus rings its three elements share.

import { type CSSResult, css, unsafeCSS } from 'lit';

import { darkTheme } from '../components/shared/isolation.js';
import { baseStyles, legacyThemeStyles, themeStyles } from '../components/shared/theme.styles.js';
import { UPSAMPLER_TOKENS, type UpsamplerTokenName, upsamplerTokenProperty } from './theme-tokens.js';

type Scheme = 'light' | 'dark';

/**
 * The element's own tokens in one scheme (read inside as --_<name>), and what is derived from the theme,
 * not themed: the translucent surface of controls floating over the image (glass) and their shadow, which
 * the dark scheme keeps (the shared card shadow has none).
 */
function declarations(scheme: Scheme): CSSResult {
  const own = (Object.keys(UPSAMPLER_TOKENS) as UpsamplerTokenName[]).map(
    (name) => `--_${name}: var(${upsamplerTokenProperty(name)}, ${UPSAMPLER_TOKENS[name][scheme]});`,
  );
  const derived =
    scheme === 'light'
      ? [
          '--_glass: color-mix(in srgb, var(--_surface) 86%, transparent);',
          '--_float-shadow: 0 1px 2px rgb(20 25 40 / 8%), 0 4px 16px rgb(20 25 40 / 8%);',
        ]
      : [
          '--_glass: color-mix(in srgb, var(--_surface) 88%, transparent);',
          '--_float-shadow: 0 1px 2px rgb(0 0 0 / 30%), 0 6px 20px rgb(0 0 0 / 30%);',
        ];
  return unsafeCSS([...own, ...derived].join('\n'));
}

/** After the shared theme: the old names, the own tokens, and focus rings in the accent colour. */
export const upsamplerTokens = [
  legacyThemeStyles('upsampler'),
  css`
    :host {
      ${declarations('light')}
      /* --tconv-upsampler-focus used to colour focus rings alone; it still does. */
      --_focus: var(--tconv-upsampler-focus, var(--_accent));
    }
    ${darkTheme(declarations('dark'))}
  `,
];

/** Buttons, selects and focus rings of the upsampler's elements. */
export const controlStyles = css`
  :host {
    font-family: var(--_font);
    color: var(--_text);
    -webkit-tap-highlight-color: transparent;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  select {
    max-width: 100%;
    min-width: 0;
    text-overflow: ellipsis;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-height: 34px;
    padding: 0 12px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_surface);
    color: var(--_text);
    font-size: 0.875rem;
    font-weight: 500;
    line-height: 1;
    cursor: pointer;
    white-space: nowrap;
    transition:
      background-color 0.12s,
      border-color 0.12s;
  }
  .btn:hover {
    border-color: color-mix(in srgb, var(--_text) 35%, var(--_border));
  }
  .btn:active {
    background: var(--_surface-2);
  }
  .btn[disabled] {
    opacity: 0.5;
    cursor: default;
  }
  .btn.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_on-accent);
  }
  .btn.primary:hover {
    background: color-mix(in srgb, var(--_accent) 88%, var(--_text));
  }
  .btn.icon {
    width: 34px;
    padding: 0;
  }
  .btn svg {
    width: 16px;
    height: 16px;
    flex: none;
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }
  @media (forced-colors: active) {
    .btn {
      border: 1px solid ButtonText;
    }
    :focus-visible {
      outline: 2px solid Highlight;
    }
  }
`;

/**
 * The whole theme of the elements inside <tconv-upsampler> (the compare view
 * and the kernel editor): no isolation of their own, since only the
 * upsampler's shadow root contains them, and they inherit its font and size.
 */
export const innerTheme = [themeStyles, baseStyles, upsamplerTokens, controlStyles];
