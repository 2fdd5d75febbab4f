import { randomUUID } from 'node:crypto';
import type { WebhookEventType } from '../domain/order.js';
import type { OutboxItem, WebhookEndpoint, WebhookStore } from '../domain/ports.js';
import type { Db } from './open.js';

type Delivery = ReturnType<WebhookStore['deliveries']>[number];

export function createWebhookStore(db: Db): WebhookStore {
  const addEndpoint = db.prepare<[WebhookEndpoint]>('INSERT INTO webhook_endpoints (id, url, secret, created_at) VALUES (@id, @url, @secret, @createdAt)');
  const endpoints = db.prepare<[], WebhookEndpoint>('SELECT id, url, secret, created_at AS createdAt FROM webhook_endpoints ORDER BY created_at, rowid');
  const removeEndpoint = db.prepare<[id: string]>('DELETE FROM webhook_endpoints WHERE id = ?');
  const endpointIds = db.prepare<[], string>('SELECT id FROM webhook_endpoints').pluck();
  const insert = db.prepare<[endpointId: string, eventId: string, eventType: WebhookEventType, payload: string, createdAt: number, nextAttemptAt: number]>(
    'INSERT INTO webhook_outbox (endpoint_id, event_id, event_type, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const due = db.prepare<[now: number, limit: number], OutboxItem>(
    `SELECT o.id, o.endpoint_id AS endpointId, e.url, e.secret, o.event_id AS eventId, o.event_type AS eventType, o.payload, o.attempts
     FROM webhook_outbox o JOIN webhook_endpoints e ON e.id = o.endpoint_id
     WHERE o.delivered_at IS NULL AND o.failed_at IS NULL AND o.next_attempt_at <= ?
     ORDER BY o.id LIMIT ?`,
  );
  const logAttempt = db.prepare<[outboxId: number, attempt: number, at: number, statusCode: number | null, error: string | null, durationMs: number]>(
    'INSERT INTO webhook_deliveries (outbox_id, attempt, at, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const delivered = db.prepare<[at: number, id: number]>('UPDATE webhook_outbox SET attempts = attempts + 1, delivered_at = ? WHERE id = ?');
  const retry = db.prepare<[nextAttemptAt: number, id: number]>('UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?');
  const failed = db.prepare<[at: number, id: number]>('UPDATE webhook_outbox SET attempts = attempts + 1, failed_at = ? WHERE id = ?');
  const deliveries = db.prepare<[endpointId: string, limit: number], Delivery>(
    `SELECT o.event_id AS eventId, o.event_type AS eventType, d.attempt, d.at, d.status_code AS statusCode, d.error, d.duration_ms AS durationMs
     FROM webhook_deliveries d JOIN webhook_outbox o ON o.id = d.outbox_id
     WHERE o.endpoint_id = ? ORDER BY d.id DESC LIMIT ?`,
  );
  const record = db.transaction((item: OutboxItem, r: Parameters<WebhookStore['recordAttempt']>[1]) => {
    logAttempt.run(item.id, item.attempts + 1, r.at, r.statusCode, r.error, r.durationMs);
    if (r.delivered) delivered.run(r.at, item.id);
    else if (r.nextAttemptAt != null) retry.run(r.nextAttemptAt, item.id);
    else failed.run(r.at, item.id);
  });
  // Every order enqueues its event, which asked for the endpoints each time: kept here, read
  // again after each add or remove (only this store writes the table).
  let knownIds: string[] | null = null;
  return {
    addEndpoint: (e) => {
      knownIds = null;
      addEndpoint.run(e);
    },
    listEndpoints: () => endpoints.all(),
    removeEndpoint: (id) => {
      knownIds = null;
      return removeEndpoint.run(id).changes > 0;
    },
    // Called inside the caller's transaction: the event is stored with what it reports, or not at all.
    enqueue: (eventType: WebhookEventType, payload, at) => {
      const ids = (knownIds ??= endpointIds.all());
      if (!ids.length) return;
      const eventId = randomUUID();
      const body = JSON.stringify({ id: eventId, type: eventType, createdAt: new Date(at).toISOString(), data: payload });
      for (const id of ids) insert.run(id, eventId, eventType, body, at, at);
    },
    due: (now, limit) => due.all(now, limit),
    recordAttempt: (item, result) => record(item, result),
    deliveries: (endpointId, limit) => deliveries.all(endpointId, limit),
  };
}
