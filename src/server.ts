import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type pg from 'pg';
import { type Config, config as readConfigOnce } from './config.js';
import { type Database, openDatabase } from './db/database.js';
import { migrationsApplied } from './db/migrate.js';
import { listenForNotifications, type Notifications } from './db/notifications.js';
import { logger } from './logger.js';
import { CATALOGUE_CHANNEL, forgetCatalogue } from './modules/catalogue/loaders.js';
import { publishCommittedChanges } from './modules/edge/relay.js';
import { nodeListener } from './modules/edge/safety.js';
import { forgetCachedKeys, KEYS_CHANNEL } from './modules/keys/keys.js';
import { serveWebSocket } from './modules/live/ws.js';
import { LoadQueue } from './modules/loads/queue/queue.js';
import { webhookEncryptionKey } from './modules/webhooks/secret.js';
import { WEBHOOKS_CHANNEL, WebhookWorker } from './modules/webhooks/worker.js';
import { type Api, createApi } from './yoga.js';

/**
 * One LISTEN session for every channel. A revoke in any process (or `npm run keys -- revoke`)
 * reaches this one at once; so does a load in another process (`npm run import`) that changed the
 * sectors, and a webhook delivery queued by a load's end (this process may claim it); the edge
 * subscribes in createApi (committed loads purge its cache). All subscribe in this tick, so the
 * first connection LISTENs on every channel.
 */
function listenOnEveryChannel(url: string, worker: WebhookWorker): Notifications {
  const listener = listenForNotifications(url);
  listener.on(KEYS_CHANNEL, forgetCachedKeys);
  listener.on(CATALOGUE_CHANNEL, forgetCatalogue);
  listener.on(WEBHOOKS_CHANNEL, () => worker.kick());
  return listener;
}

/** The HTTP server of the API (every request through the safety net), and GraphQL over WebSocket (graphql-ws) on the same server and path, for live figures. */
async function serve(api: Api, port: number): Promise<{ server: http.Server; closeWebSocket: () => Promise<void> }> {
  // No deadline on a whole request (Node's default, 5 min, cut slow uploads of /v1/loads with a 408):
  // a client silent for REQUEST_IDLE_MS is dropped instead (nodeListener); headers still have 60 s.
  const server = http.createServer({ requestTimeout: 0 }, nodeListener(api));
  const closeWebSocket = serveWebSocket(server, api, api.live, { maxMessageBytes: api.edge.config.maxBodyBytes });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject); // e.g. the port is taken
    server.listen(port, () => resolve());
  });
  return { server, closeWebSocket };
}

/**
 * The only file that opens a socket: the API of src/yoga.ts (GraphQL on /graphql with GraphiQL in
 * a browser, /healthz: the process is up, /readyz: the database answers and is migrated). SIGINT/SIGTERM stop
 * accepting, finish requests in flight, close the pool, stop the embedded PostgreSQL, exit 0.
 */
async function main(): Promise<void> {
  const started = Date.now();
  let config: Config;
  try {
    config = readConfigOnce();
  } catch (error) {
    logger.fatal((error as Error).message);
    process.exit(1);
  }
  let db: Database | undefined;
  let server: http.Server | undefined;
  let queue: LoadQueue | undefined;
  let webhooks: WebhookWorker | undefined;
  let listener: Notifications | undefined;
  let api: Api | undefined;
  let closeWebSocket: (() => Promise<void>) | undefined;
  let stopping = false;
  let firstSignalAt = 0;

  const stop = async (code: number) => {
    await api?.close().catch((error: Error) => logger.error({ err: error }, 'closing the edge (listener, Redis) failed'));
    // A load being applied finishes first; loads still queued end `interrupted` (sent again by their clients).
    await queue?.stop().catch((error: Error) => logger.error({ err: error }, 'stopping the load queue failed'));
    // Attempts in flight end (at most the webhook timeout); deliveries not yet sent wait in the database.
    await webhooks?.stop().catch((error: Error) => logger.error({ err: error }, 'stopping the webhook worker failed'));
    await listener?.close();
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
    // Live streams never end by themselves: WebSockets are closed now, SSE streams with the idle connections.
    api?.live.figures.close();
    void closeWebSocket?.().catch((error: Error) => logger.warn({ err: error }, 'closing the WebSocket server failed'));
    listening.close(() => void stop(0));
    listening.closeIdleConnections();
    setTimeout(() => listening.closeAllConnections(), 10_000).unref();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    db = await openDatabase(config, { statementTimeoutMs: config.statementTimeoutMs, replicas: true });
    if (!stopping && config.demo) {
      // Imported only when it may load: a production server with DEMO=0 never loads the generator.
      const { loadDemoIfEmpty } = await import('./modules/demo/demo.js');
      await loadDemoIfEmpty(db.pool, config.demoScale);
    }
    if (stopping) return stop(0);
    const database = db;
    const worker = webhookWorker(database.pool, config);
    webhooks = worker;
    queue = new LoadQueue({ pool: database.pool, uploadsDir: path.join(config.dataDir, 'uploads'), retentionDays: config.loadRetentionDays });
    await queue.start();
    listener = listenOnEveryChannel(database.url, worker);
    worker.start();
    api = createApi({
      pool: database.pool,
      ready: () => migrationsApplied(database.pool),
      replicas: database.replicas,
      loads: { queue, maxBytes: config.loadMaxBytes },
      embed: { maxAge: config.embedMaxAge },
      edge: { notifications: listener, config: config.edge },
      live: { perAddress: config.liveMaxStreamsPerAddress, perKey: config.liveMaxStreamsPerKey },
    });
    await api.edge.ready; // Redis connected (or given up on for now), the change listener in place
    publishCommittedChanges(api.edge.redis, config.edge.redisPrefix); // with REDIS_URL: this process's loads, on Redis
    const served = await serve(api, config.port);
    server = served.server;
    closeWebSocket = served.closeWebSocket;
    const { port } = server.address() as AddressInfo;
    logger.info({ port, startupMs: Date.now() - started, embedded: db.embedded }, `serving GraphQL on http://localhost:${port}/graphql`);
    if (stopping) closeServer(server);
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    await stop(1);
  }
}

/** This process's webhook worker: deliveries queued by a load's end (in any process) are sent by whichever process claims them. */
function webhookWorker(pool: pg.Pool, config: Config): WebhookWorker {
  return new WebhookWorker({
    pool,
    encryptionKey: webhookEncryptionKey(config.webhookEncryptionKey, config.dataDir),
    timeoutMs: config.webhookTimeoutMs,
    pollMs: config.webhookPollMs,
    retentionDays: config.loadRetentionDays,
  });
}

void main();
