// A small GIF decoder for the export tests: enough of GIF89a (global and
// local colour tables, graphic control extensions, LZW, interlacing) to read
// back every frame the exporter writes as RGBA, with its delay. Written here,
// not taken from the exporter, so a wrong encoder cannot agree with itself.

export interface GifFrame {
  /** RGBA, width × height × 4, after this frame is drawn over the previous ones. */
  rgba: Uint8Array;
  /** Display time in ms (the file stores hundredths of a second). */
  delayMs: number;
}

export interface Gif {
  width: number;
  height: number;
  /** Colours in the global palette. */
  paletteSize: number;
  frames: GifFrame[];
}

function lzw(data: Uint8Array, minCodeSize: number, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels);
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  let size = minCodeSize + 1;
  let prefix = new Int32Array(4096);
  let suffix = new Uint8Array(4096);
  let length = new Int32Array(4096);
  const reset = () => {
    for (let i = 0; i < clear; i++) {
      prefix[i] = -1;
      suffix[i] = i;
      length[i] = 1;
    }
  };
  reset();
  let next = end + 1;
  let prev = -1;
  let o = 0;
  let bits = 0;
  let acc = 0;
  const emit = (code: number) => {
    const n = length[code];
    let at = o + n - 1;
    for (let c = code; c >= 0 && at >= o; c = prefix[c]) {
      if (at < pixels) out[at] = suffix[c];
      at--;
    }
    o += n;
  };
  const first = (code: number) => {
    let c = code;
    while (prefix[c] >= 0) c = prefix[c];
    return suffix[c];
  };
  for (let i = 0; i < data.length; i++) {
    acc |= data[i] << bits;
    bits += 8;
    while (bits >= size) {
      const code = acc & ((1 << size) - 1);
      acc >>>= size;
      bits -= size;
      if (code === clear) {
        size = minCodeSize + 1;
        next = end + 1;
        prev = -1;
        reset();
        continue;
      }
      if (code === end) return out;
      if (prev < 0) {
        emit(code);
        prev = code;
        continue;
      }
      if (code < next) {
        emit(code);
        if (next < 4096) {
          prefix[next] = prev;
          suffix[next] = first(code);
          length[next] = length[prev] + 1;
          next++;
        }
      } else {
        // The code being defined: prev's string plus its own first character.
        if (next < 4096) {
          prefix[next] = prev;
          suffix[next] = first(prev);
          length[next] = length[prev] + 1;
          next++;
        }
        emit(code);
      }
      prev = code;
      if (next === 1 << size && size < 12) size++;
    }
  }
  return out;
}

export function decodeGif(bytes: Uint8Array): Gif {
  const sig = String.fromCharCode(...bytes.subarray(0, 6));
  if (sig !== 'GIF89a' && sig !== 'GIF87a') throw new Error(`not a GIF: ${sig}`);
  const u16 = (at: number) => bytes[at] | (bytes[at + 1] << 8);
  const width = u16(6);
  const height = u16(8);
  const flags = bytes[10];
  let p = 13;
  let global: Uint8Array | null = null;
  let paletteSize = 0;
  if (flags & 0x80) {
    paletteSize = 1 << ((flags & 7) + 1);
    global = bytes.subarray(p, p + 3 * paletteSize);
    p += 3 * paletteSize;
  }
  const canvas = new Uint8Array(width * height * 4);
  const frames: GifFrame[] = [];
  let delay = 0;
  let transparent = -1;
  const blocks = () => {
    const parts: number[] = [];
    while (bytes[p] !== 0) {
      const n = bytes[p++];
      for (let i = 0; i < n; i++) parts.push(bytes[p + i]);
      p += n;
    }
    p++;
    return Uint8Array.from(parts);
  };
  while (p < bytes.length) {
    const b = bytes[p++];
    if (b === 0x3b) break;
    if (b === 0x21) {
      const label = bytes[p++];
      if (label === 0xf9) {
        delay = u16(p + 2) * 10;
        transparent = bytes[p + 1] & 1 ? bytes[p + 4] : -1;
      }
      blocks();
    } else if (b === 0x2c) {
      const x = u16(p);
      const y = u16(p + 2);
      const w = u16(p + 4);
      const h = u16(p + 6);
      const f = bytes[p + 8];
      p += 9;
      let palette = global;
      if (f & 0x80) {
        const n = 1 << ((f & 7) + 1);
        palette = bytes.subarray(p, p + 3 * n);
        p += 3 * n;
      }
      if (!palette) throw new Error('a frame without a palette');
      const min = bytes[p++];
      const index = lzw(blocks(), min, w * h);
      const interlaced = (f & 0x40) !== 0;
      const rows: number[] = [];
      if (interlaced)
        for (const [start, step] of [
          [0, 8],
          [4, 8],
          [2, 4],
          [1, 2],
        ])
          for (let r = start; r < h; r += step) rows.push(r);
      else for (let r = 0; r < h; r++) rows.push(r);
      rows.forEach((row, i) => {
        for (let c = 0; c < w; c++) {
          const k = index[i * w + c];
          if (k === transparent) continue; // the frame before shows through
          const at = ((y + row) * width + x + c) * 4;
          canvas[at] = palette[3 * k];
          canvas[at + 1] = palette[3 * k + 1];
          canvas[at + 2] = palette[3 * k + 2];
          canvas[at + 3] = 255;
        }
      });
      frames.push({ rgba: canvas.slice(), delayMs: delay });
      delay = 0;
      transparent = -1;
    } else throw new Error(`unexpected block 0x${b.toString(16)} at ${p - 1}`);
  }
  return { width, height, paletteSize, frames };
}

/** The most common colour inside a box (its middle 60%, clear of its border), as [r, g, b]: a cell's fill despite its text. */
export function fillOf(
  gif: Gif,
  frame: number,
  box: { x: number; y: number; w: number; h: number },
): [number, number, number] {
  const count = new Map<number, number>();
  const rgba = gif.frames[frame].rgba;
  for (let y = Math.ceil(box.y + box.h * 0.2); y < box.y + box.h * 0.8; y++) {
    for (let x = Math.ceil(box.x + box.w * 0.2); x < box.x + box.w * 0.8; x++) {
      const at = (y * gif.width + x) * 4;
      const k = (rgba[at] << 16) | (rgba[at + 1] << 8) | rgba[at + 2];
      count.set(k, (count.get(k) ?? 0) + 1);
    }
  }
  const [best] = [...count.entries()].sort((a, b) => b[1] - a[1])[0];
  return [(best >> 16) & 255, (best >> 8) & 255, best & 255];
}
