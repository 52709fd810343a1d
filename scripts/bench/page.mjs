// The page side of `npm run bench:browser` (served by scripts/bench/browser.mjs):
// loads the three libraries from the local server and exposes runBench(), which
// the Node side calls through Playwright.

import * as ort from '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs';
import { createTconv } from '/build/js/lib/index.js';

import { startLoad } from './contend.mjs';
import { configureOrt, configureTfjs } from './peers.mjs';
import { runBenchmark, TARGETS } from './suite.mjs';

const out = document.getElementById('out');

/** contend-worker.mjs as a module Worker of this page (another thread, so another core when one is free). */
function pageWorker() {
  const worker = new Worker(new URL('./contend-worker.mjs', import.meta.url), { type: 'module' });
  worker.addEventListener('error', (e) => console.error(`[contend worker] ${e.message}`));
  return {
    postMessage: (m) => worker.postMessage(m),
    onceMessage: (f) => worker.addEventListener('message', (e) => f(e.data), { once: true }),
    terminate: () => worker.terminate(),
  };
}

/** Runs the benchmark; `header` comes from Node (machine, file sizes); `contend` adds the load. */
window.runBench = async (header, seconds, only, contend) => {
  const { tf } = globalThis;
  const tc = await createTconv();
  configureOrt(ort, new URL('/node_modules/onnxruntime-web/dist/', location.href).href);
  const tfInfo = await configureTfjs(
    tf,
    tf.wasm,
    new URL('/node_modules/@tensorflow/tfjs-backend-wasm/dist/', location.href).href,
  );
  const libraries = [
    `onnxruntime-web ${ort.env.versions.web}: wasm backend, numThreads ${ort.env.wasm.numThreads}, SIMD`,
    `tfjs-backend-wasm ${tf.wasm.version_wasm}: ${tfInfo.threads} thread, SIMD ${tfInfo.simd ? 'on' : 'OFF'}`,
    `page: crossOriginIsolated ${globalThis.crossOriginIsolated}, ${navigator.hardwareConcurrency} logical cores`,
  ];
  const result = await runBenchmark({
    tc,
    ort,
    tf,
    seconds,
    only,
    gc: globalThis.gc,
    header: [...header, ...libraries],
    targets: TARGETS.browser,
    startLoad: contend ? () => startLoad(pageWorker) : undefined,
    progress: (message) => console.log(`[progress] ${message}`),
  });
  out.textContent = result.lines.join('\n');
  return result;
};
out.textContent = 'ready';
