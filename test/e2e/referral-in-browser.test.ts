// Issue 16's "Must show" for share links, in real Chromium against the real app on a real SQLite
// file: viewer A shares the show from a phone (the Web Share API, recorded); three NEW browser
// contexts open A's link and A's 'share' coupon (threshold 3) unlocks on A's page, pushed on A's
// socket. Then a second referrer B shares (no Web Share API: the link is copied); one friend's
// browser opens B's link three times and B stays at 1 of 3. The figures per code in the stats
// and the cockpit's "Shared by viewers" table. Every browser comes from 127.0.0.1: the default
// referrals.newFriendsPerAddressPerHour (5) lets these four friends count.
import { mkdirSync } from 'node:fs';
import t from 'tap';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_TOKEN, buildTestApp, listenTestApp } from '../helpers/app.js';
import { launchChromium } from '../helpers/browser.js';
import { waitFor } from '../helpers/wait.js';

const ARTIFACTS = 'artifacts/screenshots';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** what the page handed the Web Share API */
type Shared = { title?: string; text?: string; url?: string };
/** the page's globals the test reads (the test's own program has no DOM types) */
type PageGlobals = { shared?: Shared[]; navigator: { share?: unknown; clipboard: { readText(): Promise<string> } } };

interface Figures {
  code: string;
  displayName: string;
  joins: number;
  newViewers: number;
  viewers: number;
  orders: number;
}

