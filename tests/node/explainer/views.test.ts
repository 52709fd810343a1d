// What each chapter draws at each frame: grids of the model's own numbers
// (never recomputed), their sizes, and which cells are not yet computed,
// checked against the definitions and the core.
import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG } from '../../../web/lib/explainer/config.js';
import { derived } from '../../../web/lib/explainer/derived.js';
import type { ExplainerModel } from '../../../web/lib/explainer/model-types.js';
import { chapters } from '../../../web/lib/explainer/timeline.js';
import { related } from '../../../web/lib/explainer/relations.js';
import { cellSize, type GridSpec, highlightSets, multiplicationStrip, view } from '../../../web/lib/explainer/views.js';
import { oneDecimal, shortNumber } from '../../../web/lib/explainer/view-parts.js';
import { learnedCt } from '../../../web/lib/explainer/views-gradient.js';
import { model, randomModels, reachedBy, range } from './support.js';

const grids = (m: ExplainerModel, chapter: Parameters<typeof view>[1], frame: number) =>
  view(m, chapter, frame).rows.flatMap((r) => r.items.filter((i): i is GridSpec => i.type === 'grid'));

const gridOf = (m: ExplainerModel, chapter: Parameters<typeof view>[1], frame: number, id: string) => {
  const g = grids(m, chapter, frame).find((s) => s.id === id);
  if (!g) throw new Error(`no grid ${id} in ${chapter} frame ${frame}`);
  return g;
};

/** Cells drawn as not computed: index ≥ revealed, or in hidden. */
const notComputed = (g: GridSpec) =>
  new Set(range(g.rows * g.cols).filter((i) => (g.revealed !== undefined && i >= g.revealed) || g.hidden?.has(i)));

/** Every array of numbers the model holds: a view may show these and nothing else. */
function modelArrays(m: ExplainerModel): Set<Float32Array> {
  const z = m.zeroInsertion;
  const o = m.overlap;
  return new Set([
    m.x.values,
    m.k.values,
    m.xpad.values,
    m.out.values,
    m.C.values,
    m.y.values,
    m.kt.values,
    m.Ct.values,
    m.Cx.values,
    m.Cty.values,
    ...m.CtyPartial.map((p) => p.values),
    m.tout.values,
    ...m.toutPartial.map((p) => p.values),
    z.zi.values,
    z.kflip.values,
    z.out.values,
    o.current.counts.values,
    o.balanced.counts.values,
    o.resize.counts.values,
    derived(m).Ct.values,
    derived(m).CtC.values,
    m.gradient.g.values,
    m.gradient.Ctg.values,
    m.gradient.gradInput.values,
    m.gradient.gradWeight.values,
    m.learning.target.values,
    ...m.learning.snapshots.flatMap((s) => [s.weights.values, s.output.values, learnedCt(s).values]),
  ]);
}

describe('cell sizes', () => {
  it('picks normal up to 9 rows or columns and 64 cells, small up to 20 rows, 24 columns and 640 cells', () => {
    const cases: [number, number, string][] = [
      [9, 9, 'small'],
      [9, 7, 'normal'],
      [8, 8, 'normal'],
      [1, 9, 'normal'],
      [10, 1, 'small'],
      [1, 10, 'small'],
      [9, 8, 'small'],
      [20, 24, 'small'],
      [21, 1, 'compact'],
      [1, 25, 'compact'],
      [20, 20, 'small'],
      [19, 34, 'compact'],
    ];
    for (const [r, c, size] of cases) expect(cellSize(r, c), `${r}×${c}`).toBe(size);
  });
});

describe('every view of every chapter', () => {
  it('shows only the model’s own arrays, each at its size, with unique grid ids', async () => {
    for (const m of await randomModels(15, 21)) {
      const arrays = modelArrays(m);
      for (const ch of chapters(m)) {
        for (let f = 0; f < ch.frames.length; f++) {
          const specs = grids(m, ch.id, f);
          expect(new Set(specs.map((s) => s.id)).size, `${ch.id} ${f}`).toBe(specs.length);
          for (const s of specs) {
            const where = `${ch.id} frame ${f}, ${s.id}`;
            expect(arrays.has(s.values), where).toBe(true);
            expect(s.values.length, where).toBe(s.rows * s.cols);
            if (s.kinds) expect(s.kinds.length, where).toBe(s.rows * s.cols);
            for (const i of s.hidden ?? []) expect(i, where).toBeLessThan(s.rows * s.cols);
            for (const i of s.faded ?? []) expect(i, where).toBeLessThan(s.rows * s.cols);
          }
        }
      }
    }
  });
});

