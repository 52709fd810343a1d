// A frame of an export as plain data: rectangles and text in CSS pixels on an
// opaque background, every colour an opaque '#rrggbb' (translucent layers are
// composited when the scene is built, so a GIF's palette can hold each colour
// exactly). The same scene is painted on a canvas (PNG, GIF, video frames, in
// a worker) and written as SVG (a still whose text stays text). DOM-free.

import { compositeOver, parseCssColor, type Rgba } from '../color.js';

export interface SceneRect {
  kind: 'rect';
  x: number;
  y: number;
  w: number;
  h: number;
  fill?: string;
  stroke?: string;
  strokeWidth?: number;
  /** Dash pattern of the stroke, e.g. [3, 2]. */
  dash?: number[];
  radius?: number;
}

export interface SceneText {
  kind: 'text';
  x: number;
  /** The middle of the line box (canvas textBaseline 'middle', SVG dominant-baseline 'central'). */
  y: number;
  text: string;
  size: number;
  weight: 400 | 600;
  fill: string;
  anchor: 'start' | 'middle' | 'end';
  mono?: boolean;
}

export type SceneItem = SceneRect | SceneText;

/** Where a grid's cell is drawn: lets a test find a cell in the exported pixels. */
export interface CellBox {
  grid: string;
  index: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Scene {
  width: number;
  height: number;
  background: string;
  fonts: { sans: string; mono: string };
  items: SceneItem[];
  cells: CellBox[];
  /** Read by screen readers in the SVG (<title>), e.g. the chapter and its narration. */
  title: string;
}

/** '#rrggbb' of r, g, b (0..255). */
export function hex(r: number, g: number, b: number): string {
  const h = (v: number) =>
    Math.round(Math.min(255, Math.max(0, v)))
      .toString(16)
      .padStart(2, '0');
  return `#${h(r)}${h(g)}${h(b)}`;
}

/** `color` at `alpha` over the opaque `under`, as '#rrggbb' (what color-mix(in srgb, c p%, transparent) shows). */
export function over(color: string, alpha: number, under: string): string {
  const top = parseCssColor(color);
  const bottom = parseCssColor(under);
  if (!top) throw new Error(`over: color "${color}" is not a CSS colour tconv reads`);
  if (!bottom) throw new Error(`over: under "${under}" is not a CSS colour tconv reads`);
  const [r, g, b] = compositeOver([top[0], top[1], top[2], top[3] * alpha] as Rgba, bottom);
  return hex(r, g, b);
}

/** Every colour a scene paints with (backgrounds, fills, strokes, text), most used first. */
export function sceneColors(scenes: readonly Scene[]): string[] {
  const count = new Map<string, number>();
  const add = (c: string | undefined, n: number) => {
    if (c) count.set(c, (count.get(c) ?? 0) + n);
  };
  for (const s of scenes) {
    add(s.background, s.width * s.height);
    for (const it of s.items) {
      if (it.kind === 'rect') {
        add(it.fill, it.w * it.h);
        add(it.stroke, (it.w + it.h) * 2);
      } else add(it.fill, it.text.length * it.size);
    }
  }
  return [...count.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ESCAPES[c]);
const num = (v: number) => String(Math.round(v * 100) / 100);

/**
 * The scene as a self-contained SVG document at `scale` (output width = scene width × scale): presentation
 * attributes only (no stylesheet, no external reference, no script), text as <text>.
 */
export function sceneToSvg(scene: Scene, scale = 1): string {
  if (!(scale > 0)) throw new Error(`sceneToSvg: scale ${scale} must be > 0`);
  const out: string[] = [];
  const w = Math.round(scene.width * scale);
  const h = Math.round(scene.height * scale);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${num(scene.width)} ${num(scene.height)}" role="img">`,
    `<title>${esc(scene.title)}</title>`,
    `<rect width="100%" height="100%" fill="${scene.background}"/>`,
  );
  for (const it of scene.items) {
    if (it.kind === 'rect') {
      let a = `<rect x="${num(it.x)}" y="${num(it.y)}" width="${num(it.w)}" height="${num(it.h)}"`;
      if (it.radius) a += ` rx="${num(it.radius)}"`;
      a += ` fill="${it.fill ?? 'none'}"`;
      if (it.stroke) {
        a += ` stroke="${it.stroke}" stroke-width="${num(it.strokeWidth ?? 1)}"`;
        if (it.dash) a += ` stroke-dasharray="${it.dash.map(num).join(' ')}"`;
      }
      out.push(`${a}/>`);
    } else {
      const family = esc(it.mono ? scene.fonts.mono : scene.fonts.sans).replace(/'/g, '&apos;');
      out.push(
        `<text x="${num(it.x)}" y="${num(it.y)}" font-family="${family}" font-size="${num(it.size)}"` +
          `${it.weight === 600 ? ' font-weight="600"' : ''} fill="${it.fill}" text-anchor="${
            it.anchor === 'middle' ? 'middle' : it.anchor
          }" dominant-baseline="central">${esc(it.text)}</text>`,
      );
    }
  }
  out.push('</svg>');
  return out.join('\n');
}
