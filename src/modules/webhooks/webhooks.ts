import type pg from 'pg';
import { decryptSecret, encryptSecret, newWebhookSecret } from './secret.js';
import { type DeliveryRow, deleteEndpoint, insertEndpoint, selectDeliveries, selectEndpoint, selectEndpointUrls, updateEndpointUrl } from './sql.js';

/**
 * Webhooks: where a key's finished loads are announced (`npm run keys -- create … --webhook URL`,
 * `keys webhook ID URL|--off`), after the Standard Webhooks specification. Deliveries are queued
 * by the database when a load ends (a trigger, see the migration `…_webhooks`) and sent by the
 * worker of any API process (worker.ts).
 */

/** A problem with a webhook the operator asked for (a URL that is not http(s), an unknown key). */
export class WebhookRequestError extends Error {}

/** The URL, checked: an absolute http:// or https:// URL. */
export function checkWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new WebhookRequestError(
      `"${raw.slice(0, 100)}" is not a URL: a webhook is an absolute http:// or https:// URL, e.g. https://example.org/hooks/gospubliki`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebhookRequestError(`a webhook URL must start with http:// or https://, not ${url.protocol}//`);
  }
  return url.href;
}

/** A delivery as `keys deliveries` shows it (never its body's secret: there is none in it). */
export type Delivery = Omit<DeliveryRow, 'body' | 'lease_token'>;

/**
 * Points a key's webhook at `url`. A key without one gets a new secret, returned this once
 * (`whsec_…`); a key with one keeps its secret (its receiver keeps verifying).
 */
export async function setWebhook(db: pg.Pool | pg.ClientBase, keyId: number, rawUrl: string, encryptionKey: Buffer): Promise<{ url: string; secret?: string }> {
  const url = checkWebhookUrl(rawUrl);
  if (await updateEndpointUrl(db, keyId, url)) return { url };
  const secret = newWebhookSecret();
  try {
    await insertEndpoint(db, keyId, url, encryptSecret(secret, keyId, encryptionKey));
  } catch (error) {
    if ((error as { code?: string }).code === '23503') throw new WebhookRequestError(`no key has id ${keyId}`);
    throw error;
  }
  return { url, secret };
}

/** Turns a key's webhook off; its deliveries not yet sent end FAILED at their next attempt. */
export async function removeWebhook(db: pg.Pool | pg.ClientBase, keyId: number): Promise<boolean> {
  return deleteEndpoint(db, keyId);
}

/** Gives `toKeyId` the webhook of `fromKeyId` (same URL, same secret), if it has one: a rotated key's. */
export async function copyWebhook(db: pg.Pool | pg.ClientBase, fromKeyId: number, toKeyId: number, encryptionKey: Buffer): Promise<boolean> {
  const endpoint = await selectEndpoint(db, fromKeyId);
  if (!endpoint) return false;
  let secret: string;
  try {
    secret = decryptSecret(endpoint.secret_ciphertext, fromKeyId, encryptionKey);
  } catch {
    throw new WebhookRequestError(
      `cannot decrypt the webhook secret of key ${fromKeyId}: run with the WEBHOOK_ENCRYPTION_KEY (or DATA_DIR) the API servers use`,
    );
  }
  await insertEndpoint(db, toKeyId, endpoint.url, encryptSecret(secret, toKeyId, encryptionKey));
  return true;
}

/** Every key's webhook URL, by key id. */
export async function webhookUrls(db: pg.Pool | pg.ClientBase): Promise<Map<number, string>> {
  const urls = await selectEndpointUrls(db);
  return new Map([...urls].map(([key, url]) => [key, shownUrl(url)]));
}

/** The latest deliveries (newest first), of one key or of all; URLs as shownUrl gives them. */
export async function listDeliveries(db: pg.Pool | pg.ClientBase, keyId: number | null, limit = 50): Promise<Delivery[]> {
  return (await selectDeliveries(db, keyId, limit)).map(({ body: _body, lease_token: _token, ...delivery }) => ({
    ...delivery,
    url: shownUrl(delivery.url),
  }));
}

/**
 * A webhook URL as lists show it: a password in it (`https://user:secret@host/…`, a receiver's basic
 * auth) replaced by `***`, so a listing pasted into a ticket or a log leaks no credential.
 */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
