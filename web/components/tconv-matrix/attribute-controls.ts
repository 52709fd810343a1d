// What <tconv-matrix>'s controls do: each writes attributes (the URL's
// parameters), and the element resolves them into a new figure. The side
// panel's sizes, presets and independent weights, chapter 8's "try stride 2",
// chapter 9's choice of g and chapter 10's target, learning rate and seed.
// Defaults are written as absent attributes, so links stay short.

import type { ConfigKey, ExplainerConfig } from '../../lib/explainer/config.js';
import { CONFIG_KEYS } from '../../lib/explainer/config.js';
import { type LearnKey, type Resolved, textForDim, type ValueKey } from '../../lib/explainer/state.js';
import type { Preset } from '../../lib/explainer/values.js';
import type { Tconv } from '../../lib/types.js';
import type { GradientControls } from './chapter-gradient.js';
import type { LearnControls } from './chapter-learn.js';

/** The element's attribute properties the controls write. */
export type AttributeHost = Record<ConfigKey | ValueKey | LearnKey | 'values', string | null>;

export interface AttributeContext {
  tc(): Tconv | null;
  /** The configuration the controls show (possibly one that cannot be drawn). */
  requested(): ExplainerConfig | null;
  shown(): Resolved | null;
  showDemo(): void;
}

export interface AttributeControls {
  onDim(key: ConfigKey, dim: 0 | 1, value: number): void;
  onPreset(preset: Preset): void;
  onIndependent(on: boolean): void;
  onTryStride(): void;
  gradient: GradientControls;
  learn: LearnControls;
}

export function attributeControls(host: AttributeHost, ctx: AttributeContext): AttributeControls {
  return {
    onDim(key, dim, value) {
      const tc = ctx.tc();
      const requested = ctx.requested();
      if (!tc || !requested) return;
      // Edited grids keep their top-left part; the rest follows the preset.
      const text = textForDim(tc, requested, ctx.shown(), key, dim, value);
      for (const k of CONFIG_KEYS) host[k] = text.config[k];
      for (const [k, v] of Object.entries(text.values) as [ValueKey, string | null][]) host[k] = v;
    },
    onPreset(preset) {
      host.values = preset;
      host.x = host.k = host.y = null;
      if (host.kt !== null) host.kt = '';
    },
    onIndependent(on) {
      host.kt = on ? '' : null;
    },
    onTryStride() {
      host.stride = '2';
    },
    gradient: {
      onGradSource(source) {
        host.grad = source === 'y' ? null : source;
      },
      onShowDemo: () => ctx.showDemo(),
    },
    learn: {
      onTarget(target) {
        host.target = target === 'kernel' ? null : target;
      },
      onRate(lr) {
        host.lr = lr === null ? null : String(lr);
      },
      onSeed(seed) {
        host.seed = seed === 1 ? null : String(seed);
      },
    },
  };
}
