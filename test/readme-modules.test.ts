// The README's module table ("Modules and who may import whom") held true: every src/ module is
// in it, every row exists, each row lists exactly the modules it imports, and the dependency
// rules the README and the design notes state hold on the real import graph, read from the
// files with a regex on `from '...'`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

interface Row {
  module: string;
  /** null: no arrow (the wiring imports everything) */
  deps: Map<string, { typesOnly: boolean }> | null;
}

/** The rows of the first code block under "### Modules and who may import whom". */
function readTable(): Row[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const heading = readme.indexOf('### Modules and who may import whom');
  if (heading < 0) throw new Error('README.md has no "Modules and who may import whom" section');
  const block = /```[^\n]*\n([\s\S]*?)```/.exec(readme.slice(heading));
  if (!block) throw new Error('the module section has no table');
  return block[1]!
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const m = /^src\/([^\s/]+)\/?\s.*?(?:\s->\s+(.+))?$/.exec(line);
      if (!m) throw new Error(`not a module row: ${line}`);
      const arrow = m[2]?.trim();
      if (arrow === undefined) return { module: m[1]!, deps: null };
      const deps = new Map<string, { typesOnly: boolean }>();
      if (arrow !== '(leaf)') {
        for (const item of arrow.split(',')) {
          const dep = /^([\w.-]+)(\s+\(types\))?$/.exec(item.trim());
          if (!dep) throw new Error(`not a dependency: "${item.trim()}" in ${line}`);
          deps.set(dep[1]!, { typesOnly: Boolean(dep[2]) });
        }
      }
      return { module: m[1]!, deps };
    });
}

interface Import {
  file: string;
  from: string;
  to: string;
  /** the target file, when it is a module of src/ */
  target: string;
  typeOnly: boolean;
  /** names imported as values ('*' for a namespace or default import) */
  values: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** src/<dir>/... -> dir; src/main.ts -> main.ts */
function moduleOf(file: string): string {
  const parts = relative(src, file).split(sep);
  return parts.length === 1 ? parts[0]!.replace(/\.js$/, '.ts') : parts[0]!;
}

const STATEMENT = /^[ \t]*(import|export)\b(\s+type\b)?([^;]*?)\bfrom\s*['"]([^'"]+)['"]/gm;
const BARE = /^[ \t]*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function valueNames(clause: string, kind: string): string[] {
  if (kind === 'export') {
    const braces = /\{([\s\S]*)\}/.exec(clause);
    if (!braces) return ['*'];
    return braces[1]!.split(',').map((s) => s.trim()).filter((s) => s && !s.startsWith('type ')).map((s) => s.split(/\s+as\s+/)[0]!);
  }
  const names: string[] = [];
  const braces = /\{([\s\S]*)\}/.exec(clause);
  if (braces) {
    for (const spec of braces[1]!.split(',').map((s) => s.trim())) {
      if (spec && !spec.startsWith('type ')) names.push(spec.split(/\s+as\s+/)[0]!);
    }
  }
  // a default or namespace import reaches everything the module exports
  if (clause.replace(/\{[\s\S]*\}/, '').replace(/,/g, '').trim()) names.push('*');
  return names;
}

function readImports(): Import[] {
  const imports: Import[] = [];
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8');
    const add = (spec: string, typeOnly: boolean, values: string[]) => {
      if (!spec.startsWith('.')) return;
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      if (relative(src, target).startsWith('..')) return;
      const from = moduleOf(file);
      const to = moduleOf(target);
      if (from !== to) imports.push({ file: relative(root, file), from, to, target, typeOnly, values });
    };
    for (const m of text.matchAll(STATEMENT)) {
      const values = m[2] ? [] : valueNames(m[3]!, m[1]!);
      // `import { type A, type B } from` is erased as a whole, like `import type`
      add(m[4]!, Boolean(m[2]) || values.length === 0, values);
    }
    for (const m of text.matchAll(BARE)) add(m[1]!, false, ['*']);
    for (const m of text.matchAll(DYNAMIC)) add(m[1]!, false, ['*']);
  }
  return imports;
}

const table = readTable();
const imports = readImports();
const importsOf = (module: string) => imports.filter((i) => i.from === module);
const describeImport = (i: Import) => `${i.file} -> ${i.to}${i.typeOnly ? ' (types)' : ''}`;

