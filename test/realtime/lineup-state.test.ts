import t from 'tap';
import { buildTestApp, listenTestApp } from '../helpers/app.js';
import { LiveClient, type Received } from '../helpers/live-client.js';

// One source of truth per fact, pushed: the price in force, the stock left, the sale and the
// lineup reach every open socket within a tick of the change, and a socket that connects later
// gets them in its welcome. Real HTTP app, real SQLite file, real WebSockets.
t.test('prices, stock, sale and lineup are pushed and in the welcome', async (t) => {
  const app = await buildTestApp({ viewerRateLimitPerMinute: 100_000 });
  const url = await listenTestApp(app);
  const clients: LiveClient[] = [];
  t.teardown(async () => {
    for (const c of clients) c.close();
    await app.app.close();
    app.db.close();
  });
  const admin = async (method: 'POST' | 'GET' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) => {
    const res = await app.app.inject({ method, url: path, headers: app.auth, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
    return res.json() as Record<string, any>;
  };
  const towel = await admin('POST', '/api/products', { sku: 'TOWEL', title: 'Beach towel', price: 2999, currency: 'EUR', compareAtPrice: 3999, stock: 10 });
  const mug = await admin('POST', '/api/products', { sku: 'MUG', title: 'Mug', price: 1200, currency: 'EUR', stock: 30 });
  const show = await admin('POST', '/api/shows', { title: 'Truth' });
  // orders are taken while the show is live (issue 14)
  app.services.shows.markLive(show.id, Date.now());
  const open = async (options: { token?: string; authorization?: string } = {}) => {
    const c = await LiveClient.open(url, show.id, options);
    clients.push(c);
    return c;
  };
  const viewer = async (name: string) => (await app.app.inject({ method: 'POST', url: '/api/viewers', payload: { displayName: name } })).json() as { token: string };
  const buy = (token: string, productId: string, key: string) =>
    app.app.inject({ method: 'POST', url: `/api/shows/${show.id}/orders`, headers: { authorization: `Bearer ${token}`, 'idempotency-key': key }, payload: { productId, quantity: 1 } });
  type Lineup = Received & { items: Array<{ id: string; price: number; priceNow: number; stockLeft: number; stock: number; saleId: string | null }>; sale: { id: string; state: string; remaining: number } | null };
  const lineupAfter = (c: LiveClient, from: number, pred: (m: Lineup) => boolean) => c.next<Lineup>((m) => m.type === 'lineup' && pred(m as Lineup), 2000, from);
  const item = (m: Lineup, id: string) => m.items.find((i) => i.id === id);

  const page = await open();
  const welcome = await page.next((m) => m.type === 'welcome');
  t.same(welcome.lineup, { items: [], sale: null }, 'an empty lineup in the welcome');

  let from = page.messages.length;
  await admin('PUT', `/api/shows/${show.id}/lineup`, { productIds: [towel.id] });
  const saved = await lineupAfter(page, from, (m) => m.items.length === 1);
  t.match(item(saved, towel.id), { priceNow: 2999, stockLeft: 10, saleId: null }, 'a saved lineup reaches the open page');

  // a product put on the video outside the lineup joins it: on the page, and buyable
  from = page.messages.length;
  await admin('POST', `/api/shows/${show.id}/pin`, { productId: mug.id });
  const pinned = await lineupAfter(page, from, (m) => m.items.length === 2);
  t.same(pinned.items.map((i) => i.id), [towel.id, mug.id], 'the pinned mug joined the lineup at its end');
  t.same((await app.app.inject({ url: `/api/shows/${show.id}/lineup` })).json().map((p: { id: string }) => p.id), [towel.id, mug.id]);

  // a sale: the price in force on every page within a tick
  from = page.messages.length;
  const started = Date.now();
  const sale = (await admin('POST', `/api/shows/${show.id}/flash-sales`, { productId: towel.id, price: 2399, quantity: 2, durationSeconds: 60 })).overlay.flashSale;
  const onSale = await lineupAfter(page, from, (m) => m.sale?.state === 'running');
  t.ok(Date.now() - started < 1000, `the sale price reached the page in ${Date.now() - started} ms`);
  t.match(item(onSale, towel.id), { price: 2999, priceNow: 2399, stockLeft: 2, saleId: sale.id });
  t.match(item(onSale, mug.id), { priceNow: 1200, saleId: null });

  // an edit of the price while nobody buys: pushed too
  from = page.messages.length;
  await admin('PATCH', `/api/products/${mug.id}`, { price: 1100 });
  t.match(item(await lineupAfter(page, from, (m) => item(m, mug.id)?.priceNow === 1100), mug.id), { price: 1100, stockLeft: 30 });

  // the sale sells out: it ends at once, everywhere
  const [ana, ben, cleo] = await Promise.all([viewer('Ana'), viewer('Ben'), viewer('Cleo')]);
  from = page.messages.length;
  t.equal((await buy(ana.token, towel.id, 'a1')).statusCode, 201);
  t.match(item(await lineupAfter(page, from, (m) => item(m, towel.id)?.stockLeft === 1), towel.id), { priceNow: 2399, stockLeft: 1, stock: 9 }, 'stock left after each order');
  from = page.messages.length;
  const lastOrder = Date.now();
  t.equal((await buy(ben.token, towel.id, 'b1')).statusCode, 201);
  const soldOut = await lineupAfter(page, from, (m) => m.sale?.state === 'sold out');
  t.ok(Date.now() - lastOrder < 1000, `sold out on the page ${Date.now() - lastOrder} ms after the last order`);
  t.match(item(soldOut, towel.id), { priceNow: 2999, stockLeft: 8, saleId: null }, 'the regular price is in force at once, with the stock left');
  const ended = await page.next((m) => m.type === 'overlay' && (m.change as { change: string }).change === 'flash_sale.ended', 2000, from);
  t.match(ended.change, { flashSaleId: sale.id, reason: 'sold out' });
  t.equal((ended.overlay as { state: { flashSaleId: string | null } }).state.flashSaleId, null, 'the sale has ended in the overlay state');
  const timeline = (await admin('GET', `/api/shows/${show.id}/timeline`)).events as Array<{ type: string; payload: { change?: string; reason?: string } }>;
  t.ok(timeline.some((e) => e.type === 'overlay.changed' && e.payload.change === 'flash_sale.ended' && e.payload.reason === 'sold out'), 'and on the timeline');
  t.equal((await buy(cleo.token, towel.id, 'c1')).json().code, 'SOLD_OUT', 'an order that names no price is told sold out until the sale was due to end');
  const priced = (price: number, key: string) =>
    app.app.inject({ method: 'POST', url: `/api/shows/${show.id}/orders`, headers: { authorization: `Bearer ${cleo.token}`, 'idempotency-key': key }, payload: { productId: towel.id, quantity: 1, price } });
  t.match((await priced(2399, 'c2')).json(), { code: 'PRICE_CHANGED' }, 'a buyer who pressed Buy at the sale price is not charged the regular one');
  t.match((await priced(2999, 'c3')).json(), { unitPrice: 2999, flashSaleId: null }, 'one who saw the regular price buys at it');

  const late = await open();
  const lateWelcome = await late.next((m) => m.type === 'welcome');
  t.match((lateWelcome.lineup as { sale: unknown }).sale, { id: sale.id, state: 'sold out', remaining: 0 }, 'a page that connects afterwards gets the sold-out sale in its welcome');
  // the SOLD OUT box lingers, then leaves the video
  await new Promise((r) => setTimeout(r, 5500));
  t.equal((await admin('GET', `/api/shows/${show.id}/overlay`)).flashSale, null, 'the SOLD OUT box is gone');
  t.same(page.invalid, [], 'every message matched the protocol');
  t.same(late.invalid, []);
});

t.test('a sale whose time is up ends at once: overlay state, timeline, pushed state', async (t) => {
  const app = await buildTestApp();
  const url = await listenTestApp(app);
  const admin = async (method: 'POST' | 'GET', path: string, body?: unknown) =>
    (await app.app.inject({ method, url: path, headers: app.auth, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) })).json() as Record<string, any>;
  const product = await admin('POST', '/api/products', { sku: 'RAKE', title: 'Rake', price: 1500, currency: 'EUR', stock: 10 });
  const show = await admin('POST', '/api/shows', { title: 'Expiry' });
  const page = await LiveClient.open(url, show.id);
  t.teardown(async () => {
    page.close();
    await app.app.close();
    app.db.close();
  });
  const sale = (await admin('POST', `/api/shows/${show.id}/flash-sales`, { productId: product.id, price: 900, quantity: 5, durationSeconds: 5 })).overlay.flashSale;
  const endsAt = Date.parse(sale.endsAt);
  const ended = await page.next((m) => m.type === 'overlay' && (m.change as { change: string }).change === 'flash_sale.ended', 8000);
  const late = Date.now() - endsAt;
  t.ok(late < 1000, `ended ${late} ms after its end time`);
  t.match(ended.change, { flashSaleId: sale.id, reason: 'ended' });
  const state = await page.next<Received & { sale: { state: string } | null; items: Array<{ priceNow: number }> }>((m) => m.type === 'lineup' && (m as { sale: { state: string } | null }).sale?.state === 'ended', 1000);
  t.same(state.items.map((i) => i.priceNow), [1500], 'the regular price is in force at once (it did not sell out)');
  t.equal((await admin('GET', `/api/shows/${show.id}/overlay`)).state.flashSaleId, null);
});
