// Chapters 9 and 10 in real Chromium against the built site: the gradient
// that flows back through Cᵀ and the weights learned by gradient descent, for
// the seed and for k4 s2 p1, driven from the keyboard; the controls that
// write grad, target, lr and seed into the URL; the links between chapters 6
// and 9; the PyTorch code; the embed page. Every expected number is computed
// here from the definitions (the chain rule on a direct conv2d, a scatter,
// bilinear interpolation and a double-precision gradient descent), not read
// from web/lib/explainer. Every test fails on a console error (consoleChecks).

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

type Pair = [number, number];
interface Conf {
  input: Pair;
  kernel: Pair;
  stride: Pair;
  padding: Pair;
}

const SEED_X = [4, 5, 8, 7, 1, 8, 8, 8, 3, 6, 6, 4, 6, 5, 7, 8];
const SEED_K = [1, 4, 1, 1, 4, 3, 3, 3, 1];
const SEED_Y = [2, 1, 4, 4];
const COUNT_16 = Array.from({ length: 16 }, (_, i) => i + 1);

const CASES: { name: string; query: string; c: Conf; k: number[] }[] = [
  { name: 'the seed', query: '', c: { input: [4, 4], kernel: [3, 3], stride: [1, 1], padding: [0, 0] }, k: SEED_K },
  {
    name: 'k4 s2 p1',
    query: 'kernel=4&stride=2&padding=1&',
    c: { input: [4, 4], kernel: [4, 4], stride: [2, 2], padding: [1, 1] },
    // The seed preset has no 4×4 kernel: it counts 1, 2, … 16.
    k: COUNT_16,
  },
];

const outSize = (c: Conf): Pair =>
  [0, 1].map((d) => Math.floor((c.input[d] + 2 * c.padding[d] - (c.kernel[d] - 1) - 1) / c.stride[d]) + 1) as Pair;
const tSize = (c: Conf): Pair =>
  [0, 1].map((d) => (outSize(c)[d] - 1) * c.stride[d] - 2 * c.padding[d] + c.kernel[d]) as Pair;

/** Each output's taps: (output r, tap t) reads x at (oh·s + i − p, ow·s + j − p), or padding. */
function taps(c: Conf): { r: number; t: number; at: number | null; pad: number }[] {
  const [oh, ow] = outSize(c);
  const padW = c.input[1] + 2 * c.padding[1];
  const out: { r: number; t: number; at: number | null; pad: number }[] = [];
  for (let a = 0; a < oh; a++)
    for (let b = 0; b < ow; b++)
      for (let i = 0; i < c.kernel[0]; i++)
        for (let j = 0; j < c.kernel[1]; j++) {
          const [pr, pc] = [a * c.stride[0] + i, b * c.stride[1] + j];
          const [xr, xc] = [pr - c.padding[0], pc - c.padding[1]];
          const inside = xr >= 0 && xr < c.input[0] && xc >= 0 && xc < c.input[1];
          out.push({
            r: a * ow + b,
            t: i * c.kernel[1] + j,
            at: inside ? xr * c.input[1] + xc : null,
            pad: pr * padW + pc,
          });
        }
  return out;
}

/** ∂/∂x and ∂/∂k of Σ g ⊙ conv2d(x, k), by the chain rule over every tap. */
function gradients(c: Conf, x: number[], k: number[], g: number[]) {
  const gx = new Array<number>(x.length).fill(0);
  const gk = new Array<number>(k.length).fill(0);
  for (const { r, t, at } of taps(c)) {
    if (at === null) continue;
    gx[at] += g[r] * k[t];
    gk[t] += g[r] * x[at];
  }
  return { gx, gk };
}

/** A: column t is y scattered by tap t alone onto the H′×W′ output (conv_transpose2d's definition). */
function weightsToOutput(c: Conf, y: number[]): number[][] {
  const [oh, ow] = outSize(c);
  const [th, tw] = tSize(c);
  const A = Array.from({ length: th * tw }, () => new Array<number>(c.kernel[0] * c.kernel[1]).fill(0));
  for (let a = 0; a < oh; a++)
    for (let b = 0; b < ow; b++)
      for (let i = 0; i < c.kernel[0]; i++)
        for (let j = 0; j < c.kernel[1]; j++) {
          const [r, q] = [a * c.stride[0] + i - c.padding[0], b * c.stride[1] + j - c.padding[1]];
          if (r >= 0 && r < th && q >= 0 && q < tw) A[r * tw + q][i * c.kernel[1] + j] += y[a * ow + b];
        }
  return A;
}
const apply = (A: number[][], w: number[]) => A.map((row) => row.reduce((s, a, t) => s + a * w[t], 0));

