// Splitting one up-sampling across several workers without shared memory:
// the result is cut into horizontal bands (tiles as wide as the image, so
// each is one contiguous block of bytes), each band is computed from the
// image rows it reads (its rows plus a halo, as the core names them) in its
// own module instance, and the bands are copied into place. The core computes
// a band's rows exactly as the single call does, so the stitched image is
// identical to it. DOM-free.

import type { RgbaImage, Tconv, UpsampleOptions } from '../../lib/types.js';

/** Most workers a page starts for one up-sampling, however many cores it reports. */
export const MAX_WORKERS = 8;

/** How many workers to use on a machine that reports `cores` (navigator.hardwareConcurrency). */
export function defaultWorkerCount(cores: number | undefined): number {
  if (!cores || !Number.isFinite(cores) || cores < 1) return 1;
  return Math.min(MAX_WORKERS, Math.floor(cores));
}

export interface BandJob {
  /** [begin, end) rows of the whole result this band computes. */
  outputRows: [number, number];
  /** [begin, end) rows of the image it reads: its rows and their halo. */
  inputRows: [number, number];
}

/** Cuts `total` rows into `parts` runs whose lengths differ by at most one (fewer when total is small). */
export function splitRows(total: number, parts: number): [number, number][] {
  const n = Math.max(1, Math.min(Math.floor(parts), total));
  const runs: [number, number][] = [];
  for (let i = 0; i < n; i++) runs.push([Math.floor((total * i) / n), Math.floor((total * (i + 1)) / n)]);
  return runs;
}

/** The bands of an up-sampling of an image of `size` into `outputHeight` rows, for `parts` workers. */
export function planBands(
  tc: Pick<Tconv, 'upsampleInputRows'>,
  size: { width: number; height: number },
  options: UpsampleOptions,
  outputHeight: number,
  parts: number,
): BandJob[] {
  return splitRows(outputHeight, parts).map((outputRows) => ({
    outputRows,
    inputRows: tc.upsampleInputRows(size, options, outputRows),
  }));
}

/** Rows [begin, end) of an image, as a new image (one copy). */
export function sliceRows(image: RgbaImage, rows: [number, number]): RgbaImage & { data: Uint8ClampedArray } {
  const rowBytes = image.width * 4;
  const data = new Uint8ClampedArray(
    image.data.buffer,
    image.data.byteOffset + rows[0] * rowBytes,
    (rows[1] - rows[0]) * rowBytes,
  ).slice();
  return { data, width: image.width, height: rows[1] - rows[0] };
}

/** Copies a computed band into the whole result at its first row. */
export function placeBand(target: RgbaImage, band: RgbaImage, firstRow: number): void {
  if (band.width !== target.width || firstRow + band.height > target.height) {
    throw new Error(
      `band ${band.width}×${band.height} at row ${firstRow} does not fit the result ${target.width}×${target.height}`,
    );
  }
  target.data.set(band.data, firstRow * target.width * 4);
}

/** True when every alpha value is 255 (bands need to know this of the whole image). */
export function isOpaque(image: RgbaImage): boolean {
  const d = image.data;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 255) return false;
  return true;
}
