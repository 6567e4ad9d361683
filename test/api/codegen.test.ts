import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../fixtures/readApi.js';
import { useTestDatabase } from '../helpers/database.js';
import { api, execute } from '../helpers/executor.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = path.join(ROOT, 'examples');

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
        generates: { [gql]: { preset: 'client', config: { scalars: { Date: 'string', URL: 'string', BigInt: 'number | string' } } } },
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

async function fetchOperation(query: string, operationName: string, variables: Record<string, unknown>) {
  const response = await api().fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, operationName, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}
