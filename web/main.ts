// The page: one <tconv-matrix> whose state lives in the URL. URL parameters
// go in as the element's attributes (the same names); the element's events
// come back out as history.replaceState, so the address always reopens the
// figure on screen. Nothing from the URL is ever written as markup.

import { loadTconv } from './components/shared/core.js';
import { FIGURE_ATTRIBUTES } from './components/tconv-matrix/tconv-matrix.js';
import { quote } from './lib/explainer/config.js';

/** Parameters the element understands (its attribute names). */
const KNOWN = new Set<string>(FIGURE_ATTRIBUTES);

const explainer = document.querySelector('tconv-matrix')!;
const notice = document.getElementById('notice')!;
const error = document.getElementById('error')!;

const params = new URLSearchParams(window.location.search);
const ignored: string[] = [];
for (const [name, value] of params) {
  if (KNOWN.has(name)) explainer.setAttribute(name, value);
  else ignored.push(quote(name));
}
if (ignored.length) {
  notice.textContent = `Ignored unknown URL parameter${ignored.length > 1 ? 's' : ''} ${ignored.join(', ')}.`;
  notice.hidden = false;
}
// A first visit plays the first chapter; a shared link opens on its step, paused.
if (!params.has('step')) explainer.setAttribute('autoplay', '');

let state = '';
let step = params.get('step') ?? '1';

function writeUrl(): void {
  const query = state + (step !== '1' ? `${state ? '&' : ''}step=${step}` : '');
  const url = `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`;
  if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`) {
    history.replaceState(history.state, '', url);
  }
}

explainer.addEventListener('tconv-config-change', (e) => {
  state = e.detail.params;
  writeUrl();
});
explainer.addEventListener('tconv-step-change', (e) => {
  step = e.detail.step;
  writeUrl();
});
explainer.addEventListener('tconv-ready', () => {
  document.body.dataset.ready = 'true';
});

loadTconv().catch((e: unknown) => {
  error.textContent = `The WebAssembly core could not be loaded, so nothing can be computed: ${
    e instanceof Error ? e.message : String(e)
  }`;
  error.hidden = false;
  explainer.hidden = true; // the page's alert says it once
  document.body.dataset.ready = 'error';
});

declare global {
  interface HTMLElementEventMap {
    'tconv-ready': CustomEvent<Record<string, never>>;
  }
}
