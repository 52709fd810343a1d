// What the upsampler's Learn mode shows, and the training behind it, without
// the DOM: the image, the two sides (model, step, losses, evaluations, the
// latest snapshot), Train / Pause / Reset, and the difference of the two
// results. The element (tconv-learn.component.ts) renders this state; the
// session calls a client (client/train-client.ts: the training workers,
// through Comlink; a fake in the tests) and says when anything changed.
//
// The rules it keeps:
// - Training runs in chunks of a few steps per call (about CHUNK_MS of work),
//   so Pause takes effect within one chunk: the chunk in flight is still
//   counted (the trainer did take those steps), then the side stops and shows
//   a snapshot of where it stopped.
// - Each side has a generation. Reset, a new model, factor or image start a
//   new one: the calls of the old one are aborted through their AbortSignal
//   and whatever they return is dropped.
// - A side evaluates (PSNR, result image, flat-grey response, kernels) at
//   step 0, at least every EVAL_MS while it trains, and when it stops.

import type { RgbaBuffer, Shown } from '../shared/protocol.js';
import { errorMessage } from '../shared/protocol.js';
import type { PhaseKernels, TrainChunk, TrainModel, TrainSnapshot, TrainSpec } from '../shared/learn-protocol.js';
import type { Layer, SideId } from '../shared/session-types.js';

export type { SideId };

/** The work of one call, in milliseconds: short enough that Pause feels instant. */
export const CHUNK_MS = 100;
/** Steps per call at most (and at the start, before a step has been timed: FIRST_CHUNK). */
export const MAX_CHUNK = 25;
export const FIRST_CHUNK = 5;
/**
 * A training side is evaluated again once this long has passed since its last evaluation, or EVAL_SHARE times
 * as long as that evaluation took, whichever is longer: on a large image, training keeps most of the time.
 */
export const EVAL_MS = 700;
export const EVAL_SHARE = 4;
/** Training stops by itself here. */
export const MAX_STEPS = 5000;
/**
 * Larger images are trained on their central MAX_SIDE × MAX_SIDE pixels: every evaluation runs the model over
 * the whole image, and a few hundred pixels a side show the checkerboard as well as a photo's worth.
 */
export const MAX_SIDE = 512;
/** Gain of the difference view, unless set (setView). */
export const DIFF_GAIN = 8;

export const DEFAULT_MODELS: [TrainModel, TrainModel] = ['transposed-k3', 'resize-conv'];

export interface CallOptions {
  signal?: AbortSignal;
}

/** The training workers as the session needs them (TrainWorkerApi in shared/learn-protocol.ts, by side). */
export interface TrainClient {
  create(side: SideId, spec: TrainSpec, image: RgbaBuffer, options?: CallOptions): Promise<TrainSnapshot>;
  run(side: SideId, steps: number, options?: CallOptions): Promise<TrainChunk>;
  snapshot(side: SideId, options?: CallOptions): Promise<TrainSnapshot>;
  difference(a: RgbaBuffer, b: RgbaBuffer, gain: number, options?: CallOptions): Promise<Shown>;
  dispose(): void;
}

export interface LearnEvents {
  changed(): void;
  /** A millisecond clock (performance.now in the page). */
  now(): number;
}

/** One evaluation, as the PSNR plot and the texts use it. */
export interface Evaluation {
  step: number;
  psnr: number;
  checkerboard: number;
}

/** A snapshot as shown: the result as a compare-view layer. */
export interface ShownSnapshot extends Omit<TrainSnapshot, 'image'> {
  layer: Layer;
}

export interface LearnSide {
  model: TrainModel;
  /** Steps taken by the trainer (counted when their chunk came back). */
  step: number;
  /** losses[i]: the loss of step i + 1. */
  losses: number[];
  evaluations: Evaluation[];
  /** The latest snapshot, and the one at step 0. */
  snapshot: ShownSnapshot | null;
  start: Evaluation | null;
  /** The kernels per phase at step 0. */
  startKernels: PhaseKernels | null;
  /** A trainer is being made (after Reset, or a new model, factor or image). */
  creating: boolean;
  /** This side has a chunk (or a snapshot) in flight. */
  working: boolean;
  /** Steps per second over the last chunks, wall clock. */
  rate: number | null;
  error: string | null;
}

