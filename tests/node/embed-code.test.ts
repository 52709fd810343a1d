// The iframe snippet's text, without a browser: the default height picked for
// a figure (the matrix's by the chapter in its step), and the article's resize
// script run against fake iframes and messages, so that a message resizes only
// the iframe whose window sent it and anything else is ignored. The real
// thing, in Chromium: tests/browser/embed-alone.test.ts.

import { runInNewContext } from 'node:vm';

import { describe, expect, it } from 'vitest';

import {
  DEFAULT_HEIGHTS,
  defaultHeight,
  HEIGHT_MESSAGE,
  resizeScript,
} from '../../web/components/shared/embed-code.js';

describe('defaultHeight', () => {
  it('is the figure’s, and for the matrix its chapter’s (step "6" or "6.2" is chapter 6; none is chapter 1)', () => {
    expect(defaultHeight('overlap', [['kernel', '3']])).toBe(DEFAULT_HEIGHTS.overlap);
    expect(defaultHeight('upsampler', [])).toBe(DEFAULT_HEIGHTS.upsampler);
    expect(defaultHeight('matrix', [])).toBe(DEFAULT_HEIGHTS.matrix[0]);
    expect(defaultHeight('matrix', [['step', '6']])).toBe(DEFAULT_HEIGHTS.matrix[5]);
    expect(defaultHeight('matrix', [['step', '9.12']])).toBe(DEFAULT_HEIGHTS.matrix[8]);
    // A chapter the table does not know (a later one, or nonsense): the tallest, not a cut figure.
    expect(defaultHeight('matrix', [['step', '42']])).toBe(Math.max(...DEFAULT_HEIGHTS.matrix));
    expect(defaultHeight('matrix', [['step', 'x']])).toBe(Math.max(...DEFAULT_HEIGHTS.matrix));
  });
});

/** A fake iframe: its window (a plain object) and the height the script set. */
interface FakeFrame {
  contentWindow: object;
  height?: string;
  style: { setProperty(name: string, value: string, priority: string): void };
}

/** Runs the snippet's script over `count` fake iframes; returns them and the message listener it added. */
function article(count: number) {
  const frames: FakeFrame[] = Array.from({ length: count }, () => {
    const f: FakeFrame = {
      contentWindow: {},
      style: {
        setProperty(name, value, priority) {
          expect([name, priority]).toEqual(['height', 'important']);
          f.height = value;
        },
      },
    };
    return f;
  });
  const listeners: ((e: { data: unknown; source: unknown }) => void)[] = [];
  const script = resizeScript();
  expect(script.startsWith('<script>\n') && script.endsWith('\n</script>')).toBe(true);
  runInNewContext(script.slice('<script>'.length, -'</script>'.length), {
    addEventListener: (type: string, fn: (typeof listeners)[number]) => type === 'message' && listeners.push(fn),
    document: { querySelectorAll: (s: string) => (s === 'iframe' ? frames : []) },
  });
  expect(listeners).toHaveLength(1);
  const post = (source: unknown, data: unknown) => listeners[0]({ data, source });
  return { frames, post };
}

describe('resizeScript', () => {
  it('gives the iframe whose window sent the height that height, and leaves the others alone', () => {
    const { frames, post } = article(3);
    post(frames[1].contentWindow, { type: HEIGHT_MESSAGE, height: 812.4, href: 'x' });
    expect(frames.map((f) => f.height)).toEqual([undefined, '813px', undefined]);
    post(frames[0].contentWindow, { type: HEIGHT_MESSAGE, height: 1500 });
    post(frames[1].contentWindow, { type: HEIGHT_MESSAGE, height: 700 });
    expect(frames.map((f) => f.height)).toEqual(['1500px', '700px', undefined]);
  });

  it('ignores other messages, other windows and heights that are not a sensible number', () => {
    const { frames, post } = article(1);
    const w = frames[0].contentWindow;
    for (const data of [
      null,
      'tconv:height',
      { type: 'other', height: 500 },
      { type: HEIGHT_MESSAGE },
      { type: HEIGHT_MESSAGE, height: '500px' },
      { type: HEIGHT_MESSAGE, height: -5 },
      { type: HEIGHT_MESSAGE, height: Number.NaN },
      { type: HEIGHT_MESSAGE, height: 1e9 },
    ]) {
      post(w, data);
    }
    post({}, { type: HEIGHT_MESSAGE, height: 500 }); // a window that is none of the iframes
    expect(frames[0].height).toBeUndefined();
  });
});
