// The row and column numbers a matrix may show beside and above its cells
// (<tconv-grid headers>): 1-based, as people count. Visual only; each cell's
// accessible name already says its row and column.

/** A header's number; compact grids (up to 100 columns of 14 px) number only 1 and every fifth. */
export function headerText(n: number, compact: boolean): string {
  return !compact || n === 1 || n % 5 === 0 ? String(n) : '';
}

/** The header row: a corner, then each column's 1-based number. Hidden from assistive technology. */
export function columnHeaders(cols: number, compact: boolean): string {
  const parts = ['<div class="hrow" aria-hidden="true"><span class="rh"></span>'];
  for (let c = 1; c <= cols; c++) parts.push(`<span class="ch">${headerText(c, compact)}</span>`);
  parts.push('</div>');
  return parts.join('');
}
