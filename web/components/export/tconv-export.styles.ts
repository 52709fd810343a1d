// Shadow DOM styles of <tconv-export>: a disclosure button and its panel,
// in the theme's colours (theme-tokens.ts), usable from 320 px up.

import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    min-width: 0;
    margin: 10px 0 0;
    font-size: 0.875rem;
    color: var(--_text);
    font-family: var(--_font);
  }
  .bar {
    display: flex;
    justify-content: flex-end;
  }
  button,
  select {
    min-height: 40px;
    padding: 0 14px;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: var(--_surface);
    color: var(--_text);
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    background: var(--_surface-2);
  }
  button:disabled {
    opacity: 0.45;
    cursor: default;
  }
  button:focus-visible,
  select:focus-visible,
  input:focus-visible,
  a:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .toggle[aria-expanded='true'] {
    background: var(--_accent-soft);
    border-color: color-mix(in srgb, var(--_accent) 40%, transparent);
    color: var(--_accent);
    font-weight: 600;
  }
  .panel {
    margin: 8px 0 0;
    padding: 14px 16px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    box-shadow: var(--_shadow);
  }
  .panel h3 {
    margin: 0 0 4px;
    font-size: 1rem;
  }
  .hint {
    margin: 0 0 10px;
    color: var(--_muted);
  }
  fieldset {
    margin: 0 0 10px;
    padding: 0;
    border: 0;
    min-width: 0;
  }
  legend {
    padding: 0;
    margin: 0 0 4px;
    font-weight: 600;
  }
  .choice {
    display: flex;
    align-items: center;
    gap: 8px;
    min-height: 32px;
  }
  .choice input {
    accent-color: var(--_accent);
    width: 18px;
    height: 18px;
    margin: 0;
  }
  .width {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    margin: 0 0 12px;
    font-weight: 600;
  }
  .actions {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 150px), 1fr));
    gap: 8px;
  }
  .actions button {
    font-weight: 600;
  }
  .actions .primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_on-accent);
  }
  .actions .primary:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_accent) 85%, var(--_text));
  }
  .reason {
    grid-column: 1 / -1;
    margin: 0;
    padding: 8px 12px;
    border-radius: 8px;
    background: var(--_notice-bg);
    color: var(--_notice);
  }
  .status {
    margin: 12px 0 0;
    min-height: 1.5em;
  }
  .progress {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 12px;
  }
  progress {
    flex: 1 1 160px;
    height: 10px;
    accent-color: var(--_accent);
  }
  .done a {
    color: var(--_accent);
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .error {
    color: var(--_alert);
  }
`;
