// PyTorch code that reproduces the explainer's current figure: the
// convolution and the transposed convolution (chapters 1–8), conv2d's
// backward pass (chapter 9) and the training of Cᵀ's weights (chapter 10),
// runnable as it is. The numbers it prints are the page's.

import type { Dims } from './config.js';
import type { ExplainerModel, Grid } from './model-types.js';

const arg = ([h, w]: Dims) => (h === w ? String(h) : `(${h}, ${w})`);

function pyNumber(v: number): string {
  return Number.isInteger(v) ? `${v}.` : String(Math.round(v * 1e6) / 1e6);
}

function pyTensor(g: Grid): string {
  const rows: string[] = [];
  for (let r = 0; r < g.rows; r++) {
    rows.push(`[${Array.from(g.values.subarray(r * g.cols, (r + 1) * g.cols), pyNumber).join(', ')}]`);
  }
  return `torch.tensor([${rows.join(',\n                  ')}]).reshape(1, 1, ${g.rows}, ${g.cols})`;
}

/** A float as Python reads it back exactly (the learning rate). */
const pyFloat = (v: number) => (Number.isInteger(v) ? `${v}.` : String(v));

function gradientPart(m: ExplainerModel, conv: string): string[] {
  const G = m.gradient;
  const op = G.outputPadding ?? [0, 0];
  const back = `stride=${arg(m.config.stride)}, padding=${arg(m.config.padding)}, output_padding=${arg(op)}, dilation=${arg(m.config.dilation)}`;
  return [
    '',
    '# Chapter 9: conv2d’s backward pass is a transposed convolution.',
    'xg = x.clone().requires_grad_()',
    'kg = k.clone().requires_grad_()',
    G.source === 'y'
      ? 'g = y  # the gradient on conv2d’s output: L = (g * out).sum()'
      : 'g = torch.ones_like(out)  # L = out.sum()',
    `(F.conv2d(xg, kg, ${conv}) * g).sum().backward()`,
    `print(xg.grad, kg.grad, sep="\\n")`,
    ...(G.outputPadding
      ? [`print(torch.allclose(xg.grad, F.conv_transpose2d(g, k, ${back})))  # True`]
      : ['# (conv_transpose2d(g, k) has no output here: padding crops it to nothing)']),
  ];
}

function learningPart(m: ExplainerModel, transposedArgs: string): string[] {
  const L = m.learning;
  const [th, tw] = m.transposedSize;
  const last = L.snapshots[L.snapshots.length - 1];
  const target =
    L.settings.target === 'kernel'
      ? `target = F.conv_transpose2d(y, k, ${transposedArgs})  # k’s own output`
      : `target = F.interpolate(y, size=(${th}, ${tw}), mode="bilinear", align_corners=False)`;
  return [
    '',
    '# Chapter 10: Cᵀ’s layout stays, its weights are learned by gradient descent.',
    target,
    `w = ${pyTensor({ rows: m.k.rows, cols: m.k.cols, values: L.init })}.requires_grad_()  # seed ${L.settings.seed}`,
    `optimizer = torch.optim.SGD([w], lr=${pyFloat(L.lr)})`,
    `for step in range(${last.iteration}):`,
    '    optimizer.zero_grad()',
    `    loss = F.mse_loss(F.conv_transpose2d(y, w, ${transposedArgs}), target)`,
    '    loss.backward()',
    '    optimizer.step()',
    'with torch.no_grad():',
    `    print(F.mse_loss(F.conv_transpose2d(y, w, ${transposedArgs}), target).item())  # the page: ${last.loss.toPrecision(3)}`,
    'print(w)',
  ];
}

export function pytorchSnippet(m: ExplainerModel): string {
  const { stride, padding, dilation, outputPadding, kernel } = m.config;
  const conv = `stride=${arg(stride)}, padding=${arg(padding)}, dilation=${arg(dilation)}`;
  const transposedArgs = `stride=${arg(stride)}, padding=${arg(padding)}, output_padding=${arg(outputPadding)}, dilation=${arg(dilation)}`;
  const weights = m.values.kt ? 'kt' : 'k';
  return [
    'import torch',
    'import torch.nn.functional as F',
    '',
    `x = ${pyTensor(m.x)}`,
    `k = ${pyTensor(m.k)}`,
    ...(m.values.kt ? [`kt = ${pyTensor(m.kt)}  # independent weights for the transposed convolution`] : []),
    '',
    `out = F.conv2d(x, k, ${conv})  # ${m.out.rows}×${m.out.cols}`,
    '',
    `y = ${pyTensor(m.y)}`,
    `up = F.conv_transpose2d(y, ${weights}, ${transposedArgs})  # ${m.tout.rows}×${m.tout.cols}`,
    '',
    '# The same transposed convolution as a layer:',
    `layer = torch.nn.ConvTranspose2d(1, 1, kernel_size=${arg(kernel)}, ${transposedArgs}, bias=False)`,
    'with torch.no_grad():',
    `    layer.weight.copy_(${weights})`,
    'print(out, layer(y), sep="\\n")',
    ...gradientPart(m, conv),
    ...learningPart(m, transposedArgs),
  ].join('\n');
}
