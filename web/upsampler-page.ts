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

// A file dropped anywhere else on the page (its heading, the introduction) opens in the element too, rather
// than the browser leaving the page for the file. Drops on the element are its own (defaultPrevented).
document.addEventListener('dragover', (e) => {
  if (e.dataTransfer) e.preventDefault();
});
document.addEventListener('drop', (e) => {
  if (e.defaultPrevented) return;
  e.preventDefault();
  const file = e.dataTransfer?.files[0];
  if (file && el) void el.open(file);
});
