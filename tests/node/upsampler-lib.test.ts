// The upsampler's DOM-free library: image headers (every format, truncated and
// garbage files), limits, kernels (checked against the core), the PNG encoder,
// job specs, zoom and pan, and the samples.

import { inflateSync } from 'node:zlib';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { readBlobHeader, readImageHeader, type HeaderResult } from '../../web/lib/upsampler/image-header.js';
import {
  bilinearBorderPixels,
  flatResponse,
  formatWeight,
  isEvenOverlap,
  kernelSum,
  normalise,
  parseWeight,
  presetKernel,
  resizeKernel,
  transposedPadding,
  type Kernel,
} from '../../web/lib/upsampler/kernels.js';
import {
  LIMITS,
  checkDecode,
  checkFactor,
  checkOutputSize,
  fitForFactor,
  formatMpx,
  limitsSummary,
  maxSquareInput,
} from '../../web/lib/upsampler/limits.js';
import { crc32, encodePng } from '../../web/lib/upsampler/png.js';
import { METHODS, normaliseSpec, specKey, specOutputSize } from '../../web/lib/upsampler/protocol.js';
import { SAMPLES, alphaSample, detailSample, parseSampleSrc } from '../../web/lib/upsampler/samples.js';
import {
  clampView,
  fitView,
  formatZoom,
  nextZoom,
  panBy,
  pixelAt,
  zoomAt,
  type View,
} from '../../web/lib/upsampler/viewport.js';
import type { RgbaImage } from '../../web/lib/types.js';
import { tconv } from './helpers.js';

// ---- hand-made file headers ----

const bytes = (...parts: (number[] | Uint8Array | string)[]): Uint8Array<ArrayBuffer> => {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') for (const ch of p) out.push(ch.charCodeAt(0));
    else for (const v of p) out.push(v);
  }
  return new Uint8Array(out);
};
const be16 = (v: number) => [(v >> 8) & 255, v & 255];
const be32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const le16 = (v: number) => [v & 255, (v >> 8) & 255];
const le24 = (v: number) => [v & 255, (v >> 8) & 255, (v >> 16) & 255];
const le32 = (v: number) => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255];

function pngHeader(w: number, h: number): Uint8Array<ArrayBuffer> {
  return bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], be32(13), 'IHDR', be32(w), be32(h), [8, 6, 0, 0, 0]);
}

