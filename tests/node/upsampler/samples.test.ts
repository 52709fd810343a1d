// The built-in samples (web/upsampler/shared/samples.ts): sizes, transparency, determinism.

import { describe, expect, it } from 'vitest';

import { presetKernel, type Kernel } from '../../../web/upsampler/shared/kernels.js';
import { METHODS } from '../../../web/upsampler/shared/protocol.js';
import { SAMPLES, alphaSample, detailSample, parseSampleSrc } from '../../../web/upsampler/shared/samples.js';
import { tconv } from '../helpers.js';

const tensor = (k: Kernel) => ({ data: new Float32Array(k.values), shape: [k.size, k.size] });

describe('samples', () => {
  it('are made at their documented sizes; detail is opaque, alpha is not', () => {
    const d = detailSample();
    expect([d.width, d.height]).toEqual([SAMPLES[0].width, SAMPLES[0].height]);
    expect(d.data.length).toBe(d.width * d.height * 4);
    for (let i = 3; i < d.data.length; i += 4) expect(d.data[i]).toBe(255);
    const a = alphaSample();
    const alphas = new Set<number>();
    for (let i = 3; i < a.data.length; i += 4) alphas.add(a.data[i]);
    expect(alphas.has(0)).toBe(true);
    expect(alphas.has(255)).toBe(true);
    expect(alphas.size).toBeGreaterThan(50);
    expect(detailSample().data).toEqual(d.data); // deterministic
  });

  it('sample names parse from src', () => {
    expect(parseSampleSrc('sample:detail')).toBe('detail');
    expect(parseSampleSrc(' sample:alpha ')).toBe('alpha');
    expect(parseSampleSrc('sample:nope')).toBeNull();
    expect(parseSampleSrc('/img/detail.png')).toBeNull();
  });

  it("the core keeps a sample's alpha through every method", async () => {
    const tc = await tconv();
    const a = alphaSample();
    const box = tensor(presetKernel('box', 3));
    for (const method of METHODS) {
      const out = tc.upsampleImage(a, { method, factor: 2, kernel: box });
      // A fully transparent corner stays fully transparent; the opaque ring centre stays opaque.
      expect(out.data[3], method).toBe(0);
      const ringX = 2 * (96 + 48);
      const ringY = 2 * 84;
      expect(out.data[4 * (ringY * out.width + ringX) + 3], method).toBeGreaterThan(240);
    }
  });
});
