// Two parts of <tconv-upsampler>'s view, kept apart so the element's file
// stays readable: the panel of a side (method, options, note, state,
// download) and the progress bar over the stage. Both render the session's
// state (shared/session.ts) and call back into the element.

import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';

import { formatSize } from './shared/limits.js';
import {
  INTERPOLATION_METHODS,
  METHOD_LABELS,
  METHOD_SHORT,
  takesAlignCorners,
  type UpsampleMethod,
} from './shared/protocol.js';
import type { SideId, UpsamplerSession } from './shared/session.js';
import { coresNote, formatMs, methodNote } from './shared/texts.js';
import { icons } from './icons.js';
import './align-figure.js';

export interface PanelContext {
  session: UpsamplerSession;
  scale: number;
  /** True once a job has run long enough to show its progress. */
  shown(job: { started: number } | null): boolean;
  setMethod(id: SideId, method: UpsampleMethod): void;
  download(id: SideId): void;
  /** Stops the PNG being encoded (only it). */
  cancelDownload(): void;
  cancel(): void;
}

export function renderWorking(c: PanelContext) {
  const jobs: { label: string; progress: number | null }[] = [];
  if (c.session.loading && c.shown(c.session.loading)) {
    jobs.push({ label: `Opening ${c.session.loading.name}`, progress: null });
  }
  for (const id of ['a', 'b'] as const) {
    const s = c.session.side(id);
    if (c.shown(s.job)) {
      jobs.push({ label: `Computing ${id.toUpperCase()} · ${METHOD_SHORT[s.method]}`, progress: s.job!.progress });
    }
  }
  if (c.session.diffJob && c.shown(c.session.diffJob)) {
    jobs.push({ label: 'Computing the difference', progress: c.session.diffJob.progress });
  }
  if (c.session.encoding) {
    jobs.push({ label: `Encoding ${c.session.encoding.toUpperCase()} as PNG`, progress: c.session.encodeProgress });
  }
  if (jobs.length === 0) return nothing;
  const [first] = jobs;
  const pct = first.progress === null ? null : Math.round(first.progress * 100);
  return html`<div class="working" part="progress">
    <div class="what">
      <div>
        ${first.label}${pct === null ? '…' : ` · ${pct} %`}${
          jobs.length > 1 ? html` <span class="more">(+${jobs.length - 1} more)</span>` : ''
        }
      </div>
      ${
        pct === null
          ? html`<progress aria-label="Progress: ${first.label}"></progress>`
          : html`<progress max="100" .value=${pct} aria-label="Progress: ${first.label}"></progress>`
      }
    </div>
    <button class="btn" @click=${() => c.cancel()}>Cancel</button>
  </div>`;
}