describe('what each frame has computed so far', () => {
  it('reveals one output per frame of the sliding window, one row of C per frame of building it', async () => {
    const m = await model(DEFAULT_CONFIG);
    for (let f = 0; f < 5; f++) {
      expect(notComputed(gridOf(m, 'slide', f, 'out')).size).toBe(4 - f);
      expect(notComputed(gridOf(m, 'build', f, 'C'))).toEqual(new Set(range(64).slice(16 * f)));
      expect(notComputed(gridOf(m, 'flatten', f, 'vecx')).size).toBe(16 - 4 * f);
    }
  });

  it('transposes C column by column: nothing, then the first row of C as Cᵀ’s first column, then all', async () => {
    for (const m of await randomModels(20, 22)) {
      const rows = m.Ct.rows; // y entries = columns of the drawn Cᵀ
      const n = m.Ct.rows * m.Ct.cols;
      expect(notComputed(gridOf(m, 'transpose', 0, 'Ct')).size).toBe(n);
      const firstColumn = new Set(range(m.Ct.cols).map((c) => c * rows));
      const shown = range(n).filter((i) => !notComputed(gridOf(m, 'transpose', 1, 'Ct')).has(i));
      expect(new Set(shown)).toEqual(firstColumn);
      expect(notComputed(gridOf(m, 'transpose', 2, 'Ct')).size).toBe(0);
    }
  });

  it('paints Cᵀ·vec(y) entry by entry: the outputs shown are those the core reaches from y’s first entries', async () => {
    for (const m of await randomModels(25, 23)) {
      for (let i = 0; i <= m.y.values.length; i++) {
        const reached = await reachedBy(m, i);
        const tout = gridOf(m, 'transposed', i, 'tout');
        const hidden = notComputed(tout);
        for (let o = 0; o < m.tout.values.length; o++) expect(hidden.has(o), `y[:${i}] → ${o}`).toBe(!reached.has(o));
        expect(tout.values).toBe(m.toutPartial[i].values);
        // The column under "Cᵀ·vec(y)" is the core's matrix product, not the scatter's output.
        expect(gridOf(m, 'transposed', i, 'Cty').values).toBe(m.CtyPartial[i].values);
      }
    }
  });

  it('places y, then the inserted zeros, then the padding, then computes one window per frame', async () => {
    for (const m of await randomModels(20, 24)) {
      const kinds = m.zeroInsertion.zi.kinds;
      const of = (kind: string) => new Set(range(kinds.length).filter((p) => kinds[p] === kind));
      expect(notComputed(gridOf(m, 'zeros', 0, 'zi'))).toEqual(new Set([...of('inserted'), ...of('pad')]));
      expect(notComputed(gridOf(m, 'zeros', 1, 'zi'))).toEqual(of('pad'));
      expect(notComputed(gridOf(m, 'zeros', 2, 'zi')).size).toBe(0);
      const outputs = m.tout.values.length;
      for (const f of [0, 2, 3, 5, 3 + outputs - 1, 3 + outputs]) {
        const done = Math.max(0, Math.min(outputs, f - 2));
        expect(notComputed(gridOf(m, 'zeros', f, 'ziout')).size, `frame ${f}`).toBe(outputs - done);
        expect(multiplicationStrip(m, f).done, `frame ${f}`).toBe(done);
      }
    }
  });

  it('uncovers the balanced and resize maps of the last chapter one frame after another', async () => {
    const m = await model({ ...DEFAULT_CONFIG, input: [5, 5], stride: [2, 2] });
    const hidden = (f: number, id: string) => notComputed(gridOf(m, 'overlap', f, id)).size;
    expect([hidden(0, 'heat'), hidden(0, 'heatBalanced') > 0, hidden(0, 'heatResize') > 0]).toEqual([0, true, true]);
    expect([hidden(1, 'heatBalanced'), hidden(1, 'heatResize') > 0]).toEqual([0, true]);
    expect(hidden(2, 'heatResize')).toBe(0);
    // One colour scale for the three maps.
    expect(new Set(grids(m, 'overlap', 2).map((g) => g.scale))).toEqual(new Set([m.overlap.maxCount]));
  });
});

describe('chapters 9 and 10, frame by frame', () => {
  it('computes ∂L/∂x on the first step, then one weight’s gradient per frame, ringing what each weight met', async () => {
    for (const m of await randomModels(20, 23)) {
      const K = m.k.values.length;
      const n = m.x.values.length;
      expect(notComputed(gridOf(m, 'gradient', 0, 'gx')).size).toBe(n);
      expect(notComputed(gridOf(m, 'gradient', 0, 'Ctg')).size).toBe(n);
      expect(notComputed(gridOf(m, 'gradient', 1, 'gx')).size).toBe(0);
      const all = chapters(m)[8];
      for (let f = 0; f < all.frames.length; f++) {
        // Frame 3 + t computes weight t (the intro, ∂L/∂x and conv_transpose2d come first).
        const done = Math.max(0, Math.min(K, f - 2));
        expect(notComputed(gridOf(m, 'gradient', f, 'gk')).size, `frame ${f}`).toBe(K - done);
      }
      for (let t = 0; t < K; t++) {
        const sets = highlightSets(m, view(m, 'gradient', 3 + t), all.frames[3 + t].active);
        // The window's cell under weight t at every output, read off the definition of the padded input's windows.
        const cells = new Set(m.windows.map((taps) => taps[t]));
        expect(sets.get('xpad')).toEqual(cells);
        expect(sets.get('g')).toEqual(new Set(range(m.y.values.length)));
        expect(sets.get('gk')).toEqual(new Set([t]));
      }
    }
  });

  it('draws chapter 10’s iteration f: its weights, their Cᵀ, its output and the steady target', async () => {
    for (const m of await randomModels(10, 24)) {
      const L = m.learning;
      L.snapshots.forEach((s, f) => {
        expect(gridOf(m, 'learn', f, 'w').values).toBe(s.weights.values);
        expect(gridOf(m, 'learn', f, 'learned').values).toBe(s.output.values);
        expect(gridOf(m, 'learn', f, 'target').values).toBe(L.target.values);
        const ct = gridOf(m, 'learn', f, 'Ctw');
        // Entry (c, r) of the drawn Cᵀ is entry (r, c) of the snapshot's forward matrix.
        for (let r = 0; r < s.Ct.rows; r++)
          for (let c = 0; c < s.Ct.cols; c++) expect(ct.values[c * s.Ct.rows + r]).toBe(s.Ct.values[r * s.Ct.cols + c]);
      });
      expect(grids(m, 'learn', 0).some((g) => g.id === 'k')).toBe(L.settings.target === 'kernel');
    }
  });
});

