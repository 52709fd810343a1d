// The export's DOM-free parts (web/lib/export): file names from the
// configuration, the GIF palette that keeps the theme's colours exactly, and
// the SVG writer. The browser suite (tests/browser/export.test.ts) checks the
// files themselves against the page.

import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG } from '../../web/lib/explainer/config.js';
import { OVERLAP_DEFAULTS } from '../../web/lib/explainer/overlap-settings.js';
import { exportFileName, formatBytes, matrixStem, overlapStem } from '../../web/lib/export/filename.js';
import { buildPalette, PaletteIndex, rgbOf } from '../../web/lib/export/palette.js';
import { type Scene, sceneColors, sceneToSvg } from '../../web/lib/export/scene.js';
import { TOKENS } from '../../web/components/shared/theme-tokens.js';

describe('file names', () => {
  it('name the configuration, only the parameters that differ from the defaults beyond i, k and s, and the scope', () => {
    const seed = matrixStem(DEFAULT_CONFIG);
    expect(seed).toBe('tconv-matrix-i4-k3-s1');
    const c = {
      ...DEFAULT_CONFIG,
      input: [5, 5],
      stride: [2, 2],
      padding: [1, 0],
      outputPadding: [1, 1],
    } as typeof DEFAULT_CONFIG;
    expect(exportFileName(matrixStem(c), { kind: 'chapter', chapter: 2 }, 'gif')).toBe(
      'tconv-matrix-i5-k3-s2-p1x0-op1-ch2.gif',
    );
    expect(exportFileName(seed, { kind: 'all' }, 'webm')).toBe('tconv-matrix-i4-k3-s1-all.webm');
    expect(exportFileName(seed, { kind: 'still', chapter: 6, frame: 3 }, 'svg')).toBe(
      'tconv-matrix-i4-k3-s1-ch6-f3.svg',
    );
    expect(exportFileName(seed, { kind: 'still', chapter: 6, frame: 0 }, 'png')).toBe('tconv-matrix-i4-k3-s1-ch6.png');
    expect(exportFileName(overlapStem(OVERLAP_DEFAULTS, OVERLAP_DEFAULTS), null, 'gif')).toBe(
      'tconv-overlap-k3-s2.gif',
    );
    expect(overlapStem({ ...OVERLAP_DEFAULTS, dilation: [2, 2], size: [4, 6] }, OVERLAP_DEFAULTS)).toBe(
      'tconv-overlap-k3-s2-d2-n4x6',
    );
    expect(() => exportFileName('a b', null, 'gif')).toThrow(/stem "a b"/);
  });

  it('sizes read as a file manager writes them', () => {
    expect([812, 1000, 340_400, 1_234_567, 12_500_000].map(formatBytes)).toEqual([
      '812 B',
      '1 KB',
      '340 KB',
      '1.2 MB',
      '13 MB',
    ]);
    expect(() => formatBytes(-1)).toThrow(/bytes -1/);
  });
});

describe('the GIF palette', () => {
  const exact = [
    ...new Set(
      Object.values(TOKENS)
        .flatMap((t) => [t.light, t.dark])
        .filter((v) => /^#[0-9a-f]{6}$/i.test(v)),
    ),
  ];

  it('keeps every theme colour exactly, each pixel of one mapping to its own index', () => {
    const palette = buildPalette(exact, [[1, 2, 3], rgbOf(exact[0])]);
    expect(palette.length).toBe(exact.length + 1); // the duplicate is dropped
    const index = new PaletteIndex(palette);
    const rgba = new Uint8Array(exact.length * 4);
    exact.forEach((c, i) => rgba.set([...rgbOf(c), 255], i * 4));
    const ids = index.map(rgba);
    exact.forEach((c, i) => expect(palette[ids[i]]).toEqual(rgbOf(c)));
  });

  it('maps other colours to the nearest and unchanged pixels to the transparent slot', () => {
    const index = new PaletteIndex([
      [0, 0, 0],
      [255, 255, 255],
      [200, 100, 0],
    ]);
    expect(index.indexOf(250, 250, 250)).toBe(1);
    expect(index.indexOf(190, 110, 10)).toBe(2);
    const a = Uint8Array.from([0, 0, 0, 255, 255, 255, 255, 255]);
    const b = Uint8Array.from([0, 0, 0, 255, 200, 100, 0, 255]);
    expect(Array.from(index.mapChanges(b, a, 3))).toEqual([3, 2]);
    expect(() => index.mapChanges(b, a.subarray(4), 3)).toThrow(/previous has 4 bytes/);
  });

  it('caps the palette at 256 colours, the theme first', () => {
    const many = Array.from({ length: 300 }, (_, i) => `#${i.toString(16).padStart(6, '0')}`);
    const palette = buildPalette(many.slice(0, 10), many.slice(10).map(rgbOf));
    expect(palette.length).toBe(256);
    expect(palette.slice(0, 10)).toEqual(many.slice(0, 10).map(rgbOf));
    expect(() => buildPalette([], [], 300)).toThrow(/max 300/);
    expect(() => rgbOf('red')).toThrow(/"red"/);
  });
});

describe('the SVG still', () => {
  const scene: Scene = {
    width: 200,
    height: 100,
    background: '#ffffff',
    fonts: { sans: "system-ui, 'Segoe UI', sans-serif", mono: 'monospace' },
    items: [
      {
        kind: 'rect',
        x: 10,
        y: 10,
        w: 40,
        h: 40,
        fill: '#f4f5f9',
        stroke: '#dde1e8',
        strokeWidth: 1,
        radius: 4,
        dash: [3, 2],
      },
      {
        kind: 'text',
        x: 30,
        y: 30,
        text: 'Cᵀ·vec(y) < 1 & "x"',
        size: 14,
        weight: 600,
        fill: '#1d2330',
        anchor: 'middle',
      },
    ],
    cells: [],
    title: 'Chapter 6: Cᵀ·vec(y)',
  };

  it('is self-contained, scaled, with its text as <text>, escaped', () => {
    const svg = sceneToSvg(scene, 2);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="400" height="200" viewBox="0 0 200 100"/);
    expect(svg).toContain('>Cᵀ·vec(y) &lt; 1 &amp; &quot;x&quot;</text>');
    expect(svg).toContain('font-weight="600"');
    expect(svg).toContain('stroke-dasharray="3 2"');
    expect(svg).not.toMatch(/href|<style|<script|<image|url\(/);
    expect(() => sceneToSvg(scene, 0)).toThrow(/scale 0/);
  });

  it('lists its colours, the background first', () => {
    expect(sceneColors([scene])).toEqual(['#ffffff', '#f4f5f9', '#1d2330', '#dde1e8']);
  });
});
