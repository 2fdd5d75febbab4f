// The checkout's order routes over the real app on a real SQLite file: where and when orders are
// taken (lineup, live, replay), the quote, the viewer's profile and orders, the manual flow
// (the merchant marks paid and ships; the viewer sees it), and the merchant's list, detail and
// CSV export. The viewer can never make an order paid.
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { addVariants, openForOrders } from '../helpers/checkout.js';

const contact = { name: 'Ana Buyer', email: 'ana@example.test', phone: '+1 555 0100' };
const shippingAddress = { name: 'Ana Buyer', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' };

t.test('checkout orders', async (t) => {
  const { app, auth, db, services } = await buildTestApp({ checkout: { shippingFlat: { USD: 500 }, taxPercent: 10 } });
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const admin = (method: 'POST' | 'GET' | 'PUT', url: string, body?: unknown) =>
    app.inject({ method, url, headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
  const viewer = async (name: string) => (await app.inject({ method: 'POST', url: '/api/viewers', payload: { displayName: name } })).json() as { token: string; viewerId: string };
  const as = (token: string, method: 'POST' | 'GET' | 'PUT', url: string, body?: unknown, key?: string) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
  let keys = 0;
  const order = (token: string, showId: string, body: Record<string, unknown>) => as(token, 'POST', `/api/shows/${showId}/orders`, { quantity: 1, contact, shippingAddress, ...body }, `k${++keys}`);

  const hat = (await admin('POST', '/api/products', { sku: 'HAT', title: 'Hat', price: 2000, currency: 'USD', stock: 50 })).json();
  const tee = (await admin('POST', '/api/products', { sku: 'TEE', title: 'Tee', price: 1500, currency: 'USD', stock: 0 })).json();
  addVariants(db, tee.id, [{ name: 'Size', values: ['M', 'L'] }, { name: 'Colour', values: ['Red'] }], [
    { id: 'tee-m-red', sku: 'TEE-M-R', options: { Colour: 'Red', Size: 'M' }, price: 1500, stock: 5 },
    { id: 'tee-l-red', sku: 'TEE-L-R', options: { Size: 'L', Colour: 'Red' }, price: 1700, stock: 5 },
  ]);
  const elsewhere = (await admin('POST', '/api/products', { sku: 'SOFA', title: 'Sofa', price: 90000, currency: 'USD', stock: 2 })).json();
  const live = (await admin('POST', '/api/shows', { title: 'Live' })).json();
  openForOrders(db, live.id, [hat.id, tee.id], Date.now() - 90_000);
  const ana = await viewer('Ana');
  const ben = await viewer('Ben');

  await t.test('refusals, each with its code', async (t) => {
    const scheduled = (await admin('POST', '/api/shows', { title: 'Later', scheduledAt: new Date(Date.now() + 3600_000).toISOString() })).json();
    await admin('PUT', `/api/shows/${scheduled.id}/lineup`, { productIds: [hat.id] });
    const cases: Array<[string, Record<string, unknown>, string, number, string]> = [
      ['a scheduled show', { productId: hat.id }, scheduled.id, 409, 'SHOW_NOT_LIVE'],
      ['a product outside the lineup', { productId: elsewhere.id }, live.id, 422, 'NOT_IN_LINEUP'],
      ['a product with variants, none named', { productId: tee.id }, live.id, 400, 'VARIANT_REQUIRED'],
      ['a variant the product does not have', { productId: tee.id, variantId: 'nope' }, live.id, 404, 'VARIANT_NOT_FOUND'],
      ['a provider not configured', { productId: hat.id, payment: 'stripe' }, live.id, 400, 'PAYMENT_UNAVAILABLE'],
      ['an address without its city', { productId: hat.id, shippingAddress: { ...shippingAddress, city: undefined } }, live.id, 400, 'VALIDATION_FAILED'],
      ['a contact with control characters', { productId: hat.id, contact: { ...contact, name: 'Ana\u0007' } }, live.id, 400, 'VALIDATION_FAILED'],
    ];
    for (const [name, body, showId, status, code] of cases) {
      const res = await order(ana.token, showId, body);
      t.equal(res.statusCode, status, name);
      t.equal(res.json().code, code, name);
    }
    t.equal((await admin('GET', `/api/products/${hat.id}`)).json().stock, 50, 'nothing taken');
    const quote = await as(ana.token, 'POST', `/api/shows/${scheduled.id}/quote`, { productId: hat.id, quantity: 1 });
    t.equal(quote.json().code, 'SHOW_NOT_LIVE', 'a quote is refused as the order would be');
  });

  await t.test('a quote: price, sale, coupon, shipping and tax; it takes nothing', async (t) => {
    await admin('POST', '/api/coupons', { code: 'TEN', kind: 'percent', amount: 10 });
    const q = await as(ana.token, 'POST', `/api/shows/${live.id}/quote`, { productId: tee.id, variantId: 'tee-l-red', quantity: 2, couponCode: 'ten' });
    t.equal(q.statusCode, 200);
    // 2 x 1700 = 3400, 10% off -> 3060, tax 10% -> 306, shipping 500
    t.same(q.json(), { currency: 'USD', unitPrice: 1700, regularPrice: 1700, quantity: 2, subtotal: 3400, discount: 340, shipping: 500, tax: 306, total: 3866, coupon: { code: 'TEN' } });
    t.equal(db.prepare('SELECT stock FROM product_variants WHERE id = ?').pluck().get('tee-l-red'), 5, 'no stock taken');
  });

  let placed: { id: string; total: number };
  await t.test('a variant order: its price, shipping and tax in the total, contact and address kept and remembered', async (t) => {
    const res = await order(ana.token, live.id, { productId: tee.id, variantId: 'tee-m-red', quantity: 2 });
    t.equal(res.statusCode, 201);
    placed = res.json();
    t.match(placed, { variantId: 'tee-m-red', unitPrice: 1500, discount: 0, shipping: 500, tax: 300, total: 3800, replay: false, status: 'pending', payment: { provider: 'manual', reference: null }, contact, shippingAddress, carrier: null, trackingNumber: null, paidAt: null, shippedAt: null });
    t.equal(db.prepare('SELECT stock FROM product_variants WHERE id = ?').pluck().get('tee-m-red'), 3);
    t.same((await as(ana.token, 'GET', '/api/me/profile')).json(), { contact, shippingAddress }, 'remembered for the next checkout');
    const next = await as(ana.token, 'POST', `/api/shows/${live.id}/orders`, { productId: hat.id, quantity: 1 }, 'no-address');
    t.match(next.json(), { contact, shippingAddress }, 'an order without them takes the remembered ones');
    const other = { ...shippingAddress, line1: '2 Side St' };
    t.same((await as(ana.token, 'PUT', '/api/me/profile', { contact, shippingAddress: other })).json(), { contact, shippingAddress: other });
    t.same((await as(ben.token, 'GET', '/api/me/profile')).json(), { contact: null, shippingAddress: null }, "another viewer's profile is their own");
  });

  await t.test('the viewer cannot make an order paid: no route in their reach does', async (t) => {
    t.equal((await as(ana.token, 'POST', `/api/orders/${placed.id}/pay`)).statusCode, 404, 'the pay route is gone');
    for (const path of ['mark-paid', 'ship', 'refund']) {
      const res = await as(ana.token, 'POST', `/api/orders/${placed.id}/${path}`, path === 'ship' ? { carrier: 'UPS', trackingNumber: '1Z' } : undefined);
      t.equal(res.statusCode, 401, `${path} is the merchant's`);
    }
    t.equal((await as(ana.token, 'GET', `/api/orders/${placed.id}`)).json().status, 'pending', 'still pending');
  });

  await t.test('manual flow: the merchant marks paid and ships with tracking; the viewer sees it shipped', async (t) => {
    t.equal((await admin('POST', `/api/orders/${placed.id}/ship`, { carrier: 'UPS', trackingNumber: '1Z999' })).json().code, 'ORDER_STATE', 'not shipped before it is paid');
    const paid = (await admin('POST', `/api/orders/${placed.id}/mark-paid`)).json();
    t.match(paid, { status: 'paid', holdExpiresAt: null, paidAt: /^\d{4}-/ });
    t.equal((await admin('POST', `/api/orders/${placed.id}/mark-paid`)).json().status, 'paid', 'marking it again changes nothing');
    t.equal((await admin('POST', `/api/orders/${placed.id}/ship`, { carrier: 'UPS', trackingNumber: '<b>' })).statusCode, 400, 'a tracking number is letters, digits and . _ / -');
    t.equal((await admin('POST', `/api/orders/${placed.id}/ship`, { carrier: 'UPS', trackingNumber: 'x'.repeat(101) })).statusCode, 400, 'and at most 100 of them');
    const shipped = (await admin('POST', `/api/orders/${placed.id}/ship`, { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' })).json();
    t.match(shipped, { status: 'shipped', carrier: 'UPS', trackingNumber: '1Z999AA10123456784', shippedAt: /^\d{4}-/ });
    const mine = (await as(ana.token, 'GET', '/api/me/orders')).json().orders as Array<{ id: string; status: string; trackingNumber: string | null }>;
    t.match(mine.find((o) => o.id === placed.id), { status: 'shipped', trackingNumber: '1Z999AA10123456784' });
    t.equal((await as(ben.token, 'GET', '/api/me/orders')).json().orders.length, 0, "nobody else's");
    const timeline = (await admin('GET', `/api/shows/${live.id}/timeline`)).json().events as Array<{ type: string; payload: Record<string, unknown> }>;
    t.match(timeline.find((e) => e.type === 'order.shipped'), { payload: { orderId: placed.id, carrier: 'UPS', trackingNumber: '1Z999AA10123456784' } });
    t.equal((await admin('POST', `/api/orders/${placed.id}/refund`)).json().status, 'refunded', 'a shipped manual order is refunded by the merchant');
    t.ok(timeline.some((e) => e.type === 'order.paid'));
  });

  await t.test('cancel: the viewer their own pending order, the merchant any pending one', async (t) => {
    const a = (await order(ben.token, live.id, { productId: hat.id })).json();
    t.equal((await as(ana.token, 'POST', `/api/orders/${a.id}/cancel`)).json().code, 'ORDER_NOT_FOUND');
    t.equal((await admin('POST', `/api/orders/${a.id}/cancel-by-merchant`)).json().status, 'cancelled');
    t.equal((await admin('POST', `/api/orders/${a.id}/mark-paid`)).json().code, 'ORDER_STATE', 'a cancelled order is not paid');
  });

  await t.test('after the show: replay orders at the regular price, never the sale price; or none when replay sales are off', async (t) => {
    const sale = await admin('POST', `/api/shows/${live.id}/flash-sales`, { productId: hat.id, price: 1000, quantity: 10, durationSeconds: 600 });
    t.equal(sale.statusCode, 201);
    t.match((await order(ben.token, live.id, { productId: hat.id })).json(), { unitPrice: 1000, replay: false }, 'the sale price while live');
    services.shows.markEnded(live.id, Date.now());
    const replay = (await order(ben.token, live.id, { productId: hat.id })).json();
    t.match(replay, { unitPrice: 2000, flashSaleId: null, replay: true });
    t.equal((await order(ben.token, live.id, { productId: hat.id, price: 1000 })).json().code, 'PRICE_CHANGED', 'the sale price is not in force after the show');

    const closed = await buildTestApp({ checkout: { replayOrders: false } });
    t.teardown(async () => {
      await closed.app.close();
      closed.db.close();
    });
    const p = (await closed.app.inject({ method: 'POST', url: '/api/products', headers: closed.auth, payload: { sku: 'X', title: 'X', price: 100, currency: 'USD', stock: 5 } })).json();
    const s = (await closed.app.inject({ method: 'POST', url: '/api/shows', headers: closed.auth, payload: { title: 'Done' } })).json();
    openForOrders(closed.db, s.id, [p.id]);
    closed.services.shows.markEnded(s.id, Date.now());
    const v = (await closed.app.inject({ method: 'POST', url: '/api/viewers', payload: { displayName: 'V' } })).json();
    const res = await closed.app.inject({ method: 'POST', url: `/api/shows/${s.id}/orders`, headers: { authorization: `Bearer ${v.token}`, 'idempotency-key': 'r1' }, payload: { productId: p.id, quantity: 1 } });
    t.equal(res.statusCode, 409);
    t.equal(res.json().code, 'REPLAY_CLOSED');
  });

  await t.test("the merchant's list: filters, newest first, pages by cursor; the detail; the CSV", async (t) => {
    const all = (await admin('GET', '/api/orders?limit=200')).json();
    t.equal(all.next, null);
    const times = all.orders.map((o: { createdAt: string }) => o.createdAt);
    t.same(times, [...times].sort().reverse(), 'newest first');
    const pages: string[] = [];
    let next: string | null = null;
    do {
      const page: { orders: Array<{ id: string }>; next: string | null } = (await admin('GET', `/api/orders?limit=2${next ? `&before=${next}` : ''}`)).json();
      pages.push(...page.orders.map((o) => o.id));
      next = page.next;
    } while (next);
    t.same(pages, all.orders.map((o: { id: string }) => o.id), 'the pages add up to the list, in order, no repeats');
    const refunded = (await admin('GET', `/api/orders?status=refunded&productId=${tee.id}&showId=${live.id}`)).json().orders;
    t.same(refunded.map((o: { id: string }) => o.id), [placed.id]);
    t.equal((await admin('GET', `/api/orders?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).json().orders.length, 0, 'from a time with no orders after it');
    t.equal((await admin('GET', '/api/orders?status=lost')).statusCode, 400);
    t.equal((await admin('GET', '/api/orders?before=nonsense')).statusCode, 400);

    const detail = (await admin('GET', `/api/orders/${placed.id}/detail`)).json();
    t.match(detail, { id: placed.id, viewerName: 'Ana', productTitle: 'Tee', variantLabel: 'M / Red', recordingUrl: new RegExp(`^/watch/${live.id}\\?t=\\d+$`) });
    t.ok(Number(/t=(\d+)/.exec(detail.recordingUrl)![1]) >= 90, 'at the stream time of the order (the show went live 90 s before)');
    t.equal((await admin('GET', '/api/orders/nope/detail')).json().code, 'ORDER_NOT_FOUND');

    // a buyer's text that a spreadsheet would run
    const mallory = await viewer('Mallory');
    await order(mallory.token, live.id, { productId: hat.id, contact: { name: '=HYPERLINK("http://evil.example","x")', email: 'm@example.test' }, shippingAddress: { ...shippingAddress, line1: '@SUM(A1:A9)', city: '+1+1', region: '-2' } });
    const csv = await admin('GET', `/api/orders.csv?showId=${live.id}`);
    t.equal(csv.statusCode, 200);
    t.match(csv.headers['content-type'], /^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    t.equal(lines.length, 1 + all.orders.length + 1, 'a header and one row per order');
    t.match(lines[0], /^id,createdAt,status,showId,viewerName,productTitle,variantLabel,quantity/);
    const row = lines[1]!;
    t.match(row, `"'=HYPERLINK(""http://evil.example"",""x"")"`, 'the formula is text');
    t.match(row, ",'@SUM(A1:A9),");
    t.match(row, ",'+1+1,'-2,");
    t.notMatch(csv.body, /,=|,@|,\+|,-\d/, 'no cell starts a formula');
  });
});
