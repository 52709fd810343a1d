// The one-file iframe page: web/embed-page.ts as one classic script (IIFE)
// with the WebAssembly core inlined exactly as in tconv-embed.js (the same
// plugins: core.wasm gzipped as base64, an inline Blob-URL worker), which
// scripts/site.mjs writes into embed.html in place of its module script:
// dist/embed.html fetches nothing, so it works copied alone next to a post,
// on any static host and from file://.
// Written to memory (write: false): site.mjs takes the code from the result.

import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';

import embed from './vite.embed.config.js';

const root = fileURLToPath(new URL('.', import.meta.url));

// tconv-embed.js's config (its plugins, worker and resolve options) with another entry and output.
export default defineConfig({
  ...embed,
  build: {
    write: false,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    lib: {
      entry: `${root}web/embed-page.ts`,
      formats: ['iife'],
      name: 'tconvEmbedPage',
      fileName: () => 'embed-page.js',
    },
  },
});
