// Same options and seed ⇒ bit-identical losses in Node and in Chromium: the
// trainer (cpp/bindings/trainer.cpp) runs N steps of each model in this
// process and in a Chromium page on the same core.wasm, and every loss, PSNR
// and checkerboard must be the same double, bit for bit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import createCore from '../../web/wasm/core.mjs';
import { consoleChecks, launchChromium, root } from './support.js';

const STEPS = 15;
const MODELS = ['transposed-k3', 'transposed-k2f', 'resize-conv', 'subpixel', 'subpixel-icnr'];

interface Run {
  losses: number[];
  psnr: number;
  checkerboard: number;
}

interface RawTrainer {
  step(count: number): { step: number; loss: number };
  evaluate(): { psnr: number; checkerboard: number };
  delete(): void;
}

interface TrainerModule {
  createUpsamplerTrainer(
    data: Uint8ClampedArray,
    width: number,
    height: number,
    options: object,
  ): { trainer: RawTrainer } | { error: string };
}

/**
 * Trains every model from a picture made here with integer arithmetic. It is
 * sent to the page as source text, so it uses nothing outside itself.
 */
function trainAll(core: TrainerModule, models: string[], steps: number): Run[] {
  const width = 70;
  const height = 61;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    const y = (i - x) / width;
    data[4 * i] = (x * 7 + y * 3) % 256;
    data[4 * i + 1] = (x * x + y * 5) % 256;
    data[4 * i + 2] = (x * y) % 256;
    data[4 * i + 3] = 255;
  }
  return models.map((model) => {
    const made = core.createUpsamplerTrainer(data, width, height, {
      model,
      factor: 2,
      hidden: 6,
      patch: 16,
      batch: 3,
      seed: 11,
      learningRate: 0.01,
    });
    if ('error' in made) throw new Error(made.error);
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) losses.push(made.trainer.step(1).loss);
    const e = made.trainer.evaluate();
    made.trainer.delete();
    return { losses, psnr: e.psnr, checkerboard: e.checkerboard };
  });
}

/** Each double as its 16 hex digits: equal strings are equal bits. */
const bits = (runs: Run[]) =>
  runs.map((r) =>
    [...r.losses, r.psnr, r.checkerboard].map((v) => {
      const view = new DataView(new ArrayBuffer(8));
      view.setFloat64(0, v);
      return view.getBigUint64(0).toString(16).padStart(16, '0');
    }),
  );

const checks = consoleChecks();
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('trainer determinism across engines', () => {
  it(`${STEPS} steps of each model give bit-identical losses in Node and Chromium`, async () => {
    const wasm = readFileSync(join(root, 'web/wasm/core.wasm'));
    const glue = readFileSync(join(root, 'web/wasm/core.mjs'));
    const core = (await createCore({ wasmBinary: wasm })) as unknown as TrainerModule;
    const inNode = trainAll(core, MODELS, STEPS);

    // The page and the core's two files, served by Playwright itself from these bytes.
    const page = await browser.newPage();
    checks.watch(page);
    const origin = 'http://tconv.test/';
    await page.route(`${origin}**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/core.mjs') return route.fulfill({ body: glue, contentType: 'text/javascript' });
      if (path === '/core.wasm') return route.fulfill({ body: wasm, contentType: 'application/wasm' });
      return route.fulfill({ body: '<!doctype html><title>trainer</title>', contentType: 'text/html' });
    });
    await page.goto(`${origin}index.html`);
    // A string, not a function: Vitest would rewrite a function's import() for Node.
    const inChromium = (await page.evaluate(`(async () => {
      const { default: create } = await import('/core.mjs');
      const train = ${trainAll.toString()};
      return train(await create(), ${JSON.stringify(MODELS)}, ${STEPS});
    })()`)) as Run[];
    await page.close();

    expect(inChromium.length).toBe(MODELS.length);
    expect(bits(inChromium)).toEqual(bits(inNode));
    // A real comparison: the losses change from step to step and between models.
    for (const run of inNode) expect(new Set(run.losses).size).toBe(STEPS);
    expect(new Set(inNode.map((r) => r.losses[0])).size).toBe(MODELS.length);
  });
});
