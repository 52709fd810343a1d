// `npm test`: set up, build, then run every suite: native GoogleTest (plain and
// under ASan + UBSan) through ctest and a type check of every TypeScript layer
// (`tsc -b`, counted as one test), beside a minute of libFuzzer on the core
// (one test too), then Vitest (Node + real Chromium). Ends with one summary
// line "tconv tests: N passed, M failed".
//
// `npm run test:native|test:node|test:browser` (node scripts/test.mjs <suite>)
// sets up, builds and runs one suite the same way; arguments after `--` go to
// ctest (native) or Vitest (node, browser): `npm run test:browser -- tests/browser/grid.test.ts`.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { formatStats, runFuzzer } from './fuzz.mjs';
import { build, chromiumPath, root, setup } from './toolchain.mjs';

// Long enough to replay the seed corpus and explore past it, short enough for every run.
const FUZZ_SECONDS = 60;

const totals = { passed: 0, failed: 0 };

/** A child process with the terminal as its output, as a promise of its exit status (the event loop keeps running). */
function runChild(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', ...options });
    child.on('error', () => resolve(null));
    child.on('close', (status) => resolve(status));
  });
}

/** The <testcase> elements of ctest's JUnit report, as attribute maps. */
function junitTestCases(xml) {
  return [...xml.matchAll(/<testcase\b([^>]*)>/g)].map(([, attributes]) =>
    Object.fromEntries([...attributes.matchAll(/([\w:-]+)="([^"]*)"/g)].map(([, name, value]) => [name, value])),
  );
}

/**
 * One ctest preset, counted from its JUnit report: a test passes when ctest
 * ran it and it passed (status "run"); failed and not-run tests fail; tests
 * disabled in CMake count as neither. No report, no test, or a ctest failure
 * the report does not show, counts as one failure.
 */
async function ctest(preset, args) {
  console.log(`\n[tconv] ctest --preset ${preset}`);
  const report = join(root, 'build', preset, 'ctest-junit.xml');
  rmSync(report, { force: true });
  const status = await runChild('ctest', ['--preset', preset, '--output-junit', report, ...args]);
  const cases = existsSync(report) ? junitTestCases(readFileSync(report, 'utf8')) : [];
  const passed = cases.filter((c) => c.status === 'run').length;
  const failed = cases.filter((c) => c.status !== 'run' && c.status !== 'disabled').length;
  if (cases.length === 0 || (status !== 0 && failed === 0)) {
    console.log(`[tconv] ctest --preset ${preset} ran no test or failed outside its tests (exit ${status})`);
    totals.failed += 1;
  }
  totals.passed += passed;
  totals.failed += failed;
}

/** Vitest on the given projects (all when none), counted from its JSON report. */
function vitest(projects, args) {
  const report = join(root, 'build', 'vitest-report.json');
  mkdirSync(join(root, 'build'), { recursive: true });
  rmSync(report, { force: true });
  const selection = projects.flatMap((p) => ['--project', p]);
  console.log(`\n[tconv] vitest run ${selection.join(' ')}`);
  const env = { ...process.env, CHROMIUM_PATH: chromiumPath() ?? '' };
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/vitest/vitest.mjs'),
      'run',
      ...selection,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...args,
    ],
    { cwd: root, stdio: 'inherit', env },
  );
  let failed = 0;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += json.numPassedTests;
    failed = json.numFailedTests;
  }
  // A suite that failed to load, or a missing report, fails the run too.
  totals.failed += r.status !== 0 && failed === 0 ? 1 : failed;
}

/**
 * `tsc -b`: every TypeScript layer (the references of tsconfig.json), each
 * with only its own globals, so DOM code in a DOM-free layer fails here.
 * Counted as one test; the suites still run after a failure.
 */
async function typecheck() {
  console.log('\n[tconv] tsc -b (every TypeScript layer)');
  const status = await runChild(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b']);
  if (status === 0) {
    totals.passed += 1;
  } else {
    totals.failed += 1;
    console.log(`[tconv] type check FAILED (exit ${status}); run npx tsc -b`);
  }
}

/** The fuzz target, on one core: the committed seeds are read, never written; new inputs go to a scratch folder. */
async function fuzz() {
  console.log(`\n[tconv] libFuzzer for ${FUZZ_SECONDS} s (tests/fuzz)`);
  const scratch = mkdtempSync(join(tmpdir(), 'tconv-fuzz-'));
  const result = await runFuzzer({ seconds: FUZZ_SECONDS, corpus: scratch, quiet: true });
  rmSync(scratch, { recursive: true, force: true });
  if (result.ok) {
    totals.passed += 1;
    console.log(`[tconv] fuzz passed: ${formatStats(result.stats)}`);
    return;
  }
  totals.failed += 1;
  console.log(result.tail.join('\n'));
  console.log(`[tconv] fuzz FAILED after ${formatStats(result.stats)}`);
  for (const f of result.findings)
    console.log(`[tconv] reproducer: ${relative(root, f)}  (npm run fuzz -- ${relative(root, f)})`);
}

/** Each suite: the system packages it needs (toolchain.mjs setup), what it builds, and how it runs. */
const SUITES = {
  native: {
    parts: ['native'],
    targets: ['native', 'asan'],
    run: async (args) => {
      await ctest('native', args);
      await ctest('asan', args);
    },
  },
  node: {
    parts: ['wasm'],
    targets: ['wasm'],
    run: async (args) => {
      await typecheck();
      vitest(['node'], args);
    },
  },
  // The browser suites' global setup builds the site from the wasm build.
  browser: { parts: ['wasm', 'browser'], targets: ['wasm'], run: (args) => vitest(['browser'], args) },
};

const [suite, ...args] = process.argv.slice(2);
if (suite === undefined) {
  setup(['wasm', 'native', 'browser', 'fuzz']);
  build(['native', 'asan', 'wasm', 'fuzz']);
  // The fuzzer's minute takes one core while the native suites and the type
  // check, one process at a time, take the other: ~50 s less than one after
  // the other, on a run that comes close to its 15-minute budget in a slow spell.
  const fuzzing = fuzz();
  await SUITES.native.run([]);
  await typecheck();
  await fuzzing;
  vitest([], []); // both projects in one run: they share the machine's cores
} else if (suite in SUITES) {
  const { parts, targets, run } = SUITES[suite];
  setup(parts);
  build(targets);
  await run(args);
} else {
  console.error(`[tconv] unknown suite '${suite}': native, node or browser (or none, for every suite)`);
  process.exit(1);
}

console.log(`\ntconv tests: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 ? 0 : 1);
