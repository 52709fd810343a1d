// Opening and saving images on the upsampler page in real Chromium: JPEG,
// WebP, GIF (first frame) and BMP files, dropped the way a user drops a file
// (the GIF and BMP made by hand here); a pasted image and a picked file; the
// PNG download, decoded here and compared with the shown pixels; and every
// bad input (empty, not an image, truncated, corrupt, too large, SVG, another
// site's URL) answered with a clear message while the previous image stays.
// Setup and helpers: upsampler-support.ts.

import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { encodePng } from '../../web/upsampler/shared/png.js';
import {
  alertText,
  clearLog,
  dropBytes,
  dropCanvasImage,
  dropTransfer,
  expected,
  type Img,
  maxDiff,
  page,
  pixels,
  prepare,
  sourceName,
  testImage,
  toB64,
  upsamplerSuite,
  waitForResults,
} from './upsampler-support.js';

upsamplerSuite();

/** A minimal PNG reader: 8-bit RGBA, filters 0–4 (the encoder writes Paeth). */
function decodePng(png: Uint8Array): Img {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  for (;;) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === 'IHDR') [width, height] = [view.getUint32(at + 8), view.getUint32(at + 12)];
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
    if (type === 'IEND') break;
  }
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
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      data[y * stride + i] = (x + pred) & 255;
    }
  }
  return { width, height, data };
}

// ---- hand-made GIF and BMP files ----

/** A GIF89a with a global palette and the given frames (palette indices); LZW kept at 9-bit codes. */
function gif(width: number, height: number, palette: number[][], frames: number[][]): Uint8Array {
  const out: number[] = [];
  const push = (...b: number[]) => out.push(...b);
  const le16 = (v: number) => [v & 255, v >> 8];
  push(...[...'GIF89a'].map((c) => c.charCodeAt(0)), ...le16(width), ...le16(height), 0xf7, 0, 0);
  for (let i = 0; i < 256; i++) push(...(palette[i] ?? [0, 0, 0]));
  push(0x21, 0xff, 11, ...[...'NETSCAPE2.0'].map((c) => c.charCodeAt(0)), 3, 1, 0, 0, 0); // loop
  for (const frame of frames) {
    push(0x21, 0xf9, 4, 0, 50, 0, 0, 0); // graphic control: 0.5 s
    push(0x2c, 0, 0, 0, 0, ...le16(width), ...le16(height), 0);
    push(8); // LZW minimum code size
    const codes: number[] = [256];
    frame.forEach((v, i) => {
      if (i > 0 && i % 250 === 0) codes.push(256); // clear before the code size would grow
      codes.push(v);
    });
    codes.push(257);
    const data: number[] = [];
    let acc = 0;
    let bits = 0;
    for (const c of codes) {
      acc |= c << bits;
      bits += 9;
      while (bits >= 8) {
        data.push(acc & 255);
        acc >>= 8;
        bits -= 8;
      }
    }
    if (bits > 0) data.push(acc & 255);
    for (let i = 0; i < data.length; i += 255) push(Math.min(255, data.length - i), ...data.slice(i, i + 255));
    push(0);
  }
  push(0x3b);
  return new Uint8Array(out);
}

/** A 24-bit bottom-up BMP. */
function bmp(img: Img): Uint8Array {
  const rowBytes = Math.ceil((img.width * 3) / 4) * 4;
  const size = 54 + rowBytes * img.height;
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  b[0] = 0x42;
  b[1] = 0x4d;
  v.setUint32(2, size, true);
  v.setUint32(10, 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, img.width, true);
  v.setInt32(22, img.height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  v.setUint32(34, rowBytes * img.height, true);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const s = 4 * (y * img.width + x);
      const d = 54 + (img.height - 1 - y) * rowBytes + 3 * x;
      b[d] = img.data[s + 2];
      b[d + 1] = img.data[s + 1];
      b[d + 2] = img.data[s];
    }
  return b;
}

