// The Learn mode's two plots, as SVG templates: the loss of both sides per
// step (log scale: it falls over orders of magnitude), and their PSNR at each
// evaluation with bilinear's and bicubic's PSNR on the same image drawn as
// horizontal lines across it. Side A and B in their colours (theme tokens),
// the axes in the text colours; one sentence each for assistive technology.
// The numbers are the session's; the scales only place them.

import { html, nothing, svg } from 'lit';

import { formatSignificant } from '../../lib/explainer/text.js';
import type { LearnSide } from './learn-session.js';
import { lossText } from './learn-text.js';

const W = 340;
const H = 170;
const PAD = { left: 44, right: 12, top: 12, bottom: 24 };
/** Points per line at most: longer runs are drawn as means of equal runs of steps. */
const MAX_POINTS = 300;

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const sup = (p: number) => (p < 0 ? '⁻' : '') + String(Math.abs(p)).replace(/\d/g, (d) => SUPERSCRIPT[Number(d)]);

const xOf = (step: number, last: number) => PAD.left + (step / last) * (W - PAD.left - PAD.right);
const yOf = (t: number) => H - PAD.bottom - t * (H - PAD.top - PAD.bottom);

/** The last step both plots span: the furthest side's, at least 10. */
export function plotSteps(a: LearnSide, b: LearnSide): number {
  return Math.max(10, a.step, b.step);
}

/** Steps 1…n's losses as at most MAX_POINTS (step, mean loss) points. */
export function lossPoints(losses: number[]): [number, number][] {
  const bucket = Math.max(1, Math.ceil(losses.length / MAX_POINTS));
  const points: [number, number][] = [];
  for (let i = 0; i < losses.length; i += bucket) {
    const run = losses.slice(i, i + bucket);
    points.push([i + run.length, run.reduce((s, v) => s + v, 0) / run.length]);
  }
  return points;
}

function xTicks(last: number) {
  return [0, Math.round(last / 2), last].map(
    (s) => svg`<text class="tick" x=${xOf(s, last)} y=${H - PAD.bottom + 16} text-anchor="middle">${s}</text>`,
  );
}

const axis = svg`<line class="axis" x1=${PAD.left} x2=${W - PAD.right} y1=${H - PAD.bottom} y2=${H - PAD.bottom}></line>`;

const pathOf = (points: [number, number][]) =>
  points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');

/** The key under a plot: a swatch per side (and per reference line), in HTML so it wraps on a phone. */
function legend(names: [string, string], references: { cls: string; text: string }[] = []) {
  return html`<ul class="legend">
    ${(['a', 'b'] as const).map(
      (id, i) =>
        html`<li>
          <svg viewBox="0 0 24 8" aria-hidden="true"><line class="line ${id}" x1="0" x2="24" y1="4" y2="4"></line></svg
          >${id.toUpperCase()} ${names[i]}
        </li>`,
    )}
    ${references.map(
      (r) =>
        html`<li>
          <svg viewBox="0 0 24 8" aria-hidden="true">
            <line class="ref ${r.cls}" x1="0" x2="24" y1="4" y2="4"></line></svg
          >${r.text}
        </li>`,
    )}
  </ul>`;
}

export function renderLossPlot(a: LearnSide, b: LearnSide, names: [string, string]) {
  const last = plotSteps(a, b);
  const all = [...a.losses, ...b.losses].filter((l) => l > 0 && Number.isFinite(l));
  let lo = all.length ? Math.floor(Math.log10(Math.min(...all))) : -3;
  let hi = all.length ? Math.ceil(Math.log10(Math.max(...all))) : -1;
  if (hi - lo < 1) [lo, hi] = [lo - 1, hi + 1];
  const y = (v: number) => yOf((Math.min(hi, Math.max(lo, Math.log10(Math.max(v, 1e-30)))) - lo) / (hi - lo));
  const line = (s: LearnSide, id: 'a' | 'b') => {
    const pts = lossPoints(s.losses).map(([st, v]) => [xOf(st, last), y(v)] as [number, number]);
    return pts.length ? svg`<path class="line ${id}" data-points=${pts.length} d=${pathOf(pts)}></path>` : nothing;
  };
  const ticks = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  const label =
    `Loss per step, log scale: ` +
    (['a', 'b'] as const)
      .map((id) => {
        const s = id === 'a' ? a : b;
        return s.losses.length
          ? `${id.toUpperCase()} from ${lossText(s.losses[0])} to ${lossText(s.losses[s.losses.length - 1])} over ${s.step} steps`
          : `${id.toUpperCase()} not trained yet`;
      })
      .join('; ') +
    '.';
  return html`<figure class="plot loss-plot">
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${label}>
      ${ticks.map(
        (p) => svg`<line class="grid-line" x1=${PAD.left} x2=${W - PAD.right} y1=${y(10 ** p)} y2=${y(10 ** p)}></line>
          <text class="tick" x=${PAD.left - 6} y=${y(10 ** p) + 4} text-anchor="end">${p === 0 ? '1' : `10${sup(p)}`}</text>`,
      )}
      ${axis} ${xTicks(last)} ${line(a, 'a')} ${line(b, 'b')}
    </svg>
    ${legend(names)}
    <figcaption>Loss (mean squared error on RGB in [0, 1]) per step, log scale</figcaption>
  </figure>`;
}

