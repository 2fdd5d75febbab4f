import type { EventSource } from '../domain/events.js';
import type { WebhookStore } from '../domain/ports.js';

/**
 * The show's life on the webhook outbox: show.live is sent as `show.started`, show.ended as
 * `show.ended`, each with the time it happened. Subscribe it after the audience notifier: a row
 * that cannot be written (disk full) must not keep viewers waiting.
 */
export function enqueueShowWebhooks(bus: EventSource, outbox: Pick<WebhookStore, 'enqueue'>): void {
  bus.on('show.live', ({ showId, at }) => outbox.enqueue('show.started', { showId }, at));
  bus.on('show.ended', ({ showId, at }) => outbox.enqueue('show.ended', { showId }, at));
}
