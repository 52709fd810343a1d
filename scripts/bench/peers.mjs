// The three libraries behind one interface: `prepare(workload, inputs)` gives
// `run()` (one call: JS arrays in, JS array out, as an application would call
// it) and `toNCHW(result)` (layout fix-up for the comparison, not timed), or
// `{ na: reason }` when the library has no such operation.
//
// What is timed per call:
//   tconv  tc.conv2d / tc.convTranspose2d / tc.interpolate; the weight is a
//          tc.weight() made once, like ORT's initializers, so it is not copied
//          into wasm memory per call (input copied in, output copied out)
//   tconv out  the same with `out`: one Float32Array of the result's size,
//          made once, receives every result (no new array per call)
//   ORT    session.run on a one-node ONNX model whose weights are initializers
//          (input copied in, output copied out)
//   tfjs   tf.tensor4d(input) → op → dataSync() → dispose; the filter is a
//          tensor made once, like ORT's initializers
//   new array  not a library (`floor: true`): a new Float32Array of the
//          result's size, written once with fill. Every call that returns a
//          new array pays at least that (the OS maps fresh pages on first
//          touch), so it bounds what any library can reach; timed in the
//          same rounds as the libraries, it sees the same spells. Not run for
//          the explainer-sized calls (`skip`).
// Layout changes for tfjs (NCHW → NHWC input, torch → tf filter) happen once,
// outside the timed region.
//
// Works in Node and in the browser.

import { singleNodeModel } from './onnx.mjs';
import { prod } from './workloads.mjs';

// ---------------------------------------------------------------- tconv

/** tconv; with `out`, every call writes into one caller-owned array made here, once. */
function tconv(name, tc, withOut) {
  return {
    name,
    prepare(wl, { x, w }) {
      const input = { data: x, shape: wl.input };
      const out = withOut ? { out: new Float32Array(wl.output.reduce((a, b) => a * b, 1)) } : {};
      if (wl.op === 'interpolate') {
        const opts = { mode: wl.mode, scaleFactor: wl.scale, alignCorners: false, ...out };
        return { run: () => tc.interpolate(input, opts).data };
      }
      const weight = tc.weight({ data: w, shape: wl.weightShape });
      const opts = { stride: wl.stride, padding: wl.padding, groups: wl.groups, ...out };
      const fn = wl.op === 'conv2d' ? tc.conv2d : tc.convTranspose2d;
      return { run: () => fn(input, weight, opts).data, dispose: () => weight.dispose() };
    },
  };
}

export const tconvPeer = (tc) => tconv('tconv', tc, false);
export const tconvOutPeer = (tc) => tconv('tconv out', tc, true);

/** The floor of a call that returns a new array (see the top of this file). */
export const newArrayPeer = () => ({
  name: 'new array',
  floor: true,
  prepare(wl) {
    if (wl.micro) return { skip: true };
    const length = prod(wl.output);
    return { run: () => new Float32Array(length).fill(1) };
  },
});

// ---------------------------------------------------------------- onnxruntime-web

/** The ONNX model of a workload: one Conv, ConvTranspose or Resize node. */
export function onnxModel(wl, w) {
  const io = { input: { name: 'x', dims: wl.input }, output: { name: 'y', dims: wl.output } };
  if (wl.op === 'interpolate') {
    // Resize (opset 13+): inputs X, roi (absent), scales. half_pixel is torch's align_corners=False;
    // torch's bicubic is Keys' kernel with a = -0.75 and clamped (not excluded) border taps.
    const attributes = {
      mode: wl.mode === 'bilinear' ? 'linear' : 'cubic',
      coordinate_transformation_mode: 'half_pixel',
    };
    if (wl.mode === 'bicubic') Object.assign(attributes, { cubic_coeff_a: -0.75, exclude_outside: 0 });
    return singleNodeModel({
      opType: 'Resize',
      ...io,
      nodeInputs: ['x', '', 'scales'],
      initializers: [{ name: 'scales', dims: [4], data: [1, 1, wl.scale, wl.scale] }],
      attributes,
    });
  }
  // Conv / ConvTranspose: weight layouts are torch's; pads are [top, left, bottom, right].
  const { k, stride: s, padding: p } = wl;
  return singleNodeModel({
    opType: wl.op === 'conv2d' ? 'Conv' : 'ConvTranspose',
    ...io,
    nodeInputs: ['x', 'w'],
    initializers: [{ name: 'w', dims: wl.weightShape, data: w }],
    attributes: { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p], dilations: [1, 1], group: wl.groups },
  });
}

