// <tconv-upsampler> on the figures' one theme, in real Chromium: its colours
// are the shared tokens' light and dark defaults (web/components/shared/
// theme-tokens.ts) and its own (web/upsampler/theme-tokens.ts), by the
// reader's scheme or theme="…", down to the elements inside it; a token set
// once on a page restyles every figure; the upsampler's older names
// (--tconv-upsampler-*) still work, and win on it. Expected colours are read
// from the token files, never written here.

import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type TokenName, TOKENS } from '../../web/components/shared/theme-tokens.js';
import { UPSAMPLER_TOKENS, type UpsamplerTokenName } from '../../web/upsampler/theme-tokens.js';
import { consoleChecks, launchChromium, serveSite, type SiteServer } from './support.js';

const checks = consoleChecks();

let server: SiteServer;
let browser: Browser;

type Scheme = 'light' | 'dark';

/** "#5b3fd6" → "rgb(91, 63, 214)", as getComputedStyle writes colours. */
function rgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}
const token = (name: TokenName, scheme: Scheme) => rgb(TOKENS[name][scheme]);
const own = (name: UpsamplerTokenName, scheme: Scheme) => rgb(UPSAMPLER_TOKENS[name][scheme]);

/** The three figures from the one-file embed; the grids are inside the explainer and the overlap map. */
const FIGURES = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <link rel="icon" href="data:," />
    <title>every figure</title>
    <script src="tconv-embed.js"></script>
  </head>
  <body>
    <tconv-matrix input="4" kernel="3" step="1.1" loading="eager"></tconv-matrix>
    <tconv-overlap kernel="3" stride="2" loading="eager"></tconv-overlap>
    <tconv-upsampler src="sample:detail" loading="eager"></tconv-upsampler>
  </body>