describe('what the grids are', () => {
  it('draws the matrix products under C·vec(x) and Cᵀ·vec(y), and chapter 7 in reading order: k → k̃, then y ⊛ k̃', async () => {
    const m = await model({ ...DEFAULT_CONFIG, input: [5, 5], stride: [2, 2] });
    expect(gridOf(m, 'multiply', 5, 'Cx').values).toBe(m.Cx.values);
    expect(gridOf(m, 'zeros', 3, 'Cty').values).toBe(m.Cty.values);
    const rows = view(m, 'zeros', 3).rows.map((r) => r.items.map((i) => (i.type === 'grid' ? i.id : i.text)).join(' '));
    expect(rows).toEqual(['kt → kflip', 'y → zi', 'Cty = tout = ziout']);
    expect(gridOf(m, 'zeros', 3, 'ziout').label).toBe('Zero-inserted y ⊛ k̃');
  });

  it('titles the heat maps with every parameter and captions them with what they count', async () => {
    const m = await model({ ...DEFAULT_CONFIG, input: [9, 9], stride: [2, 2], dilation: [2, 2] });
    const maps = grids(m, 'overlap', 2);
    expect(maps.map((g) => g.label)).toEqual([
      'Kernel 3, stride 2, dilation 2',
      'Kernel 4, stride 2, dilation 2',
      'Resize ×2, then kernel 3, dilation 2',
    ]);
    expect(maps[0].note).toBe(
      'all-ones 6×6 input, padding 0; covered 0 to 9 times inside the border, 0 to 6 times on it',
    );
    expect(view(m, 'overlap', 2).rows[0].title).toBe(
      'Kernel copies on each output, for an all-ones 6×6 input, padding 0',
    );
  });

  it('names chapter 5’s matrix by what it is: C, or C on the H′×W′ output', async () => {
    expect(gridOf(await model(DEFAULT_CONFIG), 'transpose', 0, 'Cfwd').label).toBe('Convolution matrix C');
    const m = await model({ ...DEFAULT_CONFIG, input: [6, 6], stride: [2, 2] });
    expect(gridOf(m, 'transpose', 0, 'Cfwd').label).toBe('C on the 5×5 output');
  });
});

describe('linked highlighting in a view', () => {
  it('finds a cell’s relations in every grid shown, and shows Cᵀ’s cells at their forward place in chapter 5', async () => {
    const m = await model(DEFAULT_CONFIG);
    const v = view(m, 'multiply', 5);
    const sets = highlightSets(m, v, related(m, 'vecx:5'));
    expect(new Set(sets.keys())).toEqual(new Set(grids(m, 'multiply', 5).map((g) => g.id)));
    expect(sets.get('C')).toEqual(new Set([5, 21, 37, 53]));
    expect(sets.get('out')).toEqual(new Set([0, 1, 2, 3]));
    // Chapter 5: entry (r, c) of Cᵀ (drawn at c·4 + r) is entry (r, c) of the forward matrix (at r·16 + c).
    const t = highlightSets(m, view(m, 'transpose', 2), ['Ct:9']);
    expect(t.get('Ct')).toEqual(new Set([9]));
    expect(t.get('Cfwd')).toEqual(new Set([1 * 16 + 2]));
  });
});

describe('numbers that may blow up', () => {
  it('fit a cell: decimals below 100, whole numbers, then a power of ten; a real minus and no −0', () => {
    expect([3.14159, 99.996, 100.48, -2177.4, 40721, -0.001, 2.5].map((v) => shortNumber(v))).toEqual([
      '3.14',
      '100',
      '100',
      '−2177',
      '4e4',
      '0',
      '2.5',
    ]);
    expect([11.41, -2177, 0.04].map(oneDecimal)).toEqual(['11.4', '−2e3', '0']);
  });
});
