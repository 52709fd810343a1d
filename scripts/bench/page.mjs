// The page side of `npm run bench:browser` (served by scripts/bench/browser.mjs):
// loads the three libraries from the local server and exposes runBench(), which
// the Node side calls through Playwright.

import * as ort from '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs';
import { createTconv } from '/build/js/lib/index.js';

import { configureOrt, configureTfjs } from './peers.mjs';
import { runBenchmark } from './suite.mjs';

const out = document.getElementById('out');

/** Runs the benchmark; `header` comes from Node (machine, file sizes). */
window.runBench = async (header, seconds, only) => {
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
    progress: (message) => console.log(`[progress] ${message}`),
  });
  out.textContent = result.lines.join('\n');
  return result;
};
out.textContent = 'ready';
