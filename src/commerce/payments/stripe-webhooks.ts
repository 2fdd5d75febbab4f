import type Stripe from 'stripe';
import { HawkerError } from '../../domain/errors.js';
import type { Logger } from '../../log/logger.js';
import type { OrdersForPayments, PayableOrder } from './port.js';
import type { StripeGateway } from './stripe.js';

/** The payment_events table: each provider event is handled once. */
export interface PaymentEventStore {
  /** records the event and runs `apply` in one transaction; undefined (nothing run) when it was recorded before */
  once<T>(event: { provider: string; eventId: string; eventType: string; orderId: string | null; at: number }, apply: () => T): { result: T } | undefined;
  forget(provider: string, eventId: string): void;
}

/** What became of one Stripe event (the webhook's answer, and the tests' window on it). */
export type StripeEventOutcome = 'paid' | 'refunded' | 'failed-recorded' | 'duplicate' | 'ignored';

type Verdict = { kind: 'paid' } | { kind: 'give-back'; why: string } | { kind: 'not-ours' };

/**
 * Stripe's webhook: the only way an order paid through Stripe turns paid. The body must carry
 * the endpoint secret's signature (StripeGateway.verifyEvent); each event id is handled once,
 * recorded in the same transaction as the order's change; a success for an order whose hold
 * ran out (or that was cancelled) is refunded instead, as is one for another amount.
 */
export class StripeWebhooks {
  constructor(
    private readonly deps: {
      stripe: Pick<StripeGateway, 'verifyEvent' | 'refundIntent'>;
      orders: OrdersForPayments;
      events: PaymentEventStore;
      logger: Logger;
      now?: () => number;
    },
  ) {}

  async receive(rawBody: Buffer, signature: string | undefined): Promise<StripeEventOutcome> {
    const event = this.deps.stripe.verifyEvent(rawBody, signature);
    const at = (this.deps.now ?? Date.now)();
    switch (event.type) {
      case 'payment_intent.succeeded':
        return this.succeeded(event.id, event.type, event.data.object, event.created * 1000, at);
      case 'payment_intent.payment_failed': {
        const intent = event.data.object;
        const recorded = this.deps.events.once({ provider: 'stripe', eventId: event.id, eventType: event.type, orderId: intent.metadata.orderId ?? null, at }, () => true);
        if (!recorded) return 'duplicate';
        // the viewer may try again with the same intent; the hold still runs
        this.deps.logger.info({ order: intent.metadata.orderId, intent: intent.id, code: intent.last_payment_error?.code }, 'Stripe payment failed');
        return 'failed-recorded';
      }
      default:
        // endpoints may be subscribed to more than we read: acknowledged, so Stripe stops retrying
        return 'ignored';
    }
  }

  private async succeeded(eventId: string, eventType: string, intent: Stripe.PaymentIntent, paidAt: number, at: number): Promise<StripeEventOutcome> {
    const orderId = intent.metadata.orderId ?? null;
    const handled = this.deps.events.once({ provider: 'stripe', eventId, eventType, orderId, at }, (): Verdict => {
      // a payment Hawker did not open (the merchant's Stripe account may take others): not ours to touch
      const order = orderId === null ? undefined : this.orderOrNone(orderId);
      if (!order) return { kind: 'not-ours' };
      if (intent.amount_received !== order.total || intent.currency !== order.currency.toLowerCase()) {
        return { kind: 'give-back', why: `paid ${intent.amount_received} ${intent.currency} for a total of ${order.total} ${order.currency}` };
      }
      const paid = this.deps.orders.paidByProvider('stripe', intent.id, paidAt);
      return 'refused' in paid ? { kind: 'give-back', why: paid.refused } : { kind: 'paid' };
    });
    if (!handled) return 'duplicate';
    const verdict = handled.result;
    if (verdict.kind === 'paid') return 'paid';
    if (verdict.kind === 'not-ours') {
      this.deps.logger.warn({ intent: intent.id, order: orderId }, 'Stripe payment for no order of ours: left alone');
      return 'ignored';
    }
    try {
      await this.deps.stripe.refundIntent(intent.id, orderId ?? intent.id);
    } catch (err) {
      // not handled after all: Stripe's retry of this event tries the refund again
      this.deps.events.forget('stripe', eventId);
      throw err;
    }
    this.deps.logger.warn({ order: orderId, intent: intent.id, why: verdict.why }, 'Stripe payment refunded: the order could not take it');
    return 'refunded';
  }

  private orderOrNone(orderId: string): PayableOrder | undefined {
    try {
      return this.deps.orders.get(orderId);
    } catch (err) {
      if (err instanceof HawkerError && err.code === 'ORDER_NOT_FOUND') return undefined;
      throw err;
    }
  }
}
