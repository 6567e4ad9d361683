import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { connectPrisma, disconnectPrisma } from '../../src/db/prisma.js';
import { useTestDatabase } from '../helpers/database.js';
import { api, execute } from '../helpers/executor.js';

const { pool } = await useTestDatabase();
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

describe('the API over a migrated database', () => {
  it('lists the seeded platforms', async () => {
    const response = await execute('{ platforms { code name } }');
    expect(response.errors).toBeUndefined();
    expect(response.data.platforms.map((p: { code: string }) => p.code)).toEqual(['VK', 'OK', 'TELEGRAM', 'MAX']);
  });
});

describe('errors', () => {
  it('shows GraphQL validation and variable errors as they are, so clients can fix their query', async () => {
    const unknownField = await execute('{ platforms { colour } }');
    expect(unknownField.errors?.[0].message).toContain('Cannot query field "colour" on type "Platform"');
    const missingVariable = await execute('query MissingCode($code: String!) { territory(code: $code) { name } }');
    expect(missingVariable.errors?.[0].message).toContain('Variable "$code" of required type "String!" was not provided');
  });

  it('masks an unexpected failure as a generic INTERNAL_SERVER_ERROR, without internals', async () => {
    await disconnectPrisma();
    try {
      const response = await execute('{ sectors { code } }');
      expect(response.errors?.[0].message).toBe('Unexpected error.');
      expect(response.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(response)).not.toMatch(/connectPrisma|stack|at .*\.ts/);
    } finally {
      connectPrisma(pool);
    }
  });

  it('logs an unexpected failure once, with the request id, and never as a bare string', async () => {
    // A separate process whose API has no database: its log lines on stderr are what an operator reads.
    const script = `
      import { createApi } from './src/yoga.ts';
      const api = createApi({ pool: undefined, ready: async () => false, loads: { queue: undefined, maxBytes: 1 } });
      const response = await api.fetch('http://test/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'req-7' }, body: JSON.stringify({ query: '{ sectors { code } }' }) });
      console.log(JSON.stringify(await response.json()));`;
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'info' },
    });
    expect(JSON.parse(stdout).errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    const errorLines = stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .filter((line) => line.level >= 50);
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatchObject({ requestId: 'req-7', path: ['sectors'], msg: 'unexpected error while resolving a request' });
    expect(errorLines[0].err.message).toContain('the database is not connected yet');
  });

  it('answers with the request id it was given, or a new one', async () => {
    const given = await api().fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'dashboard-42' },
      body: JSON.stringify({ query: '{ platforms { code } }' }),
    });
    expect(given.headers.get('x-request-id')).toBe('dashboard-42');
    const fresh = await api().fetch('http://test/graphql?query=%7B__typename%7D');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('dates', () => {
  it('refuses a day outside 1900–2999 with a message saying which days are accepted', async () => {
    const response = await execute('{ territory(code: "RU") { growth(from: "2026-01-01", to: "9999-12-31") { change } } }');
    expect(response.errors?.[0].message).toContain('between 1900-01-01 and 2999-12-31');
    const variable = await execute('query StatsAtOldDay($at: Date) { territory(code: "RU") { stats(at: $at) { subscribers } } }', { at: '1812-09-07' });
    expect(variable.errors?.[0].message).toContain('between 1900-01-01 and 2999-12-31');
  });
});

describe('health and readiness', () => {
  it('answers /healthz while the process is up and /readyz once the database is migrated', async () => {
    expect((await api().fetch('http://test/healthz')).status).toBe(200);
    const ready = await api().fetch('http://test/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', primary: { status: 'ready' }, replicas: [] });
  });

  it('answers /readyz with 503 while the database is not migrated', async () => {
    await pool.query('UPDATE "_prisma_migrations" SET finished_at = NULL');
    try {
      const notReady = await api().fetch('http://test/readyz');
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({ status: 'not ready', primary: { status: 'not ready' }, replicas: [] });
    } finally {
      await pool.query('UPDATE "_prisma_migrations" SET finished_at = now()');
    }
  });
});
