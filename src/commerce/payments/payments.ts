import { HawkerError } from '../../domain/errors.js';
import type { OrdersForPayments, PayableOrder, PaymentProvider, PaymentStart, SavedPayment } from './port.js';
import type { PaymentGateways } from './registry.js';

/** The checkout terms the merchant configured (checkout.*, owner: Orders) that the page shows before buying. */
export interface CheckoutTerms {
  holdMinutes: number;
  manualInstructions: string;
  /** flat shipping per currency, minor units */
  shipping: Record<string, number>;
  taxPercent: number;
}

/** The wire form of GET /api/checkout. */
export interface CheckoutInfo extends CheckoutTerms {
  providers: PaymentProvider[];
  stripePublishableKey: string | null;
}

export interface PaymentsDeps {
  orders: OrdersForPayments;
  gateways: PaymentGateways;
  terms: () => CheckoutTerms;
  /** null when Stripe is not among the providers */
  stripePublishableKey: string | null;
  now?: () => number;
}

/**
 * The viewer's side of paying an order: open the payment with the order's provider (Stripe:
 * a PaymentIntent and its client secret; manual: the merchant's instructions), or pay in one
 * tap with a saved method. None of it marks the order paid: only the provider's signed
 * notification does (StripeWebhooks), or the merchant for a manual order.
 */
export class Payments {
  private readonly now: () => number;

  constructor(private readonly deps: PaymentsDeps) {
    this.now = deps.now ?? Date.now;
  }

  checkout(): CheckoutInfo {
    return { ...this.deps.terms(), providers: this.deps.gateways.providers(), stripePublishableKey: this.deps.stripePublishableKey };
  }

  async start(orderId: string, viewerId: string): Promise<PaymentStart> {
    const order = this.payable(orderId, viewerId);
    const { start, reference } = await this.deps.gateways.get(order.payment.provider).start(order);
    this.attach(order, reference);
    return start;
  }

  async payWithSaved(orderId: string, viewerId: string, methodId: string): Promise<SavedPayment> {
    const order = this.payable(orderId, viewerId);
    const { payment, reference } = await this.deps.gateways.get(order.payment.provider).payWithSaved(order, methodId);
    this.attach(order, reference);
    return payment;
  }

  /** the viewer's own order, still waiting for its payment and within its hold */
  private payable(orderId: string, viewerId: string): PayableOrder {
    const order = this.deps.orders.get(orderId, viewerId);
    // the expiry sweep runs now and then: a hold past its time is over even before it runs
    if (order.status === 'expired' || (order.status === 'pending' && order.holdExpiresAt !== null && order.holdExpiresAt <= this.now())) {
      throw new HawkerError('ORDER_EXPIRED', `the hold on order ${order.id} ran out; its stock went back`);
    }
    if (order.status !== 'pending') throw new HawkerError('ORDER_STATE', `a ${order.status} order takes no payment`);
    return order;
  }

  private attach(order: PayableOrder, reference: string | null): void {
    if (reference !== null && reference !== order.payment.reference && order.payment.provider !== null) {
      this.deps.orders.attachPayment(order.id, order.payment.provider, reference);
    }
  }
}
