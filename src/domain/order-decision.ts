import { couponVerdict, type Coupon } from './coupon.js';
import type { CheckoutRules, Order, OrderStatus, PlaceOrder, PlaceOrderResult, Quote, QuoteRequest, QuoteResult } from './order.js';
import type { ShowStatus } from './show.js';

/** What pricing an order needs to know, read in the order's own transaction. */
export interface PriceSnapshot {
  show: { status: ShowStatus; endedAt: number | null } | undefined;
  product:
    | {
        price: number;
        currency: string;
        /** the product row's stock (a product with variants keeps its stock in them) */
        stock: number;
        hasVariants: boolean;
        /** in the show's lineup (show_lineup) */
        inLineup: boolean;
      }
    | undefined;
  /** read only when the order names a variant; undefined when the product has no such variant */
  variant: { price: number; stock: number } | undefined;
  /** the flash sale running on this product (and variant) in this show at the order's time */
  sale:
    | {
        id: string;
        price: number;
        remaining: number;
        perCustomerLimit: number | null;
        /**
         * the sale sold out and has ended, but its scheduled end is still ahead: an order that
         * names no price is told sold out, one that names a price is not held by it
         */
        held: boolean;
        /** what the viewer has bought in this sale and still stands (read only when there is a limit) */
        boughtByViewer: number;
      }
    | undefined;
  /** read only when the order names a coupon; undefined when no coupon has that code */
  coupon:
    | {
        coupon: Coupon;
        /** a coupon that names a product (or a variant) applies to that one only */
        appliesTo: { productId: string | null; variantId: string | null };
        /** the viewer's orders that used it and still stand */
        usedByViewer: number;
        /** gated coupons: whether the viewer unlocked it */
        claimed: boolean;
      }
    | undefined;
}

/**
 * What an order needs to know, read in the order's own transaction. `seen`: this viewer has
 * used the Idempotency-Key before, and nothing else matters.
 */
export type OrderSnapshot = { kind: 'seen'; order: Order; requestHash: string } | ({ kind: 'new' } & PriceSnapshot);

/** What placing the order writes: the decrements are checked again by the writes themselves. */
export interface OrderWrites {
  /** variantId set: the variant's stock is taken, never the product row's */
  takeStock: { productId: string; variantId: string | null; quantity: number };
  takeSale: { saleId: string; quantity: number } | null;
  useCoupon: string | null;
}

export type OrderDecision =
  | { kind: 'placed'; order: Omit<Order, 'streamMs'>; writes: OrderWrites }
  | Exclude<PlaceOrderResult, { kind: 'placed' }>;

type Refused = Extract<PlaceOrderResult, { kind: 'refused' }>;
const refused = (code: Refused['code'], message: string): Refused => ({ kind: 'refused', code, message });

interface Priced {
  kind: 'priced';
  quote: Quote;
  replay: boolean;
  saleId: string | null;
  couponId: string | null;
}

/** Shipping and tax on a discounted subtotal: tax on what is paid for the goods, rounded to the minor unit. */
export function orderTotals(rules: Pick<CheckoutRules, 'shippingFlat' | 'taxPercent'>, currency: string, subtotal: number, discount: number) {
  const goods = subtotal - discount;
  const shipping = rules.shippingFlat[currency] ?? 0;
  const tax = Math.round((goods * rules.taxPercent) / 100);
  return { shipping, tax, total: goods + shipping + tax };
}

/**
 * The price of an order and every rule that can refuse it, in the order they are checked (the
 * first that refuses answers): the show (live, or ended with replay sales on), the product and
 * the lineup, the variant, the sale, the price the buyer saw, limits and stock, the coupon.
 */
