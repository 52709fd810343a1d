// The styles of <tconv-upsampler-learn> (tconv-learn.component.ts): controls,
// plots, the flat-grey responses and the kernel grids. Colours are the theme's
// tokens (the shared ones and the upsampler's A and B); the layout follows the
// element's own width (container queries), from 320 px up.

import { css } from 'lit';

import { controlStyles, upsamplerTokens } from '../theme.js';

export const learnStyles = [
  upsamplerTokens,
  controlStyles,
  css`
    :host {
      display: block;
      container-type: inline-size;
      font-size: 0.9375rem;
      line-height: 1.45;
    }
    .learn {
      display: flex;
      flex-direction: column;
      gap: 12px;
    }
    .controls {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px 12px;
    }
    .model {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      min-width: 0;
      flex: 1 1 200px;
    }
    .model select {
      flex: 1;
      min-width: 0;
    }
    select.btn {
      padding-right: 28px;
      appearance: none;
      background-image:
        linear-gradient(45deg, transparent 50%, currentColor 50%),
        linear-gradient(135deg, currentColor 50%, transparent 50%);
      background-position:
        calc(100% - 15px) 50%,
        calc(100% - 10px) 50%;
      background-size: 5px 5px;
      background-repeat: no-repeat;
    }
    .buttons {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
    }
    .buttons .btn.primary {
      min-width: 5.5em;
    }
    .segmented {
      display: inline-flex;
      padding: 3px;
      gap: 2px;
      border: 1px solid var(--_border);
      border-radius: 10px;
      background: var(--_surface-2);
      margin: 0;
    }
    .segmented label {
      display: inline-flex;
      align-items: center;
      min-height: 28px;
      padding: 0 11px;
      border-radius: 7px;
      font-size: 0.875rem;
      cursor: pointer;
    }
    .segmented input {
      position: absolute;
      opacity: 0;
      pointer-events: none;
    }
    .segmented label:has(input:checked) {
      background: var(--_surface);
      box-shadow: 0 0 0 1px var(--_border);
      font-weight: 600;
    }
    .segmented label:has(input:focus-visible) {
      outline: 2px solid var(--_focus);
    }
    .progress {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 4px 16px;
      width: 100%;
      font-variant-numeric: tabular-nums;
      font-size: 0.875rem;
    }
    .muted,
    .note,
    figcaption {
      color: var(--_muted);
    }
    .error {
      color: var(--_alert);
    }
    .badge {
      display: inline-grid;
      place-items: center;
      width: 1.5em;
      height: 1.5em;
      border-radius: 6px;
      color: var(--_on-accent);
      font-size: 0.8rem;
      font-weight: 700;
      flex: none;
    }
    .badge.a {
      background: var(--_a);
    }
    .badge.b {
      background: var(--_b);
    }
    tconv-upsampler-compare {
      --tconv-upsampler-stage-height: clamp(240px, 52vh, 560px);
    }
    .overlay .empty {
      margin: 0;
      padding: 24px;
      text-align: center;
      color: var(--_muted);
    }
    .plots,
    .pair {
      display: grid;
      grid-template-columns: 1fr;
      gap: 12px;
    }
    @container (min-width: 720px) {
      .plots,
      .pair {
        grid-template-columns: 1fr 1fr;
      }
    }
    .plot,
    .card {
      margin: 0;
      padding: 12px;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
      min-width: 0;
    }
    .card h3 {
      margin: 0 0 8px;
      font-size: 1rem;
    }
    .card p {
      margin: 0 0 8px;
    }
    .card p:last-child {
      margin-bottom: 0;
    }
    .plot svg {
      display: block;
      width: 100%;
      height: auto;
      overflow: visible;
    }
    .plot figcaption,
    .note {
      font-size: 0.8125rem;
    }
    .grid-line {
      stroke: var(--_border);
      stroke-width: 1;
    }
    .axis {
      stroke: var(--_muted);
      stroke-width: 1;
    }
    .tick {
      fill: var(--_muted);
      font-size: 12px;
      font-family: var(--_font);
    }
    .plot svg {
      max-width: 480px;
      margin: 0 auto;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 2px 14px;
      margin: 6px 0 4px;
      padding: 0;
      list-style: none;
      font-size: 0.8125rem;
    }
    .legend li {
      display: inline-flex;
      align-items: center;
      gap: 6px;
    }
    .legend svg {
      width: 24px;
      height: 8px;
      overflow: visible;
    }
    .line {
      fill: none;
      stroke-width: 2;
      stroke-linejoin: round;
    }
    .line.a {
      stroke: var(--_a);
    }
    .line.b {
      stroke: var(--_b);
    }
    .dot.a {
      fill: var(--_a);
    }
    .dot.b {
      fill: var(--_b);
    }
    .ref {
      stroke: var(--_text);
      stroke-width: 1.25;
    }
    .ref.bilinear {
      stroke-dasharray: 6 4;
    }
    .ref.bicubic {
      stroke-dasharray: 2 3;
    }
    .flat-row,
    .kernel-row {
      display: flex;
      flex-wrap: wrap;
      gap: 16px;
    }
    .flat-side,
    .kernel-side {
      margin: 0;
      display: flex;
      flex-direction: column;
      gap: 6px;
      min-width: 0;
    }
    .flat-canvas {
      width: 136px;
      height: 136px;
      image-rendering: pixelated;
      border: 1px solid var(--_border);
      background: var(--_surface-2);
    }
    .flat-side figcaption,
    .kernel-side figcaption {
      font-size: 0.8125rem;
      max-width: 160px;
    }
    .checker {
      color: var(--_text);
      font-size: 1.1rem;
      font-variant-numeric: tabular-nums;
    }
    .phases {
      display: grid;
      grid-template-columns: repeat(var(--f), auto);
      gap: 6px;
      justify-content: start;
    }
    .phases.empty {
      width: 136px;
      height: 80px;
    }
    .phase {
      display: grid;
      grid-template-columns: repeat(var(--cols), 12px);
      grid-auto-rows: 12px;
      gap: 1px;
      padding: 2px;
      border: 1px solid var(--_border);
      border-radius: 4px;
    }
    .tap {
      border-radius: 1px;
    }
    .tap.off {
      background: transparent;
      outline: 1px dotted color-mix(in srgb, var(--_muted) 45%, transparent);
      outline-offset: -1px;
    }
  `,
];
