// The benchmark's workloads (issue "Fast kernels"): shapes, options, work
// counts and fixed-seed inputs. Shared by `npm run bench` (Node) and
// `npm run bench:browser` (Chromium); no imports.
//
// All tensors are NCHW float32; weights use torch's layouts:
// conv2d [Cout, Cin/groups, kH, kW], conv_transpose2d [Cin, Cout/groups, kH, kW].

/** mulberry32: a small PRNG, so every run and every library sees the same data. */
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

export const prod = (a) => a.reduce((x, y) => x * y, 1);

/** Uniform values in [-1, 1) from the PRNG seeded with `seed`. */
function randomData(n, seed) {
  const random = rng(seed);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = random() * 2 - 1;
  return data;
}

const convOut = (h, k, s, p) => Math.floor((h + 2 * p - k) / s) + 1;
const convTOut = (h, k, s, p) => (h - 1) * s - 2 * p + k;

/**
 * A convolution workload.
 * @param {'conv2d' | 'convTranspose2d'} op
 */
function conv(id, title, op, input, cout, k, { stride = 1, padding = 0, groups = 1 } = {}, extra = {}) {
  const [n, cin, h, w] = input;
  const size = op === 'conv2d' ? convOut : convTOut;
  const output = [n, cout, size(h, k, stride, padding), size(w, k, stride, padding)];
  const weightShape = op === 'conv2d' ? [cout, cin / groups, k, k] : [cin, cout / groups, k, k];
  // Multiply-accumulates, counting every kernel tap (also those that padding cuts off).
  const macs = op === 'conv2d' ? prod(output) * (cin / groups) * k * k : prod(input) * (cout / groups) * k * k;
  const params = [`k${k}`, stride !== 1 && `s${stride}`, padding && `p${padding}`, groups !== 1 && `g${groups}`];
  return {
    id,
    title,
    op,
    input,
    output,
    weightShape,
    k,
    stride,
    padding,
    groups,
    params: params.filter(Boolean).join(' '),
    flops: 2 * macs,
    ...extra,
  };
}

function interpolate(id, title, mode, input, scale) {
  const [n, c, h, w] = input;
  const output = [n, c, h * scale, w * scale];
  return {
    id,
    title,
    op: 'interpolate',
    mode,
    scale,
    input,
    output,
    params: `×${scale}`,
    // The least memory traffic: read the input once, write the output once.
    bytes: 4 * (prod(input) + prod(output)),
  };
}

/** The workloads, in the order they run. `micro` ones are timed per call in µs. */
export const workloads = [
  conv('A', 'conv2d, explainer', 'conv2d', [1, 1, 4, 4], 1, 3, {}, { micro: true }),
  conv('A', 'conv_transpose2d, explainer', 'convTranspose2d', [1, 1, 2, 2], 1, 3, {}, { micro: true }),
  conv('B', 'conv_transpose2d', 'convTranspose2d', [1, 3, 512, 512], 3, 4, { stride: 2, padding: 1 }),
  conv('C', 'conv_transpose2d', 'convTranspose2d', [1, 3, 512, 512], 3, 4, { stride: 2, padding: 1, groups: 3 }),
  conv('D', 'conv_transpose2d, DCGAN', 'convTranspose2d', [1, 512, 8, 8], 256, 4, { stride: 2, padding: 1 }),
  conv('E', 'conv_transpose2d, decoder', 'convTranspose2d', [1, 64, 128, 128], 32, 4, { stride: 2, padding: 1 }),
  conv('F', 'conv2d', 'conv2d', [1, 3, 1024, 1024], 3, 3, { padding: 1 }),
  interpolate('G', 'interpolate bilinear', 'bilinear', [1, 3, 2048, 2048], 2),
  interpolate('G', 'interpolate bicubic', 'bicubic', [1, 3, 2048, 2048], 2),
];

/** Fixed-seed input (and weight) data for workload number `index`. */
export function makeInputs(wl, index) {
  const seed = 20261129 + 1000 * index;
  return {
    x: randomData(prod(wl.input), seed),
    w: wl.weightShape ? randomData(prod(wl.weightShape), seed + 1) : undefined,
  };
}