</html>`;

beforeAll(async () => {
  server = await serveSite({ pages: { 'figures.html': FIGURES } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens a page of the site (watched for errors) and waits until `ready` holds in it. */
async function open(path: string, scheme: Scheme, ready: () => boolean): Promise<Page> {
  // Reduced motion: the buttons' colour transitions are off, so a colour reads as set, not halfway.
  const context = await browser.newContext({
    viewport: { width: 1100, height: 900 },
    colorScheme: scheme,
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  checks.watch(page);
  await page.goto(new URL(path, server.url).href);
  await page.waitForFunction(ready, null, { timeout: 60_000 });
  return page;
}

/** Until the upsampler has opened its image (embed.html marks it), so that no page closes mid-start. */
const upsamplerLoaded = () => document.body.dataset.ready === 'true';

/** Until every figure of FIGURES has drawn, and the upsampler has opened its image and is idle. */
function figuresDrawn(): boolean {
  const root = (tag: string) => document.querySelector(tag)?.shadowRoot;
  const grid = root('tconv-matrix')?.querySelector('tconv-grid')?.shadowRoot;
  return (
    !!root('tconv-matrix')?.querySelector('#play') &&
    !!root('tconv-overlap')?.querySelector('.explanation') &&
    !!grid?.querySelector('[role="gridcell"]') &&
    !!root('tconv-upsampler')?.querySelector('.info') &&
    !document.querySelector('tconv-upsampler')!.hasAttribute('busy')
  );
}

/** Colours the upsampler draws, in its own shadow root and in the compare view and kernel editor inside it. */
function upsamplerColours(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('tconv-upsampler')!.shadowRoot!;
    const inner = (tag: string, sel: string) =>
      getComputedStyle(root.querySelector(tag)!.shadowRoot!.querySelector(sel)!);
    const style = (sel: string) => getComputedStyle(root.querySelector(sel)!);
    return {
      text: style('.frame').color,
      surface: style('.side.a').backgroundColor,
      border: style('.side.b').borderLeftColor,
      accent: style('.btn.primary').backgroundColor,
      onAccent: style('.btn.primary').color,
      a: style('.side.a').borderTopColor,
      b: style('.side.b').borderTopColor,
      stage: inner('tconv-upsampler-compare', '.stage').backgroundColor,
      readout: inner('tconv-upsampler-compare', '.readout').backgroundColor,
      kernelField: inner('tconv-upsampler-kernel', '.size').backgroundColor,
    };
  });
}

/** Adopts one style sheet on the page (replacing the last), and lets it apply. */
function setSheet(page: Page, text: string): Promise<void> {
  return page.evaluate(async (text) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    document.adoptedStyleSheets = [sheet];
    await new Promise((r) => requestAnimationFrame(() => r(null)));
  }, text);
}

/** The focus ring the compare view's stage (an element inside the upsampler) draws when focused. */
function stageFocusRing(page: Page): Promise<string> {
  return page.evaluate(() => {
    const compare = document.querySelector('tconv-upsampler')!.shadowRoot!.querySelector('tconv-upsampler-compare')!;
    const stage = compare.shadowRoot!.querySelector<HTMLElement>('.stage')!;
    stage.focus();
    return getComputedStyle(stage).outlineColor;
  });
}

describe('the upsampler on the one theme', () => {
  it('draws with the tokens’ light and dark defaults, by the reader’s scheme or theme="…", inside too', async () => {
    for (const [query, page, scheme] of [
      ['', 'light', 'light'],
      ['', 'dark', 'dark'],
      ['&theme=dark', 'light', 'dark'],
      ['&theme=light', 'dark', 'light'],
    ] as const) {
      const p = await open(`embed.html?figure=upsampler&src=sample:detail${query}`, page, upsamplerLoaded);
      expect(await upsamplerColours(p), `${query || 'no theme'}, page ${page}`).toEqual({
        text: token('text', scheme),
        surface: token('surface', scheme),
        border: token('border', scheme),
        accent: token('accent', scheme),
        onAccent: token('on-accent', scheme),
        a: own('a', scheme),
        b: own('b', scheme),
        stage: own('stage-bg', scheme),
        readout: token('surface', scheme),
        kernelField: token('surface', scheme),
      });
      await p.context().close();
    }
  });

  it('takes a token set once on the page, as every figure does', async () => {
    const page = await open('figures.html', 'light', figuresDrawn);
    const read = () =>
      page.evaluate(() => {
        const root = (tag: string) => document.querySelector(tag)!.shadowRoot!;
        const style = (tag: string, sel: string) => getComputedStyle(root(tag).querySelector(sel)!);
        const grid = root('tconv-matrix').querySelector('tconv-grid')!.shadowRoot!;
        return {
          accent: {
            matrix: style('tconv-matrix', '#play').backgroundColor,
            overlap: style('tconv-overlap', '.explanation').borderLeftColor,
            upsampler: style('tconv-upsampler', '.btn.primary').backgroundColor,
          },
          font: {
            matrix: style('tconv-matrix', '.title').fontFamily,
            overlap: style('tconv-overlap', '.explanation').fontFamily,
            grid: getComputedStyle(grid.querySelector('[role="gridcell"]')!).fontFamily,
            upsampler: style('tconv-upsampler', '.frame').fontFamily,
          },
        };
      });
    const defaults = await read();
    expect(defaults.accent).toEqual({
      matrix: token('accent', 'light'),
      overlap: token('accent', 'light'),
      upsampler: token('accent', 'light'),
    });
    expect(await stageFocusRing(page)).toBe(token('accent', 'light'));

    await setSheet(page, 'body { --tconv-accent: #b5452b; --tconv-font: Georgia, serif; }');
    const themed = await read();
    expect(themed.accent).toEqual({ matrix: rgb('#b5452b'), overlap: rgb('#b5452b'), upsampler: rgb('#b5452b') });
    expect(themed.font).toEqual({
      matrix: 'Georgia, serif',
      overlap: 'Georgia, serif',
      grid: 'Georgia, serif',
      upsampler: 'Georgia, serif',
    });
    // Focus rings follow the accent, in the elements inside the upsampler too.
    expect(await stageFocusRing(page)).toBe(rgb('#b5452b'));
    await page.context().close();
  });

  it('still reads its older names, renamed ones included, and they win on it', async () => {
    const page = await open('figures.html', 'light', figuresDrawn);
    await setSheet(
      page,
      `body { --tconv-accent: #b5452b; --tconv-surface: #fffdf9; }
       tconv-upsampler {
         --tconv-upsampler-accent: #123456;
         --tconv-upsampler-accent-text: #fedcba;
         --tconv-upsampler-surface: #eeeeee;
       }`,
    );
    const colours = await upsamplerColours(page);
    expect(colours).toMatchObject({ accent: rgb('#123456'), onAccent: rgb('#fedcba'), surface: rgb('#eeeeee') });
    // The elements inside read them too.
    expect(colours.readout).toBe(rgb('#eeeeee'));
    expect(await stageFocusRing(page)).toBe(rgb('#123456'));
    // Only on the upsampler: the explainer keeps the shared value.
    const matrixAccent = await page.evaluate(
      () =>
        getComputedStyle(document.querySelector('tconv-matrix')!.shadowRoot!.querySelector('#play')!).backgroundColor,
    );
    expect(matrixAccent).toBe(rgb('#b5452b'));

    // --tconv-upsampler-focus coloured focus rings alone, and still does.
    await setSheet(page, 'tconv-upsampler { --tconv-upsampler-focus: #00aa00; }');
    expect(await stageFocusRing(page)).toBe(rgb('#00aa00'));
    expect((await upsamplerColours(page)).accent).toBe(token('accent', 'light'));
    await page.context().close();
  });
});
