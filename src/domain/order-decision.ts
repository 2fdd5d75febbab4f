import { couponVerdict, type Coupon } from './coupon.js';
import type { Order, OrderStatus, PlaceOrder, PlaceOrderResult } from './order.js';
import type { ShowStatus } from './show.js';

/**
 * What an order needs to know, read in the order's own transaction. `seen`: this viewer has
 * used the Idempotency-Key before, and nothing else matters.
 */
export type OrderSnapshot =
  | { kind: 'seen'; order: Order; requestHash: string }
  | {
      kind: 'new';
      show: { status: ShowStatus; endedAt: number | null } | undefined;
      product: { price: number; currency: string; stock: number } | undefined;
      /** the flash sale running on this product in this show at the order's time */
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
            /** the viewer's orders that used it and still stand */
            usedByViewer: number;
            /** gated coupons: whether the viewer unlocked it */
            claimed: boolean;
          }
        | undefined;
    };

/** What placing the order writes: the decrements are checked again by the writes themselves. */
export interface OrderWrites {
  takeStock: { productId: string; quantity: number };
  takeSale: { saleId: string; quantity: number } | null;
  useCoupon: string | null;
}

export type OrderDecision =
  | { kind: 'placed'; order: Omit<Order, 'streamMs'>; writes: OrderWrites }
  | Exclude<PlaceOrderResult, { kind: 'placed' }>;

type Refused = Extract<PlaceOrderResult, { kind: 'refused' }>;
const refused = (code: Refused['code'], message: string): Refused => ({ kind: 'refused', code, message });

/**
 * Whether an order is placed, replayed or refused, and what it writes: the rules in one pure
 * function, in the order they are checked (the first that refuses answers).
 */
export function decideOrder(snapshot: OrderSnapshot, command: PlaceOrder): OrderDecision {
  if (snapshot.kind === 'seen') {
    return snapshot.requestHash === command.requestHash
      ? { kind: 'replayed', order: snapshot.order }
      : refused('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different order');
  }
  const { show, product } = snapshot;
  if (!show) return refused('SHOW_NOT_FOUND', `no show with id ${command.showId}`);
  if (!product) return refused('PRODUCT_NOT_FOUND', `no product with id ${command.productId}`);
  // a sale that sold out holds its product only for orders that do not say what price they saw
  const sale = snapshot.sale && !(snapshot.sale.held && command.expectedUnitPrice !== undefined) ? snapshot.sale : undefined;
  // the flash-sale price is in force while the sale runs
  const unitPrice = sale ? sale.price : product.price;
  if (command.expectedUnitPrice !== undefined && command.expectedUnitPrice !== unitPrice) {
    return refused('PRICE_CHANGED', `the price is now ${unitPrice}${snapshot.sale?.held ? ' (the flash sale sold out)' : ''}, not ${command.expectedUnitPrice}`);
  }
  if (sale) {
    if (sale.perCustomerLimit != null && sale.boughtByViewer + command.quantity > sale.perCustomerLimit) {
      return refused('LIMIT_REACHED', `at most ${sale.perCustomerLimit} per customer in this flash sale`);
    }
    if (sale.remaining < command.quantity) return refused('SOLD_OUT', 'the flash sale is sold out');
  }
  if (product.stock < command.quantity) return refused('SOLD_OUT', 'sold out');
  // last, after the stock: a coupon never makes a sold-out product look merely discounted
  let couponId: string | null = null;
  let discount = 0;
  if (command.couponCode !== undefined) {
    const found = snapshot.coupon;
    if (!found) return refused('COUPON_INVALID', `no coupon ${command.couponCode}`);
    const verdict = couponVerdict(found.coupon, {
      showId: command.showId,
      showStatus: show.status,
      showEndedAt: show.endedAt,
      currency: product.currency,
      subtotal: unitPrice * command.quantity,
      viewerLevel: command.viewerLevel,
      usedByViewer: found.usedByViewer,
      claimed: found.claimed,
      now: command.at,
    });
    if (!verdict.ok) return refused(verdict.code, verdict.message);
    couponId = found.coupon.id;
    discount = verdict.discount;
  }
  return {
    kind: 'placed',
    order: {
      id: command.orderId,
      showId: command.showId,
      viewerId: command.viewerId,
      productId: command.productId,
      flashSaleId: sale?.id ?? null,
      quantity: command.quantity,
      unitPrice,
      total: unitPrice * command.quantity - discount,
      couponId,
      discount,
      currency: product.currency,
      status: 'pending',
      onScreen: command.onScreen,
      createdAt: command.at,
      updatedAt: command.at,
    },
    writes: {
      takeStock: { productId: command.productId, quantity: command.quantity },
      takeSale: sale ? { saleId: sale.id, quantity: command.quantity } : null,
      useCoupon: couponId,
    },
  };
}

/** What a status change writes besides the status: a cancelled order gives back what it took. */
export interface TransitionWrites {
  giveStock: { productId: string; quantity: number } | null;
  giveSale: { saleId: string; quantity: number } | null;
  releaseCoupon: string | null;
  /** the timeline event (and webhook) it makes, if any: a refund makes none */
  event: 'order.paid' | 'order.cancelled' | null;
}

/** Whether an order may move from where it is to `to`, and what the move writes. */
export function decideTransition(order: Order, from: readonly OrderStatus[], to: OrderStatus): { kind: 'moved'; writes: TransitionWrites } | { kind: 'refused' } {
  if (!from.includes(order.status)) return { kind: 'refused' };
  const cancelled = to === 'cancelled';
  return {
    kind: 'moved',
    writes: {
      giveStock: cancelled ? { productId: order.productId, quantity: order.quantity } : null,
      giveSale: cancelled && order.flashSaleId ? { saleId: order.flashSaleId, quantity: order.quantity } : null,
      releaseCoupon: cancelled && order.couponId ? order.couponId : null,
      event: to === 'paid' ? 'order.paid' : cancelled ? 'order.cancelled' : null,
    },
  };
}