function price(s: PriceSnapshot, c: QuoteRequest & { expectedUnitPrice?: number }): Priced | Refused {
  const { show, product } = s;
  if (!show) return refused('SHOW_NOT_FOUND', `no show with id ${c.showId}`);
  if (!product) return refused('PRODUCT_NOT_FOUND', `no product with id ${c.productId}`);
  if (show.status === 'scheduled') return refused('SHOW_NOT_LIVE', 'the show has not started: orders open when it goes live');
  const replay = show.status === 'ended';
  if (replay && !c.rules.replayOrders) return refused('REPLAY_CLOSED', 'the show has ended and its replay takes no orders');
  if (!product.inLineup && c.onScreen.pinnedProductId !== c.productId) return refused('NOT_IN_LINEUP', `product ${c.productId} is not in this show's lineup`);
  if (product.hasVariants && c.variantId === undefined) return refused('VARIANT_REQUIRED', 'this product comes in variants: name the one to buy (variantId)');
  if (c.variantId !== undefined && (!product.hasVariants || !s.variant)) return refused('VARIANT_NOT_FOUND', `product ${c.productId} has no variant ${c.variantId}`);
  const regularPrice = s.variant ? s.variant.price : product.price;
  const stock = s.variant ? s.variant.stock : product.stock;
  // after the show, the price in force then: a flash sale never applies to the replay; a sale that
  // sold out holds its product only for orders that do not say what price they saw
  const sale = !replay && s.sale && !(s.sale.held && c.expectedUnitPrice !== undefined) ? s.sale : undefined;
  const unitPrice = sale ? sale.price : regularPrice;
  if (c.expectedUnitPrice !== undefined && c.expectedUnitPrice !== unitPrice) {
    return refused('PRICE_CHANGED', `the price is now ${unitPrice}${!replay && s.sale?.held ? ' (the flash sale sold out)' : ''}, not ${c.expectedUnitPrice}`);
  }
  if (sale) {
    if (sale.perCustomerLimit != null && sale.boughtByViewer + c.quantity > sale.perCustomerLimit) {
      return refused('LIMIT_REACHED', `at most ${sale.perCustomerLimit} per customer in this flash sale`);
    }
    if (sale.remaining < c.quantity) return refused('SOLD_OUT', 'the flash sale is sold out');
  }
  if (stock < c.quantity) return refused('SOLD_OUT', 'sold out');
  const subtotal = unitPrice * c.quantity;
  // last, after the stock: a coupon never makes a sold-out product look merely discounted
  let couponId: string | null = null;
  let discount = 0;
  if (c.couponCode !== undefined) {
    const found = s.coupon;
    if (!found) return refused('COUPON_INVALID', `no coupon ${c.couponCode}`);
    const { productId, variantId } = found.appliesTo;
    if ((productId !== null && productId !== c.productId) || (variantId !== null && variantId !== (c.variantId ?? null))) {
      return refused('COUPON_INVALID', `${found.coupon.code} is for another ${variantId !== null && productId === c.productId ? 'variant' : 'product'}`);
    }
    const verdict = couponVerdict(found.coupon, {
      showId: c.showId,
      showStatus: show.status,
      showEndedAt: show.endedAt,
      currency: product.currency,
      subtotal,
      viewerLevel: c.viewerLevel,
      usedByViewer: found.usedByViewer,
      claimed: found.claimed,
      now: c.at,
    });
    if (!verdict.ok) return refused(verdict.code, verdict.message);
    couponId = found.coupon.id;
    discount = verdict.discount;
  }
  return {
    kind: 'priced',
    quote: {
      currency: product.currency,
      unitPrice,
      regularPrice,
      quantity: c.quantity,
      subtotal,
      discount,
      ...orderTotals(c.rules, product.currency, subtotal, discount),
      coupon: couponId !== null && found(s) ? { code: s.coupon.coupon.code } : null,
    },
    replay,
    saleId: sale?.id ?? null,
    couponId,
  };
}

const found = (s: PriceSnapshot): s is PriceSnapshot & { coupon: NonNullable<PriceSnapshot['coupon']> } => s.coupon !== undefined;

/** The price an order would have now, refused as the order would be; it takes nothing. */
export function decideQuote(snapshot: PriceSnapshot, request: QuoteRequest): QuoteResult {
  const priced = price(snapshot, request);
  return priced.kind === 'priced' ? { kind: 'quoted', quote: priced.quote } : priced;
}

