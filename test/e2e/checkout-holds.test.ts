// Checkout over real HTTP and WebSocket, on a real SQLite file: variant stock held exactly under
// 1,000 concurrent buyers, a hold that runs out gives its stock back (and the viewers' lineup
// says so), and an expired order can no longer be paid. The sweep is driven with a time ahead
// of the hold (Orders.expireDue(at)): holds are minutes long in the config.
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { LISTEN_BACKLOG } from '../../src/http/app.js';
import { buildTestApp } from '../helpers/app.js';
import { LiveClient } from '../helpers/live-client.js';
import { addVariants, variantStock } from '../helpers/checkout.js';

const contact = { name: 'Ana Buyer', email: 'ana@example.test' };
const shippingAddress = { name: 'Ana Buyer', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };

t.test('checkout holds over real HTTP', async (t) => {
  const { app, auth, db, services } = await buildTestApp({ viewerRateLimitPerMinute: 1_000_000, apiRateLimitPerMinute: 1_000_000 });
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  // the server's own backlog: 1,000 buyers connect at once
  await app.listen({ host: '127.0.0.1', port: 0, backlog: LISTEN_BACKLOG });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const viewers = async (n: number) => {
    const tokens: Array<{ token: string; viewerId: string }> = [];
    for (let i = 0; i < n; i += 100) {
      tokens.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(100, n - i) }, (_, j) =>
            fetch(`${base}/api/viewers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: `buyer ${i + j}` }) }).then((r) => r.json() as Promise<{ token: string; viewerId: string }>),
          ),
        )),
      );
    }
    return tokens;
  };
  const buy = async (token: string, showId: string, body: Record<string, unknown>, key: string) => {
    const res = await fetch(`${base}/api/shows/${showId}/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ quantity: 1, contact, shippingAddress, ...body }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  const tee = (await admin('POST', '/api/products', { sku: 'TEE', title: 'Tee', price: 2500, currency: 'USD', stock: 0 })).body;
  addVariants(db, tee.id, [{ name: 'Size', values: ['M', 'L'] }], [
    { id: 'tee-m', sku: 'TEE-M', options: { Size: 'M' }, price: 2500, stock: 120 },
    { id: 'tee-l', sku: 'TEE-L', options: { Size: 'L' }, price: 2700, stock: 80 },
  ]);
  const mug = (await admin('POST', '/api/products', { sku: 'MUG', title: 'Mug', price: 1200, currency: 'USD', stock: 5 })).body;
  const show = (await admin('POST', '/api/shows', { title: 'Drop' })).body;
  t.equal((await admin('PUT', `/api/shows/${show.id}/lineup`, { productIds: [tee.id, mug.id] })).status, 200);
  services.shows.markLive(show.id, Date.now());

  await t.test('1,000 concurrent buyers of two variants: exactly the stock of each is sold, never more', async (t) => {
    const buyers = await viewers(1000);
    const results = await Promise.all(buyers.map((b, i) => buy(b.token, show.id, { productId: tee.id, variantId: i % 2 ? 'tee-l' : 'tee-m' }, `tee-${i}`)));
    const sold = (variantId: string) => results.filter((r) => r.status === 201 && r.body.variantId === variantId);
    t.equal(sold('tee-m').length, 120, 'M: all 120, no more');
    t.equal(sold('tee-l').length, 80, 'L: all 80, no more');
    t.ok(sold('tee-l').every((r) => r.body.unitPrice === 2700 && r.body.status === 'pending' && r.body.holdExpiresAt !== null), "each at its variant's price, pending, holding");
    const refusals = new Set(results.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.body.code}`));
    t.same([...refusals], ['409 SOLD_OUT'], 'the rest are told sold out');
    t.equal(variantStock(db, 'tee-m'), 0);
    t.equal(variantStock(db, 'tee-l'), 0);
    const inDb = db.prepare('SELECT variant_id, SUM(quantity) AS n FROM orders WHERE product_id = ? GROUP BY variant_id ORDER BY variant_id').all(tee.id);
    t.same(inDb, [{ variant_id: 'tee-l', n: 80 }, { variant_id: 'tee-m', n: 120 }], 'the database holds exactly what was answered');
    t.equal(db.prepare('SELECT stock FROM products WHERE id = ?').pluck().get(tee.id), 0, "the product row's own stock is untouched");
  });

  await t.test('a hold runs out: the order expires, its stock comes back and the viewers see it; it can no longer be paid', async (t) => {
    const [buyer] = await viewers(1);
    const watcher = await LiveClient.open(base, show.id);
    t.teardown(() => watcher.close());
    const mine = await LiveClient.open(base, show.id, { token: buyer!.token });
    t.teardown(() => mine.close());
    const host = await LiveClient.open(base, show.id, { authorization: auth.authorization });
    t.teardown(() => host.close());
    await watcher.next((m) => m.type === 'welcome');
    await host.next((m) => m.type === 'welcome');

    const placed = await buy(buyer!.token, show.id, { productId: mug.id, quantity: 2 }, 'mug-1');
    t.equal(placed.status, 201);
    const order = placed.body;
    t.match(order, { status: 'pending', payment: { provider: 'manual' }, contact, shippingAddress });
    const holdEnds = Date.parse(order.holdExpiresAt);
    t.ok(holdEnds - Date.parse(order.createdAt) === 4320 * 60_000, 'a manual order holds for manualHoldMinutes');
    const left = (m: any) => m.type === 'lineup' && m.items.find((i: { id: string }) => i.id === mug.id)?.stockLeft;
    await watcher.next((m) => left(m) === 3, 5000);
    await host.next((m) => m.type === 'order' && (m as any).order.id === order.id && (m as any).order.viewerName === 'buyer 0');

    // (the sweep also expires the earlier buyers' holds, which ended before this one)
    t.notOk(services.orders.expireDue(holdEnds - 1).some((o) => o.id === order.id), 'not a moment before the hold ends');
    const expired = services.orders.expireDue(holdEnds);
    t.same(expired.map((o) => [o.id, o.status, o.holdExpiresAt]), [[order.id, 'expired', null]]);
    t.equal(db.prepare('SELECT stock FROM products WHERE id = ?').pluck().get(mug.id), 5, 'the stock is back');
    await watcher.next((m) => left(m) === 5, 5000);
    await mine.next((m) => m.type === 'my-order' && (m as any).order.status === 'expired');
    const timeline = (await admin('GET', `/api/shows/${show.id}/timeline`)).body.events as Array<{ type: string; payload: { orderId?: string } }>;
    t.ok(timeline.some((e) => e.type === 'order.expired' && e.payload.orderId === order.id), 'the release is on the timeline');
    t.equal(db.prepare("SELECT count(*) FROM webhook_outbox WHERE event_type = 'order.expired'").pluck().get(), 0, 'no endpoint, no webhook row (the outbox fans out per endpoint)');

    const paid = await admin('POST', `/api/orders/${order.id}/mark-paid`);
    t.equal(paid.status, 409);
    t.equal(paid.body.code, 'ORDER_EXPIRED', 'the merchant cannot mark it paid');
    t.same(services.orders.paidByProvider('manual', order.id, Date.now()), { refused: 'ORDER_EXPIRED' }, 'nor can a provider: the adapter gives the money back');
    const mineNow = await fetch(`${base}/api/me/orders`, { headers: { authorization: `Bearer ${buyer!.token}` } });
    t.match(((await mineNow.json()) as any).orders, [{ id: order.id, status: 'expired' }], 'the viewer sees it expired');
  });

  await t.test('a pending order past its hold is not paid even before the sweep comes by', async (t) => {
    const [buyer] = await viewers(1);
    const order = (await buy(buyer!.token, show.id, { productId: mug.id }, 'mug-late')).body;
    t.same(services.orders.paidByProvider('manual', order.id, Date.parse(order.holdExpiresAt)), { refused: 'ORDER_EXPIRED' });
    t.equal(services.orders.get(order.id).status, 'pending', 'the sweep expires it, not the refusal');
  });
});
