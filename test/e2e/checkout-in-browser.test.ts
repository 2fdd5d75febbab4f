// Issue 14's "Must show" on a phone: a viewer of a live show picks a variant, types the code the
// host announced, enters an address and orders with the manual provider; "My orders" shows it
// pending, and once the merchant marks it paid and shipped (API), shipped with the tracking
// number. Then the embed inside another origin's page: framed at opacity 0 or under a cover,
// clicks cannot complete an order; framed honestly, the same clicks can.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';

const ARTIFACTS = 'artifacts/screenshots';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

interface Order {
  id: string;
  status: string;
  variantId: string | null;
  quantity: number;
  discount: number;
  total: number;
  trackingNumber: string | null;
  shipping: number;
  shippingAddress: { city: string; country: string } | null;
}

async function call<T>(server: ServerProcess, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST', token = server.token): Promise<T> {
  const res = await server.api(path, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** A shop page on another loopback origin that frames the embed: honestly, at opacity 0, or under a cover. */
function framingPage(embedUrl: string, how: 'honest' | 'opacity' | 'covered'): string {
  const frameStyle = how === 'opacity' ? 'opacity:0' : '';
  // the cover lets clicks through (pointer-events: none) and shows something else on top
  const cover = how === 'covered' ? '<div style="position:absolute;left:0;top:0;width:390px;height:760px;background:#fff;pointer-events:none;z-index:2"><button style="margin:300px 80px">Claim your prize</button></div>' : '';
  return `<!doctype html><html><body style="margin:0">
<button style="position:absolute;left:40px;top:600px">Claim your prize</button>
<iframe id="shop" src="${embedUrl}" style="position:absolute;left:0;top:0;width:390px;height:760px;border:0;z-index:1;${frameStyle}"></iframe>${cover}
</body></html>`;
}

/** clicks where a control of the frame is, as a pointer would (no actionability checks: the attacker's view) */
async function clickAt(page: Page, frame: Frame, selector: string): Promise<void> {
  const box = await frame.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not laid out`);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

t.test('checkout on a phone: variant, announced code, address, manual payment; my orders follows it to shipped; the embed resists click-jacking', { timeout: 480_000 }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // a manual order holds its stock 3 days by default: 10 minutes here, to watch it count down
  const configFile = join(mkdtempSync(join(tmpdir(), 'hawker-checkout-')), 'hawker.json');
  writeFileSync(configFile, JSON.stringify({ checkout: { manualHoldMinutes: 10, shippingFlat: { EUR: 490 }, manualInstructions: 'Bank transfer to IBAN DE02 1203 0000 0000 2020 51, with your order number.' } }));
  const server = await startServerProcess({ env: { HAWKER_CONFIG: configFile } });
  let browser: Browser | null = null;
  let shop: Server | null = null;
  t.teardown(async () => {
    await browser?.close().catch(() => undefined);
    shop?.close();
    server.kill();
  });
  const pageErrors: string[] = [];

  const tee = await call<{ id: string; variants: Array<{ id: string; options: Record<string, string> }> }>(server, '/api/products', {
    sku: 'TEE',
    title: 'Linen tee',
    description: 'Washed linen, relaxed fit.',
    price: 3000,
    currency: 'EUR',
    stock: 0,
    options: [{ name: 'Size', values: ['S', 'M'] }],
    variants: [
      { sku: 'TEE-S', options: { Size: 'S' }, price: 3000, stock: 5 },
      { sku: 'TEE-M', options: { Size: 'M' }, price: 3200, stock: 3 },
    ],
  });
  const medium = tee.variants.find((v) => v.options.Size === 'M')!;
  const show = await call<{ id: string }>(server, '/api/shows', { title: 'Linen week', host: 'Mia' });
  await call(server, `/api/shows/${show.id}/lineup`, { productIds: [tee.id] }, 'PUT');
  // the code the host says on air: not listed in the coupon centre, typed by the viewer
  await call(server, '/api/coupons', { code: 'LINEN10', kind: 'percent', amount: 10, showId: show.id, liveOnly: true });
  await call(server, `/api/shows/${show.id}/test-pattern`, { seconds: 280 });
  await waitFor('the show to go live', async () => (await call<{ status: string }>(server, `/api/shows/${show.id}`)).status === 'live', 40_000, 250);

  browser = await launchChromium({ autoplay: true });
  const phone = await browser.newContext(PHONE);
  const page = await phone.newPage();
  page.on('pageerror', (e) => pageErrors.push(`phone: ${e.message}`));
  await page.goto(`${server.httpUrl}/watch/${show.id}`);
  const card = page.locator(`li.product[data-product-id="${tee.id}"]`);
  await card.waitFor({ timeout: 20_000 });
  await page.getByRole('tab', { name: 'Products' }).click();
  await card.getByRole('button', { name: /^Buy Linen tee/ }).click();
  const sheet = page.locator('#buy-sheet[open]');
  await sheet.waitFor();

  // ---- what: the variant, the quantity, the announced code ------------------------------------
  t.equal(await sheet.locator('[data-sheet-next]').isDisabled(), true, 'no buying before a size is chosen');
  t.equal(await sheet.locator('[data-sheet-next]').textContent(), 'Choose size');
  await sheet.getByRole('button', { name: 'Size M', exact: true }).tap();
  await sheet.locator('[data-price]').filter({ hasText: '32.00' }).waitFor();
  t.match(await sheet.locator('[data-stock]').textContent(), /3 in stock/, "the chosen variant's price and stock");
  await sheet.getByRole('button', { name: 'One more' }).tap();
  await sheet.getByRole('button', { name: 'One more' }).tap();
  t.equal(await sheet.locator('#qty').textContent(), '3', 'the stepper stops at the stock of the variant');
  t.equal(await sheet.getByRole('button', { name: 'One more' }).isDisabled(), true);
  await sheet.getByRole('button', { name: 'One fewer' }).tap();
  await sheet.getByLabel(/Promo code/).fill('NOPE99');
  await sheet.getByRole('button', { name: 'Apply' }).tap();
  // the server checks codes for a viewer: the first Apply asks for a name
  await page.getByLabel('Name', { exact: true }).fill('Ana');
  await page.getByRole('button', { name: 'Continue' }).tap();
  await sheet.locator('[data-problem="code"]').filter({ hasText: /does not exist|does not apply/ }).waitFor({ timeout: 10_000 });
  t.pass('a wrong code is refused in words next to the field');
  await sheet.getByLabel(/Promo code/).fill('LINEN10');
  await sheet.getByRole('button', { name: 'Apply' }).tap();
  const breakdown = sheet.locator('[data-breakdown]');
  await breakdown.filter({ hasText: 'Code LINEN10' }).waitFor({ timeout: 10_000 });
  t.match(await breakdown.textContent(), /Price \(2 × €32\.00\)€64\.00Code LINEN10−€6\.40Shipping€4\.90Total€62\.50/, 'the breakdown: price, the code, shipping, the total');
  t.equal(await sheet.locator('[data-problem="code"]').textContent(), '', 'the refusal went with the good code');
  await page.screenshot({ path: `${ARTIFACTS}/checkout-phone-choose.png` });
  await sheet.locator('[data-sheet-next]').tap();

  // ---- where and how: the address (asked once), the manual provider ---------------------------
  await sheet.getByLabel('Full name').waitFor({ timeout: 10_000 });
  await breakdown.filter({ hasText: 'Total€62.50' }).waitFor({ timeout: 10_000 });
  await sheet.getByLabel('Full name').fill('Ana Lopez');
  await sheet.getByLabel('Email').fill('ana@example.test');
  await sheet.getByLabel('Address').fill('Calle Mayor 1');
  await sheet.getByLabel('Postal code').fill('28013');
  await sheet.getByLabel('City').fill('Madrid');
  await sheet.getByLabel('Country code (e.g. DE)').fill('es');
  t.equal(await sheet.getByRole('radio', { name: /Pay on delivery or by bank transfer/ }).isChecked(), true, 'the manual provider is offered and chosen');
  await page.screenshot({ path: `${ARTIFACTS}/checkout-phone-details.png` });
  await sheet.locator('[data-place-order]').tap();

  // ---- placed: the hold counts down, the instructions ------------------------------------------
  const hold = sheet.locator('[data-hold]');
  await hold.filter({ hasText: /^Held for you for / }).waitFor({ timeout: 15_000 });
  const firstHold = await hold.textContent();
  await sleep(1500);
  t.not(await hold.textContent(), firstHold, `the hold counts down (${firstHold})`);
  t.match(await hold.textContent(), /^Held for you for (10:00|9:\d\d)$/, 'the manual hold of 10 minutes, in minutes and seconds');
  await sheet.locator('[data-instructions]').filter({ hasText: 'IBAN DE02' }).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: `${ARTIFACTS}/checkout-phone-placed.png` });
  const placed = (await call<{ orders: Order[] }>(server, `/api/orders?showId=${show.id}`)).orders;
  t.equal(placed.length, 1, 'one order');
  t.match(placed[0], { status: 'pending', variantId: medium.id, quantity: 2, discount: 640, shipping: 490, total: 6250, shippingAddress: { city: 'Madrid', country: 'ES' } }, 'pending, for the chosen variant, with the code and the address');

  // ---- my orders: pending, then shipped with the tracking number --------------------------------
  await sheet.getByRole('button', { name: 'My orders' }).tap();
  const mine = page.locator(`#my-orders [data-order-id="${placed[0]!.id}"]`);
  await mine.locator('[data-order-status]').filter({ hasText: 'Waiting for payment' }).waitFor({ timeout: 10_000 });
  t.match(await mine.locator('[data-hold]').textContent(), /^Held for you for /, 'my orders shows the hold too');
  await page.screenshot({ path: `${ARTIFACTS}/checkout-phone-my-orders-pending.png` });
  await call(server, `/api/orders/${placed[0]!.id}/mark-paid`, {});
  await mine.locator('[data-order-status]').filter({ hasText: 'Paid' }).waitFor({ timeout: 20_000 });
  await call(server, `/api/orders/${placed[0]!.id}/ship`, { carrier: 'DHL', trackingNumber: 'JJD000390007' });
  await mine.locator('[data-order-status]').filter({ hasText: 'Shipped' }).waitFor({ timeout: 20_000 });
  t.equal(await mine.locator('[data-tracking]').textContent(), 'DHL · tracking JJD000390007', 'the viewer sees the carrier and tracking number');
  await page.screenshot({ path: `${ARTIFACTS}/checkout-phone-my-orders-shipped.png` });

  // ---- asked once: the next order remembers the address -----------------------------------------
  await page.getByRole('tab', { name: 'Products' }).click();
  await card.getByRole('button', { name: /^Buy Linen tee/ }).click();
  await sheet.getByRole('button', { name: 'Size S', exact: true }).tap();
  await sheet.locator('[data-sheet-next]:not([disabled])').tap();
  await sheet.locator('[data-ship-to]').filter({ hasText: 'Calle Mayor 1' }).waitFor({ timeout: 10_000 });
  t.equal(await sheet.getByLabel('Full name').count(), 0, 'the remembered address is shown as a line, not asked again');
  await sheet.getByRole('button', { name: 'Back' }).tap();
  await sheet.getByRole('button', { name: 'Close' }).tap();
  t.notMatch(await page.locator('body').innerText(), /\bnull\b|\bundefined\b|\bNaN\b|\[object /, 'no placeholder garbage');

  // ---- the embed inside another origin's page ---------------------------------------------------
  const shopHtml = new Map<string, string>();
  shop = createServer((req, res) => {
    const html = shopHtml.get(req.url ?? '');
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(html ?? 'not here');
  });
  await new Promise<void>((resolve) => shop!.listen(0, '127.0.0.1', resolve));
  const shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  const embedUrl = `${server.httpUrl}/watch/${show.id}?embed=1&product=${tee.id}`;

  /** a viewer who has bought before (named, address remembered), on the shop page framed `how` */
  const framedViewer = async (how: 'honest' | 'opacity' | 'covered'): Promise<{ context: BrowserContext; page: Page; frame: Frame; token: string }> => {
    const v = await call<{ token: string; viewerId: string; displayName: string }>(server, '/api/viewers', { displayName: `Framed ${how}` });
    await call(server, '/api/me/profile', { contact: { name: 'Bo', email: 'bo@example.test' }, shippingAddress: { name: 'Bo', line1: 'Main St 2', city: 'Lyon', postalCode: '69001', country: 'FR' } }, 'PUT', v.token);
    const context = await browser!.newContext(PHONE);
    await context.addInitScript(`if (location.origin === ${JSON.stringify(server.httpUrl)}) localStorage.setItem('hawker.viewer', ${JSON.stringify(JSON.stringify(v))});`);
    const shopPage = await context.newPage();
    shopPage.on('pageerror', (e) => pageErrors.push(`${how} embed: ${e.message}`));
    shopHtml.set(`/${how}`, framingPage(embedUrl, how));
    await shopPage.goto(`${shopUrl}/${how}`);
    const frame = await waitFor('the embed frame', () => shopPage.frames().find((f) => f.url().startsWith(server.httpUrl)) ?? null, 15_000);
    await frame.locator('#buy-sheet[open]').waitFor({ timeout: 20_000 });
    return { context, page: shopPage, frame, token: v.token };
  };
  /** the clicks a viewer would make, at the places the buttons are, up to the confirm step */
  const clickThrough = async (p: Page, f: Frame) => {
    await clickAt(p, f, '[data-option="Size"][data-value="S"]');
    await f.locator('[data-sheet-next]:not([disabled])').waitFor({ timeout: 10_000 });
    await clickAt(p, f, '[data-sheet-next]');
    await f.locator('[data-place-order]').waitFor({ timeout: 10_000 });
    await sleep(500); // the quote's total on the button
    await clickAt(p, f, '[data-place-order]');
    await f.locator('[data-frame-confirm]').waitFor({ timeout: 10_000 });
  };
  const ordersOf = async (token: string) => (await call<{ orders: Order[] }>(server, '/api/me/orders', undefined, 'GET', token)).orders;

  for (const how of ['opacity', 'covered'] as const) {
    const hostile = await framedViewer(how);
    await clickThrough(hostile.page, hostile.frame);
    const confirm = hostile.frame.locator('[data-frame-confirm]');
    // the attacker keeps clicking where the confirm button is, for longer than its wait
    for (let i = 0; i < 6; i++) {
      await sleep(400);
      await clickAt(hostile.page, hostile.frame, '[data-frame-confirm]');
    }
    t.equal(await confirm.isDisabled(), true, `framed ${how === 'opacity' ? 'at opacity 0' : 'under a cover'}: the confirm button never unlocks`);
    t.same(await ordersOf(hostile.token), [], `framed ${how === 'opacity' ? 'at opacity 0' : 'under a cover'}: no order by clicks`);
    if (how === 'opacity') await hostile.page.screenshot({ path: `${ARTIFACTS}/checkout-embed-hostile-opacity.png` });
    await hostile.context.close();
  }

  const honest = await framedViewer('honest');
  await clickThrough(honest.page, honest.frame);
  const firstPlace = (await honest.frame.locator('[data-frame-back]').boundingBox())!;
  const confirmBox = (await honest.frame.locator('[data-frame-confirm]').boundingBox())!;
  t.ok(Math.abs(confirmBox.y - firstPlace.y) > 100, 'the confirm button is away from where Place order was (Back is there)');
  await honest.frame.locator('[data-frame-confirm]:not([disabled])').waitFor({ timeout: 10_000 });
  await honest.page.screenshot({ path: `${ARTIFACTS}/checkout-embed-confirm.png` });
  await clickAt(honest.page, honest.frame, '[data-frame-confirm]');
  await honest.frame.locator('#buy-sheet [data-hold]').filter({ hasText: /^Held for you for / }).waitFor({ timeout: 15_000 });
  const honestOrders = await ordersOf(honest.token);
  t.equal(honestOrders.length, 1, 'framed honestly, the same clicks place the order after the confirm');
  await honest.context.close();

  t.same(pageErrors, [], 'no script errors');
});
