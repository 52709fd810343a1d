// The styles of <tconv-upsampler-align> (align-figure.ts). Every colour is one
// of the upsampler's private properties (--_text, --_accent, …), inherited
// from <tconv-upsampler>'s host: the figure follows its theme.

import { css } from 'lit';

import { baseStyles } from '../components/shared/theme.styles.js';
import { controlStyles } from './theme.js';

export const alignStyles = [
  baseStyles,
  controlStyles,
  css`
    :host {
      display: contents;
    }
    .help {
      display: inline-grid;
      place-items: center;
      width: 24px;
      height: 24px;
      /* On the box's line: the label is 20 px tall below a 10 px margin, so 8 px centres this 24 px circle on it. */
      margin: 8px 0 0 6px;
      padding: 0;
      border: 1px solid var(--_border);
      border-radius: 50%;
      background: var(--_surface);
      color: var(--_muted);
      font-size: 0.8125rem;
      font-weight: 700;
      line-height: 1;
      vertical-align: top;
      cursor: pointer;
    }
    .help:hover {
      color: var(--_text);
      border-color: color-mix(in srgb, var(--_text) 35%, var(--_border));
    }
    .help[aria-expanded='true'] {
      background: var(--_accent);
      border-color: var(--_accent);
      color: var(--_on-accent);
    }
    .figure {
      margin-top: 10px;
      padding: 10px 12px 12px;
      border: 1px solid var(--_border);
      border-radius: 10px;
      background: var(--_surface-2);
      font-size: 0.8125rem;
      line-height: 1.45;
    }
    .figure[hidden] {
      display: none;
    }
    p {
      margin: 0 0 8px;
    }
    .lead,
    .wait {
      color: var(--_muted);
    }
    .title {
      font-weight: 600;
    }
    .problem {
      color: var(--_alert);
    }
    figure {
      margin: 0 0 10px;
    }
    figcaption {
      margin-bottom: 4px;
    }
    figure svg {
      display: block;
      width: 100%;
      max-width: 420px;
      height: auto;
    }
    .pixel {
      fill: var(--_surface);
      stroke: var(--_border);
      stroke-width: 1;
    }
    .out {
      fill: color-mix(in srgb, var(--_accent) 14%, var(--_surface));
      stroke: var(--_surface-2);
      stroke-width: 1;
    }
    .out.odd {
      fill: color-mix(in srgb, var(--_accent) 26%, var(--_surface));
    }
    .dot {
      fill: var(--_text);
    }
    .tick {
      stroke: var(--_accent);
      stroke-width: 2;
      stroke-linecap: round;
    }
    .read {
      stroke: color-mix(in srgb, var(--_accent) 55%, transparent);
      stroke-width: 1;
    }
    .read.clamped {
      stroke: var(--_accent);
      stroke-dasharray: 3 2;
    }
    .edge {
      stroke: var(--_text);
      stroke-width: 1.5;
      stroke-dasharray: 4 3;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 14px;
      color: var(--_muted);
    }
    .legend span {
      display: inline-flex;
      align-items: center;
      gap: 5px;
    }
    .legend svg {
      width: 12px;
      height: 12px;
      flex: none;
    }
    .clamp {
      margin-bottom: 0;
    }
    @media (forced-colors: active) {
      .dot {
        fill: CanvasText;
      }
      .tick,
      .read,
      .edge {
        stroke: CanvasText;
      }
      .pixel,
      .out {
        fill: Canvas;
        stroke: CanvasText;
      }
    }
  `,
];
