// <tconv-overlap>: defines the element. The class and its documentation are in
// tconv-overlap.component.ts, its styles in tconv-overlap.styles.ts.

import { TconvOverlap } from './tconv-overlap.component.js';

export * from './tconv-overlap.component.js';

if (!customElements.get('tconv-overlap')) customElements.define('tconv-overlap', TconvOverlap);

declare global {
  interface HTMLElementTagNameMap {
    'tconv-overlap': TconvOverlap;
  }
}
