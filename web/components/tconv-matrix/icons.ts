// Player icons: inline SVG, drawn with currentColor (no external resources).

import { html, svg, type SVGTemplateResult } from 'lit';

const icon = (body: SVGTemplateResult) =>
  html`<svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">${body}</svg>`;

// Bodies use svg`` so that their elements are created in the SVG namespace.
export const play = icon(svg`<path d="M8 5.5v13l10.5-6.5z" fill="currentColor" />`);
export const pause = icon(
  svg`<rect x="6.5" y="5.5" width="4" height="13" rx="1" fill="currentColor" /><rect
      x="13.5"
      y="5.5"
      width="4"
      height="13"
      rx="1"
      fill="currentColor"
    />`,
);
export const stepBack = icon(svg`<path d="M15.5 6l-7 6 7 6z" fill="currentColor" />`);
export const stepForward = icon(svg`<path d="M8.5 6l7 6-7 6z" fill="currentColor" />`);
export const first = icon(
  svg`<path d="M17 6l-7 6 7 6z" fill="currentColor" /><rect x="6" y="6" width="2.2" height="12" fill="currentColor" />`,
);
export const last = icon(
  svg`<path d="M7 6l7 6-7 6z" fill="currentColor" /><rect x="15.8" y="6" width="2.2" height="12" fill="currentColor" />`,
);
export const chapterBack = icon(
  svg`<path d="M12 6l-6 6 6 6M18 6l-6 6 6 6" fill="none" stroke="currentColor" stroke-width="2" />`,
);
export const chapterForward = icon(
  svg`<path d="M6 6l6 6-6 6M12 6l6 6-6 6" fill="none" stroke="currentColor" stroke-width="2" />`,
);
export const copy = icon(
  svg`<rect x="8" y="8" width="11" height="12" rx="2" fill="none" stroke="currentColor" stroke-width="1.8" /><path
      d="M5 15V6a2 2 0 0 1 2-2h8"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
    />`,
);
export const link = icon(
  svg`<path
    d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"
    fill="none"
    stroke="currentColor"
    stroke-width="1.8"
    stroke-linecap="round"
  />`,
);
export const embed = icon(
  svg`<path
    d="M8.5 7.5L4 12l4.5 4.5M15.5 7.5L20 12l-4.5 4.5M13.5 5l-3 14"
    fill="none"
    stroke="currentColor"
    stroke-width="1.8"
    stroke-linecap="round"
    stroke-linejoin="round"
  />`,
);
