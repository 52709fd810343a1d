// The upsampler's own tokens: what only it has, --tconv-upsampler-<name>, with
// a light and a dark default. Everything else it reads is the figures' one
// theme (web/components/shared/theme-tokens.ts). Plain data (no DOM, no Lit),
// so that tests read the same values the element uses; theme.ts makes the CSS.

import type { Token } from '../components/shared/theme-tokens.js';

export const UPSAMPLER_TOKENS = {
  a: { light: '#c2410c', dark: '#fb923c', use: 'side A: its rule, badge and labels' },
  b: { light: '#1d4ed8', dark: '#7aa2ff', use: 'side B: its rule, badge and labels' },
  'stage-bg': { light: '#e6e6e2', dark: '#0f1115', use: 'the stage around the image' },
  checker: { light: '#d4d4cf', dark: '#1b1e24', use: 'the dark squares under transparent pixels' },
} satisfies Record<string, Token>;

export type UpsamplerTokenName = keyof typeof UPSAMPLER_TOKENS;

/** The public custom property of one of them: --tconv-upsampler-a. */
export const upsamplerTokenProperty = (name: UpsamplerTokenName) => `--tconv-upsampler-${name}`;
