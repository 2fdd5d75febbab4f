import { decideOrder, decideQuote, decideTransition, type OrderSnapshot, type PriceSnapshot } from '../domain/order-decision.js';
import { HawkerError } from '../domain/errors.js';
import {
  orderEventPayload,
  type Contact,
  type Order,
  type OrderDetail,
  type OrderStatus,
  type PaymentProvider,
  type PlaceOrder,
  type PlaceOrderResult,
  type QuoteRequest,
  type QuoteResult,
  type ShippingAddress,
  type WebhookEventType,
} from '../domain/order.js';
import type { OrderLedger, OrderListFilter, OrderTransition, ShowEventRepository, WebhookStore } from '../domain/ports.js';
import type { ShowStatus } from '../domain/show.js';
import { toCoupon, type CouponRow } from './coupon-repository.js';
import type { Db } from './open.js';

interface OrderRow {
  id: string;
  show_id: string;
  viewer_id: string;
  product_id: string;
  variant_id: string | null;
  flash_sale_id: string | null;
  quantity: number;
  unit_price: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  currency: string;
  coupon_id: string | null;
  status: OrderStatus;
  replay: number;
  hold_expires_at: number | null;
  payment_provider: PaymentProvider | null;
  payment_ref: string | null;
  contact: string | null;
  shipping_address: string | null;
  carrier: string | null;
  tracking_number: string | null;
  paid_at: number | null;
  shipped_at: number | null;
  request_hash: string;
  on_screen: string;
  stream_ms: number | null;
  created_at: number;
  updated_at: number;
}

const parsed = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

