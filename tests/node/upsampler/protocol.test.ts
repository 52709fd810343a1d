// Job specs (web/upsampler/shared/protocol.ts): equal results get equal keys, whatever
// fields a method ignores.

import { describe, expect, it } from 'vitest';

import { presetKernel } from '../../../web/upsampler/shared/kernels.js';
import { tconv } from '../helpers.js';
import { METHODS, coreOptions, normaliseSpec, specKey } from '../../../web/upsampler/shared/protocol.js';

describe('job specs', () => {
  const box = presetKernel('box', 3);
  it('keep only what the method uses, so equal results have equal keys', () => {
    expect(specKey({ method: 'bilinear', factor: 2, kernel: box })).toBe(specKey({ method: 'bilinear', factor: 2 }));
    expect(specKey({ method: 'nearest', factor: 2, alignCorners: true })).toBe('nearest|x2');
    expect(specKey({ method: 'bicubic', factor: 2, alignCorners: true })).toBe('bicubic|x2|ac');
    expect(specKey({ method: 'transposed', factor: 2, kernel: box })).not.toBe(
      specKey({ method: 'transposed', factor: 3, kernel: box }),
    );
    expect(specKey({ method: 'transposed', factor: 2, kernel: box })).not.toBe(
      specKey({ method: 'transposed', factor: 2, kernel: presetKernel('box', 4) }),
    );
    expect(normaliseSpec({ method: 'transposed', factor: 2, size: [5, 5], kernel: box })).toEqual({
      method: 'transposed',
      factor: 2,
      kernel: box,
    });
    expect(METHODS).toHaveLength(7);
  });

  it("coreOptions hands the core [height, width], as the core's geometry of the spec shows", async () => {
    const tc = await tconv();
    const sized = coreOptions({ method: 'bicubic', factor: 2, size: [33, 21] });
    expect(sized.size).toEqual([21, 33]);
    expect(tc.upsampleGeometry([10, 10], sized).outputSize).toEqual([21, 33]);
    const box = presetKernel('box', 3);
    const conv = coreOptions(normaliseSpec({ method: 'transposed', factor: 3, size: [33, 21], kernel: box }));
    expect(conv.kernel?.shape).toEqual([3, 3]);
    expect(tc.upsampleGeometry([7, 10], conv).outputSize).toEqual([21, 30]);
  });
});
