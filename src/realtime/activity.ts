import type { Logger } from '../log/logger.js';
import type { ActivityKind, ActivitySink } from './session.js';

/**
 * What viewers did that engagement-gated coupons count (chat, votes, watching), relayed after
 * the tick has stored the chat, so whoever listens can count from the stored timeline.
 */
export class ActivityRelay {
  private pending: Array<{ showId: string; viewerId: string; kind: ActivityKind; text?: string }> = [];

  constructor(
    private readonly listener: ActivitySink | undefined,
    /** bounded like the chat backlog: engagement counting is worth less than memory */
    private readonly max: number,
    private readonly log: Logger,
  ) {}

  /** queues one; a bound method, handed to the features as their ActivitySink */
  readonly record: ActivitySink = (showId, viewerId, kind, text) => {
    if (this.listener && this.pending.length < this.max) this.pending.push({ showId, viewerId, kind, ...(text !== undefined ? { text } : {}) });
  };

  dispatch(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    for (const a of batch) {
      try {
        this.listener?.(a.showId, a.viewerId, a.kind, a.text);
      } catch (err) {
        this.log.error({ err, show: a.showId }, 'activity listener failed');
      }
    }
  }
}
