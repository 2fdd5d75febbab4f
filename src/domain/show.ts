export const showStatuses = ['scheduled', 'live', 'ended'] as const;
export type ShowStatus = (typeof showStatuses)[number];

export interface Show {
  id: string;
  title: string;
  /** who presents it: loyalty levels are earned per host ('' when not given) */
  host: string;
  /** when the merchant plans to go live (the viewer page counts down to it) */
  scheduledAt: number | null;
  status: ShowStatus;
  /** secret: whoever holds it can publish to this show */
  streamKey: string;
  createdAt: number;
  /** wall clock (ms) when the show first went live: stream time 0 */
  startedAt: number | null;
  endedAt: number | null;
  /**
   * when the show's media (recording and clips) was deleted, by the merchant or the retention
   * sweep; the show and its data stay (null while it is kept).
   */
  recordingDeletedAt: number | null;
}

/** What happens to a show, in order, on its timeline (stream time is relative to startedAt). */
export const showEventTypes = [
  'show.live',
  'show.ended',
  'publisher.connected',
  'publisher.disconnected',
  'pipeline.restarted',
  'source.probed',
  'source.refused',
  'streamkey.rotated',
  'overlay.changed',
  'order.created',
  'order.paid',
  'order.cancelled',
  'order.expired',
  'order.shipped',
  'order.refunded',
  'presence',
  'poll.opened',
  'poll.closed',
  'chat.moderated',
  'coupon.claimed',
] as const;
export type ShowEventType = (typeof showEventTypes)[number];

export interface ShowEvent {
  id: number;
  showId: string;
  type: ShowEventType;
  /** wall clock, ms since the epoch */
  at: number;
  /** ms since the show went live; null before it did */
  streamMs: number | null;
  payload: Record<string, unknown>;
}

export const SHOW_TITLE_MAX = 200;
export const SHOW_HOST_MAX = 60;