t.test('the parser sees the import graph (guards the regex, not the code)', async (t) => {
  t.ok(imports.length > 50, `${imports.length} imports across modules`);
  t.ok(imports.some((i) => i.file === 'src/services.ts' && i.to === 'pipeline' && !i.typeOnly), 'a value import');
  t.ok(imports.some((i) => i.from === 'live' && i.to === 'pipeline' && i.typeOnly), 'a type import');
  t.ok(imports.some((i) => i.from === 'http' && i.to === 'realtime' && i.values.includes('ClientMessageSchema')), 'a multi-name value import');
});

t.test('every src/ module is a row of the table, and every row is a src/ module', async (t) => {
  const inTable = table.map((r) => r.module).sort();
  t.equal(new Set(inTable).size, inTable.length, 'no module twice');
  const onDisk = readdirSync(src)
    .filter((name) => statSync(join(src, name)).isDirectory() || /\.ts$/.test(name))
    .sort();
  t.same(inTable, onDisk);
});

t.test('each row lists exactly the modules it imports; "(types)" ones only as types', async (t) => {
  for (const row of table) {
    const actual = importsOf(row.module);
    if (!row.deps) {
      // the composition root and the service graph wire every module: their row has no arrow
      t.ok(['main.ts', 'services.ts'].includes(row.module), `${row.module} lists what it imports`);
      continue;
    }
    t.same([...new Set(actual.map((i) => i.to))].sort(), [...row.deps.keys()].sort(), `src/${row.module} imports what its row says`);
    for (const [dep, { typesOnly }] of row.deps) {
      if (!typesOnly) continue;
      const values = actual.filter((i) => i.to === dep && !i.typeOnly);
      t.same(values.map(describeImport), [], `src/${row.module} imports only types from ${dep}`);
    }
  }
});

// The rules themselves, stated in the README and in the design notes, checked on the import
// graph whatever the table says: a row edited to match a broken rule still fails here.
t.test('config, domain and log are leaves', async (t) => {
  for (const leaf of ['config', 'domain', 'log']) t.same(importsOf(leaf).map(describeImport), [], `${leaf} imports no other module`);
});

t.test('ingest, pipeline and overlay know only domain, config and log', async (t) => {
  for (const module of ['ingest', 'pipeline', 'overlay']) {
    const other = importsOf(module).filter((i) => !['domain', 'config', 'log'].includes(i.to));
    t.same(other.map(describeImport), [], `${module} imports only domain, config and log`);
  }
});

t.test('commerce, realtime, live, http and report never import db', async (t) => {
  for (const module of ['commerce', 'realtime', 'live', 'http', 'report']) {
    t.same(importsOf(module).filter((i) => i.to === 'db').map(describeImport), [], `${module} does not import db`);
  }
});

t.test('http gets its services through deps: it imports no class from a service module', async (t) => {
  const serviceModules = ['db', 'ingest', 'pipeline', 'overlay', 'live', 'commerce', 'realtime'];
  const classes: string[] = [];
  for (const i of importsOf('http').filter((i) => serviceModules.includes(i.to) && !i.typeOnly)) {
    const text = readFileSync(i.target, 'utf8');
    for (const name of i.values) {
      if (name === '*' || new RegExp(`^export\\s+(?:default\\s+)?(?:abstract\\s+)?class\\s+${name}\\b`, 'm').test(text)) {
        classes.push(`${i.file}: ${name} from ${i.to}`);
      }
    }
  }
  t.same(classes, [], 'only types, functions, constants and schemas');
});

t.test('only main.ts and services.ts wire: no module imports them', async (t) => {
  const wiring = imports.filter((i) => ['main.ts', 'services.ts'].includes(i.to) && !(i.from === 'main.ts' && i.to === 'services.ts'));
  t.same(wiring.map(describeImport), []);
});

t.test('ingest is the only importer of node-media-server, and realtime never imports Fastify', async (t) => {
  const offenders: string[] = [];
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8');
    const module = moduleOf(file);
    if (module !== 'ingest' && /from\s+['"]node-media-server['"]/.test(text)) offenders.push(`${relative(root, file)}: node-media-server`);
    if (module === 'realtime' && /from\s+['"](fastify|@fastify\/[^'"]+)['"]/.test(text)) offenders.push(`${relative(root, file)}: fastify`);
  }
  t.same(offenders, []);
});
