// Shadow DOM styles of the answers under the chapters' grids (answers-view.ts):
// boxes in the page's muted tone, the size map of output_padding, the names.

import { css } from 'lit';

export const answersStyles = css`
  .answer {
    margin: 0 0 14px;
    padding: 10px 14px 12px;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: color-mix(in srgb, var(--_surface-2) 55%, transparent);
    font-size: 0.9375rem;
    max-width: 78ch;
  }
  .answer h3 {
    margin: 0 0 6px;
    font-size: 0.9375rem;
  }
  .answer p {
    margin: 0 0 8px;
  }
  .answer p:last-child {
    margin-bottom: 0;
  }
  .answer .result:empty {
    display: none;
  }
  .answer .gradient {
    padding-top: 8px;
    border-top: 1px solid var(--_border);
    color: var(--_muted);
  }
  .answer .grids {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 10px 14px;
    margin: 8px 0;
  }
  .answer .text-btn {
    margin: 0 0 8px;
  }

  /* Chapter 6: x with the window that fed the current output, beside the sentence. */
  .answer.connect {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 16px;
  }
  .answer.connect p {
    flex: 1 1 24ch;
    margin: 0;
  }

  /* Chapter 5: input sizes → output size → the sizes output_padding picks. */
  .size-map {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 10px;
    margin: 4px 0 10px;
    font-variant-numeric: tabular-nums;
  }
  .size-map .sizes {
    display: inline-flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .size-map .size {
    display: inline-flex;
    flex-direction: column;
    align-items: center;
    padding: 3px 9px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_surface);
    font-weight: 600;
    line-height: 1.3;
  }
  .size-map .size small {
    color: var(--_muted);
    font-size: 0.6875rem;
    font-weight: 400;
  }
  .size-map .size.out,
  .size-map .size.now {
    border-color: color-mix(in srgb, var(--_accent) 55%, transparent);
    background: var(--_accent-soft);
  }
  .size-map .arrow {
    color: var(--_muted);
    font-size: 0.8125rem;
  }

  .names {
    display: grid;
    gap: 6px;
    margin: 0;
  }
  .names div {
    display: grid;
    grid-template-columns: minmax(9em, 14em) minmax(0, 1fr);
    gap: 4px 12px;
  }
  .names dt {
    font-weight: 600;
  }
  .names dd {
    margin: 0;
  }
  .names .text-btn {
    margin: 4px 0 0;
  }
  @container (max-width: 520px) {
    .names div {
      grid-template-columns: minmax(0, 1fr);
      gap: 0;
    }
  }
`;
