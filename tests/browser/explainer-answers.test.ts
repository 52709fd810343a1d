// The explainer's answers to what learners ask (issue 12), in real Chromium
// against the built site: chapter 6's dashed window and the Cᵀ ≠ C⁻¹ demo,
// chapter 5's output_padding figure and names, chapter 7's flip box, the
// matrices' row and column numbers, and the notice of a link that cannot be
// drawn, at the top of the figure. Every expected number is computed here
// from the definitions (a direct conv2d and scatter in double precision),
// not read from web/lib/explainer and not written down by hand.

import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { consoleChecks, launchChromium, serveSite, type SiteServer } from './support.js';

let server: SiteServer;
let browser: Browser;
const checks = consoleChecks();

beforeAll(async () => {
  server = await serveSite();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

// ---- the definitions ----

interface Conf {
  input: [number, number];
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  outputPadding: [number, number];
}

const SEED_X = [4, 5, 8, 7, 1, 8, 8, 8, 3, 6, 6, 4, 6, 5, 7, 8];
const SEED_K = [1, 4, 1, 1, 4, 3, 3, 3, 1];
const SEED_Y = [2, 1, 4, 4];

function conf(c: Partial<Conf> = {}): Conf {
  return {
    input: [4, 4],
    kernel: [3, 3],
    stride: [1, 1],
    padding: [0, 0],
    dilation: [1, 1],
    outputPadding: [0, 0],
    ...c,
  };
}

const outSize = (c: Conf, d: 0 | 1) =>
  Math.floor((c.input[d] + 2 * c.padding[d] - c.dilation[d] * (c.kernel[d] - 1) - 1) / c.stride[d]) + 1;
const transposedSize = (c: Conf, n: number, d: 0 | 1, op = c.outputPadding[d]) =>
  (n - 1) * c.stride[d] - 2 * c.padding[d] + c.dilation[d] * (c.kernel[d] - 1) + op + 1;

/** conv2d (a cross-correlation) of an H×W x. */
function conv2d(c: Conf, x: number[]): number[] {
  const [oh, ow] = [outSize(c, 0), outSize(c, 1)];
  const out = new Array<number>(oh * ow).fill(0);
  for (let a = 0; a < oh; a++)
    for (let b = 0; b < ow; b++)
      for (let u = 0; u < c.kernel[0]; u++)
        for (let v = 0; v < c.kernel[1]; v++) {
          const h = a * c.stride[0] + u * c.dilation[0] - c.padding[0];
          const w = b * c.stride[1] + v * c.dilation[1] - c.padding[1];
          if (h >= 0 && h < c.input[0] && w >= 0 && w < c.input[1])
            out[a * ow + b] += SEED_K_OF(c)[u * c.kernel[1] + v] * x[h * c.input[1] + w];
        }
  return out;
}

/** conv_transpose2d as a scatter of y (Hout×Wout) through kernel k. */
function scatter(
  c: Conf,
  y: number[],
  k: number[],
  op = c.outputPadding,
): { rows: number; cols: number; values: number[] } {
  const [n0, n1] = [outSize(c, 0), outSize(c, 1)];
  const [rows, cols] = [transposedSize(c, n0, 0, op[0]), transposedSize(c, n1, 1, op[1])];
  const values = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < n0; i++)
    for (let j = 0; j < n1; j++)
      for (let u = 0; u < c.kernel[0]; u++)
        for (let v = 0; v < c.kernel[1]; v++) {
          const h = i * c.stride[0] + u * c.dilation[0] - c.padding[0];
          const w = j * c.stride[1] + v * c.dilation[1] - c.padding[1];
          if (h >= 0 && h < rows && w >= 0 && w < cols) values[h * cols + w] += y[i * n1 + j] * k[u * c.kernel[1] + v];
        }
  return { rows, cols, values };
}

/** The seed preset's rule: the article's grid where it has one of that many values, else 1, 2, 3, … */
const seedOr = (table: number[], n: number) =>
  table.length === n ? table : Array.from({ length: n }, (_, i) => i + 1);
const SEED_K_OF = (c: Conf) => seedOr(SEED_K, c.kernel[0] * c.kernel[1]);

/** The x cells under out(r)'s window (padding left out), from the definition. */
function fedBy(c: Conf, r: number): number[] {
  const ow = outSize(c, 1);
  const [a, b] = [Math.floor(r / ow), r % ow];
  const cells: number[] = [];
  for (let u = 0; u < c.kernel[0]; u++)
    for (let v = 0; v < c.kernel[1]; v++) {
      const h = a * c.stride[0] + u * c.dilation[0] - c.padding[0];
      const w = b * c.stride[1] + v * c.dilation[1] - c.padding[1];
      if (h >= 0 && h < c.input[0] && w >= 0 && w < c.input[1]) cells.push(h * c.input[1] + w);
    }
  return cells.sort((p, q) => p - q);
}

const fmt = (v: number) => {
  const r = Math.round(v * 100) / 100;
  return (Number.isInteger(r) ? String(r) : r.toFixed(2).replace(/0+$/, '')).replace('-', '−');
};
const cell = (i: number, cols: number) => `(${Math.floor(i / cols) + 1}, ${(i % cols) + 1})`;

// ---- the page ----

async function open(query: string, options: { width?: number; dark?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: 900 },
    colorScheme: options.dark ? 'dark' : 'light',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  checks.watch(page);
  await page.goto(`${server.url}index.html${query}`, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return page;
}

interface GridRead {
  label: string;
  rows: number;
  cols: number;
  values: number[];
  ghost: number[];
  active: number[];
  /** The header numbers: columns, then rows ('' where a compact grid leaves one out). */
  colHeaders: string[];
  rowHeaders: string[];
  visible: boolean;
}

/** A grid of the explainer, read from the DOM: values from the cells' text, classes, headers. */
function readGrid(page: Page, id: string): Promise<GridRead | null> {
  return page.evaluate((id) => {
    const root = document.querySelector('tconv-matrix')!.shadowRoot!;
    const el = root.querySelector(`tconv-grid[grid-id="${id}"]`);
    if (!el) return null;
    const g = el.shadowRoot!;
    const grid = g.querySelector('[role="grid"]')!;
    const cells = Array.from(g.querySelectorAll<HTMLElement>('[role="gridcell"]'));
    const indices = (cls: string) => cells.flatMap((c, i) => (c.classList.contains(cls) ? [i] : []));
    const rect = el.getBoundingClientRect();
    return {
      label: grid.getAttribute('aria-label') ?? '',
      rows: Number(grid.getAttribute('aria-rowcount')),
      cols: Number(grid.getAttribute('aria-colcount')),
      values: cells.map((c) => Number((c.textContent ?? '').replace('−', '-'))),
      ghost: indices('gh'),
      active: indices('act'),
      colHeaders: Array.from(g.querySelectorAll('.hrow .ch'), (h) => h.textContent ?? ''),
      rowHeaders: Array.from(g.querySelectorAll('.row > .rh'), (h) => h.textContent ?? ''),
      visible: rect.width > 0 && rect.height > 0,
    };
  }, id);
}

/** Text of an element inside the explainer's shadow root ('' when absent). */
function text(page: Page, selector: string): Promise<string> {
  return page.evaluate(
    (s) =>
      document.querySelector('tconv-matrix')!.shadowRoot!.querySelector(s)?.textContent?.replace(/\s+/g, ' ').trim() ??
      '',
    selector,
  );
}

/** Whether an element inside the explainer is drawn (has a box). */
function shown(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((s) => {
    const r = document.querySelector('tconv-matrix')!.shadowRoot!.querySelector(s)?.getBoundingClientRect();
    return !!r && r.width > 0 && r.height > 0;
  }, selector);
}

/** Focuses a button of the explainer by id and presses Enter: keyboard access. */
async function pressButton(page: Page, id: string): Promise<void> {
  await page.evaluate((id) => {
    document.querySelector('tconv-matrix')!.shadowRoot!.querySelector<HTMLElement>(`#${id}`)!.focus();
  }, id);
  await page.keyboard.press('Enter');
}

const focusedId = (page: Page) =>
  page.evaluate(() => document.querySelector('tconv-matrix')!.shadowRoot!.activeElement?.id ?? '');

// ---- the tests ----

describe('chapter 6: y(i, j) paints the cells that fed out(i, j)', () => {
  it('dashes the window of out(i, j) on x and on the output, and the painted cells are the same', async () => {
    const c = conf();
    const page = await open('?step=6.1');
    const x = (await readGrid(page, 'x-fed'))!;
    const tout = (await readGrid(page, 'tout'))!;
    expect(x.visible).toBe(true);
    expect(x.values).toEqual(SEED_X);
    expect(x.ghost).toEqual(fedBy(c, 0));
    // The first entry of y paints the cells a one-hot y reaches through an all-ones kernel.
    const painted = scatter(c, [1, 0, 0, 0], new Array(9).fill(1)).values.flatMap((v, i) => (v ? [i] : []));
    expect(tout.active).toEqual(painted);
    expect(tout.ghost).toEqual(painted);
    expect(await text(page, '#connectivity')).toContain(
      `y(1, 1) paints exactly the ${fedBy(c, 0).length} cells that fed out(1, 1)`,
    );
    // Frame 3 paints y's third entry, (2, 1).
    const p3 = await open('?step=6.3');
    expect((await readGrid(p3, 'x-fed'))!.ghost).toEqual(fedBy(c, 2));
    expect(await text(p3, '#connectivity')).toContain('y(2, 1) paints exactly');
    await Promise.all([page.context().close(), p3.context().close()]);
  });

  it('says where the sizes differ and the positions cannot all match', async () => {
    // 4×4 input, kernel 3, stride 2, padding 1: the transposed output is 3×3, so the windows of the last
    // outputs reach cells of x that have no place in it.
    const c = conf({ stride: [2, 2], padding: [1, 1] });
    const size = transposedSize(c, outSize(c, 0), 0);
    const r = Array.from({ length: outSize(c, 0) * outSize(c, 1) }, (_, i) => i).find((i) =>
      fedBy(c, i).some((p) => Math.floor(p / 4) >= size || p % 4 >= size),
    )!;
    const page = await open(`?kernel=3&stride=2&padding=1&step=6.${r + 1}`);
    expect((await readGrid(page, 'x-fed'))!.ghost).toEqual(fedBy(c, r));
    const lost = fedBy(c, r).filter((p) => Math.floor(p / 4) >= size || p % 4 >= size).length;
    const sentence = await text(page, '#connectivity');
    expect(sentence).toContain(`The output is ${size}×${size} but x is 4×4`);
    expect(sentence).toContain(`${lost} of them ${lost === 1 ? 'lies' : 'lie'} outside`);
    await page.context().close();
  });
});

describe('chapter 6: Cᵀ is not C⁻¹', () => {
  it('sets y to C·vec(x) from the keyboard, shows x beside Cᵀ·C·vec(x) and the largest difference, then goes back', async () => {
    const c = conf();
    const page = await open('?step=6');
    const y = conv2d(c, SEED_X);
    expect(await text(page, '#inverse')).toContain(`C·vec(x) = ${y.join(', ')}`);
    await pressButton(page, 'inverse-demo');
    await expect.poll(async () => (await readGrid(page, 'y'))!.values).toEqual(y);
    expect(await focusedId(page)).toBe('inverse-demo');
    const back = scatter(c, y, SEED_K).values;
    expect((await readGrid(page, 'back'))!.values).toEqual(back);
    expect((await readGrid(page, 'x-inverse'))!.values).toEqual(SEED_X);
    const diffs = back.map((v, i) => Math.abs(v - SEED_X[i]));
    const worst = diffs.indexOf(Math.max(...diffs));
    const result = await text(page, '#inverse-result');
    expect(result).toContain(`differs from x by up to ${fmt(diffs[worst])}, at ${cell(worst, 4)}`);
    expect(result).toContain('Cᵀ is not C⁻¹');
    expect(await shown(page, '#inverse-result')).toBe(true);
    // The gradient line quotes an entry of Cᵀ·vec(y): ∂/∂x_i Σ y ⊙ conv2d(x) = Σ_r y_r·conv2d(e_i)_r.
    const gradient = await text(page, '#gradient');
    const m = /∂\/∂x\((\d+), (\d+)\) = (\S+),/.exec(gradient)!;
    const i = (Number(m[1]) - 1) * 4 + Number(m[2]) - 1;
    const e = SEED_X.map((_, j) => (j === i ? 1 : 0));
    expect(m[3]).toBe(fmt(conv2d(c, e).reduce((s, v, r) => s + v * y[r], 0)));
    // And back to the preset's y.
    await pressButton(page, 'inverse-demo');
    await expect.poll(async () => (await readGrid(page, 'y'))!.values).toEqual(SEED_Y);
    expect(await text(page, '#inverse-result')).toBe('');
    await page.context().close();
  });

  it('is reached from the names box in chapter 5, focus on the demo', async () => {
    const page = await open('?step=5');
    const names = await text(page, '#names');
    for (const term of [
      'Deconvolution',
      'Fractionally-strided convolution',
      'Up-convolution',
      'Backward convolution',
    ]) {
      expect(names).toContain(term);
    }
    expect(names).toContain('misnomer');
    await pressButton(page, 'show-demo');
    await expect.poll(() => focusedId(page)).toBe('inverse-demo');
    expect(await page.evaluate(() => document.querySelector('tconv-matrix')!.getAttribute('step'))).toMatch(/^6(\.|$)/);
    await page.context().close();
  });
});

describe('chapter 5: output_padding picks the size that comes back', () => {
  for (const [query, c] of [
    ['?kernel=3&stride=2&output-padding=1&step=5', conf({ stride: [2, 2], outputPadding: [1, 1] })],
    ['?kernel=4&stride=2&padding=1&step=5', conf({ kernel: [4, 4], stride: [2, 2], padding: [1, 1] })],
  ] as const) {
    it(`lists the sizes conv2d maps to the output and what output_padding adds (${query})`, async () => {
      const page = await open(query);
      const n = outSize(c, 0);
      // Every input size the formula sends to n (tried one by one).
      const sizes = Array.from({ length: 30 }, (_, i) => i + 1).filter(
        (h) => outSize({ ...c, input: [h, h] }, 0) === n,
      );
      expect(sizes.length).toBe(2);
      const figure = await text(page, '#sizes');
      expect(figure).toContain(
        `conv2d maps both ${sizes[0]}×${sizes[0]} and ${sizes[1]}×${sizes[1]} inputs to ${n}×${n}`,
      );
      expect(figure).toContain(`0 gives ${sizes[0]}×${sizes[0]} and 1 gives ${sizes[1]}×${sizes[1]}`);
      // The next size's grid: the scatter with output_padding 1, its last row and column ringed.
      const next = (await readGrid(page, 'op-next'))!;
      const k = SEED_K_OF(c);
      const y = seedOr(SEED_Y, n * n);
      const full = scatter(c, y, k, [1, 1]);
      expect([next.rows, next.cols]).toEqual([full.rows, full.cols]);
      expect(next.values).toEqual(full.values);
      const added = full.values.flatMap((_, i) =>
        Math.floor(i / full.cols) === full.rows - 1 || i % full.cols === full.cols - 1 ? [i] : [],
      );
      expect(next.active).toEqual(added);
      const addedValues = added.map((i) => full.values[i]);
      if (addedValues.every((v) => v === 0)) expect(figure).toContain('hold zeros: no copy of the kernel reaches them');
      else expect(figure).toContain(`padding ${c.padding[0]} had cropped them`);
      expect(await shown(page, '#sizes .size-map')).toBe(true);
      await page.context().close();
    });
  }

  it('labels chapter 5’s matrix with the output size it is built for, without “kt”', async () => {
    const page = await open('?input=5&kernel=3&stride=2&output-padding=1&step=5');
    const c = conf({ input: [5, 5], stride: [2, 2], outputPadding: [1, 1] });
    const size = transposedSize(c, outSize(c, 0), 0);
    const forward = (await readGrid(page, 'Cfwd'))!;
    expect(forward.label).toContain(`${size}×${size}`);
    expect(forward.label).not.toMatch(/\bkt\b/);
    await page.context().close();
  });
});

describe('row and column numbers on C and Cᵀ', () => {
  it('numbers C’s rows and columns from 1 in chapter 2, and Cᵀ’s in chapter 6', async () => {
    const c = conf();
    const page = await open('?step=2');
    const C = (await readGrid(page, 'C'))!;
    const rows = outSize(c, 0) * outSize(c, 1);
    const cols = c.input[0] * c.input[1];
    expect(C.colHeaders).toEqual(Array.from({ length: cols }, (_, i) => String(i + 1)));
    expect(C.rowHeaders).toEqual(Array.from({ length: rows }, (_, i) => String(i + 1)));
    const p6 = await open('?step=6');
    const Ct = (await readGrid(p6, 'Ct'))!;
    expect(Ct.colHeaders).toEqual(Array.from({ length: rows }, (_, i) => String(i + 1)));
    expect(Ct.rowHeaders).toEqual(Array.from({ length: cols }, (_, i) => String(i + 1)));
    // Other grids have none.
    expect((await readGrid(p6, 'y'))!.colHeaders).toEqual([]);
    await Promise.all([page.context().close(), p6.context().close()]);
  });
});

describe('chapter 7: why the kernel flips', () => {
  it('names the first and last weights, the cross-correlation and conv_arithmetic’s colours', async () => {
    const page = await open('?step=7', { width: 390, dark: true });
    const flip = await text(page, '#flip');
    expect(await shown(page, '#flip')).toBe(true);
    expect(flip).toContain('w₁ at the top-left');
    expect(flip).toContain(`w${'₉'} at its bottom-right`);
    expect(flip).toContain('cross-correlation');
    expect(flip).toContain('blue is the zero-inserted input and cyan the output');
    await page.context().close();
  });
});

describe('a link that cannot be drawn says so at the top of the figure', () => {
  it('shows why ?input=2&kernel=3 falls back, above the player and in the first screen', async () => {
    const page = await open('?input=2&kernel=3', { width: 390 });
    const where = await page.evaluate(() => {
      const root = document.querySelector('tconv-matrix')!.shadowRoot!;
      const notice = root.querySelector('#figure-error')!.getBoundingClientRect();
      const player = root.querySelector('.player')!.getBoundingClientRect();
      return { notice: notice.top, height: notice.height, player: player.top };
    });
    expect(where.height).toBeGreaterThan(0);
    expect(where.notice).toBeLessThan(where.player);
    expect(where.notice).toBeLessThan(900);
    expect(await text(page, '#figure-error')).toMatch(/kernel|larger than/i);
    await page.context().close();
  });

  it('shows why ?step=11.9 moved, at the top too, and counts steps as the URL does', async () => {
    const page = await open('?step=11.9', { width: 390 });
    const where = await page.evaluate(() => {
      const root = document.querySelector('tconv-matrix')!.shadowRoot!;
      const notices = root.querySelector('.notices')!.getBoundingClientRect();
      const player = root.querySelector('.player')!.getBoundingClientRect();
      return { notices: notices.top, height: notices.height, player: player.top };
    });
    expect(where.height).toBeGreaterThan(0);
    expect(where.notices).toBeLessThan(where.player);
    expect(await text(page, '.notices')).toContain('Step 11.9 does not exist: there are 10 chapters');
    // Chapter 6 paints one entry of y per step, between its intro and its last step: 6.3 is "3 / (entries + 1)".
    const c = conf();
    const p6 = await open('?step=6.3');
    expect(await text(p6, '#counter')).toBe(`3 / ${outSize(c, 0) * outSize(c, 1) + 1}`);
    await Promise.all([page.context().close(), p6.context().close()]);
  });
});
