import type { CouponRefusal } from './coupon.js';

export const orderStatuses = ['pending', 'paid', 'shipped', 'cancelled', 'expired', 'refunded'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export interface Viewer {
  id: string;
  displayName: string;
  createdAt: number;
}

/** How the buyer can be reached about the order (asked once, remembered for the viewer). */
export interface Contact {
  name: string;
  email: string;
  phone?: string;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  country: string;
}

export const paymentProviders = ['manual', 'stripe'] as const;
export type PaymentProvider = (typeof paymentProviders)[number];

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
  /** the variant bought; null for a product without variants */
  variantId: string | null;
  flashSaleId: string | null;
  quantity: number;
  unitPrice: number;
  /** unitPrice x quantity, less the coupon's discount, plus shipping and tax */
  total: number;
  couponId: string | null;
  discount: number;
  shipping: number;
  tax: number;
  currency: string;
  status: OrderStatus;
  /** bought from the replay, after the show ended */
  replay: boolean;
  /** a pending order holds its stock until then (ms); null once it is no longer pending */
  holdExpiresAt: number | null;
  payment: { provider: PaymentProvider | null; reference: string | null };
  contact: Contact | null;
  shippingAddress: ShippingAddress | null;
  carrier: string | null;
  trackingNumber: string | null;
  paidAt: number | null;
  shippedAt: number | null;
  onScreen: OnScreen;
  /** ms since the show went live; null when it never did */
  streamMs: number | null;
  createdAt: number;
  updatedAt: number;
}

/** The merchant's view of an order: who, what, and where to see the moment it was bought. */
export interface OrderDetail extends Order {
  viewerName: string;
  productTitle: string;
  /** "M / Red": the variant's option values in the product's option order; null without a variant */
  variantLabel: string | null;
  /** `/watch/<showId>?t=<seconds>`: the recording at the moment of the order; null without stream time */
  recordingUrl: string | null;
}

/** The checkout settings an order's price and hold are worked out with (config `checkout`). */
export interface CheckoutRules {
  /** how long an order paid by card holds its stock */
  holdMs: number;
  /** how long a manual-payment order (bank transfer, cash on delivery) holds its stock */
  manualHoldMs: number;
  /** orders from the replay after the show ended, at the regular price */
  replayOrders: boolean;
  /** flat shipping per order, per currency (minor units); a currency not named ships free */
  shippingFlat: Readonly<Record<string, number>>;
  /** tax on the discounted subtotal, in percent */
  taxPercent: number;
}

export interface PlaceOrder {
  orderId: string;
  showId: string;
  viewerId: string;
  productId: string;
  /** required for a product with variants (VARIANT_REQUIRED) */
  variantId?: string;
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
  /** the checkout settings in force (shipping, tax, hold, replay sales) */
  rules: CheckoutRules;
  payment: PaymentProvider;
  contact: Contact | null;
  shippingAddress: ShippingAddress | null;
  /** the buyer typed contact and address: the viewer's remembered ones become these, in the order's transaction */
  rememberProfile?: boolean;
}

/** What a quote is worked out from: an order's price without placing it (no key, no stock taken). */
export type QuoteRequest = Omit<PlaceOrder, 'orderId' | 'idempotencyKey' | 'requestHash' | 'payment' | 'contact' | 'shippingAddress' | 'rememberProfile'>;

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
  // added with checkout (issue 14): after the original keys, so receivers that read those still do
  variantId: o.variantId,
  shipping: o.shipping,
  tax: o.tax,
  replay: o.replay,
  holdExpiresAt: o.holdExpiresAt === null ? null : new Date(o.holdExpiresAt).toISOString(),
  paymentProvider: o.payment.provider,
  ...(o.status === 'shipped' ? { carrier: o.carrier, trackingNumber: o.trackingNumber } : {}),
});

/** The price of an order as the buyer will pay it (POST /api/shows/:id/quote). */
export interface Quote {
  currency: string;
  /** the price in force now (a flash sale's while it runs) */
  unitPrice: number;
  /** the product's (or variant's) own price */
  regularPrice: number;
  quantity: number;
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  coupon: { code: string } | null;
}

/** Why an order is refused (each one a code of the error catalogue). */
export type OrderRefusalCode =
  | 'SOLD_OUT'
  | 'LIMIT_REACHED'
  | 'PRICE_CHANGED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'PRODUCT_NOT_FOUND'
  | 'SHOW_NOT_FOUND'
  | 'SHOW_NOT_LIVE'
  | 'REPLAY_CLOSED'
  | 'NOT_IN_LINEUP'
  | 'VARIANT_REQUIRED'
  | 'VARIANT_NOT_FOUND'
  | CouponRefusal;

export type PlaceOrderResult =
  | { kind: 'placed'; order: Order }
  | { kind: 'replayed'; order: Order }
  | { kind: 'refused'; code: OrderRefusalCode; message: string };

export type QuoteResult = { kind: 'quoted'; quote: Quote } | Extract<PlaceOrderResult, { kind: 'refused' }>;

export const webhookEventTypes = ['order.created', 'order.paid', 'order.cancelled', 'order.expired', 'order.shipped', 'order.refunded', 'show.started', 'show.ended'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

type TimeKeys = 'holdExpiresAt' | 'paidAt' | 'shippedAt' | 'createdAt' | 'updatedAt';
/** An order on the wire (HTTP answers, live pushes): times as RFC 3339 strings. */
export type Wire<O extends Order> = { [K in keyof O]: K extends TimeKeys ? (K extends 'createdAt' | 'updatedAt' ? string : string | null) : O[K] };
export type WireOrder = Wire<Order>;
export type WireOrderDetail = Wire<OrderDetail>;

export const orderToWire = <O extends Order>(o: O): Wire<O> =>
  // the mapped type is what the spread makes; TypeScript cannot see it through the generic
  ({
    ...o,
    holdExpiresAt: iso(o.holdExpiresAt),
    paidAt: iso(o.paidAt),
    shippedAt: iso(o.shippedAt),
    createdAt: new Date(o.createdAt).toISOString(),
    updatedAt: new Date(o.updatedAt).toISOString(),
  }) as unknown as Wire<O>;
