// `npm test`: set up, build, then run every suite: native GoogleTest (plain and
// under ASan + UBSan) through ctest, Vitest (Node + real Chromium), and a
// minute of libFuzzer on the core (counted as one test). Ends with one
// summary line "tconv tests: N passed, M failed".

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { formatStats, runFuzzer } from './fuzz.mjs';
import { build, chromiumPath, root, setup } from './toolchain.mjs';

// Long enough to replay the seed corpus and explore past it, short enough for every run.
const FUZZ_SECONDS = 60;

setup(['wasm', 'native', 'browser', 'fuzz']);
build(['native', 'asan', 'wasm', 'fuzz']);

const totals = { passed: 0, failed: 0 };

function ctest(preset) {
  console.log(`\n[tconv] ctest --preset ${preset}`);
  const r = spawnSync('ctest', ['--preset', preset], { cwd: root, encoding: 'utf8' });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  const m = r.stdout.match(/(\d+) tests? failed out of (\d+)/);
  if (!m) {
    totals.failed += 1;
    return;
  }
  totals.failed += Number(m[1]);
  totals.passed += Number(m[2]) - Number(m[1]);
}

ctest('native');
ctest('asan');

const report = join(root, 'build', 'vitest-report.json');
rmSync(report, { force: true });
console.log('\n[tconv] vitest run');
const env = { ...process.env, CHROMIUM_PATH: chromiumPath() ?? '' };
const vitest = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ],
  { cwd: root, stdio: 'inherit', env },
);
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  totals.passed += json.numPassedTests;
  totals.failed += json.numFailedTests;
}
// A suite that failed to load, or a missing report, fails the run too.
if (vitest.status !== 0 && totals.failed === 0) totals.failed = 1;

// The fuzz target, on one core: the committed seeds are read, never written;
// new inputs go to a scratch folder that is removed afterwards.
console.log(`\n[tconv] libFuzzer for ${FUZZ_SECONDS} s (tests/fuzz)`);
const scratch = mkdtempSync(join(tmpdir(), 'tconv-fuzz-'));
const fuzz = await runFuzzer({ seconds: FUZZ_SECONDS, corpus: scratch, quiet: true });
rmSync(scratch, { recursive: true, force: true });
if (fuzz.ok) {
  totals.passed += 1;
  console.log(`[tconv] fuzz passed: ${formatStats(fuzz.stats)}`);
} else {
  totals.failed += 1;
  console.log(fuzz.tail.join('\n'));
  console.log(`[tconv] fuzz FAILED after ${formatStats(fuzz.stats)}`);
  for (const f of fuzz.findings)
    console.log(`[tconv] reproducer: ${relative(root, f)}  (npm run fuzz -- ${relative(root, f)})`);
}

console.log(`\ntconv tests: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 ? 0 : 1);
