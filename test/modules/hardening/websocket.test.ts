import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadTwoRegions } from '../../fixtures/twoRegions.js';
import { useTestDatabase } from '../../helpers/database.js';
import { type ServerProcess, serverDataDir, startServer } from '../../helpers/server.js';

/**
 * GraphQL over WebSocket takes no message larger than a request body (MAX_BODY_BYTES). Before
 * (review, 2026-12-04), the `ws` default of 100 MiB held: six anonymous sockets each sending a
 * 90 MB `connection_init` grew the server from 190 MB to 1.25 GB, and more would have ended it.
 */
const { url, pool } = await useTestDatabase();
const MAX_BODY_BYTES = 100_000;
let server: ServerProcess;

beforeAll(async () => {
  await loadTwoRegions(pool);
  server = await startServer(url, await serverDataDir(), { MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
}, 60_000);

afterAll(async () => {
  await server?.kill();
});

/** Opens a graphql-ws socket, sends `message` once open, and resolves with the close code. */
function sendAndClose(message: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/graphql`, 'graphql-transport-ws');
    socket.on('open', () => socket.send(message));
    socket.on('close', (code) => resolve(code));
    socket.on('error', () => undefined); // the close that follows says what happened
    setTimeout(() => reject(new Error('the socket stayed open')), 20_000);
  });
}

/** One operation over a fresh socket: its first answer (`next` or `error`) and how the socket closed. */
function overWebSocket(query: string): Promise<{ type: string; payload: any }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/graphql`, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { type: string; payload: any };
      if (message.type === 'connection_ack') socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
      if (message.type === 'next' || message.type === 'error') {
        resolve(message);
        socket.close();
      }
    });
    socket.on('close', (code, reason) => reject(new Error(`closed ${code} ${String(reason)}`)));
    socket.on('error', reject);
  });
}

describe('a WebSocket message larger than a request body', () => {
  it('closes its socket (1009) without reading it whole, while other clients are served and nothing is written', async () => {
    const versionBefore = (await pool.query('SELECT max(version) AS v FROM data_version')).rows[0].v;
    const huge = JSON.stringify({ type: 'connection_init', payload: { x: 'x'.repeat(5_000_000) } });
    const closing = Array.from({ length: 6 }, () => sendAndClose(huge));
    const started = performance.now();
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(3_000); // generous: the test process itself writes the 30 MB
    expect(await Promise.all(closing)).toEqual(Array(6).fill(1009));
    // A message under the limit is served as before (the subscription is refused for its code, not its size).
    const subscription = await overWebSocket('subscription { figuresChanged(territory: "nope") { dataVersion } }');
    expect(JSON.stringify(subscription.payload)).toMatch(/NOT_FOUND/);
    expect((await pool.query('SELECT max(version) AS v FROM data_version')).rows[0].v).toEqual(versionBefore);
    expect(server.child.exitCode).toBeNull();
  });
});

describe('a query or a mutation over WebSocket', () => {
  // Review: a `{ __typename }` over WebSocket closed the socket with 4500 and "[useResponseCache]
  // This plugin is not configured correctly…": an internal detail, and no answer.
  it('is refused with a message saying to use HTTP, the socket kept, nothing written', async () => {
    const versionBefore = (await pool.query('SELECT max(version) AS v FROM data_version')).rows[0].v;
    for (const query of ['{ __typename }', 'mutation { recordObservations(input: { observations: [] }) { inserted } }']) {
      const answer = await overWebSocket(query);
      expect(answer.type, query).toBe('error');
      expect(answer.payload[0]).toMatchObject({ message: expect.stringMatching(/over HTTP|from a POST request/), extensions: { code: 'BAD_REQUEST' } });
      expect(JSON.stringify(answer)).not.toMatch(/useResponseCache|plugin/);
    }
    expect((await pool.query('SELECT max(version) AS v FROM data_version')).rows[0].v).toEqual(versionBefore);
  });
});
