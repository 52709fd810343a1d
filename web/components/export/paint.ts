// Paints a Scene (web/lib/export/scene.ts) on a 2D canvas context: the page's
// OffscreenCanvas for measuring, the export worker's for every GIF, video and
// PNG frame. The same items become SVG in sceneToSvg.

import type { Scene } from '../../lib/export/scene.js';
import type { Measure } from './scene-builder.js';

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

export const fontOf = (size: number, weight: number, family: string) => `${weight} ${size}px ${family}`;

/** Paints `scene` at `scale` (output px per CSS px), over its background, from the top left. */
export function paintScene(ctx: Context2D, scene: Scene, scale: number): void {
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.fillStyle = scene.background;
  ctx.fillRect(0, 0, ctx.canvas.width / scale, ctx.canvas.height / scale);
  ctx.textBaseline = 'middle';
  for (const it of scene.items) {
    if (it.kind === 'rect') {
      ctx.beginPath();
      if (it.radius) ctx.roundRect(it.x, it.y, it.w, it.h, it.radius);
      else ctx.rect(it.x, it.y, it.w, it.h);
      if (it.fill) {
        ctx.fillStyle = it.fill;
        ctx.fill();
      }
      if (it.stroke) {
        ctx.strokeStyle = it.stroke;
        ctx.lineWidth = it.strokeWidth ?? 1;
        ctx.setLineDash(it.dash ?? []);
        ctx.stroke();
      }
    } else {
      ctx.font = fontOf(it.size, it.weight, it.mono ? scene.fonts.mono : scene.fonts.sans);
      ctx.textAlign = it.anchor === 'middle' ? 'center' : it.anchor === 'end' ? 'right' : 'left';
      ctx.fillStyle = it.fill;
      ctx.fillText(it.text, it.x, it.y);
    }
  }
}

/** A Measure from a canvas context, with the fonts the scenes will be painted with. */
export function canvasMeasure(ctx: Context2D, fonts: { sans: string; mono: string }): Measure {
  const cache = new Map<string, number>();
  return (text, size, weight, mono) => {
    const font = fontOf(size, weight, mono ? fonts.mono : fonts.sans);
    const key = `${font}|${text}`;
    let w = cache.get(key);
    if (w === undefined) {
      ctx.font = font;
      w = ctx.measureText(text).width;
      cache.set(key, w);
    }
    return w;
  };
}
