// Shadow DOM styles of chapters 9 and 10's extras: the choice of g, the
// training box with its loss curve and controls. Colours are the theme's
// tokens, so both schemes (and a page's --tconv-accent) apply.

import { css } from 'lit';

export const gradientsStyles = css`
  .choice {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 18px;
    margin: 0;
    padding: 0;
    border: 0;
    min-width: 0;
  }
  .choice legend {
    width: 100%;
    margin: 0 0 4px;
    padding: 0;
    font-weight: 600;
    font-size: 0.9375rem;
  }
  .choice .check {
    white-space: normal;
  }

  .answer.learn {
    max-width: none;
  }
  .learn-body {
    display: flex;
    flex-wrap: wrap;
    gap: 12px 24px;
    align-items: flex-start;
  }
  .loss-plot {
    flex: 1 1 300px;
    max-width: 460px;
    margin: 0;
  }
  .loss-plot svg {
    display: block;
    width: 100%;
    height: auto;
    overflow: visible;
  }
  .loss-plot .grid-line {
    stroke: var(--_border);
    stroke-width: 1;
  }
  .loss-plot .axis {
    stroke: var(--_muted);
    stroke-width: 1;
  }
  .loss-plot .tick {
    fill: var(--_muted);
    font-size: 11px;
    font-variant-numeric: tabular-nums;
  }
  .loss-plot .rest {
    fill: none;
    stroke: var(--_muted);
    stroke-width: 1.5;
    stroke-dasharray: 2 3;
    opacity: 0.55;
  }
  .loss-plot .done {
    fill: none;
    stroke: var(--_accent);
    stroke-width: 2.25;
    stroke-linejoin: round;
  }
  .loss-plot .now {
    fill: var(--_accent);
    stroke: var(--_surface);
    stroke-width: 2;
  }
  .loss-plot .note {
    color: var(--_muted);
    font-size: 0.8125rem;
    text-align: center;
  }
  .learn-controls {
    flex: 1 1 260px;
    display: grid;
    gap: 10px;
    align-content: start;
  }
  .learn-controls .field {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 10px;
    margin: 0;
  }
  .learn-controls select {
    max-width: 100%;
  }
  .learn-controls input[type='number'] {
    width: 8ch;
    padding: 5px 6px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_surface);
    color: var(--_text);
    font: inherit;
    font-variant-numeric: tabular-nums;
  }
  .learn-controls .text-btn {
    margin: 0;
  }
  .learn-controls .hint {
    margin: 0;
    color: var(--_muted);
    font-size: 0.8125rem;
  }
`;
