// The seed page: "Up-sampling with Transposed Convolution" on one small
// example. Only the inputs (x, the kernel, y) are written here; every output,
// the convolution matrix and the checks come from the WebAssembly core.

import { createTconv } from './lib/index.js';
import type { Tconv, Tensor } from './lib/index.js';

const X = [
  [4, 5, 8, 7],
  [1, 8, 8, 8],
  [3, 6, 6, 4],
  [6, 5, 7, 8],
];
const KERNEL = [
  [1, 4, 1],
  [1, 4, 3],
  [3, 3, 1],
];
const Y = [
  [2, 1],
  [4, 4],
];

const tensor = (rows: number[][]): Tensor => ({
  data: Float32Array.from(rows.flat()),
  shape: [1, 1, rows.length, rows[0].length],
});

/** Integers as they are; anything else rounded to 3 decimals. */
function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return String(Math.round(v * 1000) / 1000);
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

interface GridSpec {
  id: string;
  /** Accessible name and visible caption, e.g. "Input x (4×4)". */
  label: string;
  rows: number;
  cols: number;
  values: ArrayLike<number>;
  /** Extra class per cell (by row-major index). */
  cellClass?: (i: number) => string | undefined;
  /** Extra tooltip per cell. */
  cellTitle?: (i: number) => string | undefined;
  variant?: string;
}

/** A read-only ARIA grid: one table cell per value, shaded by magnitude. */
function grid(spec: GridSpec): HTMLElement {
  const { id, label, rows, cols, values } = spec;
  if (values.length !== rows * cols) {
    throw new Error(`${label}: expected ${rows * cols} values, got ${values.length}`);
  }
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));

  const table = el('table', {
    id,
    class: `grid ${spec.variant ?? ''}`.trim(),
    role: 'grid',
    'aria-label': label,
    'aria-readonly': 'true',
    'aria-rowcount': String(rows),
    'aria-colcount': String(cols),
    'data-rows': String(rows),
    'data-cols': String(cols),
    'data-values': Array.from(values, fmt).join(','),
  });
  const body = el('tbody');
  for (let r = 0; r < rows; r++) {
    const tr = el('tr', { role: 'row', 'aria-rowindex': String(r + 1) });
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const v = values[i];
      const td = el('td', { role: 'gridcell', 'aria-colindex': String(c + 1) }, fmt(v));
      td.style.setProperty('--t', max > 0 ? (Math.abs(v) / max).toFixed(3) : '0');
      const cls = spec.cellClass?.(i);
      if (cls) td.className = cls;
      const title = spec.cellTitle?.(i);
      if (title) td.title = title;
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(body);

  const figure = el('figure', { class: 'figure' }, el('figcaption', {}, label));
  // Wide grids (the 4×16 matrix) scroll sideways on narrow screens instead of overflowing the page.
  figure.append(el('div', { class: 'scroll', tabindex: '-1' }, table));
  return figure;
}

/** An operator between grids; `transposed` adds a superscript T. */
const op = (symbol: string, name: string, transposed = false) =>
  el('span', { class: 'op', role: 'img', 'aria-label': name }, symbol, ...(transposed ? [el('sup', {}, 'T')] : []));

function step(n: number, title: string, ...children: Node[]): HTMLElement {
  return el(
    'section',
    { class: 'step', 'aria-labelledby': `step-${n}-title` },
    el('h2', { id: `step-${n}-title` }, el('span', { class: 'step-n', 'aria-hidden': 'true' }, String(n)), title),
    ...children,
  );
}

const p = (...children: (Node | string)[]) => el('p', {}, ...children);
const math = (text: string) => el('span', { class: 'math' }, text);

/** y = A · v for a row-major rows × cols matrix (plain JS, used only to cross-check the core). */
function matVec(a: ArrayLike<number>, rows: number, cols: number, v: ArrayLike<number>): number[] {
  const out = new Array<number>(rows).fill(0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r] += a[r * cols + c] * v[c];
  return out;
}

function matTVec(a: ArrayLike<number>, rows: number, cols: number, v: ArrayLike<number>): number[] {
  const out = new Array<number>(cols).fill(0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c] += a[r * cols + c] * v[r];
  return out;
}

const sameValues = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - b[i]) <= 1e-4 * Math.max(1, Math.abs(v)));

function check(id: string, ok: boolean, text: string): HTMLElement {
  return el(
    'p',
    { id, class: `check ${ok ? 'ok' : 'bad'}`, 'data-ok': String(ok) },
    el('span', { class: 'check-mark', 'aria-hidden': 'true' }, ok ? '✓' : '✗'),
    `${text} ${ok ? '(matches)' : '(does NOT match)'}`,
  );
}

