// The export worker: lays out every frame of a job (job.ts, frames.ts), paints
// it on an OffscreenCanvas and encodes the frames — a GIF with gifenc on the theme's palette (web/lib/export/palette.ts),
// a video with WebCodecs through mediabunny, a PNG with the canvas — off the
// page's main thread. Called through Comlink (client.ts); cancelling a call
// terminates the worker (WorkerBridge's restartOnAbort), the only way to stop
// an encoder mid-way.

import * as Comlink from 'comlink';
import { GIFEncoder, quantize } from 'gifenc';
import {
  BufferTarget,
  CanvasSource,
  getFirstEncodableVideoCodec,
  Mp4OutputFormat,
  Output,
  QUALITY_HIGH,
  type VideoCodec,
  WebMOutputFormat,
} from 'mediabunny';

import { buildPalette, GIF_COLORS, PaletteIndex, type Rgb } from '../../lib/export/palette.js';
import { type CellBox, type Scene, sceneColors, sceneToSvg } from '../../lib/export/scene.js';
import { type SceneJob, scenesOf } from './job.js';
import { canvasMeasure, paintScene } from './paint.js';
import type { ExportTheme } from './scene-builder.js';

export type Progress = (done: number, total: number) => void;

/** The theme's colours kept exactly; the rest of the palette is for anti-aliased edges. */
const EXACT_MAX = 192;
/** Codecs tried for video, in order: H.264 in MP4 plays everywhere; VP9 and VP8 in WebM where it is not encodable. */
const CODECS: VideoCodec[] = ['avc', 'vp9', 'vp8'];

export interface VideoSupport {
  codec: VideoCodec | null;
  /** Why there is no video, when codec is null. */
  reason: string;
}

export interface EncodedFile {
  bytes: Uint8Array;
  mime: string;
  ext: 'gif' | 'mp4' | 'webm' | 'png' | 'svg';
  width: number;
  height: number;
}

export interface Encoded extends EncodedFile {
  /** Where each grid's cells are drawn, per frame, in output pixels. */
  cells: CellBox[][];
}

/** A colour the palette does not hold, for the transparent slot (never drawn, but a GIF palette holds colours). */
function unusedColor(palette: Rgb[]): Rgb {
  const used = new Set(palette.map(([r, g, b]) => (r << 16) | (g << 8) | b));
  for (let k = 0xff00ff; ; k = (k + 1) & 0xffffff) if (!used.has(k)) return [(k >> 16) & 255, (k >> 8) & 255, k & 255];
}

function canvasFor(scene: Scene, scale: number, even = false) {
  let w = Math.round(scene.width * scale);
  let h = Math.round(scene.height * scale);
  if (even) {
    w += w % 2;
    h += h % 2;
  }
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d', { willReadFrequently: !even, alpha: false });
  if (!ctx) throw new Error('the worker has no 2D canvas');
  return { canvas, ctx, w, h };
}

async function videoSupport(width: number, height: number): Promise<VideoSupport> {
  if (typeof VideoEncoder === 'undefined') {
    return {
      codec: null,
      reason: 'This browser has no WebCodecs VideoEncoder, so it cannot make a video; the GIF works everywhere.',
    };
  }
  const codec = await getFirstEncodableVideoCodec(CODECS, {
    width: width + (width % 2),
    height: height + (height % 2),
  });
  return codec
    ? { codec, reason: '' }
    : {
        codec: null,
        reason: 'This browser cannot encode H.264, VP9 or VP8 video at this size; the GIF works everywhere.',
      };
}

