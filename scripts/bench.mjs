// `npm run bench`: time tconv against onnxruntime-web (wasm backend) and
// tfjs-backend-wasm in one Node process, one thread each, wasm SIMD on, and
// check that the three agree. The workloads, timing and report live in
// scripts/bench/ (shared with `npm run bench:browser`).
//
// `npm run bench -- --contend`: the same with a memory-streaming load on
// another core for the whole run (a worker thread, scripts/bench/contend.mjs).
//
// TCONV_BENCH_NO_BUILD=1 skips the setup and build steps (use the JS package
// already in build/js). TCONV_BENCH_DEFAULT_MALLOC=1: see MALLOC_ENV below. TCONV_BENCH_SECONDS sets the time per workload and
// library (default 1); TCONV_BENCH_ONLY=BE runs only workloads B and E.
// Exits with 1 when the libraries disagree.

import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';

import { build, root, setup } from './toolchain.mjs';

if (!process.env.TCONV_BENCH_NO_BUILD) {
  setup(['wasm']);
  build(['wasm']);
}

// Every library returns each result as a fresh JS array (12.6 MB for B, C
// and F). With glibc's default settings, freeing a few of them at once (the
// full GC before a sample) returns the memory to the OS, and the next results
// page-fault it back in: the same binary then measured C at 1.8 or 4.6 ms
// depending on the heap's history. The benchmark measures kernels, so it runs
// with trimming off and large blocks kept in the heap (glibc reads these
// variables at start-up, hence the re-run); the peers get the same allocator.
// TCONV_BENCH_DEFAULT_MALLOC=1 measures with the defaults instead.
const MALLOC_ENV = { MALLOC_TRIM_THRESHOLD_: String(2 ** 32), MALLOC_MMAP_THRESHOLD_: String(2 ** 25) };
if (!process.env.TCONV_BENCH_DEFAULT_MALLOC && process.env.MALLOC_TRIM_THRESHOLD_ === undefined) {
  const child = spawnSync(process.execPath, process.argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, ...MALLOC_ENV, TCONV_BENCH_NO_BUILD: '1' },
  });
  process.exit(child.status ?? 1);
}
const mallocNote = process.env.TCONV_BENCH_DEFAULT_MALLOC
  ? 'allocator: glibc defaults (TCONV_BENCH_DEFAULT_MALLOC)'
  : `allocator: glibc with MALLOC_TRIM_THRESHOLD_=${process.env.MALLOC_TRIM_THRESHOLD_} ` +
    `MALLOC_MMAP_THRESHOLD_=${process.env.MALLOC_MMAP_THRESHOLD_} (freed result arrays are reused, not page-faulted in again)`;

// Imported only now: on a fresh clone, node_modules and build/js exist only after setup and build.
const { createTconv } = await import('../build/js/lib/node.js');
const ort = await import('onnxruntime-web'); // Node entry: dist/ort.node.min.mjs, the wasm backend
const tf = await import('@tensorflow/tfjs-core');
const tfwasm = await import('@tensorflow/tfjs-backend-wasm');
const { configureOrt, configureTfjs } = await import('./bench/peers.mjs');
const { runBenchmark } = await import('./bench/suite.mjs');
const { startLoad } = await import('./bench/contend.mjs');
const contend = process.argv.includes('--contend');
const unknown = process.argv.slice(2).filter((a) => a !== '--contend');
if (unknown.length) throw new Error(`bench: unknown argument ${unknown.join(' ')} (known: --contend)`);

const tc = await createTconv();
configureOrt(ort);
const tfInfo = await configureTfjs(tf, tfwasm);

const kib = (path) => `${(statSync(join(root, path)).size / 1024).toFixed(1)} KiB`;
const cpus = os.cpus();
const header = [
  `tconv benchmark — Node, one thread, wasm SIMD${contend ? ', with a memory-streaming load on another core' : ''}`,
  `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${os.platform()} ${os.arch()}, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${os.loadavg()[0].toFixed(2)}; ` +
    `node ${process.version} (V8 ${process.versions.v8})`,
  mallocNote,
  `tconv: core.wasm ${kib('build/js/wasm/core.wasm')}`,
  `onnxruntime-web ${ort.env.versions.web}: wasm backend, numThreads ${ort.env.wasm.numThreads}, SIMD, ` +
    `ort-wasm-simd-threaded.wasm ${kib('node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm')}`,
  `tfjs-backend-wasm ${tfwasm.version_wasm}: ${tfInfo.threads} thread, SIMD ${tfInfo.simd ? 'on' : 'OFF'}, ` +
    `tfjs-backend-wasm-simd.wasm ${kib('node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm')}`,
];

/** contend-worker.mjs as a worker_thread. */
function nodeWorker() {
  const worker = new Worker(new URL('./bench/contend-worker.mjs', import.meta.url));
  worker.on('error', (e) => {
    throw e;
  });
  return {
    postMessage: (m) => worker.postMessage(m),
    onceMessage: (f) => worker.once('message', f),
    terminate: () => worker.terminate(),
  };
}

// One call first, so that memory the allocator keeps after its first use is
// in the baseline and "grew" below means memory a call failed to free.
{
  const x = { data: new Float32Array(16), shape: [1, 1, 4, 4] };
  const w = { data: new Float32Array(9), shape: [1, 1, 3, 3] };
  tc.convTranspose2d(tc.conv2d(x, w), w);
}
const heapBefore = tc.heapInUse();
// A full GC between samples keeps one call's 200 MB of garbage out of the next call's time.
// `npm run bench` runs plain `node`, so --expose-gc is set here (a new context then sees gc).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const tty = process.stderr.isTTY;
const { lines, agree } = await runBenchmark({
  tc,
  ort,
  tf,
  seconds: Number(process.env.TCONV_BENCH_SECONDS ?? 1),
  only: process.env.TCONV_BENCH_ONLY,
  gc,
  header,
  startLoad: contend ? () => startLoad(nodeWorker) : undefined,
  progress: (message) => tty && process.stderr.write(`\r\x1b[K${message}`),
});
if (tty) process.stderr.write('\r\x1b[K');
console.log(lines.join('\n'));
const heapAfter = tc.heapInUse();
console.log(
  `tconv wasm heap in use: ${heapBefore} bytes before, ${heapAfter} bytes after${heapAfter > heapBefore ? ' (grew!)' : ''}`,
);
process.exitCode = agree ? 0 : 1;
