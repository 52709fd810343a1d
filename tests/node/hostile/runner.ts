// Running one case: a healthy module (a new one after any failure), the call
// under a watchdog, its judgement, then the heap (malloc's bytes, Embind's
// handles) and a known-good call afterwards.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterAll, expect } from 'vitest';

import { wrapCore } from '../../../web/lib/tconv.js';
import type { Tconv } from '../../../web/lib/types.js';
import createCore from '../../../web/wasm/core.mjs';
import { build, type Module } from './build.js';
import { BASES, type Fn, FUNCTIONS, makeArgs } from './calls.js';
import { expectation, judge, type Outcome } from './judge.js';
import type { Case } from './mutations.js';
import { show } from './oracle-common.js';
import { convolution } from './oracles-tensor.js';

/** A call that takes longer counts as a hang: every valid call here is tiny, every refusal must be quick. */
const SLOW_MS = 2000;
/**
 * A call still running after this is a real hang: the watchdog reports the case
 * and kills the process. Merely slow calls (a minute) finish and fail on SLOW_MS.
 */
export const HANG_MS = 120_000;
/** Caches (a reused scratch area) may grow the heap for good, up to this much in all. */
const CACHE_BUDGET = 16 << 20;

const wasmBinary = readFileSync(new URL('../../../web/wasm/core.wasm', import.meta.url));
type Core = Module & { count_emval_handles(): number };
interface Env {
  core: Core;
  tc: Tconv;
  heap: number;
  handles: number;
  growth: number;
  broken: boolean;
}

// The article's seed: a 4×4 input and a 3×3 kernel; the answer comes from the reference.
const SEED_X = { shape: [1, 1, 4, 4], data: new Float32Array([4, 5, 8, 7, 1, 8, 8, 8, 3, 6, 6, 4, 6, 5, 7, 8]) };
const SEED_K = { shape: [1, 1, 3, 3], data: new Float32Array([1, 4, 1, 1, 4, 3, 3, 3, 1]) };
export const SEED_CHECK = convolution(false, [SEED_X, SEED_K, undefined], { allowError: false, unchecked: false })!;

/** A known-good conv2d and a known-good up-sampling (opaque pixels, copied 2 × 2). */
function unhealthy(tc: Tconv): string | null {
  try {
    const problem = SEED_CHECK(tc.conv2d(SEED_X, SEED_K));
    if (problem) return `the seed conv2d afterwards: ${problem}`;
    const px = [10, 20, 30, 255, 40, 50, 60, 255];
    const up = tc.upsampleImage({ data: new Uint8ClampedArray(px), width: 2, height: 1 }, { method: 'nearest' });
    const row = [...px.slice(0, 4), ...px.slice(0, 4), ...px.slice(4), ...px.slice(4)];
    if (Array.from(up.data).join() !== [...row, ...row].join()) return 'a nearest up-sampling afterwards is wrong';
    return null;
  } catch (e) {
    return `a known-good call afterwards threw ${show(e)}`;
  }
}

let env: Env | undefined;
export async function healthyEnv(): Promise<Env> {
  if (env && !env.broken) return env;
  const core = (await createCore({ wasmBinary })) as unknown as Core;
  const tc = wrapCore(core as never);
  // One call of each function first: lasting runtime state is not a leak.
  for (const fn of FUNCTIONS) {
    const base = fc.sample(BASES[fn], { seed: 1, numRuns: 1 })[0];
    call(tc, fn, makeArgs(fn, base, tc));
  }
  expect(unhealthy(tc)).toBeNull();
  env = { core, tc, heap: tc.heapInUse(), handles: core.count_emval_handles(), growth: 0, broken: false };
  return env;
}

export function call(tc: Tconv, fn: Fn, args: unknown[]): unknown {
  return (tc[fn] as (...a: unknown[]) => unknown)(...args);
}

