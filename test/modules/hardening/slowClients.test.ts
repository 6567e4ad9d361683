import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_IDLE_MS } from '../../../src/modules/edge/safety.js';
import { useTestDatabase } from '../../helpers/database.js';
import { type ServerProcess, serverDataDir, startServer } from '../../helpers/server.js';

/**
 * Slow clients against a real server process. Node's whole-request deadline (5 minutes) is off:
 * it cut every upload of /v1/loads taking longer (review, 2026-12-04: a 41 MB load sent at
 * 100 kB/s got a bare 408 after 321 s), so a 1 GiB load needed a fast link. A client that sends
 * nothing for REQUEST_IDLE_MS is dropped instead, whatever it had begun.
 */
const { url } = await useTestDatabase();
let server: ServerProcess;

beforeAll(async () => {
  server = await startServer(url, await serverDataDir());
}, 60_000);

afterAll(async () => {
  await server?.kill();
});

/** A socket that sends `head` and then nothing; resolves with the ms until the server closed it. */
function silentAfter(head: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect(server.port, '127.0.0.1', () => socket.write(head));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(performance.now() - started));
    setTimeout(() => reject(new Error(`the server kept a silent client: ${head.slice(0, 20)}`)), REQUEST_IDLE_MS + 30_000);
  });
}

describe('a client that stops sending its request', () => {
  it('is dropped after REQUEST_IDLE_MS of silence midway through its body, while others are served', async () => {
    const silent = silentAfter('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 900000\r\n\r\n{"query":"');
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const body = await silent;
    expect(body).toBeGreaterThanOrEqual(REQUEST_IDLE_MS - 1_000);
    expect(body).toBeLessThan(REQUEST_IDLE_MS + 20_000);
    expect(server.child.exitCode).toBeNull();
  }, 120_000);
});
