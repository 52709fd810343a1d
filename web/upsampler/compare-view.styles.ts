// The styles of <tconv-upsampler-compare> (compare-view.ts).

import { css } from 'lit';

import { innerTheme } from './theme.js';

export const compareStyles = [
  innerTheme,
  css`
    :host {
      display: block;
      position: relative;
    }
    .stage {
      position: relative;
      /* tall enough for a 4:3 image on a phone, at most 62 % of the window on a desktop */
      height: var(--tconv-upsampler-stage-height, clamp(260px, min(62vh, 75cqw + 60px), 680px));
      overflow: hidden;
      border-radius: var(--_radius) var(--_radius) 0 0;
      background: var(--_stage-bg);
      touch-action: none;
      user-select: none;
      -webkit-user-select: none;
      cursor: grab;
    }
    .stage.dragging {
      cursor: grabbing;
    }
    .stage:focus-visible {
      outline-offset: -3px;
    }
    canvas {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
      display: block;
    }
    canvas.pixelated {
      image-rendering: pixelated;
    }
    .label {
      position: absolute;
      top: 10px;
      max-width: calc(50% - 28px);
      padding: 5px 10px;
      border-radius: 999px;
      background: var(--_glass);
      box-shadow: var(--_float-shadow);
      font-size: 0.8125rem;
      line-height: 1.2;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
      pointer-events: none;
      backdrop-filter: blur(6px);
    }
    /* Badge, method and time (tconv-upsampler.component.ts): the method's name shrinks first, so the time
       stays readable in a narrow figure. */
    .label {
      display: flex;
      align-items: baseline;
      gap: 0.3em;
    }
    .label > * {
      flex: none;
    }
    .label .name {
      flex: 0 1 auto;
      min-width: 1.5em;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .label b {
      font-weight: 700;
    }
    .label.left {
      left: 10px;
    }
    .label.left b {
      color: var(--_a);
    }
    .label.right {
      right: 10px;
    }
    .label.right b {
      color: var(--_b);
    }
    .label.single {
      left: 10px;
      max-width: calc(100% - 20px);
    }
    .handle {
      position: absolute;
      top: 0;
      bottom: 0;
      width: 44px;
      margin-left: -22px;
      cursor: ew-resize;
      touch-action: none;
      outline: none;
    }
    .handle::before {
      content: '';
      position: absolute;
      top: 0;
      bottom: 0;
      left: 21px;
      width: 2px;
      background: var(--_surface);
      box-shadow: 0 0 0 1px rgb(0 0 0 / 25%);
    }
    .grip {
      position: absolute;
      top: 50%;
      left: 50%;
      width: 32px;
      height: 32px;
      margin: -16px 0 0 -16px;
      display: grid;
      place-items: center;
      border-radius: 50%;
      background: var(--_surface);
      color: var(--_text);
      box-shadow: var(--_float-shadow);
    }
    .grip svg {
      width: 18px;
      height: 18px;
    }
    .handle:focus-visible .grip {
      outline: 2px solid var(--_focus);
      outline-offset: 2px;
    }
    .zoom {
      position: absolute;
      right: 10px;
      bottom: 10px;
      display: flex;
      align-items: center;
      gap: 2px;
      padding: 3px;
      border-radius: 10px;
      background: var(--_glass);
      box-shadow: var(--_float-shadow);
      backdrop-filter: blur(6px);
    }
    .zoom .btn {
      min-height: 30px;
      border-color: transparent;
      background: transparent;
    }
    .zoom .btn.icon {
      width: 30px;
    }
    .zoom .btn:hover {
      background: var(--_surface-2);
    }
    .zoom .level {
      min-width: 64px;
      font-variant-numeric: tabular-nums;
      font-size: 0.8125rem;
    }
    .legend {
      position: absolute;
      left: 10px;
      bottom: 10px;
      max-width: min(340px, calc(100% - 190px));
      padding: 8px 10px;
      border-radius: 10px;
      background: var(--_glass);
      box-shadow: var(--_float-shadow);
      font-size: 0.75rem;
      line-height: 1.35;
      backdrop-filter: blur(6px);
    }
    .legend .bar {
      height: 10px;
      margin: 5px 0 2px;
      border-radius: 3px;
      background: linear-gradient(90deg, #000, #fff);
      box-shadow: inset 0 0 0 1px rgb(128 128 128 / 40%);
    }
    .legend .ticks {
      display: flex;
      justify-content: space-between;
      font-variant-numeric: tabular-nums;
      color: var(--_muted);
    }
    .readout {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 4px 16px;
      min-height: 38px;
      padding: 7px 12px;
      border: 1px solid var(--_border);
      border-top: none;
      border-radius: 0 0 var(--_radius) var(--_radius);
      background: var(--_surface);
      font-size: 0.8125rem;
      font-variant-numeric: tabular-nums;
      color: var(--_muted);
    }
    .readout .xy {
      font-family: var(--_mono);
      color: var(--_text);
      min-width: 11ch;
    }
    .readout .px {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      font-family: var(--_mono);
      font-size: 0.78rem;
      color: var(--_text);
    }
    .readout .tag {
      font-family: var(--_font);
      font-weight: 700;
      font-size: 0.75rem;
    }
    .readout .tag.a {
      color: var(--_a);
    }
    .readout .tag.b {
      color: var(--_b);
    }
    .swatch {
      width: 14px;
      height: 14px;
      border-radius: 3px;
      box-shadow: inset 0 0 0 1px rgb(128 128 128 / 50%);
      background-image: linear-gradient(var(--c), var(--c)), conic-gradient(#bbb 25%, #fff 0 50%, #bbb 0 75%, #fff 0);
      background-size:
        100% 100%,
        8px 8px;
    }
    .keys {
      margin-left: auto;
      font-size: 0.75rem;
    }
    @media (max-width: 520px) {
      .keys {
        display: none;
      }
      .legend {
        max-width: calc(100% - 20px);
        bottom: 56px;
      }
    }
  `,
];
