// embed.html: one figure, nothing else, for an iframe in an article whose
// platform strips scripts. `?figure=matrix|overlap|upsampler` picks the
// element; every other parameter the element knows becomes its attribute
// (the same names as the attributes and as the explainer's URL). Unknown
// parameters are ignored. Nothing from the URL is written as markup.

import { type Figure, FIGURE_TAGS } from './components/shared/embed-code.js';
import { FIGURE_ATTRIBUTES } from './components/tconv-matrix/tconv-matrix.js';
import './components/tconv-overlap/tconv-overlap.js';
import './upsampler/tconv-upsampler.js';

const ATTRIBUTES: Record<Figure, string[]> = {
  matrix: [...FIGURE_ATTRIBUTES, 'autoplay', 'controls', 'theme'],
  overlap: ['kernel', 'stride', 'dilation', 'size', 'maps', 'theme'],
  upsampler: ['src', 'methods', 'scale', 'theme'],
};

/** Boolean attributes: present unless the parameter says 0, false or no. */
const BOOLEAN = new Set(['autoplay', 'controls']);

const params = new URLSearchParams(window.location.search);
const figure = (params.get('figure') ?? 'matrix') as Figure;

if (!(figure in FIGURE_TAGS)) {
  const p = document.createElement('p');
  p.className = 'error';
  p.setAttribute('role', 'alert');
  p.textContent = `Unknown figure ${JSON.stringify(figure.slice(0, 24))}: use figure=matrix, overlap or upsampler.`;
  document.body.append(p);
} else {
  const el = document.createElement(FIGURE_TAGS[figure]);
  for (const name of ATTRIBUTES[figure]) {
    const value = params.get(name);
    if (value === null) continue;
    if (BOOLEAN.has(name)) {
      if (!/^(0|false|no)$/i.test(value)) el.setAttribute(name, '');
    } else {
      el.setAttribute(name, value);
    }
  }
  // The iframe is the lazy part (loading="lazy" on it): once loaded, the figure starts.
  el.setAttribute('loading', 'eager');
  el.addEventListener('tconv-ready', () => (document.body.dataset.ready = 'true'), { once: true });
  el.addEventListener('tconv-load', () => (document.body.dataset.ready = 'true'), { once: true });
  el.addEventListener('tconv-error', () => (document.body.dataset.ready ??= 'error'), { once: true });
  document.body.append(el);
}
