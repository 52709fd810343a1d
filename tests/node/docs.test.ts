// README.md's element tables against the elements' JSDoc: scripts/docs.mjs
// --check --strict runs the custom elements analyzer on the sources and fails
// when the tables between README's markers are not what it would write, or
// when an attribute, event, CSS property or part has no description. After
// changing an element's API or its JSDoc, `npm run docs` rewrites the tables.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

test("README.md's element tables are what the elements' JSDoc says, and it says everything", () => {
  const r = spawnSync(process.execPath, ['scripts/docs.mjs', '--check', '--strict'], { cwd: root, encoding: 'utf8' });
  expect(r.status, `${r.stderr}${r.stdout}\nnpm run docs rewrites the tables`).toBe(0);
});
