// The align-corners figure of <tconv-upsampler> (web/upsampler/align-figure.ts)
// in real Chromium, on the site's upsampler page: its "?" is reached by Tab
// while the box beside it is disabled, opens with Enter and closes with
// Escape; it shows both settings; and where it draws each output sample,
// measured on the SVG against the drawn input pixel centres, is where the two
// formulas put it: (i + ½)/f − ½ off and i·(n − 1)/(n·f − 1) on, with
// bilinear's reads clamped to the first and last centres. Its colours are the
// theme's tokens, light and dark, and it fits a phone's width.

import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TOKENS } from '../../web/components/shared/theme-tokens.js';
import { consoleChecks, launchChromium, serveSite, type SiteServer } from './support.js';

const checks = consoleChecks();

let server: SiteServer;
let browser: Browser;

beforeAll(async () => {
  server = await serveSite();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** "#5b3fd6" → "rgb(91, 63, 214)", as getComputedStyle writes colours. */
function rgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}

async function open(width: number, scheme: 'light' | 'dark'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
  const page = await context.newPage();
  checks.watch(page);
  await page.goto(new URL('upsampler.html', server.url).href);
  await page.waitForFunction(() => !!document.querySelector('tconv-upsampler')?.shadowRoot?.querySelector('#method-a'));
  return page;
}

/** The focused element, through shadow roots: its tag and class, and the text of aria-label. */
function focused(page: Page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    return {
      tag: a?.localName,
      cls: a?.className,
      label: a?.getAttribute('aria-label'),
      host: (a?.getRootNode() as ShadowRoot)?.host?.localName,
    };
  });
}

interface Drawn {
  expanded: string | null;
  hidden: boolean;
  lead: string;
  title: string;
  captions: Record<'off' | 'on', string>;
  /** Per setting: input centres, output ticks and where the read lines land, as x in the SVG. */
  rows: Record<'off' | 'on', { dots: number[]; ticks: number[]; reads: number[]; edges: number[] }>;
  overflow: boolean;
  colours: { tick: string; dot: string; edge: string; panel: string };
}

/** What side A's figure shows. */
function drawn(page: Page): Promise<Drawn> {
  return page.evaluate(() => {
    const root = document.querySelector('tconv-upsampler')!.shadowRoot!;
    const el = root.querySelector('.side.a tconv-upsampler-align')!.shadowRoot!;
    const fig = el.querySelector<HTMLElement>('#figure')!;
    const num = (e: Element, a: string) => Number(e.getAttribute(a));
    const row = (cls: string) => {
      const svg = el.querySelector(`figure.${cls} svg`);
      const all = (sel: string, a: string) => [...(svg?.querySelectorAll(sel) ?? [])].map((e) => num(e, a));
      return {
        dots: all('.dot', 'cx'),
        ticks: all('.tick', 'x1'),
        reads: all('.read', 'x2'),
        edges: all('.edge', 'x1'),
      };
    };
    const style = (sel: string) => getComputedStyle(el.querySelector(sel)!);
    return {
      expanded: el.querySelector('button.help')!.getAttribute('aria-expanded'),
      hidden: fig.hidden,
      lead: el.querySelector('.lead')?.textContent ?? '',
      title: el.querySelector('.title')?.textContent ?? '',
      captions: {
        off: el.querySelector('figure.off figcaption')?.textContent ?? '',
        on: el.querySelector('figure.on figcaption')?.textContent ?? '',
      },
      rows: { off: row('off'), on: row('on') },
      overflow: fig.scrollWidth > fig.clientWidth || fig.getBoundingClientRect().right > innerWidth,
      colours: fig.hidden
        ? { tick: '', dot: '', edge: '', panel: '' }
        : {
            tick: style('figure .tick').stroke,
            dot: style('figure .dot').fill,
            edge: style('figure .edge').stroke,
            panel: style('#figure').color,
          },
    };
  });
}

/** Waits until side A's figure has drawn both settings with `outputs` ticks each. */
async function drawnWith(page: Page, outputs: number): Promise<Drawn> {
  await page.waitForFunction((outputs) => {
    const el = document.querySelector('tconv-upsampler')!.shadowRoot!.querySelector('.side.a tconv-upsampler-align')!;
    return el.shadowRoot!.querySelectorAll('figure.on .tick').length === outputs;
  }, outputs);
  return drawn(page);
}

/** The drawn x of each tick, as a position in input pixels: the dots are the centres 0 … n − 1. */
function inPixels(row: Drawn['rows']['off'], xs: number[]): number[] {
  const [x0, x1] = [row.dots[0]!, row.dots[1]!];
  return xs.map((x) => (x - x0) / (x1 - x0));
}

