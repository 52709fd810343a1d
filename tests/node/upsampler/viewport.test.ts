// Zoom and pan maths of the compare view (web/upsampler/shared/viewport.ts).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  clampView,
  fitView,
  formatZoom,
  nextZoom,
  panBy,
  pixelAt,
  zoomAt,
  type View,
} from '../../../web/upsampler/shared/viewport.js';

describe('viewport', () => {
  const image = { width: 800, height: 600 };
  const stage = { width: 400, height: 400 };

  it('fits and centres the image; a fit above 100 % is a whole zoom', () => {
    const v = fitView(image, stage);
    expect(v.scale).toBe(0.5);
    expect([v.x, v.y]).toEqual([0, 50]);
    expect(fitView({ width: 100, height: 100 }, stage).scale).toBe(4);
    expect(fitView({ width: 300, height: 100 }, stage)).toEqual({ scale: 1, x: 50, y: 150 });
  });

  it('zooming keeps the point under the pointer in place', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.3, max: 8, noNaN: true }),
        fc.double({ min: 0, max: 400, noNaN: true }),
        fc.double({ min: 0, max: 400, noNaN: true }),
        (factor, px, py) => {
          const v: View = { scale: 2, x: -300, y: -200 };
          const z = zoomAt(v, factor, px, py, image, stage);
          const before = { x: (px - v.x) / v.scale, y: (py - v.y) / v.scale };
          const after = { x: (px - z.x) / z.scale, y: (py - z.y) / z.scale };
          // Unless clamping moved the view to keep the image on the stage.
          const clamped = clampView({ ...z }, image, stage);
          expect(clamped).toEqual(z);
          if (z.x < 0 && z.x > 400 - 800 * z.scale && z.y < 0 && z.y > 400 - 600 * z.scale) {
            expect(after.x).toBeCloseTo(before.x, 6);
            expect(after.y).toBeCloseTo(before.y, 6);
          }
        },
      ),
    );
  });

  it('keeps the image on the stage, and maps stage points to pixels', () => {
    const big = { scale: 4, x: 0, y: 0 };
    expect(panBy(big, 500, 500, image, stage)).toEqual({ scale: 4, x: 0, y: 0 });
    expect(panBy(big, -1e6, -1e6, image, stage)).toEqual({ scale: 4, x: 400 - 3200, y: 400 - 2400 });
    expect(pixelAt(big, 9, 9, image)).toEqual({ x: 2, y: 2 });
    expect(pixelAt(big, -1, 9, image)).toBeNull();
    expect(pixelAt({ scale: 1, x: 0, y: 0 }, 800, 0, image)).toBeNull();
  });

  it('zoom steps reach 100 % from anywhere, and print nicely', () => {
    let s = 0.13;
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) seen.push((s = nextZoom(s, 1)));
    expect(seen.some((v) => Math.abs(v - 1) < 1e-9)).toBe(true);
    expect(nextZoom(1, -1)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(formatZoom(1)).toBe('100 %');
    expect(formatZoom(0.125)).toBe('12.5 %');
    expect(formatZoom(16)).toBe('1600 %');
  });
});
