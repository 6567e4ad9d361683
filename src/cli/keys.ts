import { parseArgs } from 'node:util';
import type pg from 'pg';
import { config as readConfigOnce } from '../config.js';
import { openDatabase } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { readAudit } from '../modules/audit/audit.js';
import { checkNewExpiry, createKey, DEFAULT_GRACE_DAYS, KeyRequestError, listKeys, revokeKey, rotateKey } from '../modules/keys/keys.js';
import { webhookEncryptionKey } from '../modules/webhooks/secret.js';
import { checkWebhookUrl, copyWebhook, listDeliveries, removeWebhook, setWebhook, WebhookRequestError, webhookUrls } from '../modules/webhooks/webhooks.js';

const USAGE = `usage: npm run keys -- <command>

  create --name NAME [--within CODE]... [--read-only] [--expires YYYY-MM-DD] [--rate-points N] [--webhook URL]
         creates a key; the last line printed is {"id": …, "key": "gp_…"}: the secret, shown once
         (with --webhook also "webhookSecret": "whsec_…", shown once: receivers verify with it)
  list   every key: id, name, scope, created, expires, last used, webhook, revoked (never a secret)
  revoke ID
         revokes a key at once, in every API process
  rotate ID [--grace-days N]
         a new key with the same name, scope, limits and webhook; the last line printed is
         {"id": …, "key": "gp_…", "replaces": ID, "oldKeyExpiresAt": "…"}; the old key keeps working
         for N days (default ${DEFAULT_GRACE_DAYS}; 0: it stops at once, decimals allowed), then expires
  webhook ID URL|--off
         announces the key's finished loads at URL (a key without a webhook gets a secret, printed
         once as {"id": …, "webhookSecret": "whsec_…"}; a key with one keeps its secret), or no more
  deliveries [--key ID] [--limit N]
         the latest webhook deliveries (newest first): status, attempts, last answer, next attempt
  audit  [--key ID] [--limit N]
         the latest loads and mutations (newest first) with their key, outcome and counts`;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      within: { type: 'string', multiple: true },
      'read-only': { type: 'boolean', default: false },
      expires: { type: 'string' },
      'rate-points': { type: 'string' },
      'grace-days': { type: 'string' },
      webhook: { type: 'string' },
      off: { type: 'boolean', default: false },
      key: { type: 'string' },
      limit: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (!command || values.help || !['create', 'list', 'revoke', 'audit', 'webhook', 'deliveries', 'rotate'].includes(command)) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const config = readConfigOnce();
  // Refused before the database is touched.
  if (command === 'create' && values.webhook !== undefined) checkWebhookUrl(values.webhook);
  const db = await openDatabase(config);
  const encryptionKey = () => webhookEncryptionKey(config.webhookEncryptionKey, config.dataDir);
  try {
    if (command === 'create') return await createCommand(db.pool, values, encryptionKey);
    if (command === 'rotate') return await rotateCommand(db.pool, positionals, values['grace-days'], encryptionKey);
    if (command === 'webhook') return await webhookCommand(db.pool, positionals, values.off, encryptionKey);
    if (command === 'deliveries') return await deliveriesCommand(db.pool, values.key, values.limit);
    if (command === 'list') {
      const keys = await listKeys(db.pool);
      const webhooks = await webhookUrls(db.pool);
      const rows = [['id', 'name', 'key', 'scope', 'created', 'expires', 'last used', 'webhook', 'revoked']];
      for (const key of keys) {
        rows.push([
          String(key.id),
          key.name,
          key.hint,
          `${key.within.length ? `within ${key.within.join(',')}` : 'anywhere'}${key.readOnly ? ' read-only' : ''}`,
          key.createdAt.slice(0, 16).replace('T', ' '),
          key.expiresAt ? key.expiresAt.slice(0, 16).replace('T', ' ') : (key.expiresOn ?? '-'),
          key.lastUsedAt?.slice(0, 16).replace('T', ' ') ?? '-',
          webhooks.get(key.id) ?? '-',
          key.revokedAt?.slice(0, 16).replace('T', ' ') ?? '-',
        ]);
      }
      process.stdout.write(`${table(rows)}\n`);
      return 0;
    }
    if (command === 'revoke') {
      const id = Number(positionals[0]);
      if (!Number.isInteger(id)) throw new KeyRequestError('revoke needs the id of a key (see `npm run keys -- list`)');
      const key = await revokeKey(db.pool, id);
      if (!key) throw new KeyRequestError(`no key has id ${id}`);
      process.stdout.write(`revoked key ${key.id} "${key.name}"\n`);
      return 0;
    }
    const keyId = values.key === undefined ? null : Number(values.key);
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    const events = await readAudit(db.pool, keyId, limit);
    const rows = [['at', 'key', 'action', 'outcome', 'counts', 'load', 'detail']];
    for (const event of events) {
      const counts = Object.entries((event.counts ?? {}) as Record<string, Record<string, number>>)
        .map(([kind, c]) => `${kind} +${c.inserted} ~${c.updated} =${c.unchanged}${c.rejected ? ` !${c.rejected}` : ''}`)
        .join('; ');
      rows.push([
        event.at.toISOString().slice(0, 19).replace('T', ' '),
        event.key_id === null ? 'operator' : `${event.key_id} ${event.key_name ?? ''}`.trim(),
        event.action,
        event.outcome,
        counts || '-',
        event.load_id ?? '-',
        event.detail ?? '',
      ]);
    }
    process.stdout.write(`${table(rows)}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

/** `keys create …`: the key (and its webhook) in one transaction; the secrets printed once, as the last line. */
async function createCommand(
  pool: pg.Pool,
  values: { name?: string; within?: string[]; 'read-only'?: boolean; expires?: string; 'rate-points'?: string; webhook?: string },
  encryptionKey: () => Buffer,
): Promise<number> {
  if (!values.name) throw new KeyRequestError('create needs --name NAME');
  const ratePoints = values['rate-points'] === undefined ? null : Number(values['rate-points']);
  if (ratePoints !== null && (!Number.isInteger(ratePoints) || ratePoints <= 0)) throw new KeyRequestError('--rate-points takes a positive whole number');
  if (values.expires !== undefined) checkNewExpiry(values.expires);
  const webhookUrl = values.webhook;
  const { key, secret, webhookSecret } = await inTransaction(pool, async (client) => {
    const created = await createKey(client, {
      name: values.name!,
      within: values.within ?? [],
      readOnly: values['read-only'] ?? false,
      expiresOn: values.expires ?? null,
      ratePoints,
    });
    const webhook = webhookUrl === undefined ? undefined : await setWebhook(client, created.key.id, webhookUrl, encryptionKey());
    return { ...created, webhookSecret: webhook?.secret };
  });
  process.stdout.write(
    `created key ${key.id} "${key.name}" (${key.within.length ? `within ${key.within.join(', ')}` : 'anywhere'}${key.readOnly ? ', read-only' : ''}${key.expiresOn ? `, expires ${key.expiresOn}` : ''}${webhookUrl ? `, webhook ${checkWebhookUrl(webhookUrl)}` : ''})\n`,
  );
  process.stdout.write(`the secret${webhookSecret ? 's' : ''} below ${webhookSecret ? 'are' : 'is'} shown once: store ${webhookSecret ? 'them' : 'it'} now\n`);
  process.stdout.write(`${JSON.stringify({ id: key.id, key: secret, ...(webhookSecret ? { webhookSecret } : {}) })}\n`);
  return 0;
}

/** `keys rotate ID [--grace-days N]`. */
async function rotateCommand(pool: pg.Pool, positionals: string[], grace: string | undefined, encryptionKey: () => Buffer): Promise<number> {
  const id = Number(positionals[0]);
  if (!Number.isInteger(id) || positionals.length !== 1) throw new KeyRequestError('rotate needs the id of a key (see `npm run keys -- list`)');
  const graceDays = grace === undefined ? DEFAULT_GRACE_DAYS : grace.trim() === '' ? Number.NaN : Number(grace);
  const { old, key, secret } = await rotateKey(pool, id, graceDays, (client, fromId, toId) => copyWebhook(client, fromId, toId, encryptionKey()));
  process.stdout.write(`created key ${key.id} "${key.name}" to replace key ${old.id}, which keeps working until ${old.expiresAt}\n`);
  process.stdout.write('the secret below is shown once: store it now, and switch your clients before the old key expires\n');
  process.stdout.write(`${JSON.stringify({ id: key.id, key: secret, replaces: old.id, oldKeyExpiresAt: old.expiresAt })}\n`);
  return 0;
}

/** `keys webhook ID URL|--off`. */
async function webhookCommand(pool: pg.Pool, positionals: string[], off: boolean, encryptionKey: () => Buffer): Promise<number> {
  const id = Number(positionals[0]);
  if (!Number.isInteger(id)) throw new KeyRequestError('webhook needs the id of a key (see `npm run keys -- list`), then a URL or --off');
  if (off) {
    if (positionals.length > 1) throw new KeyRequestError('webhook ID --off takes no URL');
    const removed = await removeWebhook(pool, id);
    process.stdout.write(removed ? `key ${id}: webhook turned off\n` : `key ${id} had no webhook\n`);
    return 0;
  }
  if (positionals.length !== 2) throw new KeyRequestError('webhook needs a key id and a URL (or --off): keys webhook 3 https://example.org/hooks');
  const { url, secret } = await setWebhook(pool, id, positionals[1], encryptionKey());
  process.stdout.write(`key ${id}: finished loads are announced at ${url}\n`);
  if (secret) {
    process.stdout.write('the webhook secret below is shown once: the receiver verifies deliveries with it\n');
    process.stdout.write(`${JSON.stringify({ id, webhookSecret: secret })}\n`);
  } else process.stdout.write('the webhook secret is unchanged\n');
  return 0;
}

/** `keys deliveries [--key ID] [--limit N]`. */
async function deliveriesCommand(pool: pg.Pool, key: string | undefined, limit: string | undefined): Promise<number> {
  const keyId = key === undefined ? null : Number(key);
  if (keyId !== null && !Number.isInteger(keyId)) throw new KeyRequestError('--key takes the id of a key');
  const deliveries = await listDeliveries(pool, keyId, limit === undefined ? 50 : Number(limit));
  const at = (date: Date | null) => date?.toISOString().slice(0, 19).replace('T', ' ') ?? '-';
  const rows = [['webhook-id', 'key', 'load', 'status', 'attempts', 'last answer', 'next attempt', 'queued', 'delivered', 'url']];
  for (const d of deliveries) {
    rows.push([
      d.id,
      String(d.key_id),
      d.load_id,
      d.status,
      String(d.attempts),
      d.last_status !== null ? String(d.last_status) : (d.last_error ?? '-'),
      d.status === 'PENDING' ? at(d.next_attempt_at) : '-',
      at(d.created_at),
      at(d.delivered_at),
      d.url,
    ]);
  }
  process.stdout.write(`${table(rows)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    const expected = error instanceof KeyRequestError || error instanceof WebhookRequestError;
    process.stderr.write(expected ? `keys: ${error.message}\n` : `keys failed: ${error.message}\n`);
    process.exit(expected ? 2 : 1);
  },
);
