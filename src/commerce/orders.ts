import { createHash } from 'node:crypto';
import { HawkerError } from '../domain/errors.js';
import { newOrderId } from '../domain/ids.js';
import type { CheckoutRules, Contact, Order, OrderDetail, OrderStatus, PaymentProvider, Quote, ShippingAddress } from '../domain/order.js';
import type { OrderLedger, OrderListFilter, OrderTransition, OverlayStateRepository } from '../domain/ports.js';

export interface OrderRequest {
  showId: string;
  viewerId: string;
  productId: string;
  /** required for a product with variants (VARIANT_REQUIRED) */
  variantId?: string;
  quantity: number;
  idempotencyKey: string;
  couponCode?: string;
  /** the unit price the buyer saw; any other is refused (PRICE_CHANGED) */
  expectedUnitPrice?: number;
  /** how the buyer pays (default manual); a provider not offered is refused (PAYMENT_UNAVAILABLE) */
  payment?: PaymentProvider;
  /** absent: the viewer's remembered ones (their profile) */
  contact?: Contact;
  shippingAddress?: ShippingAddress;
}

export type QuoteRequest = Pick<OrderRequest, 'showId' | 'viewerId' | 'productId' | 'variantId' | 'quantity' | 'couponCode'>;

/**
 * The provider side of refunds and lapsed holds (src/commerce/payments/port.ts's PaymentGateway
 * fits it): Orders calls it for the orders that provider took money for, or may still take.
 */
export interface PaymentGatewayForOrders {
  readonly provider: PaymentProvider;
  /** gives a paid (or shipped) order's money back; rejects when the provider refuses */
  refund(order: Order): Promise<void>;
  /** the hold ran out or the order was cancelled: the provider must take no money for it any more */
  cancel(order: Order): Promise<void>;
}

/** What a viewer is asked once and is remembered for them (viewers.contact / shipping_address). */
export interface BuyerProfiles {
  get(viewerId: string): { contact: Contact | null; shippingAddress: ShippingAddress | null };
  set(viewerId: string, profile: { contact: Contact; shippingAddress: ShippingAddress }): void;
}

export interface OrdersOptions {
  ledger: OrderLedger;
  overlays: Pick<OverlayStateRepository, 'get'>;
  /** the buyer's loyalty level with the show's host (coupons can ask for one) */
  levelOf(viewerId: string, showId: string): number;
  rules: CheckoutRules;
  /** the payment providers offered (config payments.providers) */
  providers: readonly PaymentProvider[];
  profiles: BuyerProfiles;
  /** where a failed provider call or a failed sweep is told (never thrown at a timer) */
  onError(err: unknown, what: string): void;
  now?: () => number;
}

/** a pending order whose hold ran out (the sweep may not have expired it yet) */
const lapsed = (order: Order, at: number) => order.status === 'pending' && order.holdExpiresAt !== null && order.holdExpiresAt <= at;

/** Expired orders per sweep transaction: a long backlog is given back in bounded steps. */
const SWEEP_BATCH = 200;

/**
 * The order flow: place (stock taken and held in one transaction, never oversold, replayed for a
 * repeated Idempotency-Key), then paid (by the merchant for manual payments, by the provider's
 * signed word otherwise; never by the viewer), shipped, refunded; or cancelled or expired (the
 * hold ran out): then the stock, the sale's stock and the coupon use go back.
 */
