// Independent double-precision references for the tensor functions: conv2d,
// convTranspose2d, interpolate, convMatrix, the output sizes and bilinearKernel.
// Each reads its arguments by the documented rules and returns the Check of a
// result, or null where any result (or a refusal) is fine.
import {
  B,
  type Check,
  convSize,
  convTransposeSize,
  type Ctx,
  int,
  isObj,
  kindOf,
  LIMIT,
  need,
  options,
  pair,
  REFERENCE_LIMIT,
  show,
  tensor,
  tensorCheck,
} from './oracle-common.js';

const CONV_KEYS = ['bias', 'stride', 'padding', 'dilation', 'groups'];

export function convolution(transposed: boolean, args: unknown[], ctx: Ctx): Check | null {
  const o = options(args[2], transposed ? [...CONV_KEYS, 'outputPadding'] : CONV_KEYS, ctx);
  const x = tensor(args[0], ctx);
  const w = tensor(args[1], ctx);
  need((x.shape.length === 3 || x.shape.length === 4) && w.shape.length === 4);
  const bias = o.bias === undefined || o.bias === null ? null : (o.bias as Float32Array);
  if (o.bias === null) ctx.allowError = true;
  if (bias) need(kindOf(bias) === 'Float32Array');
  const s = pair(o.stride, 1, ctx, 1);
  const p = pair(o.padding, 0, ctx, 0);
  const d = pair(o.dilation, 1, ctx, 1);
  const op = transposed ? pair(o.outputPadding, 0, ctx, 0) : [0, 0];
  const groups = o.groups === undefined || o.groups === null ? 1 : int(o.groups, 1, ctx);
  if (o.groups === null) ctx.allowError = true;
  const [n, cin, h, wid] = x.shape.length === 4 ? x.shape : [1, ...x.shape];
  const [w0, w1, kh, kw] = w.shape;
  if (transposed) need(cin === w0 && w0 % groups === 0);
  else need(cin === w1 * groups && w0 % groups === 0);
  const cout = transposed ? w1 * groups : w0;
  if (bias) need(bias.length === cout);
  const size = (i: 0 | 1, x: number, k: number) =>
    transposed ? convTransposeSize(x, k, s[i], p[i], d[i], op[i]) : convSize(x, k, s[i], p[i], d[i]);
  const [oh, ow] = [size(0, h, kh), size(1, wid, kw)];
  const count = B(n) * B(cout) * oh * ow;
  need(count <= B(LIMIT));
  if (ctx.unchecked || count > B(REFERENCE_LIMIT)) return ((ctx.allowError = true), null);
  const [H, W] = [Number(oh), Number(ow)];
  const want = new Float64Array(Number(count));
  const scale = new Float64Array(want.length);
  const tainted = new Uint8Array(want.length);
  const cinG = cin / groups;
  const coutG = cout / groups;
  // Each (input pixel, kernel tap) product lands on one output pixel, or in the padding (a tainted weight still counts there, as torch multiplies the padded zeros).
  for (let b = 0; b < n; b++)
    for (let ci = 0; ci < cin; ci++)
      for (let co = 0; co < cout; co++) {
        const g = Math.floor(co / coutG);
        if (Math.floor(ci / cinG) !== g) continue;
        const widx = transposed ? ci * coutG + (co % coutG) : co * cinG + (ci % cinG);
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            const wv = w.data[(widx * kh + i) * kw + j];
            for (let y = 0; y < (transposed ? h : H); y++)
              for (let xx = 0; xx < (transposed ? wid : W); xx++) {
                // conv2d: output (y, xx) reads input (y·s − p + i·d); transposed: input (y, xx) adds to that output.
                const ty = y * s[0] - p[0] + i * d[0];
                const tx = xx * s[1] - p[1] + j * d[1];
                const inside = ty >= 0 && tx >= 0 && ty < (transposed ? H : h) && tx < (transposed ? W : wid);
                const [iy, ix, oy, ox] = transposed ? [y, xx, ty, tx] : [ty, tx, y, xx];
                const out = transposed ? -1 : ((b * cout + co) * H + oy) * W + ox;
                if (!inside) {
                  if (!transposed && !Number.isFinite(wv)) tainted[out] = 1;
                  continue;
                }
                const xv = x.data[((b * cin + ci) * h + iy) * wid + ix];
                const at = transposed ? ((b * cout + co) * H + oy) * W + ox : out;
                want[at] += xv * wv;
                scale[at] += Math.abs(xv * wv);
                if (!Number.isFinite(xv) || !Number.isFinite(wv)) tainted[at] = 1;
              }
          }
      }
  if (bias) {
    for (let i = 0; i < want.length; i++) {
      const v = bias[Math.floor(i / (H * W)) % cout];
      want[i] += v;
      scale[i] += Math.abs(v);
      if (!Number.isFinite(v)) tainted[i] = 1;
    }
  }
  const shape = x.shape.length === 4 ? [n, cout, H, W] : [cout, H, W];
  return tensorCheck(shape, want, scale, tainted);
}

