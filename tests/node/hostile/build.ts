// build() turns a case into the hostile arguments plus the honest
// alternatives: plain values a caller who read every property once would have
// seen, which the oracles judge. The mutations of typed arrays, `into` and
// onProgress are in build-kinds.ts.
import type { Tconv } from '../../../web/lib/types.js';
import { buildBuffer, buildInto, buildProgress } from './build-kinds.js';
import { type Base, both, type Fn, makeArgs, resultRows, resultWidth } from './calls.js';
import { type Case, isObject, isPlainObject, isView, other, VALUES } from './mutations.js';
import {
  defineAt,
  deleteAt,
  DETACH_TARGET,
  getAt,
  type Obj,
  parentOf,
  PATHS,
  plain,
  segments,
  setAt,
} from './paths.js';

/** Arguments as a caller who read everything once would see them; `allowError` when a refusal is fine too. */
export interface Honest {
  args: unknown[];
  allowError?: boolean;
  /** Whether this alternative holds, decided after the call (e.g. "the throwing getter was never read"). */
  applies?: () => boolean;
}

export interface Built {
  args: unknown[];
  honest: Honest[];
  /** What a throwing callback threw: the call may hand it back as is. */
  rethrown?: { value: unknown; calls: () => number };
  /** The `into` the result must be returned in. */
  into?: Uint8ClampedArray;
  /** Typed arrays the call must leave as they were, with their copies. */
  unchanged: [ArrayLike<number>, number[]][];
  /** Another argument whose name a refusal may give instead (the one a getter spoilt). */
  alsoNames?: string;
  /** A re-entrant call made from onProgress went wrong. */
  reentry?: string[];
  cleanup: () => void;
}

export interface Module {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPF32: Float32Array;
}

function views(v: unknown, out: ArrayLike<number>[] = []): ArrayLike<number>[] {
  if (ArrayBuffer.isView(v)) out.push(v as unknown as ArrayLike<number>);
  else if (Array.isArray(v)) v.forEach((x) => views(x, out));
  else if (isPlainObject(v)) Object.values(v as object).forEach((x) => views(x, out));
  return out;
}

