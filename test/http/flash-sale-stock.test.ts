import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { openForOrders } from '../helpers/checkout.js';

// A flash sale offers at most what is left after every order so far: its default is all of it,
// and more is refused with the figure.
t.test('flash sale quantity: default and maximum are the stock left', async (t) => {
  const { app, auth, db } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const admin = (method: 'POST' | 'GET' | 'DELETE', url: string, body?: unknown) =>
    app.inject({ method, url, headers: auth, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
  const product = (await admin('POST', '/api/products', { sku: 'MUG', title: 'Mug', price: 1200, currency: 'EUR', stock: 5 })).json();
  const show = (await admin('POST', '/api/shows', { title: 'Sale' })).json();
  openForOrders(db, show.id, [product.id]);
  const viewer = (await app.inject({ method: 'POST', url: '/api/viewers', payload: { displayName: 'Ana' } })).json();
  for (const key of ['k1', 'k2', 'k3']) {
    const res = await app.inject({ method: 'POST', url: `/api/shows/${show.id}/orders`, headers: { authorization: `Bearer ${viewer.token}`, 'idempotency-key': key }, payload: { productId: product.id, quantity: 1 } });
    t.equal(res.statusCode, 201);
  }
  const tooMany = await admin('POST', `/api/shows/${show.id}/flash-sales`, { productId: product.id, price: 900, quantity: 5, durationSeconds: 60 });
  t.equal(tooMany.statusCode, 409);
  t.match(tooMany.json(), { code: 'NOT_ENOUGH_STOCK', message: /2 left in stock.*asks for 5 \(at most 2\)/ }, 'the stock already sold counts');
  const byDefault = await admin('POST', `/api/shows/${show.id}/flash-sales`, { productId: product.id, price: 900, durationSeconds: 60 });
  t.equal(byDefault.statusCode, 201);
  t.match(byDefault.json().overlay.flashSale, { quantity: 2, remaining: 2 }, 'without a quantity: all that is left');
  t.equal((await admin('DELETE', `/api/shows/${show.id}/flash-sales/current`)).statusCode, 200);
  t.equal((await admin('POST', `/api/shows/${show.id}/flash-sales`, { productId: product.id, price: 900, quantity: 2, durationSeconds: 60 })).statusCode, 201, 'exactly the stock left is fine');
  await admin('DELETE', `/api/shows/${show.id}/flash-sales/current`);
  for (const key of ['k4', 'k5']) {
    await app.inject({ method: 'POST', url: `/api/shows/${show.id}/orders`, headers: { authorization: `Bearer ${viewer.token}`, 'idempotency-key': key }, payload: { productId: product.id, quantity: 1 } });
  }
  t.match((await admin('POST', `/api/shows/${show.id}/flash-sales`, { productId: product.id, price: 900, durationSeconds: 60 })).json(), { code: 'NOT_ENOUGH_STOCK', message: /sold out/ }, 'nothing left: no sale');
});
