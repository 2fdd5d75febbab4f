// The ledger on a real SQLite file: it writes what decideOrder decided, and the order's stream
// time is the one the timeline's INSERT worked out (one source of stream time).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openDatabase } from '../../src/db/open.js';
import { createLineupRepository } from '../../src/db/lineup-repository.js';
import { createOrderLedger } from '../../src/db/order-ledger.js';
import { createProductRepository } from '../../src/db/product-repository.js';
import { createShowEventRepository, createShowRepository } from '../../src/db/show-repository.js';
import { createViewerRepository } from '../../src/db/viewer-repository.js';
import { createWebhookStore } from '../../src/db/webhook-store.js';
import type { CheckoutRules, PlaceOrder } from '../../src/domain/order.js';

const RULES: CheckoutRules = { holdMs: 600_000, manualHoldMs: 3_600_000, replayOrders: true, shippingFlat: {}, taxPercent: 0 };

t.test('stream time of an order comes from its timeline event; a refusal writes nothing', async (t) => {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'hawker-ledger-')), 'h.db'));
  t.teardown(() => db.close());
  const shows = createShowRepository(db);
  const events = createShowEventRepository(db);
  const webhooks = createWebhookStore(db);
  const ledger = createOrderLedger(db, { events, webhooks });
  createProductRepository(db).create({ id: 'p1', sku: 'S', title: 'Mug', description: '', price: 1200, currency: 'EUR', compareAtPrice: null, stock: 3, stockVersion: 0, hasImage: false, options: [], variants: [], createdAt: 1, updatedAt: 1 });
  createViewerRepository(db).create({ id: 'v1', displayName: 'Ana', createdAt: 1 }, 'h'.repeat(64));
  webhooks.addEndpoint({ id: 'w1', url: 'https://example.test/hook', secret: 's', createdAt: 1 });
  for (const id of ['liveshow0001', 'neverlive001']) {
    shows.create({ id, title: id, host: 'Ana', scheduledAt: null, status: 'scheduled', streamKey: id.padEnd(43, 'k'), createdAt: 1, startedAt: null, endedAt: null, recordingDeletedAt: null });
  }
  shows.markLive('liveshow0001', 10_000);
  // orders are taken for the show's lineup only
  createLineupRepository(db).set('liveshow0001', ['p1']);
  createLineupRepository(db).set('neverlive001', ['p1']);

  const place = (over: Partial<PlaceOrder>) =>
    ledger.place({ orderId: 'o1', showId: 'liveshow0001', viewerId: 'v1', productId: 'p1', quantity: 1, idempotencyKey: 'k1', requestHash: 'h1', onScreen: { pinnedProductId: null, flashSaleId: null }, at: 12_500, viewerLevel: 0, rules: RULES, payment: 'manual', contact: null, shippingAddress: null, ...over });

  const live = await place({});
  t.match(live, { kind: 'placed', order: { streamMs: 2500, total: 1200 } });
  const event = events.listForShow('liveshow0001', 10).find((e) => e.type === 'order.created');
  t.equal(event?.streamMs, 2500, 'the same stream time on the timeline');
  t.same(
    Object.keys(event?.payload ?? {}),
    ['orderId', 'showId', 'viewerId', 'productId', 'quantity', 'total', 'discount', 'couponId', 'currency', 'status', 'variantId', 'shipping', 'tax', 'replay', 'holdExpiresAt', 'paymentProvider'],
    'the payload as it always was, keys in order, then what checkout added',
  );
  t.match(event?.payload, { holdExpiresAt: new Date(12_500 + 3_600_000).toISOString(), variantId: null, paymentProvider: 'manual' });
  t.equal(ledger.get('o1')?.streamMs, 2500, 'and in the order row');

  // a show that never went live takes no orders (issue 14), so no order is without stream time
  const notLive = await place({ orderId: 'o2', showId: 'neverlive001', idempotencyKey: 'k2' });
  t.match(notLive, { kind: 'refused', code: 'SHOW_NOT_LIVE' }, 'a show that never went live takes no order');
  t.equal(ledger.get('o2'), undefined);
  t.match(await place({ orderId: 'o5', idempotencyKey: 'k5', at: 13_000 }), { kind: 'placed', order: { streamMs: 3000 } });

  const outbox = () => db.prepare('SELECT count(*) FROM webhook_outbox').pluck().get();
  t.equal(outbox(), 2, 'one outbox row per order and endpoint, in the same transaction');
  const refused = await place({ orderId: 'o3', idempotencyKey: 'k3', quantity: 2 });
  t.match(refused, { kind: 'refused', code: 'SOLD_OUT' });
  t.equal(outbox(), 2, 'a refusal writes no outbox row');
  t.equal(events.listForShow('liveshow0001', 10).filter((e) => e.type === 'order.created').length, 2, 'and no timeline event (the two placed orders have theirs)');
  t.equal(ledger.get('o3'), undefined);

  t.match(await place({ orderId: 'o4' }), { kind: 'replayed', order: { id: 'o1' } }, 'the same key and request replays the first order');
  t.match(ledger.transition('o1', ['pending'], 'cancelled', 20_000), { status: 'cancelled', updatedAt: 20_000, streamMs: 2500 });
  t.equal(events.listForShow('liveshow0001', 10).find((e) => e.type === 'order.cancelled')?.streamMs, 10_000, 'the cancel in stream time');
  t.equal(createProductRepository(db).get('p1')?.stock, 2, 'the cancel gave the stock back');
});
