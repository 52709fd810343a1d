// `npm run bench:browser`: the same benchmark as `npm run bench`, in headless
// Chromium (Debian's, driven by playwright-core). A small HTTP server on
// 127.0.0.1 serves the page, tconv's build/js and the two peers' dist folders
// from node_modules, with cross-origin isolation headers so that
// performance.now() has its fine (5 µs) resolution. Nothing is fetched from
// anywhere else; a request to another origin fails the run.
//
// `npm run bench:browser -- --contend` runs a memory-streaming load in a Worker
// of the page, on another core, for the whole run (scripts/bench/contend.mjs).
//
// TCONV_BENCH_NO_BUILD=1 skips the setup and build steps; TCONV_BENCH_SECONDS
// sets the time per workload and library (default 1); TCONV_BENCH_ONLY=BE runs
// only workloads B and E. Exits with 1 when the libraries disagree or the page
// fails.

import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import os from 'node:os';
import { extname, join, normalize } from 'node:path';

import { build, chromiumPath, root, setup } from '../toolchain.mjs';

if (!process.env.TCONV_BENCH_NO_BUILD) {
  setup(['wasm', 'browser']);
  build(['wasm']);
}
const { chromium } = await import('playwright-core');
const contend = process.argv.includes('--contend');
const unknown = process.argv.slice(2).filter((a) => a !== '--contend');
if (unknown.length) throw new Error(`bench:browser: unknown argument ${unknown.join(' ')} (known: --contend)`);

// Only these folders are served.
const SERVED = [
  'scripts/bench/',
  'build/js/',
  'node_modules/onnxruntime-web/dist/',
  'node_modules/@tensorflow/tfjs-core/dist/',
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/',
];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--js-flags=--expose-gc', // window.gc: a full GC between samples (see suite.mjs)
];

const failures = [];
const server = createServer(async (req, res) => {
  try {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^[/\\]+/, '');
    const file = join(root, path);
    const allowed = req.method === 'GET' && !path.includes('..') && SERVED.some((p) => path.startsWith(p));
    if (!allowed || !(await stat(file)).isFile()) throw new Error('not served');
    const body = await readFile(file);
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(body);
  } catch {
    failures.push(`not served: ${req.method} ${req.url}`);
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const kib = async (path) => `${((await stat(join(root, path))).size / 1024).toFixed(1)} KiB`;
const cpus = os.cpus();
const tty = process.stderr.isTTY;
let browser;
try {
  browser = await chromium.launch({ executablePath: chromiumPath(), args: FLAGS });
  const page = await browser.newPage();
  page.on('request', (r) => {
    if (!r.url().startsWith(`${origin}/`) && !r.url().startsWith('data:'))
      failures.push(`request to another origin: ${r.url()}`);
  });
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    if (text.startsWith('[progress] ')) {
      if (tty) process.stderr.write(`\r\x1b[K${text.slice(11)}`);
    } else if (m.type() === 'error' || m.type() === 'warning') {
      process.stderr.write(`${tty ? '\r\x1b[K' : ''}[page ${m.type()}] ${text}\n`);
    }
  });
  await page.goto(`${origin}/scripts/bench/page.html`);
  await page.waitForFunction(() => typeof window.runBench === 'function', null, { timeout: 30_000 });

  const userAgent = await page.evaluate(() => navigator.userAgent);
  const header = [
    `tconv benchmark — headless Chromium, one thread, wasm SIMD${contend ? ', with a memory-streaming load in a Worker' : ''}`,
    `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${os.platform()} ${os.arch()}, ` +
      `load average ${os.loadavg()[0].toFixed(2)}; Chromium ${browser.version()} (${chromiumPath()})`,
    `user agent: ${userAgent}`,
    `tconv: core.wasm ${await kib('build/js/wasm/core.wasm')}; ` +
      `ORT ort-wasm-simd-threaded.wasm ${await kib('node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm')}; ` +
      `tfjs tfjs-backend-wasm-simd.wasm ${await kib('node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm')}`,
  ];
  const seconds = Number(process.env.TCONV_BENCH_SECONDS ?? 1);
  const only = process.env.TCONV_BENCH_ONLY ?? '';
  const { lines, agree } = await page.evaluate(
    ([h, s, o, c]) => window.runBench(h, s, o, c),
    [header, seconds, only, contend],
  );
  if (tty) process.stderr.write('\r\x1b[K');
  console.log(lines.join('\n'));
  if (!agree) failures.push('the libraries disagree (see the table)');
} catch (e) {
  failures.push(String(e?.stack ?? e));
} finally {
  await browser?.close();
  server.close();
}
for (const f of failures) console.error(`bench:browser: ${f}`);
process.exitCode = failures.length ? 1 : 0;