t.test('three new viewers through one link unlock the share coupon; one browser three times counts once', { timeout: 480_000 }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const test = await buildTestApp();
  let browser: Browser | null = null;
  t.teardown(async () => {
    await browser?.close().catch(() => undefined);
    await test.app.close();
    test.db.close();
  });
  const base = await listenTestApp(test);
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers: { ...test.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  // before the show: the share button is in the head of the pre-live page too
  const show = await call<{ id: string }>('POST', '/api/shows', { title: 'Linen & lamps', host: 'Mia', scheduledAt: new Date(Date.now() + 3_600_000).toISOString() });
  await call('POST', '/api/coupons', { code: 'FRIENDS3', kind: 'percent', amount: 15, showId: show.id, unlock: 'share', unlockThreshold: 3 });

  browser = await launchChromium();
  const pageErrors: string[] = [];
  const contexts: BrowserContext[] = [];
  const open = async (options: { webShare?: boolean } = {}) => {
    const context = await browser!.newContext({ ...PHONE, locale: 'en-GB' });
    contexts.push(context);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    // the Web Share API is the boundary: Chromium on Linux has none, and a real one opens the
    // system's sheet. Where a test gives it, it records what the page shared.
    // (as source text: the test's compiler names functions with a helper the page does not have)
    await context.addInitScript(
      options.webShare
        ? "Object.defineProperty(navigator, 'share', { value: async (data) => { (globalThis.shared ??= []).push({ title: data.title, text: data.text, url: data.url }); } });"
        : "Object.defineProperty(navigator, 'share', { value: undefined });",
    );
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    return page;
  };
  /** opens a URL and returns what the page's join was answered */
  const load = async (page: Page, url: string) => {
    const answer = page.waitForResponse((r) => r.url().endsWith(`/api/shows/${show.id}/joins`) && r.request().method() === 'POST');
    await page.goto(url);
    return (await (await answer).json()) as { counted: boolean; reason?: string };
  };
  /** names the viewer (the dialog the Share button opens) and waits for the link */
  const shareAs = async (page: Page, name: string) => {
    const shared = page.waitForResponse((r) => r.url().endsWith(`/api/shows/${show.id}/share`));
    await page.locator('#share').click();
    await page.locator('#name-input').fill(name);
    await page.getByRole('button', { name: 'Continue' }).click();
    return (await (await shared).json()) as { code: string; url: string };
  };
  /** the link as a friend opens it here (publicUrl names the shop's public host) */
  const here = (url: string) => {
    const u = new URL(url);
    return `${base}${u.pathname}${u.search}`;
  };
  const figures = async () => (await call<{ codes: Figures[] }>('GET', `/api/shows/${show.id}/referrals`)).codes;

  const a = await open({ webShare: true });
  t.same(await load(a, `${base}/watch/${show.id}`), { counted: false, reason: 'no-link' }, "A's page joins on load");
  t.ok(await a.locator('.show-head #share').isVisible(), 'a Share button in the show head, before the show');
  const linkA = await shareAs(a, 'Ana');
  t.match(linkA.url, new RegExp(`/watch/${show.id}\\?ref=${linkA.code}$`));
  await waitFor('the Web Share API called', async () => ((await a.evaluate(() => (globalThis as unknown as PageGlobals).shared ?? [])).length === 1 ? true : undefined), 30_000);
  t.match(await a.evaluate(() => (globalThis as unknown as PageGlobals).shared?.[0]), { title: 'Linen & lamps', text: /Linen & lamps/, url: linkA.url }, 'shared through the Web Share API: title, text and the link');
  await a.locator('#share-progress', { hasText: 'Share with 3 friends to unlock a coupon' }).waitFor({ timeout: 30_000 });

  await t.test('three new browsers through A’s link: A’s coupon unlocks on A’s page', async (t) => {
    for (let i = 1; i <= 3; i++) {
      const friend = await open();
      t.same(await load(friend, here(linkA.url)), { counted: true }, `friend ${i} is new`);
      t.equal(new URL(friend.url()).searchParams.get('ref'), null, "the friend's address bar no longer carries A's code");
      t.ok(await friend.locator('#share').isVisible(), "and the friend's page offers a Share of their own");
    }
    // pushed on A's socket: the toast, and the line under the title
    await a.locator('#toast', { hasText: 'Coupon unlocked: FRIENDS3' }).waitFor({ timeout: 30_000 });
    await a.locator('#share-progress[data-state="available"]', { hasText: 'Coupon unlocked: FRIENDS3' }).waitFor({ timeout: 30_000 });
    await a.screenshot({ path: `${ARTIFACTS}/referral-share-unlocked-phone.png` });
    await a.getByRole('tab', { name: 'Coupons' }).click();
    await a.locator('#coupons .coupon', { hasText: 'Ready to use' }).waitFor({ timeout: 30_000 });
    t.match(await a.locator('#coupons .coupon').first().textContent(), /FRIENDS3/, 'the coupon centre has it ready to use');
  });

  await t.test('one friend’s browser opening B’s link three times counts once', async (t) => {
    const b = await open();
    await load(b, `${base}/watch/${show.id}`);
    const linkB = await shareAs(b, 'Bo');
    await b.locator('#toast', { hasText: 'Link copied' }).waitFor({ timeout: 30_000 });
    t.equal(await b.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText()), linkB.url, 'no Web Share API: the link is on the clipboard');
    const friend = await open();
    t.same(await load(friend, here(linkB.url)), { counted: true }, 'the first visit is a new friend');
    t.same(await load(friend, here(linkB.url)), { counted: false, reason: 'already-counted' }, 'the second is not');
    t.same(await load(friend, here(linkB.url)), { counted: false, reason: 'already-counted' }, 'nor the third');
    await b.reload();
    await b.locator('#share-progress', { hasText: '1 friend joined through your link (1/3)' }).waitFor({ timeout: 30_000 });
    await b.screenshot({ path: `${ARTIFACTS}/referral-share-progress-phone.png` });
    const mine = (await figures()).find((f) => f.code === linkB.code);
    t.match(mine, { displayName: 'Bo', joins: 3, newViewers: 1 }, 'B: three joins, one new viewer');
  });

  await t.test("the figures per code, in the stats and the cockpit's table", async (t) => {
    const all = await figures();
    t.match(all.find((f) => f.code === linkA.code), { displayName: 'Ana', joins: 3, newViewers: 3, viewers: 0, orders: 0 });
    const stats = await call<{ referrals: Figures[] }>('GET', `/api/shows/${show.id}/stats`);
    t.same(stats.referrals, all, "the show's stats carry the same");
    const context = await browser!.newContext({ viewport: { width: 1280, height: 1400 }, locale: 'en-GB' });
    contexts.push(context);
    const cockpit = await context.newPage();
    cockpit.on('pageerror', (e) => pageErrors.push(e.message));
    await cockpit.goto(`${base}/admin#/shows/${show.id}`);
    await cockpit.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await cockpit.getByLabel('Admin token').press('Enter');
    const table = cockpit.locator('#shared-by-viewers');
    await table.locator('tbody tr').nth(1).waitFor({ timeout: 60_000 });
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    t.same(rows, [
      ['Ana', '3', '3', '0', '0'],
      ['Bo', '3', '1', '0', '0'],
    ], 'Shared by viewers: viewer, joins, new viewers, orders, revenue');
    await table.screenshot({ path: `${ARTIFACTS}/referral-cockpit-shared-by-viewers.png` });
  });

  t.same(pageErrors, [], 'no page errors');
  for (const c of contexts) await c.close();
});
