// "Copy embed code": the two ways to put a figure into an article, for the
// figure on screen. The script snippet loads tconv-embed.js (once per page)
// and writes the element with its attributes; the iframe snippet points at
// embed.html with the same names as URL parameters, for platforms that strip
// scripts. Both URLs are absolute, next to the script that is running (the
// embed script's own URL) or, on the site, next to the page (where
// `npm run build` writes tconv-embed.js and embed.html).
//
// The iframe's height: embed.html posts HeightMessage to the article whenever
// its content's height changes, and the snippet's few lines of script resize
// the iframe that sent it (event.source is the frame's window: each of several
// iframes on a page gets its own height). Where the platform strips that
// script too, the iframe keeps its height attribute, DEFAULT_HEIGHTS: enough
// for the whole figure in a 720 px column (tests/browser/embed-iframe.test.ts
// measures it).

import { shared } from './core.js';

export type Figure = 'matrix' | 'overlap' | 'upsampler';

export const FIGURE_TAGS: Record<Figure, string> = {
  matrix: 'tconv-matrix',
  overlap: 'tconv-overlap',
  upsampler: 'tconv-upsampler',
};

/** The `type` of the message embed.html posts to its parent. */
export const HEIGHT_MESSAGE = 'tconv:height';

/** What embed.html posts to its parent (window.parent.postMessage, any origin) on load and on every change of height. */
export interface HeightMessage {
  type: typeof HEIGHT_MESSAGE;
  /** The page's content height in CSS px, rounded up: the iframe's height that shows it without a scrollbar. */
  height: number;
  /** The frame's URL (for the article's own bookkeeping; the frame itself is event.source). */
  href: string;
}

const TITLES: Record<Figure, string> = {
  matrix: 'Transposed convolution as a matrix (tconv)',
  overlap: 'Overlap of a transposed convolution (tconv)',
  upsampler: 'Up-sampling compared (tconv)',
};

/** The width, in CSS px, at which DEFAULT_HEIGHTS show the whole figure: a common article column. */
export const COLUMN_WIDTH = 720;

/**
 * The iframe's height attribute without the resize script, in CSS px: each figure's content
 * height at COLUMN_WIDTH plus 20 px, rounded up to 10 px, for the README's examples and the
 * explainer's first figure (input 4 or 5, kernel 3), at each chapter's first and last frame.
 * The matrix's chapters differ so much (chapter 1 is a third of chapter 9) that it has one
 * height per chapter, picked by the snippet's step. A larger input or a narrower column needs
 * the script (or a taller height). embed-alone.test.ts measures these and says when one is off.
 */
export const DEFAULT_HEIGHTS = {
  /** Chapters 1 to 10, first to last frame. */
  matrix: [770, 910, 1050, 1230, 2020, 1940, 2250, 1800, 2470, 1960],
  overlap: 920,
  upsampler: 1550,
} as const;

/** The default height of a figure's iframe (its chapter's, for the matrix: `step` "6" or "6.2" is chapter 6). */
export function defaultHeight(figure: Figure, attrs: [string, string][]): number {
  if (figure !== 'matrix') return DEFAULT_HEIGHTS[figure];
  const chapters = DEFAULT_HEIGHTS.matrix;
  const step = attrs.find(([n]) => n === 'step')?.[1];
  const chapter = step ? Number.parseInt(step, 10) : 1;
  return chapters[chapter - 1] ?? Math.max(...chapters);
}

/**
 * The article's side: resizes the iframe whose page posted a HeightMessage. One copy per article
 * is enough (a second does the same work again); `important` so that the article's own
 * `iframe { height: … !important }` does not win over the figure's height.
 */
export function resizeScript(): string {
  return [
    '<script>',
    '  // tconv: each figure’s iframe takes the height its page reports (one copy per article is enough)',
    "  addEventListener('message', (e) => {",
    `    const h = e.data && e.data.type === '${HEIGHT_MESSAGE}' ? Math.ceil(e.data.height) : 0;`,
    '    if (!(h > 0 && h < 100000)) return;',
    "    for (const f of document.querySelectorAll('iframe'))",
    "      if (f.contentWindow === e.source) f.style.setProperty('height', h + 'px', 'important');",
    '  });',
    '</script>',
  ].join('\n');
}

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

/** Both snippets, as text for the clipboard: the script and the element; or the iframe and its resize script. */
export function embedCode(figure: Figure, attrs: [string, string][]): string {
  const tag = FIGURE_TAGS[figure];
  return [
    '<!-- tconv figure: the script (once per page), then the element -->',
    `<script src="${escapeAttr(scriptUrl())}"></script>`,
    `<${tag}${attrText(attrs)}></${tag}>`,
    '',
    `<!-- or, where scripts are not allowed, the same figure in an iframe (its height fits a ${COLUMN_WIDTH} px column;`,
    '     where the script below is allowed, the iframe follows the figure’s height at any width) -->',
    `<iframe src="${escapeAttr(iframeUrl(figure, attrs))}" title="${TITLES[figure]}" width="100%" height="${defaultHeight(figure, attrs)}" style="border: 0; max-width: 100%" loading="lazy"></iframe>`,
    resizeScript(),
  ].join('\n');
}
