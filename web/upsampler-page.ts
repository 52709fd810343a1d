// The upsampler page. Everything happens inside <tconv-upsampler>, which loads
// the core in its own worker; the page only imports the element and marks
// <body data-ready> once the first image is decoded ("true") or the first
// problem is reported ("error"), for tests and scripts.

import './upsampler/tconv-upsampler.js';

const el = document.querySelector('tconv-upsampler');
if (el) {
  el.addEventListener('tconv-load', () => (document.body.dataset.ready = 'true'), { once: true });
  el.addEventListener(
    'tconv-error',
    () => {
      if (!document.body.dataset.ready) document.body.dataset.ready = 'error';
    },
    { once: true },
  );
}
