// `npm run build`: the static site in dist/ (relative URLs: any static host,
// any sub-folder), then the one-file embed next to it: dist/tconv-embed.js (a
// classic script with the WebAssembly inlined) and dist/tconv-embed.mjs (the
// same as an ES module, also copied to build/js/ for `import 'tconv/embed'`),
// and the iframe page: dist/embed.html (one file) and dist/embed-csp.html (its
// script in assets/, for a strict Content-Security-Policy).
// `node scripts/build.mjs native|asan|wasm|fuzz` builds one CMake preset.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { EMBED_BUDGET_GZ, buildSite } from './site.mjs';
import { build, root, setup } from './toolchain.mjs';

const target = process.argv[2] ?? 'site';
if (target === 'site') {
  setup(['wasm']);
  build(['wasm']);
  const dist = join(root, 'dist');
  const { embedBytes, embedGzipBytes, embedPageBytes, embedPageScriptHash } = await buildSite(dist, {
    logLevel: 'info',
  });
  mkdirSync(join(root, 'build/js'), { recursive: true });
  copyFileSync(join(dist, 'tconv-embed.mjs'), join(root, 'build/js/tconv-embed.mjs'));
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`[tconv] static site written to ${dist}`);
  console.log(`[tconv] embed written to ${dist}/tconv-embed.js: ${kb(embedBytes)}, ${kb(embedGzipBytes)} gzipped`);
  console.log(`[tconv] iframe page written to ${dist}/embed.html: ${kb(embedPageBytes)}, one file (copy it alone)`);
  // The policy tests/browser/embed-alone.test.ts serves embed.html with (the hash changes with every build).
  console.log(
    `[tconv] embed.html under a Content-Security-Policy: default-src 'none'; script-src ${embedPageScriptHash} 'wasm-unsafe-eval'; worker-src blob:; img-src data:`,
  );
  if (embedGzipBytes > EMBED_BUDGET_GZ) {
    console.error(`[tconv] the embed is over its budget of ${kb(EMBED_BUDGET_GZ)} gzipped`);
    process.exit(1);
  }
} else if (['native', 'asan', 'wasm', 'fuzz'].includes(target)) {
  setup([target === 'asan' ? 'native' : target]);
  build([target]);
} else {
  console.error(`[tconv] unknown build target '${target}': site (the default), native, asan, wasm or fuzz`);
  process.exit(1);
}
