// Every figure readable on any page (issue 15): each element sits on a white,
// a black and a dark-blog (#121418) page, with the reader's OS in light and in
// dark mode, and every text node inside its shadow roots (nested ones too)
// must reach WCAG AA, 4.5:1, against the colour actually behind it: the
// background colours of its ancestors (across shadow roots and slots),
// blended nearest first over the page. With theme auto (the default) the
// figure takes the scheme of the page behind it; theme="light"/"dark" force it.
//
// The page only reports raw computed colours; the blending and the contrast
// are web/lib/color.ts's, which tests/node/color.test.ts checks against
// WCAG's formula.

import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { contrastOf, flatten, parseCssColor, type Rgba } from '../../web/lib/color.js';
import { consoleChecks, launchChromium, serveSite, shots, type SiteServer } from './support.js';

const checks = consoleChecks();

let server: SiteServer;
let browser: Browser;

const HOSTS = { white: '#ffffff', black: '#000000', blog: '#121418' } as const;
type Host = keyof typeof HOSTS;
type Scheme = 'light' | 'dark';

/** The four figures from the one-file embed on a page of `background`; `theme` on each when given. */
function page(background: string, theme = ''): string {
  const t = theme ? ` theme="${theme}"` : '';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="icon" href="data:," />
    <title>contrast</title>
    <style>body { background: ${background}; color: #888; margin: 0; padding: 16px; }</style>
    <script src="tconv-embed.js"></script>
  </head>
  <body>
    <p>A blog post.</p>
    <tconv-matrix input="4" kernel="3" step="1.1" loading="eager"${t}></tconv-matrix>
    <tconv-overlap kernel="3" stride="2" loading="eager"${t}></tconv-overlap>
    <tconv-grid id="grid" label="Signed values" headers${t}></tconv-grid>
    <tconv-upsampler src="sample:detail" loading="eager"${t}></tconv-upsampler>
    <script type="module">
      await customElements.whenDefined('tconv-grid');
      Object.assign(document.getElementById('grid'), {
        rows: 3,
        cols: 3,
        values: new Float32Array([-3, 1.5, 0, 4, 2, -0.25, -4, 1, 0.5]),
      });
    </script>
  </body>
</html>`;
}

const FIGURES = ['tconv-matrix', 'tconv-overlap', 'tconv-grid', 'tconv-upsampler'] as const;

beforeAll(async () => {
  const pages: Record<string, string> = {};
  for (const [name, bg] of Object.entries(HOSTS)) pages[`${name}.html`] = page(bg);
  pages['black-light.html'] = page(HOSTS.black, 'light');
  server = await serveSite({ pages });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Until every figure has drawn, and the upsampler has opened its image and is idle. */
function figuresDrawn(): boolean {
  const root = (tag: string) => document.querySelector(tag)?.shadowRoot;
  const grid = root('tconv-matrix')?.querySelector('tconv-grid')?.shadowRoot;
  return (
    !!root('tconv-matrix')?.querySelector('#play') &&
    !!root('tconv-overlap')?.querySelector('.explanation') &&
    !!grid?.querySelector('[role="gridcell"]') &&
    !!root('tconv-grid')?.querySelector('[role="gridcell"]') &&
    !!root('tconv-upsampler')?.querySelector('.info') &&
    !document.querySelector('tconv-upsampler')!.hasAttribute('busy')
  );
}

async function open(path: string, scheme: Scheme): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 900 },
    colorScheme: scheme,
    reducedMotion: 'reduce',
  });
  const p = await context.newPage();
  checks.watch(p);
  await p.goto(new URL(path, server.url).href);
  await p.waitForFunction(figuresDrawn, null, { timeout: 60_000 });
  return p;
}

/** One visible text node: its text, where it is, its colour, the opacity it is drawn with, and the backgrounds behind it. */
interface TextSample {
  figure: string;
  text: string;
  where: string;
  color: string;
  opacity: number;
  /** Ancestors' background colours, nearest first, up to the document. */
  backgrounds: string[];
  scheme: string | null;
}

/** Every rendered text node inside the figures' shadow roots (recursively), with what decides its contrast. */
function samples(p: Page, figures: readonly string[]): Promise<TextSample[]> {
  return p.evaluate((figures) => {
    const up = (n: Element): Element | null => {
      if (n.assignedSlot) return n.assignedSlot;
      if (n.parentElement) return n.parentElement;
      const root = n.getRootNode();
      return root instanceof ShadowRoot ? root.host : null;
    };
    const path = (n: Element) => {
      const parts: string[] = [];
      for (let e: Element | null = n; e && parts.length < 4; e = up(e))
        parts.unshift(
          e.tagName.toLowerCase() +
            (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''),
        );
      return parts.join(' > ');
    };
    const out: TextSample[] = [];
    const visit = (root: ShadowRoot, figure: string) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node instanceof Element) {
          if (node.shadowRoot) visit(node.shadowRoot, figure);
          continue;
        }
        const text = node.textContent?.trim() ?? '';
        const el = node.parentElement;
        if (!text || !el) continue;
        if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
        // Inactive controls, and the labels of disabled ones, are exempt from WCAG 1.4.3.
        if (el.closest(':disabled, [aria-disabled="true"], label:has(:disabled)')) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const rect = range.getBoundingClientRect();
        if (rect.width <= 1 || rect.height <= 1) continue; // .visually-hidden: for screen readers only
        const style = getComputedStyle(el);
        let opacity = 1;
        const backgrounds: string[] = [];
        for (let e: Element | null = el; e; e = up(e)) {
          const s = getComputedStyle(e);
          opacity *= Number(s.opacity);
          backgrounds.push(s.backgroundColor);
        }
        out.push({
          figure,
          text: text.slice(0, 40),
          where: path(el),
          color: el instanceof SVGElement ? style.fill : style.color,
          opacity,
          backgrounds,
          scheme: document.querySelector(figure)!.getAttribute('data-scheme'),
        });
      }
    };
    for (const figure of figures) visit(document.querySelector(figure)!.shadowRoot!, figure);
    return out;
  }, figures);
}

/** The page's canvas behind everything: white unless the document is transparent on a dark OS. */
const CANVAS: Record<Scheme, Rgba> = { light: [255, 255, 255, 1], dark: [18, 18, 18, 1] };

function color(text: string, what: string): Rgba {
  const c = parseCssColor(text);
  if (!c) throw new Error(`${what}: cannot read the colour ${text}`);
  return c;
}

/** The contrast of each sample against the colour behind it, lowest first. */
function measure(list: TextSample[], scheme: Scheme) {
  return list
    .map((s) => {
      const behind = flatten(
        s.backgrounds.map((b) => color(b, s.where)),
        CANVAS[scheme],
      );
      const [r, g, b, a] = color(s.color, s.where);
      const fg = flatten([[r, g, b, a * s.opacity]], behind);
      return { ...s, ratio: contrastOf(fg, behind), behind };
    })
    .sort((x, y) => x.ratio - y.ratio);
}

const worstOverall: { ratio: number; where: string }[] = [];

describe('every figure is readable on any page', () => {
  for (const host of Object.keys(HOSTS) as Host[])
    for (const scheme of ['light', 'dark'] as const)
      it(`on a ${host} page (${HOSTS[host]}), OS ${scheme}: every text node ≥ 4.5:1`, async () => {
        const p = await open(`${host}.html`, scheme);
        const measured = measure(await samples(p, FIGURES), scheme);
        expect(new Set(measured.map((m) => m.figure))).toEqual(new Set(FIGURES));
        expect(measured.length).toBeGreaterThan(40);
        const worst = measured[0];
        worstOverall.push({ ratio: worst.ratio, where: `${host}/${scheme}: ${worst.where} "${worst.text}"` });
        expect(
          worst.ratio,
          `worst: ${worst.figure} ${worst.where} "${worst.text}" ${worst.color} on rgb(${worst.behind.slice(0, 3).map(Math.round).join(', ')})`,
        ).toBeGreaterThanOrEqual(4.5);
        // The scheme follows the page, not the OS: dark on black and on the dark blog, light on white.
        const expected = host === 'white' ? 'light' : 'dark';
        expect(new Set(measured.map((m) => m.scheme))).toEqual(new Set([expected]));
        if (host === 'blog' && scheme === 'light') {
          await p.screenshot({ path: `${shots}/contrast-dark-blog-light-os-390.png`, fullPage: true });
          for (const figure of ['tconv-overlap', 'tconv-upsampler'])
            await p.locator(figure).screenshot({ path: `${shots}/contrast-dark-blog-light-os-390-${figure}.png` });
        }
        await p.context().close();
      });

  it('forced theme="light" on a black page is readable because the figure paints its own surface, and the check catches it when it does not', async () => {
    const p = await open('black-light.html', 'dark');
    const forced = measure(await samples(p, FIGURES), 'dark');
    expect(new Set(forced.map((m) => m.scheme))).toEqual(new Set(['light']));
    expect(forced[0].ratio, `${forced[0].where} "${forced[0].text}"`).toBeGreaterThanOrEqual(4.5);
    // Without its own surface, the overlap map's dark text would sit on the black page.
    await p.evaluate(() => {
      const root = document.querySelector('tconv-overlap')!.shadowRoot!;
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(':host { background-color: transparent !important; }');
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    });
    const bare = measure(await samples(p, ['tconv-overlap']), 'dark');
    expect(bare[0].ratio).toBeLessThan(4.5);
    await p.context().close();
  });

  it('follows the page when it switches to dark after loading, and theme="auto" is the same as none', async () => {
    const p = await open('white.html', 'light');
    const schemes = () =>
      p.evaluate((figures) => figures.map((f) => document.querySelector(f)!.getAttribute('data-scheme')), [...FIGURES]);
    expect(await schemes()).toEqual(['light', 'light', 'light', 'light']);
    await p.evaluate(() => document.body.setAttribute('style', 'background: #121418'));
    await expect.poll(schemes).toEqual(['dark', 'dark', 'dark', 'dark']);
    await p.evaluate(() => document.querySelector('tconv-overlap')!.setAttribute('theme', 'light'));
    await expect.poll(schemes).toEqual(['dark', 'light', 'dark', 'dark']);
    await p.evaluate(() => document.querySelector('tconv-overlap')!.setAttribute('theme', 'auto'));
    await expect.poll(schemes).toEqual(['dark', 'dark', 'dark', 'dark']);
    expect(measure(await samples(p, FIGURES), 'light')[0].ratio).toBeGreaterThanOrEqual(4.5);
    await p.context().close();
  });

  afterAll(() => {
    if (worstOverall.length) {
      const worst = worstOverall.sort((a, b) => a.ratio - b.ratio)[0];
      console.info(`lowest contrast measured: ${worst.ratio.toFixed(2)}:1 at ${worst.where}`);
    }
  });
});
