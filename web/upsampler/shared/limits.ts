// The upsampler's size limits, checked before any work. DOM-free.
//
// Why these numbers:
// - One result holds at most 8192 × 8192 = 2²⁶ pixels (67.1 Mpx): the core
//   refuses tensors above 2²⁸ elements, and an RGBA result has 4 per pixel.
//   Its float plane (256 MB) plus the 8-bit images fit the core's 2 GB of
//   WebAssembly memory for every method, including resize-convolution, which
//   holds two output-sized planes at once.
// - A side is at most 16384 px: Chromium's canvases and image bitmaps handle
//   that everywhere, and it keeps very thin images from slipping through.
// - Images are decoded (to be downscaled) up to 100 Mpx and 32767 px on a side;
//   a file declaring more is refused from its header, without decoding.
// So the largest inputs are 4096 × 4096 at ×2, 2730 × 2730 at ×3 and
// 2048 × 2048 at ×4 (or any other shape with as many pixels).

export interface Size {
  width: number;
  height: number;
}

export const LIMITS = {
  maxOutputPixels: 8192 * 8192,
  maxOutputSide: 16384,
  maxDecodePixels: 100_000_000,
  maxDecodeSide: 32767,
} as const;

/**
 * Results of this many pixels or more are "large": they are split into bands
 * across the band workers, and stopping a superseded one replaces its worker
 * rather than waiting. Both have a fixed cost (band halos and messages; a
 * fresh worker loading the core, ~50 ms) that only a computation of this size
 * (tens of milliseconds and up) outweighs.
 */
export const LARGE_OUTPUT_PIXELS = 1 << 20;

export const FACTORS = [2, 3, 4] as const;
export type Factor = (typeof FACTORS)[number];

/** "67.1 Mpx", "0.26 Mpx" */
export function formatMpx(pixels: number): string {
  const m = pixels / 1e6;
  return `${m >= 10 ? m.toFixed(1) : m >= 1 ? m.toFixed(2) : m.toPrecision(2)} Mpx`;
}

export function formatSize(s: Size): string {
  return `${s.width}×${s.height}`;
}

/** The largest square input for a factor: 4096 at ×2, 2730 at ×3, 2048 at ×4. */
export function maxSquareInput(factor: number): number {
  return Math.min(Math.floor(Math.sqrt(LIMITS.maxOutputPixels) / factor), Math.floor(LIMITS.maxOutputSide / factor));
}

/** One line for the UI. */
export function limitsSummary(): string {
  const inputs = FACTORS.map((f) => {
    const n = maxSquareInput(f);
    return `${n}×${n} at ×${f}`;
  }).join(', ');
  return (
    `Each result is at most 8192×8192 (${formatMpx(LIMITS.maxOutputPixels)}), ${LIMITS.maxOutputSide} px on a side: ` +
    `inputs up to ${inputs}, or the same number of pixels in another shape. ` +
    `Larger images (up to ${Math.round(LIMITS.maxDecodePixels / 1e6)} Mpx) can be downscaled to fit.`
  );
}

export type LimitCheck =
  | { ok: true }
  /** fit: the largest size (same aspect) the input can be downscaled to, or null when it cannot be decoded at all. */
  | { ok: false; message: string; fit: Size | null };

function pixels(s: Size): number {
  return s.width * s.height;
}

/** Refuses images too large to decode at all (checked on the header's declared size). */
export function checkDecode(input: Size): LimitCheck {
  if (
    pixels(input) <= LIMITS.maxDecodePixels &&
    input.width <= LIMITS.maxDecodeSide &&
    input.height <= LIMITS.maxDecodeSide
  ) {
    return { ok: true };
  }
  return {
    ok: false,
    fit: null,
    message:
      `it declares ${formatSize(input)} pixels (${formatMpx(pixels(input))}); the upsampler decodes images up to ` +
      `${Math.round(LIMITS.maxDecodePixels / 1e6)} Mpx and ${LIMITS.maxDecodeSide} px on a side, so it was refused ` +
      `before decoding`,
  };
}

function outputFits(out: Size): boolean {
  return (
    pixels(out) <= LIMITS.maxOutputPixels && out.width <= LIMITS.maxOutputSide && out.height <= LIMITS.maxOutputSide
  );
}

/** The largest input (same aspect ratio, at least 1×1) whose ×factor result fits the limits. */
export function fitForFactor(input: Size, factor: number): Size {
  const s = Math.min(
    1,
    Math.sqrt(LIMITS.maxOutputPixels / (factor * factor * pixels(input))),
    LIMITS.maxOutputSide / (factor * input.width),
    LIMITS.maxOutputSide / (factor * input.height),
  );
  const fit = { width: Math.max(1, Math.floor(input.width * s)), height: Math.max(1, Math.floor(input.height * s)) };
  while (!outputFits({ width: fit.width * factor, height: fit.height * factor })) {
    if (fit.width >= fit.height) fit.width--;
    else fit.height--;
  }
  return fit;
}

/** Checks an up-sampling of `input` by an integer factor. */
export function checkFactor(input: Size, factor: number): LimitCheck {
  const out = { width: input.width * factor, height: input.height * factor };
  if (outputFits(out)) return { ok: true };
  const n = maxSquareInput(factor);
  return {
    ok: false,
    fit: fitForFactor(input, factor),
    message:
      `${formatSize(input)} at ×${factor} would give ${formatSize(out)} (${formatMpx(pixels(out))}); a result may have ` +
      `at most ${formatMpx(LIMITS.maxOutputPixels)} (8192×8192) and ${LIMITS.maxOutputSide} px on a side, ` +
      `so at ×${factor} the input may be at most ${n}×${n} or as many pixels in another shape`,
  };
}

/** Checks an explicit output size (interpolation methods). */
export function checkOutputSize(out: Size): LimitCheck {
  if (outputFits(out)) return { ok: true };
  return {
    ok: false,
    fit: null,
    message:
      `an output of ${formatSize(out)} (${formatMpx(pixels(out))}) is above the limit of ` +
      `${formatMpx(LIMITS.maxOutputPixels)} (8192×8192) and ${LIMITS.maxOutputSide} px on a side`,
  };
}