export class Orders {
  private readonly placedListeners: Array<(order: Order) => void> = [];
  private readonly cancelledListeners: Array<(order: Order) => void> = [];
  private readonly changedListeners: Array<(order: Order, placed: boolean) => void> = [];
  private readonly gateways = new Map<PaymentProvider, PaymentGatewayForOrders>();
  private readonly now: () => number;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: OrdersOptions) {
    this.now = options.now ?? Date.now;
  }

  /** `replayed` tells the caller to answer exactly as the first time. */
  async place(request: OrderRequest): Promise<{ order: Order; replayed: boolean }> {
    const payment = request.payment ?? 'manual';
    if (!this.options.providers.includes(payment)) throw new HawkerError('PAYMENT_UNAVAILABLE', `payment by ${payment} is not offered here`);
    const state = this.options.overlays.get(request.showId);
    const requestHash = createHash('sha256')
      // the coupon joins the hash only when there is one: keys of older orders still replay
      .update(
        JSON.stringify([
          request.showId,
          request.productId,
          request.quantity,
          ...(request.couponCode !== undefined ? [request.couponCode.toUpperCase()] : []),
          // like the coupon, only when there is one: keys of older orders still replay
          ...(request.expectedUnitPrice !== undefined ? [{ price: request.expectedUnitPrice }] : []),
          ...(request.variantId !== undefined ? [{ variant: request.variantId }] : []),
          ...(request.payment !== undefined ? [{ payment: request.payment }] : []),
        ]),
      )
      .digest('hex');
    const remembered = request.contact && request.shippingAddress ? null : this.options.profiles.get(request.viewerId);
    const contact = request.contact ?? remembered?.contact ?? null;
    const shippingAddress = request.shippingAddress ?? remembered?.shippingAddress ?? null;
    const result = await this.options.ledger.place({
      showId: request.showId,
      viewerId: request.viewerId,
      productId: request.productId,
      ...(request.variantId !== undefined ? { variantId: request.variantId } : {}),
      quantity: request.quantity,
      idempotencyKey: request.idempotencyKey,
      ...(request.couponCode !== undefined ? { couponCode: request.couponCode } : {}),
      ...(request.expectedUnitPrice !== undefined ? { expectedUnitPrice: request.expectedUnitPrice } : {}),
      orderId: newOrderId(),
      requestHash,
      onScreen: { pinnedProductId: state?.pinnedProductId ?? null, flashSaleId: state?.flashSaleId ?? null },
      at: this.now(),
      viewerLevel: request.couponCode !== undefined ? this.options.levelOf(request.viewerId, request.showId) : 0,
      rules: this.options.rules,
      payment,
      contact,
      shippingAddress,
      // what the buyer typed is remembered for their next order
      rememberProfile: request.contact !== undefined && request.shippingAddress !== undefined,
    });
    if (result.kind === 'refused') throw new HawkerError(result.code, result.message);
    if (result.kind !== 'replayed') {
      for (const listener of this.placedListeners) listener(result.order);
      this.changed(result.order, true);
    }
    return { order: result.order, replayed: result.kind === 'replayed' };
  }

  /** The price an order would have now, with the same refusals; takes no stock. */
  quote(request: QuoteRequest): Quote {
    const state = this.options.overlays.get(request.showId);
    const result = this.options.ledger.quote({
      showId: request.showId,
      viewerId: request.viewerId,
      productId: request.productId,
      ...(request.variantId !== undefined ? { variantId: request.variantId } : {}),
      quantity: request.quantity,
      ...(request.couponCode !== undefined ? { couponCode: request.couponCode } : {}),
      onScreen: { pinnedProductId: state?.pinnedProductId ?? null, flashSaleId: state?.flashSaleId ?? null },
      at: this.now(),
      viewerLevel: request.couponCode !== undefined ? this.options.levelOf(request.viewerId, request.showId) : 0,
      rules: this.options.rules,
    });
    if (result.kind === 'refused') throw new HawkerError(result.code, result.message);
    return result.quote;
  }

  /** told of each new order once it is durable (stock left on screen, loyalty, coupons) */
  onPlaced(listener: (order: Order) => void): void {
    this.placedListeners.push(listener);
  }

  /** told of each order cancelled or expired (its stock is back) */
  onCancelled(listener: (order: Order) => void): void {
    this.cancelledListeners.push(listener);
  }

  /** told of every order placed or moved (the live order screens) */
  onChanged(listener: (order: Order, placed: boolean) => void): void {
    this.changedListeners.push(listener);
  }

  /** the provider behind refunds and lapsed holds of its orders (PAYMENTS registers them) */
  useGateway(gateway: PaymentGatewayForOrders): void {
    this.gateways.set(gateway.provider, gateway);
  }

  get(id: string, viewerId?: string): Order {
    const order = this.options.ledger.get(id);
    if (!order || (viewerId !== undefined && order.viewerId !== viewerId)) {
      throw new HawkerError('ORDER_NOT_FOUND', `no order with id ${id}`);
    }
    return order;
  }

  detail(id: string): OrderDetail {
    const found = this.options.ledger.details({ orderId: id, limit: 1 }).orders[0];
    if (!found) throw new HawkerError('ORDER_NOT_FOUND', `no order with id ${id}`);
    return found;
  }

  /** the merchant's list, newest first; `next` is the `before` of the next page */
  list(filter: OrderListFilter): { orders: OrderDetail[]; next: string | null } {
    return this.options.ledger.details(filter);
  }

  listForShow(showId: string): Order[] {
    return this.options.ledger.listForShow(showId);
  }

  /** a viewer's orders in every show, newest first */
  listForViewer(viewerId: string): Order[] {
    return this.options.ledger.listForViewer(viewerId);
  }

  profile(viewerId: string): { contact: Contact | null; shippingAddress: ShippingAddress | null } {
    return this.options.profiles.get(viewerId);
  }

  saveProfile(viewerId: string, contact: Contact, shippingAddress: ShippingAddress): void {
    this.options.profiles.set(viewerId, { contact, shippingAddress });
  }

  /** The merchant received a manual payment (bank transfer, cash): pending -> paid. */
  markPaid(id: string): Order {
    const order = this.get(id);
    if (order.payment.provider !== 'manual') throw new HawkerError('ORDER_STATE', `a ${order.payment.provider ?? 'provider'} order is paid by its provider, not by hand`);
    if (order.status === 'paid') return order;
    return this.move(order, ['pending'], 'paid', { paidAt: this.now() });
  }

  /** remembers the provider's id of the order's payment (a Stripe PaymentIntent) */
  attachPayment(id: string, provider: PaymentProvider, reference: string): Order {
    const moved = this.options.ledger.attachPayment(id, provider, reference, this.now());
    if (!moved) throw new HawkerError('ORDER_NOT_FOUND', `no order with id ${id}`);
    return moved;
  }

  /**
   * pending -> paid, told by the provider (never by the browser). `reference` is the provider's
   * payment id (or the order's id). An order paid already is answered as it is; an expired or
   * cancelled one is refused, and the caller gives the money back.
   */
  paidByProvider(provider: PaymentProvider, reference: string, at: number): Order | { refused: 'ORDER_EXPIRED' | 'ORDER_STATE' | 'ORDER_NOT_FOUND' } {
    const order = this.options.ledger.byPaymentRef(provider, reference) ?? this.options.ledger.get(reference);
    if (!order || order.payment.provider !== provider) return { refused: 'ORDER_NOT_FOUND' };
    if (order.status === 'paid' || order.status === 'shipped') return order;
    if (order.status === 'expired' || order.status === 'cancelled') return { refused: 'ORDER_EXPIRED' };
    if (order.status !== 'pending') return { refused: 'ORDER_STATE' };
    if (lapsed(order, at)) return { refused: 'ORDER_EXPIRED' };
    const moved = this.options.ledger.transition(order.id, ['pending'], 'paid', at, { paidAt: at });
    if (!moved) return { refused: 'ORDER_STATE' };
    this.changed(moved);
    return moved;
  }

  ship(id: string, shipment: { carrier: string; trackingNumber: string }): Order {
    const order = this.get(id);
    return this.move(order, ['paid'], 'shipped', { shippedAt: this.now(), carrier: shipment.carrier, trackingNumber: shipment.trackingNumber });
  }

  /** paid|shipped -> refunded; the provider gives the money back first (a manual order: the merchant did) */
  async refund(id: string): Promise<Order> {
    const order = this.get(id);
    if (order.status === 'refunded') return order;
    if (order.status !== 'paid' && order.status !== 'shipped') throw new HawkerError('ORDER_STATE', `a ${order.status} order cannot be refunded`);
    const gateway = order.payment.provider !== null && order.payment.provider !== 'manual' ? this.gateways.get(order.payment.provider) : undefined;
    if (order.payment.provider === 'stripe' && !gateway) throw new HawkerError('PAYMENT_UNAVAILABLE', 'the order was paid through stripe, which is not configured now');
    if (gateway) await gateway.refund(order);
    return this.move(order, ['paid', 'shipped'], 'refunded', {});
  }

  /** A pending order is called off: the viewer's own (viewerId given) or any, by the merchant. */
  cancel(id: string, viewerId?: string): Order {
    const order = this.get(id, viewerId);
    if (order.status === 'cancelled') return order;
    if (order.status === 'expired') throw new HawkerError('ORDER_EXPIRED', 'the order expired already');
    const moved = this.move(order, ['pending'], 'cancelled', {});
    this.tellProvider(moved);
    return moved;
  }

  /** Expires every pending order whose hold ran out by `now`, in bounded transactions. */
  expireDue(now: number = this.now()): Order[] {
    const all: Order[] = [];
    for (;;) {
      const batch = this.options.ledger.expireDue(now, SWEEP_BATCH);
      for (const order of batch) {
        for (const listener of this.cancelledListeners) listener(order);
        this.changed(order);
        this.tellProvider(order);
      }
      all.push(...batch);
      if (batch.length < SWEEP_BATCH) return all;
    }
  }

  /** Runs expireDue every intervalMs (unref'd: it never keeps the process up); errors are told, not thrown. */
  startSweep(intervalMs: number): void {
    if (this.sweepTimer) return;
    this.sweepTimer = setInterval(() => {
      try {
        this.expireDue();
      } catch (err) {
        this.options.onError(err, 'order hold sweep');
      }
    }, intervalMs);
    this.sweepTimer.unref();
  }

  stopSweep(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  /** A provider that may still take money for an order that no longer stands is told to stop. */
  private tellProvider(order: Order): void {
    const gateway = order.payment.provider !== null && order.payment.reference !== null ? this.gateways.get(order.payment.provider) : undefined;
    if (!gateway) return;
    gateway.cancel(order).catch((err: unknown) => this.options.onError(err, `cancel of ${order.id}'s payment at ${gateway.provider}`));
  }

  private changed(order: Order, placed = false): void {
    for (const listener of this.changedListeners) listener(order, placed);
  }

  private move(order: Order, from: readonly OrderStatus[], to: OrderStatus, extra: OrderTransition): Order {
    if (order.status === to) return order;
    const at = this.now();
    if (order.status === 'expired' || (to === 'paid' && lapsed(order, at))) throw new HawkerError('ORDER_EXPIRED', `the order's hold ran out: it cannot become ${to}`);
    const moved = this.options.ledger.transition(order.id, from, to, at, extra);
    if (!moved) throw new HawkerError('ORDER_STATE', `a ${order.status} order cannot become ${to}`);
    if (to === 'cancelled') for (const listener of this.cancelledListeners) listener(moved);
    this.changed(moved);
    return moved;
  }
}

/** The checkout settings of the config (minutes) as the order rules take them (ms). */
export function checkoutRules(c: { holdMinutes: number; manualHoldMinutes: number; replayOrders: boolean; shippingFlat: Record<string, number>; taxPercent: number }): CheckoutRules {
  return { holdMs: c.holdMinutes * 60_000, manualHoldMs: c.manualHoldMinutes * 60_000, replayOrders: c.replayOrders, shippingFlat: c.shippingFlat, taxPercent: c.taxPercent };
}
