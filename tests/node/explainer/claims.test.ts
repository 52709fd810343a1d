// The narration as data: for hundreds of random configurations, every number
// every sentence states is checked against reference.ts (plain loops over the
// definitions, not the model's code), and no sentence has an empty sum, a
// plural error, a count from 0, or a kernel, stride or dilation that is not on
// screen. Configurations the model refuses must say why. Chapters 9 and 10's
// sentences are claims-gradients.test.ts's.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Dims, ExplainerConfig } from '../../../web/lib/explainer/config.js';
import type { ExplainerModel } from '../../../web/lib/explainer/model-types.js';
import { buildModel, overlapViews } from '../../../web/lib/explainer/model.js';
import { overlapExplanation, transposedSentence } from '../../../web/lib/explainer/overlap-text.js';
import { chapters } from '../../../web/lib/explainer/timeline.js';
import { presetValues } from '../../../web/lib/explainer/values.js';
import { type GridSpec, view } from '../../../web/lib/explainer/views.js';
import { tconv } from '../helpers.js';
import {
  agreementClaim,
  checkWording,
  close,
  configs,
  dimsIn,
  maxDiff,
  num,
  p1,
  plural,
  pos,
  size,
} from './claims-support.js';
import {
  commonFactor,
  convLength,
  type CoverageRef,
  reference,
  type Reference,
  resizeCoverage,
  roundedUp,
  transposedCoverage,
  transposedLength,
} from './reference.js';

const RUNS = 340;

/** "covered …" phrases of the overlap text against the reference coverage. */
function checkCoverage(text: string, c: CoverageRef) {
  if (c.whole) {
    expect(text).toMatch(/too small/);
    const m = /(?:outputs are covered|; covered) (\d+)(?: to (\d+))? times?/.exec(text)!;
    expect(m, text).not.toBeNull();
    expect([num(m[1]), num(m[2] ?? m[1])]).toEqual([c.min, c.max]);
    return;
  }
  expect(text).not.toMatch(/too small/);
  const onBorder = /, (\d+)(?: to (\d+))? times? on it/.exec(text);
  if (onBorder) expect([num(onBorder[1]), num(onBorder[2] ?? onBorder[1])]).toEqual([c.border!.min, c.border!.max]);
  if (c.min === c.max) {
    const m =
      /(?:covered (\d+) times? everywhere inside the border|inside the border (?:is covered )?(\d+) times?|every output inside the border is covered (\d+) times?)/.exec(
        text,
      );
    expect(m, text).not.toBeNull();
    expect(num(m![1] ?? m![2] ?? m![3])).toBe(c.max);
  } else {
    const m =
      /(\d+) to (\d+) times? inside the border|inside the border (?:outputs are (?:still )?)?covered (\d+) to (\d+) times?|outputs inside the border (\d+) to (\d+)/.exec(
        text,
      );
    expect(m, text).not.toBeNull();
    const [lo, hi] = [m![1] ?? m![3] ?? m![5], m![2] ?? m![4] ?? m![6]];
    expect([num(lo), num(hi)]).toEqual([c.min, c.max]);
  }
}

/** The stated cause of uneven coverage, derived here from the counts and the settings. */
function checkCause(text: string, c: CoverageRef, k: Dims, s: Dims, d: Dims) {
  if (c.whole || c.min === c.max) {
    expect(text).not.toMatch(/because/);
    return;
  }
  expect(text).toMatch(/because/);
  for (const a of [0, 1] as const) {
    if (!c.varies[a]) continue;
    const g = commonFactor(d[a], s[a]);
    if (g > 1 && c.min === 0) {
      expect(text).toContain(`dilation ${d[a]} and stride ${s[a]} are both multiples of ${g}`);
    } else {
      expect(k[a] % s[a]).not.toBe(0); // the reference agrees that this is the cause
      expect(text).toContain(`kernel ${k[a]} is not a multiple of stride ${s[a]}`);
    }
  }
}

