// <tconv-grid>: defines the element. The class and its documentation are in
// tconv-grid.component.ts, its styles in tconv-grid.styles.ts.

import { TconvGrid } from './tconv-grid.component.js';

export * from './tconv-grid.component.js';

if (!customElements.get('tconv-grid')) customElements.define('tconv-grid', TconvGrid);

declare global {
  interface HTMLElementTagNameMap {
    'tconv-grid': TconvGrid;
  }
  interface HTMLElementEventMap {
    'tconv-cell-hover': CustomEvent<import('./tconv-grid.component.js').TconvCellHoverDetail>;
    'tconv-cell-activate': CustomEvent<import('./tconv-grid.component.js').TconvCellActivateDetail>;
  }
}
