// Shadow DOM styles of <tconv-matrix controls>' side panel: the cards of
// sizes, values and code, the formulas, alerts and notices.

import { css } from 'lit';

export const controlsStyles = css`
  /* ---- side panel: controls ---- */
  .side {
    display: grid;
    gap: 16px;
    min-width: 0;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 330px), 1fr));
    align-items: start;
  }
  .card {
    min-width: 0;
    padding: 16px 18px;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
  }
  .card h3 {
    margin: 0 0 10px;
    font-size: 0.9375rem;
  }
  .card-head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    margin: 0 0 8px;
  }
  .card-head h3 {
    margin: 0;
  }
  .card-head .buttons {
    flex-wrap: wrap;
    gap: 6px;
  }
  .dims {
    display: grid;
    grid-template-columns: minmax(7.5em, 1fr) 4.5em 4.5em;
    gap: 6px 8px;
    align-items: center;
  }
  .dims .head {
    color: var(--_muted);
    font-size: 0.75rem;
    text-align: center;
  }
  .dims label {
    font-size: 0.9rem;
  }
  .dims input {
    width: 100%;
    padding: 5px 6px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_surface);
    font-variant-numeric: tabular-nums;
    text-align: center;
  }
  .dims input[aria-invalid='true'] {
    border-color: var(--_alert);
    box-shadow: 0 0 0 1px var(--_alert);
  }
  .alert {
    margin: 12px 0 0;
    padding: 10px 12px;
    border-radius: 8px;
    background: var(--_alert-bg);
    color: var(--_alert);
    font-size: 0.9rem;
  }
  .frame > .alert {
    margin: 0 0 12px;
  }
  .alert:empty {
    display: none;
  }
  .notices {
    margin: 0 0 16px;
    padding: 10px 14px 10px 32px;
    border-radius: 10px;
    background: var(--_notice-bg);
    color: var(--_notice);
    font-size: 0.9rem;
  }
  .formulas {
    margin: 12px 0 0;
    padding: 10px 12px;
    border-radius: 8px;
    background: var(--_surface-2);
    font-family: var(--_mono);
    font-size: 0.75rem;
    line-height: 1.6;
    overflow-x: auto;
  }
  .formula + .formula {
    margin-top: 6px;
  }
  .formula span {
    display: block;
  }
  .formula .rule {
    color: var(--_muted);
  }
  .formula .numbers {
    padding-left: 2ch;
  }
  .field {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 12px;
    margin: 0 0 10px;
  }
  .hint {
    margin: 8px 0 0;
    color: var(--_muted);
    font-size: 0.8125rem;
  }
  .text-btn {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 5px 10px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_surface);
    font-size: 0.875rem;
    cursor: pointer;
  }
  .text-btn:hover {
    background: var(--_surface-2);
  }
  .text-btn[aria-pressed='true'] {
    background: var(--_accent-soft);
    border-color: color-mix(in srgb, var(--_accent) 40%, transparent);
    color: var(--_accent);
  }
  .text-btn .icon {
    width: 16px;
    height: 16px;
  }
  pre.code {
    margin: 0;
    max-height: 320px;
    overflow: auto;
    padding: 10px 12px;
    border-radius: 8px;
    background: var(--_surface-2);
    font-family: var(--_mono);
    font-size: 0.75rem;
    line-height: 1.55;
    tab-size: 4;
  }
  .status {
    min-height: 1.2em;
    margin: 6px 0 0;
    color: var(--_muted);
    font-size: 0.8125rem;
  }
  /* After .card's own padding: this file comes after tconv-matrix.styles.ts. */
  @container (max-width: 520px) {
    .card {
      padding: 14px;
    }
  }
`;
