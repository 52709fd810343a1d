// The element's state as attribute text and what it resolves to: notices for
// what is ignored, the model, the state written back as URL parameters, and
// edited values that survive a change of sizes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  CONFIG_KEYS,
  DEFAULT_CONFIG,
  type ExplainerConfig,
  PARAM_NAMES,
  parseConfig,
} from '../../../web/lib/explainer/config.js';
import {
  configText,
  editedText,
  emptyText,
  FIGURE_ATTRIBUTES,
  figureParams,
  resolve,
  resolveDefault,
  type Resolved,
  stateParams,
  type StateText,
  LEARN_KEYS,
  textForDim,
  VALUE_KEYS,
  valuesTextFor,
} from '../../../web/lib/explainer/state.js';
import { formatValues, parseValues, PRESETS } from '../../../web/lib/explainer/values.js';
import { tconv } from '../helpers.js';
import { configs } from './support.js';

/** State text from URL parameters, as the page hands them to the element. */
function textOf(params: URLSearchParams): StateText {
  const text = emptyText();
  for (const key of CONFIG_KEYS) text[key] = params.get(PARAM_NAMES[key]);
  for (const key of ['values', ...VALUE_KEYS, ...LEARN_KEYS] as const) text[key] = params.get(key);
  return text;
}

async function resolved(text: Partial<StateText>): Promise<Resolved> {
  const r = resolve(await tconv(), { ...emptyText(), ...text });
  if (!r.ok) throw new Error(r.error);
  return r.state;
}

