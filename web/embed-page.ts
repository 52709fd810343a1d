// embed.html: one figure, nothing else, for an iframe in an article whose
// platform strips scripts. `?figure=matrix|overlap|upsampler` picks the
// element; every other parameter the element knows becomes its attribute
// (the same names as the attributes and as the explainer's URL). Unknown
// parameters are ignored. Nothing from the URL is written as markup.
//
// The page tells the article how tall it is: on load and whenever its height
// changes (a chapter change, the upsampler's image arriving), it posts
// HEIGHT_MESSAGE to its parent, which the snippet of "Copy embed code"
// (components/shared/embed-code.ts) answers by resizing the iframe.
//
// `npm run build` writes this page twice (scripts/site.mjs): dist/embed.html
// with everything inlined (works copied alone), and dist/embed-csp.html, which
// loads this script from assets/ (for a strict Content-Security-Policy).

import type { ReactiveElement } from 'lit';

import { type Figure, FIGURE_TAGS, HEIGHT_MESSAGE, type HeightMessage } from './components/shared/embed-code.js';
import './components/tconv-matrix/tconv-matrix.js';
import './components/tconv-overlap/tconv-overlap.js';
import './upsampler/tconv-upsampler.js';
// The page's sheet as text, adopted below: neither a file to fetch (the one-file page has none)
// nor a <style> element (which a policy without style-src 'unsafe-inline' would refuse).
import pageCss from './embed-page.css?inline';

/** Attributes an element reflects for its own use, which a page must not set (the upsampler's busy). */
const READ_ONLY = new Set(['busy']);

/**
 * The attributes of a figure's element, read from its declared (Lit) properties: name → whether it is
 * a boolean attribute. Internal state has no attribute and is left out.
 */
function attributesOf(tag: string): Map<string, boolean> {
  const element = customElements.get(tag) as typeof ReactiveElement | undefined;
  const out = new Map<string, boolean>();
  for (const [name, options] of element?.elementProperties ?? []) {
    if (options.attribute === false || options.state || typeof name !== 'string') continue;
    const attribute = typeof options.attribute === 'string' ? options.attribute : name.toLowerCase();
    if (!READ_ONLY.has(attribute)) out.set(attribute, options.type === Boolean);
  }
  return out;
}

/**
 * Posts the page's height (CSS px, rounded up) to the parent whenever it changes. The root
 * element's own box, not scrollHeight: scrollHeight is at least the viewport, so a frame
 * made taller for one chapter could never shrink back for a shorter one.
 */
function reportHeight(): void {
  if (window.parent === window) return;
  let last = -1;
  const post = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    const message: HeightMessage = { type: HEIGHT_MESSAGE, height, href: window.location.href };
    // Any origin: a height is no secret, and the article's origin is not known here.
    window.parent.postMessage(message, '*');
  };
  new ResizeObserver(post).observe(document.documentElement);
  window.addEventListener('load', post);
}

const sheet = new CSSStyleSheet();
sheet.replaceSync(pageCss);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

const params = new URLSearchParams(window.location.search);
const figure = (params.get('figure') ?? 'matrix') as Figure;

if (!(figure in FIGURE_TAGS)) {
  const p = document.createElement('p');
  p.className = 'error';
  p.setAttribute('role', 'alert');
  p.textContent = `Unknown figure ${JSON.stringify(figure.slice(0, 24))}: use figure=matrix, overlap or upsampler.`;
  document.body.append(p);
} else {
  const tag = FIGURE_TAGS[figure];
  const el = document.createElement(tag);
  for (const [name, boolean] of attributesOf(tag)) {
    const value = params.get(name);
    if (value === null) continue;
    // A boolean attribute is present unless the parameter says 0, false or no.
    if (!boolean) el.setAttribute(name, value);
    else if (!/^(0|false|no)$/i.test(value)) el.setAttribute(name, '');
  }
  // The iframe is the lazy part (loading="lazy" on it): once loaded, the figure starts, unless the URL says otherwise.
  if (!params.has('loading')) el.setAttribute('loading', 'eager');
  el.addEventListener('tconv-ready', () => (document.body.dataset.ready = 'true'), { once: true });
  el.addEventListener('tconv-load', () => (document.body.dataset.ready = 'true'), { once: true });
  el.addEventListener('tconv-error', () => (document.body.dataset.ready ??= 'error'), { once: true });
  document.body.append(el);
}
reportHeight();
