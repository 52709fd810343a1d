// Setting up and building, shared by `npm start`, `npm test`, `npm run build`
// and `npm run bench`. Only Node built-ins are used: this runs before
// node_modules exists. Every step is skipped when already done, so a second
// run costs a few seconds.

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const log = (message) => console.log(`\x1b[36m[tconv]\x1b[0m ${message}`);

/** Runs a command in the project root, streaming its output; exits on failure. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0 && !options.allowFailure) {
    console.error(`\n[tconv] failed: ${command} ${args.join(' ')} (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
  return result.status;
}

function osRelease() {
  try {
    const fields = {};
    for (const line of readFileSync('/etc/os-release', 'utf8').split('\n')) {
      const m = line.match(/^([A-Z_]+)=(.*)$/);
      if (m) fields[m[1]] = m[2].replace(/^"|"$/g, '');
    }
    return fields;
  } catch {
    return {};
  }
}

// What each part of the project needs from the system's package manager.
const PACKAGES = {
  wasm: ['emscripten', 'xtensor-dev', 'xtl-dev', 'libxsimd-dev', 'cmake', 'ninja-build'],
  native: ['g++', 'cmake', 'ninja-build', 'xtensor-dev', 'xtl-dev', 'libxsimd-dev', 'libgtest-dev', 'libgmock-dev'],
  browser: ['chromium'],
  // The libFuzzer target (npm run fuzz): clang 14 and its fuzzer runtime.
  fuzz: ['clang', 'libclang-rt-14-dev', 'cmake', 'ninja-build', 'xtensor-dev', 'xtl-dev', 'libxsimd-dev'],
};

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** The Chromium binary the browser tests drive (CHROMIUM_PATH overrides). */
export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p) => p && existsSync(p));
}

function ensureSystemPackages(parts) {
  const os = osRelease();
  const debianLike = [os.ID, ...(os.ID_LIKE ?? '').split(' ')].some((id) => id === 'debian' || id === 'ubuntu');
  const wanted = [...new Set(parts.flatMap((part) => PACKAGES[part]))];
  if (os.ID === 'ubuntu') {
    // Ubuntu ships Chromium as a snap; its apt name is chromium-browser.
    const i = wanted.indexOf('chromium');
    if (i >= 0) wanted[i] = 'chromium-browser';
  }
  if (!debianLike) {
    const missingTools = ['em++', 'cmake', 'ninja', 'g++'].filter((t) => spawnSync('which', [t]).status !== 0);
    if (missingTools.length === 0 && (!parts.includes('browser') || chromiumPath())) return;
    console.error(
      `[tconv] This system (${os.PRETTY_NAME ?? process.platform}) is not Debian or Ubuntu, so tconv cannot install its tools itself.\n` +
        `Install: Emscripten 3.1.x (em++ on PATH), CMake >= 3.21, Ninja, a C++17 compiler, xtensor 0.24 + xtl + xsimd headers in /usr/include,\n` +
        `GoogleTest (CMake package GTest), Chromium (set CHROMIUM_PATH) and, for npm run fuzz, clang with libFuzzer. On Debian 12 this is:\n` +
        `  sudo apt-get install ${PACKAGES.wasm
          .concat(PACKAGES.native, PACKAGES.browser, PACKAGES.fuzz)
          .filter((v, i, a) => a.indexOf(v) === i)
          .join(' ')}\n` +
        `Missing now: ${missingTools.join(', ') || 'Chromium'}`,
    );
    process.exit(1);
  }
  const missing = wanted.filter((pkg) => !installed(pkg));
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot && spawnSync('which', ['sudo']).status !== 0) {
    console.error(
      `[tconv] Missing system packages and no sudo. As root, run:\n  apt-get update && apt-get install -y ${missing.join(' ')}`,
    );
    process.exit(1);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const asRoot = (args) => (isRoot ? run(args[0], args.slice(1), { env }) : run('sudo', ['-E', ...args], { env }));
  log(`installing system packages: ${missing.join(' ')}`);
  asRoot(['apt-get', 'update', '-qq']);
  asRoot(['apt-get', 'install', '-y', '-qq', ...missing]);
}

