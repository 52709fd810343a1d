// What the explainer suites share: a model from the core for a configuration,
// random configurations the explainer can draw, and plain reference maths
// written here, independently of web/lib/explainer.
import fc from 'fast-check';

import type { Dims, ExplainerConfig } from '../../../web/lib/explainer/config.js';
import type { ExplainerModel } from '../../../web/lib/explainer/model-types.js';
import { buildModel } from '../../../web/lib/explainer/model.js';
import { type Preset, presetValues } from '../../../web/lib/explainer/values.js';
import { tconv } from '../helpers.js';

export const convOptions = (c: ExplainerConfig) => ({ stride: c.stride, padding: c.padding, dilation: c.dilation });

/** The model of a configuration with a preset's values; throws when the explainer cannot draw it. */
export async function model(
  config: ExplainerConfig,
  preset: Preset = 'seed',
  independent = false,
  seed = 1,
): Promise<ExplainerModel> {
  const tc = await tconv();
  const output = tc.conv2dOutputSize(config.input, config.kernel, convOptions(config));
  const values = presetValues(preset, { input: config.input, kernel: config.kernel, output }, independent, seed);
  const result = buildModel(tc, config, values);
  if (!result.ok) throw new Error(result.error);
  return result.model;
}

const pair = (min: number, max: number) =>
  fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })) as fc.Arbitrary<Dims>;

/** Configurations torch accepts, small enough to draw; and whether Cᵀ has weights of its own. */
export const configs = fc
  .record({
    input: pair(1, 8),
    kernel: pair(1, 4),
    stride: pair(1, 3),
    padding: pair(0, 2),
    dilation: pair(1, 3),
    outputPadding: pair(0, 2),
    independent: fc.boolean(),
  })
  .filter(
    (c) =>
      [0, 1].every((d) => c.input[d] + 2 * c.padding[d] >= c.dilation[d] * (c.kernel[d] - 1) + 1) &&
      [0, 1].every((d) => c.outputPadding[d] < Math.max(c.stride[d], c.dilation[d])),
  );

export type RandomConfig = ExplainerConfig & { independent: boolean };

/** Models of `runs` random configurations (random values), skipping those too large to draw. */
export async function randomModels(runs: number, seed: number): Promise<ExplainerModel[]> {
  const tc = await tconv();
  const out: ExplainerModel[] = [];
  for (const c of fc.sample(configs, { numRuns: runs, seed })) {
    const output = tc.conv2dOutputSize(c.input, c.kernel, convOptions(c));
    const values = presetValues('random', { input: c.input, kernel: c.kernel, output }, c.independent, 3);
    const r = buildModel(tc, c, values);
    if (r.ok) out.push(r.model);
  }
  return out;
}

/** m·v, or mᵀ·v, in double precision. */
export function matVec(
  m: { rows: number; cols: number; values: ArrayLike<number> },
  v: ArrayLike<number>,
  transpose: boolean,
) {
  const out = new Float64Array(transpose ? m.cols : m.rows);
  for (let r = 0; r < m.rows; r++)
    for (let c = 0; c < m.cols; c++) {
      if (transpose) out[c] += m.values[r * m.cols + c] * v[r];
      else out[r] += m.values[r * m.cols + c] * v[c];
    }
  return out;
}

/**
 * The padded-input indices under the kernel for output r, tap by tap (row-major),
 * from the definition of a convolution: output (oh, ow) reads padded input
 * (oh·s + i·d, ow·s + j·d).
 */
export function windowOf(c: ExplainerConfig, out: Dims, r: number): number[] {
  const [oh, ow] = [Math.floor(r / out[1]), r % out[1]];
  const padW = c.input[1] + 2 * c.padding[1];
  const taps: number[] = [];
  for (let i = 0; i < c.kernel[0]; i++)
    for (let j = 0; j < c.kernel[1]; j++) {
      taps.push((oh * c.stride[0] + i * c.dilation[0]) * padW + ow * c.stride[1] + j * c.dilation[1]);
    }
  return taps;
}

/**
 * The outputs of the transposed convolution that the given entries of y
 * reach, from the core: an all-ones kernel on y = 1 at those entries, 0
 * elsewhere; an output is reached when its sum is not 0.
 */
export async function reachedFrom(m: ExplainerModel, entries: Iterable<number>): Promise<Set<number>> {
  const tc = await tconv();
  const [h, w] = m.outputSize;
  const y = new Float32Array(h * w);
  for (const i of entries) y[i] = 1;
  const [kh, kw] = m.config.kernel;
  const out = tc.convTranspose2d(
    { data: y, shape: [1, 1, h, w] },
    { data: new Float32Array(kh * kw).fill(1), shape: [1, 1, kh, kw] },
    { ...convOptions(m.config), outputPadding: m.config.outputPadding },
  );
  const reached = new Set<number>();
  out.data.forEach((v, o) => {
    if (v !== 0) reached.add(o);
  });
  return reached;
}

/** The outputs that y's first i entries reach. */
export const reachedBy = (m: ExplainerModel, i: number) => reachedFrom(m, range(i));

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);
