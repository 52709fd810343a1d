// Judging one call: what the oracles expect of each honest alternative, and
// whether the outcome is one of them: an Error whose message starts with the
// function's name (or the core's torch-style name) and names the spoilt
// argument, or the right result.
import type { Tconv } from '../../../web/lib/types.js';
import type { Built, Honest } from './build.js';
import type { Fn } from './calls.js';
import type { Case } from './mutations.js';
import { type Check, type Ctx, type Expectation, Invalid, show } from './oracle-common.js';
import { difference, upsampler } from './oracles-image.js';
import { bilinear, convMatrix, convolution, interpolation, outputSize } from './oracles-tensor.js';
import { PATHS } from './paths.js';

export function expectation(fn: Fn, honest: Honest, tc: Tconv): Expectation {
  const ctx: Ctx = { allowError: !!honest.allowError, unchecked: false };
  const a = honest.args;
  try {
    let check: Check | null;
    if (fn === 'conv2d' || fn === 'convTranspose2d') check = convolution(fn === 'convTranspose2d', a, ctx);
    else if (fn === 'interpolate') check = interpolation(a, ctx);
    else if (fn === 'convMatrix') check = convMatrix(a, ctx);
    else if (fn === 'conv2dOutputSize' || fn === 'convTranspose2dOutputSize')
      check = outputSize(fn !== 'conv2dOutputSize', a, ctx);
    else if (fn === 'imageDifference') check = difference(a, ctx);
    else if (fn === 'bilinearKernel') check = bilinear(a, ctx);
    else check = upsampler(fn, a, ctx, tc);
    return { valid: true, allowError: ctx.allowError, check: check ?? (() => null) };
  } catch (e) {
    if (e instanceof Invalid) return { valid: false };
    throw e;
  }
}

// ---------------------------------------------------------------- judging

/** Message prefixes: the API's name, or the core's torch-style name (README: messages use torch's names). */
const PREFIXES: Record<Fn, string[]> = {
  conv2d: ['conv2d'],
  convTranspose2d: ['convTranspose2d', 'conv_transpose2d'],
  interpolate: ['interpolate'],
  convMatrix: ['convMatrix', 'conv_matrix'],
  conv2dOutputSize: ['conv2dOutputSize', 'conv2d'],
  convTranspose2dOutputSize: ['convTranspose2dOutputSize', 'conv_transpose2d'],
  upsampleImage: ['upsampleImage', 'upsample'],
  upsampleBand: ['upsampleBand', 'upsample'],
  upsampleInputRows: ['upsampleInputRows', 'upsample'],
  imageDifference: ['imageDifference', 'difference'],
  bilinearKernel: ['bilinearKernel', 'bilinear_kernel'],
};

/**
 * Other words a message may use for an argument. The kernel-does-not-fit message
 * compares "dilated kernel size (h, w)" with "padded input size (h, w)", naming
 * both; a limit message ("dilated kernel size 12884901889 is larger than the
 * limit", issue item 5) must name the argument itself.
 */
const ALIASES: Record<string, string[]> = {
  band: ['band', 'image'],
  weight: ['weight', 'kernel'],
  input: ['input'],
  dilation: ['dilation', 'dilated kernel size ('],
  padding: ['padding', 'padded input size ('],
  firstRow: ['firstRow', 'band of rows'],
  imageHeight: ['imageHeight', 'image of', 'image shape ['], // the whole image's shape, imageHeight first
  size: ['size', 'image shape'], // upsampleInputRows: the image's size
  outputRows: ['outputRows', 'output rows'],
};
/** The `size` option is the output size, so a message about the output shape names it. */
const OPTION_ALIASES: Record<string, string[]> = { ...ALIASES, size: ['size', 'output shape', 'output image shape'] };

/** The words that name the argument at a path: an option's own name, else the parameter's. */
function argumentNames(fn: Fn, path: string): string[] {
  const [param, key] = path.split('.');
  const bag = param === 'options' || param === 'where';
  if (bag && key !== undefined) return OPTION_ALIASES[key] ?? [key];
  if (bag)
    return [param, ...new Set(PATHS[fn].filter(([p]) => p.startsWith(`${param}.`)).map(([p]) => p.split('.')[1]))];
  return ALIASES[param] ?? [param];
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
function namesArgument(message: string, fn: Fn, path: string): boolean {
  const param = path.split('.')[0];
  const words = (name: string) =>
    /^\w+$/.test(name) ? squash(message).includes(squash(name)) : message.toLowerCase().includes(name);
  if (param === 'a' || param === 'b') {
    // One letter: only as a name ("a.data", "imageDifference: a must …", "image a"), not the article.
    const p = param;
    return new RegExp(`(^\\w+: ${p}\\b)|(\\b${p}\\.\\w)|(\\bimage ${p}\\b)|(["'\`]${p}["'\`])|images differ`).test(
      message,
    );
  }
  return argumentNames(fn, path).some(words);
}

export type Outcome = { threw: true; error: unknown } | { threw: false; value: unknown };

export function judge(fn: Fn, c: Case, built: Built, outcome: Outcome, expected: Expectation[]): string | null {
  const holds = expected.filter((_, i) => built.honest[i].applies?.() ?? true);
  if (outcome.threw) {
    const e = outcome.error;
    if (built.rethrown && e === built.rethrown.value && built.rethrown.calls() > 0) return null;
    const prefixed = PREFIXES[fn].some((p) => e instanceof Error && String(e.message).startsWith(`${p}: `));
    if (!(e instanceof Error) || e instanceof WebAssembly.RuntimeError || !prefixed) {
      return `threw ${typeof e === 'object' ? show(e) : `${typeof e} ${show(e)}`}, not an Error starting "${PREFIXES[fn].join(': " or "')}: "`;
    }
    if (!namesArgument(e.message, fn, c.path) && !(built.alsoNames && namesArgument(e.message, fn, built.alsoNames))) {
      return `threw "${e.message}", which does not name ${argumentNames(fn, c.path).join(' or ')}`;
    }
    if (holds.length === 0 || holds.some((x) => !x.valid || x.allowError)) return null;
    return `threw "${e.message}" for a valid call`;
  }
  const valid = holds.filter((x) => x.valid);
  if (valid.length === 0) return `returned ${show(outcome.value)} instead of throwing`;
  const problems = valid.map((x) => x.check(outcome.value));
  if (!problems.includes(null)) return `returned a wrong result: ${problems[0]}`;
  if (built.into && (outcome.value as { data?: unknown }).data !== built.into)
    return 'did not return the result in `into`';
  return null;
}
