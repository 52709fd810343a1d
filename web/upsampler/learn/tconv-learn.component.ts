// <tconv-upsampler-learn>: the upsampler's Learn mode. Two models learn to
// up-sample the same image ×factor, side by side, in Web Workers: the loss and
// PSNR plots, the results in the compare view (zoom, difference, readout),
// each model's response to flat grey, the learned kernels per output phase,
// and sentences about all of it made from the numbers (learn-text.ts). The
// element renders the session's state (learn-session.ts); the session drives
// the training workers (client/train-client.ts).
//
// Properties: image ({ name, width, height, pixels } RGBA, or null), factor (2, 3 or 4), workers (1 or 2),
// view ('split' | 'difference') and gain, which its own Split / Difference switch sets unless viewControls is
// false (inside <tconv-upsampler>, whose toolbar has that switch and the gain).
// Methods: train(), pause(), reset().

import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';

import { TconvElement } from '../../components/shared/tconv-element.js';
import { coreBytes, prefetchCoreBytes } from '../client/create-worker.js';
import { createTrainWorker } from '../client/create-train-worker.js';
import { WorkerTrainClient, trainWorkerCount } from '../client/train-client.js';
import type { Layer } from '../compare-view.js';
import '../compare-view.js';
import { TRAIN_MODELS, type TrainModel } from '../shared/learn-protocol.js';
import { flatView } from './flat-view.js';
import { renderFlat, renderKernels } from './learn-parts.js';
import { DIFF_GAIN, LearnSession, MAX_STEPS, type LearnImage, type SideId } from './learn-session.js';
import {
  MODEL_LABELS,
  compareSentence,
  imageSentence,
  modelName,
  modelSentence,
  progressSentence,
  startSentence,
} from './learn-text.js';
import { learnStyles } from './tconv-learn.styles.js';
import { renderLossPlot, renderPsnrPlot } from './plots.js';

const SIDES: readonly SideId[] = ['a', 'b'];

export class TconvUpsamplerLearn extends TconvElement {
  static override properties: PropertyDeclarations = {
    image: { attribute: false },
    factor: { type: Number },
    workers: { type: Number },
    view: { type: String },
    gain: { type: Number },
    viewControls: { type: Boolean, attribute: 'view-controls' },
  };

  static override styles = [TconvElement.styles, learnStyles];

  declare image: LearnImage | null;
  declare factor: number;
  declare workers: number;
  declare view: 'split' | 'difference';
  declare gain: number;
  declare viewControls: boolean;

  /** Everything shown and trained. @internal */
  readonly session = new LearnSession({
    changed: () => this.requestUpdate(),
    now: () => performance.now(),
  });

