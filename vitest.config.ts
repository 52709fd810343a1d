import { defineConfig } from 'vitest/config';

// On two cores Vitest's default is one worker for both projects in one queue.
// The Node suites are CPU-bound and independent, so they get both cores first
// (groupOrder 0); the browser suites run after them, one file at a time
// (groupOrder 1), since each drives its own Chromium, which uses the other core.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['tests/node/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Real Chromium (Debian's) driven by playwright-core against the built
        // site, which the global setup builds once for every suite.
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          globalSetup: ['tests/browser/global-setup.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 180_000,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
