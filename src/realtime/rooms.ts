import type { Logger } from '../log/logger.js';
import { Room } from './room.js';
import type { ServerMessage } from './server-messages.js';
import type { Broadcaster, LiveCounters, Member } from './session.js';

/**
 * Every show's room on this node: the Broadcaster the features publish through, and the
 * registry the hub joins sockets to and flushes on its tick.
 */
export class Rooms implements Broadcaster {
  private readonly byShow = new Map<string, Room>();

  constructor(
    private readonly maxBufferedBytes: number,
    private readonly counters: Pick<LiveCounters, 'droppedSlow'>,
    private readonly log: Logger,
  ) {}

  get(showId: string): Room | undefined {
    return this.byShow.get(showId);
  }

  /** the show's room, made on first use */
  open(show: { id: string; host: string }): Room {
    let room = this.byShow.get(show.id);
    if (!room) {
      room = new Room(show.id, show.host, this.maxBufferedBytes, () => {
        this.counters.droppedSlow += 1;
        this.log.warn({ show: show.id }, 'dropped a viewer who fell too far behind');
      });
      this.byShow.set(show.id, room);
    }
    return room;
  }

  all(): IterableIterator<Room> {
    return this.byShow.values();
  }

  showIds(): IterableIterator<string> {
    return this.byShow.keys();
  }

  delete(showId: string): void {
    this.byShow.delete(showId);
  }

  clear(): void {
    this.byShow.clear();
  }

  get connections(): number {
    let n = 0;
    for (const room of this.byShow.values()) n += room.members.size;
    return n;
  }

  publish(showId: string, message: ServerMessage): void {
    this.byShow.get(showId)?.broadcast(message);
  }

  publishLatest(showId: string, key: string, build: () => ServerMessage | null): void {
    this.byShow.get(showId)?.broadcastLatest(key, build);
  }

  sendToViewer(showId: string | null, viewerId: string, message: ServerMessage): void {
    for (const room of this.byShow.values()) {
      if (showId && room.showId !== showId) continue;
      for (const member of room.members) if (member.viewerId === viewerId) room.sendTo(member, [message]);
    }
  }

  /** whether the show's host has a socket open on this node */
  hostWatching(showId: string): boolean {
    return this.byShow.get(showId)?.hasStaff() ?? false;
  }

  sendToHost(showId: string, message: ServerMessage): void {
    this.byShow.get(showId)?.sendToStaff([message]);
  }

  /** a chat line went out in the show: counted for the minute's presence record */
  chatted(showId: string): void {
    const room = this.byShow.get(showId);
    if (room) room.chatThisMinute += 1;
  }

  /** a viewer became (or stopped being) a moderator: their open sockets act as such at once */
  setModerator(viewerId: string, moderator: boolean): void {
    for (const room of this.byShow.values()) {
      for (const member of room.members) {
        const m = member as Member;
        if (m.viewerId === viewerId && m.role !== 'host') m.role = moderator ? 'moderator' : 'viewer';
      }
    }
  }
}
