// What the figures import to offer the export: the <tconv-export> element and
// the sources that feed it. The one-file embed (vite.embed.config.ts) swaps
// this module for embed-hook.ts, which offers none: the encoders would take
// tconv-embed.js past its size budget, and a blog that runs scripts embeds the
// live figure rather than a GIF of it. Authors export from the site's pages.

import './tconv-export.js';

export { matrixExportSource, overlapExportSource } from './sources.js';
