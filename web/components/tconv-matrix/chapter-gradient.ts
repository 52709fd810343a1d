// Under chapter 9's grids: which gradient g flows back (y, or ones: the loss
// is then the outputs' sum), and the way to chapter 6's Cᵀ ≠ C⁻¹ demo, the
// reason "deconvolution" is a misnomer. Templates only: the element writes
// the grad attribute and moves the player from the callbacks.

import { html } from 'lit';
import { live } from 'lit/directives/live.js';

import { GRAD_SOURCES } from '../../lib/explainer/gradients.js';
import type { GradSource } from '../../lib/explainer/model-types.js';

export interface GradientControls {
  onGradSource(source: GradSource): void;
  /** Goes to chapter 6's demo. */
  onShowDemo(): void;
}

export function renderGradient(source: GradSource, controls: GradientControls) {
  return html`<div class="aside-note" id="gradient-source">
    <fieldset class="choice">
      <legend>The gradient on conv2d’s output</legend>
      ${GRAD_SOURCES.map(
        (g) =>
          html`<label class="check"
            ><input
              type="radio"
              name="grad"
              value=${g.id}
              .checked=${live(source === g.id)}
              @change=${() => controls.onGradSource(g.id)}
            />${g.label}</label
          >`,
      )}
    </fieldset>
    <p>
      Cᵀ sends g back; it does not undo C.
      <button type="button" class="text-btn" id="to-inverse-demo" @click=${controls.onShowDemo}>
        See Cᵀ·C·vec(x) ≠ x in chapter 6
      </button>
    </p>
  </div>`;
}
