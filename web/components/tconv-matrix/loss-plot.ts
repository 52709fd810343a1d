// Chapter 10's loss curve: an SVG of the loss at every step, on a log scale
// (it falls over several orders of magnitude), drawn up to the frame's
// iteration with the rest of the run faint, and a dot on the frame's step.
// A picture with one sentence for assistive technology; the numbers are the
// model's (learn.ts), the scale only places them.

import { html, svg } from 'lit';

import type { LearningModel } from '../../lib/explainer/model-types.js';
import { lossText } from '../../lib/explainer/timeline-learn.js';

const W = 360;
const H = 150;
const PAD = { left: 46, right: 14, top: 10, bottom: 22 };

/** Where the plot places a loss: log10, with zeros (an exact fit) put a little below the smallest positive loss. */
function logRange(losses: number[]): { lo: number; hi: number } {
  const positive = losses.filter((l) => l > 0 && Number.isFinite(l));
  if (positive.length === 0) return { lo: -1, hi: 1 };
  let lo = Math.floor(Math.log10(Math.min(...positive)));
  let hi = Math.ceil(Math.log10(Math.max(...positive)));
  if (hi - lo < 1) [lo, hi] = [lo - 1, hi + 1];
  return { lo, hi };
}

export function renderLossPlot(L: LearningModel, iteration: number) {
  const { lo, hi } = logRange(L.losses);
  const steps = Math.max(1, L.losses.length - 1);
  const x = (i: number) => PAD.left + (i / steps) * (W - PAD.left - PAD.right);
  const y = (loss: number) => {
    const v = loss > 0 && Number.isFinite(loss) ? Math.log10(loss) : loss > 0 ? hi : lo;
    const t = (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo);
    return H - PAD.bottom - t * (H - PAD.top - PAD.bottom);
  };
  const path = (from: number, to: number) =>
    L.losses
      .slice(from, to + 1)
      .map((l, i) => `${i === 0 ? 'M' : 'L'}${x(from + i).toFixed(1)},${y(l).toFixed(1)}`)
      .join(' ');
  const now = Math.min(iteration, L.losses.length - 1);
  // A tick at every power of ten, or every other one when there are many.
  const every = hi - lo > 8 ? 2 : 1;
  const ticks = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i).filter((p) => (p - lo) % every === 0);
  const label =
    `Loss curve: ${lossText(L.losses[now])} after ${now} of ${steps} steps, ` +
    `from ${lossText(L.losses[0])} at the start${L.firstRise < 0 ? ', never rising' : `, rising first at step ${L.firstRise}`}.`;
  return html`<figure class="loss-plot">
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${label} id="loss-plot">
      ${ticks.map(
        (p) => svg`<line class="grid-line" x1=${PAD.left} x2=${W - PAD.right} y1=${y(10 ** p)} y2=${y(10 ** p)}></line>
          <text class="tick" x=${PAD.left - 6} y=${y(10 ** p) + 4} text-anchor="end">${p === 0 ? '1' : `10${sup(p)}`}</text>`,
      )}
      <line class="axis" x1=${PAD.left} x2=${W - PAD.right} y1=${H - PAD.bottom} y2=${H - PAD.bottom}></line>
      ${[0, Math.round(steps / 2), steps].map(
        (i) => svg`<text class="tick" x=${x(i)} y=${H - PAD.bottom + 16} text-anchor="middle">${i}</text>`,
      )}
      <path class="rest" d=${path(0, L.losses.length - 1)}></path>
      <path class="done" d=${path(0, now)}></path>
      <circle class="now" cx=${x(now)} cy=${y(L.losses[now])} r="4"></circle>
    </svg>
    <figcaption class="note">loss (mean squared error) per step, log scale</figcaption>
  </figure>`;
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
/** 10⁻³: the exponent in superscript digits, with a superscript minus. */
function sup(p: number): string {
  return (p < 0 ? '⁻' : '') + String(Math.abs(p)).replace(/\d/g, (d) => SUPERSCRIPT[Number(d)]);
}
