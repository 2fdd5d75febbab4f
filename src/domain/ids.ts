import { randomBytes } from 'node:crypto';

/** Public, unguessable enough for URLs; not a secret. */
export function newShowId(): string {
  return randomBytes(9).toString('base64url');
}

/** A demo clip's id: its files are named after it (<id>.mp4), so base64url only. */
export function newClipId(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * 256 random bits, base64url: 43 characters of [A-Za-z0-9_-], which is also what the RTMP
 * server accepts in a stream name.
 */
export function newStreamKey(): string {
  return randomBytes(32).toString('base64url');
}

// Random bytes drawn 4 KiB at a time: one call into the system's generator for 455 ids, not one
// per id (crypto.randomUUID caches the same way). As random as drawing each alone.
const POOL_BYTES = 4095;
let pool = Buffer.alloc(0);
let used = POOL_BYTES;

/** 72 random bits, base64url (12 characters): an order's id, made on the order path. */
export function newOrderId(): string {
  if (used + 9 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  used += 9;
  return pool.toString('base64url', used - 9, used);
}
