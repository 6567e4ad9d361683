import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureDatabase } from '../../src/db/database.js';
import { migrate, migrationsApplied } from '../../src/db/migrate.js';
import { connectPrisma, createPrismaClient, disconnectPrisma } from '../../src/db/prisma.js';
import { REPLICA_APPLICATION_NAME, ReplicaSet } from '../../src/db/replicas.js';
import { importFolder } from '../../src/modules/loads/pipeline/runLoad.js';
import { LoadQueue } from '../../src/modules/loads/queue/queue.js';
import { isReplicaFailure, sqlState } from '../../src/modules/replicas/plugin.js';
import { sleep } from '../../src/util/os.js';
import { type Api, createApi } from '../../src/yoga.js';
import { keyFor, TWO_REGIONS } from '../fixtures/twoRegions.js';
import { csv, writeLoad } from '../helpers/loads.js';
import { REPLICA_BIN, replicaBinariesPresent, type StreamingPair, startStreamingPair } from '../helpers/streaming.js';

/**
 * Reads on a real streaming standby (DATABASE_READ_URLS): a primary and a standby of Debian's
 * PostgreSQL 15 started for this file (test/helpers/streaming.ts), the project's migrations and
 * loads on the primary, the API as the server builds it over both.
 */

const required = process.env.REQUIRE_REPLICA === '1';

