// Built-in sample images, made by tconv at run time (no files, no downloads).
// 'detail' and 'alpha' are pure arithmetic on pixels (here, DOM-free);
// 'text' needs the system font and is drawn on an OffscreenCanvas by the
// worker (web/upsampler/worker/text-sample.ts).

export type SampleName = 'detail' | 'text' | 'alpha';

export const SAMPLES: { name: SampleName; label: string; description: string; width: number; height: number }[] = [
  {
    name: 'detail',
    label: 'Fine detail',
    description: 'a zone plate, a Siemens star, thin lines and gradients',
    width: 320,
    height: 240,
  },
  {
    name: 'text',
    label: 'Text and edges',
    description: 'text in the system font, hard edges and 1-pixel lines',
    width: 320,
    height: 240,
  },
  {
    name: 'alpha',
    label: 'Transparency',
    description: 'soft shapes on a transparent background',
    width: 256,
    height: 192,
  },
];

export function isSampleName(s: string): s is SampleName {
  return SAMPLES.some((x) => x.name === s);
}

/** "sample:detail" → 'detail'; anything else → null. */
export function parseSampleSrc(src: string): SampleName | null {
  const m = /^sample:([a-z]+)$/.exec(src.trim());
  return m && isSampleName(m[1]) ? m[1] : null;
}

export interface Pixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

type Rgb = [number, number, number];

/** Samples a coverage function on an n×n grid inside each pixel: an antialiased edge. */
function coverage(x: number, y: number, inside: (x: number, y: number) => number, n = 4): number {
  let sum = 0;
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) sum += inside(x + (i + 0.5) / n, y + (j + 0.5) / n);
  return sum / (n * n);
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Hue 0–1 → a soft sRGB colour. */
function hue(h: number, s = 0.75, l = 0.55): Rgb {
  const f = (n: number) => {
    const k = (n + h * 12) % 12;
    const a = s * Math.min(l, 1 - l);
    return 255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
  };
  return [f(0), f(8), f(4)];
}

/**
 * 320×240: a zone plate (rings whose frequency rises to the Nyquist limit at
 * the rim), a Siemens star, groups of 1-, 2- and 3-pixel lines, and colour and
 * grey gradients. Fully opaque.
 */
