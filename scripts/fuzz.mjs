// `npm run fuzz`: builds the libFuzzer target (tests/fuzz, CMake preset
// `fuzz`: clang, ASan + UBSan) and fuzzes tconv's core for a while.
//
//   npm run fuzz                          5 minutes, stop at the first finding
//   npm run fuzz -- --seconds 3600        an hour
//   npm run fuzz -- --keep-going          continue after findings (libFuzzer's -fork=1)
//   npm run fuzz -- FILE...               run reproducers, printing each decoded call
//   npm run fuzz -- --triage [DIR]        group the findings in DIR by their first report
//
// New inputs go to build/fuzz/corpus; the committed seeds (tests/fuzz/corpus)
// are only read. Findings are written to build/fuzz/findings/. One core only.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build, root, setup } from './toolchain.mjs';

export const fuzzBinary = join(root, 'build/fuzz/tconv_fuzz');
export const seedCorpus = join(root, 'tests/fuzz/corpus');
const findingsDir = join(root, 'build/fuzz/findings');

// A hang: any input should take well under a millisecond.
const kTimeoutSeconds = 10;
// No single allocation may come near this with the harness's small tensors:
// a larger one means memory planned in proportion to a stride or a size.
const kMallocLimitMb = 512;

const fuzzEnv = {
  ...process.env,
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0',
};

/** Builds the fuzz target (installing clang and its fuzzer runtime if missing). */
export function buildFuzzer() {
  setup(['fuzz']);
  build(['fuzz']);
}

/**
 * Runs libFuzzer for `seconds` on `corpus` (written) plus the committed seeds
 * (read only). Returns { ok, stats, findings, tail }: stats are libFuzzer's
 * last figures, findings the reproducer files this run wrote.
 */
