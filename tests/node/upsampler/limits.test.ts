// The upsampler's size limits (web/upsampler/shared/limits.ts): what fits, what is refused and
// why, and the largest input that fits each factor.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  FACTORS,
  LIMITS,
  checkDecode,
  checkFactor,
  checkOutputSize,
  fitForFactor,
  formatMpx,
  limitsSummary,
  maxSquareInput,
} from '../../../web/upsampler/shared/limits.js';
import { tconv } from '../helpers.js';

describe('limits', () => {
  it('allow 4096×4096 at ×2, 2730×2730 at ×3 and 2048×2048 at ×4, and no more', () => {
    expect([2, 3, 4].map(maxSquareInput)).toEqual([4096, 2730, 2048]);
    for (const f of [2, 3, 4]) {
      const n = maxSquareInput(f);
      expect(checkFactor({ width: n, height: n }, f).ok).toBe(true);
      const over = checkFactor({ width: n + 1, height: n + 1 }, f);
      expect(over.ok).toBe(false);
      if (!over.ok) {
        expect(over.message).toContain(`at most ${n}×${n}`);
        expect(over.message).toContain('67.1 Mpx');
        expect(over.fit).not.toBeNull();
      }
    }
    expect(LIMITS.maxOutputPixels).toBe(2 ** 26); // the core's 2^28 elements / 4 channels
  });

  it('count pixels, and cap each side', () => {
    expect(checkFactor({ width: 8192, height: 2048 }, 2).ok).toBe(true); // 33.5 Mpx in, 16384×4096 out
    expect(checkFactor({ width: 8193, height: 100 }, 2).ok).toBe(false); // a side above 16384
  });

  it('fitForFactor keeps the aspect and gives the largest input that fits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30000 }),
        fc.integer({ min: 1, max: 30000 }),
        fc.constantFrom(2, 3, 4),
        (w, h, f) => {
          const fit = fitForFactor({ width: w, height: h }, f);
          expect(checkFactor(fit, f).ok).toBe(true);
          expect(fit.width).toBeLessThanOrEqual(w);
          expect(fit.height).toBeLessThanOrEqual(h);
          if (checkFactor({ width: w, height: h }, f).ok) expect(fit).toEqual({ width: w, height: h });
          else {
            // Not far from the limit: one more row and column would not fit.
            expect(checkFactor({ width: fit.width + 2, height: fit.height + 2 }, f).ok).toBe(false);
            if (fit.width > 20 && fit.height > 20) {
              expect(Math.abs(fit.width / fit.height - w / h) / (w / h)).toBeLessThan(0.1);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
    expect(fitForFactor({ width: 6000, height: 4000 }, 2)).toEqual({ width: 5016, height: 3344 });
  });

  it('refuse undecodable sizes and too-large output sizes with the numbers', () => {
    const huge = checkDecode({ width: 100_000, height: 100_000 });
    expect(huge).toMatchObject({ ok: false, fit: null });
    if (!huge.ok) expect(huge.message).toContain('100000×100000 pixels (10000.0 Mpx)');
    expect(checkDecode({ width: 12000, height: 8000 }).ok).toBe(true);
    expect(checkOutputSize({ width: 8192, height: 8192 }).ok).toBe(true);
    expect(checkOutputSize({ width: 8193, height: 8192 }).ok).toBe(false);
    expect(formatMpx(67_108_864)).toBe('67.1 Mpx');
    expect(limitsSummary()).toContain('4096×4096 at ×2, 2730×2730 at ×3, 2048×2048 at ×4');
  });

  it("stay within the core's caps: its largest image, its factor range", async () => {
    const tc = await tconv();
    expect(LIMITS.maxOutputPixels).toBeLessThanOrEqual(tc.limits.maxImagePixels);
    for (const f of FACTORS) {
      expect(f).toBeGreaterThanOrEqual(tc.limits.minFactor);
      expect(f).toBeLessThanOrEqual(tc.limits.maxFactor);
    }
  });

  it('match what the core accepts: 8192×8192 RGBA is its largest image', async () => {
    const tc = await tconv();
    const img = { data: new Uint8ClampedArray(4), width: 1, height: 1 };
    expect(() => tc.upsampleImage(img, { method: 'nearest', size: [8192, 8193] })).toThrowError(/elements/);
  });
});
