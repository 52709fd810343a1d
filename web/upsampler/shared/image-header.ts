// Reads the declared width and height of an image from the first bytes of its
// file, before anything is decoded, so that a file declaring huge dimensions is
// refused without allocating its pixels. DOM-free.
//
// Formats: PNG (IHDR), JPEG (the first SOFn frame header), GIF (logical
// screen), WebP (VP8, VP8L and VP8X), BMP (core and info headers).

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp';

export const FORMAT_NAMES: Record<ImageFormat, string> = {
  png: 'PNG',
  jpeg: 'JPEG',
  gif: 'GIF',
  webp: 'WebP',
  bmp: 'BMP',
};

/** The accepted formats, as the file picker's accept attribute lists them. */
export const ACCEPT = 'image/png,image/jpeg,image/webp,image/gif,image/bmp,.png,.jpg,.jpeg,.webp,.gif,.bmp';

export type HeaderResult =
  | { status: 'ok'; format: ImageFormat; width: number; height: number }
  /** The header continues past the bytes given: read at least `bytes` bytes of the file and call again. */
  | { status: 'need-more'; bytes: number }
  | { status: 'error'; reason: 'empty' | 'unsupported' | 'truncated' | 'corrupt'; message: string };

/** How many bytes to read first; most headers end far earlier (JPEG may need more: see need-more). */
export const HEADER_PREFIX_BYTES = 64 * 1024;

/** A JPEG whose frame header is not within this many bytes is treated as corrupt. */
export const MAX_JPEG_SEARCH_BYTES = 16 * 1024 * 1024;

const SUPPORTED = 'PNG, JPEG, WebP, GIF or BMP';

