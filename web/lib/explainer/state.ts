// The element's state as text (its attributes, the same names as the URL's
// parameters) and what it resolves to: a configuration, the values, and the
// model built by web/lib/explainer. DOM-free; no arithmetic on values: the
// parsing, presets and resizing are the library's.

import type { Tconv } from '../index.js';
import {
  CONFIG_KEYS,
  configToParams,
  type ConfigKey,
  DEFAULT_CONFIG,
  type Dims,
  type ExplainerConfig,
  formatDims,
  PARAM_NAMES,
  parseConfig,
  quote,
} from './config.js';
import type { ExplainerModel, ExplainerValues } from './model-types.js';
import { GRAD_SOURCES } from './gradients.js';
import { DEFAULT_LEARN, LEARN_TARGETS } from './learn.js';
import type { GradSource, LearnTarget } from './model-types.js';
import { buildModel, DEFAULT_MODEL_OPTIONS, type ModelOptions, outputSizeOf } from './model.js';
import { formatValues, parseValues, type Preset, presetGrid, presetValues, PRESETS, resizeGrid } from './values.js';

export type ValueKey = 'x' | 'k' | 'y' | 'kt';
export const VALUE_KEYS: ValueKey[] = ['x', 'k', 'y', 'kt'];

/** Attributes of chapters 9 and 10: the gradient g, and the training's seed, target and learning rate. */
export type LearnKey = 'grad' | 'seed' | 'target' | 'lr';
export const LEARN_KEYS: LearnKey[] = ['grad', 'seed', 'target', 'lr'];

/** The element's state as attribute text; null = attribute absent. */
export type StateText = Record<ConfigKey, string | null> &
  Record<ValueKey, string | null> &
  Record<LearnKey, string | null> & { values: string | null };

export interface Resolved {
  config: ExplainerConfig;
  preset: Preset;
  values: ExplainerValues;
  /** Which grids hold values given explicitly (edited), rather than the preset's. */
  edited: Record<ValueKey, boolean>;
  /** Chapter 9's g and chapter 10's training. */
  options: ModelOptions;
  model: ExplainerModel;
}

export type Resolution =
  | { ok: true; state: Resolved; notices: string[] }
  | {
      ok: false;
      error: string;
      config: ExplainerConfig;
      notices: string[];
      /** A notice for the top of the figure: which configuration was refused and why (the core's reason). */
      refusal: string;
    };

/** "input 2, kernel 3, stride 2": the parameters a link set (the defaults of stride … output-padding left out). */
export function configSummary(config: ExplainerConfig): string {
  return Array.from(configToParams(config), ([name, value]) => `${name} ${value.replace('x', '×')}`).join(', ');
}

function refused(error: string, config: ExplainerConfig, notices: string[]): Resolution {
  return {
    ok: false,
    error,
    config,
    notices,
    refusal: `The requested figure (${configSummary(config)}) can’t be drawn. ${error}`,
  };
}

const DESCRIPTIONS: Record<ValueKey, string> = {
  x: 'the input x',
  k: 'the kernel k',
  y: 'y',
  kt: 'the independent kernel',
};

export function isPreset(text: string | null): text is Preset {
  return PRESETS.some((p) => p.id === text);
}

const count = ([h, w]: Dims) => h * w;

/** Largest seed a link may give (the starting kernel is mulberry32's, from any 32-bit number). */
export const MAX_SEED = 999_999;

/**
 * Reads chapters 9 and 10's attributes: g ('y' or 'ones'), the seed (a whole number 1 … MAX_SEED),
 * the target ('kernel' or 'bilinear') and the learning rate (a positive number; absent = the safe
 * rate). What cannot be read falls back to the default with a notice.
 */