/** SOI, a JFIF APP0, APP1 segments (EXIF, ICC …) of the given sizes, DQT, then SOFn. */
function jpegHeader(w: number, h: number, sof = 0xc0, apps: number[] = []): Uint8Array<ArrayBuffer> {
  const app0 = bytes([0xff, 0xe0], be16(16), 'JFIF', [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const exif = bytes(...apps.map((n) => bytes([0xff, 0xe1], be16(n + 2), new Uint8Array(n))));
  const dqt = bytes([0xff, 0xdb], be16(67), new Uint8Array(65));
  const frame = bytes([0xff, sof], be16(17), [8], be16(h), be16(w), [3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return bytes([0xff, 0xd8], app0, exif, dqt, frame, [0xff, 0xda, 0, 12]);
}

const gifHeader = (w: number, h: number, v = '89a') => bytes(`GIF${v}`, le16(w), le16(h), [0xf0, 0, 0]);

function webpVp8(w: number, h: number): Uint8Array<ArrayBuffer> {
  return bytes('RIFF', le32(100), 'WEBP', 'VP8 ', le32(80), [0x10, 0x02, 0x00], [0x9d, 0x01, 0x2a], le16(w), le16(h));
}
function webpVp8l(w: number, h: number): Uint8Array<ArrayBuffer> {
  const bits = ((w - 1) & 0x3fff) | (((h - 1) & 0x3fff) << 14);
  return bytes('RIFF', le32(100), 'WEBP', 'VP8L', le32(80), [0x2f], le32(bits >>> 0), new Uint8Array(6));
}
function webpVp8x(w: number, h: number): Uint8Array<ArrayBuffer> {
  return bytes('RIFF', le32(100), 'WEBP', 'VP8X', le32(10), [0x10, 0, 0, 0], le24(w - 1), le24(h - 1));
}
function bmpInfo(w: number, h: number, dib = 40): Uint8Array<ArrayBuffer> {
  return bytes(
    'BM',
    le32(1000),
    le32(0),
    le32(54),
    le32(dib),
    le32(w),
    le32(h >>> 0),
    le16(1),
    le16(24),
    new Uint8Array(24),
  );
}
function bmpCore(w: number, h: number): Uint8Array<ArrayBuffer> {
  return bytes('BM', le32(1000), le32(0), le32(26), le32(12), le16(w), le16(h), le16(1), le16(24));
}

const ok = (r: HeaderResult) => (r.status === 'ok' ? [r.format, r.width, r.height] : r);

describe('readImageHeader', () => {
  it('reads the declared size of every format', () => {
    expect(ok(readImageHeader(pngHeader(640, 480)))).toEqual(['png', 640, 480]);
    expect(ok(readImageHeader(jpegHeader(1920, 1080)))).toEqual(['jpeg', 1920, 1080]);
    expect(ok(readImageHeader(jpegHeader(33, 17, 0xc2)))).toEqual(['jpeg', 33, 17]); // progressive
    expect(ok(readImageHeader(gifHeader(300, 200)))).toEqual(['gif', 300, 200]);
    expect(ok(readImageHeader(gifHeader(5, 7, '87a')))).toEqual(['gif', 5, 7]);
    expect(ok(readImageHeader(webpVp8(1000, 750)))).toEqual(['webp', 1000, 750]);
    expect(ok(readImageHeader(webpVp8l(16383, 1)))).toEqual(['webp', 16383, 1]);
    expect(ok(readImageHeader(webpVp8x(16777216, 3)))).toEqual(['webp', 16777216, 3]);
    expect(ok(readImageHeader(bmpInfo(64, 48)))).toEqual(['bmp', 64, 48]);
    expect(ok(readImageHeader(bmpInfo(64, -48)))).toEqual(['bmp', 64, 48]); // top-down rows
    expect(ok(readImageHeader(bmpInfo(7, 9, 124)))).toEqual(['bmp', 7, 9]);
    expect(ok(readImageHeader(bmpCore(12, 34)))).toEqual(['bmp', 12, 34]);
  });

  it('reads huge declared sizes without allocating anything', () => {
    expect(ok(readImageHeader(pngHeader(100_000, 100_000)))).toEqual(['png', 100_000, 100_000]);
    expect(ok(readImageHeader(jpegHeader(65535, 65535)))).toEqual(['jpeg', 65535, 65535]);
    expect(checkDecode({ width: 100_000, height: 100_000 }).ok).toBe(false);
  });

  it('names empty, unknown and unsupported files', () => {
    expect(readImageHeader(new Uint8Array(0))).toMatchObject({
      reason: 'empty',
      message: 'the file is empty (0 bytes)',
    });
    const text = new TextEncoder().encode('hello, this is a text file and not an image at all');
    expect(readImageHeader(text)).toMatchObject({
      reason: 'unsupported',
      message: 'this is not an image the upsampler can read (PNG, JPEG, WebP, GIF or BMP)',
    });
    const svg = new TextEncoder().encode('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    expect(readImageHeader(svg)).toMatchObject({
      reason: 'unsupported',
      message: expect.stringMatching(/^SVG images/),
    });
    expect(readImageHeader(bytes([0, 0, 0, 0x1c], 'ftypavif', new Uint8Array(20)))).toMatchObject({
      message: expect.stringMatching(/^AVIF images are not supported/),
    });
    expect(readImageHeader(bytes([0x49, 0x49, 0x2a, 0], new Uint8Array(20)))).toMatchObject({
      message: expect.stringMatching(/^TIFF/),
    });
  });

  it('says "corrupt" for impossible headers', () => {
    expect(readImageHeader(pngHeader(0, 10))).toMatchObject({
      reason: 'corrupt',
      message: expect.stringContaining('0×10'),
    });
    const wrongChunk = pngHeader(4, 4);
    wrongChunk.set(bytes('IDAT'), 12);
    expect(readImageHeader(wrongChunk)).toMatchObject({ reason: 'corrupt', message: expect.stringContaining('IHDR') });
    expect(readImageHeader(bytes([0xff, 0xd8, 0xff, 0xda, 0, 4, 0, 0]))).toMatchObject({
      reason: 'corrupt',
      message: expect.stringContaining('scan starts before any frame header'),
    });
    expect(readImageHeader(jpegHeader(10, 0))).toMatchObject({
      reason: 'corrupt',
      message: expect.stringContaining('DNL'),
    });
    expect(readImageHeader(bmpInfo(10, 10, 99))).toMatchObject({ reason: 'corrupt' });
    const vp8 = webpVp8(10, 10);
    vp8[23] = 0;
    expect(readImageHeader(vp8)).toMatchObject({ reason: 'corrupt', message: expect.stringContaining('start code') });
    expect(readImageHeader(gifHeader(0, 5))).toMatchObject({ reason: 'corrupt' });
  });

  const valid: [string, Uint8Array][] = [
    ['png', pngHeader(640, 480)],
    ['jpeg', jpegHeader(640, 480)],
    ['jpeg+exif', jpegHeader(640, 480, 0xc0, [3000])],
    ['gif', gifHeader(640, 480)],
    ['webp vp8', webpVp8(640, 480)],
    ['webp vp8l', webpVp8l(640, 480)],
    ['webp vp8x', webpVp8x(640, 480)],
    ['bmp', bmpInfo(640, 480)],
    ['bmp core', bmpCore(640, 480)],
  ];

  it.each(valid)('%s: every truncation of the file is "truncated", never a size or a crash', (_, file) => {
    const full = readImageHeader(file);
    expect(full.status).toBe('ok');
    // The byte where the size is known: from there on, the header is complete.
    let first = file.length;
    for (let n = file.length; n >= 1; n--) if (readImageHeader(file.subarray(0, n)).status === 'ok') first = n;
    for (let n = 1; n < first; n++) {
      const r = readImageHeader(file.subarray(0, n));
      expect(r.status, `${n} bytes`).toBe('error');
      if (r.status === 'error') expect(['truncated', 'unsupported', 'corrupt'], `${n} bytes`).toContain(r.reason);
      if (n >= 4 && r.status === 'error') expect(r.reason, `${n} bytes: ${r.message}`).toBe('truncated');
    }
  });

  it.each(valid)('%s: a prefix of a longer file asks for more bytes', (_, file) => {
    let first = file.length;
    for (let n = file.length; n >= 1; n--) if (readImageHeader(file.subarray(0, n)).status === 'ok') first = n;
    for (let n = 1; n < first; n++) {
      const r = readImageHeader(file.subarray(0, n), file.length + 100);
      expect(r.status, `${n} bytes`).toBe('need-more');
    }
  });

  it('reads past large JPEG metadata by asking for more of the file', async () => {
    const file = jpegHeader(4032, 3024, 0xc0, [65000, 65000]); // EXIF + an ICC profile
    const rest = new Uint8Array(200_000); // the scan data
    const blob = new Blob([file, rest]);
    expect(readImageHeader(file.subarray(0, 64 * 1024), blob.size).status).toBe('need-more');
    expect(ok(await readBlobHeader(blob))).toEqual(['jpeg', 4032, 3024]);
    expect(await readBlobHeader(new Blob([file.subarray(0, 100_000)]))).toMatchObject({ reason: 'truncated' });
  });

  it('never throws on garbage (2,000 random files)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 80 }),
          // garbage after a real signature
          fc
            .tuple(fc.constantFrom(...valid.map((v) => v[1].subarray(0, 4))), fc.uint8Array({ maxLength: 60 }))
            .map(([a, b]) => bytes(a, b)),
        ),
        (file) => {
          const r = readImageHeader(file);
          expect(['ok', 'error']).toContain(r.status);
          if (r.status === 'ok') expect(r.width > 0 && r.height > 0).toBe(true);
          if (r.status === 'error') expect(r.message.length).toBeGreaterThan(10);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

// ---- limits ----

describe('limits', () => {
  it('allow 4096×4096 at ×2, 2730×2730 at ×3 and 2048×2048 at ×4, and no more', () => {
    expect([2, 3, 4].map(maxSquareInput)).toEqual([4096, 2730, 2048]);
    for (const f of [2, 3, 4]) {
      const n = maxSquareInput(f);
      expect(checkFactor({ width: n, height: n }, f).ok).toBe(true);
      const over = checkFactor({ width: n + 1, height: n + 1 }, f);
      expect(over.ok).toBe(false);
      if (!over.ok) {
        expect(over.message).toContain(`at most ${n}×${n}`);
        expect(over.message).toContain('67.1 Mpx');
        expect(over.fit).not.toBeNull();
      }
    }
    expect(LIMITS.maxOutputPixels).toBe(2 ** 26); // the core's 2^28 elements / 4 channels
  });

  it('count pixels, and cap each side', () => {
    expect(checkFactor({ width: 8192, height: 2048 }, 2).ok).toBe(true); // 33.5 Mpx in, 16384×4096 out
    expect(checkFactor({ width: 8193, height: 100 }, 2).ok).toBe(false); // a side above 16384
  });

  it('fitForFactor keeps the aspect and gives the largest input that fits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30000 }),
        fc.integer({ min: 1, max: 30000 }),
        fc.constantFrom(2, 3, 4),
        (w, h, f) => {
          const fit = fitForFactor({ width: w, height: h }, f);
          expect(checkFactor(fit, f).ok).toBe(true);
          expect(fit.width).toBeLessThanOrEqual(w);
          expect(fit.height).toBeLessThanOrEqual(h);
          if (checkFactor({ width: w, height: h }, f).ok) expect(fit).toEqual({ width: w, height: h });
          else {
            // Not far from the limit: one more row and column would not fit.
            expect(checkFactor({ width: fit.width + 2, height: fit.height + 2 }, f).ok).toBe(false);
            if (fit.width > 20 && fit.height > 20) {
              expect(Math.abs(fit.width / fit.height - w / h) / (w / h)).toBeLessThan(0.1);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
    expect(fitForFactor({ width: 6000, height: 4000 }, 2)).toEqual({ width: 5016, height: 3344 });
  });

  it('refuse undecodable sizes and too-large output sizes with the numbers', () => {
    const huge = checkDecode({ width: 100_000, height: 100_000 });
    expect(huge).toMatchObject({ ok: false, fit: null });
    if (!huge.ok) expect(huge.message).toContain('100000×100000 pixels (10000.0 Mpx)');
    expect(checkDecode({ width: 12000, height: 8000 }).ok).toBe(true);
    expect(checkOutputSize({ width: 8192, height: 8192 }).ok).toBe(true);
    expect(checkOutputSize({ width: 8193, height: 8192 }).ok).toBe(false);
    expect(formatMpx(67_108_864)).toBe('67.1 Mpx');
    expect(limitsSummary()).toContain('4096×4096 at ×2, 2730×2730 at ×3, 2048×2048 at ×4');
  });

  it('match what the core accepts: 8192×8192 RGBA is its largest image', async () => {
    const tc = await tconv();
    const img = { data: new Uint8ClampedArray(4), width: 1, height: 1 };
    expect(() => tc.upsampleImage(img, { method: 'nearest', size: [8192, 8193] })).toThrowError(/elements/);
  });
});

// ---- kernels ----

function flat(w: number, h: number, v: number): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4).fill(v);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { data, width: w, height: h };
}

const tensor = (k: Kernel) => ({ data: new Float32Array(k.values), shape: [k.size, k.size] });

describe('kernels', () => {
  it('parse decimals and fractions, and reject anything else', () => {
    expect(parseWeight('0.25')).toBe(0.25);
    expect(parseWeight(' -1 ')).toBe(-1);
    expect(parseWeight('\u22120.5')).toBe(-0.5);
    expect(parseWeight('1/9')).toBeCloseTo(1 / 9, 12);
    expect(parseWeight('-3 / 16')).toBe(-3 / 16);
    expect(parseWeight('1e-3')).toBe(0.001);
    expect(parseWeight('.5')).toBe(0.5);
    expect(parseWeight('0,5')).toBe(0.5);
    for (const bad of ['', 'abc', '1/0', '1//2', '2x', 'NaN', 'Infinity']) expect(parseWeight(bad), bad).toBeNull();
    expect(formatWeight(-0.5)).toBe('\u22120.5');
    expect(formatWeight(1 / 9)).toBe('0.1111');
    expect(formatWeight(1e-7)).toBe('0');
  });

  it('presets are filters: they sum to 1', () => {
    for (const p of ['box', 'tent', 'gaussian', 'delta', 'random'] as const)
      for (let k = 1; k <= 9; k++) {
        const kernel = presetKernel(p, k, 7);
        expect(kernel.values).toHaveLength(k * k);
        expect(kernelSum(kernel), `${p} ${k}`).toBeCloseTo(1, 9);
      }
    expect(presetKernel('random', 3, 1)).toEqual(presetKernel('random', 3, 1));
    expect(presetKernel('random', 3, 1)).not.toEqual(presetKernel('random', 3, 2));
    expect(normalise({ size: 1, values: [0] })).toEqual({ size: 1, values: [0] });
    expect(resizeKernel(presetKernel('delta', 5), 3).values).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(resizeKernel({ size: 1, values: [2] }, 3).values).toEqual([0, 0, 0, 0, 2, 0, 0, 0, 0]);
  });

  it('predict the checkerboard of a transposed convolution: box 3 at stride 2 gives ×4/9, ×8/9, ×16/9', () => {
    const tile = flatResponse(presetKernel('box', 3), 2);
    expect(tile.map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0.4444, 0.8889, 0.8889, 1.7778]);
    expect(isEvenOverlap(tile)).toBe(false);
    expect(isEvenOverlap(flatResponse(presetKernel('box', 4), 2))).toBe(true);
    expect(isEvenOverlap(flatResponse(presetKernel('box', 3), 3))).toBe(true);
    expect(isEvenOverlap(flatResponse(presetKernel('box', 4), 3))).toBe(false);
    expect(isEvenOverlap(flatResponse(presetKernel('tent', 3), 2))).toBe(true); // the bilinear kernel of ×2
    expect(isEvenOverlap(flatResponse(presetKernel('tent', 5), 2))).toBe(false);
    expect(transposedPadding(3, 2)).toBe(1);
    expect(transposedPadding(2, 3)).toBe(0);
  });

  it('the prediction equals the core on a flat image, pixel for pixel, for many kernels and strides', async () => {
    const tc = await tconv();
    const v = 100;
    const img = flat(12, 10, v);
    for (const stride of [2, 3, 4])
      for (const k of [1, 2, 3, 4, 5, 6, 7])
        for (const preset of ['box', 'tent', 'random', 'delta'] as const) {
          const kernel = presetKernel(preset, k, k * 31 + stride);
          const out = tc.upsampleImage(img, { method: 'transposed', factor: stride, kernel: tensor(kernel) });
          const tile = flatResponse(kernel, stride);
          // The interior: away from the zero padding by the kernel's reach.
          for (let y = k + stride; y < out.height - k - stride; y++)
            for (let x = k + stride; x < out.width - k - stride; x++) {
              const expected = Math.min(255, Math.round(v * tile[(y % stride) * stride + (x % stride)]));
              expect(
                Math.abs(out.data[4 * (y * out.width + x)] - expected),
                `${preset} k${k} s${stride} (${x},${y})`,
              ).toBeLessThanOrEqual(1);
            }
          // Resize-convolution with the same kernel is flat.
          const rc = tc.upsampleImage(img, { method: 'resize-conv-nearest', factor: stride, kernel: tensor(kernel) });
          const levels = new Set<number>();
          for (let y = k; y < rc.height - k; y++)
            for (let x = k; x < rc.width - k; x++) levels.add(rc.data[4 * (y * rc.width + x)]);
          expect([...levels], `resize-conv ${preset} k${k} s${stride}`).toEqual([v]);
        }
  });

  it('bilinearBorderPixels is where transposed-bilinear differs from bilinear on a flat image', async () => {
    const tc = await tconv();
    for (const f of [2, 3, 4]) {
      const img = flat(9, 7, 200);
      const t = tc.upsampleImage(img, { method: 'transposed-bilinear', factor: f });
      const b = tc.upsampleImage(img, { method: 'bilinear', factor: f });
      const differs = (x: number, y: number) => t.data[4 * (y * t.width + x)] !== b.data[4 * (y * t.width + x)];
      let rows = 0;
      while (rows < t.height && differs(Math.floor(t.width / 2), rows)) rows++;
      expect(rows, `×${f}`).toBe(bilinearBorderPixels(f));
      // Darker, and symmetric at the far edge.
      expect(t.data[4 * Math.floor(t.width / 2)]).toBeLessThan(200);
      let last = 0;
      while (last < t.height && differs(Math.floor(t.width / 2), t.height - 1 - last)) last++;
      expect(last, `×${f} bottom`).toBe(bilinearBorderPixels(f));
    }
  });
});

// ---- PNG ----

/** A minimal PNG reader for the tests: 8-bit RGBA, filters 0–4, one image. */
function decodePng(png: Uint8Array): { width: number; height: number; data: Uint8Array } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  for (;;) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const body = png.subarray(at + 8, at + 8 + len);
    expect(view.getUint32(at + 8 + len), `CRC of ${type}`).toBe(crc32(png.subarray(at + 4, at + 8 + len)));
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      expect([...body.subarray(8)]).toEqual([8, 6, 0, 0, 0]);
    }
    if (type === 'IDAT') idat.push(body);
    at += 12 + len;
    if (type === 'IEND') break;
  }
  expect(at).toBe(png.length);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i];
      const a = i >= 4 ? data[y * stride + i - 4] : 0;
      const b = y > 0 ? data[(y - 1) * stride + i] : 0;
      const c = y > 0 && i >= 4 ? data[(y - 1) * stride + i - 4] : 0;
      const p = a + b - c;
      const pred =
        f === 0
          ? 0
          : f === 1
            ? a
            : f === 2
              ? b
              : f === 3
                ? (a + b) >> 1
                : Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
                  ? a
                  : Math.abs(p - b) <= Math.abs(p - c)
                    ? b
                    : c;
      data[y * stride + i] = (x + pred) & 255;
    }
  }
  return { width, height, data };
}

