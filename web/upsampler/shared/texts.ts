// The upsampler's explanatory texts and number formats. DOM-free.

import type { UpsampleGeometry } from '../../lib/types.js';
import { list } from '../../lib/explainer/text.js';
import { METHOD_LABELS, METHODS, takesAlignCorners, type UpsampleMethod } from './protocol.js';

/**
 * What each method does, in a sentence or two, for a factor f and the editor's
 * kernel size k. `g` is the core's geometry of the method (null until the
 * core is loaded: the numbers it gives are then left out).
 */
export function methodNote(method: UpsampleMethod, f: number, k: number, g: UpsampleGeometry | null): string {
  switch (method) {
    case 'nearest':
      return `Fixed interpolation: each pixel becomes a ${f}×${f} block. Nothing is invented, nothing is smoothed.`;
    case 'bilinear':
      return 'Fixed interpolation: each output pixel is a weighted average of the 2×2 nearest input pixels.';
    case 'bicubic':
      return 'Fixed interpolation over the 4×4 nearest pixels (Keys, a = −0.75): sharper than bilinear, with slight halos at edges.';
    case 'transposed-bilinear': {
      const kernel = g ? ` (${g.kernelSize[0]}×${g.kernelSize[1]}, padding ${g.padding[0]})` : '';
      const n = g?.border ?? 0;
      const edge = g ? `${n === 1 ? 'pixel' : `${n} pixels`} along each edge come${n === 1 ? 's' : ''}` : 'pixels come';
      return (
        `Transposed convolution, stride ${f}, with the fixed bilinear kernel${kernel}. ` +
        `Inside the image it equals bilinear interpolation. At the border the kernel reaches into the zero padding, ` +
        `so the outermost ${edge} out darker (or more transparent).`
      );
    }
    case 'transposed':
      return (
        `Transposed convolution, stride ${f}, with your ${k}×${k} kernel (scaled by ${f * f}): the layout of a learned ` +
        `up-sampling layer. Each input pixel stamps a copy of the kernel; where the copies overlap unevenly, a ` +
        `checkerboard appears.`
      );
    case 'resize-conv-nearest':
      return `Resize-convolution: nearest ×${f}, then an ordinary convolution with your ${k}×${k} kernel. Every output pixel gets the same taps, so no checkerboard.`;
    case 'resize-conv-bilinear':
      return `Resize-convolution: bilinear ×${f}, then an ordinary convolution with your ${k}×${k} kernel. Smooth and free of checkerboards.`;
  }
}

/** The lead of the align-corners figure (align-figure.ts): what the option chooses. */
export const ALIGN_CORNERS_NOTE =
  'Align corners chooses what lines up when an image is resized: its edges (off, the default) or the centres of its ' +
  'corner pixels (on, torch’s align_corners=True).';

/**
 * Which methods take align corners (protocol.ts takesAlignCorners), and whether `method`, a side's, does:
 * "Only Bilinear and Bicubic take it, so the box is greyed out for this side’s method (Nearest)."
 */
export function alignMethodsNote(method: UpsampleMethod): string {
  const takers = METHODS.filter(takesAlignCorners).map((m) => METHOD_LABELS[m]);
  const all = `Only ${list(takers)} ${takers.length === 1 ? 'takes' : 'take'} it`;
  return takesAlignCorners(method)
    ? `${all}.`
    : `${all}, so the box is greyed out for this side’s method (${METHOD_LABELS[method]}).`;
}

/** "3.2 ms", "812 ms", "12.3 s" */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "photo.jpg" → "photo"; names are kept to safe characters for a download. */
export function baseName(name: string): string {
  const base = name.replace(/\.[a-z0-9]{1,5}$/i, '').replace(/[^\p{L}\p{N}._-]+/gu, '-');
  return base.replace(/^-+|-+$/g, '').slice(0, 60) || 'image';
}

/** Upper-cases the first letter: messages are built from fragments. */
export function sentence(s: string): string {
  const t = s.trim();
  const body = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(body) ? body : `${body}.`;
}

/** " on 4 cores" when a result was split across band workers. */
export function coresNote(workers: number): string {
  return workers > 1 ? ` on ${workers} cores` : '';
}
