// The memory-streaming load of `--contend` (see contend.mjs): a worker that
// copies between two buffers far larger than any last-level cache, with
// memory.copy (the engine's own memcpy) in the hand-written module of
// peak.mjs, until the main thread raises the stop flag. Runs as a Node
// worker_thread and as a browser module Worker.
//
// Protocol: the main thread posts { shared: SharedArrayBuffer, mib }; the
// worker allocates and touches both buffers, posts { ready: true }, then copies
// and counts. Shared Int32Array: [0] stop flag (the main thread sets it),
// [1] copies done (the worker adds one after each). After the stop it posts
// { copies, ms, bytesPerCopy }, ms being its own clock from the first copy.

import { peakModuleBytes } from './peak.mjs';

const port =
  typeof self === 'object' && typeof self.postMessage === 'function'
    ? { listen: (f) => self.addEventListener('message', (e) => f(e.data)), post: (m) => self.postMessage(m) }
    : await import('node:worker_threads').then(({ parentPort }) => ({
        listen: (f) => parentPort.once('message', f),
        post: (m) => parentPort.postMessage(m),
      }));

port.listen(async ({ shared, mib }) => {
  const flags = new Int32Array(shared);
  const { instance } = await WebAssembly.instantiate(peakModuleBytes());
  const { bulk, memory } = instance.exports;
  const bytes = mib << 20;
  memory.grow(Math.ceil((2 * bytes + 65536) / 65536));
  const a = 65536;
  const b = a + bytes;
  new Float32Array(memory.buffer, a, bytes / 4).fill(1.5); // touch every page before the clock starts
  new Float32Array(memory.buffer, b, bytes / 4).fill(0);
  port.post({ ready: true });
  const t0 = performance.now();
  let copies = 0;
  // Back and forth, so that every copy reads memory the previous one wrote.
  while (Atomics.load(flags, 0) === 0) {
    if (copies % 2 === 0) bulk(a, b, bytes);
    else bulk(b, a, bytes);
    copies++;
    Atomics.store(flags, 1, copies);
  }
  port.post({ copies, ms: performance.now() - t0, bytesPerCopy: 2 * bytes });
});
