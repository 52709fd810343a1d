// The upsampler at phone width (390 px) in real Chromium (issue 15, item 5):
// every kernel weight shows in full in its cell (3×3, a random kernel with
// negative weights, 7×7 and the largest, which scrolls inside its own grid), the A
// and B labels over the images keep their times, and nothing is wider than
// the screen; on a dark blog read with a light OS the weights take the dark
// scheme's colours (the scheme the element measured, not the OS's). The
// expected colours come from web/lib/color.ts, the one rule for them.
// Setup: upsampler-support.ts.

import { type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { signedColor } from '../../web/lib/color.js';
import { MAX_KERNEL_SIZE } from '../../web/upsampler/shared/kernels.js';
import { offscreen } from './overflow.js';
import { browser, recorder, upsamplerSuite, url, waitForResults } from './upsampler-support.js';

const checks = upsamplerSuite();

async function phone(): Promise<Page> {
  const p = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'light' });
  checks.watch(p);
  await p.addInitScript(recorder);
  await p.goto(url);
  await waitForResults('transposed', 'resize-conv-nearest', p);
  return p;
}

/** Each weight cell: its text, and whether the text is wider than the cell (an input scrolls what it cannot show). */
function cells(p: Page) {
  return p.evaluate(() => {
    const editor = document.querySelector('tconv-upsampler')!.shadowRoot!.querySelector('tconv-upsampler-kernel')!;
    return [...editor.shadowRoot!.querySelectorAll<HTMLInputElement>('.grid input')].map((i) => ({
      text: i.value,
      clipped: i.scrollWidth > i.clientWidth,
      background: getComputedStyle(i).backgroundColor,
    }));
  });
}

async function clickKernel(p: Page, label: string) {
  await p.click(`tconv-upsampler tconv-upsampler-kernel >> ${label}`);
  await p.waitForFunction(() => !document.querySelector('tconv-upsampler')!.hasAttribute('busy'), null, {
    timeout: 60_000,
  });
}

const hex = (rgb: string) =>
  '#' +
  rgb
    .match(/\d+/g)!
    .slice(0, 3)
    .map((n) => Number(n).toString(16).padStart(2, '0'))
    .join('');

