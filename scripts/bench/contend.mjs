// `--contend`: a memory-streaming load on another core for the whole run, as
// a busy laptop or a shared VM has, so that the table shows what the kernels
// do when memory bandwidth is scarce. The load (contend-worker.mjs) copies
// between two buffers of LOAD_MIB each, far past any last-level cache, and
// counts its copies, so the report can say what bandwidth it actually took.
// Works in Node and in the browser: the caller passes how to start the worker.

/** Each of the load's two buffers, in MiB (the peak's copy test uses 64 too). */
export const LOAD_MIB = 64;

/**
 * Starts the load and resolves once its buffers are allocated and it copies.
 * @param {() => { postMessage(m: unknown): void, onceMessage(f: (m: any) => void): void, terminate(): unknown }} spawn
 *   starts contend-worker.mjs (a worker_thread in Node, a module Worker in a page)
 * @returns {Promise<{ sample(): { copies: number, at: number }, stop(): Promise<{ gbs: number, seconds: number, copies: number }>, describe: string }>}
 *   sample() reads the copy counter now (to rate a stretch of the run); stop() ends
 *   the load and gives its bandwidth over the whole time it ran (read + write, 10^9 B/s)
 */
export async function startLoad(spawn) {
  if (typeof SharedArrayBuffer !== 'function') {
    throw new Error('--contend needs SharedArrayBuffer (in a page: cross-origin isolation)');
  }
  const shared = new SharedArrayBuffer(8);
  const flags = new Int32Array(shared);
  const worker = spawn();
  const next = () => new Promise((resolve) => worker.onceMessage(resolve));
  const ready = next();
  worker.postMessage({ shared, mib: LOAD_MIB });
  await ready;
  return {
    describe:
      `a worker thread copies between two ${LOAD_MIB} MiB buffers with memory.copy (wasm), ` +
      'back and forth, from before the first measurement to after the last',
    sample: () => ({ copies: Atomics.load(flags, 1), at: performance.now() }),
    async stop() {
      const done = next();
      Atomics.store(flags, 0, 1);
      const { copies, ms, bytesPerCopy } = await done;
      await worker.terminate();
      return { gbs: (copies * bytesPerCopy) / (ms * 1e6), seconds: ms / 1000, copies };
    },
  };
}

/** The load's bandwidth between two samples (GB/s, read + write). */
export function rate(from, to) {
  return ((to.copies - from.copies) * 2 * (LOAD_MIB << 20)) / ((to.at - from.at) * 1e6);
}
