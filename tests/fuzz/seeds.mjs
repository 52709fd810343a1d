// Writes the seed corpus (tests/fuzz/corpus): a few inputs per entry point,
// valid and invalid, including the shapes issue 10 reported, so that a short
// fuzz run starts from every code path. Each seed's bytes follow the order in
// which its target reads them (listed at the top of each tests/fuzz/*.cpp).
//
//   node tests/fuzz/seeds.mjs        (rewrites the seeds; other corpus files stay)

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const corpus = join(dirname(fileURLToPath(import.meta.url)), 'corpus');

// The first byte picks the target (fuzz_main.cpp).
const T = { conv2d: 0, convTranspose2d: 1, convMatrix: 2, interpolate: 3, upsample: 4, difference: 5, sizes: 6 };

// Reader::integer's extreme values, by the byte that selects them (240 + index).
const INT = [
  '0',
  '-1',
  '-7',
  'INT64_MIN',
  'INT64_MAX',
  'INT64_MAX-1',
  'LIMIT',
  'LIMIT+1',
  '2^31-1',
  '2^31',
  '2^32',
  '2^32+1',
  '2^53',
  '2^62',
  '1e9',
];
// Reader::real's extreme values, likewise.
const REAL = [
  '0',
  '-0',
  '-1',
  'NaN',
  'Inf',
  '-Inf',
  'denormal',
  '1e-300',
  '1.05',
  '0.999999',
  '1e8',
  '2^28',
  '2^28+1',
  '1e300',
  '2^31',
];

class Bytes {
  bytes = [];
  byte(v) {
    this.bytes.push(v & 0xff);
    return this;
  }
  flag(b) {
    return this.byte(b ? 1 : 0);
  }
  rarely(b) {
    return this.byte(b ? 224 : 0);
  }
  /** Reader::count(lo, hi) giving v. */
  count(v, lo = 0) {
    return this.byte(v - lo);
  }
  /** Reader::integer(lo, hi): v in range, or an extreme by name. */
  int(v, lo = 0) {
    if (typeof v === 'string') return this.byte(240 + INT.indexOf(v));
    return this.byte(v - lo);
  }
  /** Reader::real: k/16, or an extreme by name. */
  real(v) {
    if (typeof v === 'string') return this.byte(240 + REAL.indexOf(v));
    return this.byte(Math.round(v * 16) - 1);
  }
  /** Dyadic tensor elements (multiples of 1/8), from a fixed pseudo-random sequence. */
  values(n, seed = 1) {
    let s = seed;
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      this.byte(((s >>> 16) % 64) - 32);
    }
    return this;
  }
}

const seeds = {};
const seed = (name, target, fill) => {
  const b = new Bytes().byte(target);
  fill(b);
  seeds[name] = Uint8Array.from(b.bytes);
};

