import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ADMIN_TOKEN_FILE = 'admin-token';
const MIN_TOKEN_LENGTH = 16;

export interface AdminToken {
  token: string;
  /** true only on the start that created it: the one time it is printed */
  generated: boolean;
  source: 'config' | 'file' | 'generated';
}

/** The configured token, else the one kept in the data dir, else a new one kept there (0600). */
export function resolveAdminToken(configured: string, dataDir: string): AdminToken {
  if (configured) {
    if (configured.length < MIN_TOKEN_LENGTH) {
      throw new Error(`config: adminToken (HAWKER_ADMIN_TOKEN) must be at least ${MIN_TOKEN_LENGTH} characters`);
    }
    return { token: configured, generated: false, source: 'config' };
  }
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= MIN_TOKEN_LENGTH) return { token, generated: false, source: 'file' };
  }
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  // the mode above applies only to a new file and is cut by the umask: set it exactly
  chmodSync(file, 0o600);
  return { token, generated: true, source: 'generated' };
}
