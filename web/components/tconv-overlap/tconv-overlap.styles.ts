// Shadow DOM styles of <tconv-overlap>. Colours and fonts are the theme's
// (web/components/shared/theme-tokens.ts); the element's own property is
// --tconv-overlap-cell-max.

import { css } from 'lit';

export const styles = css`
  :host {
    --_cell-max: var(--tconv-overlap-cell-max, 1.75rem);
    display: block;
    min-width: 0;
  }
  .maps {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 14px 20px;
    margin: 0;
  }
  /* Several maps: as many columns of at least 250 px as fit (one in a narrow column). */
  .maps.multi {
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 250px), 1fr));
  }
  /* Each map is a size container: its cells shrink to fit its width. */
  .map {
    container-type: inline-size;
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    min-width: 0;
    margin: 0;
  }
  /*
   * Cells shrink so that the widest map (--n columns) fits its column; every map uses the same cell
   * size. The grid adds 6 px of room on each side; 4 px spare absorb rounding.
   */
  tconv-grid {
    max-width: 100%;
    --tconv-cell-gap: 2px;
    --tconv-cell-size: clamp(9px, calc((100cqw - 16px - (var(--n) - 1) * 2px) / var(--n)), var(--_cell-max));
    --tconv-font-size: clamp(7px, calc((100cqw - 16px) / var(--n) * 0.42), 0.75rem);
  }
  .note {
    margin: 0 6px;
    color: var(--_muted);
    font-size: 0.8125rem;
    font-variant-numeric: tabular-nums;
  }
  .explanation {
    margin: 10px 0 0;
    padding: 2px 0 2px 12px;
    border-left: 3px solid var(--_accent);
    max-width: 72ch;
    font-size: 0.9375rem;
  }
  .notices {
    margin: 0 0 12px;
    padding: 8px 12px 8px 28px;
    border-radius: 8px;
    background: var(--_notice-bg);
    color: var(--_notice);
    font-size: 0.875rem;
  }
  .status {
    margin: 0;
    padding: 24px 0;
    color: var(--_muted);
  }
  .status.error {
    color: var(--_alert);
  }
`;
