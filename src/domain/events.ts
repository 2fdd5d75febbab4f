import type { CouponCentreEntry } from './coupon.js';
import type { Order } from './order.js';
import type { OverlayChange } from './overlay.js';

/**
 * What happened, told by the module that decided it to whoever listens (socket fan-out,
 * webhook outbox, loyalty). Plain serialisable data only: an adapter could carry these over
 * Redis or NATS unchanged. Times are epoch milliseconds.
 */
export type DomainEvent =
  /** stored and on the timeline; programDateTime: the video time it lands on, if transcoding */
  | { type: 'overlay.changed'; showId: string; change: OverlayChange; programDateTime: string | null; at: number }
  | { type: 'show.live'; showId: string; at: number }
  | { type: 'show.ended'; showId: string; at: number }
  /** a new order, durable on disk (never a replayed one) */
  | { type: 'order.placed'; order: Order }
  /** an order was cancelled: its stock (and flash-sale stock) is back */
  | { type: 'order.cancelled'; order: Order }
  /** the merchant changed products (price, stock, text, picture, deleted) */
  | { type: 'products.changed'; productIds: string[]; at: number }
  /** the show's lineup changed (set, or a product put on the video joined it) */
  | { type: 'lineup.changed'; showId: string; at: number }
  /** a gated coupon is now the viewer's */
  | { type: 'coupon.unlocked'; showId: string; viewerId: string; coupon: CouponCentreEntry };

export type DomainEventType = DomainEvent['type'];
export type DomainEventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
export type DomainEventHandler<T extends DomainEventType> = (event: DomainEventOf<T>) => void;

/** What a producer needs: somewhere to tell what happened. */
export interface EventSink {
  emit(event: DomainEvent): void;
}

/** What a subscriber needs: somewhere to listen, by event type. */
export interface EventSource {
  on<T extends DomainEventType>(type: T, handler: DomainEventHandler<T>): void;
}

/**
 * The in-process bus: synchronous, subscribers run in the order they subscribed. A subscriber
 * that throws is reported to onError and the others still run; emit never throws, so no
 * subscriber can break the producer that told it.
 */
export class EventBus implements EventSink, EventSource {
  private readonly handlers = new Map<DomainEventType, Array<(event: DomainEvent) => void>>();

  constructor(private readonly onError: (err: unknown, event: DomainEvent) => void) {}

  on<T extends DomainEventType>(type: T, handler: DomainEventHandler<T>): void {
    let list = this.handlers.get(type);
    if (!list) this.handlers.set(type, (list = []));
    // only events of this type are handed to it (emit looks the list up by event.type)
    list.push(handler as (event: DomainEvent) => void);
  }

  emit(event: DomainEvent): void {
    for (const handler of this.handlers.get(event.type) ?? []) {
      try {
        handler(event);
      } catch (err) {
        try {
          this.onError(err, event);
        } catch {
          // the error report itself failed: nothing left to tell, and the producer must go on
        }
      }
    }
  }
}
