// Lays a figure's frame out as a Scene (web/lib/export/scene.ts): text blocks
// that wrap, and grids of cells drawn as <tconv-grid> draws them — the same
// value format, the same colour level per value and colour scale
// (signedColor, textColorFor), the same hidden, faded, padding, inserted and
// active states, the same cell sizes per size class. DOM-free and Lit-free
// (it runs in the export worker), given a text measure.

import { scalePosition, signedColor, textColorFor } from '../../lib/color.js';
import type { CellKind } from '../../lib/explainer/model-types.js';
import type { GridSpec } from '../../lib/explainer/views.js';
import { over as overUncached, type Scene, type SceneItem, type CellBox } from '../../lib/export/scene.js';
import { formatValue } from '../tconv-grid/format.js';
import { headerText } from '../tconv-grid/headers.js';

/** The colours and fonts a frame is drawn with: the figure's theme tokens as the page computes them. */
export interface ExportTheme {
  dark: boolean;
  /** Steps of the grid's colour scale per sign: tconv-grid.styles.ts's LEVELS, read by the page (client.ts). */
  levels: number;
  sans: string;
  mono: string;
  /** What the figure paints behind its grids: the explainer's player card (surface), the overlap map's bg. */
  background: string;
  surface2: string;
  text: string;
  muted: string;
  accent: string;
  cellBorder: string;
  active: string;
  padBg: string;
  insertedBg: string;
}

/** Width of `text` in CSS px at `size` px. */
export type Measure = (text: string, size: number, weight: 400 | 600, mono?: boolean) => number;

/**
 * A value's colour position as the grid quantises it: levelClass's rule (tconv-grid.styles.ts: 'p12' is
 * 12 / levels). That module imports Lit, which cannot load in a worker, hence the rule here; the browser
 * test compares every cell of C with the page's colour for it.
 */
function levelPosition(v: number, max: number, levels: number): number {
  const p = scalePosition(v, max);
  if (p === 0) return 0;
  return (Math.sign(p) * Math.max(1, Math.round(Math.abs(p) * levels))) / levels;
}

/** Colour sums repeat by the thousand in a frame (a few levels, a few states): each is worked out once. */
const memo = new Map<string, string>();
function cached(key: string, make: () => string): string {
  let v = memo.get(key);
  if (v === undefined) {
    if (memo.size > 20_000) memo.clear();
    memo.set(key, (v = make()));
  }
  return v;
}
const over = (color: string, alpha: number, under: string) =>
  cached(`o${color}|${alpha}|${under}`, () => overUncached(color, alpha, under));
const fillAt = (p: number, dark: boolean) => cached(`f${p}|${dark}`, () => signedColor(p, 1, dark));
const inkAt = (p: number, dark: boolean) => cached(`t${p}|${dark}`, () => textColorFor(p, 1, dark));

/** Shading that tconv-grid.styles.ts writes as constants (not theme tokens), per scheme. */
const GRID_SHADES = {
  light: { placeholder: 'rgb(40 50 70 / 4%)', placeholderBorder: 'rgb(40 50 70 / 14%)', gapRing: '#ffffff' },
  dark: { placeholder: 'rgb(255 255 255 / 4%)', placeholderBorder: 'rgb(255 255 255 / 12%)', gapRing: '#12151b' },
};

/** Cell size, value font size and gap per size class, in CSS px (tconv-matrix.styles.ts, tconv-grid.styles.ts). */
const SIZES = {
  normal: { cell: 40, font: 14, gap: 3 },
  small: { cell: 28, font: 12, gap: 3 },
  heat: { cell: 23.2, font: 11, gap: 3 },
  compact: { cell: 14, font: 8, gap: 1 },
} as const;

export type SizeClass = keyof typeof SIZES;

/** What a grid draws besides its spec: the frame's active cells and a fixed cell size (overlap maps). */
export interface GridExtras {
  active?: Set<number>;
  size?: SizeClass;
  headers?: boolean;
  /** A cell size of the figure's own (the overlap map's cells shrink to fit): font and gap follow it. */
  cellPx?: number;
}

