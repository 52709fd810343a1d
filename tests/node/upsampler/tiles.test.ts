// Splitting an up-sampling into bands (web/upsampler/shared/tiles.ts, the core's
// upsampleBand): the stitched bands must equal the single call byte for byte,
// for every method, factor, kernel, transparency and way of cutting the rows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { RgbaImage, UpsampleMethod, UpsampleOptions } from '../../../web/lib/types.js';
import { METHODS } from '../../../web/upsampler/shared/protocol.js';
import { isOpaque, placeBand, planBands, sliceRows, splitRows } from '../../../web/upsampler/shared/tiles.js';
import { tconv } from '../helpers.js';

/** Computes an up-sampling band by band (cut at `cuts`, sorted row numbers inside the result) and stitches it. */
async function stitched(image: RgbaImage, options: UpsampleOptions, parts: number): Promise<RgbaImage> {
  const tc = await tconv();
  const whole = tc.upsampleImage(image, options); // for the size only
  const result = { data: new Uint8ClampedArray(whole.data.length), width: whole.width, height: whole.height };
  const opaque = isOpaque(image);
  for (const job of planBands(tc, image, options, whole.height, parts)) {
    const band = tc.upsampleBand(sliceRows(image, job.inputRows), options, {
      imageHeight: image.height,
      firstRow: job.inputRows[0],
      outputRows: job.outputRows,
      opaque,
    });
    expect(band.height).toBe(job.outputRows[1] - job.outputRows[0]);
    placeBand(result, band, job.outputRows[0]);
  }
  return result;
}

const KERNEL_METHODS: UpsampleMethod[] = ['transposed', 'resize-conv-nearest', 'resize-conv-bilinear'];

const arbitraryJob = fc
  .record({
    width: fc.integer({ min: 1, max: 9 }),
    height: fc.integer({ min: 1, max: 24 }),
    method: fc.constantFrom(...METHODS),
    factor: fc.integer({ min: 2, max: 4 }),
    kernelSize: fc.integer({ min: 1, max: 7 }),
    alignCorners: fc.boolean(),
    transparent: fc.boolean(),
    parts: fc.integer({ min: 2, max: 9 }),
    size: fc.option(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 20 }))),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map((j) => {
    let s = j.seed;
    const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) & 255;
    const data = new Uint8ClampedArray(j.width * j.height * 4);
    for (let i = 0; i < data.length; i++) data[i] = next();
    if (!j.transparent) for (let i = 3; i < data.length; i += 4) data[i] = 255;
    const options: UpsampleOptions = { method: j.method, factor: j.factor };
    if (j.method === 'bilinear' || j.method === 'bicubic') options.alignCorners = j.alignCorners;
    // An explicit size (down-sampling included) for the interpolation methods.
    if (j.size && ['nearest', 'bilinear', 'bicubic'].includes(j.method)) options.size = j.size;
    if (KERNEL_METHODS.includes(j.method)) {
      const k = new Float32Array(j.kernelSize * j.kernelSize).map(() => next() / 255 / j.kernelSize);
      options.kernel = { data: k, shape: [j.kernelSize, j.kernelSize] };
    }
    return { image: { data, width: j.width, height: j.height }, options, parts: j.parts };
  });

