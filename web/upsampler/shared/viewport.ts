// Zoom and pan of the compare view: a screen point is image · scale + offset,
// in CSS pixels relative to the stage. DOM-free.

export interface View {
  /** CSS pixels per image pixel. */
  scale: number;
  x: number;
  y: number;
}

export interface Box {
  width: number;
  height: number;
}

export const MAX_SCALE = 64;

/** The smallest zoom: a quarter of "fit", and never above 1. */
export function minScale(image: Box, stage: Box): number {
  return Math.min(1, fitScale(image, stage) / 4);
}

export function fitScale(image: Box, stage: Box, margin = 0): number {
  const w = Math.max(1, stage.width - 2 * margin);
  const h = Math.max(1, stage.height - 2 * margin);
  return Math.min(w / image.width, h / image.height);
}

/**
 * The whole image, centred, as large as fits. A fit of 100 % or more is
 * rounded down to a whole zoom, so every image pixel covers the same number
 * of screen pixels (no uneven, moiré-like pixel widths in pixelated drawing).
 */
export function fitView(image: Box, stage: Box, margin = 0): View {
  const fit = fitScale(image, stage, margin);
  return centred(image, stage, fit >= 1 ? Math.floor(fit) : fit);
}

export function centred(image: Box, stage: Box, scale: number): View {
  return { scale, x: (stage.width - image.width * scale) / 2, y: (stage.height - image.height * scale) / 2 };
}

/**
 * Keeps at least part of the image on the stage: an image smaller than the
 * stage stays fully inside it (centred on the axis where it is smaller); a
 * larger one cannot be dragged past its edges.
 */
export function clampView(view: View, image: Box, stage: Box): View {
  const clampAxis = (offset: number, size: number, room: number) => {
    if (size <= room) return Math.min(Math.max(offset, 0), room - size);
    return Math.min(0, Math.max(offset, room - size));
  };
  const w = image.width * view.scale;
  const h = image.height * view.scale;
  return { scale: view.scale, x: clampAxis(view.x, w, stage.width), y: clampAxis(view.y, h, stage.height) };
}

/** Zooms by `factor` keeping the image point under (px, py) in place. */
export function zoomAt(view: View, factor: number, px: number, py: number, image: Box, stage: Box): View {
  const scale = Math.min(MAX_SCALE, Math.max(minScale(image, stage), view.scale * factor));
  const k = scale / view.scale;
  return clampView({ scale, x: px - (px - view.x) * k, y: py - (py - view.y) * k }, image, stage);
}

/** Sets the zoom to `scale`, keeping the stage centre in place. */
export function zoomTo(view: View, scale: number, image: Box, stage: Box): View {
  return zoomAt(view, scale / view.scale, stage.width / 2, stage.height / 2, image, stage);
}

export function panBy(view: View, dx: number, dy: number, image: Box, stage: Box): View {
  return clampView({ scale: view.scale, x: view.x + dx, y: view.y + dy }, image, stage);
}

/** The image pixel under a stage point, or null outside the image. */
export function pixelAt(view: View, px: number, py: number, image: Box): { x: number; y: number } | null {
  const x = Math.floor((px - view.x) / view.scale);
  const y = Math.floor((py - view.y) / view.scale);
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return null;
  return { x, y };
}

/** Zoom steps of the buttons and keys: powers of √2, snapped so 100 % is always reachable. */
export function nextZoom(scale: number, direction: 1 | -1): number {
  const step = Math.SQRT2;
  const level = Math.log(scale) / Math.log(step);
  const target = direction > 0 ? Math.floor(level + 1e-6) + 1 : Math.ceil(level - 1e-6) - 1;
  return step ** target;
}

/** "100 %", "1 600 %", "12.5 %" */
export function formatZoom(scale: number): string {
  const p = scale * 100;
  if (p >= 100) return `${Math.round(p)} %`;
  if (p >= 10) return `${Math.round(p * 10) / 10} %`;
  return `${Math.round(p * 100) / 100} %`;
}
