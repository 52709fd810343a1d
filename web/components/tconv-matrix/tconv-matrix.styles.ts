// Shadow DOM styles of <tconv-matrix>: layout, the player, the stage and the
// transport. The side panel's are in controls.styles.ts. Colours, fonts and
// radii are the theme's (web/components/shared/theme-tokens.ts); the few
// colours here that are not tokens follow the scheme on their own.

import { css } from 'lit';

import { darkTheme } from '../shared/isolation.js';

export const styles = css`
  :host {
    /* Squares of the zero-insertion strip: a multiplication of a value of y, and one of a zero. */
    --_data: #d9653b;
    --_zero: #c9ced8;
    display: block;
    min-width: 0;
    color: var(--_text);
    font-family: var(--_font);
    font-size: 1rem;
    line-height: 1.5;
  }
  ${darkTheme(css`
    --_data: #e69b5a;
    --_zero: #59606e;
  `)}

  /* The figure sizes itself by its own width (a blog column or a whole page), not the viewport's. */
  .frame {
    container-type: inline-size;
    min-width: 0;
  }
  .layout {
    display: grid;
    gap: 20px;
    grid-template-columns: minmax(0, 1fr);
  }
  /* The controls sit beside the player in a very wide figure, below it otherwise. */
  @container (min-width: 1400px) {
    :host([controls]) .layout {
      grid-template-columns: minmax(0, 1fr) 360px;
      align-items: start;
    }
    :host([controls]) .side {
      grid-template-columns: minmax(0, 1fr);
    }
  }

  .player {
    position: relative;
    min-width: 0;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
  }

  /* ---- chapters ---- */
  .tabs {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    padding: 12px 12px 0;
    margin: 0;
  }
  .tab {
    display: inline-flex;
    align-items: baseline;
    gap: 6px;
    padding: 6px 11px 7px;
    border: 1px solid transparent;
    border-radius: 999px;
    background: transparent;
    color: var(--_muted);
    font-size: 0.875rem;
    line-height: 1.3;
    white-space: nowrap;
    cursor: pointer;
  }
  .tab .n {
    font-variant-numeric: tabular-nums;
    font-weight: 600;
    font-size: 0.8125rem;
  }
  .tab:hover {
    color: var(--_text);
    background: var(--_surface-2);
  }
  .tab[aria-selected='true'] {
    color: var(--_accent);
    background: var(--_accent-soft);
    border-color: color-mix(in srgb, var(--_accent) 35%, transparent);
    font-weight: 600;
  }
  /* A narrow figure scrolls the chapters sideways, and shows it: a shadow on each edge that has more tabs
     behind it (the surface-coloured covers scroll with the tabs and hide the shadow at either end), tabs that
     snap, and the current one centred (centreTab in player-view.ts). */
  @container (max-width: 660px) {
    .tabs {
      flex-wrap: nowrap;
      overflow-x: auto;
      scrollbar-width: thin;
      padding-bottom: 4px;
      scroll-snap-type: x proximity;
      scroll-padding-inline: 28px;
      --_edge: color-mix(in srgb, var(--_text) 40%, transparent);
      background:
        linear-gradient(to right, var(--_surface) 40%, transparent) left / 36px 100% no-repeat local,
        linear-gradient(to left, var(--_surface) 40%, transparent) right / 36px 100% no-repeat local,
        radial-gradient(farthest-side at 0 50%, var(--_edge), transparent) left / 18px 100% no-repeat scroll,
        radial-gradient(farthest-side at 100% 50%, var(--_edge), transparent) right / 18px 100% no-repeat scroll;
      background-color: var(--_surface);
      border-radius: var(--_radius) var(--_radius) 0 0;
    }
    .tab {
      scroll-snap-align: center;
    }
  }

  .panel {
    padding: 18px 20px 0;
    outline: none;
    border-radius: var(--_radius);
  }
  .panel:focus-visible {
    box-shadow: inset 0 0 0 2px var(--_accent);
  }
  .eyebrow {
    margin: 0;
    color: var(--_muted);
    font-size: 0.8125rem;
    letter-spacing: 0.02em;
  }
  .title {
    margin: 2px 0 4px;
    font-size: 1.375rem;
    line-height: 1.25;
    letter-spacing: -0.01em;
  }
  .summary {
    margin: 0 0 8px;
    color: var(--_muted);
    max-width: 70ch;
  }
  .narration {
    margin: 14px 0 0;
    padding: 12px 16px;
    min-height: 4.3em;
    border-radius: 10px;
    background: var(--_surface-2);
    border-left: 3px solid var(--_accent);
    font-size: 1rem;
    line-height: 1.5;
    overflow-wrap: anywhere;
    font-variant-numeric: tabular-nums;
  }

  /* ---- the stage ---- */
  .stage {
    padding: 16px 0 12px;
    min-width: 0;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 10px 14px;
    margin: 0 0 14px;
    min-width: 0;
  }
  .row-title {
    flex-basis: 100%;
    margin: 6px 0 -4px;
    font-size: 0.8125rem;
    font-weight: 600;
    color: var(--_muted);
    /* Not upper-cased: titles name k and k̃, and K would be another symbol. */
    letter-spacing: 0.02em;
  }
  .item {
    margin: 0;
    min-width: 0;
    max-width: 100%;
    display: flex;
    flex-direction: column;
    align-items: flex-start;
  }
  .note {
    margin: -2px 6px 0;
    color: var(--_muted);
    font-size: 0.8125rem;
  }
  .op {
    color: var(--_muted);
    font-size: 1.5rem;
    line-height: 1;
    padding: 0 2px;
    user-select: none;
  }
  tconv-grid {
    max-width: 100%;
  }
  tconv-grid.size-small {
    --tconv-cell-size: 1.75rem;
    --tconv-font-size: 0.75rem;
  }
  /* Three heat maps share a row. */
  tconv-grid[grid-id^='heat'].size-small {
    --tconv-cell-size: 1.45rem;
    --tconv-font-size: 0.6875rem;
  }

  .aside-note {
    display: flex;
    flex-wrap: wrap;
    gap: 8px 16px;
    align-items: center;
    margin: 0 0 14px;
    padding: 10px 14px;
    border: 1px dashed var(--_border);
    border-radius: 10px;
    color: var(--_muted);
    font-size: 0.9375rem;
  }
  .aside-note p {
    margin: 0;
    flex: 1 1 28ch;
  }
  .check {
    display: inline-flex;
    align-items: center;
    gap: 8px;
    color: var(--_text);
    cursor: pointer;
    white-space: nowrap;
  }
  .check input {
    width: 1.05rem;
    height: 1.05rem;
    accent-color: var(--_accent);
  }

  /* ---- zero insertion: one square per multiplication ---- */
  .strip {
    margin: 0 0 14px;
  }
  .strip p {
    margin: 0 0 6px;
    font-size: 0.9375rem;
  }
  .strip strong {
    font-variant-numeric: tabular-nums;
  }
  .taps {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
  }
  .win {
    display: flex;
    flex-wrap: wrap;
    gap: 1px;
    padding: 2px;
    border-radius: 3px;
    max-width: calc(9 * 9px + 4px);
  }
  .win.now {
    outline: 2px solid var(--_active);
  }
  .tap {
    width: 8px;
    height: 8px;
    border-radius: 1.5px;
    background: var(--_data);
  }
  .tap.zero {
    background: var(--_zero);
  }
  .win.todo .tap {
    background: transparent;
    box-shadow: inset 0 0 0 1px var(--_border);
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 14px;
    margin-top: 6px;
    color: var(--_muted);
    font-size: 0.8125rem;
  }
  .legend .tap {
    display: inline-block;
    margin-right: 5px;
    vertical-align: -1px;
  }

  /* ---- transport ---- */
  .transport {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 12px;
    margin: 10px 0 0;
  }
  .buttons {
    display: flex;
    align-items: center;
    gap: 4px;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-width: 40px;
    min-height: 40px;
    padding: 0 8px;
    border: 1px solid transparent;
    border-radius: 10px;
    background: transparent;
    color: var(--_text);
    cursor: pointer;
  }
  .btn:hover:not(:disabled) {
    background: var(--_surface-2);
  }
  .btn:disabled {
    opacity: 0.35;
    cursor: default;
  }
  .btn:focus-visible,
  .tab:focus-visible,
  .text-btn:focus-visible,
  select:focus-visible,
  input:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .btn.primary {
    min-width: 48px;
    min-height: 48px;
    border-radius: 50%;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .btn.primary:hover {
    background: color-mix(in srgb, var(--_accent) 85%, var(--_text));
  }
  .btn.next-ready {
    background: var(--_accent-soft);
    color: var(--_accent);
    border-color: color-mix(in srgb, var(--_accent) 40%, transparent);
  }
  .icon {
    display: block;
    flex: none;
  }
  .timeline {
    display: flex;
    align-items: center;
    gap: 10px;
    flex: 1 1 220px;
    min-width: 160px;
  }
  .timeline input {
    flex: 1;
    min-width: 80px;
    accent-color: var(--_accent);
    height: 28px;
  }
  .counter {
    font-variant-numeric: tabular-nums;
    color: var(--_muted);
    font-size: 0.875rem;
    white-space: nowrap;
  }
  .speed {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    color: var(--_muted);
    font-size: 0.875rem;
  }
  select {
    padding: 6px 8px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_surface);
  }
  /* Keys mean nothing on a touch-only device (a phone, a tablet without a keyboard). */
  @media (hover: none) and (pointer: coarse) {
    .keys {
      display: none;
    }
  }
  .keys {
    margin: 0 -20px;
    padding: 10px 20px 12px;
    border-top: 1px solid var(--_border);
    color: var(--_muted);
    font-size: 0.8125rem;
  }
  kbd {
    display: inline-block;
    min-width: 1.6em;
    padding: 0 5px;
    border: 1px solid var(--_border);
    border-bottom-width: 2px;
    border-radius: 5px;
    background: var(--_surface);
    font-family: var(--_font);
    font-size: 0.75rem;
    line-height: 1.5;
    text-align: center;
  }

  .load-error {
    padding: 16px 18px;
    border-radius: var(--_radius);
    background: var(--_alert-bg);
    color: var(--_alert);
  }
  .loading {
    padding: 40px 20px;
    color: var(--_muted);
    text-align: center;
  }

  /* ---- animation layer and the value editor ---- */
  .fx {
    position: fixed;
    inset: 0;
    pointer-events: none;
    z-index: 20;
    overflow: hidden;
  }
  .chip {
    position: fixed;
    display: flex;
    align-items: center;
    justify-content: center;
    border-radius: 5px;
    background: var(--_surface-2);
    box-shadow:
      0 2px 6px rgb(0 0 0 / 18%),
      0 0 0 1px rgb(0 0 0 / 8%);
    font-variant-numeric: tabular-nums;
    font-weight: 600;
    white-space: nowrap;
    will-change: transform, opacity;
  }
  .chip.merge {
    border-radius: 50%;
  }
  .chip.curtain {
    box-shadow: none;
    border-radius: 0;
  }
  .editor {
    position: fixed;
    z-index: 30;
    display: flex;
    flex-direction: column;
    gap: 4px;
    /* Its own width, not what is left of the screen right of the cell (updated() keeps it in view). */
    width: max-content;
  }
  .editor.leftwards {
    align-items: flex-end;
  }
  .editor input {
    width: 6.5em;
    padding: 6px 8px;
    border: 2px solid var(--_accent);
    border-radius: 8px;
    background: var(--_surface);
    box-shadow:
      var(--_shadow),
      0 6px 20px rgb(0 0 0 / 18%);
    font-variant-numeric: tabular-nums;
  }
  .editor .err {
    padding: 4px 8px;
    border-radius: 6px;
    background: var(--_alert-bg);
    color: var(--_alert);
    font-size: 0.75rem;
    max-width: 20em;
  }

  @container (max-width: 520px) {
    .panel {
      padding: 14px 12px 0;
    }
    .keys {
      margin: 0 -12px;
      padding: 8px 12px 10px;
    }
    .title {
      font-size: 1.2rem;
    }
    .narration {
      font-size: 0.9375rem;
      padding: 10px 12px;
    }
    tconv-grid.size-normal {
      --tconv-cell-size: 2.1rem;
    }
    tconv-grid.size-small:not([grid-id^='heat']) {
      --tconv-cell-size: 1.6rem;
    }
  }
  /* A 320 px column (a phone, a blog's narrow column): the seven transport buttons still fit on one line. */
  @container (max-width: 340px) {
    .transport .buttons {
      flex-wrap: wrap;
      gap: 2px;
    }
    .transport .btn {
      min-width: 32px;
      padding: 0 4px;
    }
    .transport .btn.primary {
      min-width: 44px;
      min-height: 44px;
    }
  }
`;
