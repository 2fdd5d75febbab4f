import { mkdirSync } from 'node:fs';
import t from 'tap';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { startServerProcess } from '../helpers/server-process.js';

const ARTIFACTS = 'artifacts/screenshots';
// drawn as text, never as markup: the cockpit must show the brackets
const COMMENT = 'Cannot wait! Will you show the <b>brass</b> nozzle?';

t.test('before the show: a fan comments and suggests on the pre-live page, the cockpit shows both, the preshow coupon unlocks', { timeout: 180_000 }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startServerProcess();
  let browser: Browser | null = null;
  t.teardown(async () => {
    await browser?.close().catch(() => undefined);
    server.kill();
  });
  browser = await launchChromium();
  const json = async <T>(path: string, init: RequestInit = {}) => {
    const res = await server.api(path, init);
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const post = <T>(path: string, body: unknown) => json<T>(path, { method: 'POST', body: JSON.stringify(body) });
  await post('/api/products', { sku: 'HOSE-30', title: 'Garden hose 30 m', price: 2999, currency: 'EUR', stock: 30 });
  const reel = await post<{ id: string }>('/api/products', { sku: 'REEL-1', title: 'Hose reel', price: 4999, currency: 'EUR', stock: 10 });
  // fans may name products viewers saw in some show's lineup: last week's show had the reel
  const lastWeek = await post<{ id: string }>('/api/shows', { title: 'Last week' });
  await json(`/api/shows/${lastWeek.id}/lineup`, { method: 'PUT', body: JSON.stringify({ productIds: [reel.id] }) });
  const show = await post<{ id: string }>('/api/shows', { title: 'Garden week', host: 'Mia', scheduledAt: new Date(Date.now() + 2 * 3600_000).toISOString() });
  await post('/api/coupons', { code: 'EARLYBIRD', kind: 'percent', amount: 10, showId: show.id, unlock: 'preshow', unlockThreshold: 1 });

  // the merchant prepares the show: the cockpit is open before any fan says anything
  const adminContext = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const admin = await adminContext.newPage();
  const adminErrors: string[] = [];
  admin.on('pageerror', (e) => adminErrors.push(e.message));
  await admin.goto(`${server.httpUrl}/admin#/shows/${show.id}`);
  await admin.getByLabel('Admin token').fill(server.token);
  await admin.getByLabel('Admin token').press('Enter');
  await admin.getByRole('heading', { name: 'Garden week' }).waitFor();
  const panel = admin.locator('section[aria-label="Before the show"]');
  await panel.getByText('No suggestions yet.').waitFor();

  // a fan on a phone opens the pre-live page
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${server.httpUrl}/watch/${show.id}`);

  await t.test('the chat invites a comment before the show, and it is sent', async (t) => {
    await page.locator('#tab-chat').click();
    t.equal(await page.locator('#chat-input').getAttribute('placeholder'), 'Comment before the show…');
    t.match(await page.locator('#preshow-note').innerText(), /Comment before the show/);
    await page.locator('#chat-input').fill(COMMENT);
    await page.locator('#chat-input').press('Enter');
    await page.locator('#name-input').fill('Ana');
    await page.locator('#name-input').press('Enter');
    await page.locator('#chat li').filter({ hasText: 'brass' }).waitFor({ timeout: 10_000 });
    t.pass('the line is in the chat');
    await page.screenshot({ path: `${ARTIFACTS}/preshow-phone-chat.png` });
  });

  await t.test('the fan suggests a catalog product', async (t) => {
    const tab = page.locator('#tab-suggest');
    t.equal(await tab.isVisible(), true, 'the Suggest tab is there while the show is scheduled');
    const b = await tab.boundingBox();
    t.ok(b && b.x >= 0 && b.x + b.width <= 390, 'on a phone, on screen without scrolling the tabs');
    // keyboard: the arrows reach it from the chat
    await page.locator('#tab-chat').focus();
    await page.keyboard.press('ArrowRight');
    t.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'tab-suggest');
    await tab.click();
    await page.locator('#suggest-product option', { hasText: 'Hose reel' }).waitFor({ state: 'attached' });
    await page.locator('#suggest-text').fill('A reel to hang the hose on the wall');
    await page.locator('#suggest-product').selectOption(reel.id);
    await page.getByRole('button', { name: 'Suggest', exact: true }).click();
    const item = page.locator('#suggestions .suggestion').filter({ hasText: 'hang the hose' });
    await item.waitFor();
    t.match(await item.innerText(), /Hose reel/);
    t.match(await item.innerText(), /Ana/);
    await item.locator('.vote').click();
    await page.locator('#suggestions .suggestion .vote[aria-pressed="true"]').waitFor();
    t.match(await item.locator('.vote').innerText(), /1/, 'one vote');
    await page.screenshot({ path: `${ARTIFACTS}/preshow-phone-suggest.png` });
  });

  await t.test('the cockpit shows the comment and the suggestion, and adds the product to the lineup', async (t) => {
    const comment = panel.locator('#preshow-comments li').filter({ hasText: 'brass' });
    await comment.waitFor({ timeout: 10_000 });
    t.match(await comment.innerText(), /Ana/);
    t.match(await comment.innerText(), /<b>brass<\/b>/, 'as typed: text, not markup');
    const suggestion = panel.locator('#preshow-suggestions li').filter({ hasText: 'hang the hose' });
    await suggestion.waitFor({ timeout: 10_000 });
    t.match(await suggestion.innerText(), /Product: Hose reel/);
    await suggestion.locator('.votes').filter({ hasText: '▲ 1' }).waitFor({ timeout: 10_000 });
    await suggestion.getByRole('button', { name: 'Add to lineup' }).click();
    await suggestion.getByText('In the lineup').waitFor();
    const lineup = await json<Array<{ id: string }>>(`/api/shows/${show.id}/lineup`);
    t.ok(lineup.some((p) => p.id === reel.id), 'the suggested product is in the show lineup');
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: `${ARTIFACTS}/preshow-cockpit-panel.png` });
  });

  await t.test("the fan's coupon centre shows the preshow coupon unlocked", async (t) => {
    await page.locator('#tab-coupons').click();
    const coupon = page.locator('#coupons .coupon').filter({ hasText: 'EARLYBIRD' });
    await coupon.waitFor({ timeout: 10_000 });
    t.match(await coupon.innerText(), /Ready to use/);
    t.match(await coupon.innerText(), /10% off/);
    await page.screenshot({ path: `${ARTIFACTS}/preshow-phone-coupon.png` });
  });

  t.same(pageErrors, [], 'no script errors on the viewer page');
  t.same(adminErrors, [], 'no script errors in the cockpit');
});
