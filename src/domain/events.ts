import type { ClipView } from './clip.js';
import type { CouponCentreEntry } from './coupon.js';
import type { Order } from './order.js';
import type { OverlayChange } from './overlay.js';
import type { ShowPhaseKind } from './show-phase.js';

/** The shape of the host's stream, as the pipeline probed it. */
export interface SourceShape {
  width: number;
  height: number;
  fps: number | null;
  audio: boolean;
}

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
  /** the live show's host dropped (waiting: the reconnect window runs) or is back */
  | { type: 'show.host'; showId: string; present: boolean; at: number }
  /** the show's phase changed (rehearsal included): for the host's cockpit only, never viewers */
  | { type: 'show.phase'; showId: string; phase: ShowPhaseKind; at: number }
  /** the host's stream was probed (source) or refused (refused: why, for the host): for the cockpit only */
  | { type: 'show.source'; showId: string; source: SourceShape | null; refused: string | null; at: number }
  /** a new order, durable on disk (never a replayed one) */
  | { type: 'order.placed'; order: Order }
  /** an order was cancelled or expired: its stock (and flash-sale stock) is back */
  | { type: 'order.cancelled'; order: Order }
  /** an order was placed or moved (paid, shipped, cancelled, expired, refunded): the live order screens */
  | { type: 'order.changed'; order: Order; placed: boolean }
  /** the merchant changed products (price, stock, text, picture, deleted) */
  | { type: 'products.changed'; productIds: string[]; at: number }
  /** the show's lineup changed (set, or a product put on the video joined it) */
  | { type: 'lineup.changed'; showId: string; at: number }
  /** a gated coupon is now the viewer's */
  | { type: 'coupon.unlocked'; showId: string; viewerId: string; coupon: CouponCentreEntry }
  /** a demo clip of a pin span is cut and its files are served */
  | { type: 'clip.ready'; showId: string; clip: ClipView };

export type DomainEventType = DomainEvent['type'];
export type DomainEventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
export type DomainEventHandler<T extends DomainEventType> = (event: DomainEventOf<T>) => void;

/**
 * Runs fn in one database transaction: everything it writes is stored, or (when it throws)
 * nothing is. The repositories that change together offer one (`atomically`).
 */
export type UnitOfWork = <T>(fn: () => T) => T;

/** What a producer needs: somewhere to tell what happened. */
export interface EventSink {
  /** after the fact, outside any transaction: every subscriber, each on its own */
  emit(event: DomainEvent): void;
  /**
   * The producer's writes and the transactional subscribers' writes (the webhook outbox) in one
   * transaction of `unit`: a throw from either rolls all of it back and reaches the caller. Once
   * committed, the other subscribers are told (their failures contained, as with emit).
   */
  commit(event: DomainEvent, unit: UnitOfWork, writes: () => void): void;
}

/** What a subscriber needs: somewhere to listen, by event type. */
export interface EventSource {
  /** told after the event happened (committed); a throw is reported, never reaches the producer */
  on<T extends DomainEventType>(type: T, handler: DomainEventHandler<T>): void;
  /**
   * Writes of its own that must commit with the producer's (outbox rows): run inside the
   * producer's transaction when it commits one, so a throw rolls the producer's change back.
   */
  inTransaction<T extends DomainEventType>(type: T, handler: DomainEventHandler<T>): void;
}

type Handlers = Map<DomainEventType, Array<(event: DomainEvent) => void>>;

/**
 * The in-process bus: synchronous, subscribers run in the order they subscribed. A subscriber
 * told after the fact that throws is reported to onError and the others still run; emit never
 * throws, so no subscriber can break the producer that told it. Transactional subscribers run
 * inside commit's transaction, before the others are told; on a plain emit they run after the
 * others (viewers first: an outbox row may wait on the disk), each on its own.
 */
export class EventBus implements EventSink, EventSource {
  private readonly after: Handlers = new Map();
  private readonly within: Handlers = new Map();

  constructor(private readonly onError: (err: unknown, event: DomainEvent) => void) {}

  on<T extends DomainEventType>(type: T, handler: DomainEventHandler<T>): void {
    add(this.after, type, handler);
  }

  inTransaction<T extends DomainEventType>(type: T, handler: DomainEventHandler<T>): void {
    add(this.within, type, handler);
  }

  emit(event: DomainEvent): void {
    this.tell(this.after, event);
    this.tell(this.within, event);
  }

  commit(event: DomainEvent, unit: UnitOfWork, writes: () => void): void {
    unit(() => {
      writes();
      for (const handler of this.within.get(event.type) ?? []) handler(event);
    });
    this.tell(this.after, event);
  }

  private tell(handlers: Handlers, event: DomainEvent): void {
    for (const handler of handlers.get(event.type) ?? []) {
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

function add<T extends DomainEventType>(handlers: Handlers, type: T, handler: DomainEventHandler<T>): void {
  let list = handlers.get(type);
  if (!list) handlers.set(type, (list = []));
  // only events of this type are handed to it (the lists are looked up by event.type)
  list.push(handler as (event: DomainEvent) => void);
}
