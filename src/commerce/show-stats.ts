import type { Order } from '../domain/order.js';
import type { OrderLedger, ShowEventRepository, ShowRepository, WatchSessionRepository } from '../domain/ports.js';
import { HawkerError } from '../domain/errors.js';
import type { ReferralFigures } from '../domain/referral.js';

export interface ShowStats {
  showId: string;
  orders: number;
  units: number;
  revenue: Record<string, number>;
  perMinute: Array<{ minute: string; orders: number; revenue: Record<string, number> }>;
  perProduct: Array<{ productId: string; orders: number; units: number; revenue: number; currency: string; pinnedMs: number; ordersWhilePinned: number; ordersPerPinnedMinute: number | null; viewersWhilePinned: number; buyersWhilePinned: number; conversionWhilePinned: number | null }>;
  /** "shared by viewers": per referral code, what it brought (joins, new viewers, their orders) */
  referrals: ReferralFigures[];
}

// orders that stand: a shipped order was paid
const counts = (o: Order) => o.status === 'pending' || o.status === 'paid' || o.status === 'shipped';

/**
 * Orders and revenue per minute and per product, and how each product sold while it was
 * pinned: pinned spans come from the show's timeline (pin, unpin, and the end of the show).
 */
export class ShowStatsReport {
  constructor(
    private readonly shows: ShowRepository,
    private readonly ledger: OrderLedger,
    private readonly events: ShowEventRepository,
    private readonly audience: Pick<WatchSessionRepository, 'viewersBetween'>,
    /** the show's share links and what each brought */
    private readonly referrals: { figures(showId: string): ReferralFigures[] } = { figures: () => [] },
    private readonly now: () => number = Date.now,
  ) {}

  build(showId: string): ShowStats {
    const show = this.shows.get(showId);
    if (!show) throw new HawkerError('SHOW_NOT_FOUND', `no show with id ${showId}`);
    const orders = this.ledger.listForShow(showId).filter(counts);
    const add = (into: Record<string, number>, o: Order) => {
      into[o.currency] = (into[o.currency] ?? 0) + o.total;
    };

    const revenue: Record<string, number> = {};
    const minutes = new Map<number, { orders: number; revenue: Record<string, number> }>();
    for (const o of orders) {
      add(revenue, o);
      const minute = Math.floor(o.createdAt / 60_000) * 60_000;
      const bucket = minutes.get(minute) ?? { orders: 0, revenue: {} };
      bucket.orders++;
      add(bucket.revenue, o);
      minutes.set(minute, bucket);
    }

    // pinned spans per product, in wall-clock time
    const spans = new Map<string, Array<[number, number]>>();
    let pinned: { productId: string; from: number } | null = null;
    const close = (at: number) => {
      if (!pinned) return;
      const list = spans.get(pinned.productId) ?? [];
      list.push([pinned.from, at]);
      spans.set(pinned.productId, list);
      pinned = null;
    };
    for (const e of this.events.listForShow(showId, 100_000)) {
      if (e.type === 'overlay.changed' && e.payload.change === 'pin') {
        close(e.at);
        pinned = { productId: String(e.payload.productId), from: e.at };
      } else if (e.type === 'overlay.changed' && e.payload.change === 'unpin') close(e.at);
      else if (e.type === 'show.ended') close(e.at);
    }
    close(show.endedAt ?? this.now());

    const perProduct = new Map<string, ShowStats['perProduct'][number]>();
    const entry = (productId: string, currency: string) => {
      let p = perProduct.get(productId);
      if (!p) {
        p = { productId, orders: 0, units: 0, revenue: 0, currency, pinnedMs: 0, ordersWhilePinned: 0, ordersPerPinnedMinute: null, viewersWhilePinned: 0, buyersWhilePinned: 0, conversionWhilePinned: null };
        perProduct.set(productId, p);
      }
      return p;
    };
    const buyers = new Map<string, Set<string>>();
    for (const o of orders) {
      const p = entry(o.productId, o.currency);
      p.orders++;
      p.units += o.quantity;
      p.revenue += o.total;
      if ((spans.get(o.productId) ?? []).some(([from, to]) => o.createdAt >= from && o.createdAt < to)) {
        p.ordersWhilePinned++;
        let set = buyers.get(o.productId);
        if (!set) buyers.set(o.productId, (set = new Set()));
        set.add(o.viewerId);
      }
    }
    for (const [productId, list] of spans) {
      const p = perProduct.get(productId) ?? entry(productId, '');
      p.pinnedMs = list.reduce((sum, [from, to]) => sum + (to - from), 0);
      p.ordersPerPinnedMinute = p.pinnedMs > 0 ? Math.round((p.ordersWhilePinned / (p.pinnedMs / 60_000)) * 100) / 100 : null;
      // conversion: of the signed-in viewers watching while it was pinned, how many bought it
      const bought = buyers.get(productId) ?? new Set<string>();
      const watching = new Set<string>(bought);
      for (const [from, to] of list) for (const id of this.audience.viewersBetween(showId, from, to)) watching.add(id);
      p.viewersWhilePinned = watching.size;
      p.buyersWhilePinned = bought.size;
      p.conversionWhilePinned = watching.size > 0 ? Math.round((bought.size / watching.size) * 10_000) / 10_000 : null;
    }

    return {
      showId,
      orders: orders.length,
      units: orders.reduce((sum, o) => sum + o.quantity, 0),
      revenue,
      perMinute: [...minutes.entries()].sort((a, b) => a[0] - b[0]).map(([m, b]) => ({ minute: new Date(m).toISOString(), ...b })),
      perProduct: [...perProduct.values()].sort((a, b) => b.revenue - a.revenue),
      referrals: this.referrals.figures(showId),
    };
  }
}
