import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Webhook secrets. A secret is `whsec_` + base64 of 32 random bytes, as the Standard Webhooks
 * specification has it (its libraries take it as it is). The server must sign with it, so it cannot
 * be kept as a hash only: it is stored encrypted with AES-256-GCM under the server's webhook key
 * (`WEBHOOK_ENCRYPTION_KEY`, or, when unset, a random key kept in `<DATA_DIR>/webhook-encryption.key`
 * with mode 0600), the key's id as associated data (a ciphertext copied onto another key's row
 * does not decrypt). A dump of the database alone reveals no secret.
 */

const PREFIX = 'whsec_';
/** Format tag of a ciphertext: `v1.<iv>.<tag>.<ciphertext>`, each base64url. */
const VERSION = 'v1';
const KEY_FILE = 'webhook-encryption.key';

/** A new random webhook secret (`whsec_…`). */
export function newWebhookSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * The 32-byte key webhook secrets are encrypted with: SHA-256 of `WEBHOOK_ENCRYPTION_KEY` when it
 * is set (every API process and `npm run keys` must share it), otherwise the key file in the data
 * folder, made on first use.
 */
export function webhookEncryptionKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return createHash('sha256').update(configured).digest();
  const file = path.join(dataDir, KEY_FILE);
  try {
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx': when two processes make it at once, the second reads the first's.
    fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
}

/** The secret encrypted for the key `keyId`. */
export function encryptSecret(secret: string, keyId: number, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`webhook:${keyId}`));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

/** The secret back; throws when the ciphertext was made with another key or for another API key. */
export function decryptSecret(stored: string, keyId: number, key: Buffer): string {
  const [version, iv, tag, ciphertext] = stored.split('.');
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error('not a webhook secret ciphertext');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(`webhook:${keyId}`));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}
