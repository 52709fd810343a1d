// Job specs (web/upsampler/shared/protocol.ts): equal results get equal keys, whatever
// fields a method ignores.

import { describe, expect, it } from 'vitest';

import { presetKernel } from '../../../web/upsampler/shared/kernels.js';
import { METHODS, normaliseSpec, specKey, specOutputSize } from '../../../web/upsampler/shared/protocol.js';

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
    expect(specOutputSize({ method: 'bicubic', factor: 2, size: [33, 21] }, 10, 10)).toEqual([33, 21]);
    expect(specOutputSize({ method: 'transposed', factor: 3, size: [33, 21] }, 10, 7)).toEqual([30, 21]);
    expect(METHODS).toHaveLength(7);
  });
});
