import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * API key secrets: `gp_` + 43 base62 characters of 32 random bytes + 6 base62 characters of a
 * CRC-32 of the rest. The fixed prefix and the checksum let a secret scanner recognise a leaked
 * key with no false positives, and let the API refuse a mistyped key without a database lookup.
 * Only the SHA-256 of a secret is stored.
 */

const PREFIX = 'gp_';
const BODY_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** What a well-formed secret looks like (scanners may use it too). */
export const SECRET_PATTERN = /^gp_[0-9A-Za-z]{49}$/;

function base62(value: bigint, length: number): string {
  let text = '';
  let rest = value;
  for (let i = 0; i < length; i++) {
    text = ALPHABET[Number(rest % 62n)] + text;
    rest /= 62n;
  }
  return text;
}

function checksum(body: string): string {
  return base62(BigInt(crc32(`${PREFIX}${body}`)), CHECKSUM_LENGTH);
}

/** A new random secret. */
export function newSecret(): string {
  const body = base62(BigInt(`0x${randomBytes(32).toString('hex')}`), BODY_LENGTH);
  return `${PREFIX}${body}${checksum(body)}`;
}

/** True when `secret` has the shape of a key and its checksum matches (a typo is caught here). */
export function isWellFormed(secret: string): boolean {
  if (!SECRET_PATTERN.test(secret)) return false;
  const body = secret.slice(PREFIX.length, PREFIX.length + BODY_LENGTH);
  return secret.slice(PREFIX.length + BODY_LENGTH) === checksum(body);
}

/** What is stored and looked up: the SHA-256 of the secret, hex. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The first characters of a secret, shown in lists to recognise a key (`gp_AbCd`). */
export function secretHint(secret: string): string {
  return secret.slice(0, PREFIX.length + 4);
}
