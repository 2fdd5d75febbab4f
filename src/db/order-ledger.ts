import { decideOrder, decideTransition, type OrderSnapshot } from '../domain/order-decision.js';
import { orderEventPayload, type Order, type OrderStatus, type PlaceOrder, type PlaceOrderResult, type WebhookEventType } from '../domain/order.js';
import type { OrderLedger, ShowEventRepository, WebhookStore } from '../domain/ports.js';
import type { ShowStatus } from '../domain/show.js';
import { toCoupon, type CouponRow } from './coupon-repository.js';
import type { Db } from './open.js';

interface OrderRow {
  id: string;
  show_id: string;
  viewer_id: string;
  product_id: string;
  flash_sale_id: string | null;
  quantity: number;
  unit_price: number;
  total: number;
  currency: string;
  status: OrderStatus;
  request_hash: string;
  on_screen: string;
  stream_ms: number | null;
  created_at: number;
  updated_at: number;
  coupon_id: string | null;
  discount: number;
}

const toOrder = (r: OrderRow): Order => ({
  id: r.id,
  showId: r.show_id,
  viewerId: r.viewer_id,
  productId: r.product_id,
  flashSaleId: r.flash_sale_id,
  quantity: r.quantity,
  unitPrice: r.unit_price,
  total: r.total,
  couponId: r.coupon_id,
  discount: r.discount,
  currency: r.currency,
  status: r.status,
  onScreen: JSON.parse(r.on_screen) as Order['onScreen'],
  streamMs: r.stream_ms,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface OrderLedgerDeps {
  /** the show's timeline: its INSERT works out stream time */
  events: Pick<ShowEventRepository, 'append'>;
  /** webhook outbox rows, written inside the caller's transaction */
  webhooks: Pick<WebhookStore, 'enqueue'>;
}

/**
 * Every order is one SQLite transaction: read what the order needs (a snapshot), decide with the
 * pure rules in domain/order-decision.ts, then write the decision (the conditional stock and
 * flash-sale decrements, the coupon use, the order row, its timeline event and its webhook
 * outbox rows). Either all of it is durable before the caller answers, or none of it is.
 */
export function createOrderLedger(db: Db, { events, webhooks }: OrderLedgerDeps): OrderLedger {
  const byKey = db.prepare<[viewerId: string, idempotencyKey: string], OrderRow>('SELECT * FROM orders WHERE viewer_id = ? AND idempotency_key = ?');
  const byId = db.prepare<[id: string], OrderRow>('SELECT * FROM orders WHERE id = ?');
  const forShow = db.prepare<[showId: string], OrderRow>('SELECT * FROM orders WHERE show_id = ? ORDER BY created_at, rowid');
  const show = db.prepare<[id: string], { status: ShowStatus; ended_at: number | null }>('SELECT status, ended_at FROM shows WHERE id = ?');
  const couponByCode = db.prepare<[code: string], CouponRow>('SELECT * FROM coupons WHERE code = ?');
  const claimed = db.prepare<[couponId: string, viewerId: string], 1>('SELECT 1 FROM coupon_claims WHERE coupon_id = ? AND viewer_id = ?');
  const couponUsesBy = db
    .prepare<[couponId: string, viewerId: string], number>("SELECT count(*) FROM orders WHERE coupon_id = ? AND viewer_id = ? AND status IN ('pending', 'paid')")
    .pluck();
  const useCoupon = db.prepare<[id: string]>('UPDATE coupons SET uses = uses + 1 WHERE id = ? AND (max_uses IS NULL OR uses < max_uses)');
  const releaseCoupon = db.prepare<[id: string]>('UPDATE coupons SET uses = MAX(0, uses - 1) WHERE id = ?');
  const product = db.prepare<[id: string], { price: number; currency: string; stock: number }>('SELECT price, currency, stock FROM products WHERE id = ?');
  // a running sale, or one that sold out before its scheduled end (held: see decideOrder)
  const activeSale = db.prepare<[showId: string, productId: string, at: number, at: number, at: number], { id: string; price: number; remaining: number; per_customer_limit: number | null; ends_at: number }>(
    `SELECT id, price, remaining, per_customer_limit, ends_at FROM flash_sales
     WHERE show_id = ? AND product_id = ? AND starts_at <= ? AND (ends_at > ? OR (remaining = 0 AND held_until > ?)) ORDER BY starts_at DESC LIMIT 1`,
  );
  const takeStock = db.prepare<[quantity: number, at: number, id: string, quantity: number]>('UPDATE products SET stock = stock - ?, stock_version = stock_version + 1, updated_at = ? WHERE id = ? AND stock >= ?');
  const takeSale = db.prepare<[quantity: number, id: string, quantity: number]>('UPDATE flash_sales SET remaining = remaining - ? WHERE id = ? AND remaining >= ?');
  const boughtInSale = db
    .prepare<[saleId: string, viewerId: string], number>(
      "SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE flash_sale_id = ? AND viewer_id = ? AND status IN ('pending', 'paid')",
    )
    .pluck();
  const insert = db.prepare<[Omit<Order, 'onScreen'> & { idempotencyKey: string; requestHash: string; onScreen: string; at: number }]>(
    `INSERT INTO orders (id, show_id, viewer_id, product_id, flash_sale_id, quantity, unit_price, total, currency, status,
       idempotency_key, request_hash, on_screen, stream_ms, created_at, updated_at, coupon_id, discount)
     VALUES (@id, @showId, @viewerId, @productId, @flashSaleId, @quantity, @unitPrice, @total, @currency, 'pending',
       @idempotencyKey, @requestHash, @onScreen, @streamMs, @at, @at, @couponId, @discount)`,
  );
  const setStatus = db.prepare<[status: OrderStatus, at: number, id: string]>('UPDATE orders SET status = ?, updated_at = ? WHERE id = ?');
  const giveStock = db.prepare<[quantity: number, at: number, id: string]>('UPDATE products SET stock = stock + ?, stock_version = stock_version + 1, updated_at = ? WHERE id = ?');
  const giveSale = db.prepare<[quantity: number, id: string]>('UPDATE flash_sales SET remaining = MIN(quantity, remaining + ?) WHERE id = ?');

  /** The one timeline append of an order event (it owns stream time) and its webhook outbox rows. */
  const record = (type: WebhookEventType & `order.${string}`, o: Omit<Order, 'streamMs'>, at: number): number | null => {
    const payload = orderEventPayload(o);
    const { streamMs } = events.append({ showId: o.showId, type, at, payload });
    webhooks.enqueue(type, payload, at);
    return streamMs;
  };

  /** What decideOrder needs, read inside the order's transaction. */
  const snapshot = (req: PlaceOrder): OrderSnapshot => {
    const existing = byKey.get(req.viewerId, req.idempotencyKey);
    if (existing) return { kind: 'seen', order: toOrder(existing), requestHash: existing.request_hash };
    const s = show.get(req.showId);
    const sale = activeSale.get(req.showId, req.productId, req.at, req.at, req.at);
    const couponRow = req.couponCode !== undefined ? couponByCode.get(req.couponCode) : undefined;
    const coupon = couponRow && toCoupon(couponRow);
    return {
      kind: 'new',
      show: s && { status: s.status, endedAt: s.ended_at },
      product: product.get(req.productId),
      sale: sale && {
        id: sale.id,
        price: sale.price,
        remaining: sale.remaining,
        perCustomerLimit: sale.per_customer_limit,
        held: sale.ends_at <= req.at,
        boughtByViewer: sale.per_customer_limit != null ? (boughtInSale.get(sale.id, req.viewerId) ?? 0) : 0,
      },
      coupon: coupon && {
        coupon,
        usedByViewer: couponUsesBy.get(coupon.id, req.viewerId) ?? 0,
        claimed: coupon.unlock ? claimed.get(coupon.id, req.viewerId) !== undefined : true,
      },
    };
  };

  // each order in its own savepoint: an order that fails half-way takes back what it wrote
  const place = db.transaction((req: PlaceOrder): PlaceOrderResult => {
    const decision = decideOrder(snapshot(req), req);
    if (decision.kind !== 'placed') return decision;
    const { order: decided, writes } = decision;
    // the snapshot was read in this transaction: the checked decrements cannot miss
    if (writes.takeSale && takeSale.run(writes.takeSale.quantity, writes.takeSale.saleId, writes.takeSale.quantity).changes === 0) {
      throw new Error(`flash sale ${writes.takeSale.saleId} changed under order ${decided.id}`);
    }
    if (takeStock.run(writes.takeStock.quantity, req.at, writes.takeStock.productId, writes.takeStock.quantity).changes === 0) {
      throw new Error(`stock of ${writes.takeStock.productId} changed under order ${decided.id}`);
    }
    if (writes.useCoupon !== null && useCoupon.run(writes.useCoupon).changes === 0) {
      throw new Error(`coupon ${writes.useCoupon} changed under order ${decided.id}`);
    }
    // built from what was decided: no read-back on the hot path
    const order: Order = { ...decided, streamMs: record('order.created', decided, req.at) };
    insert.run({ ...order, idempotencyKey: req.idempotencyKey, requestHash: req.requestHash, onScreen: JSON.stringify(req.onScreen), at: req.at });
    return { kind: 'placed', order };
  });

  const transition = db.transaction((id: string, from: readonly OrderStatus[], to: OrderStatus, at: number): Order | undefined => {
    const row = byId.get(id);
    if (!row) return undefined;
    const before = toOrder(row);
    const decision = decideTransition(before, from, to);
    if (decision.kind === 'refused') return undefined;
    const { giveStock: stock, giveSale: sale, releaseCoupon: coupon, event } = decision.writes;
    setStatus.run(to, at, id);
    if (stock) giveStock.run(stock.quantity, at, stock.productId);
    if (sale) giveSale.run(sale.quantity, sale.saleId);
    if (coupon) releaseCoupon.run(coupon);
    // built from what was just written: no read-back
    const order: Order = { ...before, status: to, updatedAt: at };
    if (event) record(event, order, at);
    return order;
  });

  // Group commit: orders that arrive in the same turn of the event loop are placed one after
  // the other, each in its own savepoint, inside one transaction, so they share one fsync
  // (synchronous=FULL). Nobody is answered before the commit that holds their order.
  let queue: Array<{ req: PlaceOrder; resolve(r: PlaceOrderResult): void; reject(e: unknown): void }> = [];
  const flush = () => {
    const batch = queue;
    queue = [];
    let outcomes: Array<{ ok: PlaceOrderResult } | { err: unknown }>;
    try {
      outcomes = db.transaction(() =>
        batch.map((item) => {
          try {
            return { ok: place(item.req) };
          } catch (err) {
            return { err };
          }
        }),
      )();
    } catch (err) {
      batch.forEach((item) => item.reject(err));
      return;
    }
    outcomes.forEach((o, i) => ('ok' in o ? batch[i]!.resolve(o.ok) : batch[i]!.reject(o.err)));
  };

  return {
    place: (req) =>
      new Promise<PlaceOrderResult>((resolve, reject) => {
        if (queue.push({ req, resolve, reject }) === 1) setImmediate(flush);
      }),
    get: (id) => {
      const row = byId.get(id);
      return row && toOrder(row);
    },
    transition: (id, from, to, at) => transition(id, from, to, at),
    listForShow: (showId) => forShow.all(showId).map(toOrder),
  };
}