describe('encodePng', () => {
  it('round-trips RGBA exactly, straight alpha included', async () => {
    for (const [w, h] of [
      [1, 1],
      [3, 2],
      [37, 19],
      [300, 5],
    ]) {
      const data = new Uint8Array(w * h * 4);
      for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
      const png = await encodePng({ width: w, height: h, data });
      const back = decodePng(png);
      expect([back.width, back.height]).toEqual([w, h]);
      expect(back.data).toEqual(data);
      expect(ok(readImageHeader(png))).toEqual(['png', w, h]);
    }
  });

  it('compresses a flat image well and rejects a wrong buffer size', async () => {
    const img = flat(512, 512, 90);
    const png = await encodePng(img);
    expect(png.length).toBeLessThan(5000);
    await expect(encodePng({ width: 2, height: 2, data: new Uint8Array(15) })).rejects.toThrow(
      'needs 16 bytes, got 15',
    );
  });

  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

// ---- job specs ----

describe('job specs', () => {
  const box = presetKernel('box', 3);
  it('keep only what the method uses, so equal results have equal keys', () => {
    expect(specKey({ method: 'bilinear', factor: 2, kernel: box })).toBe(specKey({ method: 'bilinear', factor: 2 }));
    expect(specKey({ method: 'nearest', factor: 2, alignCorners: true })).toBe('nearest|x2');
    expect(specKey({ method: 'bicubic', factor: 2, alignCorners: true })).toBe('bicubic|x2|ac');
    expect(specKey({ method: 'transposed', factor: 2, kernel: box })).not.toBe(
      specKey({ method: 'transposed', factor: 3, kernel: box }),
    );
    expect(specKey({ method: 'transposed', factor: 2, kernel: box })).not.toBe(
      specKey({ method: 'transposed', factor: 2, kernel: presetKernel('box', 4) }),
    );
    expect(normaliseSpec({ method: 'transposed', factor: 2, size: [5, 5], kernel: box })).toEqual({
      method: 'transposed',
      factor: 2,
      kernel: box,
    });
    expect(specOutputSize({ method: 'bicubic', factor: 2, size: [33, 21] }, 10, 10)).toEqual([33, 21]);
    expect(specOutputSize({ method: 'transposed', factor: 3, size: [33, 21] }, 10, 7)).toEqual([30, 21]);
    expect(METHODS).toHaveLength(7);
  });
});

// ---- zoom and pan ----

describe('viewport', () => {
  const image = { width: 800, height: 600 };
  const stage = { width: 400, height: 400 };

  it('fits and centres the image; a fit above 100 % is a whole zoom', () => {
    const v = fitView(image, stage);
    expect(v.scale).toBe(0.5);
    expect([v.x, v.y]).toEqual([0, 50]);
    expect(fitView({ width: 100, height: 100 }, stage).scale).toBe(4);
    expect(fitView({ width: 300, height: 100 }, stage)).toEqual({ scale: 1, x: 50, y: 150 });
  });

  it('zooming keeps the point under the pointer in place', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.3, max: 8, noNaN: true }),
        fc.double({ min: 0, max: 400, noNaN: true }),
        fc.double({ min: 0, max: 400, noNaN: true }),
        (factor, px, py) => {
          const v: View = { scale: 2, x: -300, y: -200 };
          const z = zoomAt(v, factor, px, py, image, stage);
          const before = { x: (px - v.x) / v.scale, y: (py - v.y) / v.scale };
          const after = { x: (px - z.x) / z.scale, y: (py - z.y) / z.scale };
          // Unless clamping moved the view to keep the image on the stage.
          const clamped = clampView({ ...z }, image, stage);
          expect(clamped).toEqual(z);
          if (z.x < 0 && z.x > 400 - 800 * z.scale && z.y < 0 && z.y > 400 - 600 * z.scale) {
            expect(after.x).toBeCloseTo(before.x, 6);
            expect(after.y).toBeCloseTo(before.y, 6);
          }
        },
      ),
    );
  });

  it('keeps the image on the stage, and maps stage points to pixels', () => {
    const big = { scale: 4, x: 0, y: 0 };
    expect(panBy(big, 500, 500, image, stage)).toEqual({ scale: 4, x: 0, y: 0 });
    expect(panBy(big, -1e6, -1e6, image, stage)).toEqual({ scale: 4, x: 400 - 3200, y: 400 - 2400 });
    expect(pixelAt(big, 9, 9, image)).toEqual({ x: 2, y: 2 });
    expect(pixelAt(big, -1, 9, image)).toBeNull();
    expect(pixelAt({ scale: 1, x: 0, y: 0 }, 800, 0, image)).toBeNull();
  });

  it('zoom steps reach 100 % from anywhere, and print nicely', () => {
    let s = 0.13;
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) seen.push((s = nextZoom(s, 1)));
    expect(seen.some((v) => Math.abs(v - 1) < 1e-9)).toBe(true);
    expect(nextZoom(1, -1)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(formatZoom(1)).toBe('100 %');
    expect(formatZoom(0.125)).toBe('12.5 %');
    expect(formatZoom(16)).toBe('1600 %');
  });
});