export interface Box {
  w: number;
  h: number;
  draw(x: number, y: number): void;
}

const CAPTION = 13;
const CAPTION_LINE = CAPTION * 1.35;
const PAD = 6; // the grid's scroller padding: room for the rings

export class SceneBuilder {
  readonly items: SceneItem[] = [];
  readonly cells: CellBox[] = [];

  constructor(
    readonly theme: ExportTheme,
    readonly measure: Measure,
  ) {}

  text(
    x: number,
    y: number,
    text: string,
    size: number,
    fill: string,
    weight: 400 | 600 = 400,
    anchor: 'start' | 'middle' | 'end' = 'start',
  ): void {
    if (text) this.items.push({ kind: 'text', x, y, text, size, weight, fill, anchor });
  }

  rect(r: Omit<Extract<SceneItem, { kind: 'rect' }>, 'kind'>): void {
    this.items.push({ kind: 'rect', ...r });
  }

  /** `text` broken into lines no wider than `width` (at spaces; a word wider than a line stays whole). */
  wrap(text: string, size: number, width: number, weight: 400 | 600 = 400): string[] {
    const lines: string[] = [];
    let line = '';
    for (const word of text.split(/\s+/).filter(Boolean)) {
      const next = line ? `${line} ${word}` : word;
      if (line && this.measure(next, size, weight) > width) {
        lines.push(line);
        line = word;
      } else line = next;
    }
    if (line) lines.push(line);
    return lines;
  }

  /** A wrapped paragraph; returns its height. */
  paragraph(
    x: number,
    y: number,
    width: number,
    text: string,
    size: number,
    fill: string,
    weight: 400 | 600 = 400,
    lineHeight = 1.5,
  ): number {
    const lines = this.wrap(text, size, width, weight);
    const lh = size * lineHeight;
    lines.forEach((l, i) => this.text(x, y + lh * (i + 0.5), l, size, fill, weight));
    return lines.length * lh;
  }

