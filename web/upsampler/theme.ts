// Colours, type and shapes shared by the upsampler's elements: every value is
// a documented custom property with a light and a dark default, so the element
// needs nothing from the page's CSS.

import { css } from 'lit';

import { MONO, SANS, darkTheme } from '../components/shared/isolation.js';

const lightVars = css`
  --_bg: var(--tconv-upsampler-bg, #f7f7f5);
  --_surface: var(--tconv-upsampler-surface, #ffffff);
  --_surface-2: var(--tconv-upsampler-surface-2, #f0f0ed);
  --_text: var(--tconv-upsampler-text, #1d2330);
  --_muted: var(--tconv-upsampler-muted, #5b6474);
  --_border: var(--tconv-upsampler-border, #d9dbe0);
  --_accent: var(--tconv-upsampler-accent, #3558d4);
  --_accent-text: var(--tconv-upsampler-accent-text, #ffffff);
  --_a: var(--tconv-upsampler-a, #c2410c);
  --_b: var(--tconv-upsampler-b, #1d4ed8);
  --_stage: var(--tconv-upsampler-stage-bg, #e6e6e2);
  --_checker: var(--tconv-upsampler-checker, #d4d4cf);
  --_danger: var(--tconv-upsampler-danger, #b42318);
  --_danger-bg: var(--tconv-upsampler-danger-bg, #fdecea);
  --_focus: var(--tconv-upsampler-focus, #3558d4);
  --_shadow: 0 1px 2px rgb(20 25 40 / 8%), 0 4px 16px rgb(20 25 40 / 8%);
  --_glass: rgb(255 255 255 / 86%);
  color-scheme: light;
`;

const darkVars = css`
  --_bg: var(--tconv-upsampler-bg, #16181d);
  --_surface: var(--tconv-upsampler-surface, #1e2128);
  --_surface-2: var(--tconv-upsampler-surface-2, #272b33);
  --_text: var(--tconv-upsampler-text, #e7e9ee);
  --_muted: var(--tconv-upsampler-muted, #a3abba);
  --_border: var(--tconv-upsampler-border, #363b45);
  --_accent: var(--tconv-upsampler-accent, #8aa4ff);
  --_accent-text: var(--tconv-upsampler-accent-text, #10131a);
  --_a: var(--tconv-upsampler-a, #fb923c);
  --_b: var(--tconv-upsampler-b, #7aa2ff);
  --_stage: var(--tconv-upsampler-stage-bg, #0f1115);
  --_checker: var(--tconv-upsampler-checker, #1b1e24);
  --_danger: var(--tconv-upsampler-danger, #ff8a80);
  --_danger-bg: var(--tconv-upsampler-danger-bg, #3a1d1d);
  --_focus: var(--tconv-upsampler-focus, #8aa4ff);
  --_shadow: 0 1px 2px rgb(0 0 0 / 30%), 0 6px 20px rgb(0 0 0 / 30%);
  --_glass: rgb(30 33 40 / 88%);
  color-scheme: dark;
`;

/** :host defaults, dark via prefers-color-scheme or theme="dark", light forced by theme="light". */
export const themeStyles = css`
  :host {
    ${lightVars}
    --_font: var(--tconv-upsampler-font-family, ${SANS});
    --_mono: var(--tconv-upsampler-mono, ${MONO});
    --_radius: var(--tconv-upsampler-radius, 10px);
    font-family: var(--_font);
    color: var(--_text);
    -webkit-tap-highlight-color: transparent;
  }
  ${darkTheme(darkVars)}
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  button,
  select,
  input {
    font: inherit;
    color: inherit;
  }
  select {
    max-width: 100%;
    min-width: 0;
    text-overflow: ellipsis;
  }
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
    color: var(--_accent-text);
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