const encoders = {
  async gif(scenes: Scene[], delays: number[], scale: number, progress: Progress): Promise<EncodedFile> {
    if (scenes.length === 0 || scenes.length !== delays.length) {
      throw new Error(
        `gif: ${scenes.length} scenes and ${delays.length} delays; need one delay per scene, at least one`,
      );
    }
    const { ctx, w, h } = canvasFor(scenes[0], scale);
    const exact = sceneColors(scenes).slice(0, EXACT_MAX);
    // The rest of the palette: quantised from the pixels of the first, middle and last frames that the theme's
    // colours do not cover (mostly the edges of text).
    const samples = [...new Set([0, scenes.length >> 1, scenes.length - 1])];
    const parts: Uint8Array[] = [];
    for (const i of samples) {
      paintScene(ctx, scenes[i], scale);
      parts.push(PaletteIndex.leftovers(ctx.getImageData(0, 0, w, h).data, exact, 1 << 16));
    }
    const left = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (left.set(p, at), at + p.length), 0);
    // One slot stays free for "unchanged since the last frame" (transparent).
    const fill = left.length >= 4 ? (quantize(left, GIF_COLORS - 1 - exact.length) as Rgb[]) : [];
    const palette = buildPalette(exact, fill, GIF_COLORS - 1);
    const transparent = palette.length;
    const index = new PaletteIndex(palette);
    palette.push(unusedColor(palette));
    const gif = GIFEncoder();
    let previous: Uint8ClampedArray | null = null;
    for (let i = 0; i < scenes.length; i++) {
      paintScene(ctx, scenes[i], scale);
      const data = ctx.getImageData(0, 0, w, h).data;
      const pixels = previous ? index.mapChanges(data, previous, transparent) : index.map(data);
      previous = data;
      gif.writeFrame(pixels, w, h, {
        ...(i === 0 ? { palette, repeat: 0 } : { transparent: true, transparentIndex: transparent }),
        delay: delays[i],
        dispose: 1,
      });
      progress(i + 1, scenes.length);
    }
    gif.finish();
    const bytes = gif.bytes();
    return { bytes, mime: 'image/gif', ext: 'gif', width: w, height: h };
  },

  async video(scenes: Scene[], delays: number[], scale: number, progress: Progress): Promise<EncodedFile> {
    if (scenes.length === 0 || scenes.length !== delays.length) {
      throw new Error(
        `video: ${scenes.length} scenes and ${delays.length} delays; need one delay per scene, at least one`,
      );
    }
    const { canvas, ctx, w, h } = canvasFor(scenes[0], scale, true);
    const support = await videoSupport(w, h);
    if (!support.codec) throw new Error(support.reason);
    const mp4 = support.codec === 'avc';
    const output = new Output({
      format: mp4 ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat(),
      target: new BufferTarget(),
    });
    const source = new CanvasSource(canvas, { codec: support.codec, bitrate: QUALITY_HIGH, keyFrameInterval: 2 });
    output.addVideoTrack(source);
    await output.start();
    let t = 0;
    for (let i = 0; i < scenes.length; i++) {
      paintScene(ctx, scenes[i], scale);
      const d = delays[i] / 1000;
      await source.add(t, d, { keyFrame: i === 0 });
      t += d;
      progress(i + 1, scenes.length);
    }
    await output.finalize();
    const bytes = new Uint8Array(output.target.buffer!);
    const mime = mp4 ? 'video/mp4' : 'video/webm';
    return { bytes, mime, ext: mp4 ? 'mp4' : 'webm', width: w, height: h };
  },

  async png(scenes: Scene[], _delays: number[], scale: number): Promise<EncodedFile> {
    const { canvas, ctx, w, h } = canvasFor(scenes[0], scale);
    paintScene(ctx, scenes[0], scale);
    const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
    return { bytes, mime: 'image/png', ext: 'png', width: w, height: h };
  },

  async svg(scenes: Scene[], _delays: number[], scale: number): Promise<EncodedFile> {
    const bytes = new TextEncoder().encode(sceneToSvg(scenes[0], scale));
    const [width, height] = [scenes[0].width, scenes[0].height].map((v) => Math.round(v * scale));
    return { bytes, mime: 'image/svg+xml', ext: 'svg', width, height };
  },
};

let measureContext: OffscreenCanvasRenderingContext2D | null = null;

const api = {
  videoSupport,

  /** Lays out `job` at `layout` CSS px, draws it at `scale` and encodes it as `kind`; progress counts frames. */
  async encode(
    kind: 'gif' | 'video' | 'png' | 'svg',
    job: SceneJob,
    theme: ExportTheme,
    layout: number,
    scale: number,
    progress: Progress,
  ): Promise<Encoded> {
    measureContext ??= new OffscreenCanvas(1, 1).getContext('2d');
    if (!measureContext) throw new Error('the worker has no 2D canvas');
    const scenes = scenesOf(job, theme, canvasMeasure(measureContext, { sans: theme.sans, mono: theme.mono }), layout);
    const delays = job.frames.map((f) => f.ms);
    const file = await encoders[kind](scenes, delays, scale, progress);
    const cells = scenes.map((s) =>
      s.cells.map((c) => ({ ...c, x: c.x * scale, y: c.y * scale, w: c.w * scale, h: c.h * scale })),
    );
    return Comlink.transfer({ ...file, cells }, [file.bytes.buffer]);
  },
};

export type ExportWorkerApi = typeof api;

Comlink.expose(api);
