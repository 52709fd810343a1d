// The embed's other ways in, in real Chromium: the iframe page embed.html
// (one file: one figure, its parameters as attributes, on a transparent page;
// an unknown figure explained) and its multi-file twin embed-csp.html, and the
// explainer's "Copy embed code", whose script snippet and iframe snippet each
// show the same figure. embed.html copied alone next to a post, and the
// iframe's height: embed-alone.test.ts. Setup and helpers: embed-support.ts.

import { describe, expect, it } from 'vitest';

import { defaultHeight, resizeScript } from '../../web/components/shared/embed-code.js';
import { barePage, base, embedSuite, events, open, otherRequests, server } from './embed-support.js';

embedSuite();

describe('embed.html (the iframe page)', () => {
  it.each(['embed.html', 'embed-csp.html'])(
    '%s shows one matrix with the parameters as attributes, on a transparent page',
    async (file) => {
      const url = `${base}${file}?figure=matrix&input=5&kernel=3&stride=2&step=4&theme=light&bogus=1`;
      const o = await open(url);
      const { page } = o;
      try {
        await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
        // embed.html is one file; embed-csp.html loads its script (and the core) from assets/.
        const assets = otherRequests(o.requests, url, '');
        if (file === 'embed.html') expect(assets).toEqual([]);
        else expect(assets.some((r) => r.startsWith(`${base}assets/`))).toBe(true);
        const body = await page.evaluate(() => ({
          children: Array.from(document.body.children, (c) => c.localName).filter(
            (n) => n !== 'script' && n !== 'noscript',
          ),
          background: getComputedStyle(document.body).backgroundColor,
          html: getComputedStyle(document.documentElement).backgroundColor,
        }));
        expect(body).toEqual({ children: ['tconv-matrix'], background: 'rgba(0, 0, 0, 0)', html: 'rgba(0, 0, 0, 0)' });
        const attrs = await page.evaluate(() => {
          const el = document.querySelector('tconv-matrix')!;
          return Object.fromEntries(Array.from(el.attributes, (a) => [a.name, a.value]));
        });
        expect(attrs).toMatchObject({ input: '5', kernel: '3', stride: '2', step: '4', theme: 'light' });
        expect(attrs).not.toHaveProperty('bogus');
        const C = await page.evaluate(() => {
          const g = document.querySelector('tconv-matrix')!.shadowRoot!.querySelector('tconv-grid[grid-id="C"]')!;
          const grid = g.shadowRoot!.querySelector('[role="grid"]')!;
          return [grid.getAttribute('aria-rowcount'), grid.getAttribute('aria-colcount')];
        });
        expect(C).toEqual(['4', '25']);
        expect(o.errors).toEqual([]);
      } finally {
        await o.context.close();
      }
    },
  );

  it('shows the overlap and the upsampler, and explains an unknown figure', async () => {
    const o = await open(`${base}embed.html?figure=overlap&kernel=3&stride=2&maps=all`);
    try {
      await o.page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      const n = await o.page.evaluate(
        () => document.querySelector('tconv-overlap')!.shadowRoot!.querySelectorAll('tconv-grid').length,
      );
      expect(n).toBe(3);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
    const u = await open(`${base}embed.html?figure=upsampler&src=sample:text&scale=3`);
    try {
      await u.page.waitForFunction(
        () =>
          (window as unknown as { __events: [string, string, { width: number }][] }).__events.filter(
            ([t]) => t === 'tconv-result',
          ).length >= 2,
        null,
        { timeout: 60_000 },
      );
      const ev = await events(u.page);
      const load = ev.find(([t]) => t === 'tconv-load')![2] as { width: number; height: number };
      const result = ev.find(([t]) => t === 'tconv-result')![2] as { width: number; height: number };
      expect([result.width, result.height]).toEqual([load.width * 3, load.height * 3]);
      expect(u.errors).toEqual([]);
    } finally {
      await u.context.close();
    }
    const bad = await open(`${base}embed.html?figure=nope`);
    try {
      expect(await bad.page.textContent('[role="alert"]')).toContain('Unknown figure');
    } finally {
      await bad.context.close();
    }
  });
});

describe('the explainer’s “Copy embed code”', () => {
  it('copies a script snippet and an iframe snippet that show the same figure', async () => {
    const query = '?input=5&kernel=3&stride=2&step=4.1';
    const o = await open(`${base}index.html${query}`, { permissions: ['clipboard-read', 'clipboard-write'] });
    const { page } = o;
    try {
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      await page.click('tconv-matrix #copy-embed');
      await expect
        .poll(() =>
          page.evaluate(
            () => document.querySelector('tconv-matrix')!.shadowRoot!.querySelector('.status')!.textContent,
          ),
        )
        .toContain('The embed code copied');
      const code = await page.evaluate(() => navigator.clipboard.readText());
      expect(code).toContain(`<script src="${base}tconv-embed.js"></script>`);
      expect(code).toContain('<tconv-matrix input="5" kernel="3" stride="2" step="4.1"></tconv-matrix>');
      const iframe = /<iframe src="([^"]+)"/.exec(code)![1].replace(/&amp;/g, '&');
      expect(iframe).toBe(`${base}embed.html?figure=matrix&input=5&kernel=3&stride=2&step=4.1`);
      // The iframe snippet: the iframe at chapter 4's height, then the lines that resize it.
      const [, iframeSnippet] = code.split('\n\n');
      expect(iframeSnippet).toContain(`height="${defaultHeight('matrix', [['step', '4.1']])}"`);
      expect(iframeSnippet.endsWith(`></iframe>\n${resizeScript()}`)).toBe(true);

      // The script snippet, pasted into a page of its own, shows the same figure.
      const snippet = code.split('\n\n')[0];
      server.pages.set('pasted.html', barePage(snippet, 0));
      const pasted = await open(`${base}pasted.html`);
      try {
        await pasted.page.waitForFunction(() =>
          (window as unknown as { __events: [string][] }).__events.some(([t]) => t === 'tconv-ready'),
        );
        const m = await pasted.page.evaluate(() => {
          const el = document.querySelector('tconv-matrix')!;
          const grid = el
            .shadowRoot!.querySelector('tconv-grid[grid-id="C"]')!
            .shadowRoot!.querySelector('[role="grid"]')!;
          return {
            step: el.getAttribute('step'),
            C: [grid.getAttribute('aria-rowcount'), grid.getAttribute('aria-colcount')],
          };
        });
        expect(m).toEqual({ step: '4.1', C: ['4', '25'] });
        expect(pasted.errors).toEqual([]);
      } finally {
        await pasted.context.close();
      }
      // So does the iframe's page.
      const framed = await open(iframe);
      try {
        await framed.page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
        expect(await framed.page.getAttribute('tconv-matrix', 'step')).toBe('4.1');
      } finally {
        await framed.context.close();
      }
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });
});
