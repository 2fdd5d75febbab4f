/**
 * A live show's LL-HLS: one RungPackager per rung of the ladder, refreshed when FFmpeg writes
 * (inotify on each rung's folder, a 50 ms poll as the safety net), the playlists rendered once
 * per change, and the blocking playlist requests held until the part they ask for exists.
 *
 * Files: <showDir>/ll-<rung>/seg_NNNNNN.m4s, written by the transcode's tee output
 * (ffmpeg-args.ts); served by byte range by the HLS routes.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { HawkerError } from '../domain/errors.js';
import type { Logger } from '../log/logger.js';
import {
  blockingTimeoutMs,
  blockingVerdict,
  lastPosition,
  renderLlPlaylist,
  type DeliveryDirectives,
  type LlMediaState,
} from './llhls-playlist.js';
import { parseMasterPlaylist } from './clip-cut.js';
import { RungPackager } from './llhls-rung.js';
import { BlockingWaiters } from './llhls-waiters.js';

export const LL_MASTER_PLAYLIST = 'll.m3u8';
export const llRungDir = (rungName: string) => `ll-${rungName}`;

export interface LlShowOptions {
  /** <hlsRoot>/<showId> */
  showDir: string;
  /** the ladder's rung names, top first */
  rungs: readonly string[];
  targetDurationS: number;
  partTargetS: number;
  logger: Logger;
  /** how often the folders are looked at when inotify says nothing (default 50 ms) */
  pollMs?: number;
}

const SEGMENT_FILE = /^seg_(\d{6,})\.m4s$/;

/**
 * The plain master with each variant's URI pointed at its LL rung, every rung named with its
 * CODECS (null: not yet). VERSION 9 for what the LL media playlists use.
 */
export function llMasterFrom(plainMaster: string, rungs: readonly string[]): string | null {
  const variants = parseMasterPlaylist(plainMaster).filter((v) => rungs.includes(v.name) && v.streamInf.includes('CODECS='));
  if (!rungs.every((r) => variants.some((v) => v.name === r))) return null;
  const lines = ['#EXTM3U', '#EXT-X-VERSION:9', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const v of variants) lines.push(v.streamInf, `${llRungDir(v.name)}/index.m3u8`);
  return `${lines.join('\n')}\n`;
}

/** The highest segment file number in the show's LL folders, or -1. */
function lastFileNumber(showDir: string, rungs: readonly string[]): number {
  let last = -1;
  for (const rung of rungs) {
    let names: string[];
    try {
      names = readdirSync(join(showDir, llRungDir(rung)));
    } catch {
      continue;
    }
    for (const name of names) {
      const m = SEGMENT_FILE.exec(name);
      if (m) last = Math.max(last, Number(m[1]));
    }
  }
  return last;
}

interface RungEntry {
  rung: string;
  packager: RungPackager;
  waiters: BlockingWaiters;
  /** the current state and its rendered playlists (full and delta), made once per change */
  cache: { state: LlMediaState | null; full: string | null; delta: string | null };
  broken: boolean;
}

export class LlShowPackager {
  private readonly entries: RungEntry[];
  private readonly log: Logger;
  private watchers: FSWatcher[] = [];
  private poll: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private ended = false;

  constructor(private readonly options: LlShowOptions) {
    this.log = options.logger.child({ module: 'llhls' });
    // A Hawker restarted in the middle of a show lists only what its own runs write; the
    // numbering goes on from the files already there, so a player's media sequence never
    // goes back.
    const firstMsn = lastFileNumber(options.showDir, options.rungs) + 1;
    this.entries = options.rungs.map((rung) => {
      mkdirSync(join(options.showDir, llRungDir(rung)), { recursive: true });
      return {
        rung,
        packager: new RungPackager({ dir: join(options.showDir, llRungDir(rung)), firstMsn, targetDurationS: options.targetDurationS, partTargetS: options.partTargetS }),
        waiters: new BlockingWaiters(blockingTimeoutMs(options.targetDurationS)),
        cache: { state: null, full: null, delta: null },
        broken: false,
      };
    });
  }

  dirFor(rungName: string): string {
    return join(this.options.showDir, llRungDir(rungName));
  }

  /**
   * The first file number for a new FFmpeg run (the one after every file written so far), and
   * the packagers told that a run starts there.
   */
  beginRun(): number {
    const first = lastFileNumber(this.options.showDir, this.options.rungs) + 1;
    for (const entry of this.entries) entry.packager.beginRun(first);
    return first;
  }

  /** Watches the rung folders and keeps the playlists current. */
  start(): void {
    for (const entry of this.entries) {
      try {
        const watcher = watch(this.dirFor(entry.rung), () => this.refresh());
        // the poll is unref'd too: a packager nobody stopped never holds the process open
        watcher.unref();
        // inotify failing (a watch limit reached) leaves the poll doing the work
        watcher.on('error', (err) => this.log.warn({ err, rung: entry.rung }, 'folder watch failed; polling only'));
        this.watchers.push(watcher);
      } catch (err) {
        this.log.warn({ err, rung: entry.rung }, 'folder watch unavailable; polling only');
      }
    }
    this.poll = setInterval(() => this.refresh(), this.options.pollMs ?? 50);
    this.poll.unref();
  }