/** Per output index along one dimension: input indices and weights, as torch 1.13 computes them. */
function taps(mode: string, inSize: number, outSize: number, align: boolean, scale?: number): [number[], number[]][] {
  const A = -0.75; // Keys' kernel, as torch
  const cubic = (t: number) => [
    ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A,
    ((A + 2) * t - (A + 3)) * t * t + 1,
    ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1,
    ((A * (2 - t) - 5 * A) * (2 - t) + 8 * A) * (2 - t) - 4 * A,
  ];
  const out: [number[], number[]][] = [];
  for (let i = 0; i < outSize; i++) {
    if (mode.startsWith('nearest')) {
      // torch: float arithmetic, scale = 1/scale_factor or in/out.
      const f = Math.fround(scale !== undefined ? 1 / scale : inSize / outSize);
      const src = mode === 'nearest' ? Math.fround(i * f) : Math.fround(Math.fround(i + 0.5) * f);
      out.push([[Math.min(Math.floor(src), inSize - 1)], [1]]);
      continue;
    }
    if (mode === 'bilinear' && inSize === outSize) {
      out.push([[i], [1]]); // README: bilinear copies along a dimension whose size does not change
      continue;
    }
    const s = align
      ? outSize > 1
        ? (inSize - 1) / (outSize - 1)
        : 0
      : scale !== undefined
        ? 1 / scale
        : inSize / outSize;
    const real = align ? s * i : s * (i + 0.5) - 0.5;
    if (mode === 'bilinear') {
      const src = Math.max(real, 0);
      const i0 = Math.floor(src);
      const l1 = Math.min(Math.max(src - i0, 0), 1);
      out.push([
        [i0, i0 + (i0 < inSize - 1 ? 1 : 0)],
        [1 - l1, l1],
      ]);
    } else {
      const i0 = Math.floor(real);
      const clamp = (k: number) => Math.min(Math.max(k, 0), inSize - 1);
      out.push([[clamp(i0 - 1), clamp(i0), clamp(i0 + 1), clamp(i0 + 2)], cubic(real - i0)]);
    }
  }
  return out;
}

export function interpolation(args: unknown[], ctx: Ctx): Check | null {
  const o = options(args[1], ['size', 'scaleFactor', 'mode', 'alignCorners'], ctx, true);
  const x = tensor(args[0], ctx);
  need(x.shape.length === 4);
  const mode = o.mode as string;
  need(['nearest', 'nearest-exact', 'bilinear', 'bicubic'].includes(mode));
  if (o.alignCorners === null || o.size === null || o.scaleFactor === null) ctx.allowError = true;
  const align = o.alignCorners ?? false;
  need(typeof align === 'boolean');
  if (align) need(mode === 'bilinear' || mode === 'bicubic'); // README: alignCorners false is fine with nearest
  const [hasSize, hasScale] = [o.size != null, o.scaleFactor != null];
  need(hasSize !== hasScale);
  const [n, c, h, w] = x.shape;
  let size: [number, number];
  let scale: [number, number] | undefined;
  if (hasSize) size = pair(o.size, 1, ctx);
  else {
    const sf = o.scaleFactor;
    scale = typeof sf === 'number' ? [sf, sf] : (sf as [number, number]);
    need(Array.isArray(scale) && scale.length === 2);
    need(scale.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0));
    size = [Math.floor(h * scale[0]), Math.floor(w * scale[1])];
    need(size[0] >= 1 && size[1] >= 1);
  }
  const count = n * c * size[0] * size[1];
  need(count <= LIMIT);
  // bicubic keeping a size (torch may copy) has no reference here.
  const keeps = mode === 'bicubic' && (size[0] === h || size[1] === w);
  if (ctx.unchecked || keeps || count > REFERENCE_LIMIT) return ((ctx.allowError = true), null);
  const ty = taps(mode, h, size[0], align, scale?.[0]);
  const tx = taps(mode, w, size[1], align, scale?.[1]);
  const want = new Float64Array(count);
  const scales = new Float64Array(count);
  const tainted = new Uint8Array(count);
  for (let plane = 0; plane < n * c; plane++)
    for (let y = 0; y < size[0]; y++)
      for (let xx = 0; xx < size[1]; xx++) {
        const at = (plane * size[0] + y) * size[1] + xx;
        const [iy, wy] = ty[y];
        const [ix, wx] = tx[xx];
        for (let a = 0; a < iy.length; a++)
          for (let b = 0; b < ix.length; b++) {
            const v = x.data[(plane * h + iy[a]) * w + ix[b]];
            want[at] += wy[a] * wx[b] * v;
            scales[at] += Math.abs(wy[a] * wx[b] * v);
            if (!Number.isFinite(v)) tainted[at] = 1;
          }
      }
  return tensorCheck([n, c, size[0], size[1]], want, scales, tainted);
}

