// Dropping files on the upsampler in real Chromium (issue 15, item 4): a file
// dropped anywhere on the element (the toolbar, a side panel, a side's
// heading, the stage, the footer) or elsewhere on the page (its heading) opens, and the
// drop's default (the browser leaving the page for the file) is prevented; the
// highlight covers the element from the first dragenter until the drag leaves
// the whole element (entering a child does not flicker it) or drops; a drop
// that is not an image file says what to drop; the toolbar says that dropping
// and pasting work. The drags are synthetic (DragEvents carrying a DataTransfer
// with a File), as a browser dispatches them. Setup: upsampler-support.ts.

import { type JSHandle } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { encodePng } from '../../web/upsampler/shared/png.js';
import {
  alertText,
  clearLog,
  page,
  pixels,
  prepare,
  sourceName,
  testImage,
  toB64,
  upsamplerSuite,
  waitForResults,
} from './upsampler-support.js';

upsamplerSuite();

/** A DataTransfer in the page holding one PNG file of `img`. */
async function pngTransfer(name: string, seed: number): Promise<{ dt: JSHandle; img: ReturnType<typeof testImage> }> {
  const img = testImage(12, 8, seed);
  const bytes = await encodePng({ width: img.width, height: img.height, data: img.data });
  const dt = await page.evaluateHandle(
    ({ b64, name }) => {
      const bin = atob(b64);
      const u = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
      const d = new DataTransfer();
      d.items.add(new File([u], name, { type: 'image/png' }));
      return d;
    },
    { b64: toB64(bytes), name },
  );
  return { dt, img };
}

/**
 * Dispatches a drag event on the element `selector` finds inside the upsampler's shadow roots (or, with
 * `page:` first, in the page), as the browser does: bubbling, composed, cancelable. Returns whether a listener
 * prevented its default, which for dragover and drop is what keeps the browser from opening the file.
 */
async function drag(type: string, selector: string, dt: JSHandle): Promise<boolean> {
  return page.evaluate(
    ({ type, selector, dt }) => {
      const find = (root: ParentNode, parts: string[]): Element => {
        const el = root.querySelector(parts[0]!)!;
        return parts.length === 1 ? el : find(el.shadowRoot!, parts.slice(1));
      };
      const target = selector.startsWith('page:')
        ? document.querySelector(selector.slice(5))!
        : find(document.querySelector('tconv-upsampler')!.shadowRoot!, selector.split(' >> '));
      const e = new DragEvent(type, { dataTransfer: dt, bubbles: true, composed: true, cancelable: true });
      target.dispatchEvent(e);
      return e.defaultPrevented;
    },
    { type, selector, dt: dt as JSHandle<DataTransfer> },
  );
}

const hint = () =>
  page.evaluate(() => {
    const el = document.querySelector('tconv-upsampler')!;
    const h = el.shadowRoot!.querySelector<HTMLElement>('[part="drop-hint"]');
    if (!h) return null;
    const [a, b] = [h.getBoundingClientRect(), el.getBoundingClientRect()];
    return {
      text: h.textContent!.trim(),
      covers: a.left <= b.left && a.top <= b.top && a.right >= b.right && a.bottom >= b.bottom,
    };
  });