  constructor() {
    super();
    this.image = null;
    this.factor = 2;
    this.workers = trainWorkerCount(globalThis.navigator?.hardwareConcurrency);
    this.view = 'split';
    this.gain = DIFF_GAIN;
    this.viewControls = true;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    prefetchCoreBytes();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.session.detach();
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('view') || changed.has('gain')) this.session.setView(this.view, this.gain);
    if (changed.has('factor') && [2, 3, 4].includes(this.factor)) {
      this.session.factor = this.factor as 2 | 3 | 4;
    }
    if (changed.has('image') && this.image) {
      this.start();
      this.session.setImage(this.image);
    } else if (changed.has('factor') && this.session.image) {
      // setFactor compares with the session's factor, set above: make both sides again.
      this.session.resetAll();
    }
  }

  /** The workers start with the first image. */
  private start(): void {
    if (this.session.client) return;
    const n = this.workers === 1 ? 1 : 2;
    this.session.attach(new WorkerTrainClient(createTrainWorker, coreBytes(), n));
  }

  train(): void {
    this.session.train();
  }

  pause(): void {
    this.session.pause();
  }

  reset(): void {
    this.session.resetAll();
  }

  // ---- rendering ----

  private renderControls() {
    const s = this.session;
    const ready = !!s.image && !s.a.creating && !s.b.creating;
    return html`<div class="controls" part="learn-controls">
      ${SIDES.map(
        (id) =>
          html`<label class="model ${id}">
            <span class="badge ${id}" aria-hidden="true">${id.toUpperCase()}</span>
            <span class="visually-hidden">Model of side ${id.toUpperCase()}</span>
            <select
              class="btn"
              id="model-${id}"
              @change=${(e: Event) => s.setModel(id, (e.target as HTMLSelectElement).value as TrainModel)}
            >
              ${TRAIN_MODELS.map(
                (m) =>
                  html`<option value=${m} ?selected=${m === s.side(id).model}>
                    ${MODEL_LABELS[m].replace('kernel 2f', `kernel ${2 * s.factor}`)}
                  </option>`,
              )}
            </select>
          </label>`,
      )}
      <div class="buttons">
        ${
          s.running
            ? html`<button class="btn primary" id="pause" @click=${() => this.pause()}>Pause</button>`
            : html`<button class="btn primary" id="train" ?disabled=${!ready} @click=${() => this.train()}>
                Train
              </button>`
        }
        <button class="btn" id="reset" ?disabled=${!s.image} @click=${() => this.reset()}>Reset</button>
        ${
          this.viewControls
            ? html`<fieldset class="segmented" aria-label="View">
                ${(['split', 'difference'] as const).map(
                  (v) =>
                    html`<label
                      ><input
                        type="radio"
                        name="learn-view"
                        value=${v}
                        .checked=${s.view === v}
                        @change=${() => (this.view = v)}
                      />${v === 'split' ? 'Split' : 'Difference'}</label
                    >`,
                )}
              </fieldset>`
            : nothing
        }
      </div>
      <div class="progress" aria-live="off">
        ${SIDES.map((id) => {
          const side = s.side(id);
          const state = side.error
            ? html`<span class="error">${side.error}</span>`
            : side.creating
              ? 'starting…'
              : html`step <strong class="step" data-side=${id}>${side.step}</strong>${
                    side.rate !== null && (s.running || side.working) ? html` · ${Math.round(side.rate)} steps/s` : ''
                  }`;
          // data-working: a chunk or an evaluation is in flight (after Pause, until the last one is back).
          const pausing = !s.running && side.working ? html` · pausing…` : '';
          return html`<span class="count ${id}" data-working=${side.working || side.creating ? 'true' : 'false'}
            ><span class="badge ${id}" aria-hidden="true">${id.toUpperCase()}</span> ${state}${pausing}</span
          >`;
        })}
        <span class="muted">${this.imageNote()}</span>
        <span class="muted"
          >${this.session.client ? `${(this.session.client as WorkerTrainClient).workers === 2 ? 'one worker per side' : 'one worker, sides in turn'} · stops at ${MAX_STEPS} steps` : ''}</span
        >
      </div>
    </div>`;
  }

  /** Which pixels the models learn on. */
  private imageNote(): string {
    const s = this.session;
    const result = s.a.snapshot?.layer ?? s.b.snapshot?.layer ?? null;
    return s.image ? imageSentence(s.image, s.factor, result) : '';
  }

  private layer(id: SideId): Layer | null {
    return this.session.side(id).snapshot?.layer ?? null;
  }

  private label(id: SideId) {
    const snap = this.session.side(id).snapshot;
    // Short: the label shares half the stage's width on a phone; the model is named in the select above.
    return html`<b>${id.toUpperCase()}</b>${snap ? ` ${snap.psnr.toFixed(2)} dB · step ${snap.step}` : ''}`;
  }

  private renderText() {
    const s = this.session;
    const bil = s.a.snapshot?.psnrBilinear ?? s.b.snapshot?.psnrBilinear ?? null;
    const bic = s.a.snapshot?.psnrBicubic ?? s.b.snapshot?.psnrBicubic ?? null;
    const lastEval = (id: SideId) => s.side(id).evaluations[s.side(id).evaluations.length - 1] ?? null;
    const paragraphs = [
      ...SIDES.map((id) =>
        modelSentence(id, s.side(id).model, s.factor, s.hidden, s.side(id).snapshot?.kernels ?? null),
      ),
      startSentence({ a: s.a.start, b: s.b.start }, { a: s.a.startKernels, b: s.b.startKernels }),
      ...(bil !== null && bic !== null ? SIDES.map((id) => progressSentence(id, s.side(id), bil, bic)) : []),
      compareSentence(lastEval('a'), lastEval('b')),
    ].filter(Boolean);
    return html`<section class="card text" aria-labelledby="learn-text-title">
      <h3 id="learn-text-title">What is happening</h3>
      ${paragraphs.map((p) => html`<p>${p}</p>`)}
    </section>`;
  }

  protected override render() {
    const s = this.session;
    const a = this.layer('a');
    const b = this.layer('b');
    const width = a?.width ?? b?.width ?? 0;
    const height = a?.height ?? b?.height ?? 0;
    const bil = s.a.snapshot?.psnrBilinear ?? s.b.snapshot?.psnrBilinear ?? null;
    const bic = s.a.snapshot?.psnrBicubic ?? s.b.snapshot?.psnrBicubic ?? null;
    const names: [string, string] = [modelName(s.a.model, s.factor), modelName(s.b.model, s.factor)];
    const flat = flatView([s.a.snapshot?.flat ?? null, s.b.snapshot?.flat ?? null], s.factor);
    return html`<div class="learn">
      ${this.renderControls()}
      <tconv-upsampler-compare
        part="compare"
        .imageWidth=${width}
        .imageHeight=${height}
        .left=${a}
        .right=${b}
        .diff=${s.diff}
        .mode=${s.view}
        .leftLabel=${this.label('a')}
        .rightLabel=${this.label('b')}
        .gain=${s.gain}
        theme=${this.scheme}
      >
        <div class="overlay" slot="overlay">
          ${s.image ? nothing : html`<p class="empty">Open an image to train on.</p>`}
        </div>
      </tconv-upsampler-compare>
      <div class="plots">${renderLossPlot(s.a, s.b, names)} ${renderPsnrPlot(s.a, s.b, names, bil, bic)}</div>
      ${this.renderText()}
      <div class="pair">${renderFlat(s, flat)} ${renderKernels(s, this.scheme === 'dark')}</div>
      <div class="visually-hidden" role="status" aria-live="polite">${s.status}</div>
    </div>`;
  }
}

if (!customElements.get('tconv-upsampler-learn')) customElements.define('tconv-upsampler-learn', TconvUpsamplerLearn);

declare global {
  interface HTMLElementTagNameMap {
    'tconv-upsampler-learn': TconvUpsamplerLearn;
  }
}
