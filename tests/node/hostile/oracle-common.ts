// What every oracle shares: the documented limits, reading an argument by the
// documented rules (an argument the API must refuse throws Invalid), PyTorch's
// output sizes, and comparing a result with a double-precision reference.
/** README: one tensor may have at most 2²⁸ elements. */
export const LIMIT = 2 ** 28;
/** Results larger than this are not recomputed by the (slow, JS) references: any refusal is fine too. */
export const REFERENCE_LIMIT = 2 ** 20;
/** Integers from here on may be refused by a range check (with an Error naming them) even where torch takes them. */
const RANGE = 2 ** 31;

export class Invalid extends Error {}
export function need(condition: unknown): asserts condition {
  if (!condition) throw new Invalid();
}

export type Check = (result: unknown) => string | null;
export type Expectation = { valid: false } | { valid: true; allowError: boolean; check: Check };
/** What the oracle learnt besides validity: a refusal is fine too, or the values are not checked. */
export interface Ctx {
  allowError: boolean;
  unchecked: boolean;
}
export type Obj = Record<string, unknown>;

export const kindOf = (v: unknown) =>
  ArrayBuffer.isView(v) ? Object.prototype.toString.call(v).slice(8, -1) : undefined;
export const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

export function int(v: unknown, min: number, ctx: Ctx): number {
  need(typeof v === 'number' && Number.isInteger(v) && v >= min);
  if (v >= RANGE) ctx.allowError = true;
  return v;
}

/** A number or [h, w] pair of integers ≥ min; absent: the fallback. `tuple`: documented as [h, w] only. */
export function pair(v: unknown, min: number, ctx: Ctx, fallback?: number, tuple = false): [number, number] {
  if (v === undefined || v === null) {
    need(fallback !== undefined);
    if (v === null) ctx.allowError = true; // null for an absent option: refusing it is fine too
    return [fallback, fallback];
  }
  if (typeof v === 'number') {
    if (tuple) ctx.allowError = true;
    return [int(v, min, ctx), int(v, min, ctx)];
  }
  need(Array.isArray(v) && v.length === 2);
  const [a, b] = Array.from(v as unknown[]);
  return [int(a, min, ctx), int(b, min, ctx)];
}

export function options(v: unknown, keys: string[], ctx: Ctx, required = false): Obj {
  if (v === undefined || v === null) {
    need(!required);
    if (v === null) ctx.allowError = true;
    return {};
  }
  need(isObj(v));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) ctx.allowError = true; // a Number object, ...
  for (const k of Object.keys(v)) need(keys.includes(k)); // README: an unknown option name is an error
  return v;
}

export interface T {
  data: Float32Array;
  shape: number[];
}
export function tensor(v: unknown, ctx: Ctx): T {
  need(isObj(v) && kindOf(v.data) === 'Float32Array');
  need(Array.isArray(v.shape));
  const shape = Array.from(v.shape as unknown[]) as number[]; // holes become undefined
  need(shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0));
  const count = shape.reduce((a, b) => a * b, 1);
  need(count <= LIMIT && (v.data as Float32Array).length === count);
  if (count === 0) ctx.allowError = ctx.unchecked = true; // empty tensors: torch's rules vary by function
  return { data: v.data as Float32Array, shape };
}

interface Img {
  data: Uint8Array;
  width: number;
  height: number;
}
export function image(v: unknown, ctx: Ctx): Img {
  need(isObj(v));
  need(kindOf(v.data) === 'Uint8ClampedArray' || kindOf(v.data) === 'Uint8Array');
  const [width, height] = [int(v.width, 1, ctx), int(v.height, 1, ctx)];
  need(width * height * 4 <= LIMIT && (v.data as Uint8Array).length === width * height * 4);
  return { data: v.data as Uint8Array, width, height };
}

export const B = BigInt;
/** PyTorch's conv2d output size (exact in BigInt); refuses a kernel that does not fit. */
export function convSize(x: number, k: number, s: number, p: number, d: number): bigint {
  const span = B(x) + 2n * B(p) - B(d) * (B(k) - 1n) - 1n;
  need(span >= 0n);
  return span / B(s) + 1n;
}
/** PyTorch's conv_transpose2d output size; output_padding must be below the stride or the dilation. */
export function convTransposeSize(x: number, k: number, s: number, p: number, d: number, op: number): bigint {
  need(op < s || op < d);
  const out = (B(x) - 1n) * B(s) - 2n * B(p) + B(d) * (B(k) - 1n) + B(op) + 1n;
  need(out >= 1n);
  return out;
}

/** Compares with a double reference: within 1e-5 of the sum of |products|; where a non-finite value took part, any non-finite value or the reference. */
export function tensorCheck(shape: number[], want: Float64Array, scale: Float64Array, tainted: Uint8Array): Check {
  return (r) => {
    if (!isObj(r) || kindOf(r.data) !== 'Float32Array') return `returned ${show(r)}, not a tensor`;
    if (JSON.stringify(r.shape) !== JSON.stringify(shape)) return `shape ${show(r.shape)}, expected [${shape}]`;
    const data = r.data as Float32Array;
    for (let i = 0; i < want.length; i++) {
      const ok = Math.abs(data[i] - want[i]) <= 1e-5 * scale[i] + 1e-6;
      if (!ok && !(tainted[i] && !Number.isFinite(data[i]))) return `element ${i} is ${data[i]}, expected ${want[i]}`;
    }
    return null;
  };
}

/** A short, safe printout of any value for messages (a hostile value may throw when printed). */
export function show(v: unknown): string {
  try {
    if (typeof v === 'string') return JSON.stringify(v.length > 120 ? `${v.slice(0, 120)}…` : v);
    if (ArrayBuffer.isView(v)) return `${kindOf(v)}(${(v as Float32Array).length})`;
    if (Array.isArray(v)) return `[${v.slice(0, 8).map(show).join(', ')}${v.length > 8 ? ', …' : ''}]`;
    if (v instanceof Error) return `${v.constructor.name}: ${show(v.message)}`;
    if (isObj(v))
      return `{ ${Object.keys(v)
        .map((k) => `${k}: ${show(v[k])}`)
        .join(', ')} }`;
    return typeof v === 'bigint' ? `${v}n` : String(v);
  } catch {
    return 'an unprintable value';
  }
}