export function parseLearnText(text: Pick<StateText, LearnKey>, notices: string[]): ModelOptions {
  const options: ModelOptions = { gradSource: DEFAULT_MODEL_OPTIONS.gradSource, learn: { ...DEFAULT_LEARN } };
  if (text.grad !== null) {
    const hit = GRAD_SOURCES.find((g) => g.id === text.grad);
    if (hit) options.gradSource = hit.id as GradSource;
    else notices.push(`Ignored grad=${quote(text.grad)}: expected y or ones. Using y.`);
  }
  if (text.seed !== null) {
    const seed = /^\s*\d{1,6}\s*$/.test(text.seed) ? Number(text.seed) : NaN;
    if (seed >= 1 && seed <= MAX_SEED) options.learn.seed = seed;
    else notices.push(`Ignored seed=${quote(text.seed)}: expected a whole number from 1 to ${MAX_SEED}. Using 1.`);
  }
  if (text.target !== null) {
    const hit = LEARN_TARGETS.find((t) => t.id === text.target);
    if (hit) options.learn.target = hit.id as LearnTarget;
    else notices.push(`Ignored target=${quote(text.target)}: expected kernel or bilinear. Using kernel.`);
  }
  if (text.lr !== null) {
    const lr = /^\s*(\d+(\.\d*)?|\.\d+)(e-?\d{1,2})?\s*$/i.test(text.lr) ? Number(text.lr) : NaN;
    if (lr > 0 && lr <= 1e6) options.learn.lr = lr;
    else notices.push(`Ignored lr=${quote(text.lr)}: expected a positive number such as 0.05. Using the safe rate.`);
  }
  return options;
}

/** Reads the state text: notices for what was ignored, then the model (or why there is none). */
export function resolve(tc: Tconv, text: StateText): Resolution {
  const params = new URLSearchParams();
  for (const key of CONFIG_KEYS) {
    const v = text[key];
    if (v !== null) params.set(PARAM_NAMES[key], v);
  }
  const { config, notices } = parseConfig(params);
  let preset: Preset = 'seed';
  if (isPreset(text.values)) preset = text.values;
  else if (text.values !== null) {
    notices.push(
      `Ignored values=${quote(text.values)}: expected one of ${PRESETS.map((p) => p.id).join(', ')}. Using seed.`,
    );
  }
  const size = outputSizeOf(tc, config);
  if (!size.ok) return refused(size.error, config, notices);
  const sizes: Record<ValueKey, Dims> = { x: config.input, k: config.kernel, y: size.size, kt: config.kernel };
  const independent = text.kt !== null;
  const values = presetValues(preset, { input: config.input, kernel: config.kernel, output: size.size }, independent);
  const edited: Record<ValueKey, boolean> = { x: false, k: false, y: false, kt: false };
  for (const key of VALUE_KEYS) {
    const raw = text[key];
    if (raw === null || (key === 'kt' && raw === '')) continue;
    const n = count(sizes[key]);
    const parsed = parseValues(raw, n);
    if (parsed) {
      values[key] = parsed;
      edited[key] = true;
    } else {
      notices.push(
        `Ignored ${key}=${quote(raw)}: ${DESCRIPTIONS[key]} needs ${n} numbers separated by commas. Using the ${preset} preset.`,
      );
    }
  }
  const options = parseLearnText(text, notices);
  const built = buildModel(tc, config, values, options);
  if (!built.ok) return refused(built.error, config, notices);
  return { ok: true, state: { config, preset, values, edited, options, model: built.model }, notices };
}

/** The default figure, shown when the requested one cannot be drawn and nothing was drawn before. */
export function resolveDefault(tc: Tconv): Resolved {
  const r = resolve(tc, emptyText());
  if (!r.ok) throw new Error(r.error);
  return r.state;
}

export function emptyText(): StateText {
  return {
    input: null,
    kernel: null,
    stride: null,
    padding: null,
    dilation: null,
    outputPadding: null,
    values: null,
    x: null,
    k: null,
    y: null,
    kt: null,
    grad: null,
    seed: null,
    target: null,
    lr: null,
  };
}