/** torch's bilinear interpolation, align_corners=False. */
function bilinear(v: number[], [h, w]: Pair, [H, W]: Pair): number[] {
  const src = (d: number, n: number, N: number) => {
    const s = Math.max(0, (d + 0.5) * (n / N) - 0.5);
    const i0 = Math.floor(s);
    return { i0, i1: Math.min(i0 + 1, n - 1), f: s - i0 };
  };
  const out: number[] = [];
  for (let r = 0; r < H; r++)
    for (let q = 0; q < W; q++) {
      const a = src(r, h, H);
      const b = src(q, w, W);
      const at = (i: number, j: number) => v[i * w + j];
      out.push(
        (1 - a.f) * ((1 - b.f) * at(a.i0, b.i0) + b.f * at(a.i0, b.i1)) +
          a.f * ((1 - b.f) * at(a.i1, b.i0) + b.f * at(a.i1, b.i1)),
      );
    }
  return out;
}

/** Gradient descent on mean((A·w − target)²) in double precision: weights and losses after each step. */
function descend(A: number[][], target: number[], init: number[], lr: number, steps: number) {
  const weights = [init];
  const losses: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const w = weights[i];
    const e = apply(A, w).map((o, r) => o - target[r]);
    losses.push(e.reduce((s, v) => s + v * v, 0) / e.length);
    if (i < steps)
      weights.push(w.map((v, t) => v - lr * A.reduce((s, row, r) => s + (2 / e.length) * e[r] * row[t], 0)));
  }
  return { weights, losses };
}

/** The largest row sum of |AᵀA|: Gershgorin's bound on its largest eigenvalue. */
function gershgorin(A: number[][]): number {
  const n = A[0].length;
  let best = 0;
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let u = 0; u < n; u++) s += Math.abs(A.reduce((acc, row) => acc + row[t] * row[u], 0));
    best = Math.max(best, s);
  }
  return best;
}

const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
const num = (t: string) => Number(t.replace(/−/g, '-'));

// ---- the page ----

async function open(query: string, options: { width?: number; dark?: boolean; path?: string } = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: 900 },
    colorScheme: options.dark ? 'dark' : 'light',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  checks.watch(page);
  await page.goto(`${server.url}${options.path ?? 'index.html'}${query}`, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return page;
}

interface GridRead {
  rows: number;
  cols: number;
  /** Cell text as numbers; null where a cell is not yet computed (empty). */
  values: (number | null)[];
  active: number[];
}

function readGrid(page: Page, id: string): Promise<GridRead | null> {
  return page.evaluate((id) => {
    const el = document.querySelector('tconv-matrix')!.shadowRoot!.querySelector(`tconv-grid[grid-id="${id}"]`);
    if (!el) return null;
    const grid = el.shadowRoot!.querySelector('[role="grid"]')!;
    const cells = Array.from(el.shadowRoot!.querySelectorAll<HTMLElement>('[role="gridcell"]'));
    return {
      rows: Number(grid.getAttribute('aria-rowcount')),
      cols: Number(grid.getAttribute('aria-colcount')),
      values: cells.map((c) => {
        const t = (c.textContent ?? '').trim();
        return t === '' ? null : Number(t.replace(/\u2212/g, '-'));
      }),
      active: cells.flatMap((c, i) => (c.classList.contains('act') ? [i] : [])),
    };
  }, id);
}

function text(page: Page, selector: string): Promise<string> {
  return page.evaluate(
    (s) =>
      document.querySelector('tconv-matrix')!.shadowRoot!.querySelector(s)?.textContent?.replace(/\s+/g, ' ').trim() ??
      '',
    selector,
  );
}

const narration = (page: Page) => text(page, '#narration');
const step = (page: Page) => page.evaluate(() => document.querySelector('tconv-matrix')!.getAttribute('step'));
const focusedId = (page: Page) =>
  page.evaluate(() => document.querySelector('tconv-matrix')!.shadowRoot!.activeElement?.id ?? '');

/** Focuses an element of the explainer by selector and presses a key: keyboard access. */
async function press(page: Page, selector: string, key: string): Promise<void> {
  await page.evaluate(
    (s) => document.querySelector('tconv-matrix')!.shadowRoot!.querySelector<HTMLElement>(s)!.focus(),
    selector,
  );
  await page.keyboard.press(key);
}

/** The player's → from the panel: the next step. */
const next = (page: Page) => press(page, '#panel', 'ArrowRight');

// ---- chapter 9 ----

