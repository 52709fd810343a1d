// The benchmark itself, shared by Node (`npm run bench`) and Chromium
// (`npm run bench:browser`): measure the SIMD peak and copy bandwidth, run
// every workload through tconv (with a new result array, and into a
// caller-owned `out`), onnxruntime-web and tfjs-backend-wasm, check that they
// agree, and format the tables. With a load (`--contend`, contend.mjs), the
// peak is measured idle and again with the load running, and the load's own
// bandwidth is reported. Uses only `performance.now()`.
//
// Timing: each (workload, library) pair is called once for the comparison
// (which is also the first warm-up call), warmed up to ≥ 2 calls and ≥ 15 % of
// its budget, then timed as the median of N samples, with N chosen to fill the
// budget (5–200 samples; 3 for calls over 200 ms). The libraries' samples of
// one workload are interleaved (tconv, tconv out, ORT, tfjs, tconv, …), so a
// machine that slows down for a while (another tenant, a busy tab, frequency
// changes) slows every library's samples alike and the ratios stay put: on a
// shared 2-vCPU VM, timing one library after the other moved a ratio by ±30 %
// between runs of the same build. Calls shorter than MIN_BATCH_MS are timed in
// batches so that the timer's resolution (5–100 µs in browsers) does not
// matter. A call over SINGLE_CALL_MS is timed once (the comparison call) and
// flagged, to keep the whole run within about 2 minutes.

import { rate } from './contend.mjs';
import { EXTRA_COLUMNS } from './extra.mjs';
import { measurePeak } from './peak.mjs';
import { newArrayPeer, ortPeer, tconvOutPeer, tconvPeer, tfjsPeer } from './peers.mjs';
import { makeInputs, prod, workloads } from './workloads.mjs';

const MIN_BATCH_MS = 5;
const MAX_SAMPLES = 200;
const SINGLE_CALL_MS = 2000;
/** Agreement tolerance: max |peer − tconv| ≤ TOLERANCE · max |tconv|. */
export const TOLERANCE = 1e-3;

/**
 * Issue 16's targets, per place. ratios: ORT time / tconv time, at least; share: D and E's
 * GFLOP/s over the SIMD peak, at least; microUs: A's time per call, at most (idle runs only);
 * microTfjs: A's tconv time / tfjs-backend-wasm's, at most; copyShare: G over the copy bandwidth, which is
 * issue 6's target (blocked there: a new array's page faults alone cost more), printed as such.
 */
export const TARGETS = {
  node: { ratios: { B: 4, C: 5, F: 2, D: 1.3, E: 1.3 }, share: 0.5, microUs: 2, microTfjs: 2, copyShare: 0.5 },
  browser: { ratios: { B: 3, C: 3, D: 1.3, E: 1.3, F: 1.3 }, microTfjs: 2 },
};

// ---------------------------------------------------------------- timing

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Warms `fn` up (sync, or async when `isAsync`) and plans its timing: `sample()` times one
 * sample (ms per call), `samples` of them fill the budget. `firstMs` is the time of the call
 * already made for the comparison; it counts as the first warm-up call. A call slower than
 * SINGLE_CALL_MS is not repeated: that first call is the one sample (`single`).
 */
