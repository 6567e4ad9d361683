import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { poolOptions } from '../../../src/db/database.js';
import { connectPrisma, disconnectPrisma } from '../../../src/db/prisma.js';
import { readEdgeConfig } from '../../../src/modules/edge/config.js';
import { isStatementTimeout } from '../../../src/modules/edge/timeLimits.js';
import { withLoadTransaction } from '../../../src/modules/loads/pipeline/transaction.js';
import { loadFixture } from '../../fixtures/readApi.js';
import { useTestDatabase } from '../../helpers/database.js';
import { createTestApi } from '../../helpers/executor.js';

const { pool, url } = await useTestDatabase();
const defaults = { ...readEdgeConfig({}), ratePoints: 0, cacheEnabled: false };

beforeAll(async () => {
  await loadFixture(pool);
});

const postJson = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('time limits', () => {
  it('the read pool cancels a statement after DATABASE_STATEMENT_TIMEOUT_MS and keeps the connection usable', async () => {
    const reads = new pg.Pool(poolOptions(url, 2, 200));
    try {
      const started = Date.now();
      const error = await reads.query('SELECT pg_sleep(3)').catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2000);
      expect((error as { code?: string }).code).toBe('57014');
      expect(isStatementTimeout(error)).toBe(true);
      expect(isStatementTimeout({ message: 'driver error', cause: error })).toBe(true); // as Prisma's adapter wraps it
      expect((await reads.query('SELECT 1 AS one')).rows[0].one).toBe(1);
      expect(reads.idleCount).toBe(reads.totalCount); // released
      // A load lifts the timeout inside its own transaction.
      await withLoadTransaction(reads, async (client) => {
        await client.query('SELECT pg_sleep(0.4)');
      });
    } finally {
      await reads.end();
    }
  });

  it('a statement cancelled by the statement timeout answers TIMEOUT through GraphQL and its connection goes back', async () => {
    const reads = new pg.Pool(poolOptions(url, 3, 300));
    const locker = await pool.connect();
    try {
      await disconnectPrisma();
      connectPrisma(reads);
      // Another transaction holds the table: the read waits until its statement timeout.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE territory IN ACCESS EXCLUSIVE MODE');
      const api = createTestApi({ edge: { config: defaults } });
      const response = await api.fetch('http://test/graphql', postJson(JSON.stringify({ query: '{ territory(code: "17000000") { name } }' })));
      const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
      expect(body.errors[0].extensions.code, JSON.stringify(body)).toBe('TIMEOUT');
      expect(JSON.stringify(body)).not.toMatch(/SELECT|prisma/i);
      await locker.query('ROLLBACK');
      expect(reads.idleCount).toBe(reads.totalCount);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      locker.release();
      await disconnectPrisma();
      connectPrisma(pool);
      await reads.end();
    }
  });

  it('a request past REQUEST_TIMEOUT_MS answers TIMEOUT and gives its connections back', async () => {
    const api = createTestApi({ edge: { config: { ...defaults, requestTimeoutMs: 1 } } });
    const query = '{ territories(first: 50) { nodes { code stats { subscribers byPlatform { subscribers } } organisations { totalCount } } } }';
    const response = await api.fetch('http://test/graphql', postJson(JSON.stringify({ query })));
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0].extensions).toMatchObject({ code: 'TIMEOUT', limitMs: 1 });
    expect(body.errors[0].message).toContain('1 ms');
    // What was already running finishes (no field starts after the deadline) and gives its connection back.
    const until = Date.now() + 5000;
    while (pool.idleCount !== pool.totalCount && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pool.idleCount).toBe(pool.totalCount);
    expect(pool.waitingCount).toBe(0);
  });

  it('an answer over MAX_RESPONSE_BYTES is replaced by RESPONSE_TOO_LARGE (the limit counts extensions too)', async () => {
    const api = createTestApi({ edge: { config: { ...defaults, maxResponseBytes: 600 } } });
    const small = await api.fetch('http://test/graphql', postJson(JSON.stringify({ query: '{ platforms { code } }' })));
    expect(((await small.json()) as { data: unknown }).data).toBeTruthy();
    const large = await api.fetch('http://test/graphql', {
      ...postJson(JSON.stringify({ query: '{ platforms { code name hosts } sectors { code name } __schema { types { name description } } }' })),
      headers: { 'content-type': 'application/json', origin: 'https://portal.example', 'x-request-id': 'big-one' },
    });
    // The substituted answer keeps the request id and CORS, so that a browser can read the error.
    expect(large.headers.get('x-request-id')).toBe('big-one');
    expect(large.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await large.json()) as { data?: unknown; errors: { extensions: Record<string, unknown> }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions).toMatchObject({ code: 'RESPONSE_TOO_LARGE', limit: 600 });
  });

  it('a body over MAX_BODY_BYTES answers 413 PAYLOAD_TOO_LARGE, with or without Content-Length', async () => {
    const api = createTestApi({ edge: { config: { ...defaults, maxBodyBytes: 1000 } } });
    const big = JSON.stringify({ query: `{ platforms { code } } # ${'x'.repeat(2000)}` });
    const declared = await api.fetch('http://test/graphql', {
      ...postJson(big),
      headers: { 'content-type': 'application/json', origin: 'https://portal.example' },
    });
    expect(declared.status).toBe(413);
    expect(declared.headers.get('access-control-allow-origin')).toBe('*');
    expect(((await declared.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 256) controller.enqueue(bytes.slice(i, i + 256));
        controller.close();
      },
    });
    const chunked = await api.fetch(
      new Request('http://test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit),
    );
    expect(chunked.status).toBe(413);
    const fine = await api.fetch('http://test/graphql', postJson(JSON.stringify({ query: '{ platforms { code } }' })));
    expect(fine.status).toBe(200);
  });
});