/** The image the models learn to up-sample. */
export interface LearnImage extends RgbaBuffer {
  name: string;
  /** The size of the image it was cropped from, when it was (centreCrop). */
  croppedFrom?: { width: number; height: number };
}

/** The central MAX_SIDE × MAX_SIDE (at most) of an image; the image itself when it fits. Row copies only. */
export function centreCrop(image: LearnImage, max = MAX_SIDE): LearnImage {
  if (image.width <= max && image.height <= max) return image;
  const w = Math.min(max, image.width);
  const h = Math.min(max, image.height);
  const x0 = Math.floor((image.width - w) / 2);
  const y0 = Math.floor((image.height - h) / 2);
  const src = new Uint8Array(image.pixels);
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const from = 4 * ((y0 + y) * image.width + x0);
    out.set(src.subarray(from, from + 4 * w), 4 * y * w);
  }
  return {
    name: image.name,
    width: w,
    height: h,
    pixels: out.buffer,
    croppedFrom: { width: image.width, height: image.height },
  };
}

function layerOf(s: Shown): Layer {
  return {
    bitmap: s.bitmap,
    preview: s.preview,
    width: s.width,
    height: s.height,
    pixels: new Uint8ClampedArray(s.pixels),
  };
}

function closeLayer(l: { bitmap: ImageBitmap; preview?: ImageBitmap | null } | null | undefined): void {
  l?.bitmap.close();
  l?.preview?.close();
}

function emptySide(model: TrainModel): LearnSide {
  return {
    model,
    step: 0,
    losses: [],
    evaluations: [],
    snapshot: null,
    start: null,
    startKernels: null,
    creating: false,
    working: false,
    rate: null,
    error: null,
  };
}

export const isAbort = (e: unknown) => (e instanceof Error || e instanceof DOMException) && e.name === 'AbortError';

export class LearnSession {
  client: TrainClient | null = null;
  image: LearnImage | null = null;
  factor: 2 | 3 | 4 = 2;
  hidden = 16;
  seed = 1;
  a: LearnSide;
  b: LearnSide;
  /** Train was pressed and Pause not since: every side without an error trains. */
  running = false;
  view: 'split' | 'difference' = 'split';
  gain = DIFF_GAIN;
  diff: (Layer & { key: string }) | null = null;
  status = '';

  private readonly gen: Record<SideId, number> = { a: 0, b: 0 };
  private readonly controllers: Record<SideId, AbortController | null> = { a: null, b: null };
  private diffController: AbortController | null = null;
  /** Which step the chunk size was last timed at, and the time per step. */
  private readonly msPerStep: Record<SideId, number | null> = { a: null, b: null };
  private readonly lastEval: Record<SideId, number> = { a: 0, b: 0 };

  constructor(
    private readonly events: LearnEvents,
    models: [TrainModel, TrainModel] = DEFAULT_MODELS,
  ) {
    this.a = emptySide(models[0]);
    this.b = emptySide(models[1]);
  }

  side(id: SideId): LearnSide {
    return id === 'a' ? this.a : this.b;
  }

  spec(id: SideId): TrainSpec {
    return { model: this.side(id).model, factor: this.factor, hidden: this.hidden, seed: this.seed };
  }

  /** A call to make the session's trainers, from the element once the workers can start. */
  attach(client: TrainClient): void {
    this.client = client;
    if (this.image) this.resetAll();
  }

  detach(): void {
    this.running = false;
    for (const id of ['a', 'b'] as const) this.abort(id);
    this.diffController?.abort();
    this.client?.dispose();
    this.client = null;
  }