// The watchdog: a synchronous hang cannot be interrupted from its own thread.
const watch = new SharedArrayBuffer(16 + 4096);
const armed = new BigInt64Array(watch, 0, 1);
const noteLength = new Int32Array(watch, 8, 1);
const watchdog = new Worker(
  `const { workerData: { watch, limit } } = require('node:worker_threads');
   const armed = new BigInt64Array(watch, 0, 1), length = new Int32Array(watch, 8, 1), note = new Uint8Array(watch, 16);
   setInterval(() => {
     const since = Number(Atomics.load(armed, 0));
     if (since === 0 || Date.now() - since < limit) return;
     require('node:fs').writeSync(2, '\\nhostile.test.ts: a call hung for ' + limit / 1000 + ' s; killing the test process. The case: ' +
       Buffer.from(note.subarray(0, Atomics.load(length, 0))).toString() + '\\n');
     process.kill(process.pid, 'SIGKILL');
   }, 500);`,
  { eval: true, workerData: { watch, limit: HANG_MS } },
);
watchdog.unref();
afterAll(() => watchdog.terminate());

function arm(note: string) {
  const bytes = new TextEncoder().encode(note).subarray(0, 4096);
  new Uint8Array(watch, 16).set(bytes);
  Atomics.store(noteLength, 0, bytes.length);
  Atomics.store(armed, 0, BigInt(Date.now()));
}

/** One case: the call, its judgement, then the heap and the module's health. Returns what went wrong. */
export async function runCase(fn: Fn, c: Case): Promise<string | null> {
  const e = await healthyEnv();
  const problems: string[] = [];
  const once = () => {
    const built = build(fn, c, e.tc, e.core);
    const expected = built.honest.map((h) => expectation(fn, h, e.tc)); // before the call, which may break the module
    arm(`${fn} ${JSON.stringify(c, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
    const start = performance.now();
    let outcome: Outcome;
    try {
      outcome = { threw: false, value: call(e.tc, fn, built.args) };
    } catch (error) {
      outcome = { threw: true, error };
    }
    const ms = performance.now() - start;
    Atomics.store(armed, 0, 0n);
    return { built, expected, outcome, ms };
  };
  const { built, expected, outcome, ms } = once();
  if (ms > SLOW_MS) problems.push(`took ${ms.toFixed(0)} ms`);
  const verdict = judge(fn, c, built, outcome, expected);
  if (verdict) problems.push(verdict);
  problems.push(...(built.reentry ?? []));
  for (const [array, copy] of built.unchanged) {
    if (Array.from(array).some((v, i) => !Object.is(v, copy[i])) || array.length !== copy.length) {
      problems.push('modified an input array');
      break;
    }
  }
  built.cleanup();
  const sick = unhealthy(e.tc);
  if (sick) {
    e.broken = true; // the next case gets a new module
    return [...problems, sick].join('; ');
  }
  const handles = e.core.count_emval_handles();
  if (handles !== e.handles) problems.push(`left ${handles - e.handles} Embind handles behind`);
  const heap = e.tc.heapInUse();
  if (heap !== e.heap && ms > SLOW_MS) problems.push(`the heap changed by ${heap - e.heap} bytes`);
  else if (heap !== e.heap) {
    // A lasting cache stays the same over more identical calls; a leak grows with each.
    const again = () => {
      const r = once();
      r.built.cleanup();
      return e.tc.heapInUse();
    };
    const [h1, h2] = [again(), again()];
    if (h1 !== heap || h2 !== heap) {
      problems.push(
        `the heap grew by ${heap - e.heap} bytes, then by ${h1 - heap} and ${h2 - h1} on two more identical calls`,
      );
    } else {
      e.growth += Math.max(0, heap - e.heap);
      e.heap = heap;
      if (e.growth > CACHE_BUDGET) problems.push(`the heap kept ${e.growth} bytes after calls in all`);
    }
    e.handles = e.core.count_emval_handles();
  }
  if (problems.length > 0) e.broken = true;
  return problems.length > 0 ? problems.join('; ') : null;
}
