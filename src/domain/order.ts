import type { CouponRefusal } from './coupon.js';

export const orderStatuses = ['pending', 'paid', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export interface Viewer {
  id: string;
  displayName: string;
  createdAt: number;
}

/** What was on screen when the order was placed. */
export interface OnScreen {
  pinnedProductId: string | null;
  flashSaleId: string | null;
}

export interface Order {
  id: string;
  showId: string;
  viewerId: string;
  productId: string;
  flashSaleId: string | null;
  quantity: number;
  unitPrice: number;
  /** unitPrice x quantity, less the coupon's discount */
  total: number;
  couponId: string | null;
  discount: number;
  currency: string;
  status: OrderStatus;
  onScreen: OnScreen;
  /** ms since the show went live; null when it never did */
  streamMs: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface PlaceOrder {
  orderId: string;
  showId: string;
  viewerId: string;
  productId: string;
  quantity: number;
  idempotencyKey: string;
  /** sha256 of what was asked: the same key with a different request is refused */
  requestHash: string;
  onScreen: OnScreen;
  at: number;
  couponCode?: string;
  /** the unit price the buyer saw (minor units); when given, any other price is refused (PRICE_CHANGED) */
  expectedUnitPrice?: number;
  /** the buyer's loyalty level with the show's host, for coupons that ask for one */
  viewerLevel: number;
}

/** What the timeline and the webhooks say about an order (a wire form: keys in this order). */
export const orderEventPayload = (o: Omit<Order, 'streamMs'>) => ({
  orderId: o.id,
  showId: o.showId,
  viewerId: o.viewerId,
  productId: o.productId,
  quantity: o.quantity,
  total: o.total,
  discount: o.discount,
  couponId: o.couponId,
  currency: o.currency,
  status: o.status,
});

export type PlaceOrderResult =
  | { kind: 'placed'; order: Order }
  | { kind: 'replayed'; order: Order }
  | { kind: 'refused'; code: 'SOLD_OUT' | 'LIMIT_REACHED' | 'PRICE_CHANGED' | 'IDEMPOTENCY_KEY_REUSED' | 'PRODUCT_NOT_FOUND' | 'SHOW_NOT_FOUND' | CouponRefusal; message: string };

export const webhookEventTypes = ['order.created', 'order.paid', 'order.cancelled', 'show.started', 'show.ended'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];
