// The PyTorch code that reproduces the figure.
import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG } from '../../../web/lib/explainer/config.js';
import { pytorchSnippet } from '../../../web/lib/explainer/snippet.js';
import { model } from './support.js';

describe('the PyTorch snippet', () => {
  it('writes PyTorch code with the current parameters and values', async () => {
    const m = await model({ ...DEFAULT_CONFIG, stride: [2, 1], padding: [1, 1], outputPadding: [1, 0] });
    const code = pytorchSnippet(m);
    expect(code).toContain('out = F.conv2d(x, k, stride=(2, 1), padding=1, dilation=1)');
    expect(code).toContain('F.conv_transpose2d(y, k, stride=(2, 1), padding=1, output_padding=(1, 0), dilation=1)');
    expect(code).toContain('torch.nn.ConvTranspose2d(1, 1, kernel_size=3,');
    expect(code).toContain('x = torch.tensor([[4., 5., 8., 7.],');
  });
});
