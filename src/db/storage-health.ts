import { statfsSync } from 'node:fs';
import { isStorageFailure } from '../domain/errors.js';
import type { Logger } from '../log/logger.js';
import type { Db } from './open.js';

export interface StorageHealthOptions {
  /** the data dir: its file system is the one whose free space counts */
  dir: string;
  /** below this many free bytes the server says it is not ready */
  minFreeBytes: number;
  logger: Logger;
  now?: () => number;
}

export interface StorageStatus {
  /** false from a write that failed for want of storage until a write succeeds again */
  writable: boolean;
  /** what the file system says non-root users may still use; null when it cannot be asked */
  freeBytes: number | null;
  ready: boolean;
}

/**
 * Whether the data dir can take writes: the last database write's outcome and the free space
 * left. /readyz asks it, so a load balancer steers traffic away before (or while) the disk is full.
 */
export class StorageHealth {
  private failingSince: number | null = null;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly o: StorageHealthOptions) {
    this.log = o.logger.child({ module: 'storage' });
    this.now = o.now ?? Date.now;
  }

  /** A write threw: remembered (and logged once per outage) if it was the storage's fault. */
  failed(err: unknown): void {
    if (!isStorageFailure(err)) return;
    if (this.failingSince != null) return;
    this.failingSince = this.now();
    this.log.error({ code: (err as { code: string }).code, freeBytes: this.freeBytes() }, 'the database cannot write: storage is full or failing; not ready until a write succeeds');
  }

  /** A write reached the database: the outage, if there was one, is over. */
  succeeded(): void {
    if (this.failingSince == null) return;
    this.log.warn({ outageMs: this.now() - this.failingSince }, 'the database writes again');
    this.failingSince = null;
  }

  get writable(): boolean {
    return this.failingSince == null;
  }

  freeBytes(): number | null {
    try {
      const s = statfsSync(this.o.dir);
      return s.bavail * s.bsize;
    } catch {
      return null;
    }
  }

  status(): StorageStatus {
    const freeBytes = this.freeBytes();
    return { writable: this.writable, freeBytes, ready: this.writable && freeBytes != null && freeBytes >= this.o.minFreeBytes };
  }

  ready(): boolean {
    return this.status().ready;
  }
}

type AnyFn = (...args: unknown[]) => unknown;

/**
 * Every write on this connection tells `health` how it went: statements that may change the
 * database (run/get/all on a non-read-only statement) and transactions. Done once, where the
 * connection is handed out, so no repository has to remember it. Only the outermost call
 * counts as a success, and only when it changed rows (SQLite's total_changes() moved): a
 * statement inside a transaction proves nothing until COMMIT (with WAL the disk is usually
 * touched there), and a transaction that only read touched no disk at all.
 */
export function watchWrites(db: Db, health: Pick<StorageHealth, 'failed' | 'succeeded' | 'writable'>): void {
  const prepare = db.prepare.bind(db);
  const totalChanges = prepare<[], number>('SELECT total_changes()').pluck();
  const guard = <F extends AnyFn>(fn: F): F =>
    function (this: unknown, ...args: unknown[]) {
      // Only an outage needs a proof that a write reached the disk: while storage is healthy
      // every write (the order path included) costs no extra statement.
      const outermost = !health.writable && !db.inTransaction;
      const before = outermost ? (totalChanges.get() ?? 0) : 0;
      let result: unknown;
      try {
        result = fn.apply(this, args);
      } catch (err) {
        health.failed(err);
        throw err;
      }
      if (outermost && totalChanges.get() !== before) health.succeeded();
      return result;
    } as F;

  db.prepare = ((source: string) => {
    const stmt = prepare(source);
    if (stmt.readonly) return stmt;
    // Statement's methods are generic over its bind parameters; the wrapper passes them through unchanged.
    const s = stmt as unknown as Record<'run' | 'get' | 'all', AnyFn>;
    for (const method of ['run', 'get', 'all'] as const) s[method] = guard(s[method].bind(stmt));
    return stmt;
  }) as Db['prepare'];

  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: AnyFn) => {
    const tx = transaction(fn);
    const wrapped = guard(tx as unknown as AnyFn) as unknown as typeof tx;
    for (const variant of ['default', 'deferred', 'immediate', 'exclusive'] as const) {
      (wrapped as unknown as Record<string, AnyFn>)[variant] = guard(tx[variant] as unknown as AnyFn);
    }
    return wrapped;
  }) as Db['transaction'];
}
