// Shadow DOM styles of <tconv-grid>: the cells, their kinds and rings, and the
// colour palette of values. The theme's tokens (theme-tokens.ts) set the
// colours; what is here is the grid's own geometry and shading.

import { css, unsafeCSS } from 'lit';

import { scalePosition, signedColor, textColorFor } from '../../lib/color.js';
import { darkRules, darkTheme } from '../shared/isolation.js';

/**
 * Colour levels per sign. Cells get a class (z, p1…p40, n1…n40) instead of an
 * inline style: one shared stylesheet holds the light and dark colours of
 * every level, so a theme switch needs no JavaScript and cells with the same
 * level share their computed style. Steps of 1/40 of the scale are below what
 * the eye can tell apart on adjacent cells.
 */
const LEVELS = 40;

export function levelClass(v: number, max: number): string {
  const p = scalePosition(v, max);
  if (p === 0) return 'z';
  const q = Math.max(1, Math.round(Math.abs(p) * LEVELS));
  return (p < 0 ? 'n' : 'p') + q;
}

function paletteRules(dark: boolean, prefix: string): string {
  const rule = (cls: string, v: number) =>
    `${prefix}.${cls}{--b:${signedColor(v, 1, dark)};--f:${textColorFor(v, 1, dark)}}`;
  let out = rule('z', 0);
  for (let q = 1; q <= LEVELS; q++) out += rule(`p${q}`, q / LEVELS) + rule(`n${q}`, -q / LEVELS);
  return out;
}

export const palette = unsafeCSS(paletteRules(false, '') + darkRules((host) => paletteRules(true, `${host} `)));

/** Shading that follows the scheme but is not a theme token: hatching, placeholders, the gap around rings. */
const dark = css`
  --_hatch: rgb(255 255 255 / 13%);
  --_placeholder: rgb(255 255 255 / 4%);
  --_placeholder-border: rgb(255 255 255 / 12%);
  --_gap-ring: #12151b;
`;

