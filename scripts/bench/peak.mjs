// The machine's ceilings for one WebAssembly thread, measured with a module
// whose bytes are written here by hand (no toolchain involved):
//
//   madd(iters, m, c) -> f32     ACC independent chains acc = acc * m + c on
//                                f32x4 (f32x4.mul then f32x4.add: wasm SIMD has
//                                no FMA outside relaxed-simd), unrolled UNROLL
//                                times. Each iteration is 8 FLOPs per chain.
//   copy(src, dst, bytes)        a v128.load/v128.store loop, 64 bytes a turn
//   bulk(src, dst, bytes)        memory.copy, the engine's own memcpy
//
// ACC = 12 chains: a chain step is a multiply then an add (3 + 3 cycles of
// latency on current x86 cores), and two of each issue per cycle, so about
// 12 chains are needed to fill the pipes; 12 accumulators + 2 constants still
// fit in the 16 xmm registers V8 allocates on x64, so nothing spills.
//
// Works in Node and in the browser (no imports).

const ACC = 12;
const UNROLL = 4;
const F32 = 0x7d;
const I32 = 0x7f;
const V128 = 0x7b;

// ---------------------------------------------------------------- binary encoding

function uleb(v) {
  const out = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

function sleb(v) {
  const out = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}

const vec = (items) => [...uleb(items.length), ...items.flat()];
const section = (id, body) => [id, ...uleb(body.length), ...body];
const name = (s) => vec([...new TextEncoder().encode(s)].map((b) => [b]));
const f32const = (x) => [0x43, ...new Uint8Array(Float32Array.of(x).buffer)];

// Opcodes.
const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32const: 0x41,
  i32gtS: 0x4a,
  i32add: 0x6a,
  i32sub: 0x6b,
  void: 0x40,
};
const simd = (code, ...imm) => [0xfd, ...uleb(code), ...imm];
const v128load = (offset) => simd(0x00, 4, ...uleb(offset)); // memarg: align 2^4, offset
const v128store = (offset) => simd(0x0b, 4, ...uleb(offset));
const f32x4splat = simd(0x13);
const f32x4extract0 = simd(0x1f, 0);
const f32x4add = simd(0xe4);
const f32x4mul = simd(0xe6);
const memoryCopy = [0xfc, ...uleb(10), 0, 0];
const get = (i) => [op.localGet, ...uleb(i)];
const set = (i) => [op.localSet, ...uleb(i)];

/** A function body: local declarations, code, end. */
function body(locals, code) {
  const b = [...vec(locals.map(([n, t]) => [...uleb(n), t])), ...code, op.end];
  return [...uleb(b.length), ...b];
}

// madd(iters i32 = local 0, m f32 = 1, c f32 = 2) -> f32; locals 3..: m4, c4, acc[ACC].
function maddBody() {
  const m4 = 3;
  const c4 = 4;
  const acc = (i) => 5 + i;
  const code = [...get(1), ...f32x4splat, ...set(m4), ...get(2), ...f32x4splat, ...set(c4)];
  // Distinct starting values, so no two chains are the same computation.
  for (let i = 0; i < ACC; i++) code.push(...f32const(1 + i / 64), ...f32x4splat, ...set(acc(i)));
  code.push(op.block, op.void, op.loop, op.void);
  for (let u = 0; u < UNROLL; u++) {
    for (let i = 0; i < ACC; i++) {
      code.push(...get(acc(i)), ...get(m4), ...f32x4mul, ...get(c4), ...f32x4add, ...set(acc(i)));
    }
  }
  // iters -= 1; loop while iters > 0.
  code.push(...get(0), op.i32const, ...sleb(1), op.i32sub, op.localTee, ...uleb(0));
  code.push(op.i32const, ...sleb(0), op.i32gtS, op.brIf, 0, op.end, op.end);
  // Sum the accumulators so that none of them is dead code.
  code.push(...get(acc(0)));
  for (let i = 1; i < ACC; i++) code.push(...get(acc(i)), ...f32x4add);
  code.push(...f32x4extract0);
  return body(
    [
      [2, V128],
      [ACC, V128],
    ],
    code,
  );
}