  /** The image to learn on (its centre, when it is larger than MAX_SIDE: centreCrop). */
  setImage(image: LearnImage): void {
    this.image = centreCrop(image);
    this.resetAll();
  }

  setFactor(f: 2 | 3 | 4): void {
    if (f === this.factor) return;
    this.factor = f;
    this.resetAll();
  }

  setModel(id: SideId, model: TrainModel): void {
    if (this.side(id).model === model) return;
    this.side(id).model = model;
    this.reset(id);
  }

  setView(view: 'split' | 'difference', gain = this.gain): void {
    if (view === this.view && gain === this.gain) return;
    this.view = view;
    this.gain = gain;
    this.updateDiff();
    this.events.changed();
  }

  train(): void {
    if (!this.client || !this.image) return;
    this.running = true;
    for (const id of ['a', 'b'] as const) {
      const s = this.side(id);
      if (s.error) this.reset(id);
      else if (!s.creating && !s.working) void this.loop(id, this.gen[id]);
    }
    this.say('Training.');
  }

  /** Stops after the chunk in flight; each side then shows where it stopped. */
  pause(): void {
    this.running = false;
    this.say(`Paused at step ${this.a.step} (A) and ${this.b.step} (B).`);
  }

  /** Both sides back to step 0 (a new trainer each, same seed); training goes on if it was running. */
  resetAll(): void {
    this.reset('a');
    this.reset('b');
  }

  reset(id: SideId): void {
    const g = ++this.gen[id];
    this.abort(id);
    const old = this.side(id);
    closeLayer(old.snapshot?.layer);
    const s = emptySide(old.model);
    if (id === 'a') this.a = s;
    else this.b = s;
    this.msPerStep[id] = null;
    this.dropDiff();
    this.events.changed();
    if (!this.client || !this.image) return;
    s.creating = true;
    const signal = this.signal(id);
    const image = this.image;
    const copy = { width: image.width, height: image.height, pixels: image.pixels.slice(0) };
    this.client.create(id, this.spec(id), copy, { signal }).then(
      (snap) => {
        if (g !== this.gen[id]) return closeLayer(snap.image);
        s.creating = false;
        this.take(id, snap);
        s.start = s.evaluations[0];
        s.startKernels = snap.kernels;
        this.events.changed();
        if (this.running) void this.loop(id, g);
      },
      (e: unknown) => this.failed(id, g, e),
    );
  }

  /** The step counts and rates of both sides as one status line (for assistive technology). */
  private say(status: string): void {
    this.status = status;
    this.events.changed();
  }

  private signal(id: SideId): AbortSignal {
    this.controllers[id] = new AbortController();
    return this.controllers[id].signal;
  }

  private abort(id: SideId): void {
    this.controllers[id]?.abort();
    this.controllers[id] = null;
  }

  private failed(id: SideId, g: number, e: unknown): void {
    if (g !== this.gen[id] || isAbort(e)) return;
    const s = this.side(id);
    s.creating = false;
    s.working = false;
    s.error = errorMessage(e);
    if (this.a.error && this.b.error) this.running = false;
    this.events.changed();
  }

  /** Steps for the next call: about CHUNK_MS of work, from the time the last chunks took. */
  chunkSize(id: SideId): number {
    const ms = this.msPerStep[id];
    if (ms === null) return FIRST_CHUNK;
    return Math.max(1, Math.min(MAX_CHUNK, Math.round(CHUNK_MS / Math.max(ms, 1e-3))));
  }