/** onnxruntime-web's wasm backend. Set `ort.env.wasm` (threads, SIMD, paths) before the first session. */
export function ortPeer(ort) {
  return {
    name: 'ORT',
    async prepare(wl, { x, w }) {
      const session = await ort.InferenceSession.create(onnxModel(wl, w), {
        executionProviders: ['wasm'],
        graphOptimizationLevel: 'all',
      });
      return {
        run: async () => (await session.run({ x: new ort.Tensor('float32', x, wl.input) })).y.data,
        dispose: () => session.release(),
      };
    },
  };
}

// ---------------------------------------------------------------- tfjs-backend-wasm

/** NCHW → NHWC (or back, with `toChannelsFirst`), for one batch layout [n, c, h, w]. */
function transposeNC(data, [n, c, h, w], toChannelsFirst = false) {
  const out = new Float32Array(data.length);
  const hw = h * w;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      for (let i = 0; i < hw; i++) {
        const nchw = (b * c + ch) * hw + i;
        const nhwc = (b * hw + i) * c + ch;
        if (toChannelsFirst) out[nchw] = data[nhwc];
        else out[nhwc] = data[nchw];
      }
    }
  }
  return out;
}

/**
 * torch weight [A, B, kH, kW] → tf filter [kH, kW, B, A]. The same permutation serves both ops:
 * conv2d [Cout, Cin, kH, kW] → tf.conv2d's [kH, kW, inC, outC], and
 * conv_transpose2d [Cin, Cout, kH, kW] → tf.conv2dTranspose's [kH, kW, outC, inC].
 */
function tfFilter(w, [a, b, kh, kw]) {
  const out = new Float32Array(w.length);
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) out[((y * kw + x) * b + j) * a + i] = w[((i * b + j) * kh + y) * kw + x];
      }
    }
  }
  return out;
}

/** @tensorflow/tfjs-core with the wasm backend already set. */
export function tfjsPeer(tf) {
  return {
    name: 'tfjs',
    prepare(wl, { x, w }) {
      if (wl.op === 'convTranspose2d' && wl.groups !== 1) return { na: 'tf.conv2dTranspose has no groups' };
      if (wl.op === 'interpolate' && wl.mode !== 'bilinear') return { na: `tfjs has no ${wl.mode} resize` };
      const [n, c, h, wd] = wl.input;
      const [, co, ho, wo] = wl.output;
      const xNHWC = transposeNC(x, wl.input);
      let filter;
      let op;
      if (wl.op === 'interpolate') {
        op = (t) => tf.image.resizeBilinear(t, [ho, wo], false, true); // alignCorners false, halfPixelCenters true
      } else {
        if (wl.groups !== 1) return { na: 'tf.conv2d has no groups' };
        const [a, b, kh, kw] = wl.weightShape;
        filter = tf.tensor4d(tfFilter(w, wl.weightShape), [kh, kw, b, a]);
        // A numeric pad is symmetric; for conv2dTranspose it is the pad of the forward conv, as in torch.
        op =
          wl.op === 'conv2d'
            ? (t) => tf.conv2d(t, filter, wl.stride, wl.padding)
            : (t) => tf.conv2dTranspose(t, filter, [n, ho, wo, co], wl.stride, wl.padding);
      }
      return {
        run: () => {
          const t = tf.tensor4d(xNHWC, [n, h, wd, c]);
          const y = op(t);
          const data = y.dataSync();
          t.dispose();
          y.dispose();
          return data;
        },
        toNCHW: (data) => transposeNC(data, wl.output, true),
        dispose: () => filter?.dispose(),
      };
    },
  };
}

// ---------------------------------------------------------------- one-thread setup

/** onnxruntime-web: wasm backend, one thread (no workers), SIMD. Call before the first session. */
export function configureOrt(ort, wasmPaths) {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.simd = true;
  ort.env.wasm.proxy = false;
  if (wasmPaths) ort.env.wasm.wasmPaths = wasmPaths;
  ort.env.logLevel = 'error';
}

/**
 * tfjs: the wasm backend with one thread. The multithread flag is forced off because a
 * cross-origin-isolated page would otherwise load the threaded build.
 */
export async function configureTfjs(tf, tfwasm, wasmPaths) {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tfwasm.setThreadsCount(1);
  if (wasmPaths) tfwasm.setWasmPaths(wasmPaths);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialise');
  await tf.ready();
  return {
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    threads: tfwasm.getThreadsCount(),
  };
}
