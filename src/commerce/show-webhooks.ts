import type { EventSource } from '../domain/events.js';
import type { WebhookStore } from '../domain/ports.js';

/**
 * The show's life on the webhook outbox: show.live is sent as `show.started`, show.ended as
 * `show.ended`, each with the time it happened. The rows are written inside the transaction that
 * changes the show's status and appends its timeline event: all three commit together, or none.
 */
export function enqueueShowWebhooks(bus: EventSource, outbox: Pick<WebhookStore, 'enqueue'>): void {
  bus.inTransaction('show.live', ({ showId, at }) => outbox.enqueue('show.started', { showId }, at));
  bus.inTransaction('show.ended', ({ showId, at }) => outbox.enqueue('show.ended', { showId }, at));
}
