// The mutations that only apply to one kind of argument: typed-array data,
// the up-sampler's `into` and its onProgress callback (see build.ts).
import type { Tconv } from '../../../web/lib/types.js';
import type { Built, Honest, Module } from './build.js';
import { parentOf, type Seg, setAt } from './paths.js';

const typedArrayLength = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'length')!
  .get as (this: unknown) => number;

export type Setter = (v: unknown, h?: unknown) => void;
export type WithValue = (v: unknown, allowError?: boolean) => Honest;

export function buildBuffer(
  m: string,
  value: Float32Array,
  set: Setter,
  withValue: WithValue,
  built: Built,
  core: Module,
) {
  if (!value) return set(undefined);
  const Ctor = value.constructor as Float32ArrayConstructor;
  const n = value.length;
  const lying = (data: Float32Array, length: () => number): Float32Array => {
    class Lying extends Ctor {
      override get length() {
        return length();
      }
    }
    const out = new Lying(data.length);
    out.set(data);
    return out;
  };
  let reads = 0;
  if (m === 'length lies: short data') {
    const short = value.slice(0, n >> 1);
    set(
      lying(short, () => n),
      short,
    );
  } else if (m === 'length lies: long data') {
    const long = new Ctor(n + 60_000).fill(7);
    long.set(value);
    set(
      lying(long, () => n),
      long,
    );
    built.honest.push(withValue(value)); // the first `length` elements, as the object says
  } else if (m === 'length says 60000')
    set(
      lying(value, () => 60_000),
      value,
    );
  else if (m === 'length changes')
    set(
      lying(value, () => (reads++ === 0 ? n : 60_000)),
      value,
    );
  else if (m === 'lying buffer and methods') {
    const fake = new Ctor(n).fill(9);
    class Liar extends Ctor {
      override get buffer() {
        return fake.buffer;
      }
      override get byteOffset() {
        return 0;
      }
      override slice() {
        return fake.slice();
      }
      override subarray() {
        return fake.subarray();
      }
      override values() {
        return fake.values();
      }
      override [Symbol.iterator]() {
        return fake[Symbol.iterator]();
      }
    }
    const liar = new Liar(n);
    liar.set(value);
    set(liar, value);
  } else if (m.startsWith('kind ')) {
    const name = m.slice(5);
    const converted =
      name === 'BigInt64Array'
        ? new BigInt64Array(n)
        : name === 'DataView'
          ? new DataView(value.slice().buffer)
          : name === 'ArrayBuffer'
            ? value.slice().buffer
            : name === 'Array'
              ? Array.from(value)
              : new (globalThis as unknown as Record<string, Float32ArrayConstructor>)[name](value);
    set(converted, name === 'BigInt64Array' ? new BigInt64Array(n) : converted);
  } else if (m === 'detached') {
    const copy = value.slice();
    structuredClone(copy.buffer, { transfer: [copy.buffer] });
    set(copy, new Ctor(0));
  } else if (m === 'offset view') {
    const bigger = new Ctor(n + 8);
    bigger.set(value, 4);
    set(bigger.subarray(4, 4 + n), value);
  } else if (m === 'shared memory') {
    const shared = new Ctor(new SharedArrayBuffer(n * Ctor.BYTES_PER_ELEMENT));
    shared.set(value);
    set(shared, value);
  } else if (m === 'view of the wasm heap') {
    // Caller memory that lives in the module's own heap (freed after the call); growth may detach it mid-call.
    const pointer = core._malloc(Math.max(4, n * Ctor.BYTES_PER_ELEMENT));
    const view = new Ctor(core.HEAPF32.buffer, pointer, n);
    view.set(value);
    set(view, value);
    built.honest = [{ args: built.honest[0].args, allowError: true }];
    built.cleanup = () => core._free(pointer);
  } else if (m === 'NaN inside' || m === 'Infinity inside') {
    const copy = value.slice();
    if (n > 0) copy[n >> 1] = m === 'NaN inside' ? NaN : Infinity;
    set(copy, copy.slice());
  } else if (m === 'disguised as the right kind') {
    // A wider array whose prototype says it is the documented kind.
    const wide = Ctor === Float32Array ? new Float64Array(value) : new Uint16Array(value);
    Object.setPrototypeOf(wide, Ctor.prototype);
    set(wide, value);
    built.honest = [{ args: built.honest[0].args, allowError: true }];
  } else if (m === 'fake typed array') {
    set(Object.create(Ctor.prototype), undefined);
    built.honest = [];
  } else throw new Error(`no mutation "${m}"`);
}

