import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/db/open.js';

/**
 * A data dir whose disk can be filled and emptied again. Preferred: a real 8 MB tmpfs (needs
 * root and CAP_SYS_ADMIN), filled with a file until the kernel says ENOSPC, so SQLite fails
 * the way it does in production. Where mounting is not allowed: an ordinary temp dir, and the
 * database is capped at the pages it has (PRAGMA max_page_count), which makes SQLite answer
 * SQLITE_FULL for real whenever it needs a new page.
 */
export interface FullDisk {
  dir: string;
  method: 'tmpfs' | 'max_page_count';
  /** fill the disk (or cap the database: then `db` is needed) */
  fill(db?: Db): void;
  /** give the space back */
  free(db?: Db): void;
  /** unmount (if mounted) and remove; safe to call twice, and after a failed test */
  cleanup(): void;
}

const MOUNT_MB = 8;

export function makeFullDisk(): FullDisk {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-full-'));
  // HAWKER_TEST_FULL_DISK=max_page_count runs the fallback where mounting would work
  const mounted =
    process.env.HAWKER_TEST_FULL_DISK !== 'max_page_count' &&
    process.getuid?.() === 0 &&
    spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${MOUNT_MB}m,mode=0700`, 'tmpfs', dir], { timeout: 10_000, stdio: 'ignore' }).status === 0;
  const filler = join(dir, 'filler');
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    if (mounted) spawnSync('umount', ['-l', dir], { timeout: 10_000, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  // a test process that dies before its teardown (the very crash these tests look for) must
  // not leave a mount behind
  process.once('exit', cleanup);
  return {
    dir,
    method: mounted ? 'tmpfs' : 'max_page_count',
    fill(db) {
      if (!mounted) {
        if (!db) throw new Error('the max_page_count fallback needs the database');
        const pages = db.pragma('page_count', { simple: true }) as number;
        db.pragma(`max_page_count = ${pages}`);
        return;
      }
      const fd = openSync(filler, 'w');
      try {
        // big writes first, then ever smaller ones, until not one byte more fits
        for (let size = 1024 * 1024; size >= 1; size = Math.floor(size / 4)) {
          const chunk = Buffer.alloc(size, 0x61);
          for (;;) {
            try {
              if (writeSync(fd, chunk) < size) break;
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
              throw err;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free(db) {
      if (!mounted) db?.pragma('max_page_count = 1073741823');
      else unlinkSync(filler);
    },
    cleanup,
  };
}
