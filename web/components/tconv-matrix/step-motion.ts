// The motion of a step in <tconv-matrix>: the chips planned for the step the
// player just took fly once the frame is drawn, and the cells they fly to
// stay drawn as not yet computed until they land. A Lit reactive controller
// around the Animator (animator.ts), which does the Web Animations.

import type { ReactiveController, ReactiveControllerHost } from 'lit';

import type { CellPos, Flight } from '../../lib/explainer/flights.js';
import type { GridSpec, ViewGridId } from '../../lib/explainer/views.js';
import type { TconvGrid } from '../tconv-grid/tconv-grid.js';
import { Animator, plan } from './animator.js';

type Host = ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment };

export class StepMotion implements ReactiveController {
  /** Per grid, the cells whose chip has not landed yet. */
  private pending = new Map<string, Set<number>>();
  private toRun: { flights: Flight[]; duration: number; token: number } | null = null;
  private token = 0;
  private readonly animator: Animator;

  constructor(
    private readonly host: Host,
    private readonly gridEl: (grid: ViewGridId) => TconvGrid | null,
  ) {
    host.addController(this);
    this.animator = new Animator({
      layer: () => host.renderRoot.querySelector<HTMLElement>('.fx'),
      rect: (p) => gridEl(p.grid)?.cellRect(p.index) ?? null,
      look: (p) => this.look(p),
      backdrop: () => {
        const el = host.renderRoot.querySelector('.player');
        return el ? getComputedStyle(el).backgroundColor : 'transparent';
      },
      landed: (p) => this.landed(p),
    });
  }

  /** Plans a step: `flights` over `duration` ms, after the next render (with reduced motion, fades). */
  plan(flights: Flight[], duration: number, reducedMotion: boolean): void {
    this.animator.finish();
    const planned = plan(flights, reducedMotion);
    this.pending = planned.hidden;
    this.toRun = planned.flights.length ? { flights: planned.flights, duration, token: ++this.token } : null;
  }

  /** Ends every motion at once, draws every cell, and forgets a planned step. */
  stop(): void {
    this.animator.finish();
    this.pending = new Map();
    this.toRun = null;
  }

  /** The cells of a grid to draw as not yet computed: the view's, and those whose chip is on its way. */
  hiddenFor(spec: GridSpec): Set<number> | undefined {
    const p = this.pending.get(spec.id);
    if (!p || p.size === 0) return spec.hidden;
    if (!spec.hidden) return p;
    return new Set([...spec.hidden, ...p]);
  }

  hostUpdated(): void {
    const run = this.toRun;
    if (!run) return;
    this.toRun = null;
    void this.start(run);
  }

  hostDisconnected(): void {
    this.animator.finish();
  }

  private async start(run: { flights: Flight[]; duration: number; token: number }): Promise<void> {
    // The chips start from the cells' boxes: every grid must have drawn the new frame.
    const grids = Array.from(this.host.renderRoot.querySelectorAll<TconvGrid>('tconv-grid'));
    await Promise.all(grids.map((g) => g.updateComplete));
    if (run.token !== this.token) return;
    this.animator.run(run.flights, run.duration);
  }

  private landed(pos: CellPos): void {
    const set = this.pending.get(pos.grid);
    if (!set || !set.has(pos.index)) return;
    const next = new Set(set);
    next.delete(pos.index);
    this.pending.set(pos.grid, next);
    this.host.requestUpdate();
  }

  /** How a drawn cell looks, for the chip that leaves it. */
  private look(pos: CellPos) {
    const cell = this.gridEl(pos.grid)?.shadowRoot?.querySelector<HTMLElement>(`[data-index="${pos.index}"]`);
    if (!cell) return null;
    const s = getComputedStyle(cell);
    return { background: s.backgroundColor, color: s.color, text: cell.textContent ?? '', fontSize: s.fontSize };
  }
}