function ensureNodeModules() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing npm packages (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

/** Installs what is missing for the given parts: 'wasm', 'native', 'browser', 'fuzz'. */
export function setup(parts) {
  ensureSystemPackages(parts);
  ensureNodeModules();
}

/** Where an Emscripten installation's CMake toolchain file sits, below its root. */
const EMSCRIPTEN_TOOLCHAIN = 'cmake/Modules/Platform/Emscripten.cmake';

/**
 * The Emscripten root to build with: emsdk's when EMSDK is set (emsdk_env.sh
 * sets it), else whatever `em-config` on PATH reports, else Debian's package.
 */
export function emscriptenRoot() {
  const candidates = [];
  if (process.env.EMSDK) candidates.push(join(process.env.EMSDK, 'upstream/emscripten'));
  const emConfig = spawnSync('em-config', ['EMSCRIPTEN_ROOT'], { encoding: 'utf8' });
  if (emConfig.status === 0 && emConfig.stdout.trim()) candidates.push(emConfig.stdout.trim());
  candidates.push('/usr/share/emscripten');
  const found = candidates.find((dir) => existsSync(join(dir, EMSCRIPTEN_TOOLCHAIN)));
  if (!found) {
    console.error(
      `[tconv] No Emscripten toolchain found (looked for ${EMSCRIPTEN_TOOLCHAIN} in ${candidates.join(', ')}).\n` +
        `Install Debian's emscripten package, or activate emsdk (source emsdk_env.sh, which sets EMSDK).`,
    );
    process.exit(1);
  }
  return found;
}

/**
 * What the wasm preset's configure step needs besides the preset: the
 * toolchain file, and, when Emscripten's own JS tools cannot find acorn
 * (Debian packages it apart, in /usr/share/nodejs, where Node does not look),
 * a NODE_PATH for the link step, which runs those tools.
 */
function emscriptenArgs() {
  const emRoot = emscriptenRoot();
  const args = [`-DCMAKE_TOOLCHAIN_FILE=${join(emRoot, EMSCRIPTEN_TOOLCHAIN)}`];
  const acorn = spawnSync(process.execPath, ['-e', "require.resolve('acorn')"], { cwd: join(emRoot, 'tools') });
  const debianNodeModules = '/usr/share/nodejs';
  if (acorn.status !== 0 && existsSync(join(debianNodeModules, 'acorn'))) {
    args.push(`-DCMAKE_CXX_LINKER_LAUNCHER=env;NODE_PATH=${debianNodeModules}`);
  }
  return args;
}

function cmakeBuild(preset, options) {
  // build.ninja is written only by a configure step that succeeded.
  if (!existsSync(join(root, 'build', preset, 'build.ninja'))) {
    run('cmake', ['--preset', preset, ...(preset === 'wasm' ? emscriptenArgs() : [])], options);
  }
  run('cmake', ['--build', '--preset', preset], options);
}

function copyIfChanged(from, to) {
  if (existsSync(to)) {
    const a = statSync(from),
      b = statSync(to);
    if (a.size === b.size && a.mtimeMs <= b.mtimeMs) return;
  }
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

/**
 * Builds the given targets: 'native', 'asan', 'wasm' (+ the JS package in build/js), 'fuzz'.
 * `options.stdio` sends the tools' output elsewhere (npm test's native side, beside Vitest);
 * `options.say` prints the step lines.
 */
export function build(targets, { stdio, say = log } = {}) {
  const options = stdio ? { stdio } : {};
  for (const target of targets) {
    say(`building ${target}`);
    cmakeBuild(target, options);
    if (target === 'wasm') {
      // The library's layer (web/lib/tsconfig.json) is also the package's emit config.
      run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'web/lib/tsconfig.json'], options);
      for (const file of ['core.mjs', 'core.wasm', 'core.d.mts']) {
        copyIfChanged(join(root, 'web/wasm', file), join(root, 'build/js/wasm', file));
      }
    }
  }
}
