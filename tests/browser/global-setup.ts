// Runs once before the browser suites (vitest.config.ts): builds the site and
// the embed as `npm run build` does, into a folder of the tests' own (dist/ is
// left to `npm run build`), and hands every suite its path and the Chromium
// to drive (see support.ts: siteDir(), serveSite(), launchChromium()).
// Expects the WebAssembly core to be built (npm run test:browser does that).
import { join } from 'node:path';

import type { TestProject } from 'vitest/node';

import { buildSite } from '../../scripts/site.mjs';
import { chromiumPath, root } from '../../scripts/toolchain.mjs';

export default async function setup(project: TestProject): Promise<void> {
  const siteDir = join(root, 'build/test-site');
  await buildSite(siteDir);
  project.provide('siteDir', siteDir);
  project.provide('chromiumPath', chromiumPath() ?? '');
}
