// `npm run bench`: time the WebAssembly core in Node.
//
// Each workload is warmed up, then timed as the median of N samples, with N
// chosen so that the workload takes about 2 s in all. Tiny calls are timed in
// batches (one sample = many calls) so the timer's resolution does not matter.
// Throughput counts 2 FLOPs per multiply-accumulate; interpolate reports output
// megapixels per second (one pixel = one (n, h, w) position, all channels).
//
// TCONV_BENCH_NO_BUILD=1 skips the setup and build steps (use the JS package
// already in build/js). TCONV_BENCH_SECONDS sets the time per workload.

import { statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { build, root, setup } from './toolchain.mjs';

if (!process.env.TCONV_BENCH_NO_BUILD) {
  setup(['wasm']);
  build(['wasm']);
}

const { createTconv } = await import('../build/js/lib/node.js');
const tc = await createTconv();

const TARGET_MS = 1000 * Number(process.env.TCONV_BENCH_SECONDS ?? 2);
const MIN_BATCH_MS = 2; // a sample shorter than this is batched
const MIN_SAMPLES = 5;
const MAX_SAMPLES = 500;

// ---------------------------------------------------------------- inputs

/** mulberry32: a small, fixed-seed PRNG, so every run times the same data. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(20261129);

function randomTensor(shape) {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = random() * 2 - 1;
  return { data, shape };
}

const prod = (a) => a.reduce((x, y) => x * y, 1);

// ---------------------------------------------------------------- timing

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median milliseconds per call of fn, plus how it was measured. */
function time(fn) {
  // Warm-up: at least 3 calls and at least ~10% of the budget (JIT, memory growth, caches).
  let calls = 0;
  const warmStart = performance.now();
  while (calls < 3 || performance.now() - warmStart < TARGET_MS * 0.1) {
    fn();
    calls++;
  }
  const estimate = (performance.now() - warmStart) / calls;

  const batch = Math.max(1, Math.ceil(MIN_BATCH_MS / estimate));
  const samples = Math.min(MAX_SAMPLES, Math.max(MIN_SAMPLES, Math.round(TARGET_MS / (estimate * batch))));
  const perCall = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    perCall.push((performance.now() - t0) / batch);
  }
  return { ms: median(perCall), samples, batch, min: Math.min(...perCall) };
}

// ---------------------------------------------------------------- workloads

function convWorkload(name, [n, cin, h, w], cout, k, opts = {}) {
  const groups = opts.groups ?? 1;
  const x = randomTensor([n, cin, h, w]);
  const weight = randomTensor([cout, cin / groups, k, k]);
  const out = tc.conv2d(x, weight, opts);
  const [, , ho, wo] = out.shape;
  const macs = n * cout * ho * wo * (cin / groups) * k * k;
  return {
    name,
    shape: `${[n, cin, h, w].join('×')} → ${out.shape.join('×')}`,
    params: describeOpts(k, opts),
    run: () => tc.conv2d(x, weight, opts),
    flops: 2 * macs,
  };
}

function convTransposeWorkload(name, [n, cin, h, w], cout, k, opts = {}) {
  const groups = opts.groups ?? 1;
  const x = randomTensor([n, cin, h, w]);
  const weight = randomTensor([cin, cout / groups, k, k]);
  const out = tc.convTranspose2d(x, weight, opts);
  const macs = n * cin * h * w * (cout / groups) * k * k;
  return {
    name,
    shape: `${[n, cin, h, w].join('×')} → ${out.shape.join('×')}`,
    params: describeOpts(k, opts),
    run: () => tc.convTranspose2d(x, weight, opts),
    flops: 2 * macs,
  };
}

function interpolateWorkload(name, shape, mode, scaleFactor) {
  const x = randomTensor(shape);
  const opts = { mode, scaleFactor };
  const out = tc.interpolate(x, opts);
  const [n, , ho, wo] = out.shape;
  return {
    name,
    shape: `${shape.join('×')} → ${out.shape.join('×')}`,
    params: `×${scaleFactor}`,
    run: () => tc.interpolate(x, opts),
    pixels: n * ho * wo,
  };
}

