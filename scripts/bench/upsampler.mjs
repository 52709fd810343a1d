// `npm run bench:upsampler`: how much the upsampler's band workers gain on
// this machine. Builds the page, opens it in headless Chromium, makes a
// 4096×4096 image and times ×2 (an 8192×8192 result) with one worker and
// with one band worker per core, through the element's public API (the
// `workers` property and the tconv-result event's ms, the worker's compute
// time). Prints a table; asserts nothing (speed belongs to benchmarks).
//
// TCONV_BENCH_NO_BUILD=1 skips setup and the core's build (the page is still
// bundled); TCONV_BENCH_REPEATS sets the runs per method and setting (default 3).

import os from 'node:os';
import { join } from 'node:path';

import { build as buildCore, chromiumPath, root, setup } from '../toolchain.mjs';

if (!process.env.TCONV_BENCH_NO_BUILD) {
  setup(['wasm', 'browser']);
  buildCore(['wasm']);
}
const { build, preview } = await import('vite');
const { chromium } = await import('playwright-core');

const SIDE = 4096;
const METHODS = ['bilinear', 'bicubic', 'transposed', 'resize-conv-bilinear'];
const repeats = Number(process.env.TCONV_BENCH_REPEATS ?? 3);
const outDir = join(root, 'build/bench-upsampler');

await build({
  root,
  logLevel: 'warn',
  build: { outDir, emptyOutDir: true, rollupOptions: { input: { upsampler: join(root, 'upsampler.html') } } },
});
const server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu'] });
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => {
    failed = true;
    console.error(`page error: ${e.message}`);
  });
  await page.goto(new URL('upsampler.html', server.resolvedUrls.local[0]).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  const { cores, rows } = await page.evaluate(
    async ([side, methods, repeats]) => {
      const el = document.querySelector('tconv-upsampler');
      const canvas = new OffscreenCanvas(side, side);
      const g = canvas.getContext('2d');
      const grad = g.createLinearGradient(0, 0, side, side);
      grad.addColorStop(0, '#1f4e8c');
      grad.addColorStop(1, '#e8d7b0');
      g.fillStyle = grad;
      g.fillRect(0, 0, side, side);
      for (let i = 0; i < 400; i++) {
        g.fillStyle = `hsl(${i * 37} 70% 50%)`;
        g.fillRect((i * 997) % side, (i * 613) % side, 300, 200);
      }
      const blob = await canvas.convertToBlob({ type: 'image/png' });
      const cores = Math.min(8, navigator.hardwareConcurrency);
      const idle = () =>
        new Promise((resolve) => {
          const t = setInterval(() => {
            if (!el.hasAttribute('busy')) {
              clearInterval(t);
              resolve();
            }
          }, 20);
        });
      // One run: a fresh load (which empties the worker's cache), then side A's
      // result. Both sides show the same method, so B is a cache hit: nothing
      // else computes, or draws a new result, while A's result is computed.
      const once = async (method, workers) => {
        el.workers = workers;
        el.setAttribute('methods', `${method},${method}`);
        await idle();
        const got = new Promise((resolve) =>
          el.addEventListener('tconv-result', function on(e) {
            if (e.detail.side !== 'a' || e.detail.method !== method) return;
            el.removeEventListener('tconv-result', on);
            resolve(e.detail);
          }),
        );
        el.open(blob, 'bench.png');
        const detail = await got;
        await idle();
        return detail;
      };
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const rows = [];
      for (const method of methods) {
        const times = { 1: [], [cores]: [] };
        let used = 0;
        for (let r = 0; r < repeats; r++) {
          for (const w of [1, cores]) {
            const d = await once(method, w);
            times[w].push(d.ms);
            if (w === cores) used = d.workers;
          }
        }
        rows.push({ method, one: median(times[1]), all: median(times[cores]), used });
      }
      return { cores, rows };
    },
    [SIDE, METHODS, repeats],
  );
  const pad = (s, n) => String(s).padEnd(n);
  const cpus = os.cpus();
  console.log(`upsampler band workers — headless Chromium ${browser.version()}`);
  console.log(
    `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, load average ${os.loadavg()[0].toFixed(2)}`,
  );
  console.log(`×2 of ${SIDE}×${SIDE} (result ${2 * SIDE}×${2 * SIDE}), worker compute time, median of ${repeats}`);
  console.log('');
  console.log(`| ${pad('method', 22)} | 1 worker  | ${pad(`${cores} band workers`, 15)} | speed-up |`);
  console.log(`| ${'-'.repeat(22)} | --------- | ${'-'.repeat(15)} | -------- |`);
  for (const r of rows) {
    const all = `${Math.round(r.all)} ms (${r.used})`;
    console.log(
      `| ${pad(r.method, 22)} | ${pad(`${Math.round(r.one)} ms`, 9)} | ${pad(all, 15)} | ${pad(`${(r.one / r.all).toFixed(2)}×`, 8)} |`,
    );
  }
} finally {
  await browser.close();
  await server.close();
}
process.exitCode = failed ? 1 : 0;
