// Editing one value of x, k, y or the independent kernel from a selected
// cell: which value a cell stands for, how the editor names it, and why it
// refuses a text. DOM-free; the parsing rule is parseValues'.

import type { ExplainerModel } from './model-types.js';
import type { ValueKey } from './state.js';
import { parseValues } from './values.js';

/** A value to edit: entry `index` (row-major) of grid `key`. */
export interface EditTarget {
  key: ValueKey;
  index: number;
}

/** How the editor names each value grid. */
export const VALUE_NAMES: Record<ValueKey, string> = { x: 'x', k: 'k', y: 'y', kt: 'the independent kernel' };

/** Which value a selected cell edits: grids of x, k, y and their layouts; null for padding, zeros, results. */
export function editTarget(m: ExplainerModel, grid: string, index: number): EditTarget | null {
  const independent = m.values.kt !== null;
  switch (grid) {
    case 'x':
    case 'vecx':
      return { key: 'x', index };
    case 'xpad':
      return m.xpad.dataIndex[index] >= 0 ? { key: 'x', index: m.xpad.dataIndex[index] } : null;
    case 'k':
      return { key: 'k', index };
    case 'kt':
      return { key: independent ? 'kt' : 'k', index };
    case 'y':
    case 'vecy':
      return { key: 'y', index };
    case 'zi': {
      const i = m.zeroInsertion.zi.dataIndex[index];
      return i >= 0 ? { key: 'y', index: i } : null;
    }
    default:
      return null;
  }
}

/** The edited value's row and column, from 1. */
export function editedCell(m: ExplainerModel, target: EditTarget): [number, number] {
  const g = target.key === 'kt' ? m.kt : target.key === 'k' ? m.k : target.key === 'x' ? m.x : m.y;
  return [Math.floor(target.index / g.cols) + 1, (target.index % g.cols) + 1];
}

/** The typed text as a value, with the typographic minus read as '-'; null when parseValues refuses it. */
export function parseEdit(text: string): Float32Array | null {
  return parseValues(text.replace(/\u2212/g, '-'), 1);
}

/** Why the editor refuses `text` (parseEdit did), naming the cell: "Row 2, column 3 of k: …". */
export function refusal(m: ExplainerModel, target: EditTarget, text: string): string {
  const [r, c] = editedCell(m, target);
  const cell = `Row ${r}, column ${c} of ${VALUE_NAMES[target.key]}`;
  const t = text.trim().replace(/\u2212/g, '-');
  if (t === '') return `${cell} is empty: enter a number, like 3 or -1.5.`;
  // Accepted once its digits are zeros: then only its size was refused.
  if (parseValues(t.replace(/[1-9]/g, '0'), 1)) {
    return `${cell}: ${t} is too large to show; enter a number like 3 or -1.5.`;
  }
  return `${cell}: “${text.trim()}” is not a finite decimal number; enter one like 3 or -1.5.`;
}