describe('upsampler page: drag and drop', () => {
  it('opens a file dropped on the toolbar, a side panel, its heading, the stage, the footer or the page heading, and the page stays', async () => {
    await prepare('nearest', 'bilinear');
    const before = page.url();
    const targets = [
      '.toolbar',
      '.side.b .note',
      '.side.a h3',
      'tconv-upsampler-compare >> .stage',
      '.footer',
      'page:h1',
    ];
    for (const [i, target] of targets.entries()) {
      const { dt, img } = await pngTransfer(`dropped-${i}.png`, 20 + i);
      await clearLog();
      await drag('dragenter', target, dt);
      expect(await drag('dragover', target, dt), `dragover on ${target} is taken`).toBe(true);
      expect(await drag('drop', target, dt), `drop on ${target} is taken`).toBe(true);
      await waitForResults('nearest', 'bilinear');
      expect(await sourceName(), target).toBe(`dropped-${i}.png`);
      expect(await pixels('source'), target).toEqual(img);
      expect(await hint(), target).toBeNull();
    }
    expect(page.url()).toBe(before);
  });

  it('highlights the whole element from the first dragenter until the drag leaves it or drops', async () => {
    const { dt } = await pngTransfer('hover.png', 3);
    expect(await hint()).toBeNull();
    await drag('dragenter', '.toolbar', dt);
    expect(await hint()).toEqual({ text: 'Drop the image to open it', covers: true });
    // Into a child and out of its parent, as the pointer moves: the count stays above zero, the hint stays.
    await drag('dragenter', '.toolbar .btn.primary', dt);
    await drag('dragleave', '.toolbar', dt);
    await drag('dragover', '.toolbar .btn.primary', dt);
    expect(await hint()).not.toBeNull();
    await drag('dragenter', '.side.a', dt);
    await drag('dragleave', '.toolbar .btn.primary', dt);
    expect(await hint()).not.toBeNull();
    // Out of the element: gone.
    await drag('dragleave', '.side.a', dt);
    expect(await hint()).toBeNull();
    // In again, then dropped: gone too.
    await drag('dragenter', '.side.b', dt);
    expect(await hint()).not.toBeNull();
    await clearLog();
    await drag('drop', '.side.b', dt);
    expect(await hint()).toBeNull();
    await waitForResults('transposed', 'resize-conv-nearest');
    expect(await sourceName()).toBe('hover.png');
    // A drag of text, not a file, does not promise a drop.
    const text = await page.evaluateHandle(() => {
      const d = new DataTransfer();
      d.setData('text/plain', 'words');
      return d;
    });
    await drag('dragenter', '.toolbar', text);
    expect(await hint()).toBeNull();
    await drag('dragleave', '.toolbar', text);
  });

  it('says what to drop when the drop is no image file, and keeps the image', async () => {
    const name = await sourceName();
    const cases: [() => DataTransfer, RegExp][] = [
      [
        () => {
          const d = new DataTransfer();
          d.setData('text/plain', 'just words');
          return d;
        },
        /Nothing to open: drop an image file \(PNG, JPEG, WebP, GIF or BMP\)\./,
      ],
      [
        () => {
          const d = new DataTransfer();
          d.setData('text/uri-list', 'https://example.com/cat.png');
          return d;
        },
        /That was a link, not a file: save the image first, then drop the file/,
      ],
      [
        () => {
          const d = new DataTransfer();
          d.items.add(new File(['not a picture'], 'notes.txt', { type: 'text/plain' }));
          return d;
        },
        /“notes\.txt”: this is not an image the upsampler can read \(PNG, JPEG, WebP, GIF or BMP\)/,
      ],
    ];
    for (const [make, message] of cases) {
      await clearLog();
      const dt = await page.evaluateHandle(make);
      expect(await drag('dragover', '.side.a', dt)).toBe(true);
      expect(await drag('drop', '.side.a', dt)).toBe(true);
      await page.waitForFunction(() => (window as unknown as { __errors: string[] }).__errors.length > 0);
      expect(await alertText()).toMatch(message);
      expect(await sourceName()).toBe(name);
    }
  });

  it('says beside "Open image" that an image can be dropped or pasted', async () => {
    const note = await page.evaluate(() => {
      const root = document.querySelector('tconv-upsampler')!.shadowRoot!;
      const open = root.querySelector('.toolbar .btn.primary')!;
      const next = open.nextElementSibling as HTMLElement;
      const [a, b] = [open.getBoundingClientRect(), next.getBoundingClientRect()];
      return { text: next.textContent!.trim(), visible: b.width > 0 && b.height > 0, gap: b.left - a.right };
    });
    expect(note.text).toMatch(/drop.*paste/);
    expect(note.visible).toBe(true);
    expect(note.gap).toBeLessThan(30);
  });
});