const toOrder = (r: OrderRow): Order => ({
  id: r.id,
  showId: r.show_id,
  viewerId: r.viewer_id,
  productId: r.product_id,
  variantId: r.variant_id,
  flashSaleId: r.flash_sale_id,
  quantity: r.quantity,
  unitPrice: r.unit_price,
  total: r.total,
  couponId: r.coupon_id,
  discount: r.discount,
  shipping: r.shipping,
  tax: r.tax,
  currency: r.currency,
  status: r.status,
  replay: r.replay === 1,
  holdExpiresAt: r.hold_expires_at,
  payment: { provider: r.payment_provider, reference: r.payment_ref },
  contact: parsed<Contact>(r.contact),
  shippingAddress: parsed<ShippingAddress>(r.shipping_address),
  carrier: r.carrier,
  trackingNumber: r.tracking_number,
  paidAt: r.paid_at,
  shippedAt: r.shipped_at,
  onScreen: JSON.parse(r.on_screen) as Order['onScreen'],
  streamMs: r.stream_ms,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

interface DetailRow extends OrderRow {
  viewer_name: string | null;
  product_title: string | null;
  product_options: string | null;
  variant_options: string | null;
}

/** "M / Red": the variant's values in the order the product lists its options. */
export function variantLabel(productOptions: ReadonlyArray<{ name: string }>, variantOptions: Readonly<Record<string, string>>): string {
  const names = productOptions.length ? productOptions.map((o) => o.name) : Object.keys(variantOptions);
  return names
    .map((n) => variantOptions[n])
    .filter((v): v is string => v !== undefined)
    .join(' / ');
}

const toDetail = (r: DetailRow): OrderDetail => {
  const order = toOrder(r);
  return {
    ...order,
    viewerName: r.viewer_name ?? '',
    productTitle: r.product_title ?? '',
    variantLabel: r.variant_options === null ? null : variantLabel(parsed<Array<{ name: string }>>(r.product_options) ?? [], JSON.parse(r.variant_options) as Record<string, string>),
    recordingUrl: order.streamMs === null ? null : `/watch/${encodeURIComponent(order.showId)}?t=${Math.floor(order.streamMs / 1000)}`,
  };
};

/** The list cursor: the last order's creation time and id (ids never hold a '.'). */
const cursorOf = (o: Order) => `${o.createdAt}.${o.id}`;
const CURSOR = /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/;

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
  const byRef = db.prepare<[reference: string, provider: PaymentProvider], OrderRow>('SELECT * FROM orders WHERE payment_ref = ? AND payment_provider = ?');
  const forShow = db.prepare<[showId: string], OrderRow>('SELECT * FROM orders WHERE show_id = ? ORDER BY created_at, rowid');
  const forViewer = db.prepare<[viewerId: string], OrderRow>('SELECT * FROM orders WHERE viewer_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 200');
  const due = db.prepare<[at: number, limit: number], OrderRow>("SELECT * FROM orders WHERE hold_expires_at IS NOT NULL AND hold_expires_at <= ? AND status = 'pending' ORDER BY hold_expires_at LIMIT ?");
  const show = db.prepare<[id: string], { status: ShowStatus; ended_at: number | null }>('SELECT status, ended_at FROM shows WHERE id = ?');
  const couponByCode = db.prepare<[code: string], CouponRow & { product_id: string | null; variant_id: string | null }>('SELECT * FROM coupons WHERE code = ?');
  const claimed = db.prepare<[couponId: string, viewerId: string], 1>('SELECT 1 FROM coupon_claims WHERE coupon_id = ? AND viewer_id = ?');
  const couponUsesBy = db
    .prepare<[couponId: string, viewerId: string], number>("SELECT count(*) FROM orders WHERE coupon_id = ? AND viewer_id = ? AND status IN ('pending', 'paid', 'shipped')")
    .pluck();
  const useCoupon = db.prepare<[id: string]>('UPDATE coupons SET uses = uses + 1 WHERE id = ? AND (max_uses IS NULL OR uses < max_uses)');
  const releaseCoupon = db.prepare<[id: string]>('UPDATE coupons SET uses = MAX(0, uses - 1) WHERE id = ?');
  // one read for the product, whether it has variants and whether the show lists it
  const product = db.prepare<[showId: string, id: string], { price: number; currency: string; stock: number; has_variants: number; in_lineup: number }>(
    `SELECT price, currency, stock,
       EXISTS (SELECT 1 FROM product_variants WHERE product_id = p.id) AS has_variants,
       EXISTS (SELECT 1 FROM show_lineup WHERE show_id = ? AND product_id = p.id) AS in_lineup
     FROM products p WHERE id = ?`,
  );
  const variant = db.prepare<[id: string, productId: string], { price: number; stock: number }>('SELECT price, stock FROM product_variants WHERE id = ? AND product_id = ?');
  // a running sale, or one that sold out before its scheduled end (held: see decideOrder); a
  // sale without a variant covers them all
  const activeSale = db.prepare<[showId: string, productId: string, variantId: string | null, at: number, at: number, at: number], { id: string; price: number; remaining: number; per_customer_limit: number | null; ends_at: number }>(
    `SELECT id, price, remaining, per_customer_limit, ends_at FROM flash_sales
     WHERE show_id = ? AND product_id = ? AND (variant_id IS NULL OR variant_id = ?) AND starts_at <= ? AND (ends_at > ? OR (remaining = 0 AND held_until > ?))
     ORDER BY starts_at DESC LIMIT 1`,
  );
  const takeStock = db.prepare<[quantity: number, at: number, id: string, quantity: number]>('UPDATE products SET stock = stock - ?, stock_version = stock_version + 1, updated_at = ? WHERE id = ? AND stock >= ?');
  const takeVariantStock = db.prepare<[quantity: number, at: number, id: string, quantity: number]>(
    'UPDATE product_variants SET stock = stock - ?, stock_version = stock_version + 1, updated_at = ? WHERE id = ? AND stock >= ?',
  );
  const takeSale = db.prepare<[quantity: number, id: string, quantity: number]>('UPDATE flash_sales SET remaining = remaining - ? WHERE id = ? AND remaining >= ?');
  const boughtInSale = db
    .prepare<[saleId: string, viewerId: string], number>(
      "SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE flash_sale_id = ? AND viewer_id = ? AND status IN ('pending', 'paid', 'shipped')",
    )
    .pluck();
  const insert = db.prepare<
    [Omit<Order, 'onScreen' | 'replay' | 'payment' | 'contact' | 'shippingAddress'> & { idempotencyKey: string; requestHash: string; onScreen: string; at: number; replay: number; provider: PaymentProvider | null; contact: string | null; shippingAddress: string | null }]
  >(
    `INSERT INTO orders (id, show_id, viewer_id, product_id, variant_id, flash_sale_id, quantity, unit_price, discount, shipping, tax, total, currency, coupon_id, status,
       replay, hold_expires_at, payment_provider, contact, shipping_address, idempotency_key, request_hash, on_screen, stream_ms, created_at, updated_at)
     VALUES (@id, @showId, @viewerId, @productId, @variantId, @flashSaleId, @quantity, @unitPrice, @discount, @shipping, @tax, @total, @currency, @couponId, 'pending',
       @replay, @holdExpiresAt, @provider, @contact, @shippingAddress, @idempotencyKey, @requestHash, @onScreen, @streamMs, @at, @at)`,
  );
  const setStatus = db.prepare<{ status: OrderStatus; at: number; id: string; endHold: number; paidAt: number | null; shippedAt: number | null; carrier: string | null; trackingNumber: string | null; closed: number }>(
    `UPDATE orders SET status = @status, updated_at = @at,
       hold_expires_at = CASE WHEN @endHold = 1 THEN NULL ELSE hold_expires_at END,
       paid_at = COALESCE(@paidAt, paid_at), shipped_at = COALESCE(@shippedAt, shipped_at),
       carrier = COALESCE(@carrier, carrier), tracking_number = COALESCE(@trackingNumber, tracking_number),
       closed_at = CASE WHEN @closed = 1 THEN @at ELSE closed_at END
     WHERE id = @id`,
  );
  const setPayment = db.prepare<[provider: PaymentProvider, ref: string, at: number, id: string]>('UPDATE orders SET payment_provider = ?, payment_ref = ?, updated_at = ? WHERE id = ?');
  const giveStock = db.prepare<[quantity: number, at: number, id: string]>('UPDATE products SET stock = stock + ?, stock_version = stock_version + 1, updated_at = ? WHERE id = ?');
  const giveVariantStock = db.prepare<[quantity: number, at: number, id: string]>('UPDATE product_variants SET stock = stock + ?, stock_version = stock_version + 1, updated_at = ? WHERE id = ?');
  const giveSale = db.prepare<[quantity: number, id: string]>('UPDATE flash_sales SET remaining = MIN(quantity, remaining + ?) WHERE id = ?');

  /** The one timeline append of an order event (it owns stream time) and its webhook outbox rows. */
  const record = (type: WebhookEventType & `order.${string}`, o: Omit<Order, 'streamMs'>, at: number): number | null => {
    const payload = orderEventPayload(o);
    const { streamMs } = events.append({ showId: o.showId, type, at, payload });
    webhooks.enqueue(type, payload, at);
    return streamMs;
  };

  /** What pricing needs, read inside the caller's transaction (the order's, or a quote's read). */
  const priceSnapshot = (req: QuoteRequest): PriceSnapshot => {
    const s = show.get(req.showId);
    const p = product.get(req.showId, req.productId);
    const v = req.variantId !== undefined && p?.has_variants ? variant.get(req.variantId, req.productId) : undefined;
    // the replay never sells at a sale's price: no sale read after the show
    const sale = s?.status === 'live' ? activeSale.get(req.showId, req.productId, req.variantId ?? null, req.at, req.at, req.at) : undefined;
    const couponRow = req.couponCode !== undefined ? couponByCode.get(req.couponCode) : undefined;
    const coupon = couponRow && toCoupon(couponRow);
    return {
      show: s && { status: s.status, endedAt: s.ended_at },
      product: p && { price: p.price, currency: p.currency, stock: p.stock, hasVariants: p.has_variants === 1, inLineup: p.in_lineup === 1 },
      variant: v,
      sale: sale && {
        id: sale.id,
        price: sale.price,
        remaining: sale.remaining,
        perCustomerLimit: sale.per_customer_limit,
        held: sale.ends_at <= req.at,
        boughtByViewer: sale.per_customer_limit != null ? (boughtInSale.get(sale.id, req.viewerId) ?? 0) : 0,
      },
      coupon: coupon &&
        couponRow && {
          coupon,
          appliesTo: { productId: couponRow.product_id, variantId: couponRow.variant_id },
          usedByViewer: couponUsesBy.get(coupon.id, req.viewerId) ?? 0,
          claimed: coupon.unlock ? claimed.get(coupon.id, req.viewerId) !== undefined : true,
        },
    };
  };

  /** What decideOrder needs, read inside the order's transaction. */
  const snapshot = (req: PlaceOrder): OrderSnapshot => {
    const existing = byKey.get(req.viewerId, req.idempotencyKey);
    if (existing) return { kind: 'seen', order: toOrder(existing), requestHash: existing.request_hash };
    return { kind: 'new', ...priceSnapshot(req) };
  };

  const rememberProfile = db.prepare<[contact: string, address: string, viewerId: string, contact: string, address: string]>(
    'UPDATE viewers SET contact = ?, shipping_address = ? WHERE id = ? AND (contact IS NOT ? OR shipping_address IS NOT ?)',
  );

  // each order in its own savepoint: an order that fails half-way takes back what it wrote
  const place = db.transaction((req: PlaceOrder): PlaceOrderResult => {
    const decision = decideOrder(snapshot(req), req);
    if (decision.kind !== 'placed') return decision;
    const { order: decided, writes } = decision;
    // the snapshot was read in this transaction: the checked decrements cannot miss
    if (writes.takeSale && takeSale.run(writes.takeSale.quantity, writes.takeSale.saleId, writes.takeSale.quantity).changes === 0) {
      throw new Error(`flash sale ${writes.takeSale.saleId} changed under order ${decided.id}`);
    }
    const { productId, variantId, quantity } = writes.takeStock;
    const taken = variantId !== null ? takeVariantStock.run(quantity, req.at, variantId, quantity) : takeStock.run(quantity, req.at, productId, quantity);
    if (taken.changes === 0) throw new Error(`stock of ${variantId ?? productId} changed under order ${decided.id}`);
    if (writes.useCoupon !== null && useCoupon.run(writes.useCoupon).changes === 0) {
      throw new Error(`coupon ${writes.useCoupon} changed under order ${decided.id}`);
    }
    // built from what was decided: no read-back on the hot path
    const order: Order = { ...decided, streamMs: record('order.created', decided, req.at) };
    const contact = order.contact && JSON.stringify(order.contact);
    const shippingAddress = order.shippingAddress && JSON.stringify(order.shippingAddress);
    insert.run({
      ...order,
      replay: order.replay ? 1 : 0,
      provider: order.payment.provider,
      contact,
      shippingAddress,
      idempotencyKey: req.idempotencyKey,
      requestHash: req.requestHash,
      onScreen: JSON.stringify(req.onScreen),
      at: req.at,
    });
    // in the order's own transaction (a write of its own would cost a commit, an fsync, per order),
    // and only when it changed: a returning buyer's usual address writes nothing
    if (req.rememberProfile && contact !== null && shippingAddress !== null) rememberProfile.run(contact, shippingAddress, req.viewerId, contact, shippingAddress);
    return { kind: 'placed', order };
  });

  /** One status change on a row read in the caller's transaction; undefined when refused. */
  const move = (row: OrderRow, from: readonly OrderStatus[], to: OrderStatus, at: number, extra: OrderTransition): Order | { refused: true; expired: boolean } => {
    const before = toOrder(row);
    const decision = decideTransition(before, from, to, at);
    if (decision.kind === 'refused') return { refused: true, expired: decision.expired };
    const { giveStock: stock, giveSale: sale, releaseCoupon: coupon, endHold, event } = decision.writes;
    const closed = to === 'cancelled' || to === 'expired' || to === 'refunded';
    setStatus.run({ status: to, at, id: row.id, endHold: endHold ? 1 : 0, paidAt: extra.paidAt ?? null, shippedAt: extra.shippedAt ?? null, carrier: extra.carrier ?? null, trackingNumber: extra.trackingNumber ?? null, closed: closed ? 1 : 0 });
    if (stock) (stock.variantId !== null ? giveVariantStock : giveStock).run(stock.quantity, at, stock.variantId ?? stock.productId);
    if (sale) giveSale.run(sale.quantity, sale.saleId);
    if (coupon) releaseCoupon.run(coupon);
    // built from what was just written: no read-back
    const order: Order = {
      ...before,
      status: to,
      updatedAt: at,
      holdExpiresAt: endHold ? null : before.holdExpiresAt,
      paidAt: extra.paidAt ?? before.paidAt,
      shippedAt: extra.shippedAt ?? before.shippedAt,
      carrier: extra.carrier ?? before.carrier,
      trackingNumber: extra.trackingNumber ?? before.trackingNumber,
    };
    record(event, order, at);
    return order;
  };

  const transition = db.transaction((id: string, from: readonly OrderStatus[], to: OrderStatus, at: number, extra: OrderTransition): Order | undefined => {
    const row = byId.get(id);
    if (!row) return undefined;
    const moved = move(row, from, to, at, extra);
    return 'refused' in moved ? undefined : moved;
  });

  const expireDue = db.transaction((at: number, limit: number): Order[] =>
    due.all(at, limit).flatMap((row) => {
      const moved = move(row, ['pending'], 'expired', at, {});
      return 'refused' in moved ? [] : [moved];
    }),
  );

  const details = (f: OrderListFilter): { orders: OrderDetail[]; next: string | null } => {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: f.limit + 1 };
    if (f.orderId !== undefined) (where.push('o.id = @orderId'), (params.orderId = f.orderId));
    if (f.showId !== undefined) (where.push('o.show_id = @showId'), (params.showId = f.showId));
    if (f.status !== undefined) (where.push('o.status = @status'), (params.status = f.status));
    if (f.productId !== undefined) (where.push('o.product_id = @productId'), (params.productId = f.productId));
    if (f.from !== undefined) (where.push('o.created_at >= @from'), (params.from = f.from));
    if (f.to !== undefined) (where.push('o.created_at < @to'), (params.to = f.to));
    const cursor = f.before !== undefined ? CURSOR.exec(f.before) : null;
    if (f.before !== undefined && !cursor) throw new HawkerError('VALIDATION_FAILED', 'before is not a cursor this list handed out');
    if (cursor) {
      where.push('(o.created_at < @beforeAt OR (o.created_at = @beforeAt AND o.id < @beforeId))');
      params.beforeAt = Number(cursor[1]);
      params.beforeId = cursor[2]!;
    }
    // the filters vary, the text is one of few: better-sqlite3 prepares it each call (a panel read, not the hot path)
    const rows = db
      .prepare<Record<string, string | number>, DetailRow>(
        `SELECT o.*, v.display_name AS viewer_name, p.title AS product_title, p.options AS product_options, pv.options AS variant_options
         FROM orders o
         LEFT JOIN viewers v ON v.id = o.viewer_id
         LEFT JOIN products p ON p.id = o.product_id
         LEFT JOIN product_variants pv ON pv.id = o.variant_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY o.created_at DESC, o.id DESC LIMIT @limit`,
      )
      .all(params);
    const page = rows.slice(0, f.limit).map(toDetail);
    return { orders: page, next: rows.length > f.limit ? cursorOf(page[page.length - 1]!) : null };
  };

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
    // a quote reads in one read transaction: what it says is one moment's answer
    quote: db.transaction((req: QuoteRequest): QuoteResult => decideQuote(priceSnapshot(req), req)),
    get: (id) => {
      const row = byId.get(id);
      return row && toOrder(row);
    },
    byPaymentRef: (provider, reference) => {
      const row = byRef.get(reference, provider);
      return row && toOrder(row);
    },
    transition: (id, from, to, at, extra = {}) => transition(id, from, to, at, extra),
    attachPayment: (id, provider, reference, at) => {
      if (setPayment.run(provider, reference, at, id).changes === 0) return undefined;
      const row = byId.get(id);
      return row && toOrder(row);
    },
    expireDue: (at, limit) => expireDue(at, limit),
    listForShow: (showId) => forShow.all(showId).map(toOrder),
    listForViewer: (viewerId) => forViewer.all(viewerId).map(toOrder),
    details,
  };
}