  /** Reads what FFmpeg wrote; one refresh at a time, and one more if asked for meanwhile. */
  refresh(): void {
    if (this.stopped) return;
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = this.refreshAll()
      .catch((err: unknown) => this.log.error({ err }, 'LL-HLS refresh failed'))
      .finally(() => {
        this.refreshing = null;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  private async refreshAll(): Promise<void> {
    let changed = false;
    for (const entry of this.entries) {
      if (entry.broken) continue;
      try {
        if (await entry.packager.refresh()) changed = true;
      } catch (err) {
        // not what FFmpeg writes (a torn or foreign file): this rung stops growing, the others
        // and the plain HLS go on
        entry.broken = true;
        this.log.error({ err, rung: entry.rung }, 'LL-HLS rung stopped: its files could not be read');
      }
    }
    if (changed) this.changed();
  }

  private changed(): void {
    for (const entry of this.entries) entry.cache = { state: null, full: null, delta: null };
    for (const entry of this.entries) entry.waiters.wake(this.stateOf(entry));
  }

  /** Every held request and every reload reads it: built once per change, not per request. */
  private stateOf(entry: RungEntry): LlMediaState {
    entry.cache.state ??= {
      ...entry.packager.state(),
      renditionReports: this.entries.flatMap((other) => {
        if (other === entry) return [];
        const last = lastPosition({ ...other.packager.state(), renditionReports: [] });
        return last ? [{ uri: `../${llRungDir(other.rung)}/index.m3u8`, lastMsn: last.msn, lastPart: last.part }] : [];
      }),
    };
    return entry.cache.state;
  }

  private render(entry: RungEntry, skip: boolean): string {
    const key = skip ? 'delta' : 'full';
    const cached = entry.cache[key];
    if (cached !== null) return cached;
    const text = renderLlPlaylist(this.stateOf(entry), { skip });
    entry.cache[key] = text;
    return text;
  }

  /** How many requests are held now (the bench and the metrics read it). */
  get heldRequests(): number {
    return this.entries.reduce((sum, e) => sum + e.waiters.size, 0);
  }

  /**
   * The media playlist of a rung for a request's delivery directives: at once, or once the
   * segment or part it names exists (RFC 8216bis 6.2.5.2). `gone` resolves when the client
   * closed the connection: a held request then stops waiting.
   */
  async mediaPlaylist(rungName: string, directives: DeliveryDirectives, gone?: Promise<void>): Promise<string> {
    const entry = this.entries.find((e) => e.rung === rungName);
    if (!entry) throw new HawkerError('MEDIA_NOT_FOUND');
    const state = this.stateOf(entry);
    if (state.segments.length === 0 && !state.pending?.parts.length && directives.msn === null) {
      // nothing written yet: a player retries, as it does for a plain playlist not there yet
      throw new HawkerError('MEDIA_NOT_FOUND', 'the show has not written its first part yet');
    }
    if (directives.msn !== null) {
      const verdict = blockingVerdict(state, directives.msn, directives.part);
      if (verdict === 'too-far') throw new HawkerError('BAD_REQUEST', `_HLS_msn=${directives.msn} is too far ahead of the live edge`);
      if (verdict === 'hold') {
        await new Promise<void>((resolve, reject) => {
          const cancel = entry.waiters.park(
            directives.msn!,
            directives.part,
            () => resolve(),
            () => reject(new HawkerError('PLAYLIST_NOT_READY')),
          );
          gone?.then(() => {
            cancel();
            resolve();
          }, () => undefined);
        });
      }
    }
    return this.render(entry, directives.skip);
  }

  private masterCache: { mtimeMs: number; text: string | null } | null = null;

  /**
   * The master playlist of the LL renditions: the plain master FFmpeg writes for the same encode
   * (its BANDWIDTH, RESOLUTION and CODECS), each variant pointed at its LL rung. Without CODECS
   * hls.js kept a phone on the lowest rung at an 18 Mbit/s estimate, and a reconnect in another
   * shape rewrites the file, so it is read again when it changes. Null (404, a player asks again)
   * until FFmpeg has written it with every rung (its first plain segment, ~1 s after the first part).
   */
  masterPlaylist(): string | null {
    const file = join(this.options.showDir, 'master.m3u8');
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return null;
    }
    if (this.masterCache?.mtimeMs !== mtimeMs) this.masterCache = { mtimeMs, text: llMasterFrom(readFileSync(file, 'utf8'), this.options.rungs) };
    return this.masterCache.text;
  }

  /** The show ended: the last parts are listed, the playlists end, every held request is answered. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.stopWatching();
    // a refresh under way reads the same files: let it finish first
    while (this.refreshing) await this.refreshing;
    for (const entry of this.entries) {
      try {
        await entry.packager.finish();
      } catch (err) {
        this.log.error({ err, rung: entry.rung }, 'LL-HLS rung could not be finished');
      }
    }
    this.changed();
    for (const entry of this.entries) entry.waiters.releaseAll();
  }

  /** Stops watching and closes every file (the show is gone from this process). */
  async stop(): Promise<void> {
    this.stopWatching();
    while (this.refreshing) await this.refreshing;
    for (const entry of this.entries) {
      entry.waiters.releaseAll();
      await entry.packager.dispose();
    }
  }

  private stopWatching(): void {
    this.stopped = true;
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
  }
}
