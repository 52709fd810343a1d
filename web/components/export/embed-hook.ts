// hook.ts as the one-file embed builds it (vite.embed.config.ts): no export
// control, so no encoders in tconv-embed.js. The figures render
// <tconv-export> with a null source; undefined here, it draws nothing.

import type { ExportSource } from './client.js';

export const matrixExportSource = (_el: HTMLElement): ExportSource | null => null;
export const overlapExportSource = (_el: HTMLElement, _state: () => unknown): ExportSource | null => null;
