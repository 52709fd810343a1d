// The toolbar of <tconv-upsampler> (open, samples, scale, view, gain) and
// its output-size form, kept apart so the element's file stays readable.
// They render the session's state (shared/session.ts) and call back into
// the element.

import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';

import { ACCEPT } from './shared/image-header.js';
import { FACTORS, type Size } from './shared/limits.js';
import { SAMPLES, type SampleName } from './shared/samples.js';
import type { UpsamplerSession } from './shared/session.js';
import { icons } from './icons.js';

/** The gains the difference view offers. */
const GAINS = [1, 2, 4, 8, 16, 32, 64];

export interface ToolbarContext {
  session: UpsamplerSession;
  scale: number;
  /** The output-size form is open. */
  customOpen: boolean;
  /** Learn mode: it trains at a factor of 2, 3 or 4, so "Size…" and its form are not offered. */
  learn: boolean;
  /** The size the form starts from. */
  customDraft: Size;
  pick(): void;
  onPicked(e: Event): void;
  openSample(name: SampleName): void;
  setFactor(f: number): void;
  openCustom(): void;
  applyCustom(e: Event): void;
  linkAspect(which: 'w' | 'h', e: Event): void;
  closeCustom(): void;
}

export function renderToolbar(c: ToolbarContext) {
  const f = c.scale;
  return html`<div class="toolbar" part="toolbar">
    <div class="group">
      <button class="btn primary" @click=${c.pick}>${icons.open} Open image</button>
      <span class="drop-note">or drop or paste one here</span>
      <input
        type="file"
        class="visually-hidden"
        tabindex="-1"
        aria-hidden="true"
        accept=${ACCEPT}
        @change=${c.onPicked}
      />
      <label class="visually-hidden" for="sample">Built-in samples, made by tconv</label>
      <select
        id="sample"
        class="btn"
        @change=${(e: Event) => {
          const sel = e.target as HTMLSelectElement;
          if (sel.value) c.openSample(sel.value as SampleName);
          sel.value = '';
        }}
      >
        <option value="">Samples…</option>
        ${SAMPLES.map((s) => html`<option value=${s.name}>${s.label} — made by tconv</option>`)}
      </select>
    </div>
    <fieldset class="segmented" aria-label="Scale factor">
      <legend>Scale</legend>
      ${FACTORS.map(
        (n) =>
          html`<label
            ><input
              type="radio"
              name="scale"
              .checked=${live((c.learn || !c.session.custom) && n === f)}
              @change=${() => c.setFactor(n)}
            />×${n}</label
          >`,
      )}
      ${
        c.learn
          ? nothing
          : html`<label title="Any output size (nearest, bilinear, bicubic)"
              ><input
                type="radio"
                name="scale"
                .checked=${live(!!c.session.custom || c.customOpen)}
                ?disabled=${!c.session.source}
                @change=${c.openCustom}
              />Size…</label
            >`
      }
    </fieldset>
    <span class="spacer"></span>
    <fieldset class="segmented" aria-label="View">
      <legend>View</legend>
      <label
        ><input
          type="radio"
          name="view"
          .checked=${live(c.session.view === 'split')}
          @change=${() => c.session.setView('split')}
        />Split</label
      >
      <label
        ><input
          type="radio"
          name="view"
          .checked=${live(c.session.view === 'difference')}
          @change=${() => c.session.setView('difference')}
        />Difference</label
      >
    </fieldset>
    ${
      c.session.view === 'difference'
        ? html`<label class="gain"
            >Gain
            <select
              class="btn"
              @change=${(e: Event) => c.session.setGain(Number((e.target as HTMLSelectElement).value))}
            >
              ${GAINS.map((g) => html`<option value=${g} ?selected=${g === c.session.gain}>×${g}</option>`)}
            </select></label
          >`
        : nothing
    }
  </div>`;
}

export function renderCustom(c: ToolbarContext) {
  if (c.learn || (!c.customOpen && !c.session.custom)) return nothing;
  const d = c.session.custom ?? c.customDraft;
  return html`<form class="custom" @submit=${c.applyCustom} aria-label="Output size">
    <label
      >Width
      <input
        name="w"
        type="number"
        min="1"
        max="16384"
        .value=${String(d.width)}
        @input=${(e: Event) => c.linkAspect('w', e)}
    /></label>
    <span aria-hidden="true">×</span>
    <label
      >Height
      <input
        name="h"
        type="number"
        min="1"
        max="16384"
        .value=${String(d.height)}
        @input=${(e: Event) => c.linkAspect('h', e)}
    /></label>
    <label class="check flush"><input name="keep" type="checkbox" checked /> keep aspect</label>
    <button class="btn primary" type="submit">Apply</button>
    <button
      class="btn"
      type="button"
      @click=${() => {
        c.closeCustom();
      }}
    >
      Back to ×${c.scale}
    </button>
    <p class="hint">
      Any output size works for nearest, bilinear and bicubic (also smaller than the input). The convolution methods
      need an integer factor: their stride.
    </p>
  </form>`;
}
