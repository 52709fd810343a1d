// The upsampler's Learn mode in real Chromium, on a committed photograph
// (tests/fixtures/photos/chelsea.png): the mode switch, the flat-grey
// responses at step 0 (transposed-k3's checkerboard number above
// resize-conv's), ~50 steps of training in the workers (a falling loss on the
// plot, the bilinear and bicubic lines on the PSNR plot), Pause that stops
// the step count, the trained results in the compare view with a difference
// computed here from the shown pixels, and Reset back to step 0.
// Setup and helpers: upsampler-support.ts.

import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { dropBytes, page, upsamplerSuite } from './upsampler-support.js';

upsamplerSuite();

const PHOTO = new URL('../fixtures/photos/chelsea.png', import.meta.url);
const STEPS = 50;
const L = 'tconv-upsampler-learn';

/** The step count each side shows. */
async function steps(): Promise<[number, number]> {
  const read = (id: string) => page.locator(`${L} .step[data-side="${id}"]`).textContent();
  return [Number(await read('a')), Number(await read('b'))];
}

/** The y coordinates of a plot line's points (SVG: smaller y is higher on screen). */
async function lineYs(plot: string, id: string): Promise<number[]> {
  const d = (await page.locator(`${L} .${plot} path.line.${id}`).getAttribute('d')) ?? '';
  return [...d.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;

/**
 * The compare view's layers as the learn element hands them over: their sizes, its mode, and |A − B| × gain
 * recomputed here (in the page, where the pixels are: 100k-number arrays cost seconds to send to Node) against
 * the difference layer it shows.
 */
async function layers() {
  return page.evaluate((tag) => {
    const c = document
      .querySelector('tconv-upsampler')!
      .shadowRoot!.querySelector(tag)!
      .shadowRoot!.querySelector('tconv-upsampler-compare')!;
    const size = (l: { width: number; height: number } | null) => l && [l.width, l.height];
    let worst = -1;
    let nonzero = 0;
    if (c.left && c.right && c.diff) {
      const [A, B, D] = [c.left.pixels, c.right.pixels, c.diff.pixels];
      worst = 0;
      for (let i = 0; i < A.length; i += 4)
        for (let k = 0; k < 3; k++) {
          const want = Math.min(255, Math.abs(A[i + k] - B[i + k]) * c.gain);
          worst = Math.max(worst, Math.abs(D[i + k] - want));
          if (D[i + k] > 0) nonzero++;
        }
    }
    return { left: size(c.left), right: size(c.right), diff: size(c.diff), mode: c.mode, worst, nonzero };
  }, L);
}

describe('upsampler page, Learn mode', () => {
  it('trains transposed-k3 against resize-conv on a photo: plots, flat grey, Pause, difference, Reset', async () => {
    await dropBytes(new Uint8Array(readFileSync(PHOTO)), 'chelsea.png', 'image/png');
    await page.waitForFunction(() => (window as unknown as { __loads: unknown[] }).__loads.length > 0);
    const sizeChoice = page.locator('tconv-upsampler .toolbar label', { hasText: 'Size…' });
    await expect(sizeChoice.count()).resolves.toBe(1);
    // The source line gives the up-sampled size in Upsample mode only: Learn mode learns back to the image's own size.
    const info = async () => (await page.textContent('tconv-upsampler [part="source-info"]'))!.replace(/\s+/g, ' ');
    expect(await info()).toMatch(/\d+×\d+ → \d+×\d+/);
    await page.locator('tconv-upsampler .mode label', { hasText: 'Learn' }).click();
    // Training runs at ×2, ×3 or ×4 only: any output size is not offered in Learn mode.
    await expect(sizeChoice.count()).resolves.toBe(0);
    expect(await info()).toMatch(/\d+×\d+/);
    expect(await info()).not.toContain('→');

    // Step 0: both trainers made, their flat-grey responses measured.
    const checker = (id: string) => page.locator(`${L} .checker[data-side="${id}"]`);
    await page.waitForFunction(
      (tag) => {
        const root = document.querySelector('tconv-upsampler')!.shadowRoot!.querySelector(tag)?.shadowRoot;
        const shown = [...(root?.querySelectorAll('.checker') ?? [])];
        return shown.length === 2 && shown.every((e) => /\d/.test(e.textContent ?? ''));
      },
      L,
      { timeout: 30_000 },
    );
    expect(await page.locator(`${L} #model-a`).inputValue()).toBe('transposed-k3');
    expect(await page.locator(`${L} #model-b`).inputValue()).toBe('resize-conv');
    const [ca, cb] = [Number(await checker('a').textContent()), Number(await checker('b').textContent())];
    expect(ca).toBeGreaterThan(cb);
    expect(await steps()).toEqual([0, 0]);

    // Train ~50 steps.
    const t0 = Date.now();
    await page.locator(`${L} #train`).click();
    await page.waitForFunction(
      ([tag, n]) => {
        const root = document.querySelector('tconv-upsampler')!.shadowRoot!.querySelector(tag as string)!.shadowRoot!;
        return [...root.querySelectorAll('.step')].every((e) => Number(e.textContent) >= (n as number));
      },
      [L, STEPS] as const,
      { timeout: 40_000 },
    );
    await page.locator(`${L} #pause`).click();
    const trainedMs = Date.now() - t0;
    // Pause: the chunks in flight come back (each side says "pausing…" meanwhile), then the counts stop.
    await page.locator(`${L} #train`).waitFor();
    await page.waitForFunction(
      (tag) => {
        const root = document.querySelector('tconv-upsampler')!.shadowRoot!.querySelector(tag)!.shadowRoot!;
        return [...root.querySelectorAll('.count')].every((e) => e.getAttribute('data-working') === 'false');
      },
      L,
      { timeout: 20_000 },
    );
    const paused = await steps();
    await page.waitForTimeout(1200);
    expect(await steps()).toEqual(paused);
    expect(Math.min(...paused)).toBeGreaterThanOrEqual(STEPS);

    // The loss plot: a point per step (at this length), falling overall on both sides.
    for (const id of ['a', 'b']) {
      const ys = await lineYs('loss-plot', id);
      expect(ys.length, `loss points of ${id}`).toBeGreaterThanOrEqual(STEPS);
      expect(mean(ys.slice(-10)), `loss of ${id} falls (lower on the plot)`).toBeGreaterThan(mean(ys.slice(0, 10)));
    }
    // The PSNR plot: both sides' evaluations, and bilinear and bicubic as lines across.
    for (const cls of ['bilinear', 'bicubic']) {
      const line = page.locator(`${L} .psnr-plot > svg line.ref.${cls}`);
      expect(await line.count()).toBe(1);
      expect(await line.getAttribute('y1')).toBe(await line.getAttribute('y2'));
    }
    expect((await lineYs('psnr-plot', 'a')).length).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.locator(`${L} .legend`).last().textContent()).toMatch(/bilinear \d+\.\d\d dB/);

    // The compare view shows the trained results, at the size the trainer evaluates (240×156 is a multiple of 2).
    const shown = await layers();
    expect(shown.left).toEqual([240, 156]);
    expect(shown.right).toEqual([240, 156]);
    const label = await page.locator(`${L} tconv-upsampler-compare .label.left`).textContent();
    expect(label).toContain(`step ${paused[0]}`);
    // The readout reads the shown pixels under the pointer.
    const stage = page.locator(`${L} tconv-upsampler-compare .stage`);
    const box = (await stage.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2 - 20, box.y + box.height / 2);
    await expect.poll(() => page.locator(`${L} tconv-upsampler-compare .readout .xy`).count()).toBe(1);

    // The difference view: |A − B| × gain of exactly the shown pixels, computed here.
    // The upsampler's own Split / Difference switch (its toolbar) drives the Learn mode's compare view too.
    await page.locator('tconv-upsampler .toolbar label', { hasText: 'Difference' }).click();
    await page.waitForFunction(
      (tag) =>
        !!document
          .querySelector('tconv-upsampler')!
          .shadowRoot!.querySelector(tag)!
          .shadowRoot!.querySelector('tconv-upsampler-compare')!.diff,
      L,
    );
    const d = await layers();
    expect(d.mode).toBe('difference');
    expect(d.diff).toEqual([240, 156]);
    expect(d.worst).toBe(0);
    expect(d.nonzero).toBeGreaterThan(0);

    // Reset: both sides back to step 0, the loss plot empty.
    await page.locator(`${L} #reset`).click();
    await expect.poll(steps, { timeout: 20_000 }).toEqual([0, 0]);
    expect(await page.locator(`${L} .loss-plot path.line`).count()).toBe(0);
    console.log(`Learn mode: ${paused.join(' and ')} steps in ${trainedMs} ms`);
  });
});