describe('upsampler page', () => {
  it('opens JPEG, WebP, GIF (first frame) and BMP', async () => {
    const src = testImage(33, 21, 7);
    // Let the sample's own results finish first: one that lands after the drop would pass for the dropped file's.
    await prepare('nearest', 'bilinear');
    for (const [type, name] of [
      ['image/jpeg', 'photo.jpg'],
      ['image/webp', 'photo.webp'],
    ] as const) {
      await clearLog();
      await dropCanvasImage(src, name, type, 0.92);
      await waitForResults('nearest', 'bilinear');
      expect(await sourceName()).toBe(name);
      const decoded = (await pixels('source'))!;
      expect([decoded.width, decoded.height]).toEqual([33, 21]);
      expect(maxDiff((await pixels('b'))!, expected(decoded, { method: 'bilinear', factor: 2 })).max).toBe(0);
    }
    // GIF: two frames; the first is used.
    const palette = [
      [255, 0, 0],
      [0, 0, 255],
      [0, 255, 0],
      [250, 250, 250],
    ];
    const f1 = Array.from({ length: 20 * 10 }, (_, i) => ((i % 20) + Math.floor(i / 20)) % 2);
    const f2 = Array.from({ length: 20 * 10 }, () => 2);
    await clearLog();
    await dropBytes(gif(20, 10, palette, [f1, f2]), 'anim.gif', 'image/gif');
    await waitForResults('nearest', 'bilinear');
    const g = (await pixels('source'))!;
    expect([g.width, g.height]).toEqual([20, 10]);
    for (let i = 0; i < 200; i++) expect(Array.from(g.data.slice(4 * i, 4 * i + 4))).toEqual([...palette[f1[i]], 255]);
    // BMP (24-bit): exact.
    const b = testImage(17, 9, 3);
    await clearLog();
    await dropBytes(bmp(b), 'image.bmp', 'image/bmp');
    await waitForResults('nearest', 'bilinear');
    expect(await pixels('source')).toEqual(b);
  });

  it('opens a pasted image and a picked file', async () => {
    await prepare('nearest', 'bilinear');
    const pasted = testImage(9, 5, 11);
    const bytes = await encodePng({ width: 9, height: 5, data: pasted.data });
    await page.evaluate((b64) => {
      const bin = atob(b64);
      const u = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([u], 'image.png', { type: 'image/png' }));
      document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, composed: true }));
    }, toB64(bytes));
    await waitForResults('nearest', 'bilinear');
    expect(await sourceName()).toBe('pasted image');
    expect(await pixels('source')).toEqual(pasted);

    await clearLog();
    const picked = testImage(7, 6, 5);
    await page.setInputFiles('tconv-upsampler input[type="file"]', {
      name: 'picked.png',
      mimeType: 'image/png',
      buffer: Buffer.from(await encodePng({ width: 7, height: 6, data: picked.data })),
    });
    await waitForResults('nearest', 'bilinear');
    expect(await sourceName()).toBe('picked.png');
    expect(await pixels('source')).toEqual(picked);
  });

  it('downloads a result as a valid PNG of the right size with exactly the shown pixels', async () => {
    await prepare('nearest', 'bilinear');
    await dropCanvasImage(testImage(17, 9, 5), 'photo.png');
    await waitForResults('nearest', 'bilinear');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('tconv-upsampler [aria-label="Download B as PNG"]'),
    ]);
    expect(download.suggestedFilename()).toBe('photo-bilinear-x2.png');
    const file = new Uint8Array(readFileSync((await download.path())!));
    expect([...file.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(String.fromCharCode(...file.subarray(12, 16))).toBe('IHDR');
    const view = new DataView(file.buffer, file.byteOffset);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([34, 18]);
    expect(decodePng(file)).toEqual(await pixels('b'));
  });

  it('every bad input shows a clear message; the previous image and results stay; the page keeps working', async () => {
    const name = await sourceName();
    const before = (await pixels('a'))!;
    const valid = await encodePng({ width: 8, height: 8, data: new Uint8Array(256).fill(200) });
    const corrupt = valid.slice();
    for (let i = 41; i < corrupt.length - 12; i++) corrupt[i] ^= 0x5a; // the IDAT payload
    const huge = valid.slice();
    new DataView(huge.buffer).setUint32(16, 100_000);
    new DataView(huge.buffer).setUint32(20, 100_000);
    const cases: [Uint8Array, string, RegExp][] = [
      [new Uint8Array(0), 'empty.png', /“empty\.png” is empty \(0 bytes\)/],
      [
        new TextEncoder().encode('just some notes, not a picture'),
        'notes.txt',
        /“notes\.txt”: this is not an image the upsampler can read \(PNG, JPEG, WebP, GIF or BMP\)/,
      ],
      [valid.subarray(0, 20), 'cut.png', /“cut\.png”: the file is truncated/],
      [corrupt, 'broken.png', /could not decode “broken\.png” \(corrupt or truncated\?\)/i],
      [huge, 'huge.png', /“huge\.png”: it declares 100000×100000 pixels \(10000\.0 Mpx\).*refused before decoding/],
      [
        new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'),
        'icon.svg',
        /SVG images are not supported/,
      ],
    ];
    for (const [bytes, file, message] of cases) {
      await clearLog();
      await dropBytes(bytes, file);
      await page.waitForFunction(() => (window as unknown as { __errors: string[] }).__errors.length > 0, null, {
        timeout: 20_000,
      });
      const text = await alertText();
      expect(text, file).toMatch(message);
      expect(await page.getAttribute('tconv-upsampler [part="alert"]', 'role')).toBe('alert');
      expect(await sourceName(), file).toBe(name);
      await page.waitForFunction(() => !document.querySelector('tconv-upsampler')!.hasAttribute('busy'));
      expect(maxDiff((await pixels('a'))!, before).max, file).toBe(0);
    }
    // A JPEG whose header is intact but whose data stops half-way: refused by the decoder.
    await clearLog();
    const cutJpeg = await page.evaluateHandle(async () => {
      const c = new OffscreenCanvas(300, 200);
      const g = c.getContext('2d')!;
      for (let i = 0; i < 300; i += 3) {
        g.fillStyle = `hsl(${i},70%,50%)`;
        g.fillRect(i, 0, 3, 200);
      }
      const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
      const d = new DataTransfer();
      d.items.add(new File([blob.slice(0, Math.floor(blob.size * 0.6))], 'cut.jpg', { type: 'image/jpeg' }));
      return d;
    });
    await dropTransfer(cutJpeg);
    await page.waitForFunction(() => (window as unknown as { __errors: string[] }).__errors.length > 0);
    expect(await alertText()).toMatch(
      /Could not decode “cut\.jpg” \(corrupt or truncated\?\)\. The previous image is still shown\./,
    );
    expect(await sourceName()).toBe(name);
    // An image from another site is refused before any request is made.
    await clearLog();
    await page.evaluate(() => (document.querySelector('tconv-upsampler')!.src = 'https://example.com/photo.png'));
    await page.waitForFunction(() => (window as unknown as { __errors: string[] }).__errors.length > 0);
    expect(await alertText()).toContain('src must be on this site');
    expect(await sourceName()).toBe(name);
    // Dismiss, then the page still works: a new image opens and computes.
    await page.click('tconv-upsampler [part="alert"] >> text=Dismiss');
    expect(await alertText()).toBeNull();
    await clearLog();
    await dropCanvasImage(testImage(16, 12), 'after.png');
    await waitForResults('transposed', 'resize-conv-nearest');
    expect(await sourceName()).toBe('after.png');
    expect(await alertText()).toBeNull();
  });
});
