import t from 'tap';
import { parseMoney } from '../../src/commerce/product-catalog.js';
import { buildTestApp } from '../helpers/app.js';
import { openForOrders } from '../helpers/checkout.js';

t.test('money in CSV: decimals of the currency, nothing rounded', async (t) => {
  t.equal(parseMoney('19.99', 'USD'), 1999);
  t.equal(parseMoney('19.9', 'USD'), 1990);
  t.equal(parseMoney('19', 'USD'), 1900);
  t.equal(parseMoney('1200', 'JPY'), 1200);
  t.equal(parseMoney('1.5', 'JPY'), null, 'yen has no minor unit');
  t.equal(parseMoney('19.999', 'USD'), null);
  t.equal(parseMoney('-1', 'USD'), null);
  t.equal(parseMoney('1e3', 'USD'), null);
  t.equal(parseMoney('12.345', 'KWD'), 12345);
  t.equal(parseMoney('10', 'XYZ'), null);
});

t.test('catalog: edit, delete, CSV import', async (t) => {
  const { app, auth, db } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const json = (method: 'POST' | 'GET' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
    app.inject({ method, url, headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
  const csv = (text: string, query = '') => app.inject({ method: 'POST', url: `/api/products/import${query}`, headers: { ...auth, 'content-type': 'text/csv' }, payload: text });
  const products = async () => (await json('GET', '/api/products')).json() as Array<{ sku: string; price: number; stock: number; id: string }>;

  await t.test('PATCH changes what it names and checks the result as a whole', async (t) => {
    const p = (await json('POST', '/api/products', { sku: 'P1', title: 'Hose', price: 1000, currency: 'USD', stock: 5 })).json();
    const patched = await json('PATCH', `/api/products/${p.id}`, { price: 900, compareAtPrice: 1200 });
    t.match(patched.json(), { price: 900, compareAtPrice: 1200, title: 'Hose', stock: 5 });
    t.equal((await json('PATCH', `/api/products/${p.id}`, { price: 1300 })).json().code, 'INVALID_PRODUCT', 'now above compare-at');
    t.equal((await json('PATCH', `/api/products/${p.id}`, {})).statusCode, 400);
    t.equal((await json('PATCH', `/api/products/${p.id}`, { price: -5 })).statusCode, 400);
    t.equal((await json('GET', `/api/products/${p.id}`)).json().price, 900, 'unchanged by the refusals');
    t.equal((await json('DELETE', `/api/products/${p.id}`)).statusCode, 204);
    t.equal((await json('DELETE', `/api/products/${p.id}`)).json().code, 'PRODUCT_NOT_FOUND');
  });

  await t.test('stock is written only when the edit is about stock, and never from a stale read', async (t) => {
    const p = (await json('POST', '/api/products', { sku: 'ST1', title: 'Towel', price: 1000, currency: 'EUR', stock: 20 })).json();
    t.equal(p.stockVersion, 0);
    const show = (await json('POST', '/api/shows', { title: 'Stock' })).json();
    openForOrders(db, show.id, [p.id]);
    const viewer = (await app.inject({ method: 'POST', url: '/api/viewers', headers: { 'content-type': 'application/json' }, payload: '{"displayName":"Ana"}' })).json();
    const order = await app.inject({ method: 'POST', url: `/api/shows/${show.id}/orders`, headers: { authorization: `Bearer ${viewer.token}`, 'content-type': 'application/json', 'idempotency-key': 'st1' }, payload: JSON.stringify({ productId: p.id, quantity: 1 }) });
    t.equal(order.statusCode, 201);
    const afterOrder = (await json('GET', `/api/products/${p.id}`)).json();
    t.match(afterOrder, { stock: 19, stockVersion: 1 }, 'an order moves the stock version on');

    const described = await json('PATCH', `/api/products/${p.id}`, { description: 'Soft and big', title: 'Beach towel', price: 1100 });
    t.match(described.json(), { description: 'Soft and big', stock: 19, stockVersion: 1 }, 'a text edit leaves stock and its version alone');

    const noVersion = await json('PATCH', `/api/products/${p.id}`, { description: 'x', stock: 20 });
    t.equal(noVersion.statusCode, 400);
    t.equal(noVersion.json().code, 'STOCK_VERSION_REQUIRED', 'stock without the version it was read at is refused');
    const stale = await json('PATCH', `/api/products/${p.id}`, { description: 'stale form', stock: 20, stockVersion: 0 });
    t.equal(stale.statusCode, 409);
    t.equal(stale.json().code, 'STALE_STOCK');
    t.match(stale.json().details, { stock: 19, stockVersion: 1 }, 'the refusal says what the stock is now');
    t.equal((await json('GET', `/api/products/${p.id}`)).json().description, 'Soft and big', 'a refused edit changes nothing, its text included');

    const fresh = await json('PATCH', `/api/products/${p.id}`, { stock: 30, stockVersion: 1 });
    t.match(fresh.json(), { stock: 30, stockVersion: 2 }, 'a stock edit from the current version is taken');
    const adjusted = await json('PATCH', `/api/products/${p.id}`, { stockAdjust: -5 });
    t.match(adjusted.json(), { stock: 25, stockVersion: 3 }, 'relative edits need no version');
    const below = await json('PATCH', `/api/products/${p.id}`, { stockAdjust: -26 });
    t.equal(below.json().code, 'INVALID_PRODUCT', 'not below 0');
    t.equal((await json('PATCH', `/api/products/${p.id}`, { stock: 3, stockVersion: 3, stockAdjust: 1 })).json().code, 'INVALID_PRODUCT', 'not both at once');
    t.equal((await json('GET', `/api/products/${p.id}`)).json().stock, 25);
  });

  await t.test('a product in a flash sale cannot be deleted', async (t) => {
    const p = (await json('POST', '/api/products', { sku: 'P2', title: 'Rake', price: 1000, currency: 'USD', stock: 5 })).json();
    const show = (await json('POST', '/api/shows', { title: 'S' })).json();
    await json('POST', `/api/shows/${show.id}/flash-sales`, { productId: p.id, price: 500, quantity: 2, durationSeconds: 60 });
    t.equal((await json('DELETE', `/api/products/${p.id}`)).json().code, 'PRODUCT_IN_USE');
  });

  await t.test('CSV import creates and updates, all or nothing', async (t) => {
    const good = 'sku,title,description,price,currency,compareAtPrice,stock\nC1,"Hose, 30 m","Long, green",19.99,usd,29.99,10\nC2,花园软管 🌿,,1200,JPY,,3\nP2,Rake v2,,11.00,USD,,7\n';
    const dry = await csv(good, '?dryRun=true');
    t.same(dry.json(), { created: 2, updated: 1, rows: 3, dryRun: true });
    t.notOk((await products()).some((p) => p.sku === 'C1'), 'a dry run stores nothing');
    const res = await csv(good);
    t.same(res.json(), { created: 2, updated: 1, rows: 3, dryRun: false });
    const all = await products();
    t.match(all.find((p) => p.sku === 'C1'), { price: 1999, stock: 10 });
    t.match(all.find((p) => p.sku === 'C2'), { price: 1200 });
    t.match(all.find((p) => p.sku === 'P2'), { price: 1100, stock: 7 });
  });

  await t.test('a CSV with bad rows imports nothing and says what is wrong where', async (t) => {
    const before = await products();
    const bad = [
      'sku,title,price,currency,stock',
      'OK1,Fine,1.00,USD,1',
      'BAD1,Negative,-1,USD,1',
      'BAD2,Fraction of a cent,1.234,USD,1',
      'BAD3,Unknown money,1.00,XYZ,1',
      'BAD4,Half a unit,1.00,USD,1.5',
      ',No sku,1.00,USD,1',
      'OK1,Twice,1.00,USD,1',
      'BAD5,Short row,1.00',
    ].join('\n');
    const res = await csv(bad);
    t.equal(res.statusCode, 422);
    t.equal(res.json().code, 'CSV_INVALID');
    const lines = res.json().details.map((d: { line: number; problems: Array<{ field: string }> }) => [d.line, d.problems.map((p) => p.field).join('+')]);
    t.same(lines, [[3, 'price'], [4, 'price'], [5, 'price+currency'], [6, 'stock'], [7, 'sku'], [8, 'sku'], [9, 'row+price+stock+currency']]);
    t.same(await products(), before, 'nothing imported or changed');
    t.equal((await csv('sku,title\nA,B\n')).json().code, 'CSV_INVALID', 'missing columns');
    t.match((await csv('sku,title,price,currency,stock,colour\n')).json().message, /unknown: colour/);
    t.equal((await csv('"unterminated,quote\n')).json().code, 'CSV_INVALID');
    const huge = 'sku,title,price,currency,stock\n' + 'X,Y,1.00,USD,1\n'.repeat(400_000);
    t.equal((await csv(huge)).statusCode, 413, 'a huge file is refused by size');
    const many = 'sku,title,price,currency,stock\n' + Array.from({ length: 10_001 }, (_, i) => `S${i},T,1.00,USD,1`).join('\n');
    t.match((await csv(many)).json().message, /at most 10000 rows/);
  });
});
