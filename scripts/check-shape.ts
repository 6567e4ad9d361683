/**
 * Checks of the code's shape that the linter does not make, run by `npm run lint` (so CI keeps
 * them): in src/ (generated code aside)
 *   - no function is longer than 100 lines, and at most 8 are longer than 60 (every function
 *     declaration, method, accessor, constructor, and function expression or arrow bound to a
 *     name, measured from its first line to its last with the TypeScript compiler's own parser);
 *   - a temporary table's name (`CREATE TEMP TABLE <name>`) appears in no file but the one that
 *     defines it (others reach it through that file's exports);
 *   - `process.env` is read only in src/config.ts and src/db/embeddedPostgres.ts.
 * Prints what it measured; exits 1 when a check fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');
const LONG = 60;
const TOO_LONG = 100;
const MOST_LONG = 8;
const ENV_READERS = new Set(['src/config.ts', 'src/db/embeddedPostgres.ts']);

function sourceFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

interface Measured {
  name: string;
  where: string;
  lines: number;
}

/** The name a function is known by, or undefined for an unnamed callback (measured with its enclosing function). */
function functionName(node: ts.Node, file: ts.SourceFile): string | undefined {
  if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) {
    return node.name?.getText(file) ?? 'default';
  }
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
    const parent = node.parent;
    if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText(file);
  }
  return undefined;
}

function measureFunctions(file: string, text: string): Measured[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Measured[] = [];
  const visit = (node: ts.Node) => {
    const name = functionName(node, source);
    if (name !== undefined && (node as ts.FunctionLikeDeclaration).body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ name, where: `${path.relative(ROOT, file)}:${first + 1}`, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const files = sourceFiles(SRC).map((file) => ({ file, relative: path.relative(ROOT, file), text: fs.readFileSync(file, 'utf8') }));
const problems: string[] = [];

const functions = files.flatMap(({ file, text }) => measureFunctions(file, text)).sort((a, b) => b.lines - a.lines);
const long = functions.filter((f) => f.lines > LONG);
for (const f of functions.filter((f) => f.lines > TOO_LONG)) problems.push(`${f.where} ${f.name} is ${f.lines} lines (at most ${TOO_LONG})`);
if (long.length > MOST_LONG) problems.push(`${long.length} functions are over ${LONG} lines (at most ${MOST_LONG})`);
console.log(
  `functions: ${functions.length}, over ${LONG} lines: ${long.length} (at most ${MOST_LONG}), over ${TOO_LONG}: ${functions.filter((f) => f.lines > TOO_LONG).length}`,
);
for (const f of long) console.log(`  ${String(f.lines).padStart(4)}  ${f.where}  ${f.name}`);

// Tables created under a literal name, and those whose name a file defines as a snake_case
// string constant and interpolates (`CREATE TEMP TABLE ${…}`, as pipeline/tables.ts does).
const definitions = files.flatMap(({ relative, text }) => {
  const literal = [...text.matchAll(/CREATE TEMP(?:ORARY)? TABLE (?:IF NOT EXISTS )?([a-z_][a-z0-9_]*)\b/gi)].map((match) => match[1]);
  const named = /CREATE TEMP(?:ORARY)? TABLE \$\{/.test(text) ? [...text.matchAll(/'([a-z]+(?:_[a-z]+)+)'/g)].map((match) => match[1]) : [];
  return [...new Set([...literal, ...named])].map((table) => ({ table, file: relative }));
});
// A table name as a whole word: `stage_page` is not found in `stage_pages`.
for (const { table, file } of definitions) {
  const word = new RegExp(`\\b${table}\\b`);
  for (const other of files)
    if (other.relative !== file && word.test(other.text)) problems.push(`the temporary table ${table} (defined in ${file}) is named in ${other.relative}`);
}
console.log(`temporary tables: ${new Set(definitions.map((d) => d.table)).size} (each may be named in the file that defines it only)`);

for (const { relative, text } of files) {
  if (!ENV_READERS.has(relative) && /process\.env\b/.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')))
    problems.push(`${relative} reads process.env (only ${[...ENV_READERS].join(' and ')} may)`);
}

if (problems.length) {
  for (const problem of problems) console.error(`✗ ${problem}`);
  process.exit(1);
}
