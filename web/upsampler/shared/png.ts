// A small PNG encoder for 8-bit RGBA with straight alpha, so a download holds
// exactly the pixels the core computed. (A canvas would premultiply alpha and
// round the colour of semi-transparent pixels on the way.) Compression is the
// platform's zlib (CompressionStream 'deflate'), available in browsers,
// workers and Node 18+. DOM-free.

const SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let crcTable: Uint32Array | null = null;

function table(): Uint32Array {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  return crcTable;
}

/** CRC-32 (the PNG / zlib polynomial), continuing from `crc`. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const t = table();
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * One scanline with the Paeth filter (type 4), into out[at] (the filter byte) and the `stride` bytes after it.
 * With no row above (y = 0) Paeth predicts from the left only, and with no pixel to the left from above only;
 * those edges get their own loops so the inner loop reads three bytes and branches on nothing else.
 */
function filterRow(data: Uint8Array, y: number, stride: number, out: Uint8Array, at: number): void {
  const row = y * stride;
  const o = at + 1;
  out[at] = 4;
  if (y === 0) {
    for (let i = 0; i < 4 && i < stride; i++) out[o + i] = data[row + i]!;
    for (let i = 4; i < stride; i++) out[o + i] = (data[row + i]! - data[row + i - 4]!) & 0xff;
    return;
  }
  const up = row - stride;
  for (let i = 0; i < 4 && i < stride; i++) out[o + i] = (data[row + i]! - data[up + i]!) & 0xff;
  for (let i = 4; i < stride; i++) {
    const a = data[row + i - 4]!;
    const b = data[up + i]!;
    const c = data[up + i - 4]!;
    const p = a + b - c;
    const pa = p > a ? p - a : a - p;
    const pb = p > b ? p - b : b - p;
    const pc = p > c ? p - c : c - p;
    const predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    out[o + i] = (data[row + i]! - predicted) & 0xff;
  }
}

export interface PngImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

export interface EncodeOptions {
  /**
   * Called as the rows are filtered and handed to the compressor (which keeps at most about a batch behind),
   * with the fraction done, from above 0 to 1. A 64 Mpx image takes tens of seconds: this is what a page shows.
   */
  onProgress?: (fraction: number) => void;
}

/** Encodes RGBA pixels as PNG bytes. */
export async function encodePng(image: PngImage, options: EncodeOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  const { width, height } = image;
  if (!(width > 0 && height > 0) || image.data.length !== width * height * 4) {
    throw new Error(`encodePng: ${width}×${height} RGBA needs ${width * height * 4} bytes, got ${image.data.length}`);
  }
  // One array type for the filter's inner loop, whatever the caller holds.
  const data = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length);
  const stride = width * 4;
  const stream = new CompressionStream('deflate');
  const compressed = new Response(stream.readable).arrayBuffer();
  const writer = stream.writable.getWriter();
  // Filter and feed about 1 MB at a time.
  const rowsPerBatch = Math.max(1, Math.floor((1 << 20) / (stride + 1)));
  for (let y0 = 0; y0 < height; y0 += rowsPerBatch) {
    const rows = Math.min(rowsPerBatch, height - y0);
    const batch = new Uint8Array(rows * (stride + 1));
    for (let r = 0; r < rows; r++) filterRow(data, y0 + r, stride, batch, r * (stride + 1));
    await writer.ready;
    void writer.write(batch);
    options.onProgress?.((y0 + rows) / height);
  }
  await writer.close();
  const idat = new Uint8Array(await compressed);

  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  // compression 0, filter 0, interlace 0
  const parts: Uint8Array<ArrayBuffer>[] = [SIGNATURE, chunk('IHDR', ihdr)];
  const IDAT_MAX = 1 << 24;
  for (let i = 0; i < idat.length; i += IDAT_MAX) parts.push(chunk('IDAT', idat.subarray(i, i + IDAT_MAX)));
  parts.push(chunk('IEND', new Uint8Array(0)));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
