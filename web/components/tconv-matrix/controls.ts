// The side panel of <tconv-matrix controls>: sizes and parameters per
// dimension, value presets, the output-size formulas, the PyTorch snippet and
// the copy buttons (code, link, embed code). A template function: the element owns the state.

import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';

import { CONFIG_KEYS, type ConfigKey, type ExplainerConfig, LIMITS } from '../../lib/explainer/config.js';
import type { ExplainerModel } from '../../lib/explainer/model-types.js';
import type { Resolved } from '../../lib/explainer/state.js';
import { type Preset, PRESETS } from '../../lib/explainer/values.js';
import type { AttributeControls } from './attribute-controls.js';
import * as icons from './icons.js';
import type { Sharing } from './sharing.js';

export const CONFIG_LABELS: Record<ConfigKey, string> = {
  input: 'Input size',
  kernel: 'Kernel size',
  stride: 'Stride',
  padding: 'Padding',
  dilation: 'Dilation',
  outputPadding: 'Output padding',
};

export interface ControlsContext {
  /** What the controls show: the requested configuration, which may be invalid. */
  requested: ExplainerConfig;
  model: ExplainerModel;
  preset: Preset;
  edited: boolean;
  independent: boolean;
  /** buildModel's explanation when the requested configuration cannot be drawn, else ''. */
  error: string;
  snippet: string;
  status: string;
  onDim(key: ConfigKey, dim: 0 | 1, value: number): void;
  onPreset(preset: Preset): void;
  onIndependent(on: boolean): void;
  onCopyCode(): void;
  onCopyLink(): void;
  onCopyEmbed(): void;
}

function dimInput(ctx: ControlsContext, key: ConfigKey, dim: 0 | 1) {
  const { min, max } = LIMITS[key];
  const label = `${CONFIG_LABELS[key]}, ${dim === 0 ? 'height' : 'width'}`;
  return html`<input
    type="number"
    inputmode="numeric"
    min=${min}
    max=${max}
    step="1"
    name=${`${key}-${dim === 0 ? 'h' : 'w'}`}
    aria-label=${label}
    aria-invalid=${ctx.error ? 'true' : 'false'}
    aria-describedby="config-error"
    .value=${live(String(ctx.requested[key][dim]))}
    @input=${(e: Event) => {
      // Whole numbers only; out-of-range ones go through (the library caps them, with a notice).
      const text = (e.target as HTMLInputElement).value.trim();
      if (/^\d{1,3}$/.test(text)) ctx.onDim(key, dim, Number(text));
    }}
  />`;
}

/** The side panel of a resolved figure, its controls writing attributes and its copy buttons sharing it. */
export function renderSidePanel(
  state: Resolved,
  requested: ExplainerConfig | null,
  error: string,
  controls: Pick<AttributeControls, 'onDim' | 'onPreset' | 'onIndependent'>,
  sharing: Sharing,
) {
  return renderControls({
    requested: requested ?? state.config,
    model: state.model,
    preset: state.preset,
    edited: state.edited.x || state.edited.k || state.edited.y || state.edited.kt,
    independent: state.values.kt !== null,
    error,
    snippet: sharing.snippet(state.model),
    status: sharing.status,
    onDim: controls.onDim,
    onPreset: controls.onPreset,
    onIndependent: controls.onIndependent,
    onCopyCode: () => sharing.copyCode(state.model),
    onCopyLink: () => sharing.copyLink(),
    onCopyEmbed: () => sharing.copyEmbed(),
  });
}

export function renderControls(ctx: ControlsContext) {
  const { model } = ctx;
  return html`
    <section class="card" aria-labelledby="geometry-title">
      <h3 id="geometry-title">Sizes and parameters</h3>
      <div class="dims" role="group" aria-labelledby="geometry-title">
        <span></span><span class="head" aria-hidden="true">height</span
        ><span class="head" aria-hidden="true">width</span>
        ${CONFIG_KEYS.map(
          (key) =>
            html`<span class="dim-label">${CONFIG_LABELS[key]}</span>${dimInput(ctx, key, 0)}${dimInput(ctx, key, 1)}`,
        )}
      </div>
      <!-- The figure's top announces the error (role="alert"); this copy sits by the fields it describes. -->
      <p id="config-error" class="alert">${ctx.error}</p>
      <div class="formulas" aria-label="Output sizes">
        ${[...model.formulas.conv, ...model.formulas.transposed].map((f) => {
          // "Hout = ⌊…⌋ + 1 = ⌊(4 + …)⌋ + 1 = 2": the rule on one line, the numbers on the next.
          const parts = f.split(' = ');
          return html`<div class="formula">
            <span class="rule">${parts.slice(0, 2).join(' = ')}</span>
            <span class="numbers">= ${parts.slice(2, -1).join(' = ')} = <strong>${parts.at(-1)}</strong></span>
          </div>`;
        })}
      </div>
    </section>

    <section class="card" aria-labelledby="values-title">
      <h3 id="values-title">Values</h3>
      <div class="field">
        <label for="preset">Preset</label>
        <select
          id="preset"
          .value=${live(ctx.preset)}
          @change=${(e: Event) => ctx.onPreset((e.target as HTMLSelectElement).value as Preset)}
        >
          ${PRESETS.map((p) => html`<option value=${p.id} ?selected=${p.id === ctx.preset}>${p.label}</option>`)}
        </select>
        ${ctx.edited ? html`<span class="counter">(edited)</span>` : nothing}
      </div>
      <label class="check">
        <input
          type="checkbox"
          .checked=${live(ctx.independent)}
          @change=${(e: Event) => ctx.onIndependent((e.target as HTMLInputElement).checked)}
        />
        Independent weights for Cᵀ
      </label>
      <p class="hint">
        To change a value of x, k or y, click its cell (or focus it and press Enter; on a touch screen, tap it twice),
        type a number and press Enter. Escape cancels.
      </p>
    </section>

    <section class="card" aria-labelledby="code-title">
      <div class="card-head">
        <h3 id="code-title">PyTorch</h3>
        <div class="buttons">
          <button type="button" class="text-btn" id="copy-code" @click=${ctx.onCopyCode}>
            ${icons.copy} Copy code
          </button>
          <button type="button" class="text-btn" id="copy-link" @click=${ctx.onCopyLink}>
            ${icons.link} Copy link
          </button>
          <button
            type="button"
            class="text-btn"
            id="copy-embed"
            title="HTML for a blog post: a script and the element, or an iframe"
            @click=${ctx.onCopyEmbed}
          >
            ${icons.embed} Copy embed code
          </button>
        </div>
      </div>
      <pre class="code" tabindex="0" aria-label="PyTorch code for this figure"><code>${ctx.snippet}</code></pre>
      <p class="status" role="status">${ctx.status}</p>
    </section>
  `;
}
