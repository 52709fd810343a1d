// The GIF's palette: the theme's colours first, exactly (the scene's fills,
// strokes and text, all opaque '#rrggbb' from theme-tokens.ts and the grid's
// colour scale), then as many further colours as fit for the anti-aliased
// edges of text and rounded corners. A pixel that has a colour of the theme
// gets exactly that colour's index; any other pixel the nearest colour.
// DOM-free: the export worker and the Node tests run it.

/** An sRGB colour, channels 0..255. */
export type Rgb = [number, number, number];

/** The most colours a GIF palette holds. */
export const GIF_COLORS = 256;

/** '#rrggbb' → [r, g, b]. */
export function rgbOf(color: string): Rgb {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) throw new Error(`rgbOf: color "${color}" must be '#rrggbb'`);
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const key = (r: number, g: number, b: number) => (r << 16) | (g << 8) | b;

/**
 * The palette: `exact` (the theme's colours, most used first; at most `max` of them are kept exactly), then
 * `fill` (colours for everything else, e.g. gifenc's quantize of the pixels the exact colours do not cover),
 * without duplicates, up to `max` colours in all.
 */
export function buildPalette(exact: readonly string[], fill: readonly Rgb[] = [], max = GIF_COLORS): Rgb[] {
  if (!Number.isInteger(max) || max < 2 || max > GIF_COLORS) {
    throw new Error(`buildPalette: max ${max} must be a whole number 2 … ${GIF_COLORS}`);
  }
  const seen = new Set<number>();
  const out: Rgb[] = [];
  const push = (c: Rgb) => {
    const k = key(c[0], c[1], c[2]);
    if (seen.has(k) || out.length >= max) return;
    seen.add(k);
    out.push(c);
  };
  for (const c of exact) push(rgbOf(c));
  for (const c of fill) push([c[0], c[1], c[2]]);
  return out;
}

/** Maps RGBA pixels to palette indices: a palette colour to its own index, anything else to the nearest. */
export class PaletteIndex {
  private readonly exact = new Map<number, number>();
  private readonly nearestCache = new Map<number, number>();

  constructor(readonly palette: readonly Rgb[]) {
    if (palette.length === 0 || palette.length > GIF_COLORS) {
      throw new Error(`PaletteIndex: palette has ${palette.length} colours; a GIF needs 1 … ${GIF_COLORS}`);
    }
    palette.forEach((c, i) => {
      const k = key(c[0], c[1], c[2]);
      if (!this.exact.has(k)) this.exact.set(k, i);
    });
  }

  /** The index of one colour. */
  indexOf(r: number, g: number, b: number): number {
    const k = key(r, g, b);
    const hit = this.exact.get(k) ?? this.nearestCache.get(k);
    if (hit !== undefined) return hit;
    let best = 0;
    let bestD = Infinity;
    const p = this.palette;
    for (let i = 0; i < p.length; i++) {
      const dr = p[i][0] - r;
      const dg = p[i][1] - g;
      const db = p[i][2] - b;
      const d = 2 * dr * dr + 4 * dg * dg + 3 * db * db; // weighted: the eye is most sensitive to green
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    this.nearestCache.set(k, best);
    return best;
  }

  /** Indices of RGBA pixels (alpha is ignored: frames are opaque). Runs of one colour cost one lookup. */
  map(rgba: Uint8Array | Uint8ClampedArray): Uint8Array {
    if (rgba.length % 4 !== 0) throw new Error(`PaletteIndex.map: rgba has ${rgba.length} bytes, not 4 per pixel`);
    const n = rgba.length / 4;
    const out = new Uint8Array(n);
    let last = -1;
    let lastIndex = 0;
    for (let i = 0, j = 0; i < n; i++, j += 4) {
      const k = key(rgba[j], rgba[j + 1], rgba[j + 2]);
      if (k !== last) {
        last = k;
        lastIndex = this.indexOf(rgba[j], rgba[j + 1], rgba[j + 2]);
      }
      out[i] = lastIndex;
    }
    return out;
  }

  /**
   * Indices of a frame that follows `previous` (same size): pixels that did not change get `transparent`, so that
   * the GIF shows the frame before through them (disposal "do not dispose") and the mostly unchanged frames of
   * an animation cost little.
   */
  mapChanges(
    rgba: Uint8Array | Uint8ClampedArray,
    previous: Uint8Array | Uint8ClampedArray,
    transparent: number,
  ): Uint8Array {
    if (previous.length !== rgba.length) {
      throw new Error(`PaletteIndex.mapChanges: previous has ${previous.length} bytes, rgba ${rgba.length}`);
    }
    const n = rgba.length / 4;
    const out = new Uint8Array(n);
    let last = -1;
    let lastIndex = 0;
    for (let i = 0, j = 0; i < n; i++, j += 4) {
      if (rgba[j] === previous[j] && rgba[j + 1] === previous[j + 1] && rgba[j + 2] === previous[j + 2]) {
        out[i] = transparent;
        continue;
      }
      const k = key(rgba[j], rgba[j + 1], rgba[j + 2]);
      if (k !== last) {
        last = k;
        lastIndex = this.indexOf(rgba[j], rgba[j + 1], rgba[j + 2]);
      }
      out[i] = lastIndex;
    }
    return out;
  }

  /** RGBA pixels whose colour is not exactly in the palette, for a quantizer to pick the remaining colours from. */
  static leftovers(rgba: Uint8Array | Uint8ClampedArray, exact: readonly string[], limit = 1 << 18): Uint8Array {
    const known = new Set(
      exact.map((c) => {
        const [r, g, b] = rgbOf(c);
        return key(r, g, b);
      }),
    );
    const out = new Uint8Array(Math.min(rgba.length, limit * 4));
    let o = 0;
    for (let j = 0; j < rgba.length && o < out.length; j += 4) {
      if (known.has(key(rgba[j], rgba[j + 1], rgba[j + 2]))) continue;
      out[o++] = rgba[j];
      out[o++] = rgba[j + 1];
      out[o++] = rgba[j + 2];
      out[o++] = 255;
    }
    return out.slice(0, o); // a copy: gifenc's quantize reads the whole underlying buffer
  }
}