export const styles = css`
  :host {
    --_cell: var(--tconv-cell-size, 2.5rem);
    --_gap: var(--tconv-cell-gap, 3px);
    --_fs: var(--tconv-font-size, 0.875rem);
    --_hatch: rgb(40 50 70 / 16%);
    --_placeholder: rgb(40 50 70 / 4%);
    --_placeholder-border: rgb(40 50 70 / 14%);
    --_gap-ring: #ffffff;
    --_ring: 2px;
    --_act-ring: 3.5px;
    display: inline-block;
    vertical-align: top;
    max-width: 100%;
    min-width: 0;
    color: var(--_text);
    font-family: var(--_font);
  }
  ${darkTheme(dark)}
  :host([density='compact']) {
    --_cell: var(--tconv-cell-size, 0.875rem);
    --_gap: var(--tconv-cell-gap, 1px);
    --_fs: var(--tconv-font-size, 0.5rem);
    --_ring: 1.5px;
    --_act-ring: 2px;
  }
  :host([hidden]) {
    display: none;
  }

  .caption {
    margin: 0 0 2px;
    padding: 0 6px;
    color: var(--_muted);
    font-size: 0.8125rem;
    line-height: 1.35;
    overflow-wrap: anywhere;
  }
  .caption .label {
    color: var(--_text);
    font-weight: 600;
  }
  .scroller {
    max-width: 100%;
    overflow-x: auto;
    overflow-y: hidden;
    /* room for the rings and glow of edge cells, which the scroller would clip */
    padding: 6px;
    box-sizing: border-box;
    overscroll-behavior-x: contain;
  }
  .grid {
    display: inline-flex;
    flex-direction: column;
    gap: var(--_gap);
    vertical-align: top;
    contain: layout style;
  }
  .row {
    display: flex;
    gap: var(--_gap);
  }
  /* Row and column numbers (headers): beside and above the cells, in the muted colour. */
  .hrow {
    display: flex;
    gap: var(--_gap);
  }
  .rh,
  .ch {
    flex: none;
    color: var(--_muted);
    font-size: min(0.6875rem, calc(var(--_fs) * 0.9));
    font-variant-numeric: tabular-nums;
    line-height: 1.2;
    user-select: none;
    -webkit-user-select: none;
  }
  .ch {
    width: var(--_cell);
    text-align: center;
    align-self: flex-end;
  }
  .rh {
    width: 1.9em;
    padding-right: 2px;
    text-align: right;
    line-height: var(--_cell);
  }
  :host([density='compact']) .rh,
  :host([density='compact']) .ch {
    overflow: visible;
    white-space: nowrap;
  }
  .hrow .rh {
    line-height: 1.2;
  }

  .cell {
    --_bw: 1px;
    position: relative;
    flex: none;
    box-sizing: border-box;
    width: var(--_cell);
    height: var(--_cell);
    border: var(--_bw) solid var(--_cell-border);
    border-radius: 4px;
    background: var(--b, transparent);
    color: var(--f, var(--_text));
    font-size: var(--_fs);
    font-variant-numeric: tabular-nums;
    line-height: calc(var(--_cell) - 2 * var(--_bw));
    text-align: center;
    white-space: nowrap;
    cursor: default;
    user-select: none;
    -webkit-user-select: none;
    transition:
      box-shadow 0.15s ease-out,
      background-color 0.2s ease-out;
  }
  /* square corners: much cheaper to paint on thousands of cells */
  :host([density='compact']) .cell {
    border-radius: 0;
    border-color: color-mix(in srgb, var(--_cell-border) 55%, transparent);
  }
  /* large grids: no transitions (starting thousands of them costs more than a frame) */
  .grid.many .cell {
    transition: none;
  }
  .cell.long {
    font-size: calc(var(--_fs) * 0.78);
    letter-spacing: -0.02em;
  }
  /* As many characters as a cell holds at full size (1620, −123): a little smaller, so they fit the small cells too. */
  .cell.full {
    font-size: calc(var(--_fs) * 0.86);
    letter-spacing: -0.04em;
  }
  /* value present in the text (and the accessible name) but not drawn */
  .cell.nv {
    color: transparent;
  }
  .cell[data-sub]::after {
    content: attr(data-sub);
    position: absolute;
    right: 2px;
    bottom: 1px;
    font-size: 0.5625rem;
    line-height: 1;
    color: var(--f, var(--_muted));
    opacity: 0.85;
  }
  :host([density='compact']) .cell[data-sub]::after {
    display: none;
  }

  /* Padding: dashed outline, hatched muted background, faint value. */
  .cell.pad {
    --_bw: 1.5px;
    border: var(--_bw) dashed var(--_muted);
    background: repeating-linear-gradient(135deg, transparent 0 3px, var(--_hatch) 3px 4.5px), var(--_pad-bg);
    color: var(--_muted);
  }
  /* Inserted zeros: dotted outline, dotted tinted background. */
  .cell.ins {
    --_bw: 2px;
    border: var(--_bw) dotted var(--_muted);
    background:
      radial-gradient(circle, var(--_hatch) 1px, transparent 1.5px) 0 0 / 5px 5px,
      var(--_inserted-bg);
    color: var(--_muted);
  }
  :host([density='compact']) .cell.pad,
  :host([density='compact']) .cell.ins {
    --_bw: 1px;
  }
  .cell.pad::after,
  .cell.ins::after {
    color: var(--_muted);
  }

  /* Not yet computed: an empty placeholder of the same size. */
  .cell.hid {
    background: var(--_placeholder);
    border: 1px solid var(--_placeholder-border);
    color: transparent;
  }
  .cell.hid::after {
    content: none;
  }

  /* Faded by mixing towards transparent rather than with opacity: no layer per cell. */
  .cell.fad {
    background: color-mix(in srgb, var(--b, transparent) 25%, transparent);
    border-color: color-mix(in srgb, var(--_cell-border) 45%, transparent);
    color: color-mix(in srgb, var(--f, var(--_text)) 35%, transparent);
  }
  .cell.fad.hl,
  .cell.fad.act {
    background: color-mix(in srgb, var(--b, transparent) 70%, transparent);
    color: color-mix(in srgb, var(--f, var(--_text)) 80%, transparent);
  }
  :host([density='compact']) .cell.fad:not(.hl, .act) {
    color: color-mix(in srgb, var(--f, var(--_text)) 22%, transparent);
  }
  .cell.pad.fad,
  .cell.ins.fad {
    opacity: 0.35;
  }
  /* Ghost: a dashed line inside the cell, in the cell's text colour, so it shows on any fill and inside a ring. */
  .cell.gh::before {
    content: '';
    position: absolute;
    inset: 2px;
    border: 2px dashed var(--f, var(--_text));
    border-radius: 3px;
    pointer-events: none;
  }
  :host([density='compact']) .cell.gh::before {
    inset: 0;
    border-width: 1px;
    border-radius: 0;
  }

  /* Highlighted: a ring (separated from the cell by a thin gap, so it shows on any colour) and a soft glow. */
  .cell.hl {
    z-index: 1;
    box-shadow:
      0 0 0 1px var(--_gap-ring),
      0 0 0 calc(1px + var(--_ring)) var(--_highlight),
      0 0 8px 3px color-mix(in srgb, var(--_highlight) 35%, transparent);
  }
  /* Active: a thicker ring in the accent colour plus an inner line: a double ring, recognisable without colour. */
  .cell.act {
    z-index: 2;
    box-shadow:
      inset 0 0 0 1.5px var(--_gap-ring),
      0 0 0 1px var(--_gap-ring),
      0 0 0 calc(1px + var(--_act-ring)) var(--_active),
      0 0 10px 4px color-mix(in srgb, var(--_active) 45%, transparent);
  }
  .cell:focus {
    outline: none;
  }
  .cell:focus-visible {
    z-index: 3;
    outline: 2px solid var(--_active);
    outline-offset: 5px;
  }
  :host([density='compact']) .cell:focus-visible {
    outline-offset: 3px;
  }

  @media (prefers-reduced-motion: reduce) {
    .cell {
      transition: none;
    }
  }
  @media (forced-colors: active) {
    .cell {
      forced-color-adjust: auto;
    }
    .cell.hl {
      outline: 2px solid Highlight;
    }
    .cell.act {
      outline: 4px double Highlight;
    }
    .cell:focus-visible {
      outline: 3px solid CanvasText;
    }
    .cell.gh::before {
      border-color: CanvasText;
    }
  }
`;
