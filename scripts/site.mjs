// How the static site and the one-file embed are built, in one place for
// `npm run build` (into dist/), the browser tests' global setup and
// `npm run screenshots` (each into a folder of their own). Expects the
// WebAssembly core to be built already (toolchain.mjs build(['wasm'])).
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { root } from './toolchain.mjs';

/** The embed's size budget, gzipped (the limit). */
export const EMBED_BUDGET_GZ = 300 * 1024;

/** embed.html's module script, which the one-file page replaces with the inlined script. */
const PAGE_SCRIPT = '<script type="module" src="/web/embed-page.ts"></script>';

/**
 * The site (every top-level HTML page, vite.config.ts) into `outDir`, then
 * the embed next to it (vite.embed.config.ts): tconv-embed.js, a classic
 * script with the WebAssembly inlined, and tconv-embed.mjs, the same as an
 * ES module; then the iframe page twice: embed.html, one file with its script
 * (and so the core) inlined, and embed-csp.html, the site's build of the same
 * page, whose script is in assets/ (a policy with script-src 'self' runs it).
 * Returns the embed script's size, raw and gzipped (level 9), embed.html's
 * size, and the CSP source that allows embed.html's inline script.
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
  renameSync(join(outDir, 'embed.html'), join(outDir, 'embed-csp.html'));
  const page = await onePage(vite, logLevel);
  writeFileSync(join(outDir, 'embed.html'), page.html);
  const script = readFileSync(join(outDir, 'tconv-embed.js'));
  return {
    embedBytes: script.length,
    embedGzipBytes: gzipSync(script, { level: 9 }).length,
    embedPageBytes: Buffer.byteLength(page.html),
    embedPageScriptHash: page.hash,
  };
}

/**
 * embed.html with web/embed-page.ts built as one classic script (vite.embed-page.config.ts)
 * in place of its module script, and that script's hash ('sha256-…', for script-src).
 */
async function onePage(vite, logLevel) {
  const built = await vite.build({ root, configFile: join(root, 'vite.embed-page.config.ts'), logLevel });
  const chunks = [built]
    .flat()
    .flatMap((o) => o.output)
    .filter((o) => o.type === 'chunk');
  if (chunks.length !== 1) throw new Error(`vite.embed-page.config.ts: expected one chunk, got ${chunks.length}`);
  // Inside <script>, the HTML parser ends the script at "</script" and is thrown off by "<!--" and
  // "<script" (HTML's script data states); the minifier leaves such text only inside string, template
  // and regular-expression literals, where \x3C reads as "<" too.
  const code = chunks[0].code.replace(/<(?=\/script|!--|script)/gi, '\\x3C');
  const template = readFileSync(join(root, 'embed.html'), 'utf8');
  if (!template.includes(PAGE_SCRIPT)) throw new Error(`embed.html: expected ${PAGE_SCRIPT}`);
  const hash = `'sha256-${createHash('sha256').update(code).digest('base64')}'`;
  // A function as the replacement: the code's "$&", "$1", … are text, not patterns.
  return { html: template.replace(PAGE_SCRIPT, () => `<script>${code}</script>`), hash };
}
