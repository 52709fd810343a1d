// <tconv-grid> in real Chromium (Debian's, driven by playwright-core): the
// component's demo page served by Vite's dev server. Everything is read back
// from the DOM (through the open shadow roots): ARIA structure, roving
// tabindex and keyboard navigation, the events, the cell kinds' styles, and
// linked highlighting. Every test gets the demo freshly loaded, so none sees
// what another one changed.

import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';

import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { signedColor } from '../../web/lib/color.js';
import { consoleChecks, launchChromium, root } from './support.js';

let server: ViteDevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let url: string;
const checks = consoleChecks();

/** The demo's viewport; the pointer is parked at its top-right corner, away from every grid. */
const VIEWPORT = { width: 1100, height: 900 };
const AWAY = { x: VIEWPORT.width - 10, y: 5 };

interface HoverEvent {
  type: string;
  ref: string | null;
  gridId: string;
  index: number | null;
  source?: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Opens the demo (with `?noperf`, without the two large timing grids, which
 * only the test about them needs) and records the grids' events.
 */
async function openDemo(p: Page, query = '?noperf'): Promise<void> {
  checks.watch(p);
  await p.goto(url + query, { waitUntil: 'load' });
  await p.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  // Record every event the grids send, in order.
  await p.evaluate(() => {
    const w = window as unknown as { __events: unknown[] };
    w.__events = [];
    for (const type of ['tconv-cell-hover', 'tconv-cell-activate']) {
      document.addEventListener(type, (e) => w.__events.push({ type, ...(e as CustomEvent).detail }));
    }
  });
}

const events = (p: Page = page) =>
  p.evaluate(() => (window as unknown as { __events: HoverEvent[] }).__events.splice(0));

/** Index of the focused cell inside grid `id`, or null when focus is elsewhere. */
const focusedIndex = (id: string, p: Page = page) =>
  p.evaluate((id) => {
    const host = document.getElementById(id)!;
    if (document.activeElement !== host) return null;
    const el = host.shadowRoot!.activeElement as HTMLElement | null;
    return el ? Number(el.dataset.index) : null;
  }, id);

/** 'rgb(r, g, b)' or 'rgba(r, g, b, a)' → [r, g, b]. */
const rgb = (css: string) => css.match(/\d+/g)!.slice(0, 3).map(Number);
/** '#rrggbb' → [r, g, b]. */
const hexRgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** Cell `index` of grid `id` as a selector (Playwright's CSS pierces open shadow roots). */
const cell = (id: string, index: number) => `#${id} [role="gridcell"][data-index="${index}"]`;

beforeAll(async () => {
  const port = await freePort();
  server = await createServer({
    root,
    configFile: false,
    logLevel: 'warn',
    cacheDir: join(root, 'build/vite-grid-test'),
    optimizeDeps: { include: ['lit'], noDiscovery: true },
    server: { host: '127.0.0.1', port, strictPort: true, hmr: false, watch: null },
  });
  await server.listen();
  url = `http://127.0.0.1:${port}/web/components/tconv-grid/demo.html`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

beforeEach(async () => {
  // Reduced motion: computed styles are read right after changes, with no transition in between.
  context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light', reducedMotion: 'reduce' });
  page = await context.newPage();
  await openDemo(page);
  await page.mouse.move(AWAY.x, AWAY.y);
  await events();
});

afterEach(async () => {
  await context?.close();
});

describe('<tconv-grid> structure', () => {
  it('renders every demo grid as an ARIA grid whose counts match its cells', async () => {
    const grids = await page.$$eval('tconv-grid', (hosts) =>
      hosts.map((h) => {
        const g = h.shadowRoot!.querySelector('[role="grid"]')!;
        const host = h as HTMLElement & { rows: number; cols: number; label: string };
        const rows = Array.from(g.querySelectorAll('[role="row"]'));
        return {
          id: h.id,
          rows: host.rows,
          cols: host.cols,
          label: host.label,
          ariaLabel: g.getAttribute('aria-label'),
          ariaRows: Number(g.getAttribute('aria-rowcount')),
          ariaCols: Number(g.getAttribute('aria-colcount')),
          rowEls: rows.length,
          cellsPerRow: rows.map((r) => r.querySelectorAll('[role="gridcell"]').length),
          cellEls: g.querySelectorAll('[role="gridcell"]').length,
          rowIndexOk: rows.every((r, i) => r.getAttribute('aria-rowindex') === String(i + 1)),
          cellIndexOk: Array.from(g.querySelectorAll('[role="gridcell"]')).every(
            (c, i) =>
              c.getAttribute('aria-rowindex') === String(Math.floor(i / host.cols) + 1) &&
              c.getAttribute('aria-colindex') === String((i % host.cols) + 1),
          ),
          caption: h.shadowRoot!.querySelector('[part="caption"]')!.textContent!.replace(/\s+/g, ' ').trim(),
          tabStops: g.querySelectorAll('[tabindex="0"]').length,
        };
      }),
    );
    expect(grids.map((g) => g.id).slice(0, 7)).toEqual(['signed', 'layout', 'lx', 'lk', 'lout', 'lC', 'compact']);
    for (const g of grids) {
      expect(g.rows * g.cols, g.id).toBeGreaterThan(0);
      expect(g.ariaLabel, g.id).toBe(`${g.label} (${g.rows}×${g.cols})`);
      expect(g.caption, g.id).toBe(`${g.label} · ${g.rows}×${g.cols}`);
      expect([g.ariaRows, g.ariaCols], g.id).toEqual([g.rows, g.cols]);
      expect(g.rowEls, g.id).toBe(g.rows);
      expect(g.cellsPerRow, g.id).toEqual(Array(g.rows).fill(g.cols));
      expect(g.cellEls, g.id).toBe(g.rows * g.cols);
      expect(g.rowIndexOk && g.cellIndexOk, g.id).toBe(true);
      expect(g.tabStops, g.id).toBe(1);
    }
    const C = grids.find((g) => g.id === 'lC')!;
    expect([C.rows, C.cols, C.label]).toEqual([4, 16, 'Convolution matrix C']);
    expect(grids.find((g) => g.id === 'compact')!.cellEls).toBe(36 * 64);
  });

  it('shows formatted values and reads each cell as "row r, column c: value"', async () => {
    const cells = await page.$$eval('#signed [role="gridcell"]', (els) =>
      els.map((e) => ({ text: e.textContent, label: e.getAttribute('aria-label') })),
    );
    // revealed = 6: the first six show their values, the rest are empty placeholders
    expect(cells.slice(0, 6).map((c) => c.text)).toEqual(['−3', '1.5', '0', '4', '2', '−0.25']);
    expect(cells[0].label).toBe('row 1, column 1: −3');
    expect(cells[5].label).toBe('row 2, column 2: −0.25');
    for (const c of cells.slice(6)) {
      expect(c.text).toBe('');
      expect(c.label).toMatch(/^row \d, column \d: not yet computed$/);
    }
    // the placeholders keep the cells' size
    const sizes = await page.$$eval('#signed [role="gridcell"]', (els) =>
      els.map((e) => `${Math.round(e.getBoundingClientRect().width)}x${Math.round(e.getBoundingClientRect().height)}`),
    );
    expect(new Set(sizes).size).toBe(1);
    // subscripts and cellText end up in the accessible name
    expect(await page.getAttribute(cell('lC', 1), 'aria-label')).toBe('row 1, column 2: 4, w₂, kernel weight 2');
    expect(await page.getAttribute(cell('lC', 3), 'aria-label')).toBe('row 1, column 4: 0, structural zero');
    expect(await page.getAttribute(cell('layout', 0), 'aria-label')).toBe('row 1, column 1: 0, padding');
    expect(await page.getAttribute(cell('layout', 8), 'aria-label')).toBe('row 2, column 3: 0, inserted zero');
  });

  it('reveals more cells when `revealed` grows, without rebuilding the others', async () => {
    const before = await page.$eval(cell('signed', 0), (e) => {
      (e as unknown as { __mark: number }).__mark = 1;
      return e.textContent;
    });
    await page.click('#step');
    await page.$eval('#signed', (h) => (h as unknown as { updateComplete: Promise<boolean> }).updateComplete);
    expect(await page.textContent(cell('signed', 6))).toBe('−4');
    expect(await page.getAttribute(cell('signed', 7), 'aria-label')).toBe('row 2, column 4: not yet computed');
    expect(await page.$eval(cell('signed', 6), (e) => e.classList.contains('act'))).toBe(true);
    expect(await page.$eval(cell('signed', 5), (e) => e.classList.contains('act'))).toBe(false);
    // the same element, still showing its value
    expect(await page.$eval(cell('signed', 0), (e) => (e as unknown as { __mark?: number }).__mark)).toBe(1);
    expect(await page.textContent(cell('signed', 0))).toBe(before);
  });
});

describe('<tconv-grid> keyboard', () => {
  it('is one Tab stop and moves focus with the arrow keys, Home/End, Ctrl+Home/End and PageUp/PageDown', async () => {
    await page.focus('#all'); // the button just before the grid
    await page.keyboard.press('Tab');
    expect(await focusedIndex('signed')).toBe(0);
    expect((await events()).map((e) => e.ref)).toEqual(['s:0']);
    const moves: [string, number][] = [
      ['ArrowRight', 1],
      ['ArrowDown', 5],
      ['ArrowRight', 6],
      ['ArrowUp', 2],
      ['ArrowLeft', 1],
      ['End', 3],
      ['ArrowRight', 3], // stays at the edge
      ['Home', 0],
      ['ArrowLeft', 0],
      ['Control+End', 15],
      ['PageUp', 3],
      ['PageDown', 15],
      ['Control+Home', 0],
      ['PageDown', 12],
      ['ArrowDown', 12],
    ];
    const refs: (string | null)[] = [];
    for (const [key, expected] of moves) {
      await page.keyboard.press(key);
      expect(await focusedIndex('signed'), key).toBe(expected);
      const tabStops = await page.$$eval('#signed [role="gridcell"]', (els) =>
        els.flatMap((e, i) => ((e as HTMLElement).tabIndex === 0 ? [i] : [])),
      );
      expect(tabStops, key).toEqual([expected]);
      refs.push(...(await events()).filter((e) => e.type === 'tconv-cell-hover').map((e) => e.ref));
    }
    // one hover event per actual move, with the right ref (no event when focus stays put)
    expect(refs).toEqual(['s:1', 's:5', 's:6', 's:2', 's:1', 's:3', 's:0', 's:15', 's:3', 's:15', 's:0', 's:12']);

    // Tab leaves the grid; Shift+Tab comes back to the remembered cell.
    await page.keyboard.press('Tab');
    expect(await focusedIndex('signed')).toBe(null);
    expect(await focusedIndex('layout')).toBe(0);
    const out = await events();
    expect(out.find((e) => e.gridId === 's')).toEqual({
      type: 'tconv-cell-hover',
      ref: null,
      gridId: 's',
      index: null,
    });
    await page.keyboard.press('Shift+Tab');
    expect(await focusedIndex('signed')).toBe(12);
  });

  it('pages by 5 rows in a tall grid', async () => {
    await page.focus(cell('compact', 3)); // 36×64
    const seen: (number | null)[] = [];
    for (const key of ['PageDown', 'PageDown', 'PageUp', 'Control+End', 'PageUp', 'Home']) {
      await page.keyboard.press(key);
      seen.push(await focusedIndex('compact'));
    }
    expect(seen).toEqual([5 * 64 + 3, 10 * 64 + 3, 5 * 64 + 3, 36 * 64 - 1, 31 * 64 - 1, 30 * 64]);
  });

  it('fires tconv-cell-activate on Enter and Space', async () => {
    await page.focus(cell('lx', 0));
    await page.keyboard.press('ArrowRight');
    await events();
    await page.keyboard.press('Enter');
    await page.keyboard.press(' ');
    expect(await events()).toEqual([
      { type: 'tconv-cell-activate', ref: 'x:1', gridId: 'x', index: 1, source: 'keyboard' },
      { type: 'tconv-cell-activate', ref: 'x:1', gridId: 'x', index: 1, source: 'keyboard' },
    ]);
  });

  it('focusCell() moves the tab stop and focus; cellRect() returns the cell box', async () => {
    const r = await page.$eval('#lC', (h) => {
      const g = h as HTMLElement & { focusCell(i: number): void; cellRect(i: number): DOMRect | null };
      g.focusCell(20);
      const box = (d: DOMRect) => [d.x, d.y, d.width, d.height];
      return {
        rect: box(g.cellRect(20)!),
        focused: box(g.shadowRoot!.activeElement!.getBoundingClientRect()),
        none: g.cellRect(999),
      };
    });
    expect(r.rect).toEqual(r.focused);
    expect(r.rect[2] * r.rect[3]).toBeGreaterThan(0); // a drawn cell, not an empty box
    expect(r.none).toBeNull();
    expect(await focusedIndex('lC')).toBe(20);
    expect((await events()).filter((e) => e.type === 'tconv-cell-hover').map((e) => e.ref)).toEqual(['C:20']);
  });
});

describe('<tconv-grid> pointer and linked highlighting', () => {
  it('sends the hovered ref, null on leaving, and the demo highlights the linked cells', async () => {
    await page.hover(cell('lC', 21)); // row 2, column 6: x₅ times weight w₄
    let ev = await events();
    expect(ev.at(-1)).toEqual({ type: 'tconv-cell-hover', ref: 'C:21', gridId: 'C', index: 21 });
    const classes = (id: string, cls: string) =>
      page.$$eval(
        `#${id} [role="gridcell"]`,
        (els, cls) => els.flatMap((e, i) => (e.classList.contains(cls) ? [i] : [])),
        cls,
      );
    expect(await classes('lC', 'act')).toEqual([21]);
    expect(await classes('lx', 'hl')).toEqual([5]);
    expect(await classes('lout', 'hl')).toEqual([1]);
    expect(await classes('lk', 'hl')).toEqual([3]);

    await page.hover(cell('lout', 0));
    ev = await events();
    expect(ev.map((e) => e.ref)).toEqual([null, 'out:0']); // left C, entered out
    expect(await classes('lC', 'hl')).toEqual([...Array(16).keys()]);
    expect(await classes('lx', 'hl')).toEqual([0, 1, 2, 4, 5, 6, 8, 9, 10]);
    expect(await classes('lC', 'act')).toEqual([]);

    await page.mouse.move(AWAY.x, AWAY.y);
    expect((await events()).map((e) => e.ref)).toEqual([null]);
    expect(await classes('lC', 'hl')).toEqual([]);
  });

  it('applies `highlighted`, `active` and `faded` as classes on exactly those cells, with visible styles', async () => {
    const res = await page.$eval('#lC', async (h) => {
      const g = h as HTMLElement & {
        highlighted: Set<number>;
        active: Set<number>;
        updateComplete: Promise<boolean>;
      };
      const cells = Array.from(g.shadowRoot!.querySelectorAll<HTMLElement>('[role="gridcell"]'));
      const marked = cells[40];
      g.highlighted = new Set([1, 17, 33, 49]);
      g.active = new Set([33]);
      await g.updateComplete;
      const which = (cls: string) => cells.flatMap((c, i) => (c.classList.contains(cls) ? [i] : []));
      const out = {
        hl: which('hl'),
        act: which('act'),
        fad: which('fad').length,
        sameElement: g.shadowRoot!.querySelectorAll('[role="gridcell"]')[40] === marked,
        shadowPlain: getComputedStyle(cells[2]).boxShadow,
        shadowHl: getComputedStyle(cells[1]).boxShadow,
        shadowAct: getComputedStyle(cells[33]).boxShadow,
        fadedBg: getComputedStyle(cells[3]).backgroundColor,
      };
      g.highlighted = new Set([2]);
      g.active = new Set();
      await g.updateComplete;
      return { ...out, hlAfter: which('hl'), actAfter: which('act') };
    });
    expect(res.hl).toEqual([1, 17, 33, 49]);
    expect(res.act).toEqual([33]);
    expect(res.fad).toBe(64 - 36); // the structural zeros of the 4×16 C
    expect(res.sameElement).toBe(true); // no re-render of the cells
    expect(res.shadowPlain).toBe('none');
    expect(res.shadowHl).not.toBe('none');
    expect(res.shadowAct).not.toBe('none');
    expect(res.shadowAct).not.toBe(res.shadowHl);
    expect(res.fadedBg).toMatch(/\/ 0\.\d+\)$|rgba\(.*, 0\.\d+\)$/); // translucent
    expect(res.hlAfter).toEqual([2]);
    expect(res.actAfter).toEqual([]);
  });

  it('toggles on touch: a tap sends the ref, a second tap on the same cell sends null', async () => {
    const touch = await browser.newContext({ viewport: { width: 400, height: 800 }, hasTouch: true, isMobile: true });
    try {
      const p = await touch.newPage();
      await openDemo(p);
      await p.tap(cell('lx', 2));
      let ev = await events(p);
      expect(ev.filter((e) => e.type === 'tconv-cell-hover').map((e) => e.ref)).toEqual(['x:2']);
      expect(ev.filter((e) => e.type === 'tconv-cell-activate').map((e) => e.source)).toEqual(['touch']);
      await p.tap(cell('lx', 2));
      ev = await events(p);
      expect(ev.filter((e) => e.type === 'tconv-cell-hover').map((e) => e.ref)).toEqual([null]);
      await p.tap(cell('lx', 3));
      ev = await events(p);
      expect(ev.filter((e) => e.type === 'tconv-cell-hover').map((e) => e.ref)).toEqual(['x:3']);
    } finally {
      await touch.close();
    }
  });
});

describe('<tconv-grid> appearance', () => {
  it('draws padding and inserted zeros distinctly from data and from each other, also without colour', async () => {
    const style = (i: number) =>
      page.$eval(cell('layout', i), (e) => {
        const s = getComputedStyle(e);
        return {
          border: s.borderTopStyle,
          image: s.backgroundImage,
          bg: s.backgroundColor,
          part: e.getAttribute('part'),
        };
      });
    const [pad, ins, data] = [await style(0), await style(8), await style(7)];
    expect([pad.border, ins.border, data.border]).toEqual(['dashed', 'dotted', 'solid']);
    expect(pad.image).toContain('repeating-linear-gradient'); // hatched
    expect(ins.image).toContain('radial-gradient'); // dotted pattern
    expect(data.image).toBe('none');
    expect(pad.bg).not.toBe(ins.bg);
    expect([pad.part, ins.part, data.part]).toEqual(['cell pad', 'cell inserted', 'cell']);
  });

  it('has transitions on small grids, none with prefers-reduced-motion or on large grids', async () => {
    const duration = (sel: string) => page.$eval(sel, (e) => getComputedStyle(e).transitionDuration);
    expect(await duration(cell('lx', 0))).toMatch(/^0s(, 0s)*$/); // the page runs with reduced motion
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    expect(await duration(cell('lx', 0))).not.toMatch(/^0s(, 0s)*$/);
    expect(await duration(cell('compact', 0))).toMatch(/^0s(, 0s)*$/); // 2304 cells
  });

  it('colours by sign and switches to dark colours with theme="dark"', async () => {
    const bg = async (i: number, p: Page = page) =>
      rgb(await p.$eval(cell('signed', i), (e) => getComputedStyle(e).backgroundColor));
    // Cells 0, 2 and 3 of the signed grid hold −3, 0 and 4.
    const [neg, zero, pos] = [await bg(0), await bg(2), await bg(3)];
    expect(neg[2]).toBeGreaterThan(neg[0]); // −3: blue
    expect(pos[0]).toBeGreaterThan(pos[2]); // 4: orange
    expect(zero).toEqual(hexRgb(signedColor(0, 1, false))); // 0: the scale's light neutral
    await page.$eval('#signed', async (h) => {
      h.setAttribute('theme', 'dark');
      await (h as unknown as { updateComplete: Promise<boolean> }).updateComplete;
    });
    expect(await bg(2)).toEqual(hexRgb(signedColor(0, 1, true)));
    expect(await bg(3)).not.toEqual(pos);

    // With no theme attribute, a dark colour scheme picks the dark colours too.
    const dark = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'dark' });
    try {
      const p = await dark.newPage();
      await openDemo(p);
      expect(await bg(2, p)).toEqual(hexRgb(signedColor(0, 1, true)));
    } finally {
      await dark.close();
    }
  });

  it('scrolls wide grids inside their own box at 360 px, never the page', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    const m = await page.evaluate(() => {
      const compact = document.getElementById('compact')!;
      const scroller = compact.shadowRoot!.querySelector('[role="grid"]')!.parentElement!;
      return {
        page: document.documentElement.scrollWidth,
        host: compact.getBoundingClientRect().right,
        scrollW: scroller.scrollWidth,
        clientW: scroller.clientWidth,
        overflow: getComputedStyle(scroller).overflowX,
      };
    });
    expect(m.page).toBeLessThanOrEqual(360);
    expect(m.host).toBeLessThanOrEqual(360);
    expect(m.overflow).toBe('auto');
    expect(m.scrollW).toBeGreaterThan(m.clientW);
  });

  // Speed is a benchmark's business (the demo page prints its timings); here
  // only that the largest matrices render completely.
  it('renders 64×100 and 100×196 matrices completely', async () => {
    await openDemo(page, '');
    const perf = await page.evaluate(() => (window as unknown as { __perf: { size: string }[] }).__perf);
    expect(perf.map((p) => p.size)).toEqual(['64×100', '100×196']);
    const count = await page.$eval(
      '#perf-host tconv-grid:last-child',
      (h) => h.shadowRoot!.querySelectorAll('[role="gridcell"]').length,
    );
    expect(count).toBe(100 * 196);
  });
});
