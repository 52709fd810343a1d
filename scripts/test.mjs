// `npm test`: set up, build, then run every suite: native GoogleTest (plain and
// under ASan + UBSan) through ctest and a type check of every TypeScript layer
// (`tsc -b`, counted as one test), beside a minute of libFuzzer on the core
// (one test too), then Vitest (Node + real Chromium). Ends with one summary
// line "tconv tests: N passed, M failed".
//
// `npm run test:native|test:node|test:browser` (node scripts/test.mjs <suite>)
// sets up, builds and runs one suite the same way; arguments after `--` go to
// ctest (native) or Vitest (node, browser): `npm run test:browser -- tests/browser/grid.test.ts`.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { formatStats, runFuzzer } from './fuzz.mjs';
import { build, chromiumPath, root, setup } from './toolchain.mjs';

// Long enough to replay the seed corpus and explore past it, short enough for every run.
const FUZZ_SECONDS = 60;
// The native side's nice value beside Vitest: low enough that a browser suite
// waking up gets a core at once, yet the builds still take every idle cycle.
const NATIVE_SIDE_NICE = 10;

const totals = { passed: 0, failed: 0 };

// Where the native side's own lines go: the terminal, or (beside Vitest) a
// list printed after Vitest's output, so that the two do not interleave.
let say = (message) => console.log(message);
// The native side's tools write here: the terminal, or a log file.
let nativeStdio = 'inherit';

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
  say(`\n[tconv] ctest --preset ${preset}`);
  const report = join(root, 'build', preset, 'ctest-junit.xml');
  rmSync(report, { force: true });
  const status = await runChild('ctest', ['--preset', preset, '--output-junit', report, ...args], {
    stdio: nativeStdio,
  });
  const cases = existsSync(report) ? junitTestCases(readFileSync(report, 'utf8')) : [];
  const passed = cases.filter((c) => c.status === 'run').length;
  const failed = cases.filter((c) => c.status !== 'run' && c.status !== 'disabled').length;
  if (cases.length === 0 || (status !== 0 && failed === 0)) {
    say(`[tconv] ctest --preset ${preset} ran no test or failed outside its tests (exit ${status})`);
    totals.failed += 1;
  }
  totals.passed += passed;
  totals.failed += failed;
  say(`[tconv] ctest --preset ${preset}: ${passed} passed, ${failed} failed`);
}

/**
 * Vitest on the given projects (all when none), counted from its JSON report.
 * Runs in the background (the event loop keeps running); if this process
 * exits first (a failed build beside it), it takes Vitest with it.
 */
async function vitest(projects, args) {
  const report = join(root, 'build', 'vitest-report.json');
  mkdirSync(join(root, 'build'), { recursive: true });
  rmSync(report, { force: true });
  const selection = projects.flatMap((p) => ['--project', p]);
  console.log(`\n[tconv] vitest run ${selection.join(' ')}`);
  const env = { ...process.env, CHROMIUM_PATH: chromiumPath() ?? '' };
  const child = spawn(
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
  const stop = () => child.kill();
  process.on('exit', stop);
  const status = await new Promise((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', resolve);
  });
  process.off('exit', stop);
  let failed = 0;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += json.numPassedTests;
    failed = json.numFailedTests;
  }
  // A suite that failed to load, or a missing report, fails the run too.
  totals.failed += status !== 0 && failed === 0 ? 1 : failed;
}

/**
 * `tsc -b`: every TypeScript layer (the references of tsconfig.json), each
 * with only its own globals, so DOM code in a DOM-free layer fails here.
 * Counted as one test; the suites still run after a failure.
 */
async function typecheck() {
  say('\n[tconv] tsc -b (every TypeScript layer)');
  const status = await runChild(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b'], {
    stdio: nativeStdio,
  });
  if (status === 0) {
    totals.passed += 1;
  } else {
    totals.failed += 1;
    say(`[tconv] type check FAILED (exit ${status}); run npx tsc -b`);
  }
}

/** The fuzz target, on one core: the committed seeds are read, never written; new inputs go to a scratch folder. */
async function fuzz() {
  say(`\n[tconv] libFuzzer for ${FUZZ_SECONDS} s (tests/fuzz)`);
  const scratch = mkdtempSync(join(tmpdir(), 'tconv-fuzz-'));
  const result = await runFuzzer({ seconds: FUZZ_SECONDS, corpus: scratch, quiet: true });
  rmSync(scratch, { recursive: true, force: true });
  if (result.ok) {
    totals.passed += 1;
    say(`[tconv] fuzz passed: ${formatStats(result.stats)}`);
    return;
  }
  totals.failed += 1;
  say(result.tail.join('\n'));
  say(`[tconv] fuzz FAILED after ${formatStats(result.stats)}`);
  for (const f of result.findings)
    say(`[tconv] reproducer: ${relative(root, f)}  (npm run fuzz -- ${relative(root, f)})`);
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
      await vitest(['node'], args);
    },
  },
  // The browser suites' global setup builds the site from the wasm build.
  browser: { parts: ['wasm', 'browser'], targets: ['wasm'], run: (args) => vitest(['browser'], args) },
};

const [suite, ...args] = process.argv.slice(2);
if (suite === undefined) {
  setup(['wasm', 'native', 'browser', 'fuzz']);
  build(['wasm']);
  // Vitest starts as soon as the core is built, and the native side (its
  // builds, ctest, the type check and the fuzzer's minute) runs beside it:
  // the browser suites wait more than they compute (where a page fault costs
  // ~11 µs, a new page with its renderer takes ~0.5 s), and run alone they
  // left a core idle for most of ten minutes. The native side's tools write
  // to build/native-suites.log, and its own lines come after Vitest's output.
  const js = vitest([], []); // both projects in one run: they share the machine's cores
  // Every child started from here on inherits the lower priority.
  setPriority(NATIVE_SIDE_NICE);
  const deferred = [];
  say = (message) => deferred.push(message);
  const logPath = join(root, 'build', 'native-suites.log');
  const logFd = openSync(logPath, 'w');
  nativeStdio = ['ignore', logFd, logFd];
  const logTail = () => readFileSync(logPath, 'utf8').split('\n').slice(-80).join('\n');
  // A failed build exits at once (toolchain.mjs run): show why.
  const onFailedBuild = (code) => code !== 0 && console.log(`${deferred.join('\n')}\n${logTail()}`);
  process.on('exit', onFailedBuild);
  const failedBefore = totals.failed;
  build(['native', 'asan', 'fuzz'], { stdio: nativeStdio, say: (m) => say(`[tconv] ${m}`) });
  process.off('exit', onFailedBuild);
  // The fuzzer's minute takes one core while the native suites and the type
  // check, one process at a time, take another.
  const fuzzing = fuzz();
  await SUITES.native.run([]);
  await typecheck();
  await fuzzing;
  closeSync(logFd);
  const nativeFailed = totals.failed > failedBefore;
  await js;
  console.log(`\n[tconv] native side (the tools' output: ${relative(root, logPath)})`);
  for (const message of deferred) console.log(message);
  if (nativeFailed) console.log(logTail());
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
