import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// Every top-level HTML file is a page of the site.
const pages = Object.fromEntries(
  readdirSync(root)
    .filter((f) => f.endsWith('.html'))
    .map((f) => [f.replace(/\.html$/, ''), `${root}${f}`]),
);

export default defineConfig({
  // Relative asset URLs: dist/ works from any static host and any sub-folder.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', rollupOptions: { input: pages } },
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
});
