// The warm-up of a fresh core instance (web/upsampler/shared/warmup.ts): every method runs, and
// nothing it allocated stays on the core's heap.

import { describe, expect, it } from 'vitest';

import { METHODS } from '../../../web/upsampler/shared/protocol.js';
import { warmUp } from '../../../web/upsampler/shared/warmup.js';
import { tconv } from '../helpers.js';

describe('warmUp', () => {
  it('runs every method once at start-up and frees what it used', async () => {
    const tc = await tconv();
    tc.upsampleImage({ data: new Uint8ClampedArray(16).fill(9), width: 2, height: 2 }, { method: 'nearest' });
    const before = tc.heapInUse();
    expect(warmUp(tc)).toEqual([...METHODS]);
    expect(tc.heapInUse()).toBe(before);
  });
});