/** Builds a case afresh (each call gets new objects, so that read counters start at zero). */
export function build(fn: Fn, c: Case, tc: Tconv, core: Module): Built {
  const base = makeArgs(fn, c.base, tc);
  const segs = segments(fn, c.path);
  const kind = PATHS[fn].find(([p]) => p === c.path)![1];
  // An element of a pair given as one number: spell the pair out first (the same call).
  if (segs.length > 1 && typeof parentOf(base, segs) === 'number') {
    setAt(base, segs.slice(0, -1), both(parentOf(base, segs) as unknown as number));
  }
  const args = plain(base);
  const honest = plain(base);
  const value = getAt(args, segs);
  const built: Built = { args, honest: [{ args: honest }], unchanged: [], cleanup: () => {} };
  // Inputs the call must not modify: the plain typed arrays the mutation leaves in place.
  const detached =
    DETACH_TARGET[fn] && c.mutation === 'getter detaches data' ? getAt(args, segments(fn, DETACH_TARGET[fn]!)) : null;
  for (const v of views(args)) {
    if (v !== value && v !== detached && !isIntoOf(args, v)) built.unchanged.push([v, Array.from(v)]);
  }
  const set = (v: unknown, h: unknown = v) => {
    setAt(args, segs, v);
    setAt(honest, segs, h);
  };
  const withValue = (v: unknown, allowError = false): Honest => {
    const h = plain(base);
    setAt(h, segs, v);
    return { args: h, allowError };
  };
  const without = (): unknown[] => {
    const h = plain(base);
    deleteAt(h, segs);
    return h;
  };
  let reads = 0;
  const m = c.mutation;

  if (m in VALUES) set(VALUES[m](value), VALUES[m](value));
  else if (m === 'getter') defineAt(args, segs, () => value);
  else if (m === 'getter that throws' || m === 'getter that throws a number') {
    defineAt(args, segs, () => {
      reads++;
      throw m.endsWith('number') ? 42 : new Error('hostile getter');
    });
    built.honest = [{ args: without(), applies: () => reads === 0 }];
  } else if (m === 'getter that changes') defineAt(args, segs, () => (reads++ === 0 ? value : other(kind, value)));
  else if (m === 'getter that changes back') {
    let first = other(kind, value);
    if (kind === 'fn') {
      // The first read is a callback that throws: its own error may come back as is.
      let calls = 0;
      const thrown = new Error('hostile onProgress');
      first = () => {
        calls++;
        throw thrown;
      };
      built.rethrown = { value: thrown, calls: () => calls };
    }
    defineAt(args, segs, () => (reads++ === 0 ? first : value));
    built.honest = [withValue(first)];
  } else if (m === 'getter detaches data') {
    const target = segments(fn, DETACH_TARGET[fn]!);
    const data = getAt(args, target) as Float32Array | undefined;
    defineAt(args, segs, () => {
      if (data && reads++ === 0) structuredClone(data.buffer, { transfer: [data.buffer] });
      return value;
    });
    const emptied = plain(base);
    if (data) setAt(emptied, target, new (data.constructor as Float32ArrayConstructor)(0));
    built.honest.push({ args: emptied, allowError: true });
    built.alsoNames = DETACH_TARGET[fn];
  } else if (m === 'proxy') {
    set(new Proxy(value as object, {}), value);
    // A Proxy of a typed array is not one (no internal slots): refusing it is fine, as in all proxy cases below.
    if (isView(value)) built.honest = [{ args: honest, allowError: true }];
  } else if (m === 'proxy that throws' || m === 'proxy whose keys throw') {
    const trap = () => {
      reads++;
      throw new Error('hostile proxy');
    };
    set(new Proxy(value as object, m === 'proxy that throws' ? { get: trap } : { ownKeys: trap }), value);
    const unread = m === 'proxy that throws' ? without() : honest;
    built.honest = [{ args: unread, applies: () => reads === 0, allowError: isView(value) }];
  } else if (m === 'proxy that changes') {
    const seen = new Set<PropertyKey>();
    const childKind = (k: PropertyKey) => PATHS[fn].find(([p]) => p === `${c.path}.${String(k)}`)?.[1] ?? 'int';
    const handler: ProxyHandler<object> = {
      get(t, k) {
        const v = Reflect.get(t, k, t); // the target as receiver: a typed array's getters need it
        if (typeof k === 'symbol' || k === 'length' || typeof v === 'function') return v;
        if (seen.has(k)) return other(childKind(k), v);
        seen.add(k);
        return v;
      },
    };
    set(new Proxy(value as object, handler), value);
    if (isView(value)) built.honest = [{ args: honest, allowError: true }];
  } else if (m === 'revoked proxy') {
    const { proxy, revoke } = Proxy.revocable(value as object, {});
    revoke();
    set(proxy, value);
    built.honest = [];
  } else if (m === 'class with prototype getters') {
    // Like the DOM's ImageData: data, width and height are accessors on the prototype.
    const proto = {};
    for (const [k, v] of Object.entries(value as object)) {
      Object.defineProperty(proto, k, { get: () => v, enumerable: true, configurable: true });
    }
    set(Object.create(proto), value);
  } else if (m === 'frozen') {
    const freeze = (v: unknown): unknown => {
      if (isObject(v) && !isView(v)) Object.values(v).forEach(freeze);
      return isObject(v) && !isView(v) ? Object.freeze(v) : v;
    };
    freeze(value);
  } else if (m === 'extra key') {
    (value as Obj).extra = 1;
    (getAt(honest, segs) as Obj).extra = 1;
  } else if (m === 'missing') {
    deleteAt(args, segs);
    deleteAt(honest, segs);
  } else if (kind === 'f32' || kind === 'u8') {
    buildBuffer(m, value as Float32Array, set, withValue, built, core);
  } else if (kind === 'into') {
    buildInto(m, intoLength(fn, c.base, base), set, withValue, built, core);
  } else if (kind === 'fn') {
    buildProgress(m, args, honest, segs, built, tc);
  } else throw new Error(`no mutation "${m}" for ${c.path}`);
  return built;
}

/** The length of the base call's result data, which an `into` must have to be used. */
function intoLength(fn: Fn, b: Base, args: unknown[]): number {
  const rows = fn === 'upsampleBand' ? (args[2] as { outputRows: number[] }).outputRows : [0, resultRows(b)];
  return (rows[1] - rows[0]) * resultWidth(b) * 4;
}

function isIntoOf(args: unknown[], v: unknown): boolean {
  const o = args[1] as { into?: unknown } | undefined;
  return isPlainObject(o) && o!.into === v;
}