export function renderPsnrPlot(
  a: LearnSide,
  b: LearnSide,
  names: [string, string],
  bilinear: number | null,
  bicubic: number | null,
) {
  const last = plotSteps(a, b);
  const values = [...a.evaluations, ...b.evaluations].map((e) => e.psnr).filter(Number.isFinite);
  if (bilinear !== null) values.push(bilinear);
  if (bicubic !== null) values.push(bicubic);
  let lo = values.length ? Math.floor(Math.min(...values)) : 20;
  let hi = values.length ? Math.ceil(Math.max(...values)) : 30;
  if (hi - lo < 2) [lo, hi] = [lo - 1, hi + 1];
  const y = (v: number) => yOf((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo));
  const every = Math.max(1, Math.ceil((hi - lo) / 5));
  const ticks = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i).filter((v) => (v - lo) % every === 0);
  const line = (s: LearnSide, id: 'a' | 'b') => {
    const pts = s.evaluations.map((e) => [xOf(e.step, last), y(e.psnr)] as [number, number]);
    if (!pts.length) return nothing;
    const [lx, ly] = pts[pts.length - 1];
    return svg`<path class="line ${id}" data-points=${pts.length} d=${pathOf(pts)}></path>
      <circle class="dot ${id}" cx=${lx} cy=${ly} r="3"></circle>`;
  };
  const reference = (v: number | null, cls: string) =>
    v === null
      ? nothing
      : svg`<line class="ref ${cls}" x1=${PAD.left} x2=${W - PAD.right} y1=${y(v)} y2=${y(v)}></line>`;
  const label =
    `PSNR in dB at each evaluation: ` +
    (['a', 'b'] as const)
      .map((id) => {
        const e = (id === 'a' ? a : b).evaluations;
        return e.length
          ? `${id.toUpperCase()} ${e[e.length - 1].psnr.toFixed(2)} at step ${e[e.length - 1].step}`
          : `${id.toUpperCase()} none yet`;
      })
      .join('; ') +
    (bilinear !== null && bicubic !== null ? `; bilinear ${bilinear.toFixed(2)}, bicubic ${bicubic.toFixed(2)}.` : '.');
  return html`<figure class="plot psnr-plot">
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${label}>
      ${ticks.map(
        (v) => svg`<line class="grid-line" x1=${PAD.left} x2=${W - PAD.right} y1=${y(v)} y2=${y(v)}></line>
          <text class="tick" x=${PAD.left - 6} y=${y(v) + 4} text-anchor="end">${formatSignificant(v, 3)}</text>`,
      )}
      ${axis} ${xTicks(last)} ${reference(bilinear, 'bilinear')} ${reference(bicubic, 'bicubic')} ${line(a, 'a')}
      ${line(b, 'b')}
    </svg>
    ${legend(names, [
      ...(bilinear === null ? [] : [{ cls: 'bilinear', text: `bilinear ${bilinear.toFixed(2)} dB` }]),
      ...(bicubic === null ? [] : [{ cls: 'bicubic', text: `bicubic ${bicubic.toFixed(2)} dB` }]),
    ])}
    <figcaption>
      PSNR (dB, higher is better) of each result against the original, with bilinear’s and bicubic’s
    </figcaption>
  </figure>`;
}
