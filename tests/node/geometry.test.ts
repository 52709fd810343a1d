// upsampleGeometry and limits: the core's description of what each up-sampling
// method does, checked against an independent computation in plain JS (brute
// force over a flat image, in doubles), against the core's own calls, and the
// limits against what the core accepts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Tconv, UpsampleGeometry, UpsampleMethod } from '../../web/lib/types.js';
import { tconv } from './helpers.js';

const INTERPOLATION: UpsampleMethod[] = ['nearest', 'bilinear', 'bicubic'];
const KERNEL_METHODS: UpsampleMethod[] = ['transposed', 'resize-conv-nearest', 'resize-conv-bilinear'];

interface Expected {
  kernelSize: [number, number];
  stride: number;
  padding: [number, number];
  outputPadding: [number, number];
  border: number;
  tile: number[] | null;
}

/**
 * A flat 1 through a transposed convolution (stride s, padding p, kernel w
 * already scaled) or a centred stride-1 convolution of the resized image
 * (s = 1, cropped to the input's size), by brute force on an n×n image:
 * the interior tile and how deep from an edge a pixel differs from it.
 */
function bruteForce(w: number[], kh: number, kw: number, s: number, p: [number, number], n: number, f: number) {
  // Along one axis: the taps (kernel indices) output o takes, from inside the image.
  const taps = (o: number, k: number, pad: number, size: number): number[] => {
    const out: number[] = [];
    for (let j = 0; j < k; j++) {
      if (s > 1) {
        const t = o + pad - j; // = i·s for input i
        if (t % s === 0 && t / s >= 0 && t / s < size) out.push(j);
      } else if (o - pad + j >= 0 && o - pad + j < size) out.push(j);
    }
    return out;
  };
  const size = s > 1 ? n : n * f; // the transposed conv reads the input, the resize-conv the resized image
  const side = n * f;
  const value = (y: number, x: number) => {
    let sum = 0;
    for (const a of taps(y, kh, p[0], size)) for (const b of taps(x, kw, p[1], size)) sum += w[a * kw + b];
    return sum;
  };
  const interior = Math.floor(side / 2 / s) * s;
  const tile: number[] = [];
  for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) tile.push(value(interior + y, interior + x));
  let border = 0;
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      if (value(y, x) === tile[(y % s) * s + (x % s)]) continue;
      border = Math.max(border, Math.min(y, x, side - 1 - y, side - 1 - x) + 1);
    }
  return { tile, border };
}

/** The geometry by the README's rules, computed here without the core. */
function expected(method: UpsampleMethod, f: number, kernel: { values: number[]; kh: number; kw: number }): Expected {
  if (INTERPOLATION.includes(method)) {
    return { kernelSize: [0, 0], stride: 1, padding: [0, 0], outputPadding: [0, 0], border: 0, tile: null };
  }
  if (method === 'transposed-bilinear') {
    const k = 2 * f - (f % 2);
    const tile = new Array<number>(f * f).fill(1);
    const pad = Math.floor(f / 2);
    return { kernelSize: [k, k], stride: f, padding: [pad, pad], outputPadding: [0, 0], border: pad, tile };
  }
  const { values, kh, kw } = kernel;
  // Enough input pixels that the middle of the result reads no padding.
  const n = 2 * (Math.ceil(Math.max(kh, kw) / f) + 3) + 1;
  if (method === 'transposed') {
    // The padding and output_padding that make n pixels exactly f·n.
    const exact = (k: number): [number, number] => {
      if (k < f) return [0, f - k];
      const p = Math.floor((k - f + 1) / 2);
      return [p, 2 * p - (k - f)];
    };
    const [ph, oph] = exact(kh);
    const [pw, opw] = exact(kw);
    const scaled = values.map((v) => v * f * f);
    const { tile, border } = bruteForce(scaled, kh, kw, f, [ph, pw], n, f);
    return { kernelSize: [kh, kw], stride: f, padding: [ph, pw], outputPadding: [oph, opw], border, tile };
  }
  const padding: [number, number] = [Math.floor(kh / 2), Math.floor(kw / 2)];
  const { tile, border } = bruteForce(values, kh, kw, 1, padding, n, f);
  return { kernelSize: [kh, kw], stride: 1, padding, outputPadding: [0, 0], border, tile };
}

/** Multiples of 1/8 in [−1, 1] (and zeros): every sum, in float or double, is exact. */
const weight = fc.oneof(
  fc.constant(0),
  fc.integer({ min: -8, max: 8 }).map((v) => v / 8),
);