async function warmUp(fn, isAsync, budgetMs, firstMs, gc) {
  if (firstMs > SINGLE_CALL_MS) return { single: true, ms: firstMs, samples: 0, perSample: 1 };
  const now = () => performance.now();
  // One batch of `count` calls, in ms; two loops so that sync calls pay no await.
  const batch = isAsync
    ? async (count) => {
        const t0 = now();
        for (let i = 0; i < count; i++) await fn();
        return now() - t0;
      }
    : async (count) => {
        const t0 = now();
        for (let i = 0; i < count; i++) fn();
        return now() - t0;
      };

  // Warm-up in batches that double until they last MIN_BATCH_MS (a browser's timer cannot see one
  // tiny call). The estimate is the fastest per-call time of a batch that long, else the last one;
  // the first call, which may include one-time set-up, is left out.
  let calls = 1;
  let spent = firstMs;
  let count = 1;
  let best = Infinity;
  let last;
  while (calls < 2 || spent < budgetMs * 0.15) {
    const ms = await batch(count);
    spent += ms;
    calls += count;
    last = ms / count;
    if (ms >= MIN_BATCH_MS) best = Math.min(best, last);
    else count *= 2;
  }
  const estimate = Number.isFinite(best) ? best : Math.max(last, 1e-4);
  const perSample = Math.max(1, Math.ceil(MIN_BATCH_MS / estimate));
  const minSamples = estimate > 200 ? 3 : 5;
  const samples = Math.min(MAX_SAMPLES, Math.max(minSamples, Math.round(budgetMs / (estimate * perSample))));
  // A sample of one long call starts from a collected heap, so that it does not pay for the
  // garbage (up to 200 MB a call) of the calls before it. Batched tiny calls keep their GC cost.
  const sample = async () => {
    if (perSample === 1) gc?.();
    return (await batch(perSample)) / perSample;
  };
  return { single: false, sample, samples, perSample };
}

/**
 * Times every plan's samples in rounds, one sample of each library per round (a library that
 * has its N leaves the rounds), and returns each one's median ms per call.
 */
async function interleave(plans) {
  const perCall = plans.map(() => []);
  for (let round = 0; plans.some((p, i) => !p.single && perCall[i].length < p.samples); round++) {
    for (const [i, p] of plans.entries()) {
      if (!p.single && perCall[i].length < p.samples) perCall[i].push(await p.sample());
    }
  }
  return plans.map((p, i) =>
    p.single
      ? { ms: p.ms, samples: 1, perSample: 1, single: true }
      : { ms: median(perCall[i]), samples: p.samples, perSample: p.perSample },
  );
}

// ---------------------------------------------------------------- agreement

/** max |a − ref| / max |ref| (NaN anywhere gives NaN; a length mismatch gives Infinity). */
function relativeDiff(a, ref) {
  if (a.length !== ref.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(a[i] - ref[i]);
    if (Number.isNaN(d)) return NaN;
    if (d > diff) diff = d;
    const r = Math.abs(ref[i]);
    if (r > scale) scale = r;
  }
  return diff / (scale || 1);
}

// ---------------------------------------------------------------- formatting

const fmt = (v, digits) => v.toFixed(digits);
const fmtMs = (ms) => (ms >= 100 ? fmt(ms, 1) : ms >= 10 ? fmt(ms, 2) : fmt(ms, 3)) + ' ms';
const fmtUs = (ms) => fmt(ms * 1000, ms * 1000 >= 100 ? 1 : 2) + ' µs';
const fmtRatio = (r) => (r >= 10 ? fmt(r, 1) : fmt(r, 2)) + '×';
/**
 * A measurement beside its goal: `digits` decimals, or as many more as it takes not to print the goal itself
 * (a ratio of 2.997 against 3 is not "3.00×", nor 2.004 µs against 2 "2.00 µs").
 */
function fmtApart(value, goal, digits) {
  while (digits < 6 && value !== goal && fmt(value, digits) === fmt(goal, digits)) digits++;
  return fmt(value, digits);
}
const fmtNear = (r, goal) => fmtApart(r, goal, r >= 10 ? 1 : 2) + '×';

/** Aligned text table; `right[i]` right-aligns column i. */
export function table(header, rows, right) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r ? r[i].length : 0))));
  const line = (cells) =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map((r) => (r ? line(r) : ''))];
}

function throughput(wl, ms) {
  if (wl.micro) return `${Math.round(1 / ms).toLocaleString('en-US')}k calls/s`;
  if (wl.flops) return `${fmt(wl.flops / (ms * 1e6), 2)} GFLOP/s`;
  return `${fmt(wl.bytes / (ms * 1e6), 2)} GB/s`;
}

