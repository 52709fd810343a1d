// Moving parts of a step, with the Web Animations API (FLIP): a small chip is
// cloned from the source cell's box (tconv-grid's cellRect), animated to the
// target cell's box, and removed. With prefers-reduced-motion, chips do not
// move: the targets fade in instead.

import type { CellPos, Flight } from '../../lib/explainer/flights.js';

/** Above this many chips, the step fades its targets in instead. */
const MAX_CHIPS = 360;
/** Above this many fading targets, the step is not animated at all. */
const MAX_FADES = 900;

export interface AnimatorHost {
  /** The layer the chips live in (position: fixed, covering the viewport). */
  layer(): HTMLElement | null;
  /** The cell's box in viewport coordinates, or null when it is not drawn. */
  rect(pos: CellPos): DOMRect | null;
  /** How the cell looks (colours, text, font size), or null when it is not drawn. */
  look(pos: CellPos): { background: string; color: string; text: string; fontSize: string } | null;
  /** Colour of the stage behind the cells (for fades). */
  backdrop(): string;
  /** A target's chip has landed: draw the cell. */
  landed(pos: CellPos): void;
}

const key = (p: CellPos) => `${p.grid}:${p.index}`;

/** What a step will hide until its chips land (only targets whose source is drawn). */
export function plan(flights: Flight[], reduced: boolean): { flights: Flight[]; hidden: Map<string, Set<number>> } {
  let list = flights;
  const moving = list.filter((f) => f.mode !== 'fade').length;
  if (reduced || moving > MAX_CHIPS) {
    // No motion: each target fades in where it is.
    const seen = new Set<string>();
    const fades: Flight[] = [];
    for (const f of list) {
      if (f.mode !== 'fade' && !f.hideTarget) continue;
      const k = key(f.to);
      if (seen.has(k)) continue;
      seen.add(k);
      fades.push({ mode: 'fade', to: f.to, start: 0.05, end: 0.85, hideTarget: false });
    }
    list = fades.length > MAX_FADES ? [] : fades;
  }
  const hidden = new Map<string, Set<number>>();
  for (const f of list) {
    if (!f.hideTarget) continue;
    let set = hidden.get(f.to.grid);
    if (!set) hidden.set(f.to.grid, (set = new Set()));
    set.add(f.to.index);
  }
  return { flights: list, hidden };
}

export class Animator {
  private running = new Set<Animation>();
  private chips = new Set<HTMLElement>();
  /** For each hidden target, how many chips are still on their way. */
  private inbound = new Map<string, { pos: CellPos; count: number }>();

  constructor(private host: AnimatorHost) {}

  get busy(): boolean {
    return this.running.size > 0;
  }

  /** Runs a planned step over `duration` ms. Targets whose source is not drawn land at once. */
  run(flights: Flight[], duration: number): void {
    const layer = this.host.layer();
    const pending: { f: Flight; from: DOMRect | null; to: DOMRect }[] = [];
    for (const f of flights) {
      const to = this.host.rect(f.to);
      const from = f.from ? this.host.rect(f.from) : null;
      if (!layer || !to || (f.mode !== 'fade' && !from)) {
        if (f.hideTarget) this.host.landed(f.to);
        continue;
      }
      pending.push({ f, from, to });
      if (f.hideTarget) {
        const k = key(f.to);
        const entry = this.inbound.get(k);
        if (entry) entry.count++;
        else this.inbound.set(k, { pos: f.to, count: 1 });
      }
    }
    for (const { f, from, to } of pending) {
      if (f.mode === 'fade') this.fade(layer!, f, to, duration);
      else this.fly(layer!, f, from!, to, duration);
    }
  }

  /** Ends every running animation at once and draws every target. */
  finish(): void {
    for (const a of this.running) a.cancel();
    this.running.clear();
    for (const c of this.chips) c.remove();
    this.chips.clear();
    const targets = [...this.inbound.values()];
    this.inbound.clear();
    for (const t of targets) this.host.landed(t.pos);
  }

  private chip(layer: HTMLElement, box: DOMRect, className: string): HTMLElement {
    const el = document.createElement('div');
    el.className = className;
    el.style.left = `${box.left}px`;
    el.style.top = `${box.top}px`;
    el.style.width = `${box.width}px`;
    el.style.height = `${box.height}px`;
    layer.append(el);
    this.chips.add(el);
    return el;
  }

  private track(a: Animation, el: HTMLElement, f: Flight): void {
    this.running.add(a);
    const done = () => {
      if (!this.running.delete(a)) return; // cancelled by finish()
      el.remove();
      this.chips.delete(el);
      if (!f.hideTarget) return;
      const k = key(f.to);
      const entry = this.inbound.get(k);
      if (entry && --entry.count <= 0) {
        this.inbound.delete(k);
        this.host.landed(f.to);
      }
    };
    a.finished.then(done, () => undefined);
  }

  private fly(layer: HTMLElement, f: Flight, from: DOMRect, to: DOMRect, duration: number): void {
    const look = this.host.look(f.from!);
    const merge = f.mode === 'merge';
    const el = this.chip(layer, from, merge ? 'chip merge' : 'chip');
    if (look) {
      el.style.background = look.background;
      el.style.color = look.color;
      el.style.fontSize = look.fontSize;
      if (!merge) el.textContent = look.text;
    }
    const dx = to.left + to.width / 2 - (from.left + from.width / 2);
    const dy = to.top + to.height / 2 - (from.top + from.height / 2);
    const s = from.width > 0 ? to.width / from.width : 1;
    const end = `translate(${dx}px, ${dy}px) scale(${merge ? s * 0.45 : s})`;
    const frames: Keyframe[] = merge
      ? [
          { transform: 'translate(0, 0) scale(0.8)', opacity: 0, offset: 0 },
          { transform: 'translate(0, 0) scale(0.7)', opacity: 0.95, offset: 0.15 },
          { transform: end, opacity: 0.9, offset: 1 },
        ]
      : f.hideTarget
        ? [
            { transform: 'translate(0, 0) scale(1)', opacity: 0, offset: 0 },
            { transform: 'translate(0, 0) scale(1.08)', opacity: 1, offset: 0.12 },
            { transform: end, opacity: 1, offset: 1 },
          ]
        : [
            { transform: 'translate(0, 0) scale(1)', opacity: 0, offset: 0 },
            { transform: 'translate(0, 0) scale(1.08)', opacity: 0.95, offset: 0.12 },
            { transform: end, opacity: 0.95, offset: 0.75 },
            { transform: end, opacity: 0, offset: 1 },
          ];
    const a = el.animate(frames, {
      duration: Math.max(1, (f.end - f.start) * duration),
      delay: f.start * duration,
      easing: 'cubic-bezier(0.45, 0, 0.2, 1)',
      fill: 'both',
    });
    this.track(a, el, f);
  }

  private fade(layer: HTMLElement, f: Flight, to: DOMRect, duration: number): void {
    const el = this.chip(layer, to, 'chip curtain');
    el.style.background = this.host.backdrop();
    const a = el.animate([{ opacity: 1 }, { opacity: 0 }], {
      duration: Math.max(1, (f.end - f.start) * duration),
      delay: f.start * duration,
      easing: 'ease-out',
      fill: 'both',
    });
    this.track(a, el, f);
  }
}