if (!replicaBinariesPresent()) {
  describe('read replicas', () => {
    const title = required ? `needs the PostgreSQL 15 binaries in ${REPLICA_BIN} (REQUIRE_REPLICA=1)` : 'replica tests not run: install postgresql-15';
    it(title, () => {
      const message = `the read-replica tests need initdb, pg_ctl, postgres and pg_basebackup in ${REPLICA_BIN} (apt-get install -y postgresql-15)`;
      if (required) throw new Error(message);
      console.warn(`${message}: they did not run`);
    });
  });
} else {
  describe('read replicas (a real streaming standby)', () => {
    let pair: StreamingPair;
    let primary: pg.Pool;
    let standbyAdmin: pg.Pool;
    let patient: ReplicaSet; // skips a replica only after 30 s of lag
    let strict: ReplicaSet; // after 1 s
    let patientApi: Api;
    let strictApi: Api;
    let queue: LoadQueue;
    let day = 1;

    beforeAll(async () => {
      pair = await startStreamingPair();
      const url = await ensureDatabase(pair.primaryUrl(), 'gospubliki');
      await migrate(url);
      primary = new pg.Pool({ connectionString: url, max: 5 });
      primary.on('error', () => undefined);
      connectPrisma(primary);
      const loaded = await importFolder(primary, await writeLoad(TWO_REGIONS));
      expect(loaded.dataVersion?.version).toBe(1);
      standbyAdmin = new pg.Pool({ connectionString: pair.standbyUrl('gospubliki'), max: 2 });
      standbyAdmin.on('error', () => undefined);
      await waitFor(async () => (await versionOnStandby()) === 1, 'the standby to replay the first load');
      const replicas = (maxLagSeconds: number) =>
        new ReplicaSet({ primaryUrl: url, urls: [pair.standbyUrl('gospubliki')], maxLagSeconds, poolSize: 4, checkIntervalMs: 200, statementTimeoutMs: 5000 });
      patient = replicas(30);
      strict = replicas(1);
      await Promise.all([patient.start(), strict.start()]);
      queue = new LoadQueue({
        pool: primary,
        uploadsDir: path.join(inject('scratchFolder'), `uploads-replica-${process.pid}`),
        retentionDays: 30,
        pollMs: 200,
      });
      await queue.start();
      const apiOver = (replicaSet: ReplicaSet) =>
        createApi({ pool: primary, replicas: replicaSet, ready: () => migrationsApplied(primary), loads: { queue, maxBytes: 1024 * 1024 } });
      patientApi = apiOver(patient);
      strictApi = apiOver(strict);
    });

    afterAll(async () => {
      await queue?.stop();
      await patient?.close();
      await strict?.close();
      await standbyAdmin?.end();
      await disconnectPrisma();
      await primary?.end();
      await pair?.destroy();
    });

    /** The version of the data the standby has replayed. */
    async function versionOnStandby(): Promise<number> {
      // The one row of data_version, as far as the standby has replayed.
      const { rows } = await standbyAdmin.query<{ version: string }>('SELECT version FROM data_version WHERE id = $1', [1]).catch(() => ({ rows: [] }));
      return Number(rows[0]?.version ?? -1);
    }

    /** A load of one new observation of school A (a later day each time): its subscribers become `subscribers`. */
    async function loadSubscribers(subscribers: number): Promise<number> {
      day += 1;
      const observed = `2026-11-${String(day).padStart(2, '0')}`;
      const result = await importFolder(
        primary,
        await writeLoad({ 'observations.csv': csv('platform,external_id,subscribers,observed_on', [['VK', 'school_a', subscribers, observed]]) }),
      );
      expect(result.ok).toBe(true);
      return result.dataVersion!.version;
    }

    async function setReplay(paused: boolean): Promise<void> {
      await standbyAdmin.query(paused ? 'SELECT pg_wal_replay_pause()' : 'SELECT pg_wal_replay_resume()');
      if (paused) {
        // Pausing takes effect between records: wait until replay has really stopped.
        await waitFor(async () => (await standbyAdmin.query("SELECT pg_get_wal_replay_pause_state() = 'paused' AS paused")).rows[0].paused, 'replay to pause');
      }
    }

    interface Read {
      subscribers?: number;
      version?: number;
      committedAt?: string | null;
      database?: string;
      errors?: unknown[];
      status: number;
    }

    /** Vladimir's city subscribers, read through `api`, with the response's freshness. */
    async function read(api: Api): Promise<Read> {
      const response = await api.fetch('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ territory(code: "17701000") { stats { subscribers } } }' }),
      });
      const body = (await response.json()) as {
        data?: { territory: { stats: { subscribers: number } } };
        errors?: unknown[];
        extensions?: { dataVersion: { version: number; committedAt: string | null } | null; database: string };
      };
      return {
        status: response.status,
        subscribers: body.data?.territory.stats.subscribers,
        version: body.extensions?.dataVersion?.version,
        committedAt: body.extensions?.dataVersion?.committedAt,
        database: body.extensions?.database,
        ...(body.errors ? { errors: body.errors } : {}),
      };
    }

    async function readiness(api: Api) {
      const response = await api.fetch('http://test/readyz');
      return { status: response.status, text: await response.text() };
    }

    async function replicaStatus(api: Api): Promise<string> {
      return JSON.parse((await readiness(api)).text).replicas[0].status;
    }

    it('serves reads from the standby: answered by it, its sessions in its pg_stat_activity, with the data version it has replayed', async () => {
      const first = await read(patientApi);
      expect(first).toMatchObject({ status: 200, subscribers: 100, version: 1, database: 'replica' });
      expect(first.committedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      // The sessions of the replica pool, by the application_name replica pools set.
      const sessions = 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1';
      const onStandby = await standbyAdmin.query<{ n: number }>(sessions, [REPLICA_APPLICATION_NAME]);
      const onPrimary = await primary.query<{ n: number }>(sessions, [REPLICA_APPLICATION_NAME]);
      expect(onStandby.rows[0].n).toBeGreaterThan(0);
      expect(onPrimary.rows[0].n).toBe(0);
      // The replica pool's sessions carry the statement timeout they were given.
      expect((await patient.replicas[0].pool.query('SHOW statement_timeout')).rows[0].statement_timeout).toBe('5s');
      const readyz = await readiness(patientApi);
      expect(readyz.status).toBe(200);
      const port = new URL(pair.standbyUrl()).port;
      expect(JSON.parse(readyz.text)).toEqual({
        status: 'ready',
        primary: { status: 'ready' },
        replicas: [{ host: `127.0.0.1:${port}`, status: 'up', lagSeconds: 0 }],
      });
    });

    it('holds a lost connection against a replica, not a statement cancelled by its own timeout', async () => {
      const timed = new pg.Pool({ connectionString: pair.standbyUrl('gospubliki'), max: 1, options: '-c statement_timeout=20' });
      const client = createPrismaClient(timed);
      try {
        const timeout = await client.$queryRaw`SELECT pg_sleep(0.5)`.then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(sqlState(timeout)).toBe('57014');
        expect(isReplicaFailure(timeout)).toBe(false);
      } finally {
        await client.$disconnect();
        await timed.end();
      }
      const refused = await new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/x' }).query('SELECT 1').then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isReplicaFailure(refused)).toBe(true);
    });

    it('shows a load made on the primary once the standby has replayed it, and not before (replay paused)', async () => {
      await setReplay(true);
      try {
        const version = await loadSubscribers(150);
        expect(version).toBe(2);
        // The primary has it; the paused standby (lag well under the 30 s bound) does not yet.
        expect(await read(patientApi)).toMatchObject({ subscribers: 100, version: 1, database: 'replica' });
      } finally {
        await setReplay(false);
      }
      await waitFor(async () => (await read(patientApi)).version === 2, 'the read to show version 2');
      expect(await read(patientApi)).toMatchObject({ subscribers: 150, version: 2, database: 'replica' });
    });

    it('skips a standby lagging past REPLICA_MAX_LAG_SECONDS: reads see the new load from the primary until it catches up', async () => {
      await setReplay(true);
      try {
        const version = await loadSubscribers(175);
        expect(version).toBe(3);
        await waitFor(async () => (await replicaStatus(strictApi)) === 'lagging', 'the strict replica set to see the lag');
        const readyz = await readiness(strictApi);
        expect(readyz.status).toBe(200);
        const report = JSON.parse(readyz.text);
        expect(report.replicas[0]).toMatchObject({ status: 'lagging' });
        expect(report.replicas[0].lagSeconds).toBeGreaterThan(1);
        expect(readyz.text).not.toContain('postgres@');
        // With a 1 s bound the primary answers, with the new figures; a 30 s bound still reads the standby.
        expect(await read(strictApi)).toMatchObject({ subscribers: 175, version: 3, database: 'primary' });
        expect(await read(patientApi)).toMatchObject({ subscribers: 150, version: 2, database: 'replica' });
      } finally {
        await setReplay(false);
      }
      await waitFor(async () => (await replicaStatus(strictApi)) === 'up', 'the standby to catch up');
      expect(await read(strictApi)).toMatchObject({ subscribers: 175, version: 3, database: 'replica' });
    });

    it('answers every request of a burst across a standby stopped with -m immediate, from the primary once it is gone', async () => {
      await waitFor(async () => (await read(patientApi)).version === 3, 'the standby to have version 3');
      const results: Read[] = [];
      let running = true;
      const worker = async () => {
        while (running) results.push(await read(patientApi));
      };
      const workers = Array.from({ length: 8 }, worker);
      await sleep(300);
      const stoppedAt = results.length;
      await pair.stopStandby();
      await sleep(800);
      running = false;
      await Promise.all(workers);

      expect(results.length).toBeGreaterThan(stoppedAt + 20);
      const failed = results.filter((result) => result.status !== 200 || result.errors || result.subscribers !== 175);
      expect(failed).toEqual([]);
      expect(results.slice(0, stoppedAt).some((result) => result.database === 'replica')).toBe(true);
      expect(results.slice(-20).every((result) => result.database === 'primary' && result.version === 3)).toBe(true);
      const readyz = await readiness(patientApi);
      expect(readyz.status).toBe(200);
      expect(JSON.parse(readyz.text).replicas[0]).toMatchObject({ status: 'down', lagSeconds: null });

      // Started again, it is back in rotation after its next check.
      await pair.startStandby();
      await waitFor(async () => (await replicaStatus(patientApi)) === 'up', 'the restarted standby to be up');
      expect(await read(patientApi)).toMatchObject({ subscribers: 175, version: 3, database: 'replica' });
    });

    it('runs mutations, their payloads and queries of loads on the primary, even while a fit standby has not replayed them', async () => {
      const { secret } = await keyFor(primary, { name: 'replica test' });
      const post = async (query: string, variables: Record<string, unknown> = {}) => {
        const response = await patientApi.fetch('http://test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
          body: JSON.stringify({ query, variables }),
        });
        return (await response.json()) as { data?: any; errors?: unknown[]; extensions?: { database: string; dataVersion: { version: number } } };
      };
      await waitFor(async () => (await replicaStatus(patientApi)) === 'up' && (await versionOnStandby()) === 3, 'the standby to be up at version 3');
      await setReplay(true);
      try {
        const pushed = await post(
          `mutation($input: RecordObservationsInput!) {
             recordObservations(input: $input) { inserted pages { subscribers organisation { territory { stats { subscribers } } } } userErrors { message } }
           }`,
          { input: { observations: [{ platform: 'VK', externalId: 'school_a', subscribers: 190, observedOn: '2026-11-20' }] } },
        );
        expect(pushed.errors).toBeUndefined();
        expect(pushed.data.recordObservations).toMatchObject({
          inserted: 1,
          userErrors: [],
          pages: [{ subscribers: 190, organisation: { territory: { stats: { subscribers: 190 } } } }],
        });
        // The payload read the primary (the paused standby still has 175), and says the version the write made.
        expect(pushed.extensions).toMatchObject({ database: 'primary', dataVersion: { version: 4 } });
        const loads = await post('{ loads(first: 5) { nodes { id } } }');
        expect(loads).toMatchObject({ data: { loads: { nodes: [] } }, extensions: { database: 'primary', dataVersion: { version: 4 } } });
        expect(await read(patientApi)).toMatchObject({ subscribers: 175, version: 3, database: 'replica' });
      } finally {
        await setReplay(false);
      }
    });

    it('keeps answering anonymous reads from the standby while the primary is down (/readyz: not ready), and applies loads again once it is back', async () => {
      await waitFor(async () => (await versionOnStandby()) === 4, 'the standby to replay the mutation');
      await waitFor(async () => (await read(patientApi)).version === 4, 'reads to show version 4');
      await pair.stopPrimary();
      try {
        for (let i = 0; i < 20; i++) expect(await read(patientApi)).toMatchObject({ status: 200, subscribers: 190, version: 4, database: 'replica' });
        // Checks go on without the primary: caught up with all it received, the standby stays up.
        await sleep(600);
        expect(await read(patientApi)).toMatchObject({ status: 200, subscribers: 190, database: 'replica' });
        const readyz = await readiness(patientApi);
        expect(readyz.status).toBe(503);
        expect(JSON.parse(readyz.text)).toMatchObject({ status: 'not ready', primary: { status: 'not ready' }, replicas: [{ status: 'up' }] });
      } finally {
        await pair.startPrimary();
      }
      await waitFor(async () => (await readiness(patientApi)).status === 200, 'the primary to be ready again');

      // The load queue opens a new owner session by itself: a load sent over HTTP now applies.
      const { secret } = await keyFor(primary, { name: 'after the outage' });
      const body = new FormData();
      const observations = csv('platform,external_id,subscribers,observed_on', [['VK', 'school_a', 200, '2026-11-21']]);
      body.append('observations.csv', new Blob([observations]), 'observations.csv');
      const sent = await patientApi.fetch('http://test/v1/loads', { method: 'POST', headers: { authorization: `Bearer ${secret}` }, body });
      expect(sent.status).toBe(202);
      const { id } = (await sent.json()) as { id: string };
      const status = async () =>
        ((await (await patientApi.fetch(`http://test/v1/loads/${id}`, { headers: { authorization: `Bearer ${secret}` } })).json()) as { status: string })
          .status;
      await waitFor(async () => (await status()) === 'SUCCEEDED', 'the load sent after the outage to apply');
      await waitFor(async () => (await read(patientApi)).version === 5, 'the standby to replay it');
      expect(await read(patientApi)).toMatchObject({ subscribers: 200, version: 5, database: 'replica' });
    });
  });
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}
