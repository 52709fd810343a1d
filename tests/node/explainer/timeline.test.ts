// The chapters, their frames and narration, and the step text ("4.2").
import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG } from '../../../web/lib/explainer/config.js';
import type { ExplainerModel } from '../../../web/lib/explainer/model-types.js';
import { chapters, formatStep, parseStep } from '../../../web/lib/explainer/timeline.js';
import { model } from './support.js';

describe('chapters', () => {
  it('has eight chapters whose frames follow the model', async () => {
    const m: ExplainerModel = await model(DEFAULT_CONFIG);
    const all = chapters(m);
    expect(all.map((c) => c.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(all.map((c) => c.frames.length)).toEqual([5, 5, 5, 6, 3, 6, 3 + 16 + 1, 3]);
    expect(all[0].frames[1].narration).toBe(
      'Output (0, 0): 1·4 + 4·5 + 1·8 + 1·1 + 4·8 + 3·8 + 3·3 + 3·6 + 1·6 = 122. Many inputs, one output.',
    );
    expect(all[6].frames.at(-1)!.narration).toContain('spent 108 of its 144 multiplications on zeros');
    expect(parseStep('4.2', all)).toEqual({ chapter: 4, frame: 2 });
    expect(parseStep('99.99', all)).toEqual({ chapter: 8, frame: 2 });
    expect(parseStep('x', all)).toBeNull();
    expect(formatStep(3, 0)).toBe('3');
  });

  it('reports the checkerboard: uneven coverage when k is not a multiple of s', async () => {
    const m = await model({ ...DEFAULT_CONFIG, stride: [2, 2], input: [5, 5], outputPadding: [0, 0] });
    expect(m.overlap.current.min).toBeLessThan(m.overlap.current.max);
    expect(m.overlap.balanced.kernel).toEqual([4, 4]);
    expect(chapters(m)[7].frames[0].narration).toContain('because the kernel size is not divisible by the stride');
  });
});
