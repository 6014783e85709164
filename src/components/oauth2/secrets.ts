import * as crypto from 'crypto';

/** Prefixes tell an OAuth token from a session token at a glance (and to secret scanners). */
export const ACCESS_TOKEN_PREFIX = 'oat_';
export const REFRESH_TOKEN_PREFIX = 'ort_';
export const CLIENT_SECRET_PREFIX = 'ocs_';

/** 256 random bits, base64url: a code, a token or a secret. */
export function randomSecret(prefix = ''): string {
  return prefix + crypto.randomBytes(32).toString('base64url');
}

/** What is stored in place of a secret: its SHA-256, hex. */
export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether a presented secret hashes to the stored hash, in constant time. */
export function secretMatches(presented: unknown, storedHash: unknown): boolean {
  if (typeof presented !== 'string' || typeof storedHash !== 'string' || storedHash.length !== 64)
    return false;
  return crypto.timingSafeEqual(Buffer.from(hashSecret(presented), 'hex'), Buffer.from(storedHash, 'hex'));
}

/** An HMAC for the consent form, binding it to the user's session and the request it answers. */
export function formToken(key: Buffer, parts: string[]): string {
  return crypto.createHmac('sha256', key).update(parts.join('\u0000'), 'utf8').digest('base64url');
}

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
