// `npm run quality`: how well each of the trainer's models learns ×2 on real
// photographs (tests/fixtures/photos), against bilinear and bicubic
// interpolation of the same low-resolution input (issue 14, "Quality").
//
// For every photo and model it creates tconv.createUpsamplerTrainer with the
// defaults (hidden 16, the trainer's learning rate, patch and batch) and a
// fixed seed, trains 3,000 steps and evaluates after 0, 300 and 3,000. It
// prints a markdown table, checks the issue's claims on the measured numbers
// and, for the default run, writes the table to docs/quality.md. Exits with 1
// when a claim fails.
//
// Runs go to worker threads (one per core unless --jobs N); each run is seeded
// and single-threaded, so the numbers do not depend on how many run at once.
//
//   npm run quality                                  every photo × model, writes docs/quality.md
//   npm run quality -- --photos coffee --models resize-conv --learning-rate 3e-4 --steps 1000
//                                                    a subset or other options: printed, not written
// TCONV_QUALITY_NO_BUILD=1 skips the setup and build steps (use build/js as it is).

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const MODELS = ['transposed-k3', 'transposed-k2f', 'resize-conv', 'subpixel', 'subpixel-icnr'];
const FACTOR = 2;
const SEED = 1;
/** Steps after which each run is evaluated; the last is the run's length. */
const CHECKPOINTS = [0, 300, 3000];
/** How often a worker reports progress, in steps. */
const REPORT_EVERY = 50;

if (isMainThread) await main();
else await work(workerData);

/** A worker: one run at a time, as the main thread hands them out. */
async function work({ options }) {
  const { createTconv } = await import('../build/js/lib/node.js');
  const { readPhoto } = await import('../tests/fixtures/photos/photos.mjs');
  const tc = await createTconv();
  parentPort.on('message', ({ photo, model }) => {
    const started = performance.now();
    const trainer = tc.createUpsamplerTrainer({
      image: readPhoto(photo),
      factor: FACTOR,
      model,
      seed: SEED,
      ...options.trainer,
    });
    const at = {};
    let loss = NaN;
    try {
      for (let step = 0; ;) {
        if (options.checkpoints.includes(step)) {
          const { psnr, psnrBilinear, psnrBicubic, checkerboard } = trainer.evaluate();
          at[step] = { psnr, checkerboard };
          at.bilinear = psnrBilinear;
          at.bicubic = psnrBicubic;
        }
        if (step === options.steps) break;
        const n = Math.min(
          REPORT_EVERY,
          options.steps - step,
          ...options.checkpoints.filter((c) => c > step).map((c) => c - step),
        );
        ({ step, loss } = trainer.step(n));
        parentPort.postMessage({ progress: { photo, model, step, loss } });
      }
    } finally {
      trainer.dispose();
    }
    parentPort.postMessage({ done: { photo, model, at, seconds: (performance.now() - started) / 1000 } });
  });
  parentPort.postMessage({ ready: true });
}

