// @custom-elements-manifest/analyzer's configuration: which files describe the
// elements, and how to read them. `npm run docs` (scripts/docs.mjs) runs it,
// writes build/custom-elements.json and the README's element tables from it.
//
// Where the manifest's facts come from:
//   attributes, properties, types, defaults  static properties + `declare` fields + the constructor
//                                            (the Lit plugin, litelement below), and JSDoc on the fields;
//                                            a field's @default tag wins over its initial value
//   tag names                                the customElements.define() calls of the registration files
//   events                                   for a TconvElement<Events>: the keys of Events, whose JSDoc says
//                                            what they mean (emit() is type-checked against it); otherwise
//                                            @fires tags on the class
//   CSS custom properties, parts             @cssprop and @csspart tags on the class
// A type alias that is a short union of literals (Loading = 'lazy' | 'eager')
// is written out, so the reader (and an IDE completing attribute values) sees the values.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

export default {
  globs: [
    // The classes and their documentation.
    'web/components/*/*.component.ts',
    'web/upsampler/tconv-upsampler.component.ts',
    // The base class (its `theme` attribute is inherited) and the registrations (tag names).
    'web/components/shared/tconv-element.ts',
    'web/components/tconv-*/tconv-*.ts',
    'web/upsampler/tconv-upsampler.ts',
  ],
  exclude: ['**/*.styles.ts'],
  outdir: 'build',
  litelement: true,
  // The manifest is a build product, not package metadata: leave package.json alone.
  packagejson: false,
  quiet: true,
  plugins: [litStatePlugin(), documentedDefaultsPlugin(), typedEventsPlugin(), literalUnionsPlugin()],
};

/** The class declaration of `node` in the module's documentation. */
const classDoc = (moduleDoc, node) =>
  moduleDoc.declarations.find((d) => d.kind === 'class' && d.name === node.name?.text);

/** The object literal of `static properties = { … }`, if the class has one. */
function staticProperties(ts, node) {
  const member = node.members.find(
    (m) =>
      ts.isPropertyDeclaration(m) &&
      m.name.getText() === 'properties' &&
      m.modifiers?.some((k) => k.kind === ts.SyntaxKind.StaticKeyword),
  );
  return member?.initializer && ts.isObjectLiteralExpression(member.initializer) ? member.initializer : null;
}

/**
 * Lit's `{ state: true }` properties are the element's internal state: they
 * have no attribute and are not API, but the analyzer's Lit plugin lists them
 * as attributes. Drop those attributes and mark the fields private.
 */
function litStatePlugin() {
  return {
    name: 'tconv: Lit state is private',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isClassDeclaration(node)) return;
      const object = staticProperties(ts, node);
      const doc = classDoc(moduleDoc, node);
      if (!object || !doc) return;
      const isState = (options) =>
        ts.isObjectLiteralExpression(options) &&
        options.properties.some(
          (o) =>
            ts.isPropertyAssignment(o) &&
            o.name.getText() === 'state' &&
            o.initializer.kind === ts.SyntaxKind.TrueKeyword,
        );
      const state = new Set(
        object.properties
          .filter((p) => ts.isPropertyAssignment(p) && isState(p.initializer))
          .map((p) => p.name.getText()),
      );
      doc.attributes = doc.attributes.filter((a) => !state.has(a.fieldName ?? a.name));
      for (const member of doc.members) if (state.has(member.name)) member.privacy = 'private';
    },
  };
}

/**
 * A field's JSDoc `@default` says what an absent attribute means ('4x4'),
 * where the constructor's initial value is often null. The analyzer lets the
 * constructor win; here the documented default does, on the field and its
 * attribute.
 */
function documentedDefaultsPlugin() {
  return {
    name: 'tconv: @default wins',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isClassDeclaration(node)) return;
      const doc = classDoc(moduleDoc, node);
      if (!doc) return;
      for (const member of node.members) {
        const tag = ts.getJSDocTags(member).find((t) => t.tagName.text === 'default');
        const comment = typeof tag?.comment === 'string' ? tag.comment.trim() : '';
        if (!comment || !member.name) continue;
        const name = member.name.getText();
        for (const item of [...doc.members, ...doc.attributes]) {
          if ((item.fieldName ?? item.name) === name) item.default = comment;
        }
      }
    },
  };
}

/**
 * Events. A figure extends TconvElement<Events> and its emit() only accepts
 * the keys of Events with their detail types, so that interface is the
 * complete, compiler-checked list: each key becomes an event whose type is
 * CustomEvent<detail> (a detail interface of the same file written out) and
 * whose description is the key's JSDoc. The analyzer also reports
 * `dispatchEvent(new CustomEvent(type, …))` with a variable name (the base's
 * generic dispatch) as an event called "type": such names are dropped.
 */