describe('resolving the attributes', () => {
  it('shows the seed example when nothing is set', async () => {
    const tc = await tconv();
    const r = resolve(tc, emptyText());
    expect(r.ok && r.notices).toEqual([]);
    const s = resolveDefault(tc);
    expect(s.config).toEqual(DEFAULT_CONFIG);
    expect(s.preset).toBe('seed');
    expect(s.edited).toEqual({ x: false, k: false, y: false, kt: false });
    expect(Array.from(s.model.out.values)).toEqual([122, 148, 126, 134]);
    expect(stateParams(s).toString()).toBe('input=4&kernel=3');
  });

  it('ignores a wrong preset or a value list of the wrong length, with a notice naming it', async () => {
    const tc = await tconv();
    const r = resolve(tc, { ...emptyText(), values: 'bogus', x: '1,2,3', k: '1,2,3,4,5,6,7,8,9' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.notices).toEqual([
      'Ignored values="bogus": expected one of seed, count, ones, random. Using seed.',
      'Ignored x="1,2,3": the input x needs 16 numbers separated by commas. Using the seed preset.',
    ]);
    expect(r.state.edited).toEqual({ x: false, k: true, y: false, kt: false });
    expect(Array.from(r.state.model.k.values)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('explains a configuration it cannot draw and keeps what was asked for', async () => {
    const r = resolve(await tconv(), { ...emptyText(), kernel: '5' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain('dilated kernel size (5, 5) is larger than padded input size (4, 4)');
    expect(r.config.kernel).toEqual([5, 5]);
  });

  it('says which link configuration was refused and why, for a notice at the top of the figure', async () => {
    const r = resolve(await tconv(), { ...emptyText(), input: '2', kernel: '3' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.refusal).toBe(
      'The requested figure (input 2, kernel 3) can’t be drawn. The convolution is not defined here: ' +
        'dilated kernel size (3, 3) is larger than padded input size (2, 2).',
    );
    const op = resolve(await tconv(), { ...emptyText(), input: '5', stride: '2', outputPadding: '2' });
    expect(!op.ok && op.refusal).toMatch(
      /^The requested figure \(input 5, kernel 3, stride 2, output-padding 2\) can’t be drawn\. .*output_padding \(2, 2\)/,
    );
  });

  it('reads chapters 9 and 10’s g, seed, target and learning rate, with a notice for each it cannot read', async () => {
    const tc = await tconv();
    const r = resolve(tc, { ...emptyText(), grad: 'ones', seed: '42', target: 'bilinear', lr: '0.02' });
    expect(r.ok && r.notices).toEqual([]);
    if (!r.ok) return;
    expect(r.state.options).toEqual({ gradSource: 'ones', learn: { seed: 42, target: 'bilinear', lr: 0.02 } });
    expect(r.state.model.learning.lr).toBe(0.02);
    expect(stateParams(r.state).toString()).toBe('input=4&kernel=3&grad=ones&seed=42&target=bilinear&lr=0.02');
    const bad = resolve(tc, { ...emptyText(), grad: 'x', seed: '0', target: 'paint', lr: '-1' });
    expect(bad.ok && bad.notices).toEqual([
      'Ignored grad="x": expected y or ones. Using y.',
      'Ignored seed="0": expected a whole number from 1 to 999999. Using 1.',
      'Ignored target="paint": expected kernel or bilinear. Using kernel.',
      'Ignored lr="-1": expected a positive number such as 0.05. Using the safe rate.',
    ]);
    if (!bad.ok) return;
    expect(bad.state.options).toEqual({ gradSource: 'y', learn: { seed: 1, target: 'kernel', lr: null } });
    expect(stateParams(bad.state).toString()).toBe('input=4&kernel=3');
    expect(bad.state.model.learning.lr).toBe(bad.state.model.learning.safeLr);
  });

  it('turns on independent weights for Cᵀ with an empty kt, and writes it back empty', async () => {
    const s = await resolved({ kt: '' });
    expect(s.values.kt).not.toBeNull();
    expect(s.edited.kt).toBe(false);
    expect(stateParams(s).get('kt')).toBe('');
  });

  it('writes a state as URL parameters that resolve to the same state, for any configuration and edits', async () => {
    const tc = await tconv();
    const states = fc.record({
      config: configs,
      preset: fc.constantFrom(...PRESETS.map((p) => p.id)),
      edit: fc.subarray([...VALUE_KEYS]),
      value: fc.integer({ min: -99, max: 99 }),
      learn: fc.record({
        grad: fc.constantFrom(null, 'y', 'ones'),
        seed: fc.option(fc.integer({ min: 1, max: 999_999 }).map(String)),
        target: fc.constantFrom(null, 'kernel', 'bilinear'),
        lr: fc.option(fc.double({ min: 1e-4, max: 10, noNaN: true }).map((v) => String(Number(v.toPrecision(3))))),
      }),
    });
    let checked = 0;
    for (const { config, preset, edit, value, learn } of fc.sample(states, { numRuns: 60, seed: 41 })) {
      const base = resolve(tc, {
        ...textOf(new URLSearchParams()),
        ...configText(config),
        values: preset,
        kt: config.independent ? '' : null,
        ...learn,
      });
      if (!base.ok) continue;
      // Edit the first entry of each chosen grid (kt only when Cᵀ has weights of its own).
      const text = { ...textOf(stateParams(base.state)) };
      for (const key of edit) {
        const v = key === 'kt' ? base.state.values.kt : base.state.values[key];
        if (v) text[key] = editedText(v, 0, Float32Array.of(value));
      }
      const first = resolve(tc, text);
      expect(first.ok).toBe(true);
      if (!first.ok) continue;
      const again = resolve(tc, textOf(stateParams(first.state)));
      expect(again.ok && again.notices).toEqual([]);
      if (!again.ok) continue;
      expect(again.state.config).toEqual(first.state.config);
      expect(again.state.options).toEqual(first.state.options);
      expect(again.state.options.learn.lr).toBe(learn.lr === null ? null : Number(learn.lr));
      expect(Array.from(again.state.model.learning.losses)).toEqual(Array.from(first.state.model.learning.losses));
      expect(again.state.preset).toBe(preset);
      expect(again.state.edited).toEqual(first.state.edited);
      for (const key of VALUE_KEYS) {
        const a = key === 'kt' ? again.state.values.kt : again.state.values[key];
        const b = key === 'kt' ? first.state.values.kt : first.state.values[key];
        expect(a && Array.from(a), key).toEqual(b && Array.from(b));
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
  });
});

describe('text of configurations and values', () => {
  it('writes a configuration that parses back to itself', () => {
    fc.assert(
      fc.property(configs, (c) => {
        const { independent: _, ...config } = c;
        const params = new URLSearchParams();
        const text = configText(config);
        for (const key of CONFIG_KEYS) params.set(PARAM_NAMES[key], text[key]);
        expect(parseConfig(params)).toEqual({ config, notices: [] });
      }),
    );
  });

  it('edits one entry of a value list and keeps the others', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.integer({ min: -50, max: 50 }),
        (list, at, value) => {
          const i = at % list.length;
          const next = parseValues(editedText(Float32Array.from(list), i, Float32Array.of(value)), list.length)!;
          expect(Array.from(next)).toEqual(list.map((v, j) => (j === i ? value : v)));
        },
      ),
    );
  });
});

describe('edited values after a change of sizes', () => {
  it('keeps the edited top-left part of x, fills the rest from the preset, and leaves unedited grids alone', async () => {
    const tc = await tconv();
    const x = Array.from({ length: 16 }, (_, i) => -(i + 1)); // x(r, c) = −(4r + c + 1)
    const from = await resolved({ x: x.join(','), values: 'count' });
    const next: ExplainerConfig = { ...from.config, input: [5, 3] };
    const text = valuesTextFor(tc, from, next)!;
    // 5×3 'count' preset: 1 … 15; rows 0–3, columns 0–2 come from the edit.
    const expected = Array.from({ length: 15 }, (_, i) => {
      const [r, c] = [Math.floor(i / 3), i % 3];
      return r < 4 ? -(4 * r + c + 1) : i + 1;
    });
    expect(text.x).toBe(formatValues(Float32Array.from(expected)));
    expect([text.k, text.y, text.kt]).toEqual([null, null, null]);
    // Independent weights that were not edited stay on, from the preset.
    const independent = await resolved({ kt: '' });
    expect(valuesTextFor(tc, independent, { ...independent.config, input: [5, 5] })!.kt).toBe('');
    // No output size: nothing to resize.
    expect(valuesTextFor(tc, from, { ...from.config, kernel: [6, 6] })).toBeNull();
  });
});

describe('what the controls and links write', () => {
  it('names every attribute of a figure once, as the URL does', () => {
    expect([...FIGURE_ATTRIBUTES].sort()).toEqual(
      [
        'dilation',
        'grad',
        'input',
        'k',
        'kernel',
        'kt',
        'lr',
        'output-padding',
        'padding',
        'seed',
        'speed',
        'step',
        'stride',
        'target',
        'values',
        'x',
        'y',
      ].sort(),
    );
  });

  it('adds the step to the figure’s parameters unless it is the first', async () => {
    const s = await resolved({ stride: '2', input: '5' });
    expect(figureParams(s, '1').toString()).toBe('input=5&kernel=3&stride=2');
    expect(figureParams(s, '4.2').toString()).toBe('input=5&kernel=3&stride=2&step=4.2');
  });

  it('changes one dimension of one parameter, and resizes only the edited values', async () => {
    const tc = await tconv();
    const s = await resolved({ k: '1,2,3,4,5,6,7,8,9', kt: '' });
    const text = textForDim(tc, s.config, s, 'kernel', 1, 2);
    expect(text.config).toEqual({ ...configText(s.config), kernel: '3x2' });
    // k keeps its first two columns; kt (independent, not edited) stays on; x and y are left alone.
    expect(text.values).toEqual({ k: '1,2,4,5,7,8', kt: '' });
    // Nothing shown yet: only the configuration changes.
    expect(textForDim(tc, s.config, null, 'stride', 0, 2).values).toEqual({});
  });
});
