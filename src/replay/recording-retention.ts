import type { RecordingRepository } from '../domain/ports.js';
import type { Logger } from '../log/logger.js';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** how often the sweep runs after the one at start */
export const RETENTION_SWEEP_MS = 60 * 60 * 1000;

export interface RecordingRetentionOptions {
  /** storage.keepRecordingsDays: an ended show's media is kept this many days; 0 keeps it forever */
  keepDays: number;
  recordings: Pick<RecordingRepository, 'endedBefore'>;
  /** deletes one show's media and marks it (RecordingStorage.deleteRecording) */
  deleteRecording(showId: string): Promise<unknown>;
  logger: Logger;
  now?: () => number;
  intervalMs?: number;
}

/**
 * Deletes the media (recording and clips) of shows that ended more than `keepDays` ago, at
 * start and then hourly. A show whose files cannot be deleted now (a failing disk) is logged
 * and tried again by the next sweep; it never stops the others, nor the process.
 */
export class RecordingRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<string[]> | null = null;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly o: RecordingRetentionOptions) {
    this.now = o.now ?? Date.now;
    this.log = o.logger.child({ module: 'retention' });
  }

  /** Sweeps now and every hour; nothing at all when recordings are kept forever. */
  start(): void {
    if (this.timer || this.o.keepDays === 0) return;
    const tick = () => {
      this.sweep().catch((err: unknown) => this.log.error({ err }, 'recording retention sweep failed'));
    };
    tick();
    this.timer = setInterval(tick, this.o.intervalMs ?? RETENTION_SWEEP_MS);
    // a sweep pending must not keep the process alive on shutdown
    this.timer.unref();
  }

  /** No more sweeps; resolves once a sweep under way has finished (before the database closes). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One sweep (a sweep already running is joined, not doubled): the ids of the shows whose media it deleted. */
  sweep(): Promise<string[]> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<string[]> {
    if (this.o.keepDays === 0) return [];
    const cutoff = this.now() - this.o.keepDays * DAY_MS;
    const deleted: string[] = [];
    for (const showId of this.o.recordings.endedBefore(cutoff)) {
      try {
        await this.o.deleteRecording(showId);
        deleted.push(showId);
      } catch (err) {
        this.log.error({ err, show: showId }, 'recording past its retention not deleted; tried again at the next sweep');
      }
    }
    if (deleted.length > 0) this.log.info({ shows: deleted, keepDays: this.o.keepDays }, 'recordings past their retention deleted');
    return deleted;
  }
}
