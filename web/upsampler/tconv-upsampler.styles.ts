// The styles of <tconv-upsampler> (tconv-upsampler.component.ts): its frame, toolbar, panels and
// overlays. They go after TconvElement.styles (isolation, the shared theme); colours come from the theme's
// tokens and theme.ts. The layout follows the element's own width (container queries).

import { css } from 'lit';

import { controlStyles, upsamplerTokens } from './theme.js';

export const upsamplerStyles = [
  upsamplerTokens,
  controlStyles,
  css`
    /* A tool's denser text than the figures' 1rem / 1.5: set again on the top element, as isolation does. */
    :host,
    :host > * {
      font-size: 0.9375rem;
      line-height: 1.45;
    }
    :host {
      display: block;
      container-type: inline-size;
    }
    .frame {
      position: relative;
      display: flex;
      flex-direction: column;
      gap: 12px;
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 10px 14px;
    }
    .group {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
    }
    .spacer {
      flex: 1;
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
    .segmented {
      display: inline-flex;
      padding: 3px;
      gap: 2px;
      border: 1px solid var(--_border);
      border-radius: 10px;
      background: var(--_surface-2);
      margin: 0;
      min-width: 0;
    }
    .segmented legend {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
    .segmented label {
      position: relative;
      display: inline-flex;
      align-items: center;
      min-height: 28px;
      padding: 0 11px;
      border-radius: 7px;
      font-size: 0.875rem;
      font-weight: 500;
      color: var(--_muted);
      cursor: pointer;
      white-space: nowrap;
      font-variant-numeric: tabular-nums;
    }
    .segmented input {
      position: absolute;
      opacity: 0;
      inset: 0;
      margin: 0;
      cursor: pointer;
    }
    .segmented label:has(input:checked) {
      background: var(--_surface);
      color: var(--_text);
      box-shadow: 0 1px 2px rgb(0 0 0 / 12%);
    }
    .segmented label:has(input:focus-visible) {
      outline: 2px solid var(--_focus);
      outline-offset: 1px;
    }
    .segmented label:has(input:disabled) {
      opacity: 0.45;
      cursor: default;
    }
    .gain {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      font-size: 0.875rem;
      color: var(--_muted);
    }
    .custom {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
      padding: 10px 12px;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
      font-size: 0.875rem;
    }
    .custom input[type='number'] {
      width: 6.5em;
      min-height: 32px;
      padding: 0 8px;
      border: 1px solid var(--_border);
      border-radius: 7px;
      background: var(--_bg);
      font-variant-numeric: tabular-nums;
    }
    .custom .hint {
      color: var(--_muted);
      flex-basis: 100%;
      margin: 0;
      font-size: 0.8125rem;
    }
    .info {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 14px;
      margin: -4px 0 -2px;
      color: var(--_muted);
      font-size: 0.8125rem;
      font-variant-numeric: tabular-nums;
    }
    .info strong {
      color: var(--_text);
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .alert {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px 12px;
      padding: 10px 12px;
      border: 1px solid color-mix(in srgb, var(--_alert) 45%, transparent);
      border-radius: var(--_radius);
      background: var(--_alert-bg);
      color: var(--_text);
      font-size: 0.875rem;
    }
    .alert[hidden] {
      display: none;
    }
    .alert p {
      flex: 1 1 280px;
      margin: 0;
    }
    .alert p::before {
      content: '!';
      display: inline-grid;
      place-items: center;
      width: 18px;
      height: 18px;
      margin-right: 8px;
      border-radius: 50%;
      background: var(--_alert);
      color: var(--_surface);
      font-weight: 700;
      font-size: 0.75rem;
      vertical-align: 1px;
    }
    .compare-wrap {
      position: relative;
    }
    .overlay {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
      pointer-events: none;
    }
    .empty {
      pointer-events: auto;
      max-width: 460px;
      margin: 16px;
      padding: 22px 24px;
      border: 2px dashed color-mix(in srgb, var(--_muted) 45%, transparent);
      border-radius: 16px;
      background: var(--_glass);
      text-align: center;
      cursor: default;
    }
    .empty h3 {
      margin: 0 0 4px;
      font-size: 1.0625rem;
    }
    .empty p {
      margin: 0 0 12px;
      color: var(--_muted);
      font-size: 0.875rem;
    }
    .empty p .btn {
      min-height: 28px;
    }
    .empty p.flush {
      margin: 0;
    }
    .empty .samples {
      display: flex;
      flex-wrap: wrap;
      justify-content: center;
      gap: 8px;
      margin-top: 12px;
    }
    /* Over the whole element while a file is dragged over it; the words stay in view on a tall element. */
    .drop-hint {
      position: absolute;
      inset: 0;
      z-index: 5;
      border: 3px dashed var(--_accent);
      border-radius: 14px;
      background: color-mix(in srgb, var(--_accent) 14%, transparent);
      pointer-events: none;
    }
    .drop-hint span {
      position: sticky;
      top: calc(50vh - 1.5em);
      display: block;
      width: max-content;
      max-width: calc(100% - 32px);
      margin: min(120px, 20%) auto;
      padding: 10px 18px;
      border-radius: 999px;
      background: var(--_surface);
      box-shadow: var(--_float-shadow);
      color: var(--_text);
      font-size: 1.125rem;
      font-weight: 600;
      text-align: center;
    }
    .drop-note {
      color: var(--_muted);
      font-size: 0.8125rem;
    }
    .working {
      pointer-events: auto;
      display: flex;
      align-items: center;
      gap: 12px;
      min-width: min(360px, calc(100% - 32px));
      max-width: calc(100% - 32px);
      padding: 12px 14px;
      border-radius: 12px;
      background: var(--_glass);
      box-shadow: var(--_float-shadow);
      backdrop-filter: blur(8px);
      font-size: 0.875rem;
    }
    .working .what {
      flex: 1;
      min-width: 0;
    }
    .working .what .more {
      color: var(--_muted);
    }
    .working .what div {
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    progress {
      display: block;
      width: 100%;
      height: 6px;
      margin-top: 6px;
      border: none;
      border-radius: 3px;
      background: var(--_surface-2);
      accent-color: var(--_accent);
      overflow: hidden;
      appearance: none;
    }
    progress::-webkit-progress-bar {
      background: var(--_surface-2);
    }
    progress::-webkit-progress-value {
      background: var(--_accent);
      transition: width 0.2s;
    }
    progress::-moz-progress-bar {
      background: var(--_accent);
    }
    progress:indeterminate {
      background: linear-gradient(90deg, transparent 0 35%, var(--_accent) 35% 65%, transparent 65%) 0 0 / 300% 100%
        var(--_surface-2);
      animation: slide 1.1s linear infinite;
    }
    progress:indeterminate::-webkit-progress-bar {
      background: transparent;
    }
    @keyframes slide {
      from {
        background-position: 100% 0;
      }
      to {
        background-position: -50% 0;
      }
    }
    .panels {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 12px;
    }
    .side,
    .kernel {
      min-width: 0;
      padding: 14px 16px;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
    }
    .side {
      border-top: 3px solid var(--_side);
    }
    .side.a {
      --_side: var(--_a);
    }
    .side.b {
      --_side: var(--_b);
    }
    .side-head {
      display: flex;
      align-items: center;
      gap: 10px;
      margin-bottom: 8px;
    }
    .side-head h3 {
      margin: 0;
      font-size: 0.9375rem;
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .badge {
      display: inline-grid;
      place-items: center;
      width: 22px;
      height: 22px;
      border-radius: 6px;
      background: var(--_side);
      color: var(--_surface);
      font-size: 0.8125rem;
      font-weight: 700;
    }
    .time {
      margin-left: auto;
      font-variant-numeric: tabular-nums;
      font-size: 0.8125rem;
      color: var(--_muted);
    }
    .time strong {
      color: var(--_text);
    }
    .method {
      width: 100%;
    }
    .check {
      display: inline-flex;
      align-items: center;
      gap: 7px;
      margin-top: 10px;
      font-size: 0.875rem;
      cursor: pointer;
    }
    .check.flush {
      margin: 0;
    }
    .check input {
      width: 16px;
      height: 16px;
      margin: 0;
      accent-color: var(--_accent);
    }
    .check:has(input:disabled) {
      opacity: 0.5;
      cursor: default;
    }
    .note {
      margin: 8px 0 0;
      color: var(--_muted);
      font-size: 0.8125rem;
      line-height: 1.45;
    }
    .side-foot {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px 12px;
      margin-top: 12px;
    }
    .side-state {
      flex: 1 1 160px;
      min-width: 0;
      font-size: 0.8125rem;
      color: var(--_muted);
    }
    .side-state .btn.compact {
      min-height: 26px;
      padding: 0 8px;
    }
    .side-state.error {
      color: var(--_alert);
    }
    .kernel {
      grid-column: 1 / -1;
    }
    .kernel h3 {
      margin: 0 0 10px;
      font-size: 0.9375rem;
    }
    .kernel h3 small {
      font-weight: 400;
      color: var(--_muted);
      font-size: 0.8125rem;
    }
    .footer {
      display: grid;
      gap: 6px;
      margin: 0;
      color: var(--_muted);
      font-size: 0.8125rem;
    }
    .footer p {
      margin: 0;
    }
    .footer .privacy {
      display: flex;
      gap: 8px;
      align-items: flex-start;
    }
    .footer .privacy svg {
      width: 15px;
      height: 15px;
      flex: none;
      margin-top: 2px;
      color: var(--_text);
    }
    @container (max-width: 700px) {
      .panels {
        grid-template-columns: 1fr;
      }
      .toolbar .spacer {
        display: none;
      }
    }
    @container (max-width: 420px) {
      .segmented label {
        padding: 0 8px;
      }
      .side,
      .kernel {
        padding: 12px;
      }
      .hide-narrow {
        display: none;
      }
    }
  `,
];
