// Image headers (web/upsampler/shared/image-header.ts): every format's declared size, read
// from hand-made headers, and truncated or garbage files refused with a reason.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { readBlobHeader, readImageHeader, type HeaderResult } from '../../../web/upsampler/shared/image-header.js';
import { checkDecode } from '../../../web/upsampler/shared/limits.js';

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
