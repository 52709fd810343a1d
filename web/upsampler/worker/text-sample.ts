// The 'text' sample: text in the system font, hard edges and 1-pixel lines,
// drawn on an OffscreenCanvas in the worker. Made by tconv, at run time.

import type { Pixels } from '../shared/samples.js';

export function textSample(): Pixels {
  const width = 320;
  const height = 240;
  const canvas = new OffscreenCanvas(width, height);
  const g = canvas.getContext('2d', { willReadFrequently: true });
  if (!g) throw new Error('could not draw the sample: no 2D canvas in this worker');
  const ink = '#1c202c';
  const font = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif';

  g.fillStyle = '#f6f4ef';
  g.fillRect(0, 0, width, height);

  // A heading, then smaller and smaller lines.
  g.fillStyle = ink;
  g.textBaseline = 'alphabetic';
  g.font = `700 46px ${font}`;
  g.fillText('tconv', 14, 52);
  g.fillStyle = '#b4233c';
  g.font = `600 17px ${font}`;
  g.fillText('×2 ×3 ×4', 160, 50);
  g.fillStyle = ink;
  g.font = `400 15px ${font}`;
  g.fillText('Checkerboards hide in flat areas.', 14, 80);
  g.font = `400 11px ${font}`;
  g.fillText('The quick brown fox jumps over the lazy dog 0123456789', 14, 98);
  g.font = `400 9px ${font}`;
  g.fillText('Small print: every pixel here was drawn by tconv in your browser.', 14, 112);

  // Hard edges: filled shapes with no antialiasing on their straight sides.
  g.fillStyle = '#1f5fbf';
  g.fillRect(14, 126, 64, 40);
  g.fillStyle = '#f0b429';
  g.fillRect(46, 146, 64, 40);
  g.fillStyle = ink;
  g.fillRect(124, 126, 40, 60);
  g.fillStyle = '#f6f4ef';
  g.fillRect(134, 136, 20, 40);
  // An antialiased disc.
  g.fillStyle = '#2a9d6f';
  g.beginPath();
  g.arc(204, 156, 30, 0, 2 * Math.PI);
  g.fill();

  // 1-pixel lines and a 1-pixel frame.
  g.fillStyle = ink;
  for (let i = 0; i < 8; i++) g.fillRect(252 + i * 4, 126, 1, 60);
  for (let i = 0; i < 6; i++) g.fillRect(14 + i * 12, 200, 1, 26);
  g.strokeStyle = ink;
  g.lineWidth = 1;
  g.strokeRect(96.5, 200.5, 120, 25);
  g.font = `500 12px ${font}`;
  g.fillText('made by tconv', 110, 217);
  // A diagonal (antialiased) line.
  g.beginPath();
  g.moveTo(228, 226);
  g.lineTo(306, 198);
  g.lineWidth = 1.5;
  g.stroke();

  const data = g.getImageData(0, 0, width, height).data;
  return { width, height, data };
}
