// The upsampler's texts (web/upsampler/shared/texts.ts): number formats, safe
// file names, sentences, and method notes whose numbers come from the core.

import { describe, expect, it } from 'vitest';

import { coreOptions } from '../../../web/upsampler/shared/protocol.js';
import { baseName, coresNote, formatMs, methodNote, sentence } from '../../../web/upsampler/shared/texts.js';
import { tconv } from '../helpers.js';

describe('texts', () => {
  it('format times, file names and sentences', () => {
    expect([formatMs(3.21), formatMs(812.4), formatMs(12_345)]).toEqual(['3.2 ms', '812 ms', '12.3 s']);
    expect(baseName('My photo (1).jpeg')).toBe('My-photo-1');
    expect(baseName('../../etc.png')).toBe('..-..-etc');
    expect(baseName('.png')).toBe('image');
    expect(sentence(' out of memory ')).toBe('Out of memory.');
    expect(sentence('done!')).toBe('Done!');
    expect([coresNote(1), coresNote(4)]).toEqual(['', ' on 4 cores']);
  });

  it("the transposed-bilinear note gives the core's kernel, padding and border, and leaves them out without it", async () => {
    const tc = await tconv();
    const at = (f: number) => tc.upsampleGeometry([8, 8], coreOptions({ method: 'transposed-bilinear', factor: f }));
    expect(methodNote('transposed-bilinear', 2, 3, at(2))).toContain('bilinear kernel (4×4, padding 1)');
    expect(methodNote('transposed-bilinear', 2, 3, at(2))).toContain('outermost pixel along each edge comes out');
    expect(methodNote('transposed-bilinear', 4, 3, at(4))).toContain('outermost 2 pixels along each edge come out');
    const without = methodNote('transposed-bilinear', 4, 3, null);
    expect(without).not.toMatch(/\d+×\d+|padding \d/);
    expect(methodNote('transposed', 3, 5, null)).toContain('your 5×5 kernel');
  });
});