  /** A grid as <tconv-grid> draws it: caption, optional row and column numbers, cells, and a note under it. */
  grid(spec: GridSpec, extras: GridExtras, maxWidth: number): Box {
    const t = this.theme;
    const sizeClass: SizeClass = extras.size ?? spec.size;
    const own = extras.cellPx;
    const base = own ? { cell: own, font: Math.min(12, Math.max(7, own * 0.42)), gap: 2 } : SIZES[sizeClass];
    const compact = own ? spec.rows > 24 || spec.cols > 24 : sizeClass === 'compact';
    const headers = extras.headers ?? false;
    const hfont = Math.min(11, base.font * 0.9);
    const rowHead = headers ? 1.9 * hfont + 2 : 0;
    const colHead = headers ? hfont * 1.2 + base.gap : 0;
    // Wider than the frame: the page scrolls the grid; an image shrinks it to fit.
    const natural = rowHead + spec.cols * base.cell + (spec.cols - 1) * base.gap + 2 * PAD;
    const k = natural > maxWidth ? Math.max(0.2, (maxWidth - 2 * PAD - rowHead) / (natural - 2 * PAD - rowHead)) : 1;
    const cell = base.cell * k;
    const gap = base.gap * k;
    const font = base.font * k;
    const gridW = rowHead + spec.cols * cell + (spec.cols - 1) * gap;
    const gridH = colHead + spec.rows * cell + (spec.rows - 1) * gap;
    const dims = `${spec.rows}×${spec.cols}`;
    const label = `${spec.label} · `;
    const captionW = this.measure(label + dims, CAPTION, 600) + 12;
    const w = Math.min(maxWidth, Math.max(gridW + 2 * PAD, Math.min(captionW, maxWidth)));
    // A caption or note wider than the figure wraps, as the page's do (overflow-wrap).
    const captionLines = captionW <= w ? null : this.wrap(label + dims, CAPTION, w - 12, 600);
    const noteLines = spec.note ? this.wrap(spec.note, CAPTION, w - 12) : [];
    const captionH = (captionLines?.length ?? 1) * CAPTION_LINE;
    const h = captionH + 2 + gridH + 2 * PAD + noteLines.length * CAPTION_LINE;
    return {
      w,
      h,
      draw: (x, y) => {
        if (captionLines) {
          captionLines.forEach((l, i) => this.text(x + 6, y + CAPTION_LINE * (i + 0.5), l, CAPTION, t.text, 600));
        } else {
          this.text(x + 6, y + CAPTION_LINE / 2, label, CAPTION, t.text, 600);
          this.text(x + 6 + this.measure(label, CAPTION, 600), y + CAPTION_LINE / 2, dims, CAPTION, t.muted);
        }
        const gx = x + PAD + rowHead;
        const gy = y + captionH + 2 + PAD + colHead;
        if (headers) {
          for (let c = 0; c < spec.cols; c++) {
            this.text(
              gx + c * (cell + gap) + cell / 2,
              gy - colHead + (hfont * 1.2) / 2,
              headerText(c + 1, compact),
              hfont * k,
              t.muted,
              400,
              'middle',
            );
          }
          for (let r = 0; r < spec.rows; r++) {
            this.text(
              gx - 2,
              gy + r * (cell + gap) + cell / 2,
              headerText(r + 1, compact),
              hfont * k,
              t.muted,
              400,
              'end',
            );
          }
        }
        this.cellsOf(spec, extras.active, gx, gy, cell, gap, font, compact);
        const noteTop = gy + gridH - colHead + PAD;
        noteLines.forEach((l, i) => this.text(x + 6, noteTop + CAPTION_LINE * (i + 0.5), l, CAPTION, t.muted));
      },
    };
  }

