// tconv-embed.js: the three figures as custom elements, for any page.
//
//   <script src="tconv-embed.js"></script>
//   <tconv-matrix input="4x4" kernel="3x3"></tconv-matrix>
//
// vite.embed.config.ts builds this file into one classic script (IIFE) with
// core.wasm inlined, and into an ES module (`import 'tconv/embed'`). Loading it
// twice is harmless: each element is defined once (the first copy wins), and
// every copy shares one core through globalThis[Symbol.for('tconv')]. It
// exports nothing: the classes are customElements.get('tconv-matrix'), ….

import { shared } from './components/shared/core.js';
import './components/tconv-matrix/tconv-matrix.js';
import './components/tconv-overlap/tconv-overlap.js';
import './upsampler/tconv-upsampler.js';

const record = shared();
record.scripts++;
// The script's own URL, for "Copy embed code" (a classic script knows it while it runs).
if (!record.scriptUrl && typeof document !== 'undefined') {
  const script = document.currentScript;
  if (script instanceof HTMLScriptElement && script.src) record.scriptUrl = script.src;
}
