// <tconv-matrix>: defines the element. The class and its documentation are in
// tconv-matrix.component.ts; its styles in tconv-matrix.styles.ts and
// controls.styles.ts; the templates of its parts in player-view.ts,
// controls.ts and editor-view.ts.

import { TconvMatrix } from './tconv-matrix.component.js';

export * from './tconv-matrix.component.js';

if (!customElements.get('tconv-matrix')) customElements.define('tconv-matrix', TconvMatrix);

declare global {
  interface HTMLElementTagNameMap {
    'tconv-matrix': TconvMatrix;
  }
  interface HTMLElementEventMap {
    'tconv-step-change': CustomEvent<import('./tconv-matrix.component.js').TconvStepChangeDetail>;
    'tconv-config-change': CustomEvent<import('./tconv-matrix.component.js').TconvConfigChangeDetail>;
  }
}
