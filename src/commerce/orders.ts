import { createHash } from 'node:crypto';
import { HawkerError } from '../domain/errors.js';
import { newOrderId } from '../domain/ids.js';
import type { Order, OrderStatus } from '../domain/order.js';
import type { OrderLedger, OverlayStateRepository } from '../domain/ports.js';

export interface OrderRequest {
  showId: string;
  viewerId: string;
  productId: string;
  quantity: number;
  idempotencyKey: string;
  couponCode?: string;
  /** the unit price the buyer saw; any other is refused (PRICE_CHANGED) */
  expectedUnitPrice?: number;
}

/**
 * The order flow: place (stock and flash-sale stock taken in one transaction, never oversold,
 * replayed for a repeated Idempotency-Key), then pay (a stub payment step for now), cancel (stock
 * goes back) or refund.
 */
export class Orders {
  private readonly placedListeners: Array<(order: Order) => void> = [];
  private readonly cancelledListeners: Array<(order: Order) => void> = [];

  constructor(
    private readonly ledger: OrderLedger,
    private readonly overlays: OverlayStateRepository,
    /** the buyer's loyalty level with the show's host (coupons can ask for one) */
    private readonly levelOf: (viewerId: string, showId: string) => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** `replayed` tells the caller to answer exactly as the first time. */
  async place(request: OrderRequest): Promise<{ order: Order; replayed: boolean }> {
    const state = this.overlays.get(request.showId);
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
        ]),
      )
      .digest('hex');
    const result = await this.ledger.place({
      ...request,
      orderId: newOrderId(),
      requestHash,
      onScreen: { pinnedProductId: state?.pinnedProductId ?? null, flashSaleId: state?.flashSaleId ?? null },
      at: this.now(),
      viewerLevel: request.couponCode !== undefined ? this.levelOf(request.viewerId, request.showId) : 0,
    });
    if (result.kind === 'refused') throw new HawkerError(result.code, result.message);
    if (result.kind !== 'replayed') for (const listener of this.placedListeners) listener(result.order);
    return { order: result.order, replayed: result.kind === 'replayed' };
  }

  /** told of each new order once it is durable (stock left on screen, loyalty, coupons) */
  onPlaced(listener: (order: Order) => void): void {
    this.placedListeners.push(listener);
  }

  /** told of each order cancelled (its stock is back) */
  onCancelled(listener: (order: Order) => void): void {
    this.cancelledListeners.push(listener);
  }

  get(id: string, viewerId?: string): Order {
    const order = this.ledger.get(id);
    if (!order || (viewerId !== undefined && order.viewerId !== viewerId)) {
      throw new HawkerError('ORDER_NOT_FOUND', `no order with id ${id}`);
    }
    return order;
  }

  listForShow(showId: string): Order[] {
    return this.ledger.listForShow(showId);
  }

  /** The stub payment step: a real payment provider plugs in here. */
  pay(id: string, viewerId: string): Order {
    return this.move(id, viewerId, ['pending'], 'paid');
  }

  cancel(id: string, viewerId?: string): Order {
    return this.move(id, viewerId, ['pending'], 'cancelled');
  }

  refund(id: string): Order {
    return this.move(id, undefined, ['paid'], 'refunded');
  }

  private move(id: string, viewerId: string | undefined, from: readonly OrderStatus[], to: OrderStatus): Order {
    const order = this.get(id, viewerId);
    if (order.status === to) return order;
    const moved = this.ledger.transition(id, from, to, this.now());
    if (!moved) throw new HawkerError('ORDER_STATE', `a ${order.status} order cannot become ${to}`);
    if (to === 'cancelled') for (const listener of this.cancelledListeners) listener(moved);
    return moved;
  }
}
