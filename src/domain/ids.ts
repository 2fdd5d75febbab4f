import { randomBytes } from 'node:crypto';

/** Public, unguessable enough for URLs; not a secret. */
export function newShowId(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * 256 random bits, base64url: 43 characters of [A-Za-z0-9_-], which is also what the RTMP
 * server accepts in a stream name.
 */
export function newStreamKey(): string {
  return randomBytes(32).toString('base64url');
}
