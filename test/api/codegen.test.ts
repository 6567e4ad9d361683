import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { getIntrospectionQuery, parse } from 'graphql';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBED_DOCUMENTS, LANDING_SEARCH } from '../../src/modules/embed/documents.js';
import { loadFixture } from '../fixtures/readApi.js';
import { useTestDatabase } from '../helpers/database.js';
import { api, execute } from '../helpers/executor.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = path.join(ROOT, 'examples');
const SCALARS = { Date: 'string', URL: 'string', DateTime: 'string', BigInt: 'number | string' };

const { pool } = await useTestDatabase();
let out: string;

beforeAll(async () => {
  await loadFixture(pool);
  out = await fs.mkdtemp(path.join(os.tmpdir(), 'gospubliki-codegen-'));
});
afterAll(async () => {
  await fs.rm(out, { recursive: true, force: true });
});

/** The example operations kept in examples/*.graphql, by file name. */
async function examples(): Promise<Map<string, string>> {
  const files = (await fs.readdir(EXAMPLES)).filter((file) => file.endsWith('.graphql')).sort();
  return new Map(await Promise.all(files.map(async (file) => [file, await fs.readFile(path.join(EXAMPLES, file), 'utf8')] as const)));
}

describe('GraphQL Code Generator (client preset) over schema.graphql and examples/*.graphql', () => {
  it('validates the examples and generates typed operations', async () => {
    const gql = path.join(out, 'gql') + path.sep;
    const outputs = await generate(
      {
        cwd: ROOT,
        schema: path.join(ROOT, 'schema.graphql'),
        documents: path.join(EXAMPLES, '*.graphql'),
        generates: { [gql]: { preset: 'client', config: { scalars: SCALARS } } },
        silent: true,
        errorsOnly: true,
      },
      true,
    );
    expect(outputs.map((output: { filename: string }) => path.basename(output.filename)).sort()).toEqual(
      expect.arrayContaining(['gql.ts', 'graphql.ts', 'index.ts']),
    );
    const types = await fs.readFile(path.join(gql, 'graphql.ts'), 'utf8');
    for (const name of [
      'RegionDashboardQuery',
      'RegionDashboardQueryVariables',
      'TerritorySearchQuery',
      'TerritorySearchQueryVariables',
      'OrganisationCardQuery',
      'OrganisationCardByIdQuery',
      'OrganisationCardFragment',
      'RegionDashboardDocument',
    ]) {
      expect(types).toMatch(new RegExp(`export (type|const) ${name}\\b`));
    }
  });

  it('generates TypeScript that type-checks with a client using it', async () => {
    const client = path.join(out, 'client.ts');
    await fs.writeFile(
      client,
      `import type { RegionDashboardQuery, TerritorySearchQueryVariables } from './gql/graphql';
import { RegionDashboardDocument } from './gql/graphql';
export const variables: TerritorySearchQueryVariables = { search: 'петушин', levels: ['MUNICIPAL_DISTRICT'] };
export function names(result: RegionDashboardQuery): string[] {
  return result.territory?.children.nodes.map((child) => child.name) ?? [];
}
export const document = RegionDashboardDocument;
`,
    );
    const program = ts.createProgram([client], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
      baseUrl: ROOT,
      paths: { '*': [path.join(ROOT, 'node_modules/*')] },
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  });

  it('runs every example operation against the API without errors', async () => {
    const { organisation } = (await execute('{ organisation(externalId: "admin-17") { id } }')).data;
    const variables: Record<string, Record<string, unknown>> = {
      RegionDashboard: { code: '17000000', from: '2026-01-01', to: '2026-03-31' },
      TerritorySearch: { search: 'петушин' },
      OrganisationCard: { externalId: 'admin-17' },
      OrganisationCardById: { id: organisation.id },
    };
    for (const [file, text] of await examples()) {
      for (const [, operationName] of text.matchAll(/^query (\w+)/gm)) {
        const response = await fetchOperation(text, operationName!, variables[operationName!] ?? {});
        expect(response.errors, `${file} ${operationName}`).toBeUndefined();
        expect(
          Object.values(response.data ?? {}).every((value) => value !== null),
          `${file} ${operationName}`,
        ).toBe(true);
      }
    }
  });
});

/** Every `.graphql` file of the repo's clients: examples, the benchmark's queries, test fixtures (not node_modules). */
async function graphqlFiles(): Promise<string[]> {
  const found: string[] = [];
  for (const folder of ['examples', 'bench/queries', 'test']) {
    for (const entry of await fs.readdir(path.join(ROOT, folder), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.graphql')) found.push(path.join(entry.parentPath, entry.name));
    }
  }
  return found.sort();
}

/** The server's own persisted documents (the widget's, the landing page's search), written to one file. */
async function serverDocuments(): Promise<string> {
  const file = path.join(out, 'server-documents.graphql');
  await fs.writeFile(file, [...Object.values(EMBED_DOCUMENTS), LANDING_SEARCH].join('\n\n'));
  return file;
}

/** The names of the operations and fragments of a GraphQL document (`fragment X`, `operation Y`: two namespaces, as in GraphQL). */
function definitionNames(text: string): string[] {
  return parse(text).definitions.flatMap((definition) =>
    'name' in definition && definition.name ? [`${definition.kind === 'FragmentDefinition' ? 'fragment' : 'operation'} ${definition.name.value}`] : [],
  );
}

/** Operation and fragment names written in the tests' TypeScript and Relay fixtures (`query Name(`, `fragment Name on`). */
async function inlineNames(): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const entry of await fs.readdir(path.join(ROOT, 'test'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.parentPath.includes('__generated__')) continue;
    const file = path.relative(ROOT, path.join(entry.parentPath, entry.name));
    const text = await fs.readFile(path.join(ROOT, file), 'utf8');
    // One file may send the same named document twice; two files may not share a name.
    for (const [, kind, name] of text.matchAll(/\b(query|mutation|subscription|fragment) ([A-Z]\w*)(?:\s*[({]| on\b)/g)) {
      const key = `${kind === 'fragment' ? 'fragment' : 'operation'} ${name}`;
      names.set(key, names.has(key) && names.get(key) !== file ? `${names.get(key)} and ${file}` : file);
    }
  }
  return names;
}

/** One client-preset run; the generated graphql.ts. */
async function generateTypes(schema: string, documents: string[], folder: string): Promise<string> {
  const gql = path.join(out, folder) + path.sep;
  await generate(
    { cwd: ROOT, schema, documents, generates: { [gql]: { preset: 'client', config: { scalars: SCALARS } } }, silent: true, errorsOnly: true },
    true,
  );
  return fs.readFile(path.join(gql, 'graphql.ts'), 'utf8');
}

describe('every document of the repo, in one GraphQL Code Generator run', () => {
  it('has unique operation and fragment names (examples, bench/queries, the server’s documents, the tests’)', async () => {
    const seen = new Map<string, string>();
    const clash: string[] = [];
    const files = [...(await graphqlFiles()), await serverDocuments()];
    for (const file of files) {
      for (const name of definitionNames(await fs.readFile(file, 'utf8'))) {
        if (seen.has(name)) clash.push(`${name}: ${seen.get(name)} and ${path.relative(ROOT, file)}`);
        seen.set(name, path.relative(ROOT, file));
      }
    }
    for (const [name, where] of await inlineNames()) {
      if (where.includes(' and ')) clash.push(`${name}: ${where}`);
      else if (seen.has(name) && !files.some((file) => path.relative(ROOT, file) === where)) clash.push(`${name}: ${seen.get(name)} and ${where}`);
    }
    expect(seen.size).toBeGreaterThan(12);
    expect(clash).toEqual([]);
  });

  it('generates the same types from schema.graphql as from the server’s introspection', async () => {
    const documents = [...(await graphqlFiles()), await serverDocuments()];
    const fromFile = await generateTypes(path.join(ROOT, 'schema.graphql'), documents, 'from-file');
    const introspection = await fetchOperation(getIntrospectionQuery({ specifiedByUrl: true, descriptions: true }), 'IntrospectionQuery', {});
    expect(introspection.errors).toBeUndefined();
    const json = path.join(out, 'introspection.json');
    await fs.writeFile(json, JSON.stringify({ data: introspection.data }));
    const fromServer = await generateTypes(json, documents, 'from-server');
    for (const name of ['BenchRegionDashboardQuery', 'RegionDashboardQuery', 'EmbedFiguresV1Query', 'LandingSearchQuery', 'TerritoryLevel']) {
      expect(fromFile).toMatch(new RegExp(`export (type|enum) ${name}\\b`));
    }
    expect(fromServer).toBe(fromFile);
  });
});

describe('a dashboard’s tiles', () => {
  it('lose only the tile whose figure fails when each tile is its own territory(code:) alias', async () => {
    // Stats, growth and history are non-null (an error in one nulls its territory): a dashboard
    // that wants each tile to fail alone asks each through its own alias of the nullable root field.
    const response = await execute(`{
      totals: territory(code: "17000000") { stats { subscribers } }
      trend: territory(code: "17000000") { growth(from: "2026-03-01", to: "2026-01-01") { change } }
      series: territory(code: "17000000") { history(from: "2026-01-01", to: "2026-01-03") { date subscribers } }
    }`);
    expect(response.data?.trend).toBeNull();
    expect(response.errors?.map((error) => error.path)).toEqual([['trend', 'growth']]);
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.data?.totals.stats.subscribers).not.toBeNull();
    expect(response.data?.series.history).toHaveLength(3);
  });
});

async function fetchOperation(query: string, operationName: string, variables: Record<string, unknown>) {
  const response = await api().fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, operationName, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}
