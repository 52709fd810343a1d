// Editing a value from a selected cell: which value a cell stands for, and why
// a text is refused, naming the cell.
import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG } from '../../../web/lib/explainer/config.js';
import { editedCell, editTarget, parseEdit, refusal } from '../../../web/lib/explainer/editing.js';
import { model, range } from './support.js';

describe('which value a cell edits', () => {
  it('maps x, vec(x) and the padded input to x; y, vec(y) and the zero-inserted y to y; padding and zeros to nothing', async () => {
    const m = await model({ ...DEFAULT_CONFIG, padding: [1, 1], stride: [2, 2], input: [5, 5] });
    // The padded input is 7×7; its cell (r + 1, c + 1) is x(r, c).
    for (const i of range(49)) {
      const [r, c] = [Math.floor(i / 7) - 1, (i % 7) - 1];
      const inside = r >= 0 && r < 5 && c >= 0 && c < 5;
      expect(editTarget(m, 'xpad', i), `xpad ${i}`).toEqual(inside ? { key: 'x', index: r * 5 + c } : null);
    }
    expect(editTarget(m, 'vecx', 7)).toEqual({ key: 'x', index: 7 });
    expect(editTarget(m, 'vecy', 3)).toEqual({ key: 'y', index: 3 });
    const zi = m.zeroInsertion.zi;
    for (const p of range(zi.rows * zi.cols)) {
      const t = editTarget(m, 'zi', p);
      if (zi.kinds[p] === 'data') expect(t).toEqual({ key: 'y', index: zi.dataIndex[p] });
      else expect(t).toBeNull();
    }
    expect(editTarget(m, 'C', 0)).toBeNull();
    expect(editTarget(m, 'kt', 2)).toEqual({ key: 'k', index: 2 });
    const independent = await model(DEFAULT_CONFIG, 'seed', true);
    expect(editTarget(independent, 'kt', 2)).toEqual({ key: 'kt', index: 2 });
  });
});

describe('refusals', () => {
  it('names the row and column from 1, and says what is wrong with the text', async () => {
    const m = await model({ ...DEFAULT_CONFIG, kernel: [2, 3] });
    expect(editedCell(m, { key: 'k', index: 5 })).toEqual([2, 3]);
    expect(refusal(m, { key: 'k', index: 4 }, '  ')).toBe(
      'Row 2, column 2 of k is empty: enter a number, like 3 or -1.5.',
    );
    expect(refusal(m, { key: 'x', index: 5 }, '9999999')).toBe(
      'Row 2, column 2 of x: 9999999 is too large to show; enter a number like 3 or -1.5.',
    );
    expect(refusal(m, { key: 'y', index: 0 }, '1e3')).toBe(
      'Row 1, column 1 of y: “1e3” is not a finite decimal number; enter one like 3 or -1.5.',
    );
  });

  it('reads the typographic minus as a minus', () => {
    expect(Array.from(parseEdit('\u22122.5')!)).toEqual([-2.5]);
    expect(parseEdit('NaN')).toBeNull();
  });
});
