import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The Relay compiler (relay-compiler's own binary) over the fragments a dashboard writes
 * (test/api/relay/src: @connection pagination, @refetchable through `node`, a live subscription),
 * against schema.graphql: a schema change that breaks Relay fails here.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = path.join(ROOT, 'test/api/relay/src');
const RELAY: string = createRequire(import.meta.url)('relay-compiler');
const run = promisify(execFile);

/** What a Relay project maps our custom scalars to (README: schema notes for typed clients). */
const CUSTOM_SCALARS = { BigInt: 'number | string', Date: 'string', DateTime: 'string', URL: 'string' };

let work: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'gospubliki-relay-'));
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

/** A Relay project over `schema` in a folder of its own; the compiler's exit code, output and artifacts. */
async function compile(name: string, schema: string) {
  const project = path.join(work, name);
  await fs.cp(FIXTURE, path.join(project, 'src'), { recursive: true });
  await fs.mkdir(path.join(project, 'src/__generated__'), { recursive: true });
  await fs.writeFile(path.join(project, 'schema.graphql'), schema);
  const config = {
    src: './src',
    schema: './schema.graphql',
    language: 'typescript',
    artifactDirectory: './src/__generated__',
    customScalarTypes: CUSTOM_SCALARS,
  };
  await fs.writeFile(path.join(project, 'relay.config.json'), JSON.stringify(config));
  try {
    const { stdout, stderr } = await run(RELAY, ['relay.config.json'], { cwd: project, env: { ...process.env, NO_COLOR: '1' } });
    return { ok: true, output: stdout + stderr, artifacts: await artifacts(project) };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`, artifacts: new Map<string, string>() };
  }
}

async function artifacts(project: string): Promise<Map<string, string>> {
  const folder = path.join(project, 'src/__generated__');
  const files = await fs.readdir(folder);
  return new Map(await Promise.all(files.map(async (file) => [file, await fs.readFile(path.join(folder, file), 'utf8')] as const)));
}

describe('the Relay compiler over schema.graphql', () => {
  it('compiles a dashboard’s fragments: @connection pagination, @refetchable through node, typed scalars', async () => {
    const result = await compile('ok', await fs.readFile(path.join(ROOT, 'schema.graphql'), 'utf8'));
    expect(result.output).not.toMatch(/ERROR/);
    expect(result.ok).toBe(true);
    const names = [...result.artifacts.keys()].sort();
    for (const name of [
      'DashboardChildrenPaginationQuery',
      'DashboardChildren_territory',
      'DashboardPageQuery',
      'DashboardTileRefetchQuery',
      'DashboardTile_territory',
    ]) {
      expect(names).toContain(`${name}.graphql.ts`);
    }
    // The refetch query goes through node(id:), and the connection's page info is added by Relay.
    const refetch = result.artifacts.get('DashboardTileRefetchQuery.graphql.ts') ?? '';
    expect(refetch).toMatch(/node\(id: \$id\)/);
    expect(result.artifacts.get('DashboardChildrenPaginationQuery.graphql.ts')).toMatch(/pageInfo[\s\S]*endCursor[\s\S]*hasNextPage/);
    // The custom scalars come out as mapped.
    expect(result.artifacts.get('DashboardTile_territory.graphql.ts')).toMatch(/readonly subscribers: number \| string;/);
  });

  it('fails when the schema breaks what Relay needs (Territory no longer a Node)', async () => {
    const schema = (await fs.readFile(path.join(ROOT, 'schema.graphql'), 'utf8')).replace('type Territory implements Node {', 'type Territory {');
    const result = await compile('broken', schema);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/refetchable/i);
  });
});