export function convMatrix(args: unknown[], ctx: Ctx): Check | null {
  const o = options(args[0], ['inputSize', 'kernelSize', 'stride', 'padding', 'dilation'], ctx, true);
  const [h, w] = pair(o.inputSize, 1, ctx, undefined, true);
  const [kh, kw] = pair(o.kernelSize, 1, ctx, undefined, true);
  const s = pair(o.stride, 1, ctx, 1);
  const p = pair(o.padding, 0, ctx, 0);
  const d = pair(o.dilation, 1, ctx, 1);
  if (args[1] === null) ctx.allowError = true;
  need(args[1] == null || (kindOf(args[1]) === 'Float32Array' && (args[1] as Float32Array).length === kh * kw));
  const [oh, ow] = [convSize(h, kh, s[0], p[0], d[0]), convSize(w, kw, s[1], p[1], d[1])];
  const [rows, cols] = [oh * ow, B(h) * B(w)];
  need(rows * cols <= B(LIMIT));
  const kernel = args[1] == null ? Float32Array.from({ length: kh * kw }, (_, i) => i + 1) : (args[1] as Float32Array);
  if (rows * cols > B(REFERENCE_LIMIT)) return ((ctx.allowError = true), null);
  const [R, C, OW] = [Number(rows), Number(cols), Number(ow)];
  const want = new Float32Array(R * C);
  const source = new Int32Array(R * C).fill(-1);
  for (let r = 0; r < R; r++)
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++) {
        const y = Math.floor(r / OW) * s[0] - p[0] + i * d[0];
        const x = (r % OW) * s[1] - p[1] + j * d[1];
        if (y < 0 || x < 0 || y >= h || x >= w) continue;
        want[r * C + y * w + x] = kernel[i * kw + j];
        source[r * C + y * w + x] = i * kw + j;
      }
  return (r) => {
    if (!isObj(r) || r.rows !== R || r.cols !== C) return `returned ${show(r)}, expected ${R} × ${C}`;
    if (kindOf(r.data) !== 'Float32Array' || kindOf(r.source) !== 'Int32Array')
      return 'data or source of the wrong kind';
    const [data, src] = [r.data as Float32Array, r.source as Int32Array];
    if (data.length !== want.length || src.length !== want.length) return 'data or source of the wrong length';
    for (let i = 0; i < want.length; i++) {
      if (!Object.is(data[i], want[i]) && !(data[i] === 0 && want[i] === 0))
        return `C[${i}] is ${data[i]}, expected ${want[i]}`;
      if (src[i] !== source[i]) return `source[${i}] is ${src[i]}, expected ${source[i]}`;
    }
    return null;
  };
}

export function outputSize(transposed: boolean, args: unknown[], ctx: Ctx): Check {
  const keys = ['stride', 'padding', 'dilation', ...(transposed ? ['outputPadding'] : [])];
  const [h, w] = pair(args[0], 1, ctx, undefined, true);
  const [kh, kw] = pair(args[1], 1, ctx, undefined, true);
  const o = options(args[2], keys, ctx);
  const [s, p, d] = [pair(o.stride, 1, ctx, 1), pair(o.padding, 0, ctx, 0), pair(o.dilation, 1, ctx, 1)];
  const op = transposed ? pair(o.outputPadding, 0, ctx, 0) : [0, 0];
  const size = (i: 0 | 1, x: number, k: number) =>
    transposed ? convTransposeSize(x, k, s[i], p[i], d[i], op[i]) : convSize(x, k, s[i], p[i], d[i]);
  // Sizes that no tensor may have (README: 2²⁸ elements) may be refused, with the argument named.
  if ([h, w, h + 2 * p[0], w + 2 * p[1], d[0] * (kh - 1) + 1, d[1] * (kw - 1) + 1].some((v) => v > LIMIT)) {
    ctx.allowError = true;
  }
  const want = [size(0, h, kh), size(1, w, kw)];
  if (want.some((v) => v > B(LIMIT))) ctx.allowError = true;
  need(want.every((v) => v <= B(Number.MAX_SAFE_INTEGER))); // larger sizes cannot come back exact
  return (r) =>
    Array.isArray(r) && r.length === 2 && B(r[0]) === want[0] && B(r[1]) === want[1]
      ? null
      : `returned ${show(r)}, expected [${want}]`;
}

export function bilinear(args: unknown[], ctx: Ctx): Check | null {
  const f = int(args[0], 1, ctx);
  const k = 2 * f - (f % 2);
  need(k * k <= LIMIT);
  if (f > 8 || k * k > REFERENCE_LIMIT) return ((ctx.allowError = true), null); // the up-sampler's limit is 8
  // FCN's initialisation: a tent centred on the kernel, reaching zero one factor away.
  const centre = k % 2 === 1 ? f - 1 : f - 0.5;
  const tent = Array.from({ length: k }, (_, i) => 1 - Math.abs(i - centre) / f);
  const want = Float64Array.from({ length: k * k }, (_, i) => tent[Math.floor(i / k)] * tent[i % k]);
  return tensorCheck([k, k], want, new Float64Array(k * k).fill(0.1), new Uint8Array(k * k));
}
