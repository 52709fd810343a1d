import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs: dist/ works from any static host and any sub-folder.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { host: '127.0.0.1' },
});
