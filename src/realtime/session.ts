import type { AudienceRole } from '../domain/audience.js';
import { HawkerError } from '../domain/errors.js';
import type { Viewer } from '../domain/order.js';
import type { ShowRepository } from '../domain/ports.js';
import type { Show } from '../domain/show.js';
import type { Room, RoomMember } from './room.js';
import type { ServerMessage } from './server-messages.js';
import type { TokenBucket } from './token-bucket.js';

/**
 * What the audience hub and its features (chat, moderation, polls, questions, presence) share:
 * a leaf, so the features never import the hub and the hub never imports a feature's internals.
 */

export interface LiveLimits {
  chatPerMinute: number;
  chatBurst: number;
  historySize: number;
  /** unsent bytes a socket may hold before it is dropped as too slow */
  maxBufferedBytes: number;
  maxConnectionsPerShow: number;
  /** frames of any kind a socket may send per second (sustained) before it is cut off */
  framesPerSecond: number;
}

/** preshow: a chat line sent before the show first went live (it counts as 'chat' too) */
export type ActivityKind = 'chat' | 'vote' | 'watch' | 'preshow';

export type Credentials = { kind: 'host' } | { kind: 'viewer'; token: string } | { kind: 'anonymous' };

export type Level = { level: number; badge: string };

/** One socket in one show, as the hub and the features see it. */
export interface Member extends RoomMember {
  room: Room;
  viewer: Viewer | null;
  role: AudienceRole;
  level: Level | null;
  frames: TokenBucket;
  sessionId: number | null;
}

export interface LiveSession {
  /** one frame as it came off the socket */
  receive(frame: Buffer, binary: boolean): void;
  closed(): void;
}

/**
 * How a feature reaches viewers. The hub's rooms implement it on this node; an adapter over
 * Redis or NATS could carry the same calls to other nodes without touching the features.
 */
export interface Broadcaster {
  /** to everyone watching the show (queued, leaves on the next tick) */
  publish(showId: string, message: ServerMessage): void;
  /** like publish, but a newer message with the same key replaces one not yet sent */
  publishLatest(showId: string, key: string, build: () => ServerMessage | null): void;
  /** to one viewer on every socket they have open in the show (every show when showId is null), now */
  sendToViewer(showId: string | null, viewerId: string, message: ServerMessage): void;
  /** to the host's own sockets in the show (the cockpit), now; never to a viewer */
  sendToHost(showId: string, message: ServerMessage): void;
}

/** A viewer did something an engagement-gated coupon may count. */
export type ActivitySink = (showId: string, viewerId: string, kind: ActivityKind, text?: string) => void;

/** figures for /metrics and the benchmark; each part of the hub counts its own */
export interface LiveCounters {
  messagesIn: number;
  messagesOut: number;
  framesOut: number;
  droppedSlow: number;
  refused: number;
  chatUnstored: number;
}

export const newCounters = (): LiveCounters => ({ messagesIn: 0, messagesOut: 0, framesOut: 0, droppedSlow: 0, refused: 0, chatUnstored: 0 });

export const iso = (ms: number) => new Date(ms).toISOString();

export function requireShow(shows: Pick<ShowRepository, 'get'>, showId: string): Show {
  const show = shows.get(showId);
  if (!show) throw new HawkerError('SHOW_NOT_FOUND', `no show with id ${showId}`);
  return show;
}