// conv2d / conv_transpose2d (fuzz_conv.cpp). Tensors come last.
function conv(b, o) {
  const t = o.transposed;
  b.rarely(o.broken);
  if (o.broken) b.count(o.broken, 1);
  if (t) b.count(o.algorithm ?? 0);
  b.flag(o.batched ?? true)
    .count(o.batch ?? 1)
    .count(o.groups ?? 1, 1);
  if (t) b.rarely(o.rich);
  b.count(o.gin ?? 2, o.rich ? 14 : 1).count(o.gout ?? 2, 1);
  b.count(o.h ?? 5, 1)
    .count(o.w ?? 6, 1)
    .count(o.kh ?? 3, 1)
    .count(o.kw ?? 3, 1);
  for (const v of o.stride ?? [1, 1]) b.int(v, 1);
  for (const v of o.padding ?? [0, 0]) b.int(v, 0);
  if (t) for (const v of o.outputPadding ?? [0, 0]) b.int(v, 0);
  for (const v of o.dilation ?? [1, 1]) b.int(v, 1);
  b.int(o.groupsParam ?? 0, 0); // 0: the groups the tensors were built for
  b.flag(o.bias ?? true).rarely(o.raw);
  // input, weight and bias elements, plus slack for the malformed variants
  const cin = (o.groups ?? 1) * (o.gin ?? 2),
    cout = (o.groups ?? 1) * (o.gout ?? 2);
  const taps = (o.kh ?? 3) * (o.kw ?? 3);
  const input = ((o.batched ?? true) ? (o.batch ?? 1) : 1) * cin * (o.h ?? 5) * (o.w ?? 6);
  const weight = t ? cin * (o.gout ?? 2) * taps : cout * (o.gin ?? 2) * taps;
  b.values(input + weight + cout + 64, o.seed ?? 7);
}
seed('conv2d-basic', T.conv2d, (b) => conv(b, { padding: [1, 1] }));
seed('conv2d-strided-dilated', T.conv2d, (b) =>
  conv(b, { stride: [2, 3], padding: [2, 1], dilation: [2, 2], h: 9, w: 10 }),
);
seed('conv2d-groups-unbatched', T.conv2d, (b) => conv(b, { groups: 3, batched: false, gin: 1, gout: 2, bias: false }));
seed('conv2d-empty-batch', T.conv2d, (b) => conv(b, { batch: 0 }));
seed('conv2d-weight-channels-wrong', T.conv2d, (b) => conv(b, { broken: 1 }));
seed('conv2d-stride-int64-max', T.conv2d, (b) => conv(b, { stride: ['INT64_MAX', 1], padding: [3, 0] }));
seed('conv2d-padding-2e62', T.conv2d, (b) => conv(b, { padding: ['2^62', 0] }));
seed('conv2d-dilation-2e32', T.conv2d, (b) => conv(b, { dilation: [1, '2^32'] }));
seed('conv2d-groups-2e32+1', T.conv2d, (b) => conv(b, { groupsParam: '2^32+1' }));
for (const [i, name] of ['automatic', 'scatter', 'direct', 'gemm', 'gemm_columns', 'winograd'].entries()) {
  seed(`conv_transpose2d-${name}`, T.convTranspose2d, (b) =>
    conv(b, { transposed: true, algorithm: i, stride: [2, 2], padding: [1, 0], outputPadding: [1, 0], h: 7, w: 9 }),
  );
  seed(`conv_transpose2d-${name}-stride3-groups`, T.convTranspose2d, (b) =>
    conv(b, { transposed: true, algorithm: i, groups: 2, stride: [3, 4], dilation: [2, 1], kh: 4, kw: 2, seed: 3 }),
  );
}
// Kernel 4, stride 2 (every phase a 2 × 2 convolution) with enough channels
// for automatic to pick winograd, odd sizes and output_padding.
seed('conv_transpose2d-winograd-rich', T.convTranspose2d, (b) =>
  conv(b, {
    transposed: true,
    algorithm: 5,
    rich: true,
    gin: 16,
    h: 7,
    w: 5,
    kh: 4,
    kw: 4,
    stride: [2, 2],
    padding: [1, 1],
    outputPadding: [1, 0],
  }),
);
// Issue 10, item 8: 16 channels, 17×17, stride 3, 1×1 kernel (a stride phase without taps).
seed('conv_transpose2d-rich-stride3-1x1', T.convTranspose2d, (b) =>
  conv(b, { transposed: true, rich: true, gin: 16, gout: 1, h: 17, w: 17, kh: 1, kw: 1, stride: [3, 3] }),
);
// Issue 10, item 4: a huge stride along a one-row input gives a small output.
seed('conv_transpose2d-stride-1e9', T.convTranspose2d, (b) =>
  conv(b, { transposed: true, algorithm: 2, h: 1, w: 10, kh: 1, kw: 1, stride: ['1e9', 1] }),
);
seed('conv_transpose2d-padding-2e62', T.convTranspose2d, (b) => conv(b, { transposed: true, padding: [0, '2^62'] }));
seed('conv_transpose2d-groups-2e53', T.convTranspose2d, (b) => conv(b, { transposed: true, groupsParam: '2^53' }));
seed('conv_transpose2d-output-padding-too-large', T.convTranspose2d, (b) =>
  conv(b, { transposed: true, outputPadding: [3, 0] }),
);

// conv_matrix (fuzz_conv.cpp).
function convMatrix(b, o) {
  for (const v of o.input ?? [4, 4]) b.int(v, 1);
  for (const v of o.kernel ?? [3, 3]) b.int(v, 1);
  for (const v of o.stride ?? [1, 1]) b.int(v, 1);
  for (const v of o.padding ?? [0, 0]) b.int(v, 0);
  for (const v of o.dilation ?? [1, 1]) b.int(v, 1);
  b.flag(o.given).rarely(o.broken).values(200, 5);
}
seed('conv_matrix-explainer', T.convMatrix, (b) => convMatrix(b, {}));
seed('conv_matrix-kernel-strided', T.convMatrix, (b) =>
  convMatrix(b, { given: true, input: [6, 5], kernel: [2, 3], stride: [2, 1], padding: [1, 2], dilation: [2, 1] }),
);
seed('conv_matrix-kernel-wrong-shape', T.convMatrix, (b) => convMatrix(b, { broken: true }));
seed('conv_matrix-input-2e31', T.convMatrix, (b) => convMatrix(b, { input: ['2^31', 4] }));

