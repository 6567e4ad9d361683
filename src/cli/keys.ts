import { parseArgs } from 'node:util';
import { config } from '../config.js';
import { openDatabase } from '../db/database.js';
import { readAudit } from '../modules/audit/audit.js';
import { createKey, KeyRequestError, listKeys, revokeKey } from '../modules/keys/keys.js';

const USAGE = `usage: npm run keys -- <command>

  create --name NAME [--within CODE]... [--read-only] [--expires YYYY-MM-DD] [--rate-points N]
         creates a key; the last line printed is {"id": …, "key": "gp_…"}: the secret, shown once
  list   every key: id, name, scope, created, expires, last used, revoked (never a secret)
  revoke ID
         revokes a key at once, in every API process
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
      key: { type: 'string' },
      limit: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (!command || values.help || !['create', 'list', 'revoke', 'audit'].includes(command)) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const db = await openDatabase(config());
  try {
    if (command === 'create') {
      if (!values.name) throw new KeyRequestError('create needs --name NAME');
      const ratePoints = values['rate-points'] === undefined ? null : Number(values['rate-points']);
      if (ratePoints !== null && (!Number.isInteger(ratePoints) || ratePoints <= 0)) throw new KeyRequestError('--rate-points takes a positive whole number');
      const { key, secret } = await createKey(db.pool, {
        name: values.name,
        within: values.within ?? [],
        readOnly: values['read-only'],
        expiresOn: values.expires ?? null,
        ratePoints,
      });
      process.stdout.write(
        `created key ${key.id} "${key.name}" (${key.within.length ? `within ${key.within.join(', ')}` : 'anywhere'}${key.readOnly ? ', read-only' : ''}${key.expiresOn ? `, expires ${key.expiresOn}` : ''})\n`,
      );
      process.stdout.write('the secret below is shown once: store it now\n');
      process.stdout.write(`${JSON.stringify({ id: key.id, key: secret })}\n`);
      return 0;
    }
    if (command === 'list') {
      const keys = await listKeys(db.pool);
      const rows = [['id', 'name', 'key', 'scope', 'created', 'expires', 'last used', 'revoked']];
      for (const key of keys) {
        rows.push([
          String(key.id),
          key.name,
          key.hint,
          `${key.within.length ? `within ${key.within.join(',')}` : 'anywhere'}${key.readOnly ? ' read-only' : ''}`,
          key.createdAt.slice(0, 16).replace('T', ' '),
          key.expiresOn ?? '-',
          key.lastUsedAt?.slice(0, 16).replace('T', ' ') ?? '-',
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

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(error instanceof KeyRequestError ? `keys: ${error.message}\n` : `keys failed: ${error.message}\n`);
    process.exit(error instanceof KeyRequestError ? 2 : 1);
  },
);