/** Checks every frame of every chapter of one model; returns the number of sentences checked. */
function checkModel(m: ExplainerModel, ref: Reference): number {
  const c = m.config;
  const all = chapters(m);
  const kk = c.kernel[0] * c.kernel[1];
  const outN = ref.out[0] * ref.out[1];
  const tN = ref.transposed[0] * ref.transposed[1];
  const balanced = roundedUp(c.kernel, c.stride);
  const params = (d: Dims) => new Set([p1(d), String(d[0]), String(d[1])]);
  const allowed = {
    kernel: new Set([...params(c.kernel)]),
    stride: params(c.stride),
    dilation: params(c.dilation),
  };
  const allowedOverlap = { ...allowed, kernel: new Set([...params(c.kernel), ...params(balanced)]) };
  expect(all.map((ch) => ch.frames.length)).toEqual([
    1 + outN,
    1 + outN,
    1 + c.input[0],
    2 + outN,
    3,
    2 + outN,
    4 + tN,
    3,
    // Chapters 9 and 10 (their sentences: claims-gradients.test.ts): intro, ∂L/∂x, conv_transpose2d,
    // one frame per weight, the correlation, the names; the start and each shown iteration.
    5 + kk,
    m.learning.snapshots.length,
  ]);
  let sentences = 0;
  const say = (ch: number, f: number) => {
    const text = all[ch - 1].frames[f].narration;
    checkWording(text, ch === 8 ? allowedOverlap : allowed);
    sentences++;
    return text;
  };
  for (const ch of all) {
    checkWording(ch.summary, allowed);
    sentences++;
  }

  // 1. The sliding window.
  let t = say(1, 0);
  const m0 =
    /^The (\d+)×(\d+) kernel will slide over the (\d+)×(\d+) input( and its zero padding)? with stride (\S+?)(?:, dilation (\S+))?: (\d+) positions?, one output( each)?\.$/.exec(
      t,
    );
  expect(m0, t).not.toBeNull();
  expect(m0!.slice(1, 5).map(num)).toEqual([...c.kernel, ...c.input]);
  expect(Boolean(m0![5])).toBe(c.padding[0] + c.padding[1] > 0);
  expect(m0![6]).toBe(p1(c.stride));
  expect(m0![7] ?? '1').toBe(p1(c.dilation));
  expect(num(m0![8])).toBe(outN);
  for (let r = 0; r < outN; r++) {
    t = say(1, r + 1);
    const mr = /^Output (\(\d+, \d+\)): (.+) = (\S+)\. (Many inputs|One input), one output\.$/.exec(t);
    expect(mr, t).not.toBeNull();
    expect(mr![1]).toBe(pos(r, ref.out[1]));
    close(mr![3], ref.sums[r]);
    expect(mr![2].split(' + ')).toHaveLength(Math.min(kk, 9));
    expect(mr![4]).toBe(kk > 1 ? 'Many inputs' : 'One input');
  }

  // 2. Building C.
  t = say(2, 0);
  expect(t).toContain(
    `(${outN}) and one column per input pixel (${c.input[0] * c.input[1]}): ${outN}×${c.input[0] * c.input[1]}.`,
  );
  for (let r = 0; r < outN; r++) {
    t = say(2, r + 1);
    const w = ref.tapsOnInput[r];
    expect(t).toContain(`Row ${r + 1} of C`);
    expect(t).toContain(`output ${pos(r, ref.out[1])}`);
    if (w === 0) {
      expect(t).toMatch(/lies entirely on padding/);
    } else {
      expect(t).toContain(`: ${plural(w, 'weight lands', 'weights land')} in the columns`);
      const onPad = /\((\d+) taps? falls? on padding\)/.exec(t);
      expect(onPad ? num(onPad[1]) : 0).toBe(kk - w);
      const rest = c.input[0] * c.input[1] - w;
      if (rest === 0) expect(t).toContain('no column is left for zeros');
      else expect(t).toContain(`zeros fill the other ${plural(rest, 'column', 'columns')}.`);
    }
  }

  // 3. Flattening.
  say(3, 0);
  for (let r = 0; r < c.input[0]; r++) {
    t = say(3, r + 1);
    const first = r * c.input[1] + 1;
    const last = first + c.input[1] - 1;
    expect(t).toBe(
      `Row ${r + 1} of x becomes ${first === last ? `entry ${first}` : `entries ${first} to ${last}`} of vec(x).`,
    );
  }

  // 4. C·vec(x): the product is the core's matrix product, and equals the sums.
  expect(maxDiff(m.Cx.values, ref.sums)).toBeLessThanOrEqual(1e-3 * Math.max(1, ...Array.from(ref.sums, Math.abs)));
  say(4, 0);
  for (let r = 0; r < outN; r++) {
    t = say(4, r + 1);
    const at = `output ${pos(r, ref.out[1])} of the sliding window`;
    if (ref.tapsOnInput[r] === 0) {
      expect(t).toMatch(new RegExp(`^Row ${r + 1} of C has no weights on the input`));
    } else {
      const mr = /^Row (\d+) · vec\(x\) = (.+) = (\S+?), /.exec(t);
      expect(mr, t).not.toBeNull();
      expect(num(mr![1])).toBe(r + 1);
      close(mr![3], ref.sums[r]);
      const terms = mr![2].split(' + ');
      expect(terms).toHaveLength(Math.min(ref.tapsOnInput[r], 9));
      if (!terms.includes('…')) {
        const total = terms.reduce(
          (acc, term) =>
            acc +
            term
              .split('·')
              .map(num)
              .reduce((a, b) => a * b, 1),
          0,
        );
        close(mr![3], total);
      }
    }
    if (Math.abs(m.Cx.values[r] - m.out.values[r]) <= m.agreement.tolerance) expect(t).toContain(`the same as ${at}`);
    else expect(t).toContain(`but ${at} is`);
  }
  t = say(4, outN + 1);
  expect(t).toContain(`the ${size(ref.out)} output grid`);
  agreementClaim(t, maxDiff(m.Cx.values, m.out.values), m.agreement.tolerance);

  // 5. Transposing: the matrix is built on the H′×W′ output.
  t = say(5, 0);
  expect(t).toMatch(/^A transpose flips a matrix over its diagonal: rows become columns\./);
  expect(t).toContain(`H′×W′ = ${size(ref.transposed)}`);
  const sameSize = ref.transposed[0] === c.input[0] && ref.transposed[1] === c.input[1];
  if (sameSize) {
    expect(t).toContain(`the input’s size, so this matrix has the size of the ${outN}×${tN} C of chapters 2 and 4`);
  } else {
    expect(t).toContain(`not the input’s ${size(c.input)}`);
    expect(t).toContain(
      `H′ = H − unread + output_padding = ${c.input[0]} − ${ref.unread[0]} + ${c.outputPadding[0]} = ${ref.transposed[0]}`,
    );
    expect(t).toContain(`W′ = ${c.input[1]} − ${ref.unread[1]} + ${c.outputPadding[1]} = ${ref.transposed[1]}`);
    expect(t).toContain(
      `So this matrix is ${outN}×${tN}, not the ${outN}×${c.input[0] * c.input[1]} of chapters 2 and 4`,
    );
    const both = [0, 1].every(
      (a) => convLength(ref.transposed[a], c.kernel[a], c.stride[a], c.padding[a], c.dilation[a]) === ref.out[a],
    );
    expect(t.includes('both sizes give the same')).toBe(both);
  }
  expect(t).toContain(`it takes ${plural(tN, 'number', 'numbers')} to ${outN}.`);
  say(5, 1);
  expect(say(5, 2)).toMatch(new RegExp(`^Cᵀ is ${tN}×${outN}: it takes ${outN} numbers? to ${tN}\\.`));

  // 6. Cᵀ·vec(y): the core's product equals the scatter computed here.
  expect(maxDiff(m.Cty.values, ref.scatter)).toBeLessThanOrEqual(
    1e-3 * Math.max(1, ...Array.from(ref.scatter, Math.abs)),
  );
  expect(say(6, 0)).toBe(`y is ${size(ref.out)}; vec(y) stacks it into ${plural(outN, 'number', 'numbers')}.`);
  for (let r = 0; r < outN; r++) {
    t = say(6, r + 1);
    expect(t.startsWith(`y${pos(r, ref.out[1])} = `)).toBe(true);
    close(/ = (\S+) /.exec(t)![1], m.y.values[r]);
    if (ref.painted[r] === 0) expect(t).toContain(`reaches no output: column ${r + 1} of Cᵀ`);
    else expect(t).toContain(`paints ${plural(ref.painted[r], 'output', 'outputs')} through column ${r + 1} of Cᵀ`);
    expect(t.includes('one-to-many')).toBe(ref.painted[r] > 1);
  }
  t = say(6, outN + 1);
  expect(t).toContain(`unfolds into the ${size(ref.transposed)} output`);
  agreementClaim(t, maxDiff(m.Cty.values, m.tout.values), m.agreement.tolerance);
  const verb = (a: 0 | 1) =>
    ref.transposed[a] > ref.out[a] ? 'up-samples' : ref.transposed[a] === ref.out[a] ? 'keeps' : 'crops';
  if (verb(0) === verb(1)) {
    expect(t).toContain(
      verb(0) === 'keeps'
        ? `keeps the size of ${size(ref.out)}`
        : `${verb(0)} ${size(ref.out)} to ${size(ref.transposed)}`,
    );
  } else {
    for (const a of [0, 1] as const) expect(t).toContain(`${verb(a)} the ${a === 0 ? 'height' : 'width'} (`);
  }

  // 7. Zero insertion: flip before convolving; the waste counted from the scatter's landings.
  const inserted = [c.stride[0] - 1, c.stride[1] - 1];
  t = say(7, 1);
  if (inserted[0] === 0 && inserted[1] === 0) expect(t).toContain('nothing to insert');
  else if (inserted[0] === inserted[1])
    expect(t).toContain(`stride − 1 = ${plural(inserted[0], 'zero', 'zeros')} between`);
  else {
    const part = (n: number) => (n === 0 ? 'none' : plural(n, 'zero', 'zeros'));
    expect(t).toContain(`${part(inserted[0])} between rows, ${part(inserted[1])} between columns`);
  }
  t = say(7, 2);
  const border = [0, 1].map((a) => c.dilation[a] * (c.kernel[a] - 1) - c.padding[a]);
  const crop = (v: number) => (v < 0 ? ` (negative: crop ${-v})` : '');
  const b = (v: number, unit?: [string, string]) =>
    `${v < 0 ? `−${-v}` : v}${unit ? ` ${Math.abs(v) === 1 ? unit[0] : unit[1]}` : ''}${crop(v)}`;
  expect(t).toContain(
    `= ${border[0] === border[1] ? b(border[0]) : `${b(border[0], ['row', 'rows'])} and ${b(border[1], ['column', 'columns'])}`} around`,
  );
  expect(t.indexOf('k → k̃')).toBeGreaterThan(0);
  say(7, 0);
  let wasted = 0;
  for (let o = 0; o < tN; o++) {
    t = say(7, o + 3);
    expect(t.startsWith(`Zero-inserted y ⊛ k̃ at output ${pos(o, ref.transposed[1])} = `)).toBe(true);
    close(/ = (\S+?):/.exec(t)![1], ref.scatter[o]);
    const hits = kk - ref.landing[o];
    wasted += hits;
    if (kk === 1) expect(t).toContain(hits ? 'hits a zero' : 'hits no zero');
    else if (hits === 0) expect(t).toContain(`none of its ${kk} multiplications`);
    else if (hits === kk) expect(t).toContain(`all ${kk} of its multiplications hit a zero`);
    else expect(t).toContain(`${hits} of its ${kk} multiplications ${hits === 1 ? 'hits' : 'hit'} a zero`);
  }
  t = say(7, tN + 3);
  expect(t).toContain(`spent ${wasted} of its ${plural(tN * kk, 'multiplication', 'multiplications')} on zeros`);
  agreementClaim(t.split(';')[0], maxDiff(m.Cty.values, m.tout.values), m.agreement.tolerance);
  agreementClaim(t.split(';')[1], maxDiff(m.zeroInsertion.out.values, m.tout.values), m.agreement.tolerance);

  // 8. Coverage of an all-ones 6×6 input, inside the border, and why.
  const six: Dims = [6, 6];
  const cur = transposedCoverage(six, c.kernel, c.stride, c.dilation);
  const bal = transposedCoverage(six, balanced, c.stride, c.dilation);
  const res = resizeCoverage(six, c.kernel, c.stride, c.dilation);
  t = say(8, 0);
  expect(t).toContain(`Kernel ${p1(c.kernel)}, stride ${p1(c.stride)}`);
  expect(t.includes('dilation')).toBe(c.dilation[0] > 1 || c.dilation[1] > 1);
  expect(t).toContain('all-ones 6×6 input, padding 0');
  checkCoverage(t, cur);
  expect(t.includes('evenly')).toBe(!cur.whole && cur.min === cur.max);
  checkCause(t, cur, c.kernel, c.stride, c.dilation);
  t = say(8, 1);
  expect(t).toContain(`ernel ${p1(balanced)}`);
  checkCoverage(t, bal);
  checkCause(t, bal, balanced, c.stride, c.dilation);
  expect(t).toContain('stacked layers compound it');
  t = say(8, 2);
  checkCoverage(t, res);
  // The maps' titles name every parameter, the captions what the map is of.
  const maps = view(m, 'overlap', 2).rows[0].items.filter((i): i is GridSpec => i.type === 'grid');
  const refs = [cur, bal, res];
  maps.forEach((g, i) => {
    if (c.dilation[0] > 1 || c.dilation[1] > 1) expect(g.label).toContain(`dilation ${p1(c.dilation)}`);
    expect(g.note).toMatch(/^all-ones 6×6 input/);
    checkWording(g.label, allowedOverlap);
    checkWording(g.note!, allowedOverlap);
    checkCoverage(g.note!, refs[i]);
    sentences += 2;
  });
  return sentences;
}

