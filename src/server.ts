import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readConfig } from './config.js';
import { openDatabase, type Database } from './db/database.js';
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
  let db: Database | undefined;
  let server: http.Server | undefined;
  let stopping = false;
  let firstSignalAt = 0;

  const stop = async (code: number) => {
    await db?.close().catch((error: Error) => logger.error({ err: error }, 'closing the database failed'));
    logger.info('stopped');
    process.exit(code);
  };
  // Installed first, so that a signal during start-up (the first start loads the demo) stops
  // cleanly once the current step is done; a second signal exits at once.
  const onSignal = (signal: string) => {
    if (stopping) {
      // `npm start` runs us under tsx, which relays the terminal's Ctrl-C: the same keypress can
      // arrive twice. Only a signal sent well after the first one means "exit now".
      if (Date.now() - firstSignalAt < 2000) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    firstSignalAt = Date.now();
    logger.info({ signal }, 'shutting down');
    if (server?.listening) closeServer(server);
    // otherwise start-up notices `stopping` after its current step
  };
  const closeServer = (listening: http.Server) => {
    listening.close(() => void stop(0));
    listening.closeIdleConnections();
    setTimeout(() => listening.closeAllConnections(), 10_000).unref();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    db = await openDatabase(config);
    if (!stopping && process.env.DEMO !== '0') await loadDemoIfEmpty(db.pool);
    if (stopping) return stop(0);
    const { yoga } = await import('./yoga.js');
    const database = db;
    server = http.createServer(async (req, res) => {
      if (req.url === '/healthz') return reply(res, 200, { status: 'ok' });
      if (req.url === '/readyz') {
        const ready = await migrationsApplied(database.pool).catch(() => false);
        return reply(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
      }
      return yoga.handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject); // e.g. the port is taken
      server!.listen(config.port, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    logger.info({ port, startupMs: Date.now() - started, embedded: db.embedded }, `serving GraphQL on http://localhost:${port}/graphql`);
    if (stopping) closeServer(server);
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    await stop(1);
  }
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

void main();
