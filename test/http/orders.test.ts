import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/wait.js';

t.test('viewers, orders, flash sales, idempotency, webhooks', async (t) => {
  const { app, auth, db, services } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const admin = (method: 'POST' | 'GET' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    app.inject({ method, url, headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
  const viewer = async (name: string) => (await app.inject({ method: 'POST', url: '/api/viewers', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ displayName: name }) })).json();
  const order = (token: string, showId: string, body: unknown, key = `k-${Math.random()}`) =>
    app.inject({ method: 'POST', url: `/api/shows/${showId}/orders`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key }, payload: JSON.stringify(body) });

  // a merchant backend that records what it receives; it fails the first delivery on purpose
  const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  let failNext = true;
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (failNext) {
        failNext = false;
        res.writeHead(503).end();
        return;
      }
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  t.teardown(() => receiver.close());
  const hook = (await admin('POST', '/api/webhooks', { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks` })).json();
  t.match(hook.secret, /^whsec_/);

  const product = (await admin('POST', '/api/products', { sku: 'HOSE', title: 'Hose', price: 1999, currency: 'USD', stock: 10 })).json();
  const show = (await admin('POST', '/api/shows', { title: 'Show' })).json();
  // orders are taken while the show is live, for its lineup
  t.equal((await admin('PUT', `/api/shows/${show.id}/lineup`, { productIds: [product.id] })).statusCode, 200);
  services.shows.markLive(show.id, Date.now());
  const alice = await viewer('Alice');
  t.match(alice, { viewerId: /.+/, displayName: 'Alice', token: /^v_[A-Za-z0-9_-]{43}$/ });

  await t.test('an order takes stock and is durable; the same key replays the same answer', async (t) => {
    const first = await order(alice.token, show.id, { productId: product.id, quantity: 2 }, 'alice-1');
    t.equal(first.statusCode, 201);
    t.match(first.json(), { productId: product.id, quantity: 2, unitPrice: 1999, total: 3998, currency: 'USD', status: 'pending', flashSaleId: null });
    const again = await order(alice.token, show.id, { productId: product.id, quantity: 2 }, 'alice-1');
    t.equal(again.statusCode, 201);
    t.same(again.json(), first.json(), 'same response');
    t.equal((await admin('GET', `/api/products/${product.id}`)).json().stock, 8, 'stock taken once');
    t.equal((await admin('GET', `/api/shows/${show.id}/orders`)).json().length, 1, 'one order');
    const other = await order(alice.token, show.id, { productId: product.id, quantity: 3 }, 'alice-1');
    t.equal(other.statusCode, 422);
    t.equal(other.json().code, 'IDEMPOTENCY_KEY_REUSED');
  });

  await t.test('bad input and forged tokens are refused, nothing changes', async (t) => {
    const cases: Array<[string, () => ReturnType<typeof order>, number, string]> = [
      ['no token', () => app.inject({ method: 'POST', url: `/api/shows/${show.id}/orders`, headers: { 'content-type': 'application/json', 'idempotency-key': 'x' }, payload: JSON.stringify({ productId: product.id, quantity: 1 }) }), 401, 'INVALID_VIEWER_TOKEN'],
      ['forged token', () => order(`v_${'A'.repeat(43)}`, show.id, { productId: product.id, quantity: 1 }), 401, 'INVALID_VIEWER_TOKEN'],
      ['admin token is not a viewer', () => order(auth.authorization.slice(7), show.id, { productId: product.id, quantity: 1 }), 401, 'INVALID_VIEWER_TOKEN'],
      ['no idempotency key', () => app.inject({ method: 'POST', url: `/api/shows/${show.id}/orders`, headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ productId: product.id, quantity: 1 }) }), 400, 'VALIDATION_FAILED'],
      ['zero quantity', () => order(alice.token, show.id, { productId: product.id, quantity: 0 }), 400, 'VALIDATION_FAILED'],
      ['negative quantity', () => order(alice.token, show.id, { productId: product.id, quantity: -1 }), 400, 'VALIDATION_FAILED'],
      ['fractional quantity', () => order(alice.token, show.id, { productId: product.id, quantity: 1.5 }), 400, 'VALIDATION_FAILED'],
      ['unknown product', () => order(alice.token, show.id, { productId: 'nope', quantity: 1 }), 404, 'PRODUCT_NOT_FOUND'],
      ['unknown show', () => order(alice.token, 'nope', { productId: product.id, quantity: 1 }), 404, 'SHOW_NOT_FOUND'],
      ['more than in stock', () => order(alice.token, show.id, { productId: product.id, quantity: 9 }), 409, 'SOLD_OUT'],
      ['an unknown coupon', () => order(alice.token, show.id, { productId: product.id, quantity: 1, couponCode: 'NOSUCH' }), 422, 'COUPON_INVALID'],
      ['a coupon code that cannot be one', () => order(alice.token, show.id, { productId: product.id, quantity: 1, couponCode: '<script>' }), 400, 'VALIDATION_FAILED'],
    ];
    for (const [name, send, status, code] of cases) {
      const res = await send();
      t.equal(res.statusCode, status, name);
      t.equal(res.json().code, code, name);
    }
    t.equal((await admin('GET', `/api/products/${product.id}`)).json().stock, 8, 'stock unchanged');
  });

  await t.test('flash sale: sale price, per-customer limit, sold out; cancel gives stock back', async (t) => {
    const sale = (await admin('POST', `/api/shows/${show.id}/flash-sales`, { productId: product.id, price: 999, quantity: 3, durationSeconds: 60, perCustomerLimit: 2 })).json();
    const saleId = sale.overlay.flashSale.id;
    const bob = await viewer('Bob');
    const carol = await viewer('Carol');
    const b1 = await order(bob.token, show.id, { productId: product.id, quantity: 2 });
    t.match(b1.json(), { unitPrice: 999, total: 1998, flashSaleId: saleId });
    const b2 = await order(bob.token, show.id, { productId: product.id, quantity: 1 });
    t.equal(b2.json().code, 'LIMIT_REACHED');
    t.match((await order(carol.token, show.id, { productId: product.id, quantity: 1 })).json(), { unitPrice: 999 });
    const c2 = await order(carol.token, show.id, { productId: product.id, quantity: 1 });
    t.equal(c2.json().code, 'SOLD_OUT', 'the sale had 3');
    t.equal((await admin('GET', `/api/shows/${show.id}/overlay`)).json().flashSale.remaining, 0);
    const cancelled = await app.inject({ method: 'POST', url: `/api/orders/${b1.json().id}/cancel`, headers: { authorization: `Bearer ${bob.token}` } });
    t.equal(cancelled.json().status, 'cancelled');
    t.equal((await admin('GET', `/api/shows/${show.id}/overlay`)).json().flashSale.remaining, 2, 'sale stock back');
    t.equal((await admin('GET', `/api/products/${product.id}`)).json().stock, 7, 'product stock back: 8 - 2 (Bob) - 1 (Carol) + 2 (Bob cancels)');
    const notYours = await app.inject({ method: 'POST', url: `/api/orders/${b1.json().id}/cancel`, headers: { authorization: `Bearer ${carol.token}` } });
    t.equal(notYours.json().code, 'ORDER_NOT_FOUND', "another viewer's order is invisible");
    t.equal((await app.inject({ url: `/api/orders/${b1.json().id}`, headers: { authorization: `Bearer ${carol.token}` } })).json().code, 'ORDER_NOT_FOUND', 'to read too');
    // the viewer's pay route is gone (issue 14): the merchant marks manual orders paid
    t.equal((await admin('POST', `/api/orders/${b1.json().id}/mark-paid`)).json().code, 'ORDER_STATE', 'a cancelled order cannot be paid');
  });

  await t.test('pay and refund; timeline and webhooks', async (t) => {
    const dave = await viewer('Dave');
    await admin('DELETE', `/api/shows/${show.id}/flash-sales/current`);
    const o = (await order(dave.token, show.id, { productId: product.id, quantity: 1 })).json();
    t.equal((await admin('POST', `/api/orders/${o.id}/mark-paid`)).json().status, 'paid');
    t.equal((await admin('POST', `/api/orders/${o.id}/refund`)).json().status, 'refunded');
    t.equal((await admin('POST', `/api/orders/${o.id}/refund`)).json().status, 'refunded', 'idempotent');
    const timeline = (await admin('GET', `/api/shows/${show.id}/timeline`)).json().events.map((e: { type: string }) => e.type);
    t.ok(timeline.includes('order.created') && timeline.includes('order.paid') && timeline.includes('order.cancelled'));

    for (let i = 0; i < 5; i++) await services.dispatcher.tick();
    // the first delivery got a 503: it is retried after the backoff
    db.prepare('UPDATE webhook_outbox SET next_attempt_at = 0 WHERE delivered_at IS NULL').run();
    await waitFor('every event delivered', async () => {
      await services.dispatcher.tick();
      return db.prepare('SELECT count(*) FROM webhook_outbox WHERE delivered_at IS NULL').pluck().get() === 0;
    }, 10_000, 50);
    const types = received.map((r) => r.headers['hawker-event']);
    t.ok(types.filter((x) => x === 'order.created').length >= 4, 'order.created delivered');
    t.ok(types.includes('order.paid'));
    for (const r of received) {
      const [, ts, mac] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(r.headers['hawker-signature']))!;
      const expected = createHmac('sha256', hook.secret).update(`${ts}.${r.body}`).digest('hex');
      t.equal(mac, expected, `signature of ${r.headers['hawker-event']} checks out`);
    }
    const log = (await admin('GET', `/api/webhooks/${hook.id}/deliveries`)).json();
    t.ok(log.some((d: { statusCode: number }) => d.statusCode === 503), 'the failed attempt is in the delivery log');
    t.ok(log.some((d: { statusCode: number }) => d.statusCode === 204));
  });
});

t.test('stats: per minute, per product, and while pinned', async (t) => {
  let now = Date.parse('2026-11-21T10:00:00Z');
  // a clock the test moves, in place before the services capture Date.now
  const realNow = Date.now;
  Date.now = () => now;
  t.teardown(() => {
    Date.now = realNow;
  });
  const { app, auth, db, services } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const admin = (method: 'POST' | 'GET' | 'DELETE' | 'PUT', url: string, body?: unknown) =>
    app.inject({ method, url, headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
  const a = (await admin('POST', '/api/products', { sku: 'A', title: 'A', price: 1000, currency: 'USD', stock: 100 })).json();
  const b = (await admin('POST', '/api/products', { sku: 'B', title: 'B', price: 500, currency: 'USD', stock: 100 })).json();
  const show = (await admin('POST', '/api/shows', { title: 'S' })).json();
  await admin('PUT', `/api/shows/${show.id}/lineup`, { productIds: [a.id, b.id] });
  services.shows.markLive(show.id, now);
  const v = (await app.inject({ method: 'POST', url: '/api/viewers', headers: { 'content-type': 'application/json' }, payload: '{"displayName":"V"}' })).json();
  const buy = (productId: string) =>
    app.inject({ method: 'POST', url: `/api/shows/${show.id}/orders`, headers: { authorization: `Bearer ${v.token}`, 'content-type': 'application/json', 'idempotency-key': `k${Math.random()}` }, payload: JSON.stringify({ productId, quantity: 1 }) });

  await admin('POST', `/api/shows/${show.id}/pin`, { productId: a.id }); // A pinned 10:00:00-10:02:00
  await buy(a.id);
  now += 30_000;
  await buy(a.id);
  now += 60_000;
  await buy(b.id); // 10:01:30, B not pinned
  now += 30_000;
  await admin('DELETE', `/api/shows/${show.id}/pin`);
  now += 60_000;
  await buy(a.id); // 10:03:00, A no longer pinned
  // two signed-in watchers while A was pinned, as the live hub records them: V (who bought) and W
  const w = (await app.inject({ method: 'POST', url: '/api/viewers', headers: { 'content-type': 'application/json' }, payload: '{"displayName":"W"}' })).json();
  const start = Date.parse('2026-11-21T10:00:00Z');
  const session = db.prepare('INSERT INTO watch_sessions (show_id, viewer_id, joined_at, last_seen_at) VALUES (?, ?, ?, ?)');
  session.run(show.id, v.viewerId, start, start + 180_000);
  session.run(show.id, w.viewerId, start + 10_000, start + 60_000);
  session.run(show.id, w.viewerId, start + 150_000, start + 170_000); // after the pin: not counted twice, not counted
  const stats = (await admin('GET', `/api/shows/${show.id}/stats`)).json();
  t.equal(stats.orders, 4);
  t.same(stats.revenue, { USD: 3500 });
  t.same(stats.perMinute.map((m: { minute: string; orders: number }) => [m.minute.slice(11, 16), m.orders]), [['10:00', 2], ['10:01', 1], ['10:03', 1]]);
  const pa = stats.perProduct.find((p: { productId: string }) => p.productId === a.id);
  t.match(pa, { orders: 3, revenue: 3000, pinnedMs: 120_000, ordersWhilePinned: 2, ordersPerPinnedMinute: 1, viewersWhilePinned: 2, buyersWhilePinned: 1, conversionWhilePinned: 0.5 });
  t.match(stats.perProduct.find((p: { productId: string }) => p.productId === b.id), { orders: 1, pinnedMs: 0, ordersPerPinnedMinute: null });
});

t.test('viewer routes are limited per viewer; merchant routes are not held to that limit', async (t) => {
  const { app, auth, db } = await buildTestApp({ viewerRateLimitPerMinute: 3, apiRateLimitPerMinute: 1000 });
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const show = (await app.inject({ method: 'POST', url: '/api/shows', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"title":"S"}' })).json();
  const merchant = [];
  for (let i = 0; i < 6; i++) merchant.push((await app.inject({ url: `/api/shows/${show.id}/orders`, headers: auth })).statusCode);
  t.same(merchant, [200, 200, 200, 200, 200, 200]);
  const signups = [];
  for (let i = 0; i < 5; i++) signups.push((await app.inject({ method: 'POST', url: '/api/viewers', headers: { 'content-type': 'application/json' }, payload: '{"displayName":"V"}' })).statusCode);
  t.same(signups, [201, 201, 201, 429, 429]);
});
