#!/usr/bin/env node
// An integrator's daily push: sends a day's observations.csv to POST /v1/loads with an
// Idempotency-Key (so a retry after a network failure never applies it twice), waits for the
// outcome (the key's webhook when --listen is given, else by polling GET /v1/loads/{id}), and
// prints the summary and every row error it got. Node 20+, no dependency but `standardwebhooks`
// (only with --listen).
//
//   GOSPUBLIKI_KEY=gp_… node examples/push-observations.mjs observations.csv [--day 2026-12-01]
//       [--url http://localhost:4000] [--dry-run] [--listen 127.0.0.1:8080 (with WEBHOOK_SECRET=whsec_…)]
//
// Sent again (same day, same content), it finds the first load and prints its outcome.
// Exit status: 0 the load SUCCEEDED, 1 it FAILED (row errors printed), 2 a usage or network problem.

import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: process.env.GOSPUBLIKI_URL ?? 'http://localhost:4000' },
    day: { type: 'string', default: new Date().toISOString().slice(0, 10) },
    'dry-run': { type: 'boolean', default: false },
    listen: { type: 'string' },
    'timeout-seconds': { type: 'string', default: '600' },
  },
});

function fail(message) {
  process.stderr.write(`push-observations: ${message}\n`);
  process.exit(2);
}

const key = process.env.GOSPUBLIKI_KEY;
const file = positionals[0];
if (!key) fail('set GOSPUBLIKI_KEY to your API key (gp_…)');
if (!file) fail('usage: push-observations.mjs observations.csv [--day YYYY-MM-DD] [--url URL] [--dry-run] [--listen HOST:PORT]');
if (values.listen && !process.env.WEBHOOK_SECRET) fail('--listen needs WEBHOOK_SECRET (the whsec_… printed when the webhook was set)');
const deadline = Date.now() + Number(values['timeout-seconds']) * 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends the file; the same day and content always carry the same Idempotency-Key, so resending is safe. */
async function send() {
  const content = await fs.readFile(file);
  const idempotencyKey = `observations-${values.day}-${createHash('sha256').update(content).digest('hex').slice(0, 16)}`;
  for (let attempt = 1; ; attempt++) {
    const body = new FormData();
    body.append('observations.csv', new Blob([content], { type: 'text/csv' }), 'observations.csv');
    try {
      const response = await fetch(`${values.url}/v1/loads${values['dry-run'] ? '?dryRun=true' : ''}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'idempotency-key': idempotencyKey },
        body,
      });
      const answer = await response.json();
      if (response.status === 202 || response.status === 200) {
        const replayed = response.headers.get('idempotent-replayed') === 'true';
        console.log(`${replayed ? 'already received' : 'sent'}: load ${answer.id} (Idempotency-Key ${idempotencyKey})`);
        return { ...answer, replayed };
      }
      // 4xx: the request itself is wrong; retrying will not help.
      if (response.status < 500) fail(`refused with ${response.status} ${answer.error?.code}: ${answer.error?.message}`);
      console.log(`the server answered ${response.status}; retrying`);
    } catch (error) {
      console.log(`could not reach ${values.url} (${error.cause?.code ?? error.message}); retrying`);
    }
    if (attempt >= 5) fail('gave up after 5 attempts: run it again later (the same Idempotency-Key makes that safe)');
    await sleep(1000 * 2 ** attempt);
  }
}

/** Reads the load until it ends, waiting longer between reads as it runs. */
async function poll(id) {
  for (let wait = 250; Date.now() < deadline; wait = Math.min(wait * 2, 5000)) {
    const response = await fetch(`${values.url}/v1/loads/${id}`, { headers: { authorization: `Bearer ${key}` } });
    const load = await response.json();
    if (load.status === 'SUCCEEDED' || load.status === 'FAILED') return load;
    await sleep(wait);
  }
  fail('the load has not ended in time: read it later with GET /v1/loads/{id}');
}

/** Starts a receiver for the key's webhook: resolves with the first verified delivery of load `id`. */
async function receiver() {
  const { Webhook } = await import('standardwebhooks');
  const webhook = new Webhook(process.env.WEBHOOK_SECRET);
  const [host, port] = values.listen.split(':');
  const seen = new Set();
  let want;
  let deliver;
  const delivered = new Promise((resolve) => {
    deliver = resolve;
  });
  const server = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      let load;
      try {
        load = webhook.verify(text, request.headers); // the signature and the timestamp
      } catch {
        response.writeHead(400).end();
        return;
      }
      response.writeHead(204).end();
      // At least once: the same webhook-id may come again.
      if (seen.has(request.headers['webhook-id'])) return;
      seen.add(request.headers['webhook-id']);
      if (load.id === want) deliver(load);
    });
  });
  await new Promise((resolve) => server.listen(Number(port), host, resolve));
  return {
    wait: (id) => {
      want = id;
      return delivered;
    },
    close: () => server.close(),
  };
}

function report(load) {
  console.log(`${load.status}${load.dryRun ? ' (dry run)' : ''}${load.changed === false && load.status === 'SUCCEEDED' ? ': nothing changed' : ''}`);
  for (const f of load.files)
    console.log(`  ${f.file}: ${f.rows} rows, ${f.inserted} new, ${f.updated} updated, ${f.unchanged} unchanged, ${f.rejected} rejected`);
  if (load.reason) console.log(`  reason: ${load.reason}`);
  for (const e of load.errors) console.log(`  ${e.file}:${e.line} ${e.column}: ${e.reason}`);
  if (load.errorCount > load.errors.length) console.log(`  … and ${load.errorCount - load.errors.length} more errors`);
}

const listening = values.listen ? await receiver() : undefined;
const sent = await send();
let load;
if (sent.status === 'SUCCEEDED' || sent.status === 'FAILED')
  load = sent; // a replay of a load that ended
else if (listening && !sent.replayed) {
  console.log(`waiting for the webhook on ${values.listen}`);
  // The webhook, or a slow poll should it not come (a receiver the server cannot reach).
  load = await Promise.race([listening.wait(sent.id), sleep(30_000).then(() => poll(sent.id))]);
} else load = await poll(sent.id);
listening?.close();
report(load);
process.exit(load.status === 'SUCCEEDED' ? 0 : 1);
