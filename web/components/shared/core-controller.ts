// What every figure does with the core: wait until it is (nearly) on screen,
// unless loading="eager", then load the page's one core and redraw. A Lit
// reactive controller, so each element only says what to do when it becomes
// visible or when loading fails.

import type { ReactiveController, ReactiveControllerHost } from 'lit';

import type { Tconv } from '../../lib/index.js';
import { loadTconv } from './core.js';
import { type Loading, observeVisibility } from './visibility.js';

type Host = ReactiveControllerHost & HTMLElement & { loading: Loading };

export interface CoreControllerOptions {
  /** Called whenever the figure comes into reach of the viewport (true) or leaves it (false). */
  onVisibility?: (visible: boolean) => void;
  /** Called once when the core cannot load, with the reason. */
  onError?: (message: string) => void;
}

export class CoreController implements ReactiveController {
  /** The core, once loaded. */
  tc: Tconv | null = null;
  /** Why the core could not load ('' while fine). */
  error = '';
  /** Whether the figure is within reach of the viewport. */
  visible = false;
  private loading = false;
  private unobserve: (() => void) | null = null;

  constructor(
    private readonly host: Host,
    private readonly options: CoreControllerOptions = {},
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.unobserve = observeVisibility(this.host, (visible) => {
      this.visible = visible;
      if (visible) this.load();
      this.options.onVisibility?.(visible);
    });
    if (this.host.loading === 'eager') this.load();
  }

  hostDisconnected(): void {
    this.unobserve?.();
    this.unobserve = null;
    this.visible = false;
  }

  /** Starts loading the shared core (once; a failed load may be retried). */
  load(): void {
    if (this.tc || this.loading) return;
    this.loading = true;
    loadTconv().then(
      (tc) => {
        this.tc = tc;
        this.error = '';
        this.host.requestUpdate();
      },
      (e: unknown) => {
        this.loading = false;
        this.error = e instanceof Error ? e.message : String(e);
        this.options.onError?.(this.error);
        this.host.requestUpdate();
      },
    );
  }
}