/**
 * Whether an order is placed, replayed or refused, and what it writes: the rules in one pure
 * function (price above), then the hold: a pending order keeps its stock until it expires.
 */
export function decideOrder(snapshot: OrderSnapshot, command: PlaceOrder): OrderDecision {
  if (snapshot.kind === 'seen') {
    return snapshot.requestHash === command.requestHash
      ? { kind: 'replayed', order: snapshot.order }
      : refused('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different order');
  }
  const priced = price(snapshot, command);
  if (priced.kind !== 'priced') return priced;
  const { quote } = priced;
  const holdMs = command.payment === 'stripe' ? command.rules.holdMs : command.rules.manualHoldMs;
  return {
    kind: 'placed',
    order: {
      id: command.orderId,
      showId: command.showId,
      viewerId: command.viewerId,
      productId: command.productId,
      variantId: command.variantId ?? null,
      flashSaleId: priced.saleId,
      quantity: command.quantity,
      unitPrice: quote.unitPrice,
      total: quote.total,
      couponId: priced.couponId,
      discount: quote.discount,
      shipping: quote.shipping,
      tax: quote.tax,
      currency: quote.currency,
      status: 'pending',
      replay: priced.replay,
      holdExpiresAt: command.at + holdMs,
      payment: { provider: command.payment, reference: null },
      contact: command.contact,
      shippingAddress: command.shippingAddress,
      carrier: null,
      trackingNumber: null,
      paidAt: null,
      shippedAt: null,
      onScreen: command.onScreen,
      createdAt: command.at,
      updatedAt: command.at,
    },
    writes: {
      takeStock: { productId: command.productId, variantId: command.variantId ?? null, quantity: command.quantity },
      takeSale: priced.saleId !== null ? { saleId: priced.saleId, quantity: command.quantity } : null,
      useCoupon: priced.couponId,
    },
  };
}

/** The order events a status change puts on the timeline and sends to webhooks. */
export type OrderEventType = 'order.paid' | 'order.shipped' | 'order.cancelled' | 'order.expired' | 'order.refunded';

/** What a status change writes besides the status: a cancelled or expired order gives back what it took. */
export interface TransitionWrites {
  giveStock: { productId: string; variantId: string | null; quantity: number } | null;
  giveSale: { saleId: string; quantity: number } | null;
  releaseCoupon: string | null;
  /** the order no longer holds stock (paid, cancelled, expired): its hold is cleared */
  endHold: boolean;
  event: OrderEventType;
}

const eventOf: Partial<Record<OrderStatus, OrderEventType>> = {
  paid: 'order.paid',
  shipped: 'order.shipped',
  cancelled: 'order.cancelled',
  expired: 'order.expired',
  refunded: 'order.refunded',
};

/**
 * Whether an order may move from where it is to `to` at `at`, and what the move writes. A pending
 * order whose hold ran out cannot be paid (`expired`: the sweep has not reached it yet).
 */
export function decideTransition(order: Order, from: readonly OrderStatus[], to: OrderStatus, at: number): { kind: 'moved'; writes: TransitionWrites } | { kind: 'refused'; expired: boolean } {
  const lapsed = order.status === 'pending' && order.holdExpiresAt !== null && order.holdExpiresAt <= at;
  if (to === 'paid' && lapsed) return { kind: 'refused', expired: true };
  if (to === 'expired' && !lapsed) return { kind: 'refused', expired: false };
  const event = eventOf[to];
  if (!from.includes(order.status) || !event) return { kind: 'refused', expired: order.status === 'expired' };
  const givesBack = to === 'cancelled' || to === 'expired';
  return {
    kind: 'moved',
    writes: {
      giveStock: givesBack ? { productId: order.productId, variantId: order.variantId, quantity: order.quantity } : null,
      giveSale: givesBack && order.flashSaleId ? { saleId: order.flashSaleId, quantity: order.quantity } : null,
      releaseCoupon: givesBack && order.couponId ? order.couponId : null,
      endHold: order.status === 'pending',
      event,
    },
  };
}