function u16be(b: Uint8Array, i: number): number {
  return (b[i] << 8) | b[i + 1];
}
function u32be(b: Uint8Array, i: number): number {
  return ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
}
function u16le(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8);
}
function u24le(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
}
function u32le(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}
function i32le(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}
function ascii(b: Uint8Array, i: number, n: number): string {
  let s = '';
  for (let k = 0; k < n && i + k < b.length; k++) s += String.fromCharCode(b[i + k]);
  return s;
}
function startsWith(b: Uint8Array, bytes: readonly number[], at = 0): boolean {
  if (b.length < at + bytes.length) return false;
  return bytes.every((v, k) => b[at + k] === v);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Leading bytes of each format (WebP: "RIFF"), to recognise a file cut inside them. */
const SIGNATURES: readonly (readonly number[])[] = [
  PNG_SIGNATURE,
  [0xff, 0xd8, 0xff],
  [0x47, 0x49, 0x46, 0x38, 0x37, 0x61],
  [0x47, 0x49, 0x46, 0x38, 0x39, 0x61],
  [0x52, 0x49, 0x46, 0x46],
];

function truncated(format: ImageFormat, have: number, what: string): HeaderResult {
  return {
    status: 'error',
    reason: 'truncated',
    message: `the file is truncated: its ${FORMAT_NAMES[format]} ${what} ends after ${have} byte${have === 1 ? '' : 's'}`,
  };
}

function corrupt(format: ImageFormat, what: string): HeaderResult {
  return { status: 'error', reason: 'corrupt', message: `the file is corrupt: its ${FORMAT_NAMES[format]} ${what}` };
}

function sized(format: ImageFormat, width: number, height: number): HeaderResult {
  if (!(width > 0) || !(height > 0)) {
    return corrupt(format, `header declares an empty image (${width}×${height})`);
  }
  return { status: 'ok', format, width, height };
}

function png(b: Uint8Array, complete: boolean): HeaderResult {
  // signature (8), IHDR length (4), "IHDR" (4), width (4), height (4)
  if (b.length < 24) return complete ? truncated('png', b.length, 'header') : { status: 'need-more', bytes: 24 };
  if (ascii(b, 12, 4) !== 'IHDR') return corrupt('png', 'first chunk is not IHDR');
  if (u32be(b, 8) !== 13) return corrupt('png', 'IHDR chunk has the wrong length');
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  if (width > 0x7fffffff || height > 0x7fffffff) return corrupt('png', 'header declares a size above 2³¹ − 1');
  return sized('png', width, height);
}

// SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
function isFrameMarker(m: number): boolean {
  return m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
}

function jpeg(b: Uint8Array, complete: boolean, fileSize: number): HeaderResult {
  let i = 2;
  for (;;) {
    if (i >= MAX_JPEG_SEARCH_BYTES) return corrupt('jpeg', `frame header is not within the first 16 MB`);
    // A marker: 0xFF, optional fill bytes 0xFF, then the marker code.
    if (i >= b.length) return more(b, complete, 'jpeg', i + 2, fileSize, 'headers');
    if (b[i] !== 0xff) return corrupt('jpeg', `marker expected at byte ${i}`);
    while (i < b.length && b[i] === 0xff) i++;
    if (i >= b.length) return more(b, complete, 'jpeg', i + 2, fileSize, 'headers');
    const marker = b[i++];
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    if (marker === 0xd9) return corrupt('jpeg', 'image ends before any frame header');
    if (marker === 0xda) return corrupt('jpeg', 'scan starts before any frame header');
    if (i + 2 > b.length) return more(b, complete, 'jpeg', i + 2, fileSize, 'headers');
    const length = u16be(b, i);
    if (length < 2) return corrupt('jpeg', `segment at byte ${i - 2} has length ${length}`);
    if (isFrameMarker(marker)) {
      // length (2), precision (1), height (2), width (2)
      if (i + 7 > b.length) return more(b, complete, 'jpeg', i + 7, fileSize, 'frame header');
      if (length < 8) return corrupt('jpeg', 'frame header is too short');
      const height = u16be(b, i + 3);
      const width = u16be(b, i + 5);
      if (height === 0) return corrupt('jpeg', 'frame header defers its height (DNL), which is not supported');
      return sized('jpeg', width, height);
    }
    i += length;
  }
}

function more(
  b: Uint8Array,
  complete: boolean,
  format: ImageFormat,
  need: number,
  fileSize: number,
  what: string,
): HeaderResult {
  if (complete || need > fileSize) return truncated(format, Math.min(b.length, fileSize), what);
  // Read generously: JPEG metadata segments (EXIF, ICC) come in 64 KB pieces.
  return { status: 'need-more', bytes: Math.min(fileSize, Math.max(need, b.length * 4, HEADER_PREFIX_BYTES)) };
}

function gif(b: Uint8Array, complete: boolean): HeaderResult {
  if (b.length < 10) return complete ? truncated('gif', b.length, 'header') : { status: 'need-more', bytes: 10 };
  return sized('gif', u16le(b, 6), u16le(b, 8));
}

function webp(b: Uint8Array, complete: boolean): HeaderResult {
  if (b.length < 30) return complete ? truncated('webp', b.length, 'header') : { status: 'need-more', bytes: 30 };
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ') {
    // frame tag (3), start code 9D 01 2A, width (14 bits + 2 scale bits), height (the same)
    if (!startsWith(b, [0x9d, 0x01, 0x2a], 23)) return corrupt('webp', 'VP8 frame has no start code');
    return sized('webp', u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return corrupt('webp', 'VP8L stream has no signature byte');
    const bits = u32le(b, 21);
    return sized('webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') return sized('webp', u24le(b, 24) + 1, u24le(b, 27) + 1);
  return corrupt('webp', `first chunk "${chunk.replace(/[^\x20-\x7e]/g, '?')}" is not VP8, VP8L or VP8X`);
}

const BMP_INFO_SIZES = new Set([40, 52, 56, 64, 108, 124]);

function bmp(b: Uint8Array, complete: boolean): HeaderResult {
  if (b.length < 18) return complete ? truncated('bmp', b.length, 'header') : { status: 'need-more', bytes: 26 };
  const dib = u32le(b, 14);
  if (dib === 12) {
    if (b.length < 22) return complete ? truncated('bmp', b.length, 'header') : { status: 'need-more', bytes: 26 };
    return sized('bmp', u16le(b, 18), u16le(b, 20));
  }
  if (!BMP_INFO_SIZES.has(dib)) return corrupt('bmp', `header has an unknown size (${dib} bytes)`);
  if (b.length < 26) return complete ? truncated('bmp', b.length, 'header') : { status: 'need-more', bytes: 26 };
  // A negative height means rows are stored top-down.
  return sized('bmp', i32le(b, 18), Math.abs(i32le(b, 22)));
}

/** Names a few formats that are images but not accepted, for a clearer message. */
function otherFormat(b: Uint8Array): string | null {
  if (ascii(b, 4, 4) === 'ftyp') {
    const brand = ascii(b, 8, 4);
    if (brand.startsWith('avi')) return 'AVIF';
    if (brand.startsWith('he') || brand === 'mif1') return 'HEIF/HEIC';
    return null;
  }
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return 'TIFF';
  if (startsWith(b, [0x00, 0x00, 0x01, 0x00])) return 'ICO';
  const head = ascii(b, 0, 256).trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'SVG';
  return null;
}

/**
 * The format and declared size of an image from the first bytes of its file.
 * `fileSize` is the size of the whole file (defaults to `bytes.length`, i.e.
 * the bytes are the whole file). When the bytes given end inside the header,
 * the result asks for more unless they are the whole file (then: truncated).
 */
export function readImageHeader(bytes: Uint8Array, fileSize = bytes.length): HeaderResult {
  const complete = bytes.length >= fileSize;
  if (fileSize === 0) return { status: 'error', reason: 'empty', message: 'the file is empty (0 bytes)' };
  if (startsWith(bytes, PNG_SIGNATURE)) return png(bytes, complete);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return jpeg(bytes, complete, fileSize);
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return gif(bytes, complete);
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return webp(bytes, complete);
  if (ascii(bytes, 0, 2) === 'BM') return bmp(bytes, complete);
  // Too short to tell: ask for more, or (for the whole file) say it stops inside a signature.
  if (!complete && bytes.length < 12) return { status: 'need-more', bytes: 12 };
  const prefixOf = (sig: readonly number[]) => bytes.length < sig.length && bytes.every((v, k) => v === sig[k]);
  if (SIGNATURES.some(prefixOf) || (ascii(bytes, 0, 4) === 'RIFF' && bytes.length < 12)) {
    return {
      status: 'error',
      reason: 'truncated',
      message: `the file is truncated: it ends after ${bytes.length} bytes`,
    };
  }
  const other = otherFormat(bytes);
  return {
    status: 'error',
    reason: 'unsupported',
    message: other
      ? `${other} images are not supported; the upsampler reads ${SUPPORTED}`
      : `this is not an image the upsampler can read (${SUPPORTED})`,
  };
}

/** Reads a Blob's header, fetching more of the file only when the header needs it. */
export async function readBlobHeader(blob: Blob): Promise<HeaderResult> {
  let bytes = new Uint8Array(await blob.slice(0, HEADER_PREFIX_BYTES).arrayBuffer());
  for (;;) {
    const result = readImageHeader(bytes, blob.size);
    if (result.status !== 'need-more') return result;
    if (result.bytes <= bytes.length) return readImageHeader(bytes, bytes.length); // no progress: treat as whole
    bytes = new Uint8Array(await blob.slice(0, result.bytes).arrayBuffer());
  }
}
