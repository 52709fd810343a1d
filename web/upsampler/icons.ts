// The upsampler's line icons: 16×16, stroked with currentColor, inline (no
// external resources).

import { html, svg, type SVGTemplateResult } from 'lit';

const line = (body: SVGTemplateResult) =>
  html`<svg
    viewBox="0 0 16 16"
    aria-hidden="true"
    fill="none"
    stroke="currentColor"
    stroke-width="1.5"
    stroke-linecap="round"
    stroke-linejoin="round"
  >
    ${body}
  </svg>`;

export const icons = {
  open: line(svg`<path d="M2 12.5V4a1 1 0 0 1 1-1h3l1.5 1.5H13a1 1 0 0 1 1 1v7a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1z" />
    <path d="M8 7v4M6 9l2-2 2 2" />`),
  download: line(svg`<path d="M8 2.5v8M4.5 7 8 10.5 11.5 7M3 13.5h10" />`),
  lock: line(svg`<rect x="3" y="7" width="10" height="7" rx="1.5" /><path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" />`),
  minus: line(svg`<path d="M3 8h10" />`),
  plus: line(svg`<path d="M3 8h10M8 3v10" />`),
  fit: line(svg`<path d="M2.5 6V2.5H6M10 2.5h3.5V6M13.5 10v3.5H10M6 13.5H2.5V10" />`),
};
