// Issue 14's quality claim, quickly: on a real photograph, the three models
// that start from an interpolation (transposed-k2f, resize-conv,
// subpixel-icnr) beat bilinear interpolation within 300 steps at the
// trainer's defaults. `npm run quality` measures the full table (every photo
// and model, 3,000 steps); this suite keeps the claim from regressing within
// npm test's time.
//
// The budget is smaller than the claim's, in two ways that make it harder,
// not easier: 100 steps instead of 300 (beating bilinear by step 100 is
// beating it within 300), and 24-pixel patches instead of 48 (the same 8 per
// batch, so each step sees a quarter of the pixels and its gradient is
// noisier), which makes a step ~4× cheaper. Model, initialisation, learning
// rate and seed are the defaults the claim is about.
//
// Each model is also checked *not* to beat bilinear at step 0 (two of them are
// bilinear there, the third is nearest), so the check is seen to fail where it
// should. Checked by hand: learningRate 1e-9 (the trainer refuses 0) fails all
// three (k2f ends 6e-6 dB above bilinear, which a bare `>` would have passed:
// hence beats()' margin), and the noise-initialised transposed-k3 and subpixel
// end 100 steps at 23.9 and 25.3 dB against bilinear's 31.5.
import { describe, expect, it } from 'vitest';

import { beats, readPhoto } from '../fixtures/photos/photos.mjs';
import { createTconv } from '../../web/lib/node.js';
import type { UpsamplerModel } from '../../web/lib/node.js';

const tc = await createTconv();
const image = readPhoto('rocket');
const STEPS = 100;
const PATCH = 24;

describe('learned ×2 on a photograph (rocket.png, 240×156)', () => {
  const models: UpsamplerModel[] = ['transposed-k2f', 'resize-conv', 'subpixel-icnr'];
  it.each(models)(`%s beats bilinear within ${STEPS} steps, and not at step 0`, (model) => {
    const trainer = tc.createUpsamplerTrainer({ image, factor: 2, model, seed: 1, patch: PATCH });
    try {
      const start = trainer.evaluate();
      expect(beats(start.psnr, start.psnrBilinear), `step 0: ${start.psnr} dB vs bilinear ${start.psnrBilinear}`).toBe(
        false,
      );
      trainer.step(STEPS);
      const end = trainer.evaluate();
      expect(end.psnrBilinear).toBe(start.psnrBilinear); // the reference does not move
      expect(beats(end.psnr, end.psnrBilinear), `step ${STEPS}: ${end.psnr} dB vs bilinear ${end.psnrBilinear}`).toBe(
        true,
      );
    } finally {
      trainer.dispose();
    }
  });
});
