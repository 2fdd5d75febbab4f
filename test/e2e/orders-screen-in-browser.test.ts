import { mkdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { goLiveAndStopPublishing, HOST_AWAY_OK } from '../helpers/go-live.js';
import { startServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

const ARTIFACTS = 'artifacts/screenshots';

interface OrderJson {
  id: string;
  status: string;
  carrier: string | null;
  trackingNumber: string | null;
  total: number;
}

// A buyer's name that looks like markup: the panel must draw it as the text it is.
const BUYER = 'Ana <img src=x onerror=alert(1)>';
const ADDRESS = { name: 'Ana Lima', line1: 'Rua das Flores 12', line2: '3º esq. <b>', city: 'Lisboa', postalCode: '1200-195', country: 'PT' };
const CONTACT = { name: 'Ana Lima', email: 'ana@example.com', phone: '+351 912 345 678' };

t.test('the orders screen: live rows, filters, detail, mark paid and shipped, cancel, CSV; the cockpit follows', { timeout: 240_000 }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startServerProcess({ env: HOST_AWAY_OK });
  let browser: Browser | null = null;
  t.teardown(async () => {
    await browser?.close().catch(() => undefined);
    server.kill();
  });
  const json = async <T>(path: string, init: RequestInit = {}) => {
    const res = await server.api(path, init);
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const post = <T>(path: string, body: unknown) => json<T>(path, { method: 'POST', body: JSON.stringify(body) });
  const hose = await post<{ id: string }>('/api/products', { sku: 'HOSE-30', title: 'Garden hose 30 m', price: 2999, currency: 'EUR', stock: 20 });
  const show = await post<{ id: string }>('/api/shows', { title: 'Garden week', host: 'Mia' });
  // live for real (the server's test card over RTMP), then kept live by the reconnect window
  await goLiveAndStopPublishing(server, show.id, [hose.id]);
  await json(`/api/shows/${show.id}/pin`, { method: 'POST', body: JSON.stringify({ productId: hose.id }) });

  const buyer = await post<{ token: string }>('/api/viewers', { displayName: BUYER });
  const asBuyer = { authorization: `Bearer ${buyer.token}` };
  let keys = 0;
  const order = (quantity: number) =>
    json<OrderJson>(`/api/shows/${show.id}/orders`, {
      method: 'POST',
      headers: { ...asBuyer, 'idempotency-key': `ana-${++keys}` },
      body: JSON.stringify({ productId: hose.id, quantity, contact: CONTACT, shippingAddress: ADDRESS, payment: 'manual' }),
    });

  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'en-GB', acceptDownloads: true });
  const admin = await context.newPage();
  const pageErrors: string[] = [];
  admin.on('pageerror', (e) => pageErrors.push(e.message));
  await admin.goto(`${server.httpUrl}/admin#/orders`);
  await admin.getByLabel('Admin token').fill(server.token);
  await admin.getByLabel('Admin token').press('Enter');
  await admin.getByRole('heading', { name: 'Orders' }).waitFor();
  await admin.locator('#orders-live').filter({ hasText: 'Live: new orders of Garden week' }).waitFor({ timeout: 10_000 });
  await admin.locator('#orders-rows').getByText('No orders match these filters.').waitFor();

  const rowOf = (p: Page, id: string) => p.locator(`#orders-rows tr[data-order-id="${id}"]`);
  let first: OrderJson;
  let fourthId = '';

  await t.test('an order placed over HTTP appears without a reload, marked as new, its buyer drawn as text', async (t) => {
    first = await order(2);
    const row = rowOf(admin, first.id);
    await row.waitFor({ timeout: 10_000 });
    t.match(await row.getAttribute('class'), /order-fresh/, 'the new row is marked');
    const text = await row.innerText();
    t.match(text, 'Garden week');
    t.match(text, 'Garden hose 30 m');
    t.match(text, '€59.98', '2 x €29.99 in the currency, not cents');
    t.match(text, 'pending');
    t.match(text, BUYER, 'the name as typed');
    t.equal(await admin.locator('#orders-rows img').count(), 0, 'no element came out of the name');
    await admin.screenshot({ path: `${ARTIFACTS}/orders-live-row.png` });
    await waitFor('the mark to fade', async () => !/order-fresh/.test((await row.getAttribute('class')) ?? ''), 8_000);
    t.pass('the mark goes after a few seconds');
  });

  await t.test('filter by status: the list and the address follow', async (t) => {
    await admin.locator('#f-status').selectOption('paid');
    await admin.locator('#orders-rows').getByText('No orders match these filters.').waitFor({ timeout: 10_000 });
    t.match(admin.url(), /#\/orders\?status=paid$/, 'the filter is in the address');
    t.match(await admin.locator('#orders-csv').getAttribute('href'), /^\/api\/orders\.csv\?status=paid$/, 'the export takes the same filter');
    await admin.locator('#f-status').selectOption('pending');
    await rowOf(admin, first.id).waitFor({ timeout: 10_000 });
    t.equal(await admin.locator('#orders-rows tr').count(), 1);
    // days are the merchant's own (the browser's time zone): from tomorrow holds nothing yet
    const day = (offset: number) => admin.evaluate((n) => {
      const d = new Date();
      d.setDate(d.getDate() + n);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    }, offset);
    await admin.locator('#f-from').fill(await day(1));
    await admin.locator('#orders-rows').getByText('No orders match these filters.').waitFor({ timeout: 10_000 });
    await admin.locator('#f-from').fill(await day(0));
    await admin.locator('#f-to').fill(await day(0));
    await rowOf(admin, first.id).waitFor({ timeout: 10_000 });
    t.pass('from tomorrow: none; today: the order');
    await admin.locator('#f-from').fill('');
    await admin.locator('#f-to').fill('');
    await waitFor('the day filters to clear', () => admin.url().endsWith('#/orders?status=pending'), 5_000);
  });

  await t.test('the detail: items, buyer, contact and address as text, the moment on the stream and the recording link', async (t) => {
    await rowOf(admin, first.id).click();
    const detail = admin.locator('#order-detail');
    await detail.getByRole('heading', { name: `Order ${first.id.slice(0, 8)}` }).waitFor({ timeout: 10_000 });
    const text = await detail.innerText();
    t.match(text, '2 × €29.99');
    t.match(text, 'Total');
    t.match(await admin.locator('#order-total').innerText(), '€59.98');
    t.equal(await admin.locator('#order-viewer').innerText(), BUYER);
    t.match(await admin.locator('#order-contact').innerText(), /Ana Lima\s+ana@example\.com\s+\+351 912 345 678/);
    t.match(await admin.locator('#order-address').innerText(), /Ana Lima\s+Rua das Flores 12\s+3º esq\. <b>\s+1200-195 Lisboa\s+PT/);
    t.equal(await detail.locator('b, img').count(), 0, 'nothing typed became markup');
    t.match(text, 'Garden hose 30 m was pinned');
    t.match(await admin.locator('#order-stream-time').innerText(), /^at \d+:\d\d into the stream$/);
    t.match(await admin.locator('#order-recording').getAttribute('href'), new RegExp(`^/watch/${show.id}\\?t=\\d+$`), 'the recording at that moment');
    t.match(await admin.locator('#order-payment').innerText(), /^Manual/);
    t.equal(await admin.locator('#order-mark-paid').isVisible(), true, 'a manual pending order can be marked paid');
    t.equal(await admin.getByRole('form', { name: 'Mark shipped' }).count(), 0, 'not shipped before it is paid');
    await detail.screenshot({ path: `${ARTIFACTS}/orders-detail-pending.png` });
  });

  await t.test('mark paid, then shipped with a carrier and tracking number; the buyer sees it shipped', async (t) => {
    await admin.locator('#order-mark-paid').click();
    await admin.locator('#order-detail .order-status[data-status="paid"]').waitFor({ timeout: 10_000 });
    await rowOf(admin, first.id).locator('.order-status[data-status="paid"]').waitFor({ timeout: 10_000 });
    t.pass('paid in the detail and its row');
    const ship = admin.getByRole('form', { name: 'Mark shipped' });
    await ship.getByRole('button', { name: 'Mark shipped' }).click();
    t.equal(await admin.locator('#ship-carrier-error').innerText(), 'enter the carrier, e.g. DHL or UPS', 'an empty form is told, per field');
    t.equal(await admin.locator('#ship-trackingNumber-error').innerText(), 'enter the tracking number the carrier gave');
    await admin.getByLabel('Carrier').fill('DHL');
    await admin.getByLabel('Tracking number').fill('JJD<0001>');
    await ship.getByRole('button', { name: 'Mark shipped' }).click();
    t.match(await admin.locator('#ship-trackingNumber-error').innerText(), /letters, digits/);
    t.equal((await json<OrderJson>(`/api/orders/${first.id}/detail`)).status, 'paid', 'nothing was sent');
    await admin.getByLabel('Tracking number').fill('JJD 0001 2345 6789');
    await ship.getByRole('button', { name: 'Mark shipped' }).click();
    await admin.locator('#order-detail .order-status[data-status="shipped"]').waitFor({ timeout: 10_000 });
    t.equal(await admin.locator('#order-shipping').innerText(), 'DHL · JJD 0001 2345 6789');
    t.equal(await admin.locator('#order-refund').isVisible(), true, 'a shipped order can still be refunded');
    await admin.locator('#order-detail').screenshot({ path: `${ARTIFACTS}/orders-detail-shipped.png` });
    const mine = await json<{ orders: OrderJson[] }>('/api/me/orders', { headers: asBuyer });
    t.match(mine.orders.find((o) => o.id === first.id), { status: 'shipped', carrier: 'DHL', trackingNumber: 'JJD 0001 2345 6789' }, "the buyer's own orders say shipped, with the tracking");
  });

  await t.test('the detail follows what is done elsewhere (the buyer, another tab)', async (t) => {
    const second = await order(1);
    await admin.locator('#f-status').selectOption('');
    await rowOf(admin, second.id).waitFor({ timeout: 10_000 });
    await rowOf(admin, second.id).click();
    await admin.locator('#order-cancel').waitFor({ timeout: 10_000 });
    await json(`/api/orders/${second.id}/cancel`, { method: 'POST', headers: asBuyer });
    await admin.locator('#order-detail .order-status[data-status="cancelled"]').waitFor({ timeout: 10_000 });
    t.match(await admin.locator('#order-detail').innerText(), 'Nothing left to do: this order is cancelled.');

    const third = await order(1);
    await rowOf(admin, third.id).click();
    await admin.locator('#order-cancel').click();
    const dialog = admin.locator('#order-confirm');
    await dialog.waitFor();
    t.match(await dialog.innerText(), /Cancel .*pending order of €29\.99\? Its stock goes back on sale\./);
    await admin.screenshot({ path: `${ARTIFACTS}/orders-cancel-confirm.png` });
    await dialog.getByRole('button', { name: 'Keep the order as it is' }).click();
    t.equal((await json<OrderJson>(`/api/orders/${third.id}/detail`)).status, 'pending', 'kept: nothing was sent');
    await json(`/api/orders/${third.id}/mark-paid`, { method: 'POST' });
    await admin.locator('#order-detail .order-status[data-status="paid"]').waitFor({ timeout: 10_000 });
    t.pass('the detail followed the push');
    await json(`/api/orders/${third.id}/refund`, { method: 'POST' });
    await admin.locator('#order-detail .order-status[data-status="refunded"]').waitFor({ timeout: 10_000 });
    t.pass('refunded elsewhere: the detail says so');
  });

  await t.test('CSV export downloads the orders the filters select, with the session', async (t) => {
    await admin.locator('#f-status').selectOption('shipped');
    await admin.locator('#orders-rows tr').first().waitFor();
    await waitFor('the shipped filter to apply', async () => (await admin.locator('#orders-rows tr').count()) === 1, 10_000);
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.locator('#orders-csv').click()]);
    const file = await download.path();
    const csv = readFileSync(file, 'utf8');
    t.match(csv, first.id, 'the shipped order is in it');
    t.match(csv, 'JJD 0001 2345 6789');
    t.equal(csv.trim().split(/\r?\n/).length, 2, 'a header and the one shipped order');
    t.match(download.suggestedFilename(), /\.csv$/);
    await admin.locator('#f-status').selectOption('');
  });

  await t.test('the cockpit lists the latest orders live and its numbers follow', async (t) => {
    await admin.goto(`${server.httpUrl}/admin#/shows/${show.id}`);
    await admin.getByRole('heading', { name: 'Garden week' }).waitFor();
    await admin.locator(`#cockpit-orders li[data-order-id="${first.id}"]`).waitFor({ timeout: 10_000 });
    const countOf = async () => (await json<{ orders: number }>(`/api/shows/${show.id}/stats`)).orders;
    const before = await countOf();
    await waitFor('the cockpit to show the order count', async () => Number(await admin.locator('#n-orders').innerText()) === before, 10_000);
    const fourth = await order(3);
    fourthId = fourth.id;
    const line = admin.locator(`#cockpit-orders li[data-order-id="${fourth.id}"]`);
    await line.waitFor({ timeout: 5_000 });
    t.match(await line.innerText(), /pending\s+Ana <img src=x onerror=alert\(1\)>\s+3 × Garden hose 30 m\s+€89\.97/);
    t.equal(await countOf(), before + 1, 'the server counts it');
    await waitFor('the order count to move', async () => Number(await admin.locator('#n-orders').innerText()) === before + 1, 3_000);
    t.pass('the cockpit\'s count moved with the push (not on the 10 s poll)');
    await admin.locator('section[aria-label="Latest orders"]').screenshot({ path: `${ARTIFACTS}/cockpit-latest-orders.png` });
    await admin.locator('#cockpit-orders-all').click();
    await admin.getByRole('heading', { name: 'Orders' }).waitFor();
    t.equal(await admin.locator('#f-show').inputValue(), show.id, 'the orders screen opens on this show');
    await rowOf(admin, fourth.id).waitFor();
    await admin.setViewportSize({ width: 390, height: 844 });
    const pageWidth = (await admin.evaluate('document.documentElement.scrollWidth')) as number;
    t.ok(pageWidth <= 390, `390 px: the page does not scroll sideways (${pageWidth} px; the table scrolls in its card)`);
    await admin.screenshot({ path: `${ARTIFACTS}/orders-390.png`, fullPage: true });
    await admin.setViewportSize({ width: 1440, height: 1000 });
    await admin.screenshot({ path: `${ARTIFACTS}/orders-1440.png`, fullPage: true });
  });

  await t.test('after the show: nothing live to follow; a refusal is told in the API\'s words', async (t) => {
    await json(`/api/shows/${show.id}/end`, { method: 'POST' });
    await admin.goto(`${server.httpUrl}/admin#/orders`);
    await admin.reload();
    await admin.locator('#orders-live').filter({ hasText: 'No show is live' }).waitFor({ timeout: 10_000 });
    // the detail is drawn from the row, then from its own fetch: wait for that before the buyer acts
    await Promise.all([admin.waitForResponse((r) => r.url().endsWith(`/api/orders/${fourthId}/detail`)), rowOf(admin, fourthId).click()]);
    await admin.locator('#order-mark-paid').waitFor({ timeout: 10_000 });
    // the buyer cancels; with no live socket the panel still offers Mark paid
    await json(`/api/orders/${fourthId}/cancel`, { method: 'POST', headers: asBuyer });
    await admin.locator('#order-mark-paid').click();
    const error = admin.locator('#order-action-error');
    await error.filter({ hasText: /./ }).waitFor({ timeout: 10_000 });
    t.match(await error.innerText(), /\(ORDER_STATE\)$/, 'the server\'s message and its code');
    await admin.locator('#order-detail .order-status[data-status="cancelled"]').waitFor({ timeout: 10_000 });
    t.match(await error.innerText(), /ORDER_STATE/, 'the detail shows the order as it is now, the reason kept above');
    await admin.locator('#order-detail').screenshot({ path: `${ARTIFACTS}/orders-refusal.png` });
  });

  t.same(pageErrors, [], 'no script errors');
});
