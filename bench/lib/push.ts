import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { createKey } from '../../src/modules/keys/keys.js';
import { summarise } from './load.js';

/** What the push scenario measured. */
export interface PushResult {
  /** The daily push: one observation for every page through `POST /v1/loads`. */
  daily: { rows: number; bytes: number; uploadSeconds: number; applySeconds: number; totalSeconds: number; status: string; files: unknown };
  /** `recordObservations` with 1,000 items, sequential calls. */
  mutation: { items: number; calls: number; p50: number; p95: number; p99: number };
}

/** An API key of the bench, made the way `npm run keys -- create` makes one. */
export async function benchKey(pool: pg.Pool): Promise<string> {
  return (await createKey(pool, { name: 'bench' })).secret;
}

/**
 * Writes the daily push: one observation for every page (its latest count plus a little), dated
 * `day`, as one observations.csv.
 */
export async function writeDailyPush(pool: pg.Pool, folder: string, day: string): Promise<{ file: string; rows: number }> {
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'observations.csv');
  // Every page with its platform code and latest count.
  const { rows } = await pool.query<{ platform: string; external_id: string; subscribers: number | null }>(
    'SELECT f.code AS platform, p.external_id, p.subscribers FROM page p JOIN platform f ON f.id = p.platform_id ORDER BY p.id',
  );
  const out = fs.createWriteStream(file);
  out.write('platform,external_id,subscribers,observed_on\n');
  // Quoted only where needed, as most CSV writers do (a file quoting every field is read in Node:
  // about 2–3 s more at this size; docs/performance.md).
  const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  for (const row of rows) out.write(`${row.platform},${cell(row.external_id)},${(row.subscribers ?? 0) + 3},${day}\n`);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return { file, rows: rows.length };
}

/** Sends the push over HTTP and waits for it to end; times the upload and the apply. */
export async function sendDailyPush(endpoint: string, key: string, file: string, rows: number): Promise<PushResult['daily']> {
  const base = endpoint.replace(/\/graphql$/, '');
  const started = performance.now();
  const body = new FormData();
  body.append('observations.csv', await fs.openAsBlob(file), 'observations.csv');
  const response = await fetch(`${base}/v1/loads`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body });
  const sent = (await response.json()) as { id: string; error?: { message: string } };
  if (response.status !== 202) throw new Error(`the push was refused (${response.status}): ${sent.error?.message}`);
  const uploaded = performance.now();
  for (;;) {
    const load = (await (await fetch(`${base}/v1/loads/${sent.id}`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      status: string;
      files: unknown;
      reason: string | null;
    };
    if (load.status === 'SUCCEEDED' || load.status === 'FAILED') {
      const ended = performance.now();
      return {
        rows,
        bytes: fs.statSync(file).size,
        uploadSeconds: Math.round(uploaded - started) / 1000,
        applySeconds: Math.round(ended - uploaded) / 1000,
        totalSeconds: Math.round(ended - started) / 1000,
        status: load.status === 'FAILED' ? `FAILED: ${load.reason}` : load.status,
        files: load.files,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Times `recordObservations` with `items` observations of existing pages, `calls` times in a row. */
export async function timeRecordObservations(
  endpoint: string,
  key: string,
  pool: pg.Pool,
  day: string,
  items = 1000,
  calls = 20,
): Promise<PushResult['mutation']> {
  // A random sample of pages to observe.
  const { rows } = await pool.query<{ platform: string; external_id: string }>(
    'SELECT f.code AS platform, p.external_id FROM page p JOIN platform f ON f.id = p.platform_id ORDER BY random() LIMIT $1',
    [items],
  );
  const query = `mutation ($input: RecordObservationsInput!) { recordObservations(input: $input) { inserted updated unchanged userErrors { message } } }`;
  const samples: number[] = [];
  for (let call = 0; call <= calls; call++) {
    const observations = rows.map((row, i) => ({ platform: row.platform, externalId: row.external_id, subscribers: 1000 + call * 7 + i, observedOn: day }));
    const started = performance.now();
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables: { input: { observations } } }),
    });
    const body = (await response.json()) as { errors?: unknown; data?: { recordObservations: { userErrors: unknown[] } } };
    if (body.errors || body.data?.recordObservations.userErrors.length) throw new Error(`recordObservations failed: ${JSON.stringify(body).slice(0, 300)}`);
    if (call > 0) samples.push(performance.now() - started); // the first call warms up
  }
  const { p50, p95, p99 } = summarise(samples);
  return { items: rows.length, calls, p50, p95, p99 };
}