  /** Trains one side while the session runs and the generation is `g`; then shows where it stopped. */
  private async loop(id: SideId, g: number): Promise<void> {
    const s = this.side(id);
    if (!this.client || s.working) return;
    s.working = true;
    this.events.changed();
    const signal = this.controllers[id]?.signal ?? this.signal(id);
    try {
      while (this.running && g === this.gen[id] && s.step < MAX_STEPS) {
        const n = Math.min(this.chunkSize(id), MAX_STEPS - s.step);
        const t0 = this.events.now();
        const chunk = await this.client.run(id, n, { signal });
        if (g !== this.gen[id]) return;
        const wall = this.events.now() - t0;
        s.losses.push(...chunk.losses);
        s.step = chunk.step;
        const per = chunk.losses.length > 0 ? wall / chunk.losses.length : null;
        if (per !== null) {
          this.msPerStep[id] = per;
          const rate = 1000 / Math.max(per, 1e-3);
          s.rate = s.rate === null ? rate : 0.7 * s.rate + 0.3 * rate;
        }
        const every = Math.max(EVAL_MS, EVAL_SHARE * (s.snapshot?.ms ?? 0));
        if (this.events.now() - this.lastEval[id] >= every) await this.evaluate(id, g, signal);
        this.events.changed();
      }
      if (g !== this.gen[id]) return;
      if (s.step >= MAX_STEPS && this.running) {
        this.running = this.side(id === 'a' ? 'b' : 'a').step < MAX_STEPS;
        this.say(`Stopped at ${MAX_STEPS} steps.`);
      }
      // Where it stopped, unless the last evaluation already is.
      if (s.snapshot?.step !== s.step) await this.evaluate(id, g, signal);
    } catch (e) {
      this.failed(id, g, e);
    } finally {
      if (g === this.gen[id]) {
        s.working = false;
        this.events.changed();
        // Train pressed again while the last chunk was in flight.
        if (this.running && !s.error && s.step < MAX_STEPS) void this.loop(id, g);
      }
    }
  }

  private async evaluate(id: SideId, g: number, signal: AbortSignal): Promise<void> {
    const snap = await this.client!.snapshot(id, { signal });
    if (g !== this.gen[id]) return closeLayer(snap.image);
    this.take(id, snap);
  }

  /** A snapshot arrived: it replaces the side's last one, and its numbers join the evaluations. */
  private take(id: SideId, snap: TrainSnapshot): void {
    const s = this.side(id);
    this.lastEval[id] = this.events.now();
    closeLayer(s.snapshot?.layer);
    const { image, ...rest } = snap;
    s.snapshot = { ...rest, layer: layerOf(image) };
    const e: Evaluation = { step: snap.step, psnr: snap.psnr, checkerboard: snap.checkerboard };
    const last = s.evaluations[s.evaluations.length - 1];
    if (last && last.step === e.step) s.evaluations[s.evaluations.length - 1] = e;
    else s.evaluations.push(e);
    this.updateDiff();
  }

  // ---- the difference view ----

  private dropDiff(): void {
    this.diffController?.abort();
    this.diffController = null;
    closeLayer(this.diff);
    this.diff = null;
  }

  /** The key of the difference the view needs now: both sides' generations and steps. */
  diffKey(): string | null {
    const a = this.a.snapshot;
    const b = this.b.snapshot;
    if (!a || !b || a.layer.width !== b.layer.width || a.layer.height !== b.layer.height) return null;
    return `${this.gen.a}:${a.step}|${this.gen.b}:${b.step}|×${this.gain}`;
  }

  private updateDiff(): void {
    const key = this.view === 'difference' ? this.diffKey() : null;
    if (!key || !this.client || this.diff?.key === key) return;
    this.diffController?.abort();
    const controller = (this.diffController = new AbortController());
    const pix = (l: Layer): RgbaBuffer => ({ width: l.width, height: l.height, pixels: l.pixels.slice().buffer });
    this.client
      .difference(pix(this.a.snapshot!.layer), pix(this.b.snapshot!.layer), this.gain, { signal: controller.signal })
      .then(
        (shown) => {
          if (controller.signal.aborted) return closeLayer(shown);
          closeLayer(this.diff);
          this.diff = { ...layerOf(shown), key };
          this.events.changed();
        },
        (e: unknown) => {
          if (!isAbort(e)) this.say(`The difference failed: ${errorMessage(e)}.`);
        },
      );
  }
}