  private cellsOf(
    spec: GridSpec,
    active: Set<number> | undefined,
    gx: number,
    gy: number,
    cell: number,
    gap: number,
    font: number,
    compact: boolean,
  ): void {
    const t = this.theme;
    const shades = GRID_SHADES[t.dark ? 'dark' : 'light'];
    const n = spec.rows * spec.cols;
    // The grid's _scaleMax: the fixed scale, else the largest |value|, at least 1.
    let max = 1;
    if (spec.scale !== undefined && Number.isFinite(spec.scale) && spec.scale > 0) max = spec.scale;
    else for (const v of spec.values) max = Math.max(max, Math.abs(v));
    const format = spec.format ?? formatValue;
    const full = compact ? 2 : 4;
    const small = compact ? 3 : 6;
    const radius = compact ? 0 : 4 * (cell / 40 < 1 ? Math.max(0.5, cell / 40) : 1);
    const border = compact ? over(t.cellBorder, 0.55, t.background) : t.cellBorder;
    const rings: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const x = gx + (i % spec.cols) * (cell + gap);
      const y = gy + Math.floor(i / spec.cols) * (cell + gap);
      this.cells.push({ grid: spec.id, index: i, x, y, w: cell, h: cell });
      const kind: CellKind = spec.kinds?.[i] ?? 'data';
      const hidden =
        (spec.revealed !== undefined && Number.isFinite(spec.revealed) && i >= spec.revealed) ||
        spec.hidden?.has(i) === true ||
        spec.values[i] === undefined;
      if (active?.has(i)) rings.push([x, y]);
      if (hidden) {
        this.rect({
          x: x + 0.5,
          y: y + 0.5,
          w: cell - 1,
          h: cell - 1,
          radius,
          fill: over(shades.placeholder, 1, t.background),
          stroke: over(shades.placeholderBorder, 1, t.background),
          strokeWidth: 1,
        });
        continue;
      }
      const v = Number(spec.values[i]);
      const text = format(v);
      const faded = spec.faded?.has(i) === true;
      let fill: string;
      let ink: string;
      let stroke = border;
      let bw = 1;
      let dash: number[] | undefined;
      if (kind === 'pad' || kind === 'inserted') {
        fill = kind === 'pad' ? t.padBg : t.insertedBg;
        ink = t.muted;
        stroke = t.muted;
        bw = compact ? 1 : kind === 'pad' ? 1.5 : 2;
        dash = kind === 'pad' ? [3 * bw, 2 * bw] : [bw, bw];
        if (faded) {
          fill = over(fill, 0.35, t.background);
          ink = over(ink, 0.35, fill);
          stroke = over(stroke, 0.35, t.background);
        }
      } else {
        const p = levelPosition(v, max, t.levels);
        fill = fillAt(p, t.dark);
        ink = inkAt(p, t.dark);
        if (faded) {
          const on = active?.has(i) === true;
          fill = over(fill, on ? 0.7 : 0.25, t.background);
          ink = over(inkAt(p, t.dark), on ? 0.8 : compact ? 0.22 : 0.35, fill);
          stroke = over(t.cellBorder, 0.45, t.background);
        }
      }
      this.rect({
        x: x + bw / 2,
        y: y + bw / 2,
        w: cell - bw,
        h: cell - bw,
        radius,
        fill,
        stroke,
        strokeWidth: bw,
        dash,
      });
      if (text.length <= small) {
        const size = text.length > full ? font * 0.78 : text.length === full ? font * 0.86 : font;
        this.text(x + cell / 2, y + cell / 2, text, size, ink, 400, 'middle');
      }
      const sub = compact ? '' : (spec.subscripts?.[i] ?? '');
      if (sub)
        this.text(x + cell - 2, y + cell - 1 - 4.5 * (cell / 40), sub, 9 * Math.min(1, cell / 40), ink, 400, 'end');
    }
    // Rings last, over the neighbours: a gap in the background colour, then the active colour (tconv-grid's .act).
    const ring = compact ? 2 : 3.5;
    for (const [x, y] of rings) {
      this.rect({
        x: x - 1 - ring / 2,
        y: y - 1 - ring / 2,
        w: cell + 2 + ring,
        h: cell + 2 + ring,
        radius: radius ? radius + 1 + ring / 2 : 0,
        stroke: t.active,
        strokeWidth: ring,
      });
      this.rect({ x: x - 0.5, y: y - 0.5, w: cell + 1, h: cell + 1, radius, stroke: shades.gapRing, strokeWidth: 1 });
    }
  }

  /** Boxes side by side, wrapping onto new lines like the page's flex rows; returns the height used. */
  flow(boxes: Box[], x: number, y: number, width: number, gapX = 14, gapY = 10): number {
    let cx = x;
    let lineTop = y;
    let lineH = 0;
    let line: [Box, number][] = [];
    const flush = () => {
      // Vertically centred in their line, as align-items: center does.
      for (const [b, bx] of line) b.draw(bx, lineTop + (lineH - b.h) / 2);
      line = [];
    };
    for (const b of boxes) {
      if (line.length && cx + b.w > x + width) {
        flush();
        lineTop += lineH + gapY;
        lineH = 0;
        cx = x;
      }
      line.push([b, cx]);
      cx += b.w + gapX;
      lineH = Math.max(lineH, b.h);
    }
    flush();
    return lineTop + lineH - y;
  }

  /** An operator between grids (⊛, =, →) in the muted colour. */
  op(text: string): Box {
    const size = 24;
    const w = this.measure(text, size, 400) + 4;
    return {
      w,
      h: size,
      draw: (x, y) => this.text(x + w / 2, y + size / 2, text, size, this.theme.muted, 400, 'middle'),
    };
  }

  scene(width: number, height: number, title: string): Scene {
    return {
      width,
      height,
      background: this.theme.background,
      fonts: { sans: this.theme.sans, mono: this.theme.mono },
      items: this.items,
      cells: this.cells,
      title,
    };
  }
}