function describeOpts(k, opts) {
  const parts = [`k${k}`];
  if (opts.stride) parts.push(`s${opts.stride}`);
  if (opts.padding) parts.push(`p${opts.padding}`);
  if (opts.groups && opts.groups !== 1) parts.push(`g${opts.groups}`);
  return parts.join(' ');
}

const workloads = [
  convWorkload('(a) conv2d', [1, 3, 512, 512], 3, 3, { padding: 1 }),
  convTransposeWorkload('(b) conv_transpose2d', [1, 3, 512, 512], 3, 4, { stride: 2, padding: 1 }),
  convTransposeWorkload('(c) conv_transpose2d', [1, 3, 512, 512], 3, 4, { stride: 2, padding: 1, groups: 3 }),
  convTransposeWorkload('(d) conv_transpose2d', [1, 512, 8, 8], 256, 4, { stride: 2, padding: 1 }),
  { ...convWorkload('(e) conv2d, explainer', [1, 1, 4, 4], 1, 3), micro: true },
  { ...convTransposeWorkload('(e) conv_transpose2d, explainer', [1, 1, 2, 2], 1, 3), micro: true },
  interpolateWorkload('(f) interpolate bilinear', [1, 3, 512, 512], 'bilinear', 2),
  interpolateWorkload('(f) interpolate bicubic', [1, 3, 512, 512], 'bicubic', 2),
  interpolateWorkload('(f) interpolate bilinear', [1, 3, 1024, 1024], 'bilinear', 2),
  interpolateWorkload('(f) interpolate bicubic', [1, 3, 1024, 1024], 'bicubic', 2),
];

// ---------------------------------------------------------------- run + report

const cpus = os.cpus();
const wasmPath = join(root, 'build/js/wasm/core.wasm');
console.log('tconv benchmark (WebAssembly core in Node)');
console.log(`machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${os.platform()} ${os.arch()}`);
console.log(
  `node ${process.version}, core.wasm ${(statSync(wasmPath).size / 1024).toFixed(1)} KiB (${statSync(wasmPath).size} bytes)`,
);
console.log(`median of N samples after warm-up, ~${TARGET_MS / 1000} s per workload\n`);

const heapBefore = tc.heapInUse();
const rows = [];
for (const w of workloads) {
  const t = time(w.run);
  const timeText = w.micro ? `${(t.ms * 1000).toFixed(2)} µs` : `${t.ms.toFixed(2)} ms`;
  // Tiny calls are all overhead (argument checks, copies across the JS/wasm boundary): calls/s says more than FLOP/s.
  const rate = w.micro
    ? `${Math.round(1 / t.ms).toLocaleString('en-US')}k calls/s`
    : w.flops
      ? `${(w.flops / (t.ms * 1e6)).toFixed(2)} GFLOP/s`
      : `${(w.pixels / (t.ms * 1e3)).toFixed(1)} Mpx/s`;
  const n = t.batch > 1 ? `${t.samples}×${t.batch}` : String(t.samples);
  rows.push([w.name, w.shape, w.params, timeText, rate, n]);
  if (process.stderr.isTTY) process.stderr.write(`\r${rows.length}/${workloads.length} done`);
}
if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');

const header = ['workload', 'shape (N×C×H×W)', 'params', 'median', 'throughput', 'N'];
const right = [false, false, false, true, true, true];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) =>
  cells
    .map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
    .join('  ')
    .trimEnd();
console.log(line(header));
console.log(widths.map((w) => '─'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));

const heapAfter = tc.heapInUse();
console.log(
  `\nN = samples (×calls per sample for batched tiny calls). GFLOP/s counts 2·MACs; ` +
    `Mpx/s counts output pixels (all channels).`,
);
console.log(
  `wasm heap in use: ${heapBefore} bytes before, ${heapAfter} bytes after${heapAfter > heapBefore ? ' (grew!)' : ''}`,
);
