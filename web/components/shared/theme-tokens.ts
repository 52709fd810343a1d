// The figures' one theme: every colour, font and shape a page may change, as
// --tconv-<name> custom properties with a light and a dark default. Plain
// data (no DOM, no Lit), so that tests read the same values the elements use.
//
// A page sets a token once, on the figures or any ancestor, and every figure
// follows: `body { --tconv-accent: #b5452b; }`. Inside a figure each token is
// read through a private property (--_<name>), which theme.styles.ts defines.

/** One token: its light and dark defaults (equal when the scheme does not matter) and what it colours. */
export interface Token {
  light: string;
  dark: string;
  /** What it is for, as documented in the elements' header comments. */
  use: string;
}

const SANS = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue', Arial, sans-serif";
const MONO = "ui-monospace, 'SF Mono', 'Cascadia Mono', 'Roboto Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace";

const same = (value: string, use: string): Token => ({ light: value, dark: value, use });

export const TOKENS = {
  font: same(SANS, 'font family of text and numbers'),
  mono: same(MONO, 'font family of code and formulas'),
  radius: same('14px', 'corner radius of cards'),
  bg: { light: '#fbfbfd', dark: '#12151b', use: 'page-coloured backgrounds' },
  surface: { light: '#ffffff', dark: '#1a1e26', use: 'cards and the player' },
  'surface-2': { light: '#f4f5f9', dark: '#222733', use: 'narration, code, hover' },
  text: { light: '#1d2330', dark: '#e6e9ef', use: 'text' },
  muted: { light: '#566072', dark: '#a0a8b8', use: 'secondary text, captions' },
  border: { light: '#dde1e8', dark: '#2f3542', use: 'borders of cards and fields' },
  accent: { light: '#5b3fd6', dark: '#a897ff', use: 'play button, selected chapter, focus rings, rules' },
  'accent-soft': { light: '#efeafd', dark: '#2b2650', use: 'background of selected items' },
  'on-accent': { light: '#ffffff', dark: '#14121f', use: 'text and icons on the accent colour' },
  alert: { light: '#b3261e', dark: '#ff8a80', use: 'error text' },
  'alert-bg': { light: '#fdecec', dark: '#3a1d1f', use: 'error background' },
  notice: { light: '#5c4a00', dark: '#f0d890', use: 'notice text (ignored parameters)' },
  'notice-bg': { light: '#fff6db', dark: '#2e2a1a', use: 'notice background' },
  shadow: {
    light: '0 1px 2px rgb(20 30 50 / 6%), 0 4px 16px rgb(20 30 50 / 5%)',
    dark: 'none',
    use: 'shadow of cards',
  },
  // The grids of numbers (<tconv-grid>, inside the explainer and the overlap map).
  'cell-border': { light: '#d3d8e0', dark: '#3a414e', use: 'borders of grid cells' },
  highlight: { light: '#1d2330', dark: '#f5f7fa', use: 'ring of related (highlighted) cells' },
  active: { light: '#c2185b', dark: '#ff7ab8', use: 'ring of the cells an animation step is about' },
  'pad-bg': { light: '#e9ecf1', dark: '#262b34', use: 'base of padding cells (hatched)' },
  'inserted-bg': { light: '#efe9f8', dark: '#2e2840', use: 'base of inserted zeros (dotted)' },
} satisfies Record<string, Token>;

export type TokenName = keyof typeof TOKENS;

export const TOKEN_NAMES = Object.keys(TOKENS) as TokenName[];

/** The public custom property of a token: --tconv-accent. */
export const tokenProperty = (name: TokenName) => `--tconv-${name}`;

/** Old names that are the token's own name: asIs('text') is { text: 'text' }. */
function asIs<N extends TokenName>(...names: N[]): Record<N, N> {
  return Object.fromEntries(names.map((name) => [name, name])) as Record<N, N>;
}

/**
 * Names from before the one theme, still read (blog posts set them): each
 * element's own namespace, --tconv-matrix-accent, --tconv-overlap-accent, …,
 * as old name → token (--tconv-upsampler-danger is the alert token).
 * For these tokens the old name wins over the shared one on that element.
 */
export const LEGACY_TOKENS = {
  matrix: asIs(
    'bg',
    'surface',
    'surface-2',
    'text',
    'muted',
    'border',
    'accent',
    'accent-soft',
    'alert',
    'radius',
    'font',
    'mono',
  ),
  overlap: asIs('text', 'muted', 'accent', 'notice-bg', 'notice', 'font'),
  upsampler: {
    ...asIs('bg', 'surface', 'surface-2', 'text', 'muted', 'border', 'accent', 'radius', 'mono'),
    'accent-text': 'on-accent',
    danger: 'alert',
    'danger-bg': 'alert-bg',
    'font-family': 'font',
  },
} satisfies Record<string, Record<string, TokenName>>;
