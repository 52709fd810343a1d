// The frames an export draws, as Scenes, from the same state the page draws:
// for <tconv-matrix>, the model, the chapters of timeline.ts and each frame's
// view (views.ts) and active cells (highlightSets), exactly what the player
// hands its grids; for <tconv-overlap>, the counts and texts the element shows.
// Frame timing is the player's (Player.frameDuration at the chosen speed).

import type { ExplainerModel } from '../../lib/explainer/model-types.js';
import { overlapExplanation, mapCaption, mapTitle, viewOf } from '../../lib/explainer/overlap-text.js';
import type { Overlap, OverlapMap, OverlapSettings } from '../../lib/explainer/overlap-settings.js';
import { FRAME_MS, Player } from '../../lib/explainer/player.js';
import { configSummary } from '../../lib/explainer/state.js';
import type { Chapter } from '../../lib/explainer/timeline.js';
import { type GridSpec, highlightSets, view, type ViewGridId } from '../../lib/explainer/views.js';
import { grid } from '../../lib/explainer/view-parts.js';
import type { Scene } from '../../lib/export/scene.js';
import { type Box, type ExportTheme, type Measure, SceneBuilder } from './scene-builder.js';

/** One frame to draw: which step, and how long it stays. */
export interface FrameRef {
  chapter: number;
  frame: number;
  ms: number;
}

/** The widest layout: wider exports draw this layout scaled up (sharper, not more spread out). */
export const LAYOUT_MAX = 720;
const PAD = 20;

/** The matrices: drawn with their rows and columns numbered (player-view.ts MATRICES). */
const MATRICES = new Set(['C', 'Ct', 'Cfwd']);

/** The frames of one chapter, or of every chapter in turn, each timed as the player times it at `speed`. */
export function matrixFrames(chapters: Chapter[], which: number | 'all', speed: number): FrameRef[] {
  if (!(speed > 0)) throw new Error(`matrixFrames: speed ${speed} must be > 0`);
  const list = which === 'all' ? chapters.map((c) => c.number) : [which];
  const player = new Player({
    frameCount: (c) => chapters[c - 1]?.frames.length ?? 1,
    chapterCount: () => chapters.length,
    chapterId: (c) => chapters[c - 1].id,
    show: () => undefined,
    playingChanged: () => undefined,
  });
  player.speed = speed;
  const out: FrameRef[] = [];
  for (const c of list) {
    if (!chapters[c - 1]) throw new Error(`matrixFrames: chapter ${c} does not exist (1 … ${chapters.length})`);
    for (let f = 0; f < chapters[c - 1].frames.length; f++) {
      player.set(c, f);
      out.push({ chapter: c, frame: f, ms: player.frameDuration() });
    }
  }
  return out;
}

export interface MatrixSource {
  model: ExplainerModel;
  chapters: Chapter[];
}

/**
 * The scenes of `frames` at layout width `width` (CSS px, at most LAYOUT_MAX). Every scene of one export has
 * one height (the tallest), and within a chapter the narration box keeps its tallest height, so the grids do
 * not jump from frame to frame.
 */
