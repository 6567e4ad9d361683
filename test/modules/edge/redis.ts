import { randomBytes } from 'node:crypto';
import net from 'node:net';

/** The Redis the edge tests use: REDIS_URL, or 127.0.0.1:6379. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** True when a Redis answers PING at TEST_REDIS_URL (within a second). */
export async function redisAnswers(): Promise<boolean> {
  const url = new URL(TEST_REDIS_URL);
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * Whether the Redis parts of a test can run. Without Redis they cannot, and the test says so on
 * stderr; with REQUIRE_REDIS=1 (set by .ci/run, where Redis is always there) its absence fails.
 */
export async function redisForTests(): Promise<boolean> {
  const ok = await redisAnswers();
  if (!ok) {
    if (process.env.REQUIRE_REDIS === '1') throw new Error(`REQUIRE_REDIS=1 but no Redis answers at ${TEST_REDIS_URL}`);
    process.stderr.write(`\n[edge tests] NO REDIS at ${TEST_REDIS_URL}: the Redis parts of this test could not run\n`);
  }
  return ok;
}

/** A key prefix of this test run, so that runs and files never see each other's keys. */
export function testPrefix(): string {
  return `gospubliki-test:${randomBytes(4).toString('hex')}:`;
}
