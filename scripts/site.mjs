// How the static site and the one-file embed are built, in one place for
// `npm run build` (into dist/), the browser tests' global setup and
// `npm run screenshots` (each into a folder of their own). Expects the
// WebAssembly core to be built already (toolchain.mjs build(['wasm'])).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { root } from './toolchain.mjs';

/** The embed's size budget, gzipped (the limit). */
export const EMBED_BUDGET_GZ = 300 * 1024;

/**
 * The site (every top-level HTML page, vite.config.ts) into `outDir`, then
 * the embed next to it (vite.embed.config.ts): tconv-embed.js, a classic
 * script with the WebAssembly inlined, and tconv-embed.mjs, the same as an
 * ES module. Returns the embed script's size, raw and gzipped (level 9).
 */
export async function buildSite(outDir, { logLevel = 'warn' } = {}) {
  // Imported here: this module is loaded before `npm ci` may have run.
  const vite = await import('vite');
  await vite.build({ root, logLevel, build: { outDir, emptyOutDir: true } });
  await vite.build({
    root,
    configFile: join(root, 'vite.embed.config.ts'),
    logLevel,
    build: { outDir, emptyOutDir: false },
  });
  const script = readFileSync(join(outDir, 'tconv-embed.js'));
  return { embedBytes: script.length, embedGzipBytes: gzipSync(script, { level: 9 }).length };
}