export function renderSide(c: PanelContext, id: SideId) {
  const s = c.session.side(id);
  const f = c.scale;
  const spec = c.session.specFor(id);
  const running = s.job;
  const unavailable = !spec;
  let state;
  if (unavailable) {
    state = html`<span class="side-state error"
      >Needs a factor (×2, ×3, ×4): transposed and resize-convolution use it as their stride.</span
    >`;
  } else if (s.error) {
    state = html`<span class="side-state error" role="status">${s.error}</span>`;
  } else if (running) {
    const pct = running.progress === null ? null : Math.round(running.progress * 100);
    state = html`<span class="side-state"
      >${c.shown(running) ? html`Computing${pct === null ? '…' : ` · ${pct} %`}` : 'Computing…'}
      ${
        !c.shown(running)
          ? nothing
          : pct === null
            ? html`<progress aria-label="Progress of ${id.toUpperCase()}"></progress>`
            : html`<progress max="100" .value=${pct} aria-label="Progress of ${id.toUpperCase()}"></progress>`
      }</span
    >`;
  } else if (s.cancelledKey) {
    state = html`<span class="side-state"
      >Cancelled.
      <button
        class="btn compact"
        @click=${() => {
          c.session.recompute(id);
        }}
      >
        Compute
      </button></span
    >`;
  } else if (s.result) {
    state = html`<span class="side-state">${formatSize(s.result)}</span>`;
  } else {
    state = html`<span class="side-state">${c.session.source ? '' : 'Open an image to start.'}</span>`;
  }
  const method = s.method;
  return html`<section class="side ${id}" part="side side-${id}" aria-labelledby="title-${id}">
    <div class="side-head">
      <h3 id="title-${id}">
        <span class="badge" aria-hidden="true">${id.toUpperCase()}</span> Side ${id.toUpperCase()}
      </h3>
      <span class="time" aria-label="Compute time"
        >${
          s.result && !running
            ? html`<strong>${formatMs(s.result.ms)}</strong> in the core${coresNote(s.result.workers)}`
            : ''
        }</span
      >
    </div>
    <label class="visually-hidden" for="method-${id}">Method of side ${id.toUpperCase()}</label>
    <select
      id="method-${id}"
      class="btn method"
      @change=${(e: Event) => c.setMethod(id, (e.target as HTMLSelectElement).value as UpsampleMethod)}
    >
      <optgroup label="Fixed interpolation">
        ${INTERPOLATION_METHODS.map((m) => html`<option value=${m} ?selected=${m === method}>${METHOD_LABELS[m]}</option>`)}
      </optgroup>
      <optgroup label="Transposed convolution">
        ${(['transposed-bilinear', 'transposed'] as const).map(
          (m) =>
            html`<option value=${m} ?selected=${m === method} ?disabled=${!!c.session.custom}>
              ${METHOD_LABELS[m]}
            </option>`,
        )}
      </optgroup>
      <optgroup label="Resize-convolution">
        ${(['resize-conv-nearest', 'resize-conv-bilinear'] as const).map(
          (m) =>
            html`<option value=${m} ?selected=${m === method} ?disabled=${!!c.session.custom}>
              ${METHOD_LABELS[m]}
            </option>`,
        )}
      </optgroup>
    </select>
    <label class="check">
      <input
        type="checkbox"
        .checked=${live(s.alignCorners && takesAlignCorners(method))}
        ?disabled=${!takesAlignCorners(method)}
        @change=${(e: Event) => c.session.setAlign(id, (e.target as HTMLInputElement).checked)}
      />
      Align corners
    </label>
    <tconv-upsampler-align .factor=${f} .method=${method} side=${id.toUpperCase()}></tconv-upsampler-align>
    <p class="note">${methodNote(method, f, c.session.kernel.size, c.session.sideGeometry(id))}</p>
    <div class="side-foot">
      ${c.session.encoding === id ? renderEncoding(c, id) : state}
      ${
        c.session.encoding === id
          ? html`<button
              class="btn"
              @click=${() => c.cancelDownload()}
              aria-label="Cancel the PNG of ${id.toUpperCase()}"
            >
              Cancel
            </button>`
          : html`<button
              class="btn"
              ?disabled=${!s.result || c.session.encoding !== null}
              @click=${() => c.download(id)}
              aria-label="Download ${id.toUpperCase()} as PNG"
            >
              ${icons.download} PNG
            </button>`
      }
    </div>
  </section>`;
}

/** A side's PNG while it is encoded: how far (the rows the worker has encoded), with a bar. */
function renderEncoding(c: PanelContext, id: SideId) {
  const p = c.session.encodeProgress;
  const pct = p === null ? null : Math.floor(p * 100);
  return html`<span class="side-state encoding"
    >Encoding PNG${pct === null ? '…' : ` · ${pct} %`}
    ${
      pct === null
        ? html`<progress aria-label="PNG of ${id.toUpperCase()}"></progress>`
        : html`<progress max="100" .value=${pct} aria-label="PNG of ${id.toUpperCase()}"></progress>`
    }</span
  >`;
}