export function matrixScenes(
  src: MatrixSource,
  frames: FrameRef[],
  theme: ExportTheme,
  measure: Measure,
  width: number,
): Scene[] {
  const W = Math.min(LAYOUT_MAX, Math.max(240, Math.round(width)));
  const inner = W - 2 * PAD;
  const probe = new SceneBuilder(theme, measure);
  const narrationLines = new Map<number, number>();
  for (const f of frames) {
    const text = src.chapters[f.chapter - 1].frames[f.frame].narration;
    const n = probe.wrap(text, 16, inner - 32 - 3).length;
    narrationLines.set(f.chapter, Math.max(narrationLines.get(f.chapter) ?? 2, n));
  }
  const scenes = frames.map((f) => {
    const m = src.model;
    const ch = src.chapters[f.chapter - 1];
    const fr = ch.frames[f.frame];
    const v = view(m, ch.id, f.frame);
    const active = highlightSets(m, v, fr.active);
    const b = new SceneBuilder(theme, measure);
    const t = theme;
    let y = PAD;
    b.text(PAD, y + 9, `Chapter ${ch.number} of ${src.chapters.length}`, 13, t.muted);
    y += 20;
    y += b.paragraph(PAD, y, inner, ch.title, 22, t.text, 600, 1.25) + 4;
    y += b.paragraph(PAD, y, inner, ch.summary, 15, t.muted, 400, 1.45) + 12;
    // The narration: surface-2 with the accent rule on its left, as the page's .narration.
    const lines = narrationLines.get(f.chapter) ?? 2;
    const boxH = lines * 24 + 24;
    b.rect({ x: PAD, y, w: inner, h: boxH, radius: 10, fill: t.surface2 });
    b.rect({ x: PAD, y, w: 3, h: boxH, fill: t.accent });
    b.paragraph(PAD + 19, y + 12, inner - 35, fr.narration, 16, t.text);
    y += boxH + 16;
    for (const row of v.rows) {
      if (row.title) {
        b.text(PAD, y + 9, row.title, 13, t.muted, 600);
        y += 22;
      }
      const boxes: Box[] = row.items.map((item) =>
        item.type === 'op'
          ? b.op(item.text)
          : b.grid(item, { active: active.get(item.id), headers: MATRICES.has(item.id) }, inner),
      );
      y += b.flow(boxes, PAD, y, inner) + 14;
    }
    b.text(
      PAD,
      y + 8,
      `tconv · ${configSummary(m.config)} · step ${f.frame === 0 ? ch.number : `${ch.number}.${f.frame}`}`,
      12,
      t.muted,
    );
    y += 16 + PAD;
    return b.scene(W, y, `Chapter ${ch.number}: ${ch.title}. ${fr.narration}`);
  });
  return sameHeight(scenes);
}

export interface OverlapSource {
  overlap: Overlap;
  settings: OverlapSettings;
  shown: OverlapMap[];
}

/** <tconv-overlap> has no player: its frames reveal the maps shown one by one, as chapter 8 does, at its pace. */
export function overlapFrames(shown: OverlapMap[]): FrameRef[] {
  return shown.map((_, i) => ({ chapter: 1, frame: i, ms: FRAME_MS.overlap }));
}

/** The maps as the element lays them out (captions and the explanation from overlap-text.ts), frame i showing maps 0 … i. */
export function overlapScenes(
  src: OverlapSource,
  frames: FrameRef[],
  theme: ExportTheme,
  measure: Measure,
  width: number,
): Scene[] {
  const W = Math.min(LAYOUT_MAX, Math.max(240, Math.round(width)));
  const inner = W - 2 * PAD;
  const { overlap: o, settings: s, shown } = src;
  const cols = Math.max(...shown.map((m) => viewOf(o, m).counts.cols));
  const scenes = frames.map((f) => {
    const b = new SceneBuilder(theme, measure);
    const perRow = Math.max(1, Math.min(shown.length, Math.floor((inner + 20) / 270)));
    const colW = (inner - (perRow - 1) * 20) / perRow;
    // The element's cell size: the widest map fits its column, at most 1.75rem (tconv-overlap.styles.ts).
    const cell = Math.max(9, Math.min(28, (colW - 16 - (cols - 1) * 2) / cols));
    const boxes = shown.map((map, i) => {
      const v = viewOf(o, map);
      // The element names its grids after the map (grid-id="transposed"), not with the explainer's ids.
      const spec: GridSpec = grid(map as unknown as ViewGridId, mapTitle(map, v, s), v.counts, {
        scale: v.max,
        note: mapCaption(map, v, s),
        revealed: i <= f.frame ? undefined : 0,
      });
      return b.grid(spec, { size: 'normal', cellPx: cell }, colW);
    });
    let y = PAD;
    y += b.flow(boxes, PAD, y, inner, 20, 14) + 12;
    const text = overlapExplanation(o, s, shown);
    const h = b.wrap(text, 15, inner - 15).length * 15 * 1.5;
    b.rect({ x: PAD, y, w: 3, h, fill: theme.accent });
    b.paragraph(PAD + 15, y, inner - 15, text, 15, theme.text);
    y += h + PAD;
    return b.scene(W, y, `${text}`);
  });
  return sameHeight(scenes);
}

function sameHeight(scenes: Scene[]): Scene[] {
  const h = Math.ceil(Math.max(...scenes.map((s) => s.height)));
  for (const s of scenes) s.height = h;
  return scenes;
}