function typedEventsPlugin() {
  /** class name → event names that are really variables */
  const variableNames = new Map();
  return {
    name: 'tconv: events from TconvElement<Events>',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isClassDeclaration(node)) return;
      const doc = classDoc(moduleDoc, node);
      if (!doc) return;
      const names = new Set();
      const visit = (n) => {
        if (ts.isNewExpression(n) && n.expression.getText() === 'CustomEvent' && n.arguments?.[0]) {
          if (ts.isIdentifier(n.arguments[0])) names.add(n.arguments[0].text);
        }
        ts.forEachChild(n, visit);
      };
      visit(node);
      variableNames.set(doc.name, names);

      const base = node.heritageClauses?.flatMap((h) => h.types).find((t) => t.expression.getText() === 'TconvElement');
      const events = base?.typeArguments?.[0];
      if (!events || !ts.isTypeReferenceNode(events)) return;
      const source = node.getSourceFile();
      const members = interfaceMembers(ts, source, events.typeName.getText());
      if (!members) return;
      doc.events = members.map((m) => ({
        name: m.name,
        type: { text: `CustomEvent<${inlineInterface(ts, source, m.type)}>` },
        ...(m.description ? { description: m.description } : {}),
      }));
    },
    packageLinkPhase({ customElementsManifest }) {
      const classes = customElementsManifest.modules.flatMap((m) => m.declarations).filter((d) => d.kind === 'class');
      for (const doc of classes) {
        if (!doc.events) continue;
        doc.events = doc.events.filter((e) => {
          const owner = e.inheritedFrom?.name ?? doc.name;
          return !variableNames.get(owner)?.has(e.name);
        });
      }
    },
  };
}

/** The members of `interface name { … }` in `source`: name, type text, JSDoc text. */
function interfaceMembers(ts, source, name) {
  const decl = source.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === name);
  if (!decl) return null;
  return decl.members.filter(ts.isPropertySignature).map((m) => ({
    name: ts.isStringLiteral(m.name) ? m.name.text : m.name.getText(),
    type: m.type?.getText() ?? 'unknown',
    description: (m.jsDoc ?? [])
      .map((d) => (typeof d.comment === 'string' ? d.comment : ''))
      .join('\n')
      .replace(/\s*\n\s*/g, ' ')
      .trim(),
  }));
}

/** A type written out when it names an interface of `source` ({ a: T; b: U }), else as is. */
function inlineInterface(ts, source, type) {
  const members = /^[A-Za-z_$][\w$]*$/.test(type) ? interfaceMembers(ts, source, type) : null;
  return members ? `{ ${members.map((m) => `${m.name}: ${m.type}`).join('; ')} }` : type;
}

/** An alias written out where it stood: in parentheses before `[]`, so that Kind[] stays an array of the union. */
const written = (union, next) => (next === '[' && union.includes('|') ? `(${union})` : union);

/** Writes out, in every type of a module's classes, the literal-union aliases the module declares or imports. */
function literalUnionsPlugin() {
  const cache = new Map();
  return {
    name: 'tconv: literal unions written out',
    moduleLinkPhase({ ts, moduleDoc }) {
      const aliases = literalAliases(ts, join(root, moduleDoc.path), cache);
      if (aliases.size === 0) return;
      const names = new RegExp(`\\b(${[...aliases.keys()].join('|')})\\b`, 'g');
      for (const doc of moduleDoc.declarations.filter((d) => d.kind === 'class')) {
        for (const item of [...doc.attributes, ...doc.members, ...doc.events]) {
          if (item.type?.text)
            item.type.text = item.type.text.replace(names, (name, _, at, text) =>
              written(aliases.get(name), text[at + name.length]),
            );
        }
      }
    },
  };
}

/**
 * The aliases of literal unions visible in a file: its own
 * (`type Loading = 'lazy' | 'eager'`) and those it imports or re-exports by
 * name from relative modules, followed through their files. name → written-out type.
 */
function literalAliases(ts, file, cache) {
  if (cache.has(file)) return cache.get(file);
  const found = new Map();
  cache.set(file, found);
  if (!existsSync(file)) return found;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const isLiteral = (t) => ts.isLiteralTypeNode(t);
  for (const s of source.statements) {
    if (ts.isTypeAliasDeclaration(s)) {
      const t = s.type;
      // Up to four values: longer lists (the seven upsampling methods) keep their name.
      if (isLiteral(t) || (ts.isUnionTypeNode(t) && t.types.length <= 4 && t.types.every(isLiteral))) {
        found.set(s.name.text, t.types ? t.types.map((x) => x.getText()).join(' | ') : t.getText());
      }
    }
    if (!ts.isImportDeclaration(s) && !ts.isExportDeclaration(s)) continue;
    const from = s.moduleSpecifier?.text ?? '';
    if (!from.startsWith('.')) continue;
    const bindings = ts.isImportDeclaration(s) ? s.importClause?.namedBindings : s.exportClause;
    if (!bindings || !('elements' in bindings)) continue;
    const other = literalAliases(ts, join(dirname(file), from.replace(/\.js$/, '.ts')), cache);
    for (const e of bindings.elements) {
      const imported = (e.propertyName ?? e.name).text;
      if (other.has(imported) && !found.has(e.name.text)) found.set(e.name.text, other.get(imported));
    }
  }
  return found;
}
