import { lstat, readdir, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { HawkerError } from '../domain/errors.js';
import type { RecordingRepository, ShowRepository } from '../domain/ports.js';
import type { Show } from '../domain/show.js';
import type { Logger } from '../log/logger.js';

/** The folder of a show's media dir that holds its clips (MP4, posters, clip playlists). */
export const CLIPS_DIR = 'clips';

/** Bytes a show's media takes on disk, from its files. */
export interface ShowStorage {
  /** the recording: master and variant playlists and their segments */
  recordingBytes: number;
  /** its clips (`<hlsRoot>/<showId>/clips/`) */
  clipBytes: number;
  recordingDeletedAt: number | null;
}

export interface StorageTotals {
  shows: Array<ShowStorage & { showId: string; title: string }>;
  /** every show's recording and clips together */
  totalBytes: number;
  /** free space of the data dir's file system (for an unprivileged user); null when unknown */
  freeBytes: number | null;
}

export interface RecordingStorageOptions {
  /** <data>/media/hls: one folder per show */
  hlsRoot: string;
  /** the data dir: its file system's free space is reported */
  dataDir: string;
  shows: Pick<ShowRepository, 'get' | 'list'>;
  recordings: RecordingRepository;
  logger: Logger;
  now?: () => number;
}

/**
 * An ended show's media settles once its last clip is cut and its playlists rewritten (well
 * within this); after that its size is counted once, not at every look at the Storage screen
 * (a one-hour show is thousands of segment files).
 */
export const MEDIA_SETTLED_MS = 10 * 60 * 1000;

/**
 * A show's media once the show is over: what it takes on disk, and deleting it while the
 * show's data (timeline, chat, orders, clips' rows) stays. The retention sweep deletes
 * through here too, so the merchant's button and the sweep leave the same state.
 */
export class RecordingStorage {
  /** deleted is for good: once known, no need to ask the database again */
  private readonly deleted = new Set<string>();
  /** the sizes of ended shows whose media has settled (MEDIA_SETTLED_MS) */
  private readonly settled = new Map<string, { recordingBytes: number; clipBytes: number }>();
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly o: RecordingStorageOptions) {
    this.now = o.now ?? Date.now;
    this.log = o.logger.child({ module: 'recordings' });
  }

  /** <hlsRoot>/<showId>: the show's ids are URL-safe (ID_PATTERN), never a path of their own */
  mediaDir(showId: string): string {
    return join(this.o.hlsRoot, showId);
  }

  /**
   * Deletes the ended show's media dir (recording and clips) and marks it deleted. Deleting
   * again does nothing new (the first time is kept). 404 SHOW_NOT_FOUND; 409 SHOW_NOT_ENDED
   * while the show may still write to it.
   */
  async deleteRecording(showId: string): Promise<Show> {
    const show = this.requireShow(showId);
    if (show.status !== 'ended') throw new HawkerError('SHOW_NOT_ENDED');
    const freed = await this.filesOf(showId);
    // the files first: a failed delete (EIO) leaves the show unmarked, so it can be tried again
    await rm(this.mediaDir(showId), { recursive: true, force: true });
    this.settled.delete(showId);
    this.o.recordings.markDeleted(showId, this.now());
    this.deleted.add(showId);
    if (freed.recordingBytes + freed.clipBytes > 0) this.log.info({ show: showId, ...freed }, 'recording deleted');
    return this.requireShow(showId);
  }

  /** Whether the show's media was deleted (the HLS route then serves nothing of it). */
  isDeleted(showId: string): boolean {
    if (this.deleted.has(showId)) return true;
    if (this.o.recordings.deletedAt(showId) == null) return false;
    this.deleted.add(showId);
    return true;
  }

  /** What one show's media takes now. */
  async ofShow(showId: string): Promise<ShowStorage> {
    const show = this.requireShow(showId);
    return this.measure(show);
  }

  /** Every show's media, and the data disk's free space. */
  async totals(): Promise<StorageTotals> {
    const shows: StorageTotals['shows'] = [];
    let totalBytes = 0;
    // one show at a time: a server with many recordings walks them without a burst of open dirs
    for (const show of this.o.shows.list()) {
      const storage = await this.measure(show);
      totalBytes += storage.recordingBytes + storage.clipBytes;
      shows.push({ showId: show.id, title: show.title, ...storage });
    }
    return { shows, totalBytes, freeBytes: await this.freeBytes() };
  }

  private async measure(show: Show): Promise<ShowStorage> {
    const recordingDeletedAt = show.recordingDeletedAt ?? null;
    const known = this.settled.get(show.id);
    if (known) return { ...known, recordingDeletedAt };
    const sizes = await this.filesOf(show.id);
    // measured after it settled: these files no longer change until the recording is deleted
    const settled = show.status === 'ended' && show.endedAt != null && this.now() - show.endedAt >= MEDIA_SETTLED_MS && recordingDeletedAt == null;
    if (settled) this.settled.set(show.id, sizes);
    return { ...sizes, recordingDeletedAt };
  }

  /** the sizes as the disk has them now */
  private async filesOf(showId: string): Promise<{ recordingBytes: number; clipBytes: number }> {
    const dir = this.mediaDir(showId);
    const all = await bytesUnder(dir);
    const clipBytes = await bytesUnder(join(dir, CLIPS_DIR));
    return { recordingBytes: all - clipBytes, clipBytes };
  }

  private async freeBytes(): Promise<number | null> {
    try {
      const s = await statfs(this.o.dataDir);
      return s.bavail * s.bsize;
    } catch {
      return null;
    }
  }

  private requireShow(showId: string): Show {
    const show = this.o.shows.get(showId);
    if (!show) throw new HawkerError('SHOW_NOT_FOUND', `no show with id ${showId}`);
    return show;
  }
}

/**
 * The sizes of the regular files under `dir`, at any depth (0 when it does not exist). Files
 * that vanish while counted (a live playlist replaced, a segment deleted) count as gone;
 * symbolic links are not followed.
 */
async function bytesUnder(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isGone(err)) return 0;
    throw err;
  }
  let total = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await bytesUnder(path);
    else if (entry.isFile()) {
      try {
        total += (await lstat(path)).size;
      } catch (err) {
        if (!isGone(err)) throw err;
      }
    }
  }
  return total;
}

function isGone(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