const config = (maxKernel: number) =>
  fc.record({
    method: fc.constantFrom<UpsampleMethod>(...INTERPOLATION, 'transposed-bilinear', ...KERNEL_METHODS),
    factor: fc.integer({ min: 2, max: 8 }),
    height: fc.integer({ min: 1, max: 60 }),
    width: fc.integer({ min: 1, max: 60 }),
    kh: fc.integer({ min: 1, max: maxKernel }),
    kw: fc.integer({ min: 1, max: maxKernel }),
    weights: fc.array(weight, { minLength: maxKernel * maxKernel, maxLength: maxKernel * maxKernel }),
  });

type ConfigValue = {
  method: UpsampleMethod;
  factor: number;
  height: number;
  width: number;
  kh: number;
  kw: number;
  weights: number[];
};

function geometryKernel(c: ConfigValue) {
  return { data: new Float32Array(c.weights.slice(0, c.kh * c.kw)), shape: [c.kh, c.kw] };
}

function geometryOf(tc: Tconv, c: ConfigValue): UpsampleGeometry {
  const kernel = KERNEL_METHODS.includes(c.method) ? geometryKernel(c) : undefined;
  return tc.upsampleGeometry([c.height, c.width], { method: c.method, factor: c.factor, kernel });
}

describe('upsampleGeometry', () => {
  it('agrees with an independent computation for every method, factor and kernel', async () => {
    const tc = await tconv();
    fc.assert(
      fc.property(config(tc.limits.maxKernelSize), (c) => {
        const g = geometryOf(tc, c);
        const want = expected(c.method, c.factor, { values: c.weights.slice(0, c.kh * c.kw), kh: c.kh, kw: c.kw });
        expect(g.outputSize).toEqual([c.height * c.factor, c.width * c.factor]);
        expect(g.kernelSize).toEqual(want.kernelSize);
        expect(g.stride).toBe(want.stride);
        expect(g.padding).toEqual(want.padding);
        expect(g.outputPadding).toEqual(want.outputPadding);
        expect(g.border).toBe(want.border);
        if (want.tile === null) expect(g.flatTile).toBeNull();
        else if (c.method === 'transposed-bilinear') {
          // Tent weights such as 1/3 are rounded in float: equal within a few ulps.
          expect(g.flatTile).toHaveLength(want.tile.length);
          for (const v of g.flatTile!) expect(v).toBeCloseTo(1, 5);
        } else expect(Array.from(g.flatTile!)).toEqual(want.tile);
      }),
      { numRuns: 300 },
    );
  });

  it("is the core's convolution: the padding maps n pixels to f·n, and a flat grey becomes the tile", async () => {
    const tc = await tconv();
    fc.assert(
      fc.property(
        config(5).chain((c) =>
          fc.record({
            ...Object.fromEntries(Object.entries(c).map(([k, v]) => [k, fc.constant(v)])),
            method: fc.constantFrom<UpsampleMethod>('transposed-bilinear', ...KERNEL_METHODS),
            height: fc.integer({ min: 6, max: 20 }),
            width: fc.integer({ min: 6, max: 20 }),
          }),
        ) as fc.Arbitrary<ConfigValue>,
        (c) => {
          const g = geometryOf(tc, c);
          if (g.stride > 1) {
            const options = { stride: g.stride, padding: g.padding, outputPadding: g.outputPadding };
            expect(tc.convTranspose2dOutputSize([c.height, c.width], g.kernelSize, options)).toEqual(g.outputSize);
          }
          // A flat grey of 60 (opaque): every interior pixel is 60 × the tile, rounded and clamped.
          const image = {
            data: new Uint8ClampedArray(c.height * c.width * 4).fill(60),
            width: c.width,
            height: c.height,
          };
          const kernel = c.method === 'transposed-bilinear' ? undefined : geometryKernel(c);
          const out = tc.upsampleImage(image, { method: c.method, factor: c.factor, kernel });
          const [oh, ow] = g.outputSize;
          const s = g.stride;
          let worst = 0;
          for (let y = g.border; y < oh - g.border; y++)
            for (let x = g.border; x < ow - g.border; x++) {
              const want = Math.min(255, Math.max(0, Math.round(60 * g.flatTile![(y % s) * s + (x % s)])));
              worst = Math.max(worst, Math.abs(out.data[(y * ow + x) * 4] - want));
            }
          expect(worst).toBeLessThanOrEqual(1); // rounding half to even in the core
        },
      ),
      { numRuns: 60 },
    );
  });

  it('takes an explicit size for interpolation and refuses what upsampleImage refuses, naming the argument', async () => {
    const tc = await tconv();
    expect(tc.upsampleGeometry([4, 5], { method: 'bicubic', size: [7, 9] }).outputSize).toEqual([7, 9]);
    const kernel = { data: new Float32Array(9), shape: [3, 3] };
    const cases: [() => unknown, string][] = [
      [() => tc.upsampleGeometry([0, 4], { method: 'nearest' }), 'upsample: input_size (0, 4) must be positive'],
      [() => tc.upsampleGeometry([2.5, 4], { method: 'nearest' }), 'upsample: input_size (2.5, 4) must be positive'],
      [() => tc.upsampleGeometry(4 as never, { method: 'nearest' }), 'upsampleGeometry: inputSize must be a [height'],
      [() => tc.upsampleGeometry([4, 4], undefined as never), 'upsampleGeometry: options { method, factor } are'],
      [() => tc.upsampleGeometry([4, 4], { method: 'transposed' }), 'upsample: this method needs a kernel'],
      [() => tc.upsampleGeometry([4, 4], { method: 'lanczos' as never }), 'upsample: method must be one of'],
      [() => tc.upsampleGeometry([4, 4], { method: 'nearest', factor: 9 }), 'factor must be an integer from 2 to 8'],
      [() => tc.upsampleGeometry([4, 4], { method: 'transposed', size: [8, 8], kernel }), 'an explicit output size'],
      [
        () => tc.upsampleGeometry([4, 4], { method: 'nearest', onProgress: () => {} } as never),
        'upsampleGeometry: unknown option "onProgress"',
      ],
      [
        () => tc.upsampleGeometry([4, 4], { method: 'transposed', kernel: { data: [1], shape: [1, 1] } as never }),
        'upsampleGeometry: kernel.data must be a Float32Array',
      ],
    ];
    for (const [call, message] of cases) expect(call).toThrow(message);
  });

  it('reads each option once', async () => {
    const tc = await tconv();
    const reads: Record<string, number> = {};
    const values: Record<string, unknown> = {
      method: 'transposed',
      factor: 2,
      kernel: { data: new Float32Array(9).fill(1 / 9), shape: [3, 3] },
    };
    const options = {};
    for (const key of Object.keys(values)) {
      Object.defineProperty(options, key, {
        enumerable: true,
        get() {
          reads[key] = (reads[key] ?? 0) + 1;
          // A second read would get a kernel larger than the limit.
          return reads[key] > 1 && key === 'factor' ? 9 : values[key];
        },
      });
    }
    const g = tc.upsampleGeometry([4, 4], options as never);
    expect(g.stride).toBe(2);
    expect(reads).toEqual({ method: 1, factor: 1, kernel: 1 });
  });
});

