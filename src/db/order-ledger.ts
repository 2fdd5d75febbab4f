import { couponVerdict } from '../domain/coupon.js';
import type { Order, OrderStatus, PlaceOrderResult } from '../domain/order.js';
import { toCoupon, type CouponRow } from './coupon-repository.js';
import type { OrderLedger, WebhookStore } from '../domain/ports.js';
import type { ShowEventType } from '../domain/show.js';
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

const orderPayload = (o: Order) => ({
  orderId: o.id,
  showId: o.showId,
  viewerId: o.viewerId,
  productId: o.productId,
  quantity: o.quantity,
  total: o.total,
  discount: o.discount,
  couponId: o.couponId,
  currency: o.currency,
  status: o.status,
});

/**
 * Every order is one SQLite transaction: the idempotency lookup, the conditional stock (and
 * flash-sale) decrements, the per-customer limit, the order row, its timeline event and its
 * webhook outbox rows. Either all of it is durable before the caller answers, or none of it is.
 */
export function createOrderLedger(db: Db, webhooks: WebhookStore): OrderLedger {
  const byKey = db.prepare('SELECT * FROM orders WHERE viewer_id = ? AND idempotency_key = ?');
  const byId = db.prepare('SELECT * FROM orders WHERE id = ?');
  const forShow = db.prepare('SELECT * FROM orders WHERE show_id = ? ORDER BY created_at, rowid');
  const show = db.prepare('SELECT started_at, status, ended_at FROM shows WHERE id = ?');
  const couponByCode = db.prepare('SELECT * FROM coupons WHERE code = ?');
  const claimed = db.prepare('SELECT 1 FROM coupon_claims WHERE coupon_id = ? AND viewer_id = ?');
  const couponUsesBy = db.prepare("SELECT count(*) FROM orders WHERE coupon_id = ? AND viewer_id = ? AND status IN ('pending', 'paid')").pluck();
  const useCoupon = db.prepare('UPDATE coupons SET uses = uses + 1 WHERE id = ? AND (max_uses IS NULL OR uses < max_uses)');
  const releaseCoupon = db.prepare('UPDATE coupons SET uses = MAX(0, uses - 1) WHERE id = ?');
  const product = db.prepare('SELECT price, currency FROM products WHERE id = ?');
  const activeSale = db.prepare(
    `SELECT id, price, remaining, per_customer_limit FROM flash_sales
     WHERE show_id = ? AND product_id = ? AND starts_at <= ? AND ends_at > ? ORDER BY starts_at DESC LIMIT 1`,
  );
  const takeStock = db.prepare('UPDATE products SET stock = stock - ?, updated_at = ? WHERE id = ? AND stock >= ?');
  const takeSale = db.prepare('UPDATE flash_sales SET remaining = remaining - ? WHERE id = ? AND remaining >= ?');
  const boughtInSale = db.prepare(
    "SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE flash_sale_id = ? AND viewer_id = ? AND status IN ('pending', 'paid')",
  ).pluck();
  const insert = db.prepare(
    `INSERT INTO orders (id, show_id, viewer_id, product_id, flash_sale_id, quantity, unit_price, total, currency, status,
       idempotency_key, request_hash, on_screen, stream_ms, created_at, updated_at, coupon_id, discount)
     VALUES (@id, @showId, @viewerId, @productId, @flashSaleId, @quantity, @unitPrice, @total, @currency, 'pending',
       @idempotencyKey, @requestHash, @onScreen, @streamMs, @at, @at, @couponId, @discount)`,
  );
  const event = db.prepare('INSERT INTO show_events (show_id, type, at, stream_ms, payload) VALUES (?, ?, ?, ?, ?)');
  const setStatus = db.prepare('UPDATE orders SET status = ?, updated_at = ? WHERE id = ?');
  const giveStock = db.prepare('UPDATE products SET stock = stock + ?, updated_at = ? WHERE id = ?');
  const giveSale = db.prepare('UPDATE flash_sales SET remaining = MIN(quantity, remaining + ?) WHERE id = ?');

  const timeline = (o: Order, type: ShowEventType, at: number, startedAt?: number | null) => {
    const started = startedAt !== undefined ? startedAt : ((show.get(o.showId) as { started_at: number | null } | undefined)?.started_at ?? null);
    event.run(o.showId, type, at, started != null ? at - started : null, JSON.stringify(orderPayload(o)));
  };

  const place = db.transaction((req: Parameters<OrderLedger['place']>[0]): PlaceOrderResult => {
    const existing = byKey.get(req.viewerId, req.idempotencyKey) as OrderRow | undefined;
    if (existing) {
      return existing.request_hash === req.requestHash
        ? { kind: 'replayed', order: toOrder(existing) }
        : { kind: 'refused', code: 'IDEMPOTENCY_KEY_REUSED', message: 'this Idempotency-Key was used for a different order' };
    }
    const s = show.get(req.showId) as { started_at: number | null; status: 'scheduled' | 'live' | 'ended'; ended_at: number | null } | undefined;
    if (!s) return { kind: 'refused', code: 'SHOW_NOT_FOUND', message: `no show with id ${req.showId}` };
    const p = product.get(req.productId) as { price: number; currency: string } | undefined;
    if (!p) return { kind: 'refused', code: 'PRODUCT_NOT_FOUND', message: `no product with id ${req.productId}` };
    const sale = activeSale.get(req.showId, req.productId, req.at, req.at) as
      | { id: string; price: number; remaining: number; per_customer_limit: number | null }
      | undefined;
    const unitPrice = sale ? sale.price : p.price;
    if (sale) {
      if (sale.per_customer_limit != null && (boughtInSale.get(sale.id, req.viewerId) as number) + req.quantity > sale.per_customer_limit) {
        return { kind: 'refused', code: 'LIMIT_REACHED', message: `at most ${sale.per_customer_limit} per customer in this flash sale` };
      }
      if (takeSale.run(req.quantity, sale.id, req.quantity).changes === 0) {
        return { kind: 'refused', code: 'SOLD_OUT', message: 'the flash sale is sold out' };
      }
    }
    if (takeStock.run(req.quantity, req.at, req.productId, req.quantity).changes === 0) {
      // throwing rolls the flash-sale decrement back with everything else
      throw new Refused('SOLD_OUT', 'sold out');
    }
    // last, after the stock: a refused coupon throws, and the savepoint takes the stock back
    let couponId: string | null = null;
    let discount = 0;
    if (req.couponCode !== undefined) {
      const row = couponByCode.get(req.couponCode) as CouponRow | undefined;
      if (!row) throw new Refused('COUPON_INVALID', `no coupon ${req.couponCode}`);
      const coupon = toCoupon(row);
      const verdict = couponVerdict(coupon, {
        showId: req.showId,
        showStatus: s.status,
        showEndedAt: s.ended_at,
        currency: p.currency,
        subtotal: unitPrice * req.quantity,
        viewerLevel: req.viewerLevel,
        usedByViewer: couponUsesBy.get(coupon.id, req.viewerId) as number,
        claimed: coupon.unlock ? claimed.get(coupon.id, req.viewerId) !== undefined : true,
        now: req.at,
      });
      if (!verdict.ok) throw new Refused(verdict.code, verdict.message);
      if (useCoupon.run(coupon.id).changes === 0) throw new Refused('COUPON_USED_UP', `${coupon.code} has been used up`);
      couponId = coupon.id;
      discount = verdict.discount;
    }
    // built from what was just written: no read-back on the hot path
    const order: Order = {
      id: req.orderId,
      showId: req.showId,
      viewerId: req.viewerId,
      productId: req.productId,
      flashSaleId: sale?.id ?? null,
      quantity: req.quantity,
      unitPrice,
      total: unitPrice * req.quantity - discount,
      couponId,
      discount,
      currency: p.currency,
      status: 'pending',
      onScreen: req.onScreen,
      streamMs: s.started_at != null ? req.at - s.started_at : null,
      createdAt: req.at,
      updatedAt: req.at,
    };
    insert.run({ ...order, idempotencyKey: req.idempotencyKey, requestHash: req.requestHash, onScreen: JSON.stringify(req.onScreen), at: req.at });
    timeline(order, 'order.created', req.at, s.started_at);
    webhooks.enqueue('order.created', orderPayload(order), req.at);
    return { kind: 'placed', order };
  });

  const transition = db.transaction((id: string, from: readonly OrderStatus[], to: OrderStatus, at: number): Order | undefined => {
    const row = byId.get(id) as OrderRow | undefined;
    if (!row || !from.includes(row.status)) return undefined;
    setStatus.run(to, at, id);
    if (to === 'cancelled') {
      giveStock.run(row.quantity, at, row.product_id);
      if (row.flash_sale_id) giveSale.run(row.quantity, row.flash_sale_id);
      if (row.coupon_id) releaseCoupon.run(row.coupon_id);
    }
    const order = toOrder(byId.get(id) as OrderRow);
    if (to === 'paid' || to === 'cancelled') {
      timeline(order, to === 'paid' ? 'order.paid' : 'order.cancelled', at);
      webhooks.enqueue(to === 'paid' ? 'order.paid' : 'order.cancelled', orderPayload(order), at);
    }
    return order;
  });

  const placeOne = (req: Parameters<OrderLedger['place']>[0]): PlaceOrderResult => {
    try {
      return place(req);
    } catch (err) {
      if (err instanceof Refused) return { kind: 'refused', code: err.code, message: err.message };
      throw err;
    }
  };

  // Group commit: orders that arrive in the same turn of the event loop are placed one after
  // the other, each in its own savepoint, inside one transaction, so they share one fsync
  // (synchronous=FULL). Nobody is answered before the commit that holds their order.
  let queue: Array<{ req: Parameters<OrderLedger['place']>[0]; resolve(r: PlaceOrderResult): void; reject(e: unknown): void }> = [];
  const flush = () => {
    const batch = queue;
    queue = [];
    let outcomes: Array<{ ok: PlaceOrderResult } | { err: unknown }>;
    try {
      outcomes = db.transaction(() =>
        batch.map((item) => {
          try {
            return { ok: placeOne(item.req) };
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
      const row = byId.get(id) as OrderRow | undefined;
      return row && toOrder(row);
    },
    transition: (id, from, to, at) => transition(id, from, to, at),
    listForShow: (showId) => (forShow.all(showId) as OrderRow[]).map(toOrder),
  };
}

/** Thrown inside an order's savepoint: everything it wrote is rolled back, the buyer is told why. */
class Refused extends Error {
  constructor(
    readonly code: Extract<PlaceOrderResult, { kind: 'refused' }>['code'],
    message: string,
  ) {
    super(message);
  }
}
