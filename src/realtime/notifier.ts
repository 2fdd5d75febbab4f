import { centreEntryForClients } from '../commerce/coupons.js';
import type { EventSource } from '../domain/events.js';
import type { FlashSale } from '../domain/overlay.js';
import { orderToWire, type OrderDetail } from '../domain/order.js';
import { overlayToWire, type OverlaySnapshot } from './overlay-wire.js';
import type { LineupStateMessage } from './server-messages.js';
import type { Broadcaster } from './session.js';

export interface AudienceNotifierOptions {
  out: Broadcaster;
  /** the show's products at the price in force and the stock left, looked up when the message leaves */
  lineupState(showId: string): LineupStateMessage;
  /** shows with viewers connected on this node */
  openShows(): Iterable<string>;
  /** whether the show's page lists the product */
  lists(showId: string, productId: string): boolean;
  /** what the overlay shows now, as the welcome message sends it */
  overlayView(showId: string): OverlaySnapshot;
  /** the flash sale as it stands (stock left), looked up when the message leaves */
  flashSale(id: string): FlashSale | undefined;
  /** whether the show's host has the cockpit open here: an order's detail is read only then */
  hostWatching(showId: string): boolean;
  /** the merchant's view of an order (buyer, product, variant), read when it is pushed */
  orderDetail(id: string): OrderDetail;
}

/**
 * Tells viewers, on the live socket, what the domain events mean for them: each event's wire
 * message is built here, and nowhere else. Subscribe it before the other subscribers: viewers
 * hear of a change before anything that may wait on the disk (the webhook outbox).
 */
export function notifyAudience(bus: EventSource, { out, overlayView, flashSale, lineupState, openShows, lists, hostWatching, orderDetail }: AudienceNotifierOptions): void {
  // prices and stock: one message per show per tick, built when it leaves, so it is never older than the tick
  const pushLineup = (showId: string) => out.publishLatest(showId, 'lineup', () => ({ type: 'lineup', ...lineupState(showId) }));
  // stock is shared by every show that lists the product
  const pushProducts = (productIds: readonly string[]) => {
    for (const showId of openShows()) if (productIds.some((id) => lists(showId, id))) pushLineup(showId);
  };
  bus.on('overlay.changed', ({ showId, change, programDateTime, at }) => {
    out.publish(showId, { type: 'overlay', change, overlay: overlayToWire(overlayView(showId)), programDateTime, at: new Date(at).toISOString() });
    if (change.change === 'flash_sale.started' || change.change === 'flash_sale.ended') pushLineup(showId);
  });
  bus.on('order.placed', ({ order }) => pushProducts([order.productId]));
  bus.on('order.cancelled', ({ order }) => pushProducts([order.productId]));
  bus.on('order.changed', ({ order, placed }) => {
    if (hostWatching(order.showId)) out.sendToHost(order.showId, { type: 'order', order: orderToWire(orderDetail(order.id)) });
    // the buyer learns of a placement from its answer; a move (paid, shipped, expired) reaches
    // their open sockets in any show. Not per placement: that would walk the room per order
    if (!placed) out.sendToViewer(null, order.viewerId, { type: 'my-order', order: orderToWire(order) });
  });
  bus.on('products.changed', ({ productIds }) => pushProducts(productIds));
  bus.on('lineup.changed', ({ showId }) => pushLineup(showId));
  bus.on('show.live', ({ showId }) => out.publish(showId, { type: 'show', status: 'live' }));
  bus.on('show.ended', ({ showId }) => out.publish(showId, { type: 'show', status: 'ended' }));
  // the page says "waiting for the host" rather than showing a frozen frame marked Live
  bus.on('show.host', ({ showId, present }) => out.publish(showId, { type: 'show', status: present ? 'live' : 'waiting' }));
  // backstage: a rehearsal and its source are the cockpit's alone
  bus.on('show.phase', ({ showId, phase }) => out.sendToHost(showId, { type: 'phase', phase }));
  bus.on('show.source', ({ showId, source, refused }) => out.sendToHost(showId, { type: 'source', source, refused }));
  bus.on('clip.ready', ({ showId, clip }) => out.publish(showId, { type: 'clip', clip }));
  bus.on('coupon.unlocked', ({ showId, viewerId, coupon }) => out.sendToViewer(showId, viewerId, { type: 'coupon.unlocked', coupon: centreEntryForClients(coupon) }));
  bus.on('order.placed', ({ order }) => {
    const saleId = order.flashSaleId;
    if (!saleId) return;
    // stock left on screen: a burst of orders sends the latest count once per tick
    out.publishLatest(order.showId, `sale:${saleId}`, () => {
      const sale = flashSale(saleId);
      if (!sale) return null;
      return {
        type: 'flash_sale',
        sale: { id: sale.id, productId: sale.productId, variantId: sale.variantId, price: sale.price, quantity: sale.quantity, remaining: sale.remaining, endsAt: new Date(sale.endsAt).toISOString() },
      };
    });
  });
}
