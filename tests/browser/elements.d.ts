// The site's elements, typed in the page (document.querySelector('tconv-upsampler')
// in a page.evaluate callback): their modules add them to HTMLElementTagNameMap.
// Type-only: the suite never runs these modules in Node.
import type {} from '../../web/components/tconv-grid/tconv-grid.js';
import type {} from '../../web/components/tconv-matrix/tconv-matrix.js';
import type {} from '../../web/components/tconv-overlap/tconv-overlap.js';
import type {} from '../../web/upsampler/tconv-upsampler.js';
