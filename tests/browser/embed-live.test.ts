// The example post's figures in real Chromium, as a reader meets them: they
// follow attribute and property changes and fire their events; they start
// only when they come into view (ten figures on a page stay lazy); the script
// may be loaded twice; they fit a dark theme and a 320 px phone without
// widening the page, and follow the post's theme switch. Setup and helpers:
// embed-support.ts.

import { describe, expect, it } from 'vitest';

import {
  barePage,
  base,
  embedSuite,
  events,
  open,
  otherRequests,
  readGrid,
  scrollThrough,
  shared,
  waitForFigures,
} from './embed-support.js';

// A page that loads the script twice, and one with ten autoplaying figures a screen apart.
embedSuite({
  'twice.html': barePage(
    '<tconv-matrix id="m1" input="4x4" kernel="3x3" step="2"></tconv-matrix>' +
      '<tconv-overlap id="o1" kernel="3" stride="2"></tconv-overlap>' +
      '<tconv-matrix id="m2" input="5" kernel="3" stride="2" step="4"></tconv-matrix>',
    2,
  ),
  'ten.html': barePage(
    Array.from(
      { length: 10 },
      (_, i) =>
        `<section style="min-height: 1200px"><tconv-matrix id="f${i}" input="4" kernel="3" step="6" autoplay></tconv-matrix></section>`,
    ).join(''),
  ),
});