// ---- samples ----

describe('samples', () => {
  it('are made at their documented sizes; detail is opaque, alpha is not', () => {
    const d = detailSample();
    expect([d.width, d.height]).toEqual([SAMPLES[0].width, SAMPLES[0].height]);
    expect(d.data.length).toBe(d.width * d.height * 4);
    for (let i = 3; i < d.data.length; i += 4) expect(d.data[i]).toBe(255);
    const a = alphaSample();
    const alphas = new Set<number>();
    for (let i = 3; i < a.data.length; i += 4) alphas.add(a.data[i]);
    expect(alphas.has(0)).toBe(true);
    expect(alphas.has(255)).toBe(true);
    expect(alphas.size).toBeGreaterThan(50);
    expect(detailSample().data).toEqual(d.data); // deterministic
  });

  it('sample names parse from src', () => {
    expect(parseSampleSrc('sample:detail')).toBe('detail');
    expect(parseSampleSrc(' sample:alpha ')).toBe('alpha');
    expect(parseSampleSrc('sample:nope')).toBeNull();
    expect(parseSampleSrc('/img/detail.png')).toBeNull();
  });

  it("the core keeps a sample's alpha through every method", async () => {
    const tc = await tconv();
    const a = alphaSample();
    const box = tensor(presetKernel('box', 3));
    for (const method of METHODS) {
      const out = tc.upsampleImage(a, { method, factor: 2, kernel: box });
      // A fully transparent corner stays fully transparent; the opaque ring centre stays opaque.
      expect(out.data[3], method).toBe(0);
      const ringX = 2 * (96 + 48);
      const ringY = 2 * 84;
      expect(out.data[4 * (ringY * out.width + ringX) + 3], method).toBeGreaterThan(240);
    }
  });
});
