// The page's end of the export: reads the figure's theme and hands the
// worker (export.worker.ts) a job — the model and the frames to draw — through
// Comlink, one call at a time, each cancellable with an AbortSignal
// (WorkerBridge, as the upsampler's client does). The worker lays the frames
// out and encodes them; the page only names and offers the file.

import * as Comlink from 'comlink';

import { exportFileName, type ExportScope } from '../../lib/export/filename.js';
import { WorkerBridge } from '../../upsampler/client/bridge.js';
import { levelClass } from '../tconv-grid/tconv-grid.styles.js';
import ExportWorker from './export.worker.ts?worker&inline';
import type { ExportWorkerApi, VideoSupport } from './export.worker.js';
import { LAYOUT_MAX } from './frames.js';
import type { SceneJob } from './job.js';
import type { ExportTheme } from './scene-builder.js';

/** What a figure gives the export: its name in file names, its frames, its theme. */
export interface ExportSource {
  /** 'tconv-matrix-i4-k3-s1' (filename.ts). */
  stem(): string;
  /** Chapters to offer (the explainer's); null for a figure without chapters (the overlap map). */
  chapters(): { count: number; current: number; title: (n: number) => string } | null;
  /** What to draw for a scope: the figure's data and the frames, each with how long it stays (ms). */
  job(scope: ExportScope): SceneJob;
  /** The element whose computed theme the export uses. */
  host: HTMLElement;
}

export interface ExportResult {
  name: string;
  blob: Blob;
  bytes: number;
  width: number;
  height: number;
  frames: number;
  ms: number;
  /** Where each grid's cells are, per frame, in output pixels (scaled): what a test compares with the page. */
  cells: { grid: string; index: number; x: number; y: number; w: number; h: number }[][];
}

export type ExportKind = 'gif' | 'video' | 'png' | 'svg';

const TOKEN_OF: Record<Exclude<keyof ExportTheme, 'dark' | 'background' | 'levels'>, string> = {
  sans: '--_font',
  mono: '--_mono',
  surface2: '--_surface-2',
  text: '--_text',
  muted: '--_muted',
  accent: '--_accent',
  cellBorder: '--_cell-border',
  active: '--_active',
  padBg: '--_pad-bg',
  insertedBg: '--_inserted-bg',
};

/** The figure's theme as its styles compute it (a page's --tconv-* overrides included), colours as '#rrggbb'. */
export function readTheme(host: HTMLElement, background: string): ExportTheme {
  const style = getComputedStyle(host);
  const ctx = new OffscreenCanvas(1, 1).getContext('2d')!;
  const color = (prop: string) => {
    ctx.fillStyle = '#000000';
    ctx.fillStyle = style.getPropertyValue(prop).trim() || '#000000';
    return String(ctx.fillStyle);
  };
  // levelClass names the strongest level after the number of levels ('p40').
  const theme = { dark: host.dataset.scheme === 'dark', levels: Number(levelClass(1, 1).slice(1)) } as ExportTheme;
  for (const [key, prop] of Object.entries(TOKEN_OF) as [keyof typeof TOKEN_OF, string][]) {
    theme[key] = key === 'sans' || key === 'mono' ? style.getPropertyValue(prop).trim() || 'sans-serif' : color(prop);
  }
  theme.background = color(background);
  return theme;
}

let bridge: WorkerBridge<ExportWorkerApi> | null = null;
function worker(): WorkerBridge<ExportWorkerApi> {
  bridge ??= new WorkerBridge<ExportWorkerApi>(
    () => new ExportWorker({ name: 'tconv-export' }),
    async () => undefined,
  );
  return bridge;
}

/** Whether this browser can make a video of `width` px, and which codec; asked of the worker (WebCodecs live there too). */
export function videoSupport(width: number, signal?: AbortSignal): Promise<VideoSupport> {
  return worker().call((api) => api.videoSupport(width, Math.round((width * 9) / 16)), { signal });
}

export interface ExportRequest {
  source: ExportSource;
  kind: ExportKind;
  scope: ExportScope;
  /** Output width in pixels. */
  width: number;
  background: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Makes one file. Rejects with an AbortError when `signal` aborts (the worker is stopped, nothing is kept). */
export async function runExport(req: ExportRequest): Promise<ExportResult> {
  const started = performance.now();
  if (!(req.width >= 120 && req.width <= 4096)) throw new Error(`export: width ${req.width} must be 120 … 4096 px`);
  const theme = readTheme(req.source.host, req.background);
  const layout = Math.min(LAYOUT_MAX, req.width);
  const job = req.source.job(req.scope);
  const stem = req.source.stem();
  const scope = req.source.chapters() ? req.scope : null;
  const progress = Comlink.proxy((d: number, t: number) => req.onProgress?.(d, t));
  const file = await worker().call((api) => api.encode(req.kind, job, theme, layout, req.width / layout, progress), {
    signal: req.signal,
    restartOnAbort: true,
  });
  return {
    name: exportFileName(stem, scope, file.ext),
    blob: new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.mime }),
    bytes: file.bytes.byteLength,
    width: file.width,
    height: file.height,
    frames: job.frames.length,
    ms: performance.now() - started,
    cells: file.cells,
  };
}