// interpolate and interpolate_rows (fuzz_interpolate.cpp).
function interpolate(b, o) {
  b.rarely(o.broken);
  if (o.broken) b.count(o.broken, 1);
  const [n, c, h, w] = o.shape ?? [1, 2, 5, 6];
  b.count(n).count(c, 1).count(h, 1).count(w, 1).count(o.mode);
  b.flag(o.scale);
  if (o.scale) for (const v of o.scale) b.real(v);
  if (!o.scale || o.broken === 3) for (const v of o.size) b.int(v, 1);
  const linear = o.mode >= 2;
  if (linear) b.flag(o.alignCorners);
  else b.rarely(o.alignCorners);
  b.rarely(false).values(n * c * h * w, 11);
  const [first, count, above, below] = o.band ?? [1, 3, 1, 0];
  b.count(first).count(count, 1).count(above).count(below).rarely(o.shortBand);
  for (const v of o.where ?? [0, 0, 0, 0]) b.int(v);
}
const MODES = ['nearest', 'nearest-exact', 'bilinear', 'bicubic'];
for (const [mode, name] of MODES.entries()) {
  seed(`interpolate-${name}-size`, T.interpolate, (b) => interpolate(b, { mode, size: [11, 4] }));
  seed(`interpolate-${name}-scale`, T.interpolate, (b) =>
    interpolate(b, { mode, scale: [2, 1.5], shape: [2, 1, 4, 7], band: [3, 4, 0, 2] }),
  );
}
seed('interpolate-bilinear-align-corners', T.interpolate, (b) =>
  interpolate(b, { mode: 2, size: [9, 3], alignCorners: true }),
);
seed('interpolate-bicubic-align-corners-double', T.interpolate, (b) =>
  interpolate(b, { mode: 3, scale: [2, 2], alignCorners: true, shape: [1, 1, 8, 9] }),
);
seed('interpolate-nearest-scale-1.05', T.interpolate, (b) =>
  interpolate(b, { mode: 0, scale: ['1.05', '1.05'], shape: [1, 1, 10, 10] }),
);
seed('interpolate-nearest-align-corners', T.interpolate, (b) =>
  interpolate(b, { mode: 0, size: [3, 3], alignCorners: true }),
);
seed('interpolate-short-band', T.interpolate, (b) => interpolate(b, { mode: 3, size: [12, 5], shortBand: true }));
seed('interpolate-band-height-2e62', T.interpolate, (b) =>
  interpolate(b, { mode: 2, size: [12, 5], where: ['2^62', 0, 0, 0] }),
);
// Issue 10, item 4: sizes at and beyond the limit must be refused quickly.
seed('interpolate-size-2e28', T.interpolate, (b) => interpolate(b, { mode: 2, size: ['LIMIT', 1] }));
seed('interpolate-scale-1e8', T.interpolate, (b) => interpolate(b, { mode: 1, scale: [1, '1e8'] }));
seed('interpolate-scale-nan', T.interpolate, (b) => interpolate(b, { mode: 2, scale: ['NaN', 2] }));
seed('interpolate-size-and-scale', T.interpolate, (b) =>
  interpolate(b, { broken: 3, mode: 2, scale: [2, 2], size: [3, 3] }),
);