describe('the claims the narration makes', () => {
  it('hold for hundreds of random configurations, checked against the definitions', async () => {
    const tc = await tconv();
    let models = 0;
    let sentences = 0;
    const refusals: Record<string, number> = {};
    for (const r of fc.sample(configs, { numRuns: RUNS, seed: 12 })) {
      const c: ExplainerConfig = r;
      const out = [0, 1].map((a) =>
        convLength(c.input[a], c.kernel[a], c.stride[a], c.padding[a], c.dilation[a]),
      ) as Dims;
      const sizes = { input: c.input, kernel: c.kernel, output: out.map((v) => Math.max(1, v)) as Dims };
      const values = presetValues('random', sizes, r.independent, r.seed);
      const built = buildModel(tc, c, values);
      if (!built.ok) {
        // The refusal names its reason, checked against the rules written out here.
        const t = [0, 1].map((a) =>
          transposedLength(out[a], c.kernel[a], c.stride[a], c.padding[a], c.dilation[a], c.outputPadding[a]),
        );
        const reach = [0, 1].map((a) => c.dilation[a] * (c.kernel[a] - 1) + 1);
        let reason: string;
        if (out[0] < 1 || out[1] < 1) {
          reason = 'kernel';
          expect(built.error).toContain(`dilated kernel size (${reach[0]}, ${reach[1]})`);
          expect(built.error).toContain(
            `padded input size (${c.input[0] + 2 * c.padding[0]}, ${c.input[1] + 2 * c.padding[1]})`,
          );
        } else if ([0, 1].some((a) => c.outputPadding[a] >= Math.max(c.stride[a], c.dilation[a]))) {
          reason = 'output_padding';
          expect(built.error).toContain(`output_padding (${c.outputPadding[0]}, ${c.outputPadding[1]})`);
        } else if (t[0] < 1 || t[1] < 1) {
          reason = 'transposed size';
          expect(built.error).toMatch(/^The transposed convolution is not defined here/);
        } else {
          reason = 'too large';
          const cells = out[0] * out[1] * Math.max(c.input[0] * c.input[1], t[0] * t[1]);
          expect(cells).toBeGreaterThan(10_000);
          expect(built.error).toContain(`${cells.toLocaleString('en')} entries`);
        }
        refusals[reason] = (refusals[reason] ?? 0) + 1;
        continue;
      }
      const m = built.model;
      const ref = reference(c, m.x.values, m.k.values, m.y.values, m.kt.values);
      sentences += checkModel(m, ref);
      models++;
    }
    console.log(
      `claims: ${models} configurations, ${sentences} sentences checked; refused: ${JSON.stringify(refusals)}`,
    );
    expect(models).toBeGreaterThanOrEqual(250);
  });

  it('say the three ways differ when the measured numbers differ', async () => {
    const tc = await tconv();
    const c: ExplainerConfig = {
      input: [5, 5],
      kernel: [3, 3],
      stride: [2, 2],
      padding: [0, 0],
      dilation: [1, 1],
      outputPadding: [0, 0],
    };
    const built = buildModel(tc, c, presetValues('seed', { input: c.input, kernel: c.kernel, output: [2, 2] }));
    if (!built.ok) throw new Error(built.error);
    const bad = { ...built.model, agreement: { ...built.model.agreement, CtyVsTout: 0.5, CxVsOut: 0.25 } };
    const all = chapters(bad);
    expect(all[3].frames.at(-1)!.narration).toContain('differ, by up to 0.25');
    expect(all[5].frames.at(-1)!.narration).toContain('differ, by up to 0.5');
    expect(all[6].frames.at(-1)!.narration).toMatch(
      /\(the scatter\) differ, by up to 0\.5; zero insertion and the scatter agree exactly/,
    );
  });

  it('hold for <tconv-overlap> on inputs from 1×1 to 10×10, the border included', async () => {
    const tc = await tconv();
    const settings = fc.record({
      kernel: dimsIn(1, 7),
      stride: dimsIn(1, 4),
      dilation: dimsIn(1, 3),
      size: dimsIn(1, 10),
    });
    let checked = 0;
    for (const s of fc.sample(settings, { numRuns: 300, seed: 7 })) {
      let o;
      try {
        o = overlapViews(tc, s.kernel, s.stride, s.dilation, s.size);
      } catch {
        // Resize-then-convolve has no output when the up-sampled input is smaller than the dilated kernel.
        const up = [0, 1].map((a) => s.size[a] * s.stride[a] + 2 * Math.floor((s.dilation[a] * (s.kernel[a] - 1)) / 2));
        expect([0, 1].some((a) => up[a] < s.dilation[a] * (s.kernel[a] - 1) + 1)).toBe(true);
        continue;
      }
      const cur = transposedCoverage(s.size, s.kernel, s.stride, s.dilation);
      const text = transposedSentence(o, s);
      checkCoverage(text, cur);
      checkCause(text, cur, s.kernel, s.stride, s.dilation);
      expect(text).toContain(`all-ones ${size(s.size)} input`);
      const explanation = overlapExplanation(o, s, ['transposed', 'balanced', 'resize']);
      const allowed = {
        kernel: new Set([
          p1(s.kernel),
          ...s.kernel.map(String),
          p1(roundedUp(s.kernel, s.stride)),
          ...roundedUp(s.kernel, s.stride).map(String),
        ]),
        stride: new Set([p1(s.stride), ...s.stride.map(String)]),
        dilation: new Set([p1(s.dilation), ...s.dilation.map(String)]),
      };
      checkWording(explanation, allowed);
      if (!cur.whole && cur.min !== cur.max) {
        const bal = transposedCoverage(s.size, roundedUp(s.kernel, s.stride), s.stride, s.dilation);
        expect(
          /rounded up to \S+ (and resize-then-convolve )?(evens|even|does not|do not)\b/.test(explanation),
          explanation,
        ).toBe(true);
        expect(/rounded up to \S+ (and resize-then-convolve )?(evens|even) it out/.test(explanation), explanation).toBe(
          bal.min === bal.max,
        );
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(200);
  });
});
