// The one port every payment provider sits behind. Orders (src/commerce/orders.ts) is handed
// each gateway and calls its `refund` and `cancel`; the payment routes call `start`,
// `payWithSaved` and `savedMethods`. Nothing here marks an order paid: a provider that takes
// money tells Orders so from its own signed notification (Stripe: the webhook route).

import type { PaymentProvider } from '../../domain/order.js';

export { paymentProviders, type PaymentProvider } from '../../domain/order.js';

/** What a provider needs to know of an order; Orders' Order has all of it. */
export interface PayableOrder {
  id: string;
  viewerId: string;
  /** minor units, what the buyer pays (shipping and tax included) */
  total: number;
  /** ISO 4217, upper case as the catalog keeps it */
  currency: string;
  status: string;
  /** null once the order is paid, cancelled or expired */
  holdExpiresAt: number | null;
  payment: { provider: PaymentProvider | null; reference: string | null };
}

/** A card (or other method) the viewer saved with the provider on an earlier purchase. */
export interface SavedMethod {
  id: string;
  brand: string;
  last4: string;
}

/** What the viewer's page needs to take the payment (the wire form of POST /api/orders/:id/payment). */
export type PaymentStart =
  | { provider: 'stripe'; clientSecret: string; publishableKey: string; savedMethods: SavedMethod[] }
  | { provider: 'manual'; instructions: string };

/** The answer to a one-tap payment: the order turns paid when the provider's webhook says so. */
export interface SavedPayment {
  provider: 'stripe';
  /** the provider's word on the attempt: 'succeeded', 'processing', 'requires_action' (3-D Secure: the page finishes it with the client secret) */
  status: string;
  clientSecret: string;
}

export interface PaymentGateway {
  readonly provider: PaymentProvider;
  /**
   * Opens (or reopens: the same order gets the same payment) the provider's side of the
   * payment. `reference` is the provider's id for it, for Orders.attachPayment (null: none).
   */
  start(order: PayableOrder): Promise<{ start: PaymentStart; reference: string | null }>;
  /** The methods the viewer saved with this provider (none for providers without any). */
  savedMethods(viewerId: string): Promise<SavedMethod[]>;
  /** One tap: confirms the order's payment with a saved method (PAYMENT_METHOD_NOT_FOUND unless it is the viewer's). */
  payWithSaved(order: PayableOrder, methodId: string): Promise<{ payment: SavedPayment; reference: string }>;
  /** Gives a paid (or shipped) order's money back; rejects when the provider refuses. */
  refund(order: PayableOrder): Promise<void>;
  /** The hold ran out or the order was cancelled: the provider must take no money for it any more. */
  cancel(order: PayableOrder): Promise<void>;
}

/** What the payments area asks of Orders (owner: ORDERS, src/commerce/orders.ts). */
export interface OrdersForPayments {
  /** a viewer's own order (viewerId given) or any (ORDER_NOT_FOUND) */
  get(id: string, viewerId?: string): PayableOrder;
  /** remembers the provider's id of the order's payment */
  attachPayment(id: string, provider: PaymentProvider, reference: string): unknown;
  /**
   * pending -> paid, told by the provider (never by the browser); an order paid already is
   * answered as it is; an expired or cancelled one is refused and the caller gives the money back.
   */
  paidByProvider(provider: PaymentProvider, reference: string, at: number): PayableOrder | { refused: string };
}