// upsample and upsample_band (fuzz_image.cpp).
function upsample(b, o) {
  b.rarely(false);
  const [h, w] = o.image ?? [5, 6];
  b.count(h, 1)
    .count(w, 1)
    .count(o.method)
    .int(o.factor ?? 2, 1);
  const interpolation = o.method <= 2;
  if (interpolation) b.flag(o.size);
  else b.rarely(o.size);
  if (o.size) for (const v of o.size) b.int(v, 1);
  if (o.method === 1 || o.method === 2) b.flag(o.alignCorners);
  else b.rarely(o.alignCorners);
  const [kh, kw] = o.kernel ?? [3, 3];
  b.count(kh, 1).count(kw, 1).rarely(false).rarely(false);
  if (o.method >= 4) b.values(kh * kw, 13);
  b.byte(o.transparent ? 200 : 0).values(h * w * (o.transparent ? 4 : 3), 17);
  b.byte(o.progress === 2 ? 224 : 0);
  if (o.progress !== 2) b.byte(o.progress ? 1 : 0);
  const [first, count, above, below] = o.band ?? [2, 5, 0, 1];
  b.count(first).count(count, 1).count(above).count(below).rarely(false);
  for (const v of o.where ?? [0, 0, 0, 0]) b.int(v);
}
const METHODS = [
  'nearest',
  'bilinear',
  'bicubic',
  'transposed-bilinear',
  'transposed',
  'resize-conv-nearest',
  'resize-conv-bilinear',
];
for (const [method, name] of METHODS.entries()) {
  seed(`upsample-${name}`, T.upsample, (b) => upsample(b, { method, factor: 2 + (method % 3), progress: 1 }));
  seed(`upsample-${name}-transparent`, T.upsample, (b) =>
    upsample(b, { method, factor: 3, transparent: true, kernel: [2, 4], image: [7, 3], band: [5, 9, 1, 1] }),
  );
}
seed('upsample-bicubic-size-align-corners', T.upsample, (b) =>
  upsample(b, { method: 2, size: [13, 17], alignCorners: true }),
);
seed('upsample-factor-9', T.upsample, (b) => upsample(b, { method: 1, factor: 9 }));
seed('upsample-progress-throws', T.upsample, (b) => upsample(b, { method: 4, progress: 2 }));
// Issue 10, item 7: a band claiming an image of 2⁶² rows.
seed('upsample-band-height-2e62', T.upsample, (b) => upsample(b, { method: 1, where: ['2^62', 0, 0, 0] }));

// difference (fuzz_image.cpp).
function difference(b, o) {
  b.rarely(false);
  const [h, w] = o.image ?? [3, 4];
  b.count(h, 1).count(w, 1).rarely(o.otherSize).real(o.gain);
  b.values(h * w * 4, 19).values(h * (w + (o.otherSize ? 1 : 0)) * 4, 23);
}
seed('difference-gain-4', T.difference, (b) => difference(b, { gain: 4 }));
seed('difference-gain-nan', T.difference, (b) => difference(b, { gain: 'NaN' }));
seed('difference-other-size', T.difference, (b) => difference(b, { gain: 1, otherSize: true }));

// The size functions alone (fuzz_sizes.cpp): the first byte after the target picks one.
seed('sizes-conv2d-int64-max', T.sizes, (b) => {
  b.count(0);
  // input, kernel, stride, padding, dilation (each height, width), groups
  for (const [v, lo] of [
    ['INT64_MAX', 1],
    [3, 1],
    [1, 1],
    [1, 1],
    ['INT64_MAX', 1],
    [1, 1],
    [2, 0],
    [0, 0],
    [1, 1],
    [1, 1],
    [1, 1],
  ])
    b.int(v, lo);
});
seed('sizes-conv_transpose2d-huge-padding', T.sizes, (b) => {
  b.count(1);
  // input, kernel, stride, padding, output_padding, dilation (each height, width), groups
  for (const [v, lo] of [
    [3, 1],
    [3, 1],
    [2, 1],
    [2, 1],
    ['2^62', 1],
    [1, 1],
    ['2^62', 0],
    [0, 0],
    [1, 0],
    [0, 0],
    [1, 1],
    [1, 1],
    [1, 1],
  ])
    b.int(v, lo);
});
seed('sizes-interpolate-input-rows', T.sizes, (b) => {
  b.count(3).int('2^62', 1).int(5, 1).count(3).flag(false).int(7, 1).int(3, 1).rarely(false).int(2).int(5, 1);
});
// Issue 10, item 7: upsample_output_size of a height near 2⁶².
seed('sizes-upsample-output-2e62', T.sizes, (b) => {
  b.count(4).int('2^62', 1).int(4, 1).count(1).int(2, 2).rarely(false).rarely(false).count(1, 1).int(0).int(1, 1);
});
seed('sizes-upsample-input-rows', T.sizes, (b) => {
  b.count(5).int(9, 1).int(4, 1).count(4).int(3, 2).rarely(false).rarely(false).count(3, 1).int(4).int(9, 1);
});
seed('sizes-bilinear-kernel', T.sizes, (b) => b.count(6).int(5));

mkdirSync(corpus, { recursive: true });
for (const [name, bytes] of Object.entries(seeds)) writeFileSync(join(corpus, name), bytes);
console.log(`${Object.keys(seeds).length} seeds in ${corpus}`);
