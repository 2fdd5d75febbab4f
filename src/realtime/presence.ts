import { isStorageFailure } from '../domain/errors.js';
import type { ShowEventRepository, ShowRepository, WatchSessionRepository } from '../domain/ports.js';
import type { Logger } from '../log/logger.js';
import type { Room } from './room.js';
import { requireShow, type ActivitySink, type Member } from './session.js';

/** while storage fails, one log line per this long for the writes given up on */
const STORAGE_LOG_EVERY_MS = 10_000;

export interface LivePresenceOptions {
  shows: Pick<ShowRepository, 'get'>;
  events: Pick<ShowEventRepository, 'append'>;
  sessions: Pick<WatchSessionRepository, 'openSession' | 'touchSessions'>;
  rooms: { get(showId: string): Room | undefined };
  activity: ActivitySink;
  logger: Logger;
  now: () => number;
}

/**
 * Who is watching: the count the host sees, watch sessions (watch time for loyalty and
 * coupons), and once a minute each show's presence on its timeline. None of it may throw on a
 * full disk: it runs from socket close handlers and the tick.
 */
export class LivePresence {
  private storageLogAt = 0;
  private storageLogSuppressed = 0;

  constructor(private readonly o: LivePresenceOptions) {}

  presence(showId: string): { viewers: number; peak: number } {
    requireShow(this.o.shows, showId);
    return this.o.rooms.get(showId)?.presence ?? { viewers: 0, peak: 0 };
  }

  /** A viewer who cannot be given a watch session (disk full) still watches; their time is not counted. */
  openSession(showId: string, viewerId: string, at: number): number | null {
    try {
      return this.o.sessions.openSession(showId, viewerId, at);
    } catch (err) {
      this.writeFailed(err, 'watch session not opened', { show: showId });
      return null;
    }
  }

  touchSessions(ids: number[], at: number): void {
    try {
      this.o.sessions.touchSessions(ids, at);
    } catch (err) {
      // the sessions keep their last stored time: at most a minute of watch time goes uncounted
      this.writeFailed(err, 'watch time not recorded', { sessions: ids.length });
    }
  }

  /**
   * Once a minute (and at shutdown, `final`): presence on each show's timeline, and watch time
   * moved on. Returns the rooms left empty, which the hub closes (not at shutdown).
   */
  recordMinute(rooms: Iterable<Room>, final: boolean): string[] {
    const now = this.o.now();
    const sessions: number[] = [];
    const empty: string[] = [];
    for (const room of rooms) {
      for (const m of room.members) {
        const member = m as Member;
        if (member.sessionId != null) {
          sessions.push(member.sessionId);
          if (!final && member.viewerId) this.o.activity(room.showId, member.viewerId, 'watch');
        }
      }
      try {
        const show = this.o.shows.get(room.showId);
        if (show?.status === 'live' || room.members.size > 0) {
          this.o.events.append({ showId: room.showId, type: 'presence', at: this.o.now(), payload: { viewers: room.viewers, peak: room.peak, chat: room.chatThisMinute, reactions: room.reactionsThisMinute } });
        }
      } catch (err) {
        this.writeFailed(err, 'presence not recorded', { show: room.showId });
      }
      room.chatThisMinute = 0;
      room.reactionsThisMinute = 0;
      if (room.members.size === 0 && !final) empty.push(room.showId);
    }
    if (sessions.length) this.touchSessions(sessions, now);
    return empty;
  }

  /** A write given up on: storage trouble is logged at most every 10 s, anything else always. */
  private writeFailed(err: unknown, what: string, context: Record<string, unknown>): void {
    if (!isStorageFailure(err)) {
      this.o.logger.error({ err, ...context }, what);
      return;
    }
    const now = this.o.now();
    if (now - this.storageLogAt < STORAGE_LOG_EVERY_MS) {
      this.storageLogSuppressed += 1;
      return;
    }
    this.o.logger.warn({ code: (err as { code: string }).code, ...context, alsoSince: this.storageLogSuppressed }, `${what}: storage unavailable`);
    this.storageLogAt = now;
    this.storageLogSuppressed = 0;
  }
}
