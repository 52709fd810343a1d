// Every API function against invalid, extreme and hostile arguments (issue
// "Hardening", deliverable 3). Each case takes a valid call, spoils one argument
// and asks:
//  - did the call throw an Error whose message starts with the function's name
//    (or the core's torch-style name) and names the spoilt argument, or return
//    the right result? "Right" is an independent double-precision reference for
//    the convolutions, interpolate, convMatrix, the output sizes, the difference
//    and the bilinear kernel, and the plain call with honest copies for the
//    up-sampler (whose methods the image tests check);
//  - is the heap (malloc's bytes, Embind's handles) back where it was;
//  - does a known-good call still give the right answer?
// A getter that throws must come back as such an Error (the argument named);
// onProgress's own error may come back as is. A trap, a wrong result, a leak or
// a call slower than SLOW_MS fails the case; a hang is reported and the test
// process killed by a watchdog thread (vitest then reports this file as failed).
//
// The parts, in hostile/: the cases (calls.ts the valid base calls, paths.ts
// where a case spoils them, mutations.ts what it does there, build.ts and
// build-kinds.ts the hostile and honest arguments); the oracles (oracle-common.ts,
// oracles-tensor.ts, oracles-image.ts) and judge.ts; runner.ts runs one case
// (module, heap, watchdog); regressions.ts holds the reproduced holes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { BASES, FUNCTIONS, makeArgs } from './hostile/calls.js';
import { expectation } from './hostile/judge.js';
import { cases, type Family, hasCases } from './hostile/mutations.js';
import { show } from './hostile/oracle-common.js';
import { REGRESSIONS } from './hostile/regressions.js';
import { call, HANG_MS, healthyEnv, runCase, SEED_CHECK } from './hostile/runner.js';

const RUNS = 150;
/** A property stops (reporting the smallest failure found so far) after this long... */
const SHRINK_BUDGET_MS = 40_000;
/** ...and vitest waits for that, plus one slow call (passing, a property takes about a second). */
const PROPERTY_TIMEOUT_MS = SHRINK_BUDGET_MS + HANG_MS;
const SEED = 20261205;

describe("the issue's reproduced holes", () => {
  it.each(REGRESSIONS)('%s (%s)', async (_, fn, c) => {
    const problem = await runCase(fn, c);
    if (problem) throw new Error(problem);
  });
});

/** A copy of a result with its first value changed. */
function spoilt(r: unknown): unknown {
  if (Array.isArray(r)) return [r[0] + 1, r[1]];
  const o = r as { data: Float32Array | Uint8ClampedArray };
  const data = o.data.slice();
  data[0] = data[0] === 0 ? 1 : 0;
  return { ...o, data };
}

describe('the oracles', () => {
  it('give the seed example and agree with the module on plain calls', async () => {
    const { tc } = await healthyEnv();
    expect(SEED_CHECK({ shape: [1, 1, 2, 2], data: new Float32Array([122, 148, 126, 134]) })).toBeNull();
    // The corrupted answer for the seed: the health check sees it.
    expect(SEED_CHECK({ shape: [1, 1, 2, 2], data: new Float32Array([147, 147, 147, 147]) })).not.toBeNull();
    for (const fn of FUNCTIONS) {
      for (const base of fc.sample(BASES[fn], { seed: SEED, numRuns: 100 })) {
        const args = makeArgs(fn, base, tc);
        const x = expectation(fn, { args }, tc);
        expect(x.valid, `${fn} ${show(base)}`).toBe(true);
        if (!x.valid) continue;
        const result = call(tc, fn, args);
        expect(x.check(result), `${fn} ${show(base)}`).toBeNull();
        // Every checked answer can fail: one value off is seen.
        if (!x.allowError) expect(x.check(spoilt(result)), `${fn} ${show(base)}`).not.toBeNull();
      }
    }
  });
});

const FAMILIES: Family[] = ['values', 'accessors', 'buffers'];

for (const fn of FUNCTIONS) {
  describe(fn, () => {
    for (const family of FAMILIES.filter((f) => hasCases(fn, f))) {
      it(
        `${family}: an Error naming the argument or the right result; no trap, leak or hang`,
        async () => {
          await fc.assert(
            fc.asyncProperty(cases(fn, family), async (c) => {
              const problem = await runCase(fn, c);
              if (problem) throw new Error(problem);
            }),
            // Shrinking slow failures is cut short (SHRINK_BUDGET_MS).
            {
              seed: SEED,
              numRuns: RUNS,
              plugins: [fc.interruptAfterTimeLimit(SHRINK_BUDGET_MS, { failOnInterrupt: true })],
            },
          );
        },
        PROPERTY_TIMEOUT_MS,
      );
    }
  });
}