// copy(src i32 = 0, dst i32 = 1, bytes i32 = 2): bytes must be a positive multiple of 64.
function copyBody() {
  const code = [op.block, op.void, op.loop, op.void];
  for (let o = 0; o < 64; o += 16) code.push(...get(1), ...get(0), ...v128load(o), ...v128store(o));
  for (const p of [0, 1]) code.push(...get(p), op.i32const, ...sleb(64), op.i32add, ...set(p));
  code.push(...get(2), op.i32const, ...sleb(64), op.i32sub, op.localTee, ...uleb(2));
  code.push(op.i32const, ...sleb(0), op.i32gtS, op.brIf, 0, op.end, op.end);
  return body([], code);
}

// bulk(src i32 = 0, dst i32 = 1, bytes i32 = 2): memory.copy(dst, src, bytes).
function bulkBody() {
  return body([], [...get(1), ...get(0), ...get(2), ...memoryCopy]);
}

/** The module's bytes. */
export function peakModuleBytes() {
  const types = [
    [0x60, ...vec([[I32], [F32], [F32]]), ...vec([[F32]])], // (i32, f32, f32) -> f32
    [0x60, ...vec([[I32], [I32], [I32]]), ...vec([])], // (i32, i32, i32) -> ()
  ];
  const exports = [
    [...name('madd'), 0x00, 0],
    [...name('copy'), 0x00, 1],
    [...name('bulk'), 0x00, 2],
    [...name('memory'), 0x02, 0],
  ];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(3, vec([[0], [1], [1]])),
    ...section(5, vec([[0x00, ...uleb(1)]])), // memory: min 1 page, grown from JS
    ...section(7, vec(exports)),
    ...section(10, vec([maddBody(), copyBody(), bulkBody()])),
  ]);
}

// ---------------------------------------------------------------- measurement

function bestOf(runs, fn) {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/**
 * Measures the SIMD multiply-add peak and the copy bandwidth of one thread.
 * @returns {{ gflops: number, copyGBs: number, bulkGBs: number, bandwidthGBs: number, copyMiB: number }}
 *   GB/s counts bytes read + bytes written (10^9 bytes per second).
 */
export async function measurePeak({ copyMiB = 64 } = {}) {
  const { instance } = await WebAssembly.instantiate(peakModuleBytes());
  const { madd, copy, bulk, memory } = instance.exports;

  // Multiply-add: calibrate to ~100 ms a run, keep the best of 5 runs.
  let iters = 1 << 16;
  while (bestOf(1, () => madd(iters, 0.9999, 0.001)) < 20) iters *= 2;
  iters *= 5;
  const ms = bestOf(5, () => madd(iters, 0.9999, 0.001));
  const gflops = (iters * UNROLL * ACC * 4 * 2) / (ms * 1e6);

  // Copy: two buffers well beyond the last-level cache, best of 7.
  const bytes = copyMiB << 20;
  memory.grow(Math.ceil((2 * bytes + 65536) / 65536));
  const src = 65536;
  const dst = src + bytes;
  new Float32Array(memory.buffer, src, bytes / 4).fill(1.5); // touch every page
  new Float32Array(memory.buffer, dst, bytes / 4).fill(0);
  const copyMs = bestOf(7, () => copy(src, dst, bytes));
  const bulkMs = bestOf(7, () => bulk(src, dst, bytes));
  const copyGBs = (2 * bytes) / (copyMs * 1e6);
  const bulkGBs = (2 * bytes) / (bulkMs * 1e6);
  return { gflops, copyGBs, bulkGBs, bandwidthGBs: Math.max(copyGBs, bulkGBs), copyMiB };
}
