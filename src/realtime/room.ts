import { reactionKinds, type ReactionKind } from '../domain/audience.js';
import { CloseCodes } from './protocol.js';
import type { ServerMessage } from './server-messages.js';

/** The socket as the hub sees it; the HTTP layer adapts a `ws` WebSocket to this. */
export interface LiveLink {
  /** one text frame, already serialised: the same Buffer goes to every member of a room */
  send(frame: Buffer): void;
  /** bytes queued and not yet written to the network */
  readonly bufferedAmount: number;
  close(code: number, reason: string): void;
}

export interface RoomMember {
  readonly link: LiveLink;
  readonly viewerId: string | null;
  dropped: boolean;
}

const zeroCounts = (): Record<ReactionKind, number> => Object.fromEntries(reactionKinds.map((k) => [k, 0])) as Record<ReactionKind, number>;

export const encodeFrame = (messages: readonly ServerMessage[]): Buffer => Buffer.from(JSON.stringify(messages));

/**
 * One show's connections and what is waiting to go to all of them. Messages gather in an
 * outbox and leave once per tick as one frame: serialised once, written to every socket that
 * keeps up. A socket whose unsent bytes pass the limit is dropped, never waited for.
 */
export class Room {
  readonly members = new Set<RoomMember>();
  /** members who run the show (the host's cockpit): they get every message but are not its audience */
  private readonly staff = new Set<RoomMember>();
  peak = 0;
  private outbox: ServerMessage[] = [];
  /**
   * Messages where only the newest matters (stock left): one per key per tick, built when the
   * tick sends them, so a burst of orders costs one read, not one per order.
   */
  private readonly latest = new Map<string, () => ServerMessage | null>();
  private reactions = zeroCounts();
  private reactionTotals = zeroCounts();
  private reactionsPending = false;
  private presenceSent = { viewers: -1, peak: -1 };
  reactionsThisMinute = 0;
  chatThisMinute = 0;

  constructor(
    readonly showId: string,
    readonly host: string,
    private readonly maxBufferedBytes: number,
    private readonly onDrop: (member: RoomMember) => void,
  ) {}

  /** `staff`: the host's own socket, which never counts as a viewer */
  join(member: RoomMember, { staff = false }: { staff?: boolean } = {}): void {
    this.members.add(member);
    if (staff) this.staff.add(member);
    this.peak = Math.max(this.peak, this.viewers);
  }

  leave(member: RoomMember): void {
    this.members.delete(member);
    this.staff.delete(member);
  }

  /** the audience: every socket but the host's */
  get viewers(): number {
    return this.members.size - this.staff.size;
  }

  get presence() {
    return { viewers: this.viewers, peak: this.peak };
  }

  broadcast(message: ServerMessage): void {
    this.outbox.push(message);
  }

  broadcastLatest(key: string, build: () => ServerMessage | null): void {
    this.latest.set(key, build);
  }

  react(kind: ReactionKind): void {
    this.reactions[kind] += 1;
    this.reactionTotals[kind] += 1;
    this.reactionsThisMinute += 1;
    this.reactionsPending = true;
  }

  /** Reaction taps since the last time, as one aggregate message. */
  queueReactions(): void {
    if (!this.reactionsPending) return;
    this.outbox.push({ type: 'reactions', counts: this.reactions, totals: { ...this.reactionTotals } });
    this.reactions = zeroCounts();
    this.reactionsPending = false;
  }

  queuePresence(): void {
    const { viewers, peak } = this.presence;
    if (viewers === this.presenceSent.viewers && peak === this.presenceSent.peak) return;
    this.presenceSent = { viewers, peak };
    this.outbox.push({ type: 'presence', viewers, peak });
  }

  /** Sends what gathered since the last tick; returns how many messages left. */
  flush(): number {
    if (this.latest.size) {
      for (const build of this.latest.values()) {
        // a failed read must not stop the tick for everyone: that update is skipped, the next one comes
        let message: ServerMessage | null = null;
        try {
          message = build();
        } catch {
          message = null;
        }
        if (message) this.outbox.push(message);
      }
      this.latest.clear();
    }
    if (this.outbox.length === 0) return 0;
    const messages = this.outbox;
    this.outbox = [];
    const frame = encodeFrame(messages);
    for (const member of this.members) sendOrDrop(member, frame, this.maxBufferedBytes, this.onDrop);
    return messages.length;
  }

  /** the host's sockets only, at once: what a rehearsal shows must never reach the audience */
  hasStaff(): boolean {
    return this.staff.size > 0;
  }

  sendToStaff(messages: readonly ServerMessage[]): void {
    if (this.staff.size === 0) return;
    const frame = encodeFrame(messages);
    for (const member of this.staff) sendOrDrop(member, frame, this.maxBufferedBytes, this.onDrop);
  }

  sendTo(member: RoomMember, messages: readonly ServerMessage[]): void {
    sendOrDrop(member, encodeFrame(messages), this.maxBufferedBytes, this.onDrop);
  }
}

function sendOrDrop(member: RoomMember, frame: Buffer, maxBufferedBytes: number, onDrop: (m: RoomMember) => void): void {
  if (member.dropped) return;
  if (member.link.bufferedAmount > maxBufferedBytes) {
    member.dropped = true;
    member.link.close(CloseCodes.TOO_SLOW, 'too slow: reconnect');
    onDrop(member);
    return;
  }
  member.link.send(frame);
}