export function runFuzzer({ seconds, corpus, keepGoing = false, quiet = false }) {
  mkdirSync(corpus, { recursive: true });
  mkdirSync(findingsDir, { recursive: true });
  const args = [
    corpus,
    seedCorpus,
    `-max_total_time=${seconds}`,
    `-timeout=${kTimeoutSeconds}`,
    `-malloc_limit_mb=${kMallocLimitMb}`,
    `-artifact_prefix=${findingsDir}/`,
    '-print_final_stats=1',
    ...(keepGoing ? ['-fork=1', '-ignore_crashes=1', '-ignore_timeouts=1', '-ignore_ooms=1'] : []),
  ];
  const before = new Set(readdirSync(findingsDir));
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(fuzzBinary, args, { cwd: root, env: fuzzEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const stats = {};
    const tail = [];
    const written = new Set(); // reproducers this run wrote, even over an older copy
    const onData = (chunk) => {
      if (!quiet) process.stderr.write(chunk);
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        tail.push(line);
        if (tail.length > 60) tail.shift();
        // "#12345 pulse cov: 900 ft: 2500 corp: 300/12Kb exec/s: 2000 rss: 60Mb" (or fork mode's "#12345: cov: ...")
        const m = line.match(/^#(\d+):?\s.*cov: (\d+) ft: (\d+) corp: (\d+).*?exec\/s:? (\d+)/);
        if (m) Object.assign(stats, { runs: +m[1], cov: +m[2], ft: +m[3], corpus: +m[4], execPerSec: +m[5] });
        const s = line.match(/^stat::(\w+):\s+(\d+)/);
        if (s) stats[s[1]] = +s[2];
        const w = line.match(/Test unit written to (\S+)/);
        if (w) written.add(w[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (status) => {
      stats.seconds = Math.round((Date.now() - started) / 1000);
      if (stats.number_of_executed_units) stats.runs = stats.number_of_executed_units;
      for (const f of readdirSync(findingsDir)) if (!before.has(f)) written.add(join(findingsDir, f));
      const findings = [...written];
      resolve({ ok: status === 0 && findings.length === 0, status, stats, findings, tail });
    });
  });
}

export function formatStats(s) {
  return (
    `${s.runs ?? '?'} runs in ${s.seconds} s (${s.execPerSec ?? '?'} exec/s), ` +
    `cov ${s.cov ?? '?'} edges, ft ${s.ft ?? '?'}, corpus ${s.corpus ?? '?'} inputs`
  );
}

/** Runs reproducers once each, printing the decoded call before it runs. */
function reproduce(files) {
  const r = spawnSync(fuzzBinary, [`-timeout=${kTimeoutSeconds}`, `-malloc_limit_mb=${kMallocLimitMb}`, ...files], {
    cwd: root,
    env: { ...fuzzEnv, TCONV_FUZZ_VERBOSE: '1' },
    stdio: 'inherit',
  });
  return r.status ?? 1;
}

/** Groups the reproducers in `dir` by their first report and its first place in tconv's code. */
function triage(dir) {
  const groups = new Map();
  const files = readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .map((f) => join(dir, f));
  for (const file of files) {
    const r = spawnSync(fuzzBinary, [`-timeout=${kTimeoutSeconds}`, `-malloc_limit_mb=${kMallocLimitMb}`, file], {
      cwd: root,
      env: { ...fuzzEnv, TCONV_FUZZ_VERBOSE: '1' },
      encoding: 'utf8',
    });
    const out = `${r.stdout}\n${r.stderr}`;
    const report =
      out.match(/FINDING: .*|runtime error: .*|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [^\n]*/)?.[0] ??
      (r.status === 0 ? 'no longer reproduces' : `exit ${r.status}`);
    // The first place in tconv's code (the report's own line for UBSan, else the top frame in it).
    const at =
      out
        .slice(out.lastIndexOf('\n', out.indexOf(report)) + 1)
        .match(/(cpp\/src|cpp\/include|tests\/fuzz)\/[^\s:]+:\d+/)?.[0] ?? '?';
    const key = `${report.replace(/(?<![a-z])\d+/gi, 'N')} @ ${at}`;
    const calls = out.match(/\[call\] .*/g) ?? [];
    const entry = groups.get(key) ?? { count: 0, file, size: Infinity, call: '' };
    entry.count += 1;
    const size = statSync(file).size;
    if (size < entry.size) Object.assign(entry, { file, size, call: calls.at(-1) ?? '' });
    groups.set(key, entry);
  }
  for (const [key, g] of [...groups].sort((a, b) => b[1].count - a[1].count)) {
    console.log(`${g.count}× ${key}\n   ${relative(root, g.file)}\n   ${g.call}`);
  }
  console.log(`${files.length} findings, ${groups.size} distinct`);
}

async function main() {
  const argv = process.argv.slice(2);
  let seconds = 300;
  let keepGoing = false;
  let triageDir = null;
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seconds') seconds = Number(argv[++i]);
    else if (argv[i] === '--keep-going') keepGoing = true;
    else if (argv[i] === '--triage') triageDir = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : findingsDir;
    else files.push(argv[i]);
  }
  if (!Number.isFinite(seconds) || seconds <= 0) {
    console.error('[tconv] --seconds needs a positive number');
    process.exit(2);
  }
  buildFuzzer();
  if (triageDir) return triage(triageDir);
  if (files.length > 0) process.exit(reproduce(files));

  const corpus = join(root, 'build/fuzz/corpus');
  console.log(
    `[tconv] fuzzing for ${seconds} s: corpus ${relative(root, corpus)} + seeds ${relative(root, seedCorpus)}`,
  );
  const result = await runFuzzer({ seconds, corpus, keepGoing });
  console.log(`\n[tconv] fuzz: ${formatStats(result.stats)}`);
  if (result.findings.length > 0) {
    console.log(`[tconv] ${result.findings.length} finding(s):`);
    for (const f of result.findings) console.log(`  ${relative(root, f)}`);
    console.log('[tconv] reproduce with: npm run fuzz -- <file>   (group many: npm run fuzz -- --triage)');
  }
  process.exit(result.ok ? 0 : 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