function render(tc: Tconv): HTMLElement {
  const x = tensor(X);
  const w = tensor(KERNEL);
  const y = tensor(Y);
  const [kH, kW] = [KERNEL.length, KERNEL[0].length];
  const [H, W] = [X.length, X[0].length];

  // 1. conv2d: 4×4 → 2×2.
  const conv = tc.conv2d(x, w);
  const [, , oH, oW] = conv.shape;

  // The first output written out term by term (the inputs are ours, the sum is the core's).
  const terms: string[] = [];
  for (let r = 0; r < kH; r++) for (let c = 0; c < kW; c++) terms.push(`${X[r][c]}·${KERNEL[r][c]}`);

  // 2. The convolution matrix C (Hout·Wout × H·W).
  const C = tc.convMatrix({ inputSize: [H, W], kernelSize: [kH, kW] }, w.data);
  const cTimesX = matVec(C.data, C.rows, C.cols, x.data);

  // 3. conv_transpose2d: 2×2 → 4×4.
  const up = tc.convTranspose2d(y, w);
  const [, , uH, uW] = up.shape;
  const cTTimesY = matTVec(C.data, C.rows, C.cols, y.data);

  const kernelTitle = (i: number) => `weight w[${Math.floor(i / kW)}][${i % kW}]`;

  const content = el('div', { class: 'steps' });
  content.append(
    step(
      1,
      `Convolution shrinks: ${H}×${W} → ${oH}×${oW}`,
      p(
        `The ${kH}×${kW} kernel slides over the ${H}×${W} input one step at a time, with no padding. ` +
          `At each of its ${oH * oW} positions it multiplies the ${kH * kW} values under it by its weights and adds them up: ` +
          `many inputs collapse into one output.`,
      ),
      el(
        'div',
        { class: 'equation' },
        grid({ id: 'conv-input', label: `Input x (${H}×${W})`, rows: H, cols: W, values: x.data }),
        op('∗', 'convolved with'),
        grid({
          id: 'kernel',
          label: `Kernel (${kH}×${kW})`,
          rows: kH,
          cols: kW,
          values: w.data,
          variant: 'kernel',
          cellTitle: kernelTitle,
        }),
        op('=', 'gives'),
        grid({
          id: 'conv-output',
          label: `conv2d output (${oH}×${oW})`,
          rows: oH,
          cols: oW,
          values: conv.data,
          variant: 'result',
        }),
      ),
      el(
        'p',
        { class: 'worked', id: 'conv-worked' },
        math(`${terms.join(' + ')} = ${fmt(conv.data[0])}`),
        ' (top-left output)',
      ),
    ),
    step(
      2,
      `The same convolution as a ${C.rows}×${C.cols} matrix`,
      p(
        `Flatten x row by row into a vector of ${C.cols} numbers. Each row of C is the kernel laid out at one output position, ` +
          `with zeros wherever the kernel does not reach, so one matrix product C · vec(x) gives all ${C.rows} outputs at once.`,
      ),
      grid({
        id: 'conv-matrix',
        label: `Convolution matrix C (${C.rows}×${C.cols})`,
        rows: C.rows,
        cols: C.cols,
        values: C.data,
        variant: 'matrix',
        cellClass: (i) => (C.source[i] >= 0 ? 'nz' : 'zero'),
        cellTitle: (i) =>
          `row ${Math.floor(i / C.cols)}, input x${i % C.cols}` +
          (C.source[i] >= 0 ? `: ${kernelTitle(C.source[i])}` : ': zero'),
      }),
      check(
        'matrix-check',
        sameValues(cTimesX, conv.data),
        `C · vec(x) = [${cTimesX.map(fmt).join(', ')}], the conv2d output`,
      ),
    ),
    step(
      3,
      `Transposed convolution grows: ${oH}×${oW} → ${uH}×${uW}`,
      p(
        `Multiplying by the transpose Cᵀ (${C.cols}×${C.rows}) goes the other way. Each value of y scales a copy of the kernel, ` +
          `placed where its window sat in step 1, and overlapping copies add up: ${y.data.length} values fan out to ` +
          `${up.data.length}, one-to-many. This is how transposed convolution up-samples; it restores the shape of x, not its values.`,
      ),
      el(
        'div',
        { class: 'equation' },
        grid({
          id: 'transposed-input',
          label: `Transposed input y (${Y.length}×${Y[0].length})`,
          rows: Y.length,
          cols: Y[0].length,
          values: y.data,
        }),
        op('∗', 'transposed-convolved with', true),
        grid({
          id: 'transposed-kernel',
          label: `Kernel (${kH}×${kW})`,
          rows: kH,
          cols: kW,
          values: w.data,
          variant: 'kernel',
          cellTitle: kernelTitle,
        }),
        op('=', 'gives'),
        grid({
          id: 'transposed-output',
          label: `conv_transpose2d output (${uH}×${uW})`,
          rows: uH,
          cols: uW,
          values: up.data,
          variant: 'result',
        }),
      ),
      check('transpose-check', sameValues(cTTimesY, up.data), `Cᵀ · vec(y) gives the same ${cTTimesY.length} numbers`),
    ),
  );
  return content;
}

async function main(): Promise<void> {
  const status = document.getElementById('status')!;
  const error = document.getElementById('error')!;
  const content = document.getElementById('content')!;
  document.body.dataset.ready = 'false';
  try {
    const tc = await createTconv();
    content.replaceChildren(render(tc));
    content.hidden = false;
    status.hidden = true;
    document.body.dataset.ready = 'true';
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    status.hidden = true;
    error.replaceChildren(el('strong', {}, 'Could not run the WebAssembly core. '), message);
    error.hidden = false;
    document.body.dataset.ready = 'error';
    console.error(e);
  }
}

void main();
