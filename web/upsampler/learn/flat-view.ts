// The flat-grey responses as the Learn mode draws them: the central pixels of
// each model's output for a flat mid-grey input, far from the border, with
// their contrast stretched by one gain for both sides (so the two can be
// compared at a glance), around each side's own mean. Drawing only: the
// checkerboard number beside each image is the trainer's. DOM-free.

import type { RgbaBuffer } from '../shared/protocol.js';

/** Output pixels per input pixel of the crop: the crop is CROP_INPUTS·factor square. */
export const CROP_INPUTS = 4;
/** The gain never exceeds 255 / MIN_SPAN: a flat response (span 0) is not blown up into noise. */
export const MIN_SPAN = 2;

export interface FlatView {
  /** Side of the square crop, in output pixels. */
  crop: number;
  /** 127.5 + (v − mean)·gain, for both sides. */
  gain: number;
  /** Per side (null where it has no response yet): the stretched crop (RGBA) and its mean and span. */
  sides: ({ pixels: Uint8ClampedArray; mean: number; span: number } | null)[];
}

/** The central crop×crop RGB values of a response, in order, and their mean and span (max − min). */
function central(r: RgbaBuffer, crop: number) {
  const data = new Uint8ClampedArray(r.pixels);
  const x0 = Math.floor((r.width - crop) / 2);
  const y0 = Math.floor((r.height - crop) / 2);
  const values: number[] = [];
  for (let y = 0; y < crop; y++)
    for (let x = 0; x < crop; x++) {
      const i = 4 * ((y0 + y) * r.width + x0 + x);
      values.push(data[i], data[i + 1], data[i + 2]);
    }
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { values, mean, span: Math.max(...values) - Math.min(...values) };
}

export function flatView(responses: (RgbaBuffer | null)[], factor: number): FlatView {
  const smallest = Math.min(...responses.filter((r) => r).map((r) => Math.min(r!.width, r!.height)));
  const crop = Math.min(CROP_INPUTS * factor, Number.isFinite(smallest) ? smallest : CROP_INPUTS * factor);
  const parts = responses.map((r) => (r ? central(r, crop) : null));
  const gain = 255 / Math.max(MIN_SPAN, ...parts.map((p) => p?.span ?? 0));
  return {
    crop,
    gain,
    sides: parts.map((p) => {
      if (!p) return null;
      const pixels = new Uint8ClampedArray(crop * crop * 4);
      for (let i = 0; i < crop * crop; i++) {
        for (let c = 0; c < 3; c++) pixels[4 * i + c] = Math.round(127.5 + (p.values[3 * i + c] - p.mean) * gain);
        pixels[4 * i + 3] = 255;
      }
      return { pixels, mean: p.mean, span: p.span };
    }),
  };
}
