// The development page's script (dev.html): decodes one of the committed photos and hands it to the element.
import './tconv-learn.js';

const params = new URLSearchParams(location.search);
const photo = params.get('photo') ?? 'chelsea';
const el = document.querySelector('tconv-upsampler-learn')!;
if (params.get('theme') === 'dark') {
  document.body.classList.add('dark');
  el.setAttribute('theme', 'dark');
}
if (params.get('workers')) el.workers = Number(params.get('workers'));
const blob = await (await fetch(`/tests/fixtures/photos/${photo}.png`)).blob();
const bitmap = await createImageBitmap(blob);
const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
const g = canvas.getContext('2d')!;
g.drawImage(bitmap, 0, 0);
const data = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
el.image = { name: photo, width: bitmap.width, height: bitmap.height, pixels: data.buffer };
(window as unknown as { learn: typeof el }).learn = el;