function expectPositions(d: Drawn, n: number, f: number) {
  const clamp = (x: number) => Math.min(Math.max(x, 0), n - 1);
  for (const setting of ['off', 'on'] as const) {
    const row = d.rows[setting];
    expect(row.dots, `${setting}: input centres`).toHaveLength(n);
    expect(row.ticks, `${setting}: output samples`).toHaveLength(n * f);
    const at = (i: number) => (setting === 'off' ? (i + 0.5) / f - 0.5 : (i * (n - 1)) / (n * f - 1));
    inPixels(row, row.ticks).forEach((p, i) => expect(p, `${setting}, output ${i}`).toBeCloseTo(at(i), 4));
    inPixels(row, row.reads).forEach((p, i) => expect(p, `${setting}, read of ${i}`).toBeCloseTo(clamp(at(i)), 4));
    expect(inPixels(row, row.edges), `${setting}: the image's edges`).toEqual(
      [-0.5, n - 0.5].map((e) => expect.closeTo(e, 6)),
    );
  }
}

describe('the align-corners figure', () => {
  it('is reached by keyboard beside a disabled box, opens on Enter with both settings where the formulas put them, and closes on Escape', async () => {
    const page = await open(1100, 'light');
    // Side A starts as a transposed convolution: the box is disabled, the "?" is the next stop after the method.
    const disabled = await page.evaluate(
      () =>
        document.querySelector('tconv-upsampler')!.shadowRoot!.querySelector<HTMLInputElement>('.side.a .check input')!
          .disabled,
    );
    expect(disabled).toBe(true);
    await page.evaluate(() =>
      document.querySelector('tconv-upsampler')!.shadowRoot!.querySelector<HTMLElement>('#method-a')!.focus(),
    );
    await page.keyboard.press('Tab');
    expect(await focused(page)).toEqual({
      tag: 'button',
      cls: 'help',
      label: 'What align corners does (side A)',
      host: 'tconv-upsampler-align',
    });
    expect((await drawn(page)).hidden).toBe(true);

    await page.keyboard.press('Enter');
    const d = await drawnWith(page, 4 * 2);
    expect(d.expanded).toBe('true');
    expect(d.hidden).toBe(false);
    expect(d.lead).toContain(
      'Only Bilinear and Bicubic take it, so the box is greyed out for this side’s method (Transposed conv · your kernel).',
    );
    expect(d.title).toContain('4 pixels up-sampled ×2: 8 outputs');
    expect(d.captions.off).toMatch(
      /^Off \(align_corners=False, the default\): the 8 outputs are ½ pixel apart.*¼ pixel inside the image’s edges/,
    );
    expect(d.captions.on).toMatch(
      /^On \(align_corners=True\): the first and last of the 8 outputs sit exactly on the centres/,
    );
    expectPositions(d, 4, 2);

    await page.keyboard.press('Escape');
    expect((await drawn(page)).hidden).toBe(true);
    expect((await drawn(page)).expanded).toBe('false');
    expect((await focused(page)).cls).toBe('help');

    // At ×3, with bilinear on side A: the figure follows the factor, and the box is no longer greyed out.
    await page.evaluate(() => {
      const el = document.querySelector('tconv-upsampler')!;
      el.scale = 3;
      el.methods = 'bilinear,resize-conv-nearest';
    });
    await page.keyboard.press('Space');
    const d3 = await drawnWith(page, 4 * 3);
    expect(d3.lead).toMatch(/Only Bilinear and Bicubic take it\.$/);
    expectPositions(d3, 4, 3);
    await page.context().close();
  });

  // The figure has no theme of its own: it reads the upsampler's, so theme="dark" on the upsampler reaches it too.
  for (const [scheme, page, theme] of [
    ['light', 'light', null],
    ['dark', 'dark', null],
    ['dark', 'light', 'dark'],
  ] as const) {
    it(`draws in the theme’s ${scheme} colours (page ${page}, theme ${theme ?? 'unset'}) and fits a 390 px phone`, async () => {
      const p = await open(390, page);
      await p.evaluate((theme) => {
        const el = document.querySelector('tconv-upsampler')!;
        if (theme) el.setAttribute('theme', theme);
        el.shadowRoot!.querySelector('.side.a tconv-upsampler-align')!
          .shadowRoot!.querySelector<HTMLElement>('button.help')!
          .click();
      }, theme);
      const d = await drawnWith(p, 8);
      expect(d.colours).toEqual({
        tick: rgb(TOKENS.accent[scheme]),
        dot: rgb(TOKENS.text[scheme]),
        edge: rgb(TOKENS.text[scheme]),
        panel: rgb(TOKENS.text[scheme]),
      });
      expect(d.overflow).toBe(false);
      await p.context().close();
    });
  }
});
