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

export default defineConfig(({ command }) => ({
  // Relative asset URLs: dist/ works from any static host and any sub-folder.
  base: './',
  // Every build gets Lit's production build, also where NODE_ENV is not
  // "production" (under Vitest it is "test", which would pick the development
  // build); the dev server keeps the development build and its warnings.
  resolve: command === 'build' ? { conditions: ['module', 'browser', 'production'] } : {},
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', rollupOptions: { input: pages } },
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
}));
