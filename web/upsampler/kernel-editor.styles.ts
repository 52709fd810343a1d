// The styles of <tconv-upsampler-kernel> (kernel-editor.ts).

import { css } from 'lit';

import { innerTheme } from './theme.js';

export const kernelStyles = [
  innerTheme,
  css`
    :host {
      display: block;
      font-size: 0.875rem;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
    }
    .controls {
      margin-bottom: 10px;
    }
    .size {
      display: inline-flex;
      align-items: center;
      gap: 2px;
      padding: 2px;
      border: 1px solid var(--_border);
      border-radius: 8px;
      background: var(--_surface);
    }
    .size .btn {
      min-height: 28px;
      width: 28px;
      padding: 0;
      border: none;
      background: transparent;
    }
    .size output {
      min-width: 4.2em;
      text-align: center;
      font-variant-numeric: tabular-nums;
      font-weight: 600;
    }
    .btn.small {
      min-height: 30px;
      padding: 0 10px;
      font-size: 0.8125rem;
    }
    select.btn {
      padding-right: 8px;
    }
    .body {
      display: flex;
      flex-wrap: wrap;
      gap: 18px 28px;
      align-items: flex-start;
    }
    .weights {
      min-width: 0;
      max-width: 100%;
    }
    /* Each cell is as wide as the longest weight (--chars, set by the editor) in the cells' own font, so no
       value is clipped; a kernel too wide for the column scrolls inside the grid, not the page. */
    .grid {
      display: grid;
      grid-template-columns: repeat(var(--k), var(--cell));
      gap: 3px;
      width: max-content;
      max-width: 100%;
      overflow-x: auto;
      /* Room for the invalid cells' ring inside the scroll box. */
      padding: 2px;
      font-family: var(--_mono);
      font-size: 0.75rem;
      --cell: max(var(--min-cell), calc(var(--chars) * 1ch + 12px));
      --min-cell: 3.6rem;
    }
    .grid.dense {
      font-size: 0.6875rem;
      --min-cell: 2.9rem;
    }
    .grid input {
      width: 100%;
      height: 2.1rem;
      padding: 0 3px;
      border: 1px solid var(--_border);
      border-radius: 6px;
      background: var(--bg, var(--_surface));
      color: var(--fg, var(--_text));
      font: inherit;
      text-align: center;
      font-variant-numeric: tabular-nums;
    }
    .grid input[aria-invalid='true'] {
      border-color: var(--_alert);
      box-shadow: 0 0 0 1px var(--_alert);
    }
    .sum {
      margin-top: 6px;
      color: var(--_muted);
      font-size: 0.8125rem;
      font-variant-numeric: tabular-nums;
    }
    .problem {
      max-width: 30ch;
      margin: 4px 0 0;
      color: var(--_alert);
      line-height: 1.35;
    }
    .response h4 {
      margin: 0 0 6px;
      font-size: 0.8125rem;
      font-weight: 600;
    }
    .tile {
      display: grid;
      grid-template-columns: repeat(var(--s), 3.4rem);
      gap: 0;
      border: 1px solid var(--_border);
      width: max-content;
    }
    .tile span {
      display: grid;
      place-items: center;
      height: 2.6rem;
      font-family: var(--_mono);
      font-size: 0.6875rem;
      font-variant-numeric: tabular-nums;
    }
    .verdict {
      max-width: 34ch;
      margin: 8px 0 0;
      color: var(--_muted);
      font-size: 0.8125rem;
      line-height: 1.4;
    }
    .verdict strong.bad {
      color: var(--_alert);
    }
    .verdict strong.good {
      color: color-mix(in srgb, #1a7f4b 80%, var(--_text));
    }
    @media (max-width: 420px) {
      .grid {
        --min-cell: 2.4rem;
      }
      .grid.dense {
        --min-cell: 2rem;
      }
    }
  `,
];
