import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The data dir holds stream keys (in the database) and the admin token: its owner only. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Sets `mode` when the path grants more than it (group or other bits, say); never loosens.
 * chmod, not the mode given at creation: that one is cut by the umask, this one is exact.
 * True when it had to change something.
 */
export function tightenMode(path: string, mode: number): boolean {
  if ((statSync(path).mode & 0o777 & ~mode) === 0) return false;
  chmodSync(path, mode);
  return true;
}

/**
 * Creates the data dir 0700, or tightens one an older install left open (0755), along with the
 * files in it that hold secrets (0600). Returns what it tightened, for one warning at start,
 * and what it could not (not the owner).
 */
export function secureDataDir(dataDir: string, privateFiles: readonly string[]): { tightened: string[]; stillOpen: string[] } {
  const tightened: string[] = [];
  const stillOpen: string[] = [];
  const tighten = (path: string, mode: number) => {
    try {
      if (tightenMode(path, mode)) tightened.push(path);
    } catch (err) {
      // a dir owned by someone else (a mounted volume): not ours to change, and no reason not to start
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
      stillOpen.push(path);
    }
  };
  if (!existsSync(dataDir)) {
    mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    chmodSync(dataDir, PRIVATE_DIR_MODE);
  } else tighten(dataDir, PRIVATE_DIR_MODE);
  for (const name of privateFiles) {
    const file = join(dataDir, name);
    if (existsSync(file)) tighten(file, PRIVATE_FILE_MODE);
  }
  return { tightened, stillOpen };
}