async function main() {
  const { values } = parseArgs({
    options: {
      photos: { type: 'string' },
      models: { type: 'string' },
      steps: { type: 'string' },
      'learning-rate': { type: 'string' },
      hidden: { type: 'string' },
      jobs: { type: 'string' },
    },
  });
  const { build, root, setup } = await import('./toolchain.mjs');
  if (!process.env.TCONV_QUALITY_NO_BUILD) {
    setup(['wasm']);
    build(['wasm']);
  }
  const { photoNames, beats, BEAT_MARGIN_DB } = await import('../tests/fixtures/photos/photos.mjs');
  const list = (value, all, what) => {
    const names = value ? value.split(',') : all;
    for (const n of names) if (!all.includes(n)) throw new Error(`--${what}: unknown ${n}; one of ${all.join(', ')}`);
    return names;
  };
  const photos = list(values.photos, photoNames, 'photos');
  const models = list(values.models, MODELS, 'models');
  const steps = values.steps ? Number(values.steps) : CHECKPOINTS.at(-1);
  const checkpoints = [...new Set([...CHECKPOINTS.filter((c) => c < steps), steps])];
  const trainer = {};
  if (values['learning-rate']) trainer.learningRate = Number(values['learning-rate']);
  if (values.hidden) trainer.hidden = Number(values.hidden);
  const { jobs: _, ...changed } = values;
  const isDefault = Object.values(changed).every((v) => v === undefined);
  const jobs = Math.max(1, Math.min(Number(values.jobs ?? os.availableParallelism()), photos.length * models.length));

  const cpus = os.cpus();
  const machine =
    `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${os.platform()} ${os.arch()}, ` +
    `node ${process.version}, ${jobs} worker thread${jobs > 1 ? 's' : ''}, load average ${os.loadavg()[0].toFixed(2)} at start`;
  // The numbers depend on the core's arithmetic order, which kernel changes move by hundredths of a dB at 3,000 steps.
  const git = (...a) => spawnSync('git', a, { cwd: root, encoding: 'utf8' }).stdout?.trim() ?? '';
  const core = `${git('rev-parse', '--short', 'HEAD') || 'unknown commit'}${git('status', '--porcelain', '--', 'cpp', 'web/lib') ? ' (with uncommitted changes under cpp/ or web/lib/)' : ''}`;
  const command = isDefault ? 'npm run quality' : `npm run quality -- ${process.argv.slice(2).join(' ')}`;

  // Hand out runs to workers; progress on one status line (a log line per run when not a terminal).
  const queue = photos.flatMap((photo) => models.map((model) => ({ photo, model })));
  const total = queue.length;
  const results = new Map();
  const current = new Map();
  const started = performance.now();
  const cpuStart = process.cpuUsage(); // the whole process: every worker thread
  const tty = process.stderr.isTTY;
  const elapsed = () => (performance.now() - started) / 1000;
  const status = () => {
    if (!tty) return;
    const stepsDone = [...results.values()].length * steps + [...current.values()].reduce((s, p) => s + p.step, 0);
    const eta = stepsDone ? ((total * steps - stepsDone) * elapsed()) / stepsDone : NaN;
    const runs = [...current.values()].map((p) => `${p.photo}/${p.model} ${p.step} loss ${p.loss.toFixed(5)}`);
    process.stderr.write(
      `\r\x1b[K[${results.size}/${total}, ${clock(elapsed())}, ~${clock(eta)} left] ${runs.join(' · ')}`,
    );
  };
  await new Promise((resolve, reject) => {
    let running = 0;
    for (let j = 0; j < jobs; j++) {
      const worker = new Worker(new URL(import.meta.url), { workerData: { options: { trainer, steps, checkpoints } } });
      running++;
      const next = () => {
        const run = queue.shift();
        if (run) return worker.postMessage(run);
        worker.terminate();
        if (--running === 0) resolve();
      };
      worker.on('error', reject);
      worker.on('message', (m) => {
        if (m.ready) return next();
        if (m.progress) {
          current.set(worker, m.progress);
          return status();
        }
        current.delete(worker);
        const { photo, model, at, seconds } = m.done;
        results.set(`${photo}/${model}`, m.done);
        const line = `${photo}/${model}: ${checkpoints.map((c) => `${c}: ${at[c].psnr.toFixed(2)} dB`).join(', ')} (bilinear ${at.bilinear.toFixed(2)}, bicubic ${at.bicubic.toFixed(2)}), ${seconds.toFixed(0)} s`;
        process.stderr.write(`${tty ? '\r\x1b[K' : ''}[${results.size}/${total} ${clock(elapsed())}] ${line}\n`);
        next();
      });
    }
  });
  const seconds = elapsed();
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  const table = makeTable(photos, models, checkpoints, results, beats);
  const claims = checkClaims(photos, models, checkpoints, results, beats, BEAT_MARGIN_DB);
  const lines = [
    `Generated by \`${command}\` (scripts/quality.mjs) on ${new Date().toISOString().slice(0, 10)}; do not edit by hand.`,
    '',
    `Core: built from ${core}. Machine: ${machine}. Wall time: ${clock(seconds)} for ${total} runs of ${steps.toLocaleString('en')} steps, ` +
      `${jobs} at a time; CPU time ${clock(cpuSeconds)} (${((1000 * cpuSeconds) / (total * steps)).toFixed(1)} ms per ` +
      `step with its share of the evaluations); on an idle machine with a core per worker the wall time is about CPU time ÷ workers.`,
    '',
    `Each run: \`createUpsamplerTrainer({ image, factor: ${FACTOR}, model, seed: ${SEED}${optionText(trainer)} })\` ` +
      `on the photo (tests/fixtures/photos), everything else at the trainer's defaults, then \`step()\` and \`evaluate()\`. ` +
      `PSNR is in dB over RGB (0–255) of the whole image minus a ${2 * FACTOR}-pixel border; bilinear and bicubic are ` +
      `tconv's interpolate of the same low-resolution input. Checkerboard: max − min of the output for a flat grey ` +
      `input (0–255 units), at step 0 → at the end.`,
    '',
    ...table,
    '',
    ...claims.lines,
  ];
  // Formatted as `npm run format` would, so that formatting the repository leaves the file as generated.
  const prettier = await import('prettier');
  const markdown = await prettier.format(['# Learned ×2 on photographs', '', ...lines].join('\n'), {
    ...((await prettier.resolveConfig(join(root, 'docs/quality.md'))) ?? {}),
    parser: 'markdown',
  });
  console.log(markdown);
  if (isDefault) {
    const file = join(root, 'docs/quality.md');
    writeFileSync(file, markdown);
    console.error(`wrote ${file}`);
  }
  process.exitCode = claims.ok ? 0 : 1;
}

