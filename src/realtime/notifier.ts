import { centreEntryForClients } from '../commerce/coupons.js';
import type { EventSource } from '../domain/events.js';
import type { FlashSale } from '../domain/overlay.js';
import { overlayToWire, type OverlaySnapshot } from './overlay-wire.js';
import type { Broadcaster } from './session.js';

export interface AudienceNotifierOptions {
  out: Broadcaster;
  /** what the overlay shows now, as the welcome message sends it */
  overlayView(showId: string): OverlaySnapshot;
  /** the flash sale as it stands (stock left), looked up when the message leaves */
  flashSale(id: string): FlashSale | undefined;
}

/**
 * Tells viewers, on the live socket, what the domain events mean for them: each event's wire
 * message is built here, and nowhere else. Subscribe it before the other subscribers: viewers
 * hear of a change before anything that may wait on the disk (the webhook outbox).
 */
export function notifyAudience(bus: EventSource, { out, overlayView, flashSale }: AudienceNotifierOptions): void {
  bus.on('overlay.changed', ({ showId, change, programDateTime, at }) =>
    out.publish(showId, { type: 'overlay', change, overlay: overlayToWire(overlayView(showId)), programDateTime, at: new Date(at).toISOString() }),
  );
  bus.on('show.live', ({ showId }) => out.publish(showId, { type: 'show', status: 'live' }));
  bus.on('show.ended', ({ showId }) => out.publish(showId, { type: 'show', status: 'ended' }));
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
        sale: { id: sale.id, productId: sale.productId, price: sale.price, quantity: sale.quantity, remaining: sale.remaining, endsAt: new Date(sale.endsAt).toISOString() },
      };
    });
  });
}
