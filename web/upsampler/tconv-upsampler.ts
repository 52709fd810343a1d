// Defines <tconv-upsampler> and the two elements it is made of. Importing
// this module is all a page needs; the class itself is in
// tconv-upsampler.component.ts (its documentation too), its CSS in
// tconv-upsampler.styles.ts.

import { TconvUpsampler } from './tconv-upsampler.component.js';

export { TconvUpsampler };

if (!customElements.get('tconv-upsampler')) customElements.define('tconv-upsampler', TconvUpsampler);

declare global {
  interface HTMLElementTagNameMap {
    'tconv-upsampler': TconvUpsampler;
  }
}
