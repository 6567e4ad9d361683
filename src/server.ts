import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { migrationsApplied } from './db/migrate.js';
import { logger } from './logger.js';
import { loadDemoIfEmpty } from './services/demo.js';

/**
 * The only file that opens a socket: GraphQL on /graphql (GraphiQL in a browser), /healthz (the
 * process is up) and /readyz (the database answers and is migrated). SIGINT/SIGTERM stop
 * accepting, finish requests in flight, close the pool, stop the embedded PostgreSQL, exit 0.
 */
async function main(): Promise<void> {
  const started = Date.now();
  const config = readConfig();
  const db = await openDatabase(config);
  if (process.env.DEMO !== '0') await loadDemoIfEmpty(db.pool);
  const { yoga } = await import('./yoga.js');

  const server = http.createServer(async (req, res) => {
    if (req.url === '/healthz') return reply(res, 200, { status: 'ok' });
    if (req.url === '/readyz') {
      const ready = await migrationsApplied(db.pool).catch(() => false);
      return reply(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
    }
    return yoga.handle(req, res);
  });
  server.listen(config.port, () => {
    const { port } = server.address() as AddressInfo;
    logger.info({ port, startupMs: Date.now() - started, embedded: db.embedded }, `serving GraphQL on http://localhost:${port}/graphql`);
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close(async () => {
      await db.close();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 10_000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

main().catch((error: Error) => {
  logger.fatal({ err: error }, 'could not start');
  process.exit(1);
});
