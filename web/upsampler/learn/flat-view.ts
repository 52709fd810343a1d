// The flat-grey responses as the Learn mode draws them: the central pixels of
// each model's output for a flat mid-grey input, far from the border, with
// their contrast stretched by one gain for both sides (so the two can be
// compared at a glance), each channel around its own mean: a colour cast is
// not a checkerboard, and the span is then the trainer's measure (max − min
// of a channel, the largest). Drawing only: the checkerboard number beside
// each image is the trainer's. DOM-free.

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
  /** Per side (null where it has no response yet): the stretched crop (RGBA), each channel's mean, the largest span. */
  sides: ({ pixels: Uint8ClampedArray; means: number[]; span: number } | null)[];
}

/** The central crop×crop pixels of a response (RGB, in order), each channel's mean and the largest channel span. */
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
  const channel = (c: number) => values.filter((_, i) => i % 3 === c);
  const means = [0, 1, 2].map((c) => channel(c).reduce((s, v) => s + v, 0) / (crop * crop));
  const span = Math.max(...[0, 1, 2].map((c) => Math.max(...channel(c)) - Math.min(...channel(c))));
  return { values, means, span };
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
        for (let c = 0; c < 3; c++) pixels[4 * i + c] = Math.round(127.5 + (p.values[3 * i + c] - p.means[c]) * gain);
        pixels[4 * i + 3] = 255;
      }
      return { pixels, means: p.means, span: p.span };
    }),
  };
}
