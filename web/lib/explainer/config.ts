// The explainer's configuration: sizes and parameters of a single-channel
// convolution, its URL form (?input=4x4&kernel=3x3&stride=1&...), and the
// limits of what the page can show. DOM-free.

export type Dims = [number, number];

export interface ExplainerConfig {
  input: Dims;
  kernel: Dims;
  stride: Dims;
  padding: Dims;
  dilation: Dims;
  outputPadding: Dims;
}

export type ConfigKey = keyof ExplainerConfig;

/** The seed article's example: a 4×4 input and a 3×3 kernel, stride 1, no padding. */
export const DEFAULT_CONFIG: ExplainerConfig = {
  input: [4, 4],
  kernel: [3, 3],
  stride: [1, 1],
  padding: [0, 0],
  dilation: [1, 1],
  outputPadding: [0, 0],
};

/** URL parameter / element attribute name of each field. */
export const PARAM_NAMES: Record<ConfigKey, string> = {
  input: 'input',
  kernel: 'kernel',
  stride: 'stride',
  padding: 'padding',
  dilation: 'dilation',
  outputPadding: 'output-padding',
};

export const CONFIG_KEYS = Object.keys(PARAM_NAMES) as ConfigKey[];

/**
 * What the page can draw legibly. 10×10 with a 3×3 kernel makes C 64×100;
 * beyond that the matrix stops being readable, so larger values are capped
 * with a notice rather than drawn badly.
 */
export const LIMITS: Record<ConfigKey, { min: number; max: number }> = {
  input: { min: 1, max: 10 },
  kernel: { min: 1, max: 7 },
  stride: { min: 1, max: 5 },
  padding: { min: 0, max: 5 },
  dilation: { min: 1, max: 5 },
  outputPadding: { min: 0, max: 4 },
};

/** "4x4", or "4" when both dimensions agree (as the URL writes them). */
export function formatDims([h, w]: Dims): string {
  return h === w ? String(h) : `${h}x${w}`;
}

/** "4", "4x3" or "4×3" → [h, w]; null when it is not one or two non-negative integers. */
export function parseDims(text: string): Dims | null {
  const m = /^\s*(\d{1,3})\s*(?:[x×,]\s*(\d{1,3})\s*)?$/i.exec(text);
  if (!m) return null;
  const h = Number(m[1]);
  const w = m[2] === undefined ? h : Number(m[2]);
  return [h, w];
}

export interface ParsedConfig {
  config: ExplainerConfig;
  /** One sentence per ignored or capped parameter, for a visible notice. */
  notices: string[];
}

/**
 * Reads the configuration from URL parameters (or element attributes). An
 * unknown, malformed or out-of-range value falls back (or is capped) with a
 * notice; nothing from the URL is ever echoed as markup by the caller
 * (notices are plain text).
 */
export function parseConfig(params: URLSearchParams): ParsedConfig {
  const config = structuredClone(DEFAULT_CONFIG);
  const notices: string[] = [];
  for (const key of CONFIG_KEYS) {
    const name = PARAM_NAMES[key];
    const raw = params.get(name);
    if (raw === null) continue;
    const dims = parseDims(raw);
    if (!dims) {
      notices.push(
        `Ignored ${name}=${quote(raw)}: expected a number like 2 or a pair like 2x3. Using ${formatDims(config[key])}.`,
      );
      continue;
    }
    const { min, max } = LIMITS[key];
    const clamped = dims.map((v) => Math.min(max, Math.max(min, v))) as Dims;
    if (clamped[0] !== dims[0] || clamped[1] !== dims[1]) {
      notices.push(
        `${name} ${formatDims(dims)} is outside what the page can show (${min} to ${max}); using ${formatDims(clamped)}.`,
      );
    }
    config[key] = clamped;
  }
  return { config, notices };
}

/** Only the parameters that differ from the defaults, in a fixed order. */
export function configToParams(config: ExplainerConfig): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of CONFIG_KEYS) {
    const value = config[key];
    const base = DEFAULT_CONFIG[key];
    if (key === 'input' || key === 'kernel' || value[0] !== base[0] || value[1] !== base[1]) {
      params.set(PARAM_NAMES[key], formatDims(value));
    }
  }
  return params;
}

/** Short, safe rendering of user text inside a message. */
export function quote(text: string): string {
  const short = text.length > 24 ? `${text.slice(0, 24)}…` : text;
  return JSON.stringify(short);
}

export function sameConfig(a: ExplainerConfig, b: ExplainerConfig): boolean {
  return CONFIG_KEYS.every((k) => a[k][0] === b[k][0] && a[k][1] === b[k][1]);
}