describe('the example blog post', () => {
  it('re-renders when attributes or properties change, and fires its events', async () => {
    const o = await open(`${base}blog-post.html`);
    const { page } = o;
    try {
      await scrollThrough(page);
      await waitForFigures(page);
      // <tconv-matrix>: stride 2 makes C 1×16 (one placement); the property works the same way.
      await page.evaluate(() => document.getElementById('seed')!.setAttribute('stride', '2'));
      await expect.poll(async () => (await readGrid(page, 'seed', 'C'))?.rowcount).toBe(1);
      await page.evaluate(() => ((document.getElementById('seed') as HTMLElement & { stride: string }).stride = '1'));
      await expect.poll(async () => (await readGrid(page, 'seed', 'C'))?.rowcount).toBe(4);
      await page.evaluate(() => document.getElementById('seed')!.setAttribute('input', '5x6'));
      await expect.poll(async () => (await readGrid(page, 'seed', 'C'))?.colcount).toBe(30);
      await page.evaluate(() => (document.getElementById('seed') as HTMLElement & { goTo(c: number): void }).goTo(4));
      let ev = await events(page);
      expect(ev).toContainEqual(['tconv-config-change', 'seed', { params: 'input=5x6&kernel=3' }]);
      expect(ev).toContainEqual(['tconv-step-change', 'seed', { chapter: 4, frame: 0, step: '4' }]);
      expect(await page.getAttribute('#seed', 'step')).toBe('4');

      // <tconv-overlap>: kernel 4 with stride 2 is even; maps can be chosen.
      await page.evaluate(() => document.getElementById('checker')!.setAttribute('kernel', '4'));
      await expect.poll(async () => (await readGrid(page, 'checker', 'transposed'))?.rowcount).toBe(14);
      ev = await events(page);
      expect(ev).toContainEqual([
        'tconv-config-change',
        'checker',
        { params: 'kernel=4&stride=2', min: 4, max: 4, even: true },
      ]);
      await page.evaluate(
        () => ((document.getElementById('checker') as HTMLElement & { maps: string }).maps = 'resize'),
      );
      await expect
        .poll(() =>
          page.evaluate(() => document.getElementById('checker')!.shadowRoot!.querySelectorAll('tconv-grid').length),
        )
        .toBe(1);
      expect(await readGrid(page, 'checker', 'resize')).not.toBeNull();
      const text = await page.evaluate(
        () => document.getElementById('checker')!.shadowRoot!.querySelector('.explanation')!.textContent,
      );
      expect(text).toContain('no checkerboard');

      // <tconv-upsampler>: scale 3 makes 960×720 results.
      await page.evaluate(() => document.getElementById('tool')!.setAttribute('scale', '3'));
      await page.waitForFunction(
        () =>
          (window as unknown as { __events: [string, string, { width: number }][] }).__events.filter(
            ([t, id, d]) => t === 'tconv-result' && id === 'tool' && d.width === 960,
          ).length >= 2,
        null,
        { timeout: 60_000 },
      );
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('starts figures only when they come into view', async () => {
    const o = await open(`${base}blog-post.html`, { reduced: false });
    const { page } = o;
    try {
      await page.waitForFunction(() =>
        (window as unknown as { __events: [string, string][] }).__events.some(
          ([t, id]) => t === 'tconv-ready' && id === 'seed',
        ),
      );
      await page.waitForTimeout(300);
      // Below the fold: not computed (no grids), no worker, not playing.
      const state = () =>
        page.evaluate(() => ({
          strided: document.getElementById('strided')!.shadowRoot!.querySelectorAll('tconv-grid').length,
          playing:
            document.getElementById('strided')!.shadowRoot!.querySelector('#play')?.getAttribute('aria-label') ?? null,
          even: document.getElementById('even')!.shadowRoot!.querySelectorAll('tconv-grid').length,
          toolSource: (window as unknown as { __events: [string, string][] }).__events.some(
            ([t, id]) => t === 'tconv-load' && id === 'tool',
          ),
        }));
      expect(await state()).toEqual({ strided: 0, playing: null, even: 0, toolSource: false });
      expect(o.requests.filter((r) => r.startsWith('blob:'))).toEqual([]);

      // Scrolled into view, the autoplay figure plays; scrolled away, it pauses.
      await page.evaluate(() => document.getElementById('strided')!.scrollIntoView({ block: 'center' }));
      await expect
        .poll(() =>
          page.evaluate(() =>
            document.getElementById('strided')!.shadowRoot!.querySelector('#play')?.getAttribute('aria-label'),
          ),
        )
        .toBe('Pause');
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await expect
        .poll(() =>
          page.evaluate(() =>
            document.getElementById('strided')!.shadowRoot!.querySelector('#play')?.getAttribute('aria-label'),
          ),
        )
        .toBe('Play');
      // The upsampler at the bottom now started its worker and shows the sample.
      await expect.poll(async () => (await state()).toolSource, { timeout: 30_000 }).toBe(true);
      expect(o.requests.filter((r) => r.startsWith('blob:')).length).toBeGreaterThan(0);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('keeps ten figures lazy: only the ones in view are computed and play', async () => {
    const o = await open(`${base}ten.html`, { reduced: false });
    const { page } = o;
    try {
      await page.waitForFunction(() =>
        (window as unknown as { __events: [string, string][] }).__events.some(([t]) => t === 'tconv-ready'),
      );
      await page.waitForTimeout(400);
      const drawn = () =>
        page.evaluate(() =>
          Array.from(document.querySelectorAll('tconv-matrix'), (m) => ({
            grids: m.shadowRoot!.querySelectorAll('tconv-grid').length > 0,
            playing: m.shadowRoot!.querySelector('#play')?.getAttribute('aria-label') === 'Pause',
          })),
        );
      const first = await drawn();
      expect(first[0]).toEqual({ grids: true, playing: true });
      expect(first.slice(2).every((f) => !f.grids && !f.playing)).toBe(true);
      await page.evaluate(() => document.getElementById('f9')!.scrollIntoView());
      await expect.poll(async () => (await drawn())[9]).toEqual({ grids: true, playing: true });
      const later = await drawn();
      expect(later[0].playing).toBe(false);
      expect(later.filter((f) => f.playing).length).toBeLessThanOrEqual(2);
      expect(await shared(page)).toMatchObject({ coreLoads: 1 });
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('works when the script is loaded twice: no error, one core', async () => {
    const url = `${base}twice.html`;
    const o = await open(url);
    const { page } = o;
    try {
      await scrollThrough(page);
      await waitForFigures(page);
      expect(await shared(page)).toMatchObject({ coreLoads: 1, scripts: 2 });
      expect((await readGrid(page, 'm1', 'C'))?.rowcount).toBe(4);
      expect((await readGrid(page, 'm2', 'C'))?.colcount).toBe(25);
      expect((await readGrid(page, 'o1', 'transposed'))?.rowcount).toBe(13);
      expect(o.errors).toEqual([]);
      expect(otherRequests(o.requests, url, `${base}tconv-embed.js`)).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  // The http test of embed-post.test.ts covers the light scheme at desktop width.
  it.each([
    ['dark, at desktop width', { dark: true }],
    ['a 320 px phone', { width: 320, height: 700 }],
  ] as const)('draws every figure without widening the page on %s', async (_, options) => {
    const o = await open(`${base}blog-post.html`, options);
    try {
      await scrollThrough(o.page);
      await waitForFigures(o.page);
      const overflow = await o.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      expect((await events(o.page)).filter(([t]) => t === 'tconv-error')).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('follows the post’s theme switch through the theme attribute', async () => {
    const o = await open(`${base}blog-post.html`);
    try {
      await scrollThrough(o.page);
      await waitForFigures(o.page);
      // The post themes the player with its own card colour (--tconv-matrix-surface: var(--card)).
      const colours = async () => {
        const { card, player } = await o.page.evaluate(() => ({
          card: getComputedStyle(document.documentElement).getPropertyValue('--card').trim(),
          player: getComputedStyle(document.getElementById('seed')!.shadowRoot!.querySelector('.player')!)
            .backgroundColor,
        }));
        expect(card).toMatch(/^#[0-9a-f]{6}$/i);
        const [r, g, b] = [1, 3, 5].map((i) => parseInt(card.slice(i, i + 2), 16));
        return { card: `rgb(${r}, ${g}, ${b})`, player };
      };
      const light = await colours();
      expect(light.player).toBe(light.card);
      await o.page.click('[data-theme-choice="dark"]');
      expect(await o.page.getAttribute('#seed', 'theme')).toBe('dark');
      const dark = await colours();
      expect(dark.card).not.toBe(light.card);
      expect(dark.player).toBe(dark.card);
    } finally {
      await o.context.close();
    }
  });
});
