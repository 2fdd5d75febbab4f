import type { Db } from './open.js';

/** One provider notification, as the payment_events table keeps it (for idempotency). */
export interface PaymentEventRecord {
  provider: string;
  eventId: string;
  eventType: string;
  orderId: string | null;
  at: number;
}

/**
 * The provider events handled so far: a replayed webhook finds its id here. `once` records the
 * event and runs what it changes (the order's payment) in one transaction, so an event is
 * either handled and recorded, or neither.
 */
export function createPaymentEventRepository(db: Db) {
  const insert = db.prepare<[provider: string, eventId: string, eventType: string, orderId: string | null, at: number]>(
    'INSERT OR IGNORE INTO payment_events (provider, event_id, event_type, order_id, received_at) VALUES (?, ?, ?, ?, ?)',
  );
  const remove = db.prepare<[provider: string, eventId: string]>('DELETE FROM payment_events WHERE provider = ? AND event_id = ?');
  const seen = db.prepare<[provider: string, eventId: string], 1>('SELECT 1 FROM payment_events WHERE provider = ? AND event_id = ?').pluck();
  return {
    /** undefined, and nothing run, when the event was recorded before */
    once<T>(event: PaymentEventRecord, apply: () => T): { result: T } | undefined {
      return db.transaction(() => {
        if (insert.run(event.provider, event.eventId, event.eventType, event.orderId, event.at).changes === 0) return undefined;
        return { result: apply() };
      })();
    },
    /** the event's handling could not finish (a refund the provider refused): its retry is handled afresh */
    forget(provider: string, eventId: string): void {
      remove.run(provider, eventId);
    },
    seen(provider: string, eventId: string): boolean {
      return seen.get(provider, eventId) !== undefined;
    },
  };
}

/** A viewer's customer id at each provider (a Stripe Customer), for paying with a saved method. */
export function createPaymentCustomerRepository(db: Db) {
  const get = db.prepare<[viewerId: string, provider: string], string>('SELECT customer_id FROM payment_customers WHERE viewer_id = ? AND provider = ?').pluck();
  const insert = db.prepare<[viewerId: string, provider: string, customerId: string, at: number]>(
    'INSERT OR IGNORE INTO payment_customers (viewer_id, provider, customer_id, created_at) VALUES (?, ?, ?, ?)',
  );
  return {
    customerOf: (viewerId: string, provider: string): string | undefined => get.get(viewerId, provider),
    /** the first customer stored for the viewer wins (two tabs may race to create one) */
    remember: (viewerId: string, provider: string, customerId: string, at: number): string => {
      insert.run(viewerId, provider, customerId, at);
      return get.get(viewerId, provider) ?? customerId;
    },
  };
}