describe('chapter 9: where the name comes from', () => {
  for (const { name, query, c, k } of CASES) {
    it(`sends g = y back as Cᵀ·vec(g), then builds ∂L/∂k weight by weight (${name})`, async () => {
      const page = await open(`?${query}step=9.1`);
      const { gx, gk } = gradients(c, SEED_X, k, SEED_Y);
      expect((await readGrid(page, 'gx'))!.values).toEqual(gx);
      expect((await readGrid(page, 'Ctg'))!.values).toEqual(gx);
      // Cᵀ: entry (input i, output r) is the weight joining them, 0 where none does.
      const Ct = await readGrid(page, 'CtC');
      const n = c.input[0] * c.input[1];
      const outs = outSize(c)[0] * outSize(c)[1];
      expect([Ct!.rows, Ct!.cols]).toEqual([n, outs]);
      const expected = new Array<number>(n * outs).fill(0);
      for (const { r, t, at } of taps(c)) if (at !== null) expected[at * outs + r] = k[t];
      expect(Ct!.values).toEqual(expected);
      expect(await narration(page)).toContain('∂L/∂x = Cᵀ·vec(g)');

      await next(page); // 9.2: conv_transpose2d is the backward pass
      expect(await narration(page)).toContain('hence the name');
      const K = c.kernel[0] * c.kernel[1];
      for (let t = 0; t < K; t++) {
        await next(page);
        expect(await step(page)).toBe(`9.${3 + t}`);
        const g = await readGrid(page, 'gk');
        expect(g!.values.slice(0, t + 1)).toEqual(gk.slice(0, t + 1));
        expect(g!.values.slice(t + 1).every((v) => v === null)).toBe(true);
        expect(g!.active).toEqual([t]);
        // The x cells weight t met (padding included), one per output, and every g.
        const met = taps(c)
          .filter((p) => p.t === t)
          .map((p) => p.pad);
        expect((await readGrid(page, 'xpad'))!.active).toEqual(met.sort((a, b) => a - b));
        expect((await readGrid(page, 'g'))!.active).toEqual(Array.from({ length: outs }, (_, r) => r));
        expect(await narration(page)).toMatch(new RegExp(` = ${gk[t]}\\.$`));
      }
      await page.context().close();
    });
  }

  it('takes g = 1 from the keyboard: the URL says grad=ones and ∂L/∂x becomes the sum’s gradient', async () => {
    const page = await open('?step=9.1');
    await press(page, 'input[name="grad"][value="ones"]', 'Space');
    await expect.poll(() => page.evaluate(() => new URL(location.href).searchParams.get('grad'))).toBe('ones');
    const c = CASES[0].c;
    const ones = new Array<number>(4).fill(1);
    await expect.poll(async () => (await readGrid(page, 'gx'))!.values).toEqual(gradients(c, SEED_X, SEED_K, ones).gx);
    expect((await readGrid(page, 'g'))!.values).toEqual(ones);
    await page.context().close();
  });

  it('links chapter 6’s Cᵀ ≠ C⁻¹ and chapter 9 both ways, focus following', async () => {
    const page = await open('?step=6.5');
    await press(page, '#to-gradient', 'Enter');
    await expect.poll(() => step(page)).toBe('9');
    await expect.poll(() => focusedId(page)).toBe('tab-9');
    await press(page, '#to-inverse-demo', 'Enter');
    await expect.poll(() => focusedId(page)).toBe('inverse-demo');
    expect(await step(page)).toMatch(/^6\./);
    // Chapter 5's names box leads to chapter 9 too.
    await page.goto(`${server.url}index.html?step=5`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await text(page, '#names')).toContain('as chapter 9 shows');
    await press(page, '#show-gradient', 'Enter');
    await expect.poll(() => step(page)).toBe('9');
    await page.context().close();
  });
});

// ---- chapter 10 ----

