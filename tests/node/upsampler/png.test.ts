// The PNG encoder (web/upsampler/shared/png.ts): decoded again here, byte for byte.

import { inflateSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { readImageHeader } from '../../../web/upsampler/shared/image-header.js';
import { crc32, encodePng } from '../../../web/upsampler/shared/png.js';
import type { RgbaImage } from '../../../web/lib/types.js';

const ok = (r: ReturnType<typeof readImageHeader>) => (r.status === 'ok' ? [r.format, r.width, r.height] : r);

function flat(w: number, h: number, v: number): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4).fill(v);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { data, width: w, height: h };
}

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

  it('reports its progress batch by batch, rising to 1, and reads a view at any offset of its buffer', async () => {
    const [w, h] = [600, 1000];
    const backing = new Uint8ClampedArray(w * h * 4 + 8);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 2654435761) >>> 24;
    const data = backing.subarray(8); // not at the buffer's start
    const seen: number[] = [];
    const png = await encodePng({ width: w, height: h, data }, { onProgress: (f) => seen.push(f) });
    // About 1 MB of filtered rows per batch: 2401 bytes a row, 436 rows a batch, 3 batches.
    const rows = Math.floor((1 << 20) / (w * 4 + 1));
    expect(seen).toEqual(Array.from({ length: Math.ceil(h / rows) }, (_, i) => Math.min(h, (i + 1) * rows) / h));
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe(1);
    // Compared as bytes: toEqual walks 2.4 M elements one by one for a minute.
    expect(Buffer.from(decodePng(png).data).equals(Buffer.from(data.buffer, data.byteOffset))).toBe(true);
  });

  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});
