// Under chapter 10's grids: the loss curve, and the training's controls —
// the target, the learning rate (multiples of the safe rate, or the link's
// own) and the seed of the starting kernel. Templates only: the element
// writes the target, lr and seed attributes (the URL's parameters) from the
// callbacks, and the model retrains.

import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';

import { LEARN_TARGETS, LR_FACTORS, roundDown3 } from '../../lib/explainer/learn.js';
import type { LearningModel, LearnTarget } from '../../lib/explainer/model-types.js';
import { MAX_SEED } from '../../lib/explainer/state.js';
import { rateText } from '../../lib/explainer/timeline-learn.js';
import { renderLossPlot } from './loss-plot.js';

export interface LearnControls {
  onTarget(target: LearnTarget): void;
  /** null: the safe rate (the attribute removed). */
  onRate(lr: number | null): void;
  onSeed(seed: number): void;
}

const FACTOR_NAMES: Record<number, string> = { 0.25: '¼ ×', 0.5: '½ ×', 1: 'safe', 2: '2 ×', 3: '3 ×' };

/** The rate a factor gives: the safe rate's multiple, three significant digits (1 is the safe rate itself). */
export const rateFor = (L: LearningModel, factor: number) => (factor === 1 ? L.safeLr : roundDown3(L.safeLr * factor));

export function renderLearn(L: LearningModel, iteration: number, controls: LearnControls) {
  const rates = LR_FACTORS.map((f) => ({ f, lr: rateFor(L, f) }));
  const custom = L.settings.lr !== null && !rates.some((r) => r.lr === L.settings.lr);
  const selected = L.settings.lr === null ? 'safe' : String(L.settings.lr);
  return html`<section class="answer learn" id="learn" aria-labelledby="learn-title">
    <h3 id="learn-title">Training</h3>
    <div class="learn-body">
      ${renderLossPlot(L, iteration)}
      <div class="learn-controls">
        <label class="field"
          >Target
          <select
            id="learn-target"
            .value=${live(L.settings.target)}
            @change=${(e: Event) => controls.onTarget((e.target as HTMLSelectElement).value as LearnTarget)}
          >
            ${LEARN_TARGETS.map(
              (t) => html`<option value=${t.id} ?selected=${t.id === L.settings.target}>${t.label}</option>`,
            )}
          </select>
        </label>
        <label class="field"
          >Learning rate
          <select
            id="learn-rate"
            .value=${live(selected)}
            @change=${(e: Event) => {
              const v = (e.target as HTMLSelectElement).value;
              controls.onRate(v === 'safe' ? null : Number(v));
            }}
          >
            ${rates.map(
              ({ f, lr }) =>
                html`<option
                  value=${f === 1 ? 'safe' : String(lr)}
                  ?selected=${(f === 1 ? 'safe' : String(lr)) === selected}
                >
                  ${rateText(lr)} (${FACTOR_NAMES[f] ?? `${f} ×`}${f === 1 ? ': 1/L' : ' the safe rate'})
                </option>`,
            )}
            ${
              custom
                ? html`<option value=${String(L.settings.lr)} selected>${rateText(L.lr)} (from the link)</option>`
                : nothing
            }
          </select>
        </label>
        <div class="field seed">
          <label for="learn-seed">Seed</label>
          <input
            id="learn-seed"
            type="number"
            inputmode="numeric"
            min="1"
            max=${MAX_SEED}
            step="1"
            .value=${live(String(L.settings.seed))}
            @change=${(e: Event) => {
              const v = Number((e.target as HTMLInputElement).value);
              if (Number.isInteger(v) && v >= 1 && v <= MAX_SEED) controls.onSeed(v);
            }}
          />
          <button
            type="button"
            class="text-btn"
            id="learn-reseed"
            @click=${() => controls.onSeed(L.settings.seed >= MAX_SEED ? 1 : L.settings.seed + 1)}
          >
            Another start
          </button>
        </div>
        <p class="hint">
          At the safe rate no step can raise the loss. Past 2/λ, λ the largest curvature of the loss (at least twice the
          safe rate), each step overshoots and the loss grows.
        </p>
      </div>
    </div>
  </section>`;
}
