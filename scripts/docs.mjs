// `npm run docs`: the custom elements manifest and the README's element tables,
// both from the elements' JSDoc. @custom-elements-manifest/analyzer reads the
// sources as custom-elements-manifest.config.mjs says, the manifest goes to
// build/custom-elements.json, and README.md's text between the markers below is
// rewritten from it. tests/node/docs.test.ts fails when README.md differs from
// what this would write, so the tables cannot drift from the code.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const README = join(root, 'README.md');
export const MANIFEST = join(root, 'build/custom-elements.json');
export const START = '<!-- elements:start -->';
export const END = '<!-- elements:end -->';

/** The figures a page embeds first, then the building block; any other element after them. */
const ORDER = ['tconv-matrix', 'tconv-overlap', 'tconv-upsampler', 'tconv-grid'];

/** The manifest of the sources, as the analyzer's command line would write it. */
export async function analyze() {
  const { cli } = await import('@custom-elements-manifest/analyzer/cli.js');
  return cli({ argv: ['analyze'], cwd: root, noWrite: true });
}

/** The manifest's custom elements (classes with a tag name), in README order. */
export function customElements(manifest) {
  const rank = (tag) => (ORDER.includes(tag) ? ORDER.indexOf(tag) : ORDER.length);
  return manifest.modules
    .flatMap((m) => m.declarations ?? [])
    .filter((d) => d.kind === 'class' && d.tagName)
    .sort((a, b) => rank(a.tagName) - rank(b.tagName) || a.tagName.localeCompare(b.tagName));
}

/** One table cell: code spans for names, pipes escaped, one line. */
const cell = (text) => (text ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
const code = (text) => (text ? `\`${cell(text)}\`` : '');
/** A default as the reader writes it: undefined / null mean "absent". */
const shownDefault = (value) => (value === undefined || value === 'undefined' || value === 'null' ? '' : code(value));

function table(head, rows) {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`]
    .concat(rows.map((r) => `| ${r.join(' | ')} |`))
    .join('\n');
}

/** The event's detail type, from the manifest's CustomEvent<…>. */
function detailType(event) {
  const text = event.type?.text ?? '';
  const inner = text.match(/^CustomEvent<(.*)>$/s)?.[1] ?? text;
  return inner === 'Record<string, never>' ? '{}' : inner;
}

const isPublic = (m) => !m.privacy || m.privacy === 'public';

/** The Markdown of one element: summary, attributes, other properties, events, methods, CSS properties, parts. */
export function elementMarkdown(el) {
  const out = [`### \`<${el.tagName}>\``, ''];
  const summary = el.summary ?? el.description?.split('\n\n')[0];
  if (summary) out.push(cell(summary), '');

  const attrs = el.attributes ?? [];
  if (attrs.length) {
    const rows = attrs.map((a) => {
      const name = a.fieldName && a.fieldName !== a.name ? `${code(a.name)} (${code(a.fieldName)})` : code(a.name);
      return [name, code(a.type?.text), shownDefault(a.default), cell(a.description)];
    });
    out.push(table(['attribute (property)', 'type', 'default', 'description'], rows), '');
  }

  const attributeFields = new Set(attrs.map((a) => a.fieldName ?? a.name));
  const props = (el.members ?? []).filter(
    (m) => m.kind === 'field' && isPublic(m) && !m.static && !attributeFields.has(m.name) && m.description,
  );
  if (props.length) {
    const rows = props.map((p) => [code(p.name), code(p.type?.text), cell(p.description)]);
    out.push(table(['property (no attribute)', 'type', 'description'], rows), '');
  }

  const events = el.events ?? [];
  if (events.length) {
    const rows = events.map((e) => [code(e.name), code(detailType(e)), cell(e.description)]);
    out.push(table(['event', 'detail', 'description'], rows), '');
  }

  const methods = (el.members ?? []).filter((m) => m.kind === 'method' && isPublic(m) && !m.static && m.description);
  if (methods.length) {
    const signature = (m) => `${m.name}(${(m.parameters ?? []).map((p) => p.name).join(', ')})`;
    const rows = methods.map((m) => [code(signature(m)), cell(m.description)]);
    out.push(table(['method', 'description'], rows), '');
  }

  const cssProps = el.cssProperties ?? [];
  if (cssProps.length) {
    const rows = cssProps.map((p) => [code(p.name), shownDefault(p.default), cell(p.description)]);
    out.push(table(['CSS custom property', 'default', 'description'], rows), '');
  }

  const parts = el.cssParts ?? [];
  if (parts.length) {
    out.push(
      table(
        ['part', 'description'],
        parts.map((p) => [code(p.name), cell(p.description)]),
      ),
      '',
    );
  }
  return out.join('\n');
}

/** Every element's section, formatted as `npm run format` would leave it. */
export async function elementsMarkdown(manifest) {
  const prettier = await import('prettier');
  const markdown = customElements(manifest).map(elementMarkdown).join('\n');
  const options = (await prettier.resolveConfig(README)) ?? {};
  return prettier.format(markdown, { ...options, parser: 'markdown' });
}

/** `readme` with the text between the markers replaced by `section`. */
export function withElements(readme, section) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md: the markers ${START} … ${END} are missing`);
  return `${readme.slice(0, start + START.length)}\n\n${section.trim()}\n\n${readme.slice(end)}`;
}

/** What the README's readers would miss: an element's attribute, event, CSS property or part without a description. */
export function undocumented(manifest) {
  return customElements(manifest).flatMap((el) =>
    [
      ...(el.attributes ?? []).map((a) => ['attribute', a]),
      ...(el.events ?? []).map((e) => ['event', e]),
      ...(el.cssProperties ?? []).map((p) => ['CSS property', p]),
      ...(el.cssParts ?? []).map((p) => ['part', p]),
    ]
      .filter(([, item]) => !item.description?.trim())
      .map(([kind, item]) => `<${el.tagName}>: ${kind} ${item.name} has no description`),
  );
}

/** The first lines where `expected` and `actual` differ, for a failing check. */
function firstDifference(expected, actual) {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const i = a.findIndex((line, n) => line !== b[n]);
  const at = i < 0 ? a.length : i;
  return `line ${at + 1} of README.md's element tables:\n  expected: ${a[at] ?? '(end)'}\n  found:    ${b[at] ?? '(end)'}`;
}

/**
 * `node scripts/docs.mjs` writes the manifest and README.md's tables;
 * `--check` writes nothing and exits 1, saying where, when README.md's tables
 * are not what the manifest gives. Both list what has no description;
 * `--strict` makes that an error too.
 */
async function main() {
  const manifest = await analyze();
  const readme = readFileSync(README, 'utf8');
  const updated = withElements(readme, await elementsMarkdown(manifest));
  const missing = undocumented(manifest);
  const strict = process.argv.includes('--strict');
  for (const m of missing) console.warn(`[tconv] ${strict ? 'error' : 'warning'}: ${m}`);
  if (process.argv.includes('--check')) {
    const stale = updated !== readme;
    if (stale) console.error(`[tconv] README.md is out of date (npm run docs): ${firstDifference(updated, readme)}`);
    process.exit(stale || (strict && missing.length) ? 1 : 0);
  }
  mkdirSync(dirname(MANIFEST), { recursive: true });
  writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
  if (updated !== readme) writeFileSync(README, updated);
  const tags = customElements(manifest).map((el) => `<${el.tagName}>`);
  console.log(
    `[tconv] build/custom-elements.json: ${tags.join(' ')}; README.md ${updated === readme ? 'unchanged' : 'updated'}`,
  );
  if (strict && missing.length) process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
