// The PyTorch code that reproduces the figure: its parameters and values, the
// backward pass of chapter 9 and the training loop of chapter 10. Where
// Debian's python3-torch is installed (/usr/bin/python3, as for the
// fixtures), the code is run and what it prints is compared with the page.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG, type ExplainerConfig } from '../../../web/lib/explainer/config.js';
import type { LearnSettings } from '../../../web/lib/explainer/model-types.js';
import { buildModel } from '../../../web/lib/explainer/model.js';
import { pytorchSnippet } from '../../../web/lib/explainer/snippet.js';
import { presetValues } from '../../../web/lib/explainer/values.js';
import { tconv } from '../helpers.js';
import { convOptions, model } from './support.js';

const PYTHON = '/usr/bin/python3';
const hasTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

async function withLearning(config: ExplainerConfig, gradSource: 'y' | 'ones', learn: LearnSettings) {
  const tc = await tconv();
  const output = tc.conv2dOutputSize(config.input, config.kernel, convOptions(config));
  const built = buildModel(tc, config, presetValues('seed', { input: config.input, kernel: config.kernel, output }), {
    gradSource,
    learn,
  });
  if (!built.ok) throw new Error(built.error);
  return built.model;
}

describe('the PyTorch snippet', () => {
  it('writes PyTorch code with the current parameters and values', async () => {
    const m = await model({ ...DEFAULT_CONFIG, stride: [2, 1], padding: [1, 1], outputPadding: [1, 0] });
    const code = pytorchSnippet(m);
    expect(code).toContain('out = F.conv2d(x, k, stride=(2, 1), padding=1, dilation=1)');
    expect(code).toContain('F.conv_transpose2d(y, k, stride=(2, 1), padding=1, output_padding=(1, 0), dilation=1)');
    expect(code).toContain('torch.nn.ConvTranspose2d(1, 1, kernel_size=3,');
    expect(code).toContain('x = torch.tensor([[4., 5., 8., 7.],');
  });

  it('runs conv2d’s backward pass and chapter 10’s training: loss.backward() and optimizer.step()', async () => {
    const m = await withLearning(DEFAULT_CONFIG, 'ones', { seed: 7, target: 'bilinear', lr: 0.05 });
    const code = pytorchSnippet(m);
    expect(code).toContain('g = torch.ones_like(out)');
    expect(code).toContain('(F.conv2d(xg, kg, stride=1, padding=0, dilation=1) * g).sum().backward()');
    expect(code).toContain('target = F.interpolate(y, size=(4, 4), mode="bilinear", align_corners=False)');
    expect(code).toContain('optimizer = torch.optim.SGD([w], lr=0.05)');
    expect(code).toContain('for step in range(100):');
    expect(code).toMatch(/ {4}loss\.backward\(\)\n {4}optimizer\.step\(\)/);
    expect(code).toContain('# seed 7');
  });

  const cases: [string, ExplainerConfig, 'y' | 'ones', LearnSettings][] = [
    ['the seed', DEFAULT_CONFIG, 'y', { seed: 1, target: 'kernel', lr: null }],
    [
      'k4 s2 p1, g = 1, bilinear',
      { ...DEFAULT_CONFIG, kernel: [4, 4], stride: [2, 2], padding: [1, 1] },
      'ones',
      { seed: 3, target: 'bilinear', lr: null },
    ],
    [
      'stride 2 with output_padding 1 and an unread row',
      { ...DEFAULT_CONFIG, input: [6, 6], stride: [2, 2], outputPadding: [1, 1] },
      'y',
      { seed: 2, target: 'kernel', lr: 0.01 },
    ],
  ];
  for (const [name, config, gradSource, learn] of cases) {
    it.skipIf(!hasTorch)(`prints the page’s gradients and final loss when PyTorch runs it (${name})`, async () => {
      const m = await withLearning(config, gradSource, learn);
      const code =
        pytorchSnippet(m) +
        '\nimport json\nprint("JSON", json.dumps({"gx": xg.grad.flatten().tolist(), "gk": kg.grad.flatten().tolist(), ' +
        '"w": w.detach().flatten().tolist(), "loss": F.mse_loss(F.conv_transpose2d(y, w.detach(), ' +
        /F\.conv_transpose2d\(y, w, (.*?)\), target\)\.item\(\)/.exec(pytorchSnippet(m))![1] +
        '), target).item()}))\n';
      const run = spawnSync(PYTHON, ['-'], { input: code, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const lines = run.stdout.trim().split('\n');
      if (m.gradient.outputPadding) expect(lines).toContain('True'); // conv2d's input gradient is conv_transpose2d
      const torch = JSON.parse(lines.find((l) => l.startsWith('JSON '))!.slice(5));
      expect(torch.gx).toEqual(Array.from(m.gradient.gradInput.values));
      expect(torch.gk).toEqual(Array.from(m.gradient.gradWeight.values));
      const L = m.learning;
      const last = L.snapshots.at(-1)!;
      torch.w.forEach((v: number, t: number) =>
        expect(Math.abs(v - last.weights.values[t])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(v))),
      );
      expect(Math.abs(torch.loss - last.loss)).toBeLessThanOrEqual(1e-4 * Math.max(last.loss, 1e-3));
    });
  }
});
