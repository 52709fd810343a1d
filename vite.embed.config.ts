// The one-file embed: dist/tconv-embed.js, a classic script (IIFE) that
// defines <tconv-matrix>, <tconv-overlap> and <tconv-upsampler> with the
// WebAssembly core inlined, so it works on any static host and from file://;
// and dist/tconv-embed.mjs, the same as an ES module for bundlers
// (`import 'tconv/embed'`). `npm run build` runs it after the site's build.
//
// core.wasm is inlined once, gzipped and as base64 (virtual:tconv-core-wasm),
// and unpacked on first use: the main thread instantiates the core from those
// bytes, and the upsampler's worker (an inline Blob-URL worker, a classic
// script here) gets a copy. Nothing is fetched: the glue's `new URL("core.wasm",
// import.meta.url)` is removed, so that no second copy of the wasm is inlined
// as an asset and no URL is ever resolved.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// The embed's core leaves the trainer out (CMakeLists.txt: tconv_wasm_embed), for the size budget.
const WASM = `${root}web/wasm/core-embed.wasm`;
const GLUE = `${root}web/wasm/core-embed.mjs`;
const EMBED_SOURCE = `${root}web/embed/core-source.ts`;
const VIRTUAL = '\0tconv-core-wasm';
const GLUE_URL = 'new URL("core-embed.wasm",import.meta.url).toString()';

function embedCore(): Plugin {
  return {
    name: 'tconv-embed-core',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === 'virtual:tconv-core-wasm') return VIRTUAL;
      if (source === '../wasm/core.mjs' && importer?.replace(/\\/g, '/').includes('/web/lib/')) return GLUE;
      // The elements' core source: inlined bytes instead of a fetched core.wasm.
      if (source === './core-source.js' && importer?.replace(/\\/g, '/').includes('/web/components/shared/')) {
        return EMBED_SOURCE;
      }
      // The export control (GIF, video, stills) stays on the site: its encoders would break the size budget.
      if (source === '../export/hook.js' && importer?.replace(/\\/g, '/').includes('/web/components/')) {
        return `${root}web/components/export/embed-hook.ts`;
      }
      // Learn mode trains in the core, and the embed's core has no trainer.
      if (source === './learn/tconv-learn.js' && importer?.replace(/\\/g, '/').includes('/web/upsampler/')) {
        return `${root}web/upsampler/learn/embed-stub.ts`;
      }
      return null;
    },
    load(id) {
      if (id === VIRTUAL) {
        // gzip then base64: web/embed/core-source.ts unpacks it with DecompressionStream.
        const packed = gzipSync(readFileSync(WASM), { level: 9 }).toString('base64');
        return `export default ${JSON.stringify(packed)};`;
      }
      return null;
    },
    transform(code, id) {
      if (!id.replace(/\\/g, '/').endsWith('/web/wasm/core-embed.mjs')) return null;
      if (!code.includes(GLUE_URL)) {
        this.error(`core-embed.mjs: expected ${GLUE_URL} (Emscripten's output changed?)`);
      }
      // import.meta means nothing in a classic script; the glue only uses it to find core.wasm.
      return { code: code.replace(GLUE_URL, '"core.wasm"').replaceAll('import.meta.url', 'undefined'), map: null };
    },
  };
}

export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  publicDir: false,
  plugins: [embedCore()],
  // Lit's production build even when NODE_ENV is not "production" (under Vitest it is "test").
  resolve: { conditions: ['module', 'browser', 'production'] },
  // The worker runs from a Blob URL as a classic script: module workers are refused from file:// pages.
  worker: { format: 'iife', plugins: () => [embedCore()] },
  build: {
    outDir: 'dist',
    // Written next to the site (which `npm run build` writes first).
    emptyOutDir: false,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    lib: {
      entry: `${root}web/embed.ts`,
      formats: ['iife', 'es'],
      name: 'tconvEmbed',
      fileName: (format) => (format === 'es' ? 'tconv-embed.mjs' : 'tconv-embed.js'),
    },
  },
});
