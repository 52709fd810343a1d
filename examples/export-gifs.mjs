// Makes the GIFs the example posts show (blog-post.html, blog-post-dark.html)
// with the explainer's own Export control, as an author would: the seed's
// chapter 2, "Building C", at the default 720 px, light and dark.
//
//   node examples/export-gifs.mjs            builds the site into build/examples-site first
//   node examples/export-gifs.mjs <siteDir>  uses a site already built (npm run build: dist)
//
// Needs the WebAssembly core built (npm run build does it) and Debian's Chromium.
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

import { chromium } from 'playwright-core';

import { buildSite } from '../scripts/site.mjs';
import { chromiumPath, root } from '../scripts/toolchain.mjs';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

let site = process.argv[2];
if (!site) {
  site = join(root, 'build/examples-site');
  await buildSite(site);
}
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/\/$/, '/index.html');
  const file = normalize(join(site, path));
  if (!file.startsWith(normalize(site) + sep)) return void res.writeHead(404).end();
  readFile(file).then(
    (body) => res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
    () => res.writeHead(404).end(),
  );
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/?step=2`;
const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const scheme of ['light', 'dark']) {
    const page = await browser.newPage({ colorScheme: scheme, reducedMotion: 'reduce' });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator('tconv-export #toggle').click();
    const download = page.waitForEvent('download');
    await page.locator('tconv-export #gif').click();
    const name = (await download).suggestedFilename();
    const base64 = await page.evaluate(async () => {
      const el = document.querySelector('tconv-matrix').shadowRoot.querySelector('tconv-export');
      const bytes = new Uint8Array(await el.lastResult.blob.arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    });
    const out = join(root, 'examples', scheme === 'dark' ? name.replace(/\.gif$/, '-dark.gif') : name);
    writeFileSync(out, Buffer.from(base64, 'base64'));
    console.log(`${out}: ${Math.round(Buffer.byteLength(base64, 'base64') / 1000)} KB`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
