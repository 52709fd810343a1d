// `npm run build`: the static site in dist/ (relative URLs: any static host,
// any sub-folder), then the one-file embed next to it: dist/tconv-embed.js (a
// classic script with the WebAssembly inlined) and dist/tconv-embed.mjs (the
// same as an ES module, also copied to build/js/ for `import 'tconv/embed'`).
// `node scripts/build.mjs wasm|native|asan` builds one target.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { build, root, setup } from './toolchain.mjs';

/** The embed's size budget, gzipped (the limit). */
const EMBED_BUDGET_GZ = 300 * 1024;

const target = process.argv[2] ?? 'site';
if (target === 'site') {
  setup(['wasm']);
  build(['wasm']);
  const vite = await import('vite');
  await vite.build({ root, logLevel: 'info' });
  console.log(`[tconv] static site written to ${root}/dist`);
  await vite.build({ root, configFile: join(root, 'vite.embed.config.ts'), logLevel: 'info' });
  mkdirSync(join(root, 'build/js'), { recursive: true });
  copyFileSync(join(root, 'dist/tconv-embed.mjs'), join(root, 'build/js/tconv-embed.mjs'));
  const script = readFileSync(join(root, 'dist/tconv-embed.js'));
  const gz = gzipSync(script, { level: 9 }).length;
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`[tconv] embed written to ${root}/dist/tconv-embed.js: ${kb(script.length)}, ${kb(gz)} gzipped`);
  if (gz > EMBED_BUDGET_GZ) {
    console.error(`[tconv] the embed is over its budget of ${kb(EMBED_BUDGET_GZ)} gzipped`);
    process.exit(1);
  }
} else {
  setup(target === 'wasm' ? ['wasm'] : ['native']);
  build([target]);
}
