// The oracles of the image functions: the up-sampler (the documented rules,
// then the plain call with honest copies, whose methods the image tests check)
// and imageDifference (recomputed here).
import type { Tconv } from '../../../web/lib/types.js';
import { INTERPOLATION_METHODS, KERNEL_METHODS, METHODS } from '../../../web/upsampler/shared/protocol.js';
import type { Fn } from './calls.js';
import {
  type Check,
  type Ctx,
  image,
  int,
  Invalid,
  isObj,
  kindOf,
  LIMIT,
  need,
  type Obj,
  options,
  pair,
  show,
  type T,
  tensor,
} from './oracle-common.js';

const UPSAMPLE_KEYS = ['method', 'factor', 'size', 'alignCorners', 'kernel', 'onProgress', 'into'];

/** The documented rules of UpsampleOptions; returns the honest options for the plain call and the result size. */
function upsampleSpec(v: unknown, width: number, height: number, ctx: Ctx, rowsOnly = false) {
  const o = options(v, UPSAMPLE_KEYS, ctx, true);
  const method = o.method as (typeof METHODS)[number];
  need(METHODS.includes(method));
  for (const k of ['factor', 'size', 'alignCorners', 'kernel', 'onProgress', 'into'])
    if (o[k] === null) ctx.allowError = true;
  const factor = o.factor ?? 2;
  need(typeof factor === 'number' && Number.isInteger(factor) && factor >= 2 && factor <= 8);
  const size = o.size == null ? undefined : pair(o.size, 1, ctx, undefined, true);
  if (size) need(INTERPOLATION_METHODS.includes(method));
  const align = o.alignCorners ?? false;
  need(typeof align === 'boolean' && (!align || method === 'bilinear' || method === 'bicubic'));
  let kernel: T | undefined;
  if (o.kernel != null) {
    kernel = tensor(o.kernel, ctx);
    need(kernel.shape.length === 2 && kernel.shape.every((d) => d >= 1));
    // Issue item 6: no NaN or ±Infinity weights (upsampleInputRows, which reads none, may take them).
    if (rowsOnly && !kernel.data.every(Number.isFinite)) ctx.allowError = true;
    else need(kernel.data.every(Number.isFinite));
    if (!KERNEL_METHODS.includes(method)) ctx.allowError = true; // ignored or refused
  }
  if (KERNEL_METHODS.includes(method)) need(kernel);
  need(o.onProgress == null || typeof o.onProgress === 'function');
  need(o.into == null || kindOf(o.into) === 'Uint8ClampedArray');
  const out = size ?? [height * factor, width * factor];
  const plain: Obj = { method, factor };
  if (size) plain.size = size;
  if (o.alignCorners != null) plain.alignCorners = align;
  if (kernel) plain.kernel = { data: kernel.data.slice(), shape: kernel.shape };
  return { plain, out };
}

function imageCheck(want: { data: Uint8ClampedArray; width: number; height: number }): Check {
  return (r) => {
    if (!isObj(r) || kindOf(r.data) !== 'Uint8ClampedArray') return `returned ${show(r)}, not an image`;
    if (r.width !== want.width || r.height !== want.height)
      return `size ${r.width}×${r.height}, expected ${want.width}×${want.height}`;
    const data = r.data as Uint8ClampedArray;
    if (data.length !== want.data.length) return `data has ${data.length} bytes, expected ${want.data.length}`;
    const i = want.data.findIndex((v, k) => data[k] !== v);
    return i < 0 ? null : `byte ${i} is ${data[i]}, expected ${want.data[i]} (the plain call's)`;
  };
}

/** The up-sampler: the documented rules, then the plain call with honest copies gives the right answer. */
export function upsampler(fn: Fn, args: unknown[], ctx: Ctx, tc: Tconv): Check | null {
  let plainCall: () => unknown;
  if (fn === 'upsampleInputRows') {
    need(isObj(args[0]));
    const [width, height] = [int(args[0].width, 1, ctx), int(args[0].height, 1, ctx)];
    const { plain, out } = upsampleSpec(args[1], width, height, ctx, true);
    const rows = pair(args[2], 0, ctx, undefined, true);
    need(rows[0] < rows[1] && rows[1] <= out[0]);
    if (out[0] * out[1] * 4 > LIMIT) ctx.allowError = true;
    plainCall = () => tc.upsampleInputRows({ width, height }, plain as never, rows);
  } else {
    const img = image(args[0], ctx);
    const { plain, out } = upsampleSpec(args[1], img.width, img.height, ctx);
    const honestImage = { data: new Uint8ClampedArray(img.data), width: img.width, height: img.height };
    if (fn === 'upsampleImage') {
      need(out[0] * out[1] * 4 <= LIMIT);
      plainCall = () => tc.upsampleImage(honestImage, plain as never);
    } else {
      need(isObj(args[2]));
      const where = args[2];
      if (Object.keys(where).some((k) => !['imageHeight', 'firstRow', 'outputRows', 'opaque'].includes(k)))
        ctx.allowError = true;
      const imageHeight = int(where.imageHeight, 1, ctx);
      const firstRow = int(where.firstRow, 0, ctx);
      const rows = pair(where.outputRows, 0, ctx, undefined, true);
      if (where.opaque === undefined) ctx.allowError = true;
      need(where.opaque === undefined || typeof where.opaque === 'boolean');
      need(firstRow + img.height <= imageHeight);
      const whole = plain.size ? (plain.size as number[]) : [imageHeight * (plain.factor as number), out[1]];
      need(whole[0] * whole[1] * 4 <= LIMIT && rows[0] < rows[1] && rows[1] <= whole[0]);
      const band = { imageHeight, firstRow, outputRows: rows, opaque: where.opaque ?? false };
      plainCall = () => tc.upsampleBand(honestImage, plain as never, band as never);
    }
  }
  let want: unknown;
  try {
    want = plainCall();
  } catch {
    throw new Invalid(); // the plain call refuses it: so must the hostile one
  }
  if (fn === 'upsampleInputRows')
    return (r) => (JSON.stringify(r) === JSON.stringify(want) ? null : `returned ${show(r)}, expected ${show(want)}`);
  return imageCheck(want as never);
}

export function difference(args: unknown[], ctx: Ctx): Check {
  const [a, b] = [image(args[0], ctx), image(args[1], ctx)];
  need(a.width === b.width && a.height === b.height);
  const gain = args.length > 2 && args[2] !== undefined ? args[2] : 1;
  need(typeof gain === 'number' && Number.isFinite(gain));
  if (gain <= 0) ctx.allowError = ctx.unchecked = true;
  const want = new Uint8ClampedArray(a.data.length);
  const even = (v: number) => (Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v)); // nearbyint
  for (let i = 0; i < want.length; i++)
    want[i] = i % 4 === 3 ? 255 : Math.min(255, even(Math.abs(a.data[i] - b.data[i]) * gain));
  const check = imageCheck({ data: want, width: a.width, height: a.height });
  return ctx.unchecked ? () => null : check;
}
