// What the claims suites share: random configurations (mostly ones torch
// accepts, some it refuses), the wording rules every sentence must follow,
// and small parsers for the numbers sentences state. The reference maths is
// reference.ts.
import fc from 'fast-check';
import { expect } from 'vitest';

import type { Dims } from '../../../web/lib/explainer/config.js';

export const pair = (min: number, max: number) =>
  fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })) as fc.Arbitrary<Dims>;
/** Square most of the time (as people use it), rectangular sometimes. */
export const dimsIn = (min: number, max: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min, max }).map((v) => [v, v] as Dims) },
    { weight: 1, arbitrary: pair(min, max) },
  );
export const anyConfig = fc.record({
  input: dimsIn(1, 10),
  kernel: dimsIn(1, 7),
  stride: dimsIn(1, 4),
  padding: dimsIn(0, 3),
  dilation: dimsIn(1, 3),
  outputPadding: dimsIn(0, 3),
  independent: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1000 }),
});
/** Mostly configurations torch accepts (the kernel fits, output_padding below stride or dilation); some that it refuses. */
export const configs = fc.oneof(
  {
    weight: 9,
    arbitrary: anyConfig.filter((c) =>
      [0, 1].every(
        (a) =>
          c.dilation[a] * (c.kernel[a] - 1) + 1 <= c.input[a] + 2 * c.padding[a] &&
          c.outputPadding[a] < Math.max(c.stride[a], c.dilation[a]),
      ),
    ),
  },
  { weight: 1, arbitrary: anyConfig },
);

export const p1 = (d: Dims) => (d[0] === d[1] ? String(d[0]) : `${d[0]}×${d[1]}`);
export const size = (d: Dims) => `${d[0]}×${d[1]}`;
export const num = (t: string) => Number(t.replace('−', '-'));
/** What the narration writes for a value: two decimals at most. */
export const close = (text: string, v: number) =>
  expect(Math.abs(num(text) - v), `${text} vs ${v}`).toBeLessThanOrEqual(0.0051);
export const pos = (i: number, cols: number) => `(${Math.floor(i / cols) + 1}, ${(i % cols) + 1})`;
export const plural = (n: number, one: string, other: string) => `${n} ${n === 1 ? one : other}`;

/** Every sentence: no empty sum, no plural error, no NaN, no count from 0, no stray parameter. */
export function checkWording(
  text: string,
  allowed: { kernel: Set<string>; stride: Set<string>; dilation: Set<string> },
) {
  expect(text, 'empty sum').not.toMatch(/=\s*=|=\s*[,.]|·\s*=|\+\s*=/);
  expect(text).not.toMatch(/NaN|undefined|Infinity|null|\[object/);
  expect(text, 'double space').not.toMatch(/ {2}/);
  expect(text, 'plural').not.toMatch(
    /(^|[^\d.,−])1 (zeros|times|outputs|weights|rows|columns|numbers|positions|multiplications|entries|copies|taps|steps|sums|results)\b/,
  );
  expect(text, 'singular').not.toMatch(
    /(^|[^\d.])([02-9]|\d\d+) (zero|time|output|weight|row|column|number|position|multiplication|tap|step) (lands|falls|hits)\b/,
  );
  expect(text, 'counted from 0').not.toMatch(/\b(Row|row|column|entry|entries|Output|output) 0\b|\(0, |, 0\)/);
  for (const [word, set] of [
    ['kernel', allowed.kernel],
    ['stride', allowed.stride],
    ['dilation', allowed.dilation],
  ] as const) {
    for (const m of text.matchAll(new RegExp(`\\b${word} (\\d+(?:×\\d+)?)`, 'gi'))) {
      expect(set.has(m[1]), `${word} ${m[1]} in "${text}" (on screen: ${[...set].join(', ')})`).toBe(true);
    }
  }
}

export function agreementClaim(text: string, measured: number, tolerance: number) {
  if (measured === 0) expect(text).toMatch(/agree exactly/);
  else if (measured <= tolerance) expect(text).toMatch(/agree to float32 rounding/);
  else expect(text).toMatch(/differ/);
}

export const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