// ---------------------------------------------------------------- run

/**
 * Runs everything and returns the report.
 * @param {object} o
 * @param {object} o.tc    a Tconv instance
 * @param {object} o.ort   onnxruntime-web, with env.wasm already set (1 thread, SIMD)
 * @param {object} o.tf    @tensorflow/tfjs-core with the wasm backend active (1 thread)
 * @param {number} o.seconds  timing budget per (workload, library)
 * @param {string[]} o.header lines printed first (machine, versions)
 * @param {object} [o.targets] TARGETS.node (default) or TARGETS.browser
 * @param {string} [o.only] run only the workloads with these ids, e.g. 'BG'
 * @param {() => void} [o.gc] a full garbage collection, run before each unbatched sample
 * @param {() => Promise<object>} [o.startLoad] starts the `--contend` load (contend.mjs startLoad)
 * @param {object[]} [o.extraColumns] per-workload columns (extra.mjs)
 * @param {(message: string) => void} [o.progress]
 * @returns {Promise<{ lines: string[], agree: boolean }>}
 */
export async function runBenchmark({
  tc,
  ort,
  tf,
  seconds,
  header,
  targets = TARGETS.node,
  only,
  gc,
  startLoad,
  extraColumns = EXTRA_COLUMNS,
  progress = () => {},
}) {
  const started = performance.now();
  const budgetMs = seconds * 1000;
  progress('measuring SIMD peak and copy bandwidth');
  const idlePeak = await measurePeak();
  let load;
  let loadedPeak;
  if (startLoad) {
    progress('starting the load, then measuring the peak again');
    load = await startLoad();
    loadedPeak = await measurePeak();
  }
  // The peak the tables compare with is the one measured in the conditions of the table.
  const peak = loadedPeak ?? idlePeak;

  const peers = [tconvPeer(tc), tconvOutPeer(tc), ortPeer(ort), tfjsPeer(tf), newArrayPeer()];
  const results = []; // { wl, byPeer: { name: { ms, samples, perSample, diff } | { na } }, loadGBs }
  const notes = [];
  let agree = true;

  for (const [index, wl] of workloads.entries()) {
    if (only && !only.toUpperCase().includes(wl.id)) continue;
    const inputs = makeInputs(wl, index);
    const byPeer = {};
    const loadFrom = load?.sample();
    let reference;
    const timed = []; // { peer, prepared, plan }: measured together once every library is warm
    try {
      for (const peer of peers) {
        progress(`${wl.id} ${wl.title}: ${peer.name}`);
        let prepared;
        try {
          prepared = await peer.prepare(wl, inputs);
        } catch (e) {
          prepared = { na: `error: ${e.message ?? e}` };
          agree = false;
        }
        if (prepared.skip) continue;
        if (prepared.na) {
          byPeer[peer.name] = { na: prepared.na };
          notes.push(`${wl.id} ${wl.title}, ${peer.name}: n/a — ${prepared.na}`);
          continue;
        }
        try {
          const t0 = performance.now();
          const first = prepared.run();
          const isAsync = typeof first?.then === 'function';
          let out = await first;
          const firstMs = performance.now() - t0;
          if (prepared.toNCHW) out = prepared.toNCHW(out);
          let diff;
          if (peer.name === 'tconv') reference = out;
          else if (!peer.floor) diff = relativeDiff(out, reference);
          if (diff !== undefined && !(diff <= TOLERANCE)) agree = false;
          out = undefined; // let a 200 MB result go before timing
          byPeer[peer.name] = { diff };
          timed.push({ peer, prepared, plan: await warmUp(prepared.run, isAsync, budgetMs, firstMs, gc) });
        } catch (e) {
          byPeer[peer.name] = { na: `error: ${e.message ?? e}` };
          notes.push(`${wl.id} ${wl.title}, ${peer.name}: ${e.message ?? e}`);
          agree = false;
          await prepared.dispose?.();
        }
      }
      reference = undefined;
      progress(`${wl.id} ${wl.title}: timing ${timed.map((t) => t.peer.name).join(', ')} in turn`);
      let measured;
      try {
        measured = await interleave(timed.map((t) => t.plan));
      } catch (e) {
        // Which library threw is not known here: every one of this workload is marked.
        for (const { peer } of timed) byPeer[peer.name] = { na: `error: ${e.message ?? e}` };
        notes.push(`${wl.id} ${wl.title}: ${e.message ?? e}`);
        agree = false;
      }
      for (const [i, { peer }] of timed.entries()) {
        if (!measured) break;
        const t = measured[i];
        byPeer[peer.name] = { ...t, diff: byPeer[peer.name].diff };
        if (t.single) {
          notes.push(
            `${wl.id} ${wl.title}, ${peer.name}: one call took ${fmt(t.ms / 1000, 1)} s, so it was timed once, cold`,
          );
        }
      }
    } finally {
      for (const { prepared } of timed) await prepared.dispose?.();
    }
    results.push({ wl, byPeer, loadGBs: load && rate(loadFrom, load.sample()) });
  }
  const loadRun = await load?.stop();

  // ---- main table
  const rows = [];
  for (const { wl, byPeer } of results) {
    if (rows.length) rows.push(null);
    const base = byPeer.tconv;
    for (const [i, peer] of peers.entries()) {
      const r = byPeer[peer.name];
      if (!r) continue; // skipped
      const first = i === 0;
      const cells = [
        first ? `${wl.id}  ${wl.title}` : '',
        first ? `${wl.input.join('×')} → ${wl.output.join('×')}` : '',
        first ? wl.params : '',
        peer.name,
      ];
      const extras = extraColumns.map((c) => (r.na ? '' : (c.cell({ wl, library: peer.name, ms: r.ms, tc }) ?? '')));
      if (r.na) {
        rows.push([...cells, 'n/a', '', '', '', '', ...extras]);
        continue;
      }
      const ratio = first ? '—' : base?.ms ? fmtRatio(r.ms / base.ms) : '';
      const diff = first
        ? 'reference'
        : peer.floor
          ? '—'
          : `${r.diff.toExponential(1)} ${r.diff <= TOLERANCE ? 'ok' : 'DIFFERS'}`;
      const n = r.single ? '1 cold' : r.perSample > 1 ? `${r.samples}×${r.perSample}` : String(r.samples);
      const speed = peer.floor ? '' : throughput(wl, r.ms);
      rows.push([...cells, wl.micro ? fmtUs(r.ms) : fmtMs(r.ms), speed, ratio, diff, n, ...extras]);
    }
  }

  // ---- targets
  const find = (id) => results.find((r) => r.wl.id === id);
  const speedup = (id) => {
    const r = find(id).byPeer;
    return r.tconv?.ms && r.ORT?.ms ? r.ORT.ms / r.tconv.ms : undefined;
  };
  const targetRows = [];
  // `measured` is the text of a measurement, or not a string when there is none (n/a, error).
  const target = (what, goal, measured, pass) => {
    const ok = typeof measured === 'string';
    targetRows.push([what, goal, ok ? measured : 'n/a', ok ? (pass ? 'PASS' : 'FAIL') : '—']);
  };
  // The 'new array' row: the floor of any call that returns a new array.
  const floorMs = (id) => find(id).byPeer['new array']?.ms;
  const megabytes = (floats) => `${fmt((floats * 4) / 1e6, 1)} MB`;
  for (const [id, goal] of Object.entries(targets.ratios ?? {})) {
    if (!find(id)) continue; // not run (TCONV_BENCH_ONLY)
    const s = speedup(id);
    const { wl, byPeer } = find(id);
    // ORT returns a new array too, so no such call can be more than ORT / floor times faster than ORT's.
    const floats = prod(wl.output);
    const floor = floorMs(id);
    const bound = floor && byPeer.ORT?.ms && byPeer.ORT.ms / floor;
    const capped = bound < goal ? `, at most ${fmtRatio(bound)} with a new array here` : '';
    target(`${id}  ORT time / tconv time`, `≥ ${goal}×`, s && `${fmtNear(s, goal)}${capped}`, s >= goal);
    if (bound < 2 * goal) {
      const out = byPeer['tconv out']?.ms;
      notes.push(
        `${id} floor: a new ${megabytes(floats)} Float32Array, allocated and written once ("new array"), takes ` +
          `${fmt(floor, 3)} ms here; ORT's call, which returns one too, takes ${fmt(byPeer.ORT.ms, 3)} ms, so no call that returns a new ` +
          `array can be more than ${fmtRatio(bound)} faster than ORT's on ${id} (the goal: ${goal}×)` +
          `${out ? `; "tconv out" does not pay it: ORT time / tconv out time ${fmtRatio(byPeer.ORT.ms / out)}` : ''}`,
      );
    }
  }
  for (const r of results.filter((r) => r.wl.micro)) {
    const what = `A  ${r.wl.title.split(',')[0]}`;
    const ms = r.byPeer.tconv?.ms;
    if (targets.microUs) {
      // A busy machine is not where an explainer-sized call's cost is judged: with a load, this line is information.
      if (load)
        targetRows.push([`${what}, per call`, `≤ ${targets.microUs} µs idle`, ms ? fmtUs(ms) : 'n/a', '(idle goal)']);
      else {
        const measured = ms && `${fmtApart(ms * 1000, targets.microUs, 2)} µs`;
        target(`${what}, per call`, `≤ ${targets.microUs} µs`, measured, ms * 1000 <= targets.microUs);
      }
    }
    const tfjs = r.byPeer.tfjs?.ms;
    const vsTfjs = ms && tfjs && ms / tfjs;
    const measured = vsTfjs && `${fmtNear(vsTfjs, targets.microTfjs)} (${fmtUs(ms)} / ${fmtUs(tfjs)})`;
    target(`${what}, tconv / tfjs per call`, `≤ ${targets.microTfjs}×`, measured, vsTfjs <= targets.microTfjs);
  }
  for (const id of targets.share ? ['D', 'E'] : []) {
    if (!find(id)) continue;
    const { wl, byPeer } = find(id);
    const gflops = byPeer.tconv?.ms && wl.flops / (byPeer.tconv.ms * 1e6);
    const share = gflops / peak.gflops;
    const percent = fmtApart(100 * share, 100 * targets.share, 1);
    const measured = gflops && `${percent} % (${fmt(gflops, 2)} of ${fmt(peak.gflops, 1)} GFLOP/s)`;
    target(`${id}  tconv share of SIMD peak`, `≥ ${100 * targets.share} %`, measured, share >= targets.share);
  }
  // G's floor (above): no call that returns a new array passes the bandwidth it leaves.
  const interpolations = results.filter((r) => r.wl.op === 'interpolate');
  if (interpolations.length && floorMs('G')) {
    const wl = interpolations[0].wl;
    const outputFloats = prod(wl.output);
    const ms = floorMs('G');
    const gbs = wl.bytes / (ms * 1e6);
    notes.push(
      `G floor: a new ${megabytes(outputFloats)} Float32Array, allocated and written once, takes ` +
        `${fmt(ms, 3)} ms here: no call that returns a new result array can pass ${fmt(gbs, 2)} GB/s ` +
        `(${fmt((100 * gbs) / peak.bandwidthGBs, 1)} % of the copy bandwidth) on G; "tconv out" does not pay it`,
    );
  }
  for (const r of targets.copyShare ? interpolations : []) {
    for (const name of ['tconv', 'tconv out']) {
      const gbs = r.byPeer[name]?.ms && r.wl.bytes / (r.byPeer[name].ms * 1e6);
      const share = gbs / peak.bandwidthGBs;
      const percent = fmtApart(100 * share, 100 * targets.copyShare, 1);
      const measured = gbs && `${percent} % (${fmt(gbs, 2)} of ${fmt(peak.bandwidthGBs, 1)} GB/s)`;
      const what = `G  ${r.wl.title.replace('interpolate ', '')}, ${name}: share of copy bandwidth (issue 6)`;
      target(what, `≥ ${100 * targets.copyShare} %`, measured, share >= targets.copyShare);
    }
  }
  if (load) {
    const during = results.map((r) => `${r.wl.id} ${fmt(r.loadGBs, 1)}`).join(', ');
    notes.push(`the load's bandwidth during each workload (GB/s): ${during}`);
  }

  const peakLine = (p) => `${fmt(p.gflops, 1)} GFLOP/s`;
  const bandwidthLine = (p) =>
    `${fmt(p.bandwidthGBs, 1)} GB/s (v128 load/store loop ${fmt(p.copyGBs, 1)}, memory.copy ${fmt(p.bulkGBs, 1)})`;
  const lines = [
    ...header,
    `wasm SIMD peak, 1 thread: ${peakLine(idlePeak)} idle` +
      `${loadedPeak ? `, ${peakLine(loadedPeak)} with the load running` : ''}` +
      ' (independent f32x4.mul + f32x4.add chains, hand-written module)',
    `wasm copy bandwidth, 1 thread, read+write, 2 × ${idlePeak.copyMiB} MiB buffers: ${bandwidthLine(idlePeak)} idle` +
      `${loadedPeak ? `; ${bandwidthLine(loadedPeak)} with the load running` : ''}`,
    ...(load
      ? [
          `contended (--contend): ${load.describe}; it moved ${fmt(loadRun.gbs, 1)} GB/s read+write on average ` +
            `over its ${fmt(loadRun.seconds, 1)} s (${loadRun.copies} copies), ` +
            `${fmt((100 * loadRun.gbs) / idlePeak.bandwidthGBs, 0)} % of one idle thread's copy bandwidth`,
          'the targets below compare with the peak measured with the load running',
        ]
      : []),
    `timing: median of N samples after warm-up, ~${seconds} s per workload and library` +
      `${gc ? ', full GC before each unbatched sample (not timed)' : ''}; agreement: max|Δ| / max|tconv| ≤ ${TOLERANCE}`,
    '',
    ...table(
      [
        'workload',
        'shape (N×C×H×W)',
        'params',
        'library',
        'median',
        'throughput',
        'peer/tconv',
        'max|Δ|/max|ref|',
        'N',
        ...extraColumns.map((c) => c.header),
      ],
      rows,
      [false, false, false, false, true, true, true, true, true, ...extraColumns.map(() => true)],
    ),
    '',
    "peer/tconv = the library's median / tconv's (above 1: tconv is faster). GFLOP/s counts 2·MACs (every kernel tap);",
    'GB/s counts the least traffic: input read once + output written once. N = samples (× calls per sample).',
    'Each call takes JS arrays and returns a JS array (copies across the JS/wasm boundary included); "tconv out" is',
    "the same call with a caller-owned `out` array of the result's size, reused, instead of a new result array.",
    ...extraColumns.filter((c) => c.legend).map((c) => `${c.header}: ${c.legend}`),
    ...notes.map((n) => `note: ${n}`),
    '',
    ...table([`target (issue 16${load ? ', with the load' : ''})`, 'goal', 'measured', 'result'], targetRows, [
      false,
      false,
      true,
      false,
    ]),
    '',
    `numerical agreement: ${agree ? 'all libraries agree with tconv' : 'DISAGREEMENT or errors (see above)'}; ` +
      `total ${fmt((performance.now() - started) / 1000, 1)} s`,
  ];
  return { lines, agree };
}
