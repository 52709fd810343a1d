// Two parts of the Learn mode's view, kept apart so the element's file stays
// readable: each model's flat-grey response (a canvas per side, drawn from
// flat-view.ts, with the trainer's checkerboard number) and each model's
// learned kernels per output phase (a grid of grids, from the core's phase
// map, shared/learn-phases.ts). Templates and drawing only.

import { html, nothing } from 'lit';
import { ref } from 'lit/directives/ref.js';

import { signedColor } from '../../lib/color.js';
import { formatSignificant } from '../../lib/explainer/text.js';
import { styleProps } from '../../components/shared/style-props.js';
import type { PhaseKernels } from '../shared/learn-protocol.js';
import type { FlatView } from './flat-view.js';
import type { LearnSession, SideId } from './learn-session.js';
import { flatCaption, kernelCaption, levels, modelName } from './learn-text.js';

const SIDES: readonly SideId[] = ['a', 'b'];

/** Paints `pixels` (size × size RGBA) into the canvas, one canvas pixel each; CSS scales it up without smoothing. */
function paint(pixels: Uint8ClampedArray, size: number) {
  return ref((el) => {
    const canvas = el as HTMLCanvasElement | undefined;
    if (!canvas) return;
    if (canvas.width !== size) canvas.width = canvas.height = size;
    canvas.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(pixels), size, size), 0, 0);
  });
}

export function renderFlat(session: LearnSession, view: FlatView) {
  return html`<section class="card flat" aria-labelledby="flat-title">
    <h3 id="flat-title">Flat grey in: the checkerboard made visible</h3>
    <div class="flat-row">
      ${SIDES.map((id, i) => {
        const s = session.side(id);
        const v = view.sides[i];
        const c = s.snapshot?.checkerboard;
        return html`<figure class="flat-side ${id}">
          ${
            v
              ? html`<canvas
                  class="flat-canvas"
                  data-side=${id}
                  aria-label="Flat-grey response of ${id.toUpperCase()}, contrast stretched"
                  ${paint(v.pixels, view.crop)}
                ></canvas>`
              : html`<div class="flat-canvas empty"></div>`
          }
          <figcaption>
            <span class="badge ${id}" aria-hidden="true">${id.toUpperCase()}</span>
            ${modelName(s.model, session.factor)} <br /><strong class="checker" data-side=${id}
              >${c === undefined ? '—' : levels(c)}</strong
            >
            ${c === undefined ? '' : 'levels of 255 (max − min)'}
          </figcaption>
        </figure>`;
      })}
    </div>
    <p class="note">${view.sides.some((s) => s) ? flatCaption(session.factor, view.crop, view.gain) : ''}</p>
  </section>`;
}

function renderPhases(k: PhaseKernels, dark: boolean) {
  const max = Math.max(1e-6, ...k.phases.flatMap((p) => p.weights.map((w) => Math.abs(w ?? 0))));
  const [rows, cols] = k.size;
  return html`<div class="phases" ${styleProps({ '--f': String(k.factor) })}>
    ${k.phases.map(
      (p) =>
        html`<div
          class="phase"
          role="img"
          aria-label="Phase (${p.phase[0] + 1}, ${p.phase[1] + 1}): ${p.weights.filter((w) => w !== null).length} taps"
          ${styleProps({ '--cols': String(cols), '--rows': String(rows) })}
        >
          ${p.weights.map((w) =>
            w === null
              ? html`<span class="tap off"></span>`
              : html`<span
                  class="tap"
                  title=${formatSignificant(w, 3)}
                  ${styleProps({ background: signedColor(w, max, dark) })}
                ></span>`,
          )}
        </div>`,
    )}
  </div>`;
}

export function renderKernels(session: LearnSession, dark: boolean) {
  const any = SIDES.map((id) => session.side(id).snapshot?.kernels ?? null);
  const first = any.find((k) => k);
  return html`<section class="card kernels" aria-labelledby="kernels-title">
    <h3 id="kernels-title">The learned up-sampling kernels, per output phase</h3>
    <div class="kernel-row">
      ${SIDES.map((id, i) => {
        const k = any[i];
        const s = session.side(id);
        return html`<figure class="kernel-side ${id}" data-side=${id}>
          ${k ? renderPhases(k, dark) : html`<div class="phases empty"></div>`}
          <figcaption>
            <span class="badge ${id}" aria-hidden="true">${id.toUpperCase()}</span>
            ${modelName(s.model, session.factor)}
            ${k ? html`<br />${k.shared ? 'one kernel, shared by the phases' : 'a kernel per phase'}` : nothing}
          </figcaption>
        </figure>`;
      })}
    </div>
    <p class="note">${first ? kernelCaption(first) : ''}</p>
  </section>`;
}
