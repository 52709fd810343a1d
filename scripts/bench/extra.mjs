// Extra per-workload columns for the benchmark's main table (suite.mjs), so a
// measurement can be added beside the times without touching the suite. Each
// entry is
//
//   {
//     header: 'bytes/call',            // the column's title
//     legend: 'what the column means', // optional, printed under the table
//     cell({ wl, library, ms, tc }) {  // one row: the workload (workloads.mjs),
//       ...                            // 'tconv' | 'tconv out' | 'ORT' | 'tfjs',
//       return '12.3 MB (1.4× bound)'; // its median ms, the Tconv instance;
//     },                               // a string, or undefined for an empty cell
//   }
//
// Cells are computed after every workload has run (nothing here is timed),
// and the column is right-aligned. Works in Node and in the browser.
//
// The bytes column reads the core's memory-traffic model (core.conv2dTraffic /
// convTranspose2dTraffic, cpp/bindings/traffic.cpp). A Tconv instance does not
// expose its core, so this file loads a core of its own from the same build
// (it never runs a convolution: the model only reads shapes).

const coreUrl = new URL('../../build/js/wasm/core.mjs', import.meta.url);

/** The core module, or null (with the reason) when it cannot be loaded: the column is then left empty. */
async function loadCore() {
  try {
    const { default: createCore } = await import(coreUrl.href);
    if (typeof process !== 'undefined' && process.versions?.node) {
      // Emscripten 3.1.6's loader cannot fetch a file path in Node 20 (as web/lib/node.ts says).
      const { readFile } = await import('node:fs/promises');
      return await createCore({ wasmBinary: await readFile(new URL('core.wasm', coreUrl)) });
    }
    return await createCore();
  } catch (error) {
    console.warn(`bench: no bytes column (${error instanceof Error ? error.message : error})`);
    return null;
  }
}

const core = await loadCore();

const mb = (bytes) =>
  bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;

/** One row's modelled traffic: tconv's rows of convolution workloads only. */
function trafficCell({ wl, library }) {
  if (!core || !library.startsWith('tconv') || (wl.op !== 'conv2d' && wl.op !== 'convTranspose2d')) return undefined;
  const pair = (v) => [v, v];
  // Every field: Embind's ConvOptions (cpp/bindings/bindings.cpp) has no defaults.
  const options = {
    stride: pair(wl.stride),
    padding: pair(wl.padding),
    dilation: [1, 1],
    outputPadding: [0, 0],
    groups: wl.groups,
  };
  // The bench passes no bias (peers.mjs), so the model counts none.
  const fn = wl.op === 'conv2d' ? core.conv2dTraffic : core.convTranspose2dTraffic;
  const t = fn(wl.input, wl.weightShape, false, options);
  if (t.error) return `error: ${t.error}`;
  return `${mb(t.bytes)} (${(t.bytes / t.lowerBound).toFixed(2)}× bound)`;
}

/** @type {{ header: string, legend?: string, cell: (row: { wl: object, library: string, ms: number, tc: object }) => string | undefined }[]} */
export const EXTRA_COLUMNS = [
  {
    header: 'bytes/call (model)',
    legend:
      "the kernel's memory traffic as the core's model counts it (tconv/traffic.hpp: a buffer " +
      'within half of a 1 MiB L2 is reused from the cache), against the least any algorithm moves (input, weights ' +
      'and output once). The copies across the JS/wasm boundary come on top, except in a streamed call (B, C, F), ' +
      'whose input and result cross the boundary a band of rows at a time instead of being copied whole.',
    cell: trafficCell,
  },
];