export function buildInto(m: string, length: number, set: Setter, withValue: WithValue, built: Built, core: Module) {
  if (m === 'into of the right length') {
    const into = new Uint8ClampedArray(length).fill(7);
    set(into, new Uint8ClampedArray(length));
    built.into = into;
  } else if (m === 'into of 8 bytes') {
    const into = new Uint8ClampedArray(8).fill(7);
    set(into, undefined);
    built.unchanged.push([into, Array.from(into)]);
  } else if (m === 'into lying about its length') {
    class Lying extends Uint8ClampedArray {
      override get length() {
        return length;
      }
    }
    set(new Lying(8), undefined);
  } else if (m === 'into Uint8Array of the right length') {
    set(new Uint8Array(length), undefined);
    built.honest = [withValue(undefined, true)];
  } else if (m === 'into detached') {
    const into = new Uint8ClampedArray(length);
    structuredClone(into.buffer, { transfer: [into.buffer] });
    set(into, undefined);
    built.honest = [withValue(undefined, true)];
  } else if (m === 'into in the wasm heap') {
    const pointer = core._malloc(Math.max(4, length));
    set(new Uint8ClampedArray(core.HEAPF32.buffer, pointer, length), undefined);
    built.honest = [withValue(undefined, true)];
    built.cleanup = () => core._free(pointer);
  } else throw new Error(`no mutation "${m}"`);
}

export function buildProgress(m: string, args: unknown[], honest: unknown[], segs: Seg[], built: Built, tc: Tconv) {
  let calls = 0;
  const options = parentOf(args, segs) as { into?: Uint8ClampedArray };
  if (m.startsWith('onProgress throws')) {
    const thrown = m.endsWith('number') ? 42 : new Error('hostile onProgress');
    setAt(args, segs, (f: number) => {
      calls++;
      if (!m.endsWith('at the end') || f >= 1) throw thrown;
    });
    built.rethrown = { value: thrown, calls: () => calls };
    built.honest = [{ args: honest, applies: () => calls === 0 }];
  } else if (m === 'onProgress detaches into') {
    setAt(args, segs, () => {
      if (options.into && typedArrayLength.call(options.into) > 0) {
        structuredClone(options.into.buffer, { transfer: [options.into.buffer] });
      }
    });
    if (options.into) {
      (parentOf(honest, segs) as { into?: unknown }).into = undefined;
      built.honest = [{ args: honest, allowError: true }];
    }
  } else if (m === 'onProgress re-enters the API') {
    const wrong: string[] = [];
    built.reentry = wrong;
    setAt(args, segs, () => {
      const y = tc.conv2d(
        { shape: [1, 1, 4, 4], data: new Float32Array([4, 5, 8, 7, 1, 8, 8, 8, 3, 6, 6, 4, 6, 5, 7, 8]) },
        { shape: [1, 1, 3, 3], data: new Float32Array([1, 4, 1, 1, 4, 3, 3, 3, 1]) },
      );
      if (Array.from(y.data).join() !== '122,148,126,134')
        wrong.push(`conv2d inside onProgress gave ${Array.from(y.data)}`);
      const up = tc.upsampleImage(
        { data: new Uint8ClampedArray([9, 8, 7, 255]), width: 1, height: 1 },
        { method: 'nearest' },
      );
      if (Array.from(up.data).join() !== '9,8,7,255,'.repeat(4).slice(0, -1))
        wrong.push('upsampleImage inside onProgress');
    });
  } else throw new Error(`no mutation "${m}"`);
}
