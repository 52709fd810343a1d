// Linked highlighting: which cells of the other grids a cell is related to.
import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG } from '../../../web/lib/explainer/config.js';
import { indicesIn, related, transposedIndex } from '../../../web/lib/explainer/relations.js';
import { model } from './support.js';

describe('linked highlighting', () => {
  it('relates an input pixel to its column of C, vec(x), its outputs and the weights touching it', async () => {
    const m = await model(DEFAULT_CONFIG);
    const r = related(m, 'x:5');
    expect(indicesIn(r, 'vecx')).toEqual(new Set([5]));
    // x(1,1) is under every one of the 4 windows, at taps 4, 3, 1, 0.
    expect(indicesIn(r, 'out')).toEqual(new Set([0, 1, 2, 3]));
    expect(indicesIn(r, 'k')).toEqual(new Set([4, 3, 1, 0]));
    expect(indicesIn(r, 'C')).toEqual(new Set([5, 16 + 5, 32 + 5, 48 + 5]));
    // A corner only feeds output 0 through weight 0.
    expect(indicesIn(related(m, 'x:0'), 'out')).toEqual(new Set([0]));
  });

  it('relates a transposed input to the k×k outputs it paints and is symmetric', async () => {
    const m = await model(DEFAULT_CONFIG);
    const painted = indicesIn(related(m, 'y:0'), 'tout');
    expect(painted).toEqual(new Set([0, 1, 2, 4, 5, 6, 8, 9, 10]));
    expect(indicesIn(related(m, 'y:0'), 'Ct')).toContain(transposedIndex(m.Ct, 0, 5));
    for (const cell of ['x:3', 'C:7', 'k:2', 'tout:5', 'zi:14', 'kflip:0', 'ziout:3'] as const) {
      for (const other of related(m, cell)) expect(related(m, other).has(cell)).toBe(true);
    }
  });
});