/** URL parameters of a resolved state (without the step): the configuration, the preset, edited values. */
export function stateParams(s: Resolved): URLSearchParams {
  const params = configToParams(s.config);
  if (s.preset !== 'seed') params.set('values', s.preset);
  for (const key of VALUE_KEYS) {
    const v = key === 'kt' ? s.values.kt : s.values[key];
    if (key === 'kt' && v !== null && !s.edited.kt) params.set('kt', '');
    else if (v && s.edited[key]) params.set(key, formatValues(v));
  }
  const { gradSource, learn } = s.options;
  if (gradSource !== DEFAULT_MODEL_OPTIONS.gradSource) params.set('grad', gradSource);
  if (learn.seed !== DEFAULT_LEARN.seed) params.set('seed', String(learn.seed));
  if (learn.target !== DEFAULT_LEARN.target) params.set('target', learn.target);
  if (learn.lr !== null) params.set('lr', String(learn.lr));
  return params;
}

/**
 * The value text after a change of configuration: edited grids keep their
 * overlapping top-left part (the library's resizeGrid), the rest follows the
 * preset. Returns null when the new configuration has no output size (the
 * texts are then left as they are).
 */
export function valuesTextFor(
  tc: Tconv,
  from: Resolved,
  next: ExplainerConfig,
): Record<ValueKey, string | null> | null {
  const size = outputSizeOf(tc, next);
  if (!size.ok) return null;
  const old = { x: from.config.input, k: from.config.kernel, y: from.model.outputSize, kt: from.config.kernel };
  const dims = { x: next.input, k: next.kernel, y: size.size, kt: next.kernel };
  const out: Record<ValueKey, string | null> = { x: null, k: null, y: null, kt: null };
  for (const key of VALUE_KEYS) {
    const v = key === 'kt' ? from.values.kt : from.values[key];
    if (key === 'kt' && v === null) continue;
    if (key === 'kt' && !from.edited.kt) {
      out.kt = '';
      continue;
    }
    if (!v || !from.edited[key]) continue;
    const fill = presetGrid(from.preset, dims[key], key);
    out[key] = formatValues(resizeGrid(v, old[key], dims[key], fill));
  }
  return out;
}

/** Text for one value grid after editing entry `index`. */
export function editedText(values: Float32Array, index: number, value: Float32Array): string {
  const next = values.slice();
  next[index] = value[0];
  return formatValues(next);
}

export function configText(config: ExplainerConfig): Record<ConfigKey, string> {
  const out = {} as Record<ConfigKey, string>;
  for (const key of CONFIG_KEYS) out[key] = formatDims(config[key]);
  return out;
}

export { DEFAULT_CONFIG };

/** URL parameters as text, with commas left readable in value lists. */
export function paramsText(params: URLSearchParams): string {
  return params.toString().replace(/%2C/gi, ',');
}

/** The attributes that say which figure is shown: the explainer page's URL parameters. */
export const FIGURE_ATTRIBUTES: readonly string[] = [
  ...CONFIG_KEYS.map((key) => PARAM_NAMES[key]),
  'values',
  ...VALUE_KEYS,
  ...LEARN_KEYS,
  'step',
  'speed',
];

/** The figure on screen as URL parameters (the attributes' names), with the step unless it is the first. */
export function figureParams(s: Resolved, step: string): URLSearchParams {
  const params = stateParams(s);
  if (step !== '1') params.set('step', step);
  return params;
}

/**
 * The attribute text after one control changes dimension `dim` of `key` to
 * `value`: the configuration's six texts, and the value texts that change
 * with it (edited grids resized, independent weights kept); null entries for
 * value texts to leave alone.
 */
export function textForDim(
  tc: Tconv,
  requested: ExplainerConfig,
  shown: Resolved | null,
  key: ConfigKey,
  dim: 0 | 1,
  value: number,
): { config: Record<ConfigKey, string>; values: Partial<Record<ValueKey, string | null>> } {
  const next = structuredClone(requested);
  next[key][dim] = value;
  const resized = shown ? valuesTextFor(tc, shown, next) : null;
  const values: Partial<Record<ValueKey, string | null>> = {};
  if (resized && shown) {
    for (const v of VALUE_KEYS) if (v === 'kt' || shown.edited[v]) values[v] = resized[v];
  }
  return { config: configText(next), values };
}
