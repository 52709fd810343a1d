// PyTorch code that reproduces the explainer's current view.

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
  ].join('\n');
}
