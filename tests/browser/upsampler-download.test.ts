// The PNG download of a large result in real Chromium (issue 15, item 6): the
// side's panel shows how far the encoding is (a percentage between 0 and 100
// before the file arrives) with its own Cancel, which stops the encoding
// (the worker encoding it is replaced through the bridge's AbortSignal) so no
// file arrives, and the page goes on: the next download works. The PNG's
// pixels are checked exactly on a small result in upsampler-files.test.ts.
// Setup: upsampler-support.ts.

import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { LARGE_OUTPUT_PIXELS } from '../../web/upsampler/shared/limits.js';
import { dropTransfer, page, prepare, sourceName, upsamplerSuite, waitForResults } from './upsampler-support.js';

upsamplerSuite();

/** Records, every 25 ms, what side `id`'s panel says while its PNG is encoded (window.__encoding). */
async function watchEncoding(id: 'a' | 'b') {
  await page.evaluate((id) => {
    const w = window as unknown as { __encoding: string[]; __watch: number };
    w.__encoding = [];
    clearInterval(w.__watch);
    w.__watch = window.setInterval(() => {
      const root = document.querySelector('tconv-upsampler')!.shadowRoot!;
      const state = root.querySelector(`.side.${id} .side-state.encoding`);
      if (state) w.__encoding.push(state.textContent!.replace(/\s+/g, ' ').trim());
    }, 25);
  }, id);
}

/** The percentages the panel showed, in order. */
async function percentages(): Promise<number[]> {
  const texts = await page.evaluate(() => {
    const w = window as unknown as { __encoding: string[]; __watch: number };
    clearInterval(w.__watch);
    return w.__encoding;
  });
  return texts.flatMap((t) => (/· (\d+) %/.exec(t) ? [Number(/· (\d+) %/.exec(t)![1])] : []));
}

describe('upsampler page: a large PNG download', () => {
  it('shows its progress, can be cancelled, and the next download still works', async () => {
    await prepare('nearest', 'bilinear');
    // 2048×2048 ×2 = 4096×4096: seconds of encoding (a 10624×5976 result took 24–31 s in the issue).
    const dt = await page.evaluateHandle(async () => {
      const c = new OffscreenCanvas(2048, 2048);
      const g = c.getContext('2d')!;
      const grad = g.createLinearGradient(0, 0, 2048, 2048);
      grad.addColorStop(0, '#1f4e8c');
      grad.addColorStop(1, '#e8d7b0');
      g.fillStyle = grad;
      g.fillRect(0, 0, 2048, 2048);
      g.fillStyle = '#111';
      for (let i = 0; i < 300; i++) g.fillRect((i * 977) % 2048, (i * 613) % 2048, 3 + (i % 40), 3 + (i % 23));
      const d = new DataTransfer();
      d.items.add(new File([await c.convertToBlob({ type: 'image/png' })], 'large.png', { type: 'image/png' }));
      return d;
    });
    await dropTransfer(dt);
    await waitForResults('nearest', 'bilinear', page, 120_000);
    expect(await sourceName()).toBe('large.png');
    expect(4096 * 4096).toBeGreaterThan(LARGE_OUTPUT_PIXELS);

    // Progress: the panel counts up, strictly between 0 and 100 on the way, before the file arrives.
    await watchEncoding('b');
    const t0 = Date.now();
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 120_000 }),
      page.click('tconv-upsampler [aria-label="Download B as PNG"]'),
    ]);
    const took = Date.now() - t0;
    const seen = await percentages();
    expect(
      seen.some((p) => p > 0 && p < 100),
      `percentages seen: ${seen.join(', ')}`,
    ).toBe(true);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(download.suggestedFilename()).toBe('large-bilinear-x2.png');
    const file = new Uint8Array(readFileSync((await download.path())!));
    const view = new DataView(file.buffer, file.byteOffset);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([4096, 4096]);
    expect(await page.isVisible('tconv-upsampler [aria-label="Download B as PNG"]')).toBe(true);

    // Cancel once it is under way: the panel is back at once, nothing is busy, and no file arrives.
    let arrived = false;
    page.once('download', () => (arrived = true));
    await watchEncoding('a');
    await page.click('tconv-upsampler [aria-label="Download A as PNG"]');
    await page.waitForFunction(
      () => /· [1-9]\d? %/.test((window as unknown as { __encoding: string[] }).__encoding.join('|')),
      null,
      { timeout: 60_000 },
    );
    const after = await page.evaluate(async () => {
      const el = document.querySelector('tconv-upsampler')!;
      const cancel = el.shadowRoot!.querySelector<HTMLButtonElement>('[aria-label="Cancel the PNG of A"]')!;
      cancel.click();
      await el.updateComplete;
      return {
        busy: el.hasAttribute('busy'),
        encoding: !!el.shadowRoot!.querySelector('.side.a .side-state.encoding'),
        button: !!el.shadowRoot!.querySelector('[aria-label="Download A as PNG"]'),
      };
    });
    expect(after).toEqual({ busy: false, encoding: false, button: true });
    await page.waitForTimeout(took + 1_000); // longer than the whole download took above
    expect(arrived).toBe(false);
    await percentages();

    // The page goes on: the next download (recomputed in the fresh worker) arrives.
    const [again] = await Promise.all([
      page.waitForEvent('download', { timeout: 120_000 }),
      page.click('tconv-upsampler [aria-label="Download A as PNG"]'),
    ]);
    expect(again.suggestedFilename()).toBe('large-nearest-x2.png');
  }, 300_000);
});
