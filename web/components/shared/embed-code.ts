// "Copy embed code": the two ways to put a figure into an article, for the
// figure on screen. The script snippet loads tconv-embed.js (once per page)
// and writes the element with its attributes; the iframe snippet points at
// embed.html with the same names as URL parameters, for platforms that strip
// scripts. Both URLs are absolute, next to the script that is running (the
// embed script's own URL) or, on the site, next to the page (where
// `npm run build` writes tconv-embed.js and embed.html).

import { shared } from './core.js';

export type Figure = 'matrix' | 'overlap' | 'upsampler';

export const FIGURE_TAGS: Record<Figure, string> = {
  matrix: 'tconv-matrix',
  overlap: 'tconv-overlap',
  upsampler: 'tconv-upsampler',
};

const TITLES: Record<Figure, string> = {
  matrix: 'Transposed convolution as a matrix (tconv)',
  overlap: 'Overlap of a transposed convolution (tconv)',
  upsampler: 'Up-sampling compared (tconv)',
};

/** A sensible iframe height per figure: the figure scrolls inside it when taller. */
const HEIGHTS: Record<Figure, number> = { matrix: 760, overlap: 440, upsampler: 760 };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeAttr = (s: string) => s.replace(/[&<>"]/g, (c) => ESCAPES[c]);

/** Where tconv-embed.js is: the running embed script, or next to this page. */
export function scriptUrl(): string {
  return shared().scriptUrl || new URL('tconv-embed.js', document.baseURI).href;
}

/** embed.html next to the script, with `figure` and the attributes as parameters. */
export function iframeUrl(figure: Figure, attrs: [string, string][]): string {
  const url = new URL('embed.html', scriptUrl());
  const params = new URLSearchParams([['figure', figure], ...attrs]);
  url.search = params.toString().replace(/%2C/gi, ',');
  return url.href;
}

/** `name="value"` pairs (value '' = a boolean attribute, written bare). */
function attrText(attrs: [string, string][]): string {
  return attrs.map(([n, v]) => (v === '' ? ` ${n}` : ` ${n}="${escapeAttr(v)}"`)).join('');
}

/** Both snippets, as text for the clipboard. */
export function embedCode(figure: Figure, attrs: [string, string][]): string {
  const tag = FIGURE_TAGS[figure];
  return [
    '<!-- tconv figure: the script (once per page), then the element -->',
    `<script src="${escapeAttr(scriptUrl())}"></script>`,
    `<${tag}${attrText(attrs)}></${tag}>`,
    '',
    '<!-- or, where scripts are not allowed, the same figure in an iframe -->',
    `<iframe src="${escapeAttr(iframeUrl(figure, attrs))}" title="${TITLES[figure]}" width="100%" height="${HEIGHTS[figure]}" style="border: 0; max-width: 100%" loading="lazy"></iframe>`,
  ].join('\n');
}