describe('upsampler at 390 px', () => {
  it('shows every kernel weight in full, keeps the times in the A and B labels, and is no wider than the screen', async () => {
    const p = await phone();
    const fits = async (what: string) => {
      expect(await p.evaluate(offscreen), what).toEqual([]);
      expect(await p.evaluate(() => document.documentElement.scrollWidth), what).toBeLessThanOrEqual(390);
    };
    // The box kernel's weights are 1/9: written 0.1111, four decimals that clipped in a 43 px cell.
    let shown = await cells(p);
    expect(shown.map((c) => c.text)).toEqual(Array(9).fill('0.1111'));
    expect(shown.filter((c) => c.clipped)).toEqual([]);
    await fits('3×3');
    // The labels over the images: the method's name may shorten, the time may not.
    const labels = await p.evaluate(() => {
      const compare = document.querySelector('tconv-upsampler')!.shadowRoot!.querySelector('tconv-upsampler-compare')!;
      return [...compare.shadowRoot!.querySelectorAll<HTMLElement>('.label')].map((l) => {
        const time = l.querySelector('.keep')!.getBoundingClientRect();
        const box = l.getBoundingClientRect();
        return {
          text: l.textContent!.replace(/\s+/g, ' ').trim(),
          inside: time.left >= box.left && time.right <= box.right,
        };
      });
    });
    expect(labels).toHaveLength(2);
    for (const l of labels) {
      expect(l.text).toMatch(/· [\d.,]+ (ms|s)$/);
      expect(l.inside, l.text).toBe(true);
    }
    // The sides' own times, in their headings.
    const times = await p.$$eval('tconv-upsampler .side .time', (els) =>
      els.map((e) => ({ text: e.textContent!, clipped: e.scrollWidth > e.clientWidth })),
    );
    for (const t of times) expect(t).toMatchObject({ text: expect.stringMatching(/ms|s/), clipped: false });

    // Negative weights are the longest: −0.0625, seven characters.
    const weight = (i: number) => `tconv-upsampler tconv-upsampler-kernel input[data-i="${i}"]`;
    await p.fill(weight(0), '-1/16');
    await p.fill(weight(8), '-0.0625');
    await p.press(weight(8), 'Enter');
    await p.click('tconv-upsampler .kernel h3'); // blur: the focused cell may show more digits
    await p.waitForFunction(() => !document.querySelector('tconv-upsampler')!.hasAttribute('busy'));
    shown = await cells(p);
    expect([shown[0]!.text, shown[8]!.text]).toEqual(['\u22120.0625', '\u22120.0625']);
    expect(shown.filter((c) => c.clipped)).toEqual([]);
    await fits('3×3 with negative weights');

    for (let k = 3; k < 7; k++) await clickKernel(p, '[aria-label="Larger kernel"]');
    shown = await cells(p);
    expect(shown).toHaveLength(49);
    expect(shown.filter((c) => c.clipped)).toEqual([]);
    await fits('7×7');

    for (let k = 7; k < MAX_KERNEL_SIZE; k++) await clickKernel(p, '[aria-label="Larger kernel"]');
    shown = await cells(p);
    expect(shown).toHaveLength(MAX_KERNEL_SIZE ** 2);
    expect(shown.filter((c) => c.clipped)).toEqual([]);
    await fits('the largest kernel');
    // Wider than the column: the grid scrolls inside itself.
    const grid = await p.evaluate(() => {
      const g = document
        .querySelector('tconv-upsampler')!
        .shadowRoot!.querySelector('tconv-upsampler-kernel')!
        .shadowRoot!.querySelector('.grid')!;
      return { scroll: g.scrollWidth, client: g.clientWidth };
    });
    expect(grid.scroll).toBeGreaterThan(grid.client);
    await p.close();
  }, 180_000);

  it('draws the weights in the scheme the element measured: dark on a dark blog read with a light OS', async () => {
    const p = await phone();
    const kernel = async () =>
      p.evaluate(() => document.querySelector('tconv-upsampler')!.session.kernel.values as number[]);
    const expected = (values: number[], dark: boolean) => {
      const max = Math.max(1e-9, ...values.map(Math.abs));
      return values.map((v) => signedColor(v, max * 1.6, dark));
    };
    await clickKernel(p, 'text=Randomise'); // weights of both signs, so every colour differs by scheme
    const values = await kernel();
    expect((await cells(p)).map((c) => hex(c.background))).toEqual(expected(values, false));
    // The blog's dark background, set the way a blog's dark-mode switch does: the OS stays light.
    await p.evaluate(() => document.body.setAttribute('style', 'background: #121418'));
    await p.waitForFunction(
      () =>
        (document.querySelector('tconv-upsampler')!.shadowRoot!.querySelector('tconv-upsampler-kernel') as HTMLElement)
          .dataset.scheme === 'dark',
    );
    await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    expect(await p.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(false);
    const dark = expected(values, true);
    expect(dark).not.toEqual(expected(values, false));
    expect((await cells(p)).map((c) => hex(c.background))).toEqual(dark);
    // theme="light" forces the light colours back, on the same dark page.
    await p.evaluate(() => document.querySelector('tconv-upsampler')!.setAttribute('theme', 'light'));
    await p.waitForFunction(
      () =>
        (document.querySelector('tconv-upsampler')!.shadowRoot!.querySelector('tconv-upsampler-kernel') as HTMLElement)
          .dataset.scheme === 'light',
    );
    await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    expect((await cells(p)).map((c) => hex(c.background))).toEqual(expected(values, false));
    await p.close();
  }, 120_000);
});
