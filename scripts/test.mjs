// `npm test`: set up, build, then run every suite: native GoogleTest (plain and
// under ASan + UBSan) through ctest, and Vitest (Node + real Chromium). Ends
// with one summary line "tconv tests: N passed, M failed".

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { build, chromiumPath, root, setup } from './toolchain.mjs';

setup(['wasm', 'native', 'browser']);
build(['native', 'asan', 'wasm']);

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

console.log(`\ntconv tests: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 ? 0 : 1);