function optionText(trainer) {
  return Object.entries(trainer)
    .map(([k, v]) => `, ${k}: ${v}`)
    .join('');
}

function clock(seconds) {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function makeTable(photos, models, checkpoints, results, beats) {
  const head = [
    'photo',
    'bilinear',
    'bicubic',
    'model',
    ...checkpoints.map((c) => `step ${c.toLocaleString('en')}`),
    'checkerboard',
  ];
  const rows = [head, head.map((h, i) => (i === 0 || i === 3 ? '---' : '---:'))];
  for (const photo of photos) {
    models.forEach((model, i) => {
      const { at } = results.get(`${photo}/${model}`);
      const last = checkpoints.at(-1);
      rows.push([
        i === 0 ? photo : '',
        i === 0 ? at.bilinear.toFixed(2) : '',
        i === 0 ? at.bicubic.toFixed(2) : '',
        `\`${model}\``,
        ...checkpoints.map((c) => decorate(at[c].psnr, at, beats)),
        `${at[0].checkerboard.toFixed(2)} → ${at[last].checkerboard.toFixed(2)}`,
      ]);
    });
  }
  return rows.map((r) => `| ${r.join(' | ')} |`);
}

/** A PSNR, marked ⁺ when it beats bilinear and ⁺⁺ when it beats bicubic as well. */
function decorate(psnr, at, beats) {
  return `${psnr.toFixed(2)}${beats(psnr, at.bicubic) ? '⁺⁺' : beats(psnr, at.bilinear) ? '⁺' : ''}`;
}

/**
 * The issue's claims, on the measured numbers: transposed-k2f, resize-conv and
 * subpixel-icnr above bilinear by step 300; transposed-k2f above bicubic by step 3,000.
 */
function checkClaims(photos, models, checkpoints, results, beats, margin) {
  const claims = [
    { models: ['transposed-k2f', 'resize-conv', 'subpixel-icnr'], step: 300, against: 'bilinear' },
    { models: ['transposed-k2f'], step: 3000, against: 'bicubic' },
  ];
  const lines = [`⁺ beats bilinear, ⁺⁺ beats bicubic (by ${margin} dB or more).`, '', 'Claims (issue 14):', ''];
  let ok = true;
  for (const claim of claims) {
    const measured = claim.models.filter((m) => models.includes(m));
    if (!checkpoints.includes(claim.step) || measured.length === 0) continue;
    const misses = [];
    for (const photo of photos)
      for (const model of measured) {
        const { at } = results.get(`${photo}/${model}`);
        if (!beats(at[claim.step].psnr, at[claim.against]))
          misses.push(`${photo}/${model} ${at[claim.step].psnr.toFixed(2)} vs ${at[claim.against].toFixed(2)}`);
      }
    ok &&= misses.length === 0;
    lines.push(
      `- ${misses.length ? '✗' : '✓'} ${measured.join(', ')} beat ${claim.against} by step ${claim.step.toLocaleString('en')} ` +
        `on ${photos.length === 1 ? 'the photo' : `all ${photos.length} photos`}${misses.length ? `: not ${misses.join('; ')}` : ''}`,
    );
  }
  return { ok, lines };
}