describe('bands', () => {
  it('splitRows cuts evenly and covers every row once', () => {
    expect(splitRows(10, 3)).toEqual([
      [0, 3],
      [3, 6],
      [6, 10],
    ]);
    expect(splitRows(2, 5)).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(splitRows(7, 1)).toEqual([[0, 7]]);
  });

  it("the core names each band's halo", async () => {
    const tc = await tconv();
    // Transposed bilinear ×2 (kernel 4, stride 2, padding 1): output rows 4..7 read input rows 1..4.
    expect(
      tc.upsampleInputRows({ width: 3, height: 10 }, { method: 'transposed-bilinear', factor: 2 }, [4, 8]),
    ).toEqual([1, 5]);
    // Bicubic ×2: rows 4..7 sample 1.75..3.25 and read rows 0..5.
    expect(tc.upsampleInputRows({ width: 3, height: 10 }, { method: 'bicubic', factor: 2 }, [4, 8])).toEqual([0, 6]);
  });

  it('stitched bands equal the single call, byte for byte (property)', async () => {
    const tc = await tconv();
    await fc.assert(
      fc.asyncProperty(arbitraryJob, async ({ image, options, parts }) => {
        const whole = tc.upsampleImage(image, options);
        const joined = await stitched(image, options, parts);
        expect(joined.width).toBe(whole.width);
        expect(Buffer.from(joined.data).equals(Buffer.from(whole.data))).toBe(true);
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });

  it('a photo-sized image, split in four, every method', async () => {
    const tc = await tconv();
    const width = 301,
      height = 203;
    const data = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const i = 4 * (y * width + x);
        data.set([(x * 7 + y * 3) & 255, (x * y) & 255, ((x ^ y) * 5) & 255, 128 + ((x + y) & 127)], i);
      }
    const image = { data, width, height };
    for (const method of METHODS) {
      const options: UpsampleOptions = { method, factor: 3 };
      if (KERNEL_METHODS.includes(method)) {
        options.kernel = { data: new Float32Array([1, 2, 1, 2, 4, 2, 1, 2, 1]).map((v) => v / 16), shape: [3, 3] };
      }
      const whole = tc.upsampleImage(image, options);
      const joined = await stitched(image, options, 4);
      expect(Buffer.from(joined.data).equals(Buffer.from(whole.data)), method).toBe(true);
    }
  });

  it('a band without its halo is refused with the rows it needs', async () => {
    const tc = await tconv();
    const image = { data: new Uint8ClampedArray(4 * 3 * 4).fill(200), width: 3, height: 4 };
    expect(() =>
      tc.upsampleBand(
        image,
        { method: 'bilinear', factor: 2 },
        {
          imageHeight: 10,
          firstRow: 0,
          outputRows: [8, 12],
          opaque: false,
        },
      ),
    ).toThrow('upsample: output rows [8, 12) read image rows [3, 7), but the band holds rows [0, 4)');
    expect(() => tc.upsampleBand(image, { method: 'bilinear', factor: 2 }, undefined as never)).toThrow(
      'upsampleBand: where { imageHeight, firstRow, outputRows, opaque } is required',
    );
    expect(() =>
      tc.upsampleInputRows({ width: 3, height: 4 }, { method: 'bilinear', factor: 2 }, [0, 'x'] as never),
    ).toThrow('upsampleInputRows: outputRows must be a [begin, end] pair of row numbers');
    expect(() => tc.upsampleInputRows({ width: 3, height: 4 }, { method: 'bilinear', factor: 2 }, [0, 9])).toThrow(
      "upsample: output rows [0, 9) must be a non-empty range within the result's 8 rows",
    );
  });
});

describe('into: a recycled result buffer', () => {
  it('fills a buffer of the right length and returns it; any other length gets a new array', async () => {
    const tc = await tconv();
    const image = { data: new Uint8ClampedArray(5 * 3 * 4).map((_, i) => (i * 37) % 256), width: 5, height: 3 };
    const fresh = tc.upsampleImage(image, { method: 'bicubic', factor: 2 });
    const into = new Uint8ClampedArray(fresh.data.length).fill(7);
    const reused = tc.upsampleImage(image, { method: 'bicubic', factor: 2, into });
    expect(reused.data).toBe(into);
    expect(Buffer.from(into).equals(Buffer.from(fresh.data))).toBe(true);
    const short = new Uint8ClampedArray(8).fill(7);
    const other = tc.upsampleImage(image, { method: 'bicubic', factor: 2, into: short });
    expect(other.data).not.toBe(short);
    expect([...short]).toEqual(new Array(8).fill(7));
    const band = tc.upsampleBand(
      image,
      { method: 'bilinear', factor: 2, into: new Uint8ClampedArray(10 * 2 * 4) },
      { imageHeight: 3, firstRow: 0, outputRows: [2, 4], opaque: false },
    );
    expect(band.data.length).toBe(80);
    expect(() => tc.upsampleImage(image, { method: 'nearest', into: [1, 2] as never })).toThrow(
      'upsampleImage: into must be a Uint8ClampedArray, got an array',
    );
  });
});
