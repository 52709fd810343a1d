// Drawing the compare view's canvas: the visible part of one or two layers
// (split at a fraction of the stage), a checkerboard under transparency, a
// pixel grid when zoomed far in, and the probed pixel. The canvas is the size
// of the stage, so zooming and panning cost the same at any image size.
// Used by compare-view.ts; takes everything it draws as arguments.

import type { Box, View } from './shared/viewport.js';

export interface Layer {
  bitmap: ImageBitmap;
  /** A smaller copy, drawn when zoomed out far enough (cheap smooth downscaling). */
  preview?: ImageBitmap | null;
  width: number;
  height: number;
  pixels: Uint8ClampedArray;
}

/** At this zoom and above, pixels are drawn as crisp squares. */
export const PIXELATED_FROM = 1;
/** At this zoom and above, a faint grid separates the pixels. */
const GRID_FROM = 12;
/** At this zoom and above, the probed pixel is outlined (below, the outline would hide it). */
const PROBE_OUTLINE_FROM = 4;
/**
 * Smooth (mipmapped) downscaling only from bitmaps up to this many pixels: on
 * a 67 Mpx one it would hold the main thread for a few hundred milliseconds.
 */
const SMOOTH_MAX_PIXELS = 4_200_000;

export interface Scene {
  dpr: number;
  stage: Box;
  view: View;
  imageWidth: number;
  imageHeight: number;
  /** One layer (the difference) or two (left and right of the split). */
  layers: (Layer | null)[];
  /** The split's position, 0–1 of the stage's width. */
  split: number;
  probe: { x: number; y: number } | null;
  /** The checkerboard shown under transparent pixels (cached by the caller). */
  checker: (g: CanvasRenderingContext2D) => CanvasPattern | null;
}

/** A two-colour checkerboard of 8 CSS px squares. */
export function checkerPattern(
  g: CanvasRenderingContext2D,
  color: string,
  base: string,
  dpr: number,
): CanvasPattern | null {
  const n = Math.round(8 * dpr);
  const tile = new OffscreenCanvas(2 * n, 2 * n);
  const t = tile.getContext('2d')!;
  t.fillStyle = base;
  t.fillRect(0, 0, 2 * n, 2 * n);
  t.fillStyle = color;
  t.fillRect(0, 0, n, n);
  t.fillRect(n, n, n, n);
  return g.createPattern(tile, 'repeat');
}

/** Draws the scene; returns whether pixels were drawn as crisp squares, or null when nothing was drawn. */
export function drawScene(canvas: HTMLCanvasElement, scene: Scene): boolean | null {
  const { dpr, stage, layers } = scene;
  const cw = Math.max(1, Math.round(stage.width * dpr));
  const ch = Math.max(1, Math.round(stage.height * dpr));
  if (canvas.width !== cw || canvas.height !== ch) {
    canvas.width = cw;
    canvas.height = ch;
  }
  const g = canvas.getContext('2d')!;
  g.setTransform(1, 0, 0, 1, 0, 0);
  g.clearRect(0, 0, cw, ch);
  if (!layers.some((l) => l) || !scene.imageWidth) return null;

  const { scale, x, y } = scene.view;
  const W = scene.imageWidth;
  const H = scene.imageHeight;
  const s = scale * dpr;
  // The visible part of the image, in whole image pixels.
  const x0 = Math.max(0, Math.floor(-x / scale));
  const y0 = Math.max(0, Math.floor(-y / scale));
  const x1 = Math.min(W, Math.ceil((stage.width - x) / scale));
  const y1 = Math.min(H, Math.ceil((stage.height - y) / scale));
  if (x1 <= x0 || y1 <= y0) return null;
  const dx = (x + x0 * scale) * dpr;
  const dy = (y + y0 * scale) * dpr;
  const dw = (x1 - x0) * s;
  const dh = (y1 - y0) * s;

  // Transparency shows as a checkerboard under the image.
  const pat = scene.checker(g);
  if (pat) {
    g.fillStyle = pat;
    g.fillRect(dx, dy, dw, dh);
  }

  const pixelated = scale >= PIXELATED_FROM;
  g.imageSmoothingEnabled = !pixelated;

  const paint = (layer: Layer | null) => {
    if (!layer) return;
    // Zoomed out: the preview, when it still has a pixel for every device pixel drawn.
    const p = layer.preview;
    const src = !pixelated && p && s <= p.width / W ? p : layer.bitmap;
    g.imageSmoothingQuality = src.width * src.height <= SMOOTH_MAX_PIXELS ? 'medium' : 'low';
    // A stale layer of another size is stretched over the same box.
    const kx = src.width / W;
    const ky = src.height / H;
    g.drawImage(src, x0 * kx, y0 * ky, (x1 - x0) * kx, (y1 - y0) * ky, dx, dy, dw, dh);
  };
  if (layers.length === 1) {
    paint(layers[0]!);
  } else {
    const split = Math.round(scene.split * stage.width * dpr);
    g.save();
    g.beginPath();
    g.rect(0, 0, split, ch);
    g.clip();
    paint(layers[0]!);
    g.restore();
    g.save();
    g.beginPath();
    g.rect(split, 0, cw - split, ch);
    g.clip();
    paint(layers[1]!);
    g.restore();
  }

  if (scale >= GRID_FROM) {
    g.strokeStyle = 'rgb(128 128 128 / 35%)';
    g.lineWidth = 1;
    g.beginPath();
    for (let i = x0; i <= x1; i++) {
      const px = Math.round((x + i * scale) * dpr) + 0.5;
      g.moveTo(px, dy);
      g.lineTo(px, dy + dh);
    }
    for (let j = y0; j <= y1; j++) {
      const py = Math.round((y + j * scale) * dpr) + 0.5;
      g.moveTo(dx, py);
      g.lineTo(dx + dw, py);
    }
    g.stroke();
  }

  // The probed pixel: outlined when it is large enough to see.
  const probe = scene.probe;
  if (probe && scale >= PROBE_OUTLINE_FROM) {
    g.strokeStyle = '#fff';
    g.lineWidth = Math.max(1, dpr);
    const px = (x + probe.x * scale) * dpr;
    const py = (y + probe.y * scale) * dpr;
    g.strokeRect(px + 0.5, py + 0.5, s - 1, s - 1);
    g.strokeStyle = '#000';
    g.strokeRect(px - 0.5, py - 0.5, s + 1, s + 1);
  }
  return pixelated;
}