export function detailSample(): Pixels {
  const width = 320;
  const height = 240;
  const data = new Uint8ClampedArray(width * height * 4);
  const bg: Rgb = [246, 244, 239];
  const ink: Rgb = [28, 32, 44];
  const zone = { cx: 80, cy: 84, r: 72 };
  const star = { cx: 236, cy: 84, r: 72, spokes: 18 };
  const set = (x: number, y: number, c: Rgb) => {
    const i = 4 * (y * width + x);
    data[i] = c[0];
    data[i + 1] = c[1];
    data[i + 2] = c[2];
    data[i + 3] = 255;
  };
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let c: Rgb = bg;
      // Zone plate: cos(k r²), local frequency k r / π cycles per pixel, 0.5 at the rim.
      const zx = x + 0.5 - zone.cx;
      const zy = y + 0.5 - zone.cy;
      const zr2 = zx * zx + zy * zy;
      if (zr2 < (zone.r + 1) * (zone.r + 1)) {
        const k = (Math.PI * 0.5) / zone.r;
        const inDisc = coverage(
          x,
          y,
          (px, py) => ((px - zone.cx) ** 2 + (py - zone.cy) ** 2 <= zone.r ** 2 ? 1 : 0),
          3,
        );
        const v = 0.5 + 0.5 * Math.cos(k * zr2);
        c = mix(bg, mix([16, 44, 92], [250, 226, 160], v), inDisc);
      }
      // Siemens star: alternating black and white sectors.
      const sx = x + 0.5 - star.cx;
      const sy = y + 0.5 - star.cy;
      if (sx * sx + sy * sy < (star.r + 1) ** 2) {
        const cov = coverage(x, y, (px, py) => {
          const dx = px - star.cx;
          const dy = py - star.cy;
          if (dx * dx + dy * dy > star.r * star.r) return 0;
          const a = (Math.atan2(dy, dx) / (2 * Math.PI) + 1) * star.spokes;
          return Math.floor(a * 2) % 2 === 0 ? 1 : 0;
        });
        const inDisc = coverage(
          x,
          y,
          (px, py) => ((px - star.cx) ** 2 + (py - star.cy) ** 2 <= star.r ** 2 ? 1 : 0),
          3,
        );
        c = mix(bg, mix([255, 255, 255], ink, cov), inDisc);
      }
      // Line groups: 1-, 2- and 3-pixel lines with equal gaps, vertical then horizontal.
      if (y >= 168 && y < 200) {
        const groups = [
          { x0: 8, w: 1 },
          { x0: 40, w: 2 },
          { x0: 88, w: 3 },
        ];
        for (const g of groups) {
          const rel = x - g.x0;
          if (rel >= 0 && rel < g.w * 2 * 7 && Math.floor(rel / g.w) % 2 === 0) c = ink;
        }
        const rel = y - 168;
        if (x >= 168 && x < 232 && Math.floor(rel / 1) % 2 === 0 && rel < 14) c = [170, 40, 60];
        if (x >= 168 && x < 232 && rel >= 16 && Math.floor((rel - 16) / 2) % 2 === 0) c = [20, 110, 90];
        // A 1-pixel checker: the finest pattern there is.
        if (x >= 244 && x < 276 && (x + y) % 2 === 0) c = ink;
        // Diagonal 1-pixel lines.
        if (x >= 284 && x < 316 && (x - y + 1000) % 4 === 0) c = ink;
      }
      // Gradients: a hue sweep and a grey ramp.
      if (y >= 208 && y < 222 && x >= 8 && x < 312) c = hue((x - 8) / 304);
      if (y >= 224 && y < 234 && x >= 8 && x < 312) {
        const g = (255 * (x - 8)) / 303;
        c = [g, g, g];
      }
      set(x, y, c);
    }
  return { width, height, data };
}

/**
 * 256×192 on a transparent background: a soft orange ring, a half-transparent
 * blue disc over it, and a bar whose opacity ramps from 0 to 1. The colour of
 * fully transparent pixels is black, as browsers store it.
 */
export function alphaSample(): Pixels {
  const width = 256;
  const height = 192;
  const data = new Uint8ClampedArray(width * height * 4);
  const put = (i: number, c: Rgb, a: number) => {
    // "over" compositing in straight alpha
    const a0 = data[i + 3] / 255;
    const out = a + a0 * (1 - a);
    if (out <= 0) return;
    for (let k = 0; k < 3; k++) data[i + k] = (c[k] * a + data[i + k] * a0 * (1 - a)) / out;
    data[i + 3] = out * 255;
  };
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      // A ring with soft (2 px) edges.
      const d = Math.hypot(x + 0.5 - 96, y + 0.5 - 84);
      const ring = Math.max(0, Math.min(1, (d - 34) / 2 + 0.5, (62 - d) / 2 + 0.5));
      if (ring > 0) put(i, [238, 128, 38], ring);
      // A disc, half transparent, with an antialiased edge.
      const cov = coverage(x, y, (px, py) => ((px - 164) ** 2 + (py - 92) ** 2 <= 52 * 52 ? 1 : 0));
      if (cov > 0) put(i, [40, 110, 220], 0.55 * cov);
      // Opacity ramp with hard vertical stripes.
      if (y >= 160 && y < 180 && x >= 16 && x < 240) {
        const stripe = Math.floor((x - 16) / 8) % 2 === 0 ? ([30, 150, 110] as Rgb) : ([250, 250, 250] as Rgb);
        put(i, stripe, (x - 16) / 223);
      }
    }
  return { width, height, data };
}
