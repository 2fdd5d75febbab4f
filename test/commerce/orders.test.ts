// Orders on a real ledger (SQLite file) with the payment provider at its port: a card order is
// refunded through the provider before it turns refunded, a provider that refuses leaves it paid;
// paidByProvider pays a pending order once and refuses a lapsed one; a lapsed hold tells the
// provider to take no money; the sweep's timer contains its errors and never holds the process.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Orders, type PaymentGatewayForOrders } from '../../src/commerce/orders.js';
import { createLineupRepository } from '../../src/db/lineup-repository.js';
import { openDatabase } from '../../src/db/open.js';
import { createOrderLedger } from '../../src/db/order-ledger.js';
import { createProductRepository } from '../../src/db/product-repository.js';
import { createShowEventRepository, createShowRepository } from '../../src/db/show-repository.js';
import { createViewerRepository } from '../../src/db/viewer-repository.js';
import { createWebhookStore } from '../../src/db/webhook-store.js';
import type { Order } from '../../src/domain/order.js';
import type { OrderLedger } from '../../src/domain/ports.js';

function setup(t: { teardown(fn: () => void): void }, wrapLedger: (ledger: OrderLedger) => OrderLedger = (l) => l) {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'hawker-orders-')), 'h.db'));
  t.teardown(() => db.close());
  const shows = createShowRepository(db);
  const viewers = createViewerRepository(db);
  createProductRepository(db).create({ id: 'p1', sku: 'S', title: 'Mug', description: '', price: 1200, currency: 'EUR', compareAtPrice: null, stock: 10, stockVersion: 0, hasImage: false, options: [], variants: [], createdAt: 1, updatedAt: 1 });
  viewers.create({ id: 'v1', displayName: 'Ana', createdAt: 1 }, 'h'.repeat(64));
  shows.create({ id: 'show1', title: 'Show', host: 'Ana', scheduledAt: null, status: 'scheduled', streamKey: 'k'.repeat(43), createdAt: 1, startedAt: null, endedAt: null, recordingDeletedAt: null });
  shows.markLive('show1', 1000);
  createLineupRepository(db).set('show1', ['p1']);
  let now = 10_000;
  const errors: string[] = [];
  const orders = new Orders({
    ledger: wrapLedger(createOrderLedger(db, { events: createShowEventRepository(db), webhooks: createWebhookStore(db) })),
    overlays: { get: () => undefined },
    levelOf: () => 0,
    rules: { holdMs: 600_000, manualHoldMs: 3_600_000, replayOrders: true, shippingFlat: {}, taxPercent: 0 },
    providers: ['manual', 'stripe'],
    profiles: { get: (id) => viewers.profile(id), set: (id, p) => viewers.setProfile(id, p) },
    onError: (err, what) => errors.push(`${what}: ${err instanceof Error ? err.message : String(err)}`),
    now: () => now,
  });
  const calls: string[] = [];
  let refuseRefund = false;
  const gateway: PaymentGatewayForOrders = {
    provider: 'stripe',
    refund: async (o: Order) => {
      calls.push(`refund ${o.id} ${o.payment.reference}`);
      if (refuseRefund) throw new Error('card_declined');
    },
    cancel: async (o: Order) => {
      calls.push(`cancel ${o.id} ${o.payment.reference}`);
      throw new Error('provider down');
    },
  };
  orders.useGateway(gateway);
  const stock = () => db.prepare("SELECT stock FROM products WHERE id = 'p1'").pluck().get() as number;
  let key = 0;
  const place = (payment: 'manual' | 'stripe') => orders.place({ showId: 'show1', viewerId: 'v1', productId: 'p1', quantity: 1, idempotencyKey: `k${++key}`, payment });
  return { orders, calls, errors, stock, place, setNow: (at: number) => (now = at), refuse: (on: boolean) => (refuseRefund = on) };
}

t.test('a card order: paid by the provider once, refunded through it', async (t) => {
  const s = setup(t);
  const { order } = await s.place('stripe');
  t.equal(order.holdExpiresAt, 10_000 + 600_000, 'a card order holds for holdMinutes');
  s.orders.attachPayment(order.id, 'stripe', 'pi_123');
  t.same(s.orders.paidByProvider('manual', 'pi_123', 20_000), { refused: 'ORDER_NOT_FOUND' }, "another provider's word does not pay it");
  t.match(s.orders.paidByProvider('stripe', 'pi_123', 20_000), { id: order.id, status: 'paid', paidAt: 20_000, holdExpiresAt: null });
  t.match(s.orders.paidByProvider('stripe', 'pi_123', 21_000), { status: 'paid', paidAt: 20_000 }, 'a replayed notice changes nothing');
  t.throws(() => s.orders.markPaid(order.id), { code: 'ORDER_STATE' }, 'the merchant does not mark a card order paid');

  s.refuse(true);
  await t.rejects(s.orders.refund(order.id), { message: 'card_declined' });
  t.equal(s.orders.get(order.id).status, 'paid', 'a refund the provider refused leaves it paid');
  s.refuse(false);
  t.match(await s.orders.refund(order.id), { status: 'refunded' });
  t.same(s.calls, [`refund ${order.id} pi_123`, `refund ${order.id} pi_123`]);
});

t.test('a lapsed hold: refused to the provider, expired by the sweep, the provider told to take nothing', async (t) => {
  const s = setup(t);
  const { order } = await s.place('stripe');
  s.orders.attachPayment(order.id, 'stripe', 'pi_9');
  t.equal(s.stock(), 9);
  t.same(s.orders.paidByProvider('stripe', 'pi_9', order.holdExpiresAt!), { refused: 'ORDER_EXPIRED' });
  s.setNow(order.holdExpiresAt!);
  t.throws(() => s.orders.markPaid(order.id), { code: 'ORDER_STATE' });
  t.match(s.orders.expireDue(), [{ id: order.id, status: 'expired' }]);
  t.equal(s.stock(), 10, 'the stock is back');
  t.same(s.orders.paidByProvider('stripe', 'pi_9', order.holdExpiresAt! + 1), { refused: 'ORDER_EXPIRED' }, 'an expired order is refused: the adapter refunds');
  t.throws(() => s.orders.cancel(order.id), { code: 'ORDER_EXPIRED' });
  await new Promise((r) => setImmediate(r));
  t.same(s.calls, [`cancel ${order.id} pi_9`]);
  t.same(s.errors, [`cancel of ${order.id}'s payment at stripe: provider down`], "the provider's failure is told, not thrown");
});

t.test('the sweep: an unref’d timer whose errors are told, not thrown', async (t) => {
  // the first sweep round fails as a busy database would; the next one works
  let failing = true;
  const s = setup(t, (ledger) => ({
    ...ledger,
    expireDue: (at, limit) => {
      if (failing) {
        failing = false;
        throw new Error('SQLITE_BUSY');
      }
      return ledger.expireDue(at, limit);
    },
  }));
  const { order } = await s.place('manual');
  s.setNow(order.holdExpiresAt!);
  s.orders.startSweep(20);
  t.teardown(() => s.orders.stopSweep());
  const timer = (s.orders as unknown as { sweepTimer: NodeJS.Timeout }).sweepTimer;
  t.equal(timer.hasRef(), false, 'the timer never keeps the process up');
  await new Promise((r) => setTimeout(r, 200));
  t.same(s.errors, ['order hold sweep: SQLITE_BUSY']);
  t.equal(s.orders.get(order.id).status, 'expired', 'the next round expired it');
  t.equal(s.stock(), 10);
});
