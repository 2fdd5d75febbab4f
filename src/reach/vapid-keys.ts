import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import webpush from 'web-push';

export const VAPID_KEYS_FILE = 'vapid-keys.json';

/** This server's VAPID key pair (RFC 8292), base64url: push services know the server by it. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

const isKeys = (v: unknown): v is VapidKeys =>
  typeof v === 'object' && v !== null && typeof (v as VapidKeys).publicKey === 'string' && typeof (v as VapidKeys).privateKey === 'string' &&
  Buffer.from((v as VapidKeys).publicKey, 'base64url').length === 65 && Buffer.from((v as VapidKeys).privateKey, 'base64url').length === 32;

/**
 * The pair kept in the data dir, else a new one kept there (0600). The same pair must last:
 * browsers' subscriptions are bound to the public key, so a new pair silences every reminder
 * already asked for. A file that does not hold a pair is an error, not replaced.
 */
export function resolveVapidKeys(dataDir: string): VapidKeys & { generated: boolean } {
  const file = join(dataDir, VAPID_KEYS_FILE);
  if (existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      parsed = null;
    }
    if (!isKeys(parsed)) throw new Error(`${file} does not hold a VAPID key pair ({ publicKey, privateKey }, base64url); fix it or remove it (a new pair stops every reminder already asked for)`);
    return { publicKey: parsed.publicKey, privateKey: parsed.privateKey, generated: false };
  }
  const keys = webpush.generateVAPIDKeys();
  writeFileSync(file, `${JSON.stringify({ publicKey: keys.publicKey, privateKey: keys.privateKey }, null, 2)}\n`, { mode: 0o600 });
  // the mode above applies only to a new file and is cut by the umask: set it exactly
  chmodSync(file, 0o600);
  return { publicKey: keys.publicKey, privateKey: keys.privateKey, generated: true };
}

/**
 * The VAPID subject (a contact for push services): the configured one, else the public URL when
 * it is https, else a mailto: at its host name. web-push takes only https: or mailto:, and a
 * server on http://localhost (a trial) must still start; push services that check the contact
 * (Apple's) want a real one: set reminders.vapidSubject.
 */
export function vapidSubject(configured: string, publicUrl: string): string {
  if (configured) {
    // refused at start rather than at every push
    if (!URL.canParse(configured)) throw new Error(`config: reminders.vapidSubject is not a URL (mailto:you@example.com or https://…): ${configured}`);
    return configured;
  }
  const url = new URL(publicUrl);
  if (url.protocol === 'https:' && url.hostname !== 'localhost') return url.origin;
  return `mailto:hawker@${url.hostname || 'localhost'}`;
}