describe('chapter 10: learning the weights', () => {
  for (const { name, query, c, k } of CASES) {
    it(`falls at every step at the safe rate, the weights and output as a double-precision descent (${name})`, async () => {
      const page = await open(`?${query}step=10`);
      const init = (await readGrid(page, 'w'))!.values as number[];
      const A = weightsToOutput(c, SEED_Y);
      const target = apply(A, k);
      expect((await readGrid(page, 'target'))!.values).toEqual(target);
      // The safe rate: 1/L, L = 2/N × Gershgorin's bound on AᵀA, to three digits, never above.
      const intro = await narration(page);
      const lr = num(/lr = (\S+), the safe rate/.exec(intro)![1]);
      const exact = A.length / (2 * gershgorin(A));
      expect(lr).toBeLessThanOrEqual(exact);
      expect(lr).toBeGreaterThanOrEqual(0.99 * exact);
      const ref = descend(A, target, init, lr, 100);
      for (let i = 1; i <= 100; i++) expect(ref.losses[i]).toBeLessThan(ref.losses[i - 1]);
      let frames = 0;
      for (;;) {
        await next(page);
        const said = await narration(page);
        const i = Number(/^Iteration (\d+):/.exec(said)![1]);
        expect(said).toContain('down from');
        const loss = num(/loss (\S+),/.exec(said)![1]);
        expect(Math.abs(loss - ref.losses[i])).toBeLessThanOrEqual(0.006 * ref.losses[i] + 1e-6);
        const w = (await readGrid(page, 'w'))!.values as number[];
        expect(maxDiff(w, ref.weights[i])).toBeLessThanOrEqual(0.011);
        const out = (await readGrid(page, 'learned'))!.values as number[];
        apply(A, ref.weights[i]).forEach((v, o) =>
          expect(Math.abs(out[o] - v)).toBeLessThanOrEqual(Math.abs(v) >= 100 ? 0.51 : 0.011),
        );
        frames++;
        if (i === 100) break;
      }
      expect(frames).toBe(18);
      expect(await narration(page)).toContain('without rising once');
      expect(await page.getAttribute('tconv-matrix >> #loss-plot', 'aria-label')).toContain('never rising');
      await page.context().close();
    });
  }

  it('retrains from its controls: target, learning rate and seed go into the URL', async () => {
    const page = await open('?step=10.18');
    const c = CASES[0].c;
    // The target: bilinear up-sampling of y.
    await page.selectOption('tconv-matrix >> #learn-target', 'bilinear');
    await expect.poll(() => page.evaluate(() => new URL(location.href).searchParams.get('target'))).toBe('bilinear');
    const bil = bilinear(SEED_Y, outSize(c), tSize(c));
    const shown = (await readGrid(page, 'target'))!.values as number[];
    bil.forEach((v, i) => expect(Math.abs(shown[i] - v)).toBeLessThanOrEqual(0.0051));
    // Three times the safe rate overshoots: the loss rises.
    const options = await page.$$eval('tconv-matrix >> #learn-rate option', (o) =>
      o.map((e) => ({ value: (e as HTMLOptionElement).value, label: e.textContent ?? '' })),
    );
    const three = options.find((o) => o.label.includes('3 ×'))!;
    await page.selectOption('tconv-matrix >> #learn-rate', three.value);
    await expect.poll(() => page.evaluate(() => new URL(location.href).searchParams.get('lr'))).toBe(three.value);
    await expect.poll(() => narration(page)).toMatch(/rising first at step \d+|more than a million times/);
    // Another start from the keyboard: seed 2, other starting weights.
    await page.goto(`${server.url}index.html?step=10`);
    await page.waitForSelector('body[data-ready="true"]');
    const before = (await readGrid(page, 'w'))!.values;
    await press(page, '#learn-reseed', 'Enter');
    await expect.poll(() => page.evaluate(() => new URL(location.href).searchParams.get('seed'))).toBe('2');
    expect((await readGrid(page, 'w'))!.values).not.toEqual(before);
    expect(await narration(page)).toContain('(seed 2)');
    await page.context().close();
  });

  it('writes PyTorch code with loss.backward(), optimizer.step() and the figure’s rate', async () => {
    const page = await open('?kernel=4&stride=2&padding=1&lr=0.05&seed=3&step=10.2');
    const code = await text(page, 'pre.code');
    expect(code).toContain('optimizer = torch.optim.SGD([w], lr=0.05)');
    expect(code).toContain('loss.backward() optimizer.step()');
    expect(code).toContain('# seed 3');
    expect(code).toContain('(F.conv2d(xg, kg, stride=2, padding=1, dilation=1) * g).sum().backward()');
    await page.context().close();
  });

  it('reopens a link to a trained figure exactly, and the embed page takes the same parameters', async () => {
    // The canonical form the page rewrites a link to: the parameters in a fixed order, the step last.
    const query = '?input=4&kernel=4&stride=2&padding=1&grad=ones&seed=5&target=bilinear&lr=0.05&step=10.4';
    const page = await open(query);
    expect(new URL(page.url()).search).toBe(query);
    const said = await narration(page);
    const grid = (await readGrid(page, 'w'))!.values;
    const embed = await open(`?figure=matrix&${query.slice(1)}`, { path: 'embed.html' });
    expect(await narration(embed)).toBe(said);
    expect((await readGrid(embed, 'w'))!.values).toEqual(grid);
    await page.goto(`${server.url}embed.html?figure=matrix&${query.slice(1).replace('step=10.4', 'step=10')}`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await narration(page)).toContain('(seed 5)');
    expect(await narration(page)).toContain('lr = 0.05,');
    await Promise.all([page.context().close(), embed.context().close()]);
  });
});