describe('limits', () => {
  it("are the core's: frozen, and exactly what the core accepts", async () => {
    const tc = await tconv();
    const l = tc.limits;
    expect(Object.isFrozen(l)).toBe(true);
    expect(l).toEqual({
      maxElements: 2 ** 28,
      maxInteger: 2 ** 53,
      maxImagePixels: 2 ** 26,
      minFactor: 2,
      maxFactor: 8,
      maxKernelSize: 15,
    });
    const at = (factor: number) => () => tc.upsampleGeometry([1, 1], { method: 'bilinear', factor });
    expect(at(l.minFactor)).not.toThrow();
    expect(at(l.maxFactor)).not.toThrow();
    expect(at(l.minFactor - 1)).toThrow('factor');
    expect(at(l.maxFactor + 1)).toThrow('factor');
    expect(() => tc.bilinearKernel(l.maxFactor)).not.toThrow();
    expect(() => tc.bilinearKernel(l.maxFactor + 1)).toThrow('factor');
    const side = (k: number) => () =>
      tc.upsampleGeometry([4, 4], {
        method: 'resize-conv-nearest',
        kernel: { data: new Float32Array(k).fill(1), shape: [k, 1] },
      });
    expect(side(l.maxKernelSize)).not.toThrow();
    expect(side(l.maxKernelSize + 1)).toThrow(`must be at most ${l.maxKernelSize}`);
    // An image of maxImagePixels may be an input or a result, not one pixel more.
    const image = (h: number, w: number) => () => tc.upsampleGeometry([h, w], { method: 'nearest', size: [1, 1] });
    expect(image(l.maxImagePixels / 1024, 1024)).not.toThrow();
    expect(image(l.maxImagePixels / 1024 + 1, 1024)).toThrow('limit of 268435456');
    const result = (h: number) => () => tc.upsampleGeometry([1, 1], { method: 'nearest', size: [h, 1024] });
    expect(result(l.maxImagePixels / 1024)).not.toThrow();
    expect(result(l.maxImagePixels / 1024 + 1)).toThrow('limit of 268435456');
  });
});
