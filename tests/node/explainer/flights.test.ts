// How a step animates: which cells send chips to which, checked against the
// definitions of a convolution and its matrix, and against the core.
import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG } from '../../../web/lib/explainer/config.js';
import { type Flight, flights } from '../../../web/lib/explainer/flights.js';
import type { ExplainerModel } from '../../../web/lib/explainer/model-types.js';
import { type ChapterId, chapters } from '../../../web/lib/explainer/timeline.js';
import { type GridSpec, view } from '../../../web/lib/explainer/views.js';
import { model, randomModels, reachedFrom, windowOf } from './support.js';

const moving = (list: Flight[]) => list.filter((f) => f.mode !== 'fade');

/** For C's row r, the weight (kernel tap) at each input column, from the definition of the convolution. */
function tapsOfRow(m: ExplainerModel, r: number): Map<number, number> {
  const c = m.config;
  const [oh, ow] = [Math.floor(r / m.outputSize[1]), r % m.outputSize[1]];
  const taps = new Map<number, number>();
  for (let i = 0; i < c.kernel[0]; i++)
    for (let j = 0; j < c.kernel[1]; j++) {
      const ih = oh * c.stride[0] + i * c.dilation[0] - c.padding[0];
      const iw = ow * c.stride[1] + j * c.dilation[1] - c.padding[1];
      if (ih >= 0 && ih < c.input[0] && iw >= 0 && iw < c.input[1]) taps.set(ih * c.input[1] + iw, i * c.kernel[1] + j);
    }
  return taps;
}

describe('every step', () => {
  it('moves between cells that the frame draws, within the step’s time', async () => {
    for (const m of await randomModels(15, 31)) {
      for (const ch of chapters(m)) {
        const steps: [number, boolean][] = [[0, true], ...ch.frames.map((_, f): [number, boolean] => [f, false])];
        for (const [frame, enter] of steps) {
          const drawn = new Map(
            view(m, ch.id, frame)
              .rows.flatMap((r) => r.items)
              .filter((i): i is GridSpec => i.type === 'grid')
              .map((g) => [g.id, g.rows * g.cols]),
          );
          for (const f of flights(m, ch.id, frame, enter)) {
            const where = `${ch.id} frame ${frame}${enter ? ' (enter)' : ''}: ${JSON.stringify(f)}`;
            for (const p of f.from ? [f.from, f.to] : [f.to]) {
              expect(drawn.has(p.grid), where).toBe(true);
              expect(p.index, where).toBeGreaterThanOrEqual(0);
              expect(p.index, where).toBeLessThan(drawn.get(p.grid)!);
            }
            expect(0 <= f.start && f.start <= f.end && f.end <= 1, where).toBe(true);
            expect(f.mode === 'fade' || f.from !== undefined, where).toBe(true);
          }
        }
      }
    }
  });

  it('does not move on frame 0 of a chapter except when entering it', async () => {
    const m = await model(DEFAULT_CONFIG);
    for (const id of ['slide', 'build', 'multiply', 'transpose', 'overlap'] as ChapterId[]) {
      expect(flights(m, id, 0)).toEqual([]);
      expect(flights(m, id, 0, true)).toEqual([]);
    }
    // Entering chapters 6 and 7 carries y into place.
    expect(
      flights(m, 'transposed', 0, true).map((f) => `${f.from!.grid}${f.from!.index}→${f.to.grid}${f.to.index}`),
    ).toEqual(['y0→vecy0', 'y1→vecy1', 'y2→vecy2', 'y3→vecy3']);
    expect(flights(m, 'zeros', 0, true)).toHaveLength(4);
  });
});

describe('what moves where', () => {
  it('slides the kernel over the window of output r, then merges the window into it', async () => {
    for (const m of await randomModels(25, 32)) {
      for (let r = 0; r < m.out.values.length; r++) {
        const list = flights(m, 'slide', r + 1);
        const fly = list.filter((f) => f.mode === 'fly');
        expect(fly.map((f) => f.from)).toEqual(fly.map((_, t) => ({ grid: 'k', index: t })));
        expect(fly.map((f) => f.to.index)).toEqual(windowOf(m.config, m.outputSize, r));
        const merge = list.filter((f) => f.mode === 'merge');
        expect(new Set(merge.map((f) => `${f.to.grid}:${f.to.index}`))).toEqual(new Set([`out:${r}`]));
        expect(merge.map((f) => f.from!.index)).toEqual(windowOf(m.config, m.outputSize, r));
      }
    }
  });

  it('builds row r of C from the kernel: each weight flies to the column of the input it multiplies', async () => {
    for (const m of await randomModels(25, 33)) {
      for (let r = 0; r < m.C.rows; r++) {
        const list = flights(m, 'build', r + 1);
        const taps = tapsOfRow(m, r);
        const flown = new Map(moving(list).map((f) => [f.to.index - r * m.C.cols, f.from!.index]));
        expect(flown).toEqual(taps);
        const faded = new Set(list.filter((f) => f.mode === 'fade').map((f) => f.to.index - r * m.C.cols));
        for (let c = 0; c < m.C.cols; c++) expect(faded.has(c), `row ${r} col ${c}`).toBe(!taps.has(c));
      }
    }
  });

  it('paints with entry r of y exactly the outputs the core reaches from it', async () => {
    for (const m of await randomModels(20, 34)) {
      for (let r = 0; r < m.y.values.length; r++) {
        const toOut = flights(m, 'transposed', r + 1).filter((f) => f.to.grid === 'tout');
        expect(toOut.every((f) => f.from!.grid === 'y' && f.from!.index === r)).toBe(true);
        expect(new Set(toOut.map((f) => f.to.index))).toEqual(await reachedFrom(m, [r]));
      }
    }
  });

  it('flattens row r of x into vec(x) entry by entry', async () => {
    const m = await model({ ...DEFAULT_CONFIG, input: [3, 5] });
    const list = flights(m, 'flatten', 3);
    expect(list.map((f) => [f.from!.index, f.to.index])).toEqual([10, 11, 12, 13, 14].map((i) => [i, i]));
  });
});
