// The panel's Report screen in real Chromium, against the real server on a real SQLite file:
// the tables drawn from a seeded show (product titles and chat typed as markup stay text), the
// comparison with the host's previous show, the CSV links, the burst rule with its error next to
// its field, and an alias saved from the mentions table that the counts then include.
import { mkdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import type { Browser } from 'playwright-core';
import { createChatRepository } from '../../src/db/chat-repository.js';
import { createQuestionRepository } from '../../src/db/question-repository.js';
import { createWatchSessionRepository } from '../../src/db/watch-session-repository.js';
import { ADMIN_TOKEN, buildTestApp, listenTestApp } from '../helpers/app.js';
import { launchChromium } from '../helpers/browser.js';
import { waitFor } from '../helpers/wait.js';

const ARTIFACTS = 'artifacts/screenshots';
const S = 1000;
const MIN = 60 * S;
const MARKUP_TITLE = 'Dotted gauze scarf <img src=x onerror=alert(1)>';

t.test('the Report screen: tables, comparison, CSV links, burst rule, aliases', { timeout: 120_000 }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const test = await buildTestApp();
  let browser: Browser | null = null;
  t.teardown(async () => {
    await browser?.close().catch(() => undefined);
    await test.app.close();
    test.db.close();
  });
  const base = await listenTestApp(test);
  const call = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = test.auth) => {
    const res = await fetch(`${base}${path}`, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  const scarf = await call<{ id: string }>('POST', '/api/products', { sku: 'GZ-001', title: MARKUP_TITLE, price: 2500, currency: 'EUR', stock: 2 });
  const towel = await call<{ id: string }>('POST', '/api/products', { sku: 'TW-200', title: 'Bamboo bath towel', price: 1800, currency: 'EUR', stock: 40 });
  const show = await call<{ id: string }>('POST', '/api/shows', { title: 'Spring textiles', host: 'Mina' });
  const before = await call<{ id: string }>('POST', '/api/shows', { title: 'Winter knits', host: 'Mina' });
  await call('PUT', `/api/shows/${show.id}/lineup`, { productIds: [scarf.id, towel.id] });
  const now = Date.now();
  const T0 = now - 12 * MIN;
  test.services.shows.markLive(show.id, T0);
  test.services.shows.markLive(before.id, now - 90 * MIN);
  test.services.shows.markEnded(before.id, now - 60 * MIN);

  const viewers: string[] = [];
  for (let i = 0; i < 12; i++) viewers.push((await call<{ viewerId: string }>('POST', '/api/viewers', { displayName: `v${i}` }, {})).viewerId);
  const sessions = createWatchSessionRepository(test.db);
  viewers.forEach((v, i) => sessions.touchSessions([sessions.openSession(show.id, v, T0 + i * 20 * S)], T0 + (4 + i) * MIN));
  sessions.touchSessions([sessions.openSession(before.id, viewers[0]!, now - 89 * MIN)], now - 70 * MIN);
  test.services.events.append({ showId: show.id, type: 'overlay.changed', at: T0 + MIN, payload: { change: 'pin', productId: scarf.id, programDateTime: new Date(T0 + MIN).toISOString() } });
  test.services.events.append({ showId: show.id, type: 'overlay.changed', at: T0 + 4 * MIN, payload: { change: 'pin', productId: towel.id, programDateTime: new Date(T0 + 4 * MIN).toISOString() } });

  const chat = createChatRepository(test.db);
  let n = 0;
  const say = (viewerId: string, text: string, at: number) => chat.insertMany([{ id: `l${n++}`, showId: show.id, viewerId, displayName: 'x', text, at, streamMs: null, deletedAt: null }]);
  // a burst of "sunflower" by 10 viewers in 20 s; the scarf named 3 times; the towel by what viewers call it
  viewers.slice(0, 10).forEach((v, i) => say(v, 'SUNFLOWER <b>please</b>', T0 + 2 * MIN + i * 2 * S));
  say(viewers[0]!, 'dotted gauze!', T0 + 3 * MIN);
  say(viewers[1]!, 'gz-001?', T0 + 3 * MIN + 40 * S);
  say(viewers[2]!, 'the DOTTED GAUZE', T0 + 4 * MIN + 20 * S);
  say(viewers[3]!, 'the fluffy one', T0 + 5 * MIN);
  say(viewers[4]!, 'fluffy one pls', T0 + 6 * MIN);
  const questions = createQuestionRepository(test.db);
  questions.create({ id: 'q1', showId: show.id, viewerId: viewers[5]!, kind: 'demo', text: 'show it <script>alert(1)</script>', productId: scarf.id, at: T0 + 2 * MIN, answeredAt: null });
  questions.upvote('q1', viewers[6]!);
  test.services.shows.markEnded(show.id, now);

  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 1600 }, locale: 'en-GB', acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => {
    pageErrors.push(`a dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(`${base}/admin#/`);
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByLabel('Admin token').press('Enter');
  await page.getByRole('heading', { name: 'Shows' }).waitFor();
  t.equal(await page.locator('.show-report-link').count(), 2, 'a Report link on each show that went live');
  await page.locator(`a[href="#/shows/${show.id}/report"]`).click();
  await page.locator('#report-title').waitFor({ timeout: 10_000 });

  await t.test('the tables, user text drawn as text', async (t) => {
    t.equal(await page.locator('#report-title').innerText(), 'Report: Spring textiles');
    const restock = await page.locator('#report-restock tbody tr').first().innerText();
    t.match(restock, MARKUP_TITLE, 'the scarf first, its title as typed');
    const bursts = await page.locator('#report-bursts tbody').innerText();
    t.match(bursts, /sunflower\s+10\s+2:00\s+2:18/, 'the burst: its word, viewers and stream times');
    t.match(await page.locator('#report-questions tbody').innerText(), 'show it <script>alert(1)</script>');
    t.equal(await page.locator('main img, main b, main script').count(), 0, 'no element came out of a title, a chat line or a question');
    const comparison = await page.locator('#report-comparison').innerText();
    t.match(comparison, 'Compared with 1 previous show by Mina');
    t.match(comparison, /Duration\s+12 min 00 s\s+30 min 00 s\s+−60 %/);
    for (const table of ['comparison', 'viewers', 'orders', 'restock', 'products', 'mentions', 'bursts', 'questions']) {
      t.equal(await page.locator(`#report-${table}-csv`).getAttribute('href'), `/api/shows/${show.id}/report/${table}.csv`, `${table} CSV link`);
    }
    const download = page.waitForEvent('download');
    await page.locator('#report-bursts-csv').click();
    const file = await (await download).path();
    t.match(readFileSync(file!, 'utf8'), /^word,viewers,startMs,endMs\r\nsunflower,10,120000,138000\r\n$/, 'the CSV downloads with the session cookie');
    await page.screenshot({ path: `${ARTIFACTS}/report-screen.png`, fullPage: true });
  });

  await t.test('an alias saved in the mentions table counts at once', async (t) => {
    const towelRow = page.locator('#report-mentions tbody tr').filter({ hasText: 'Bamboo bath towel' });
    t.match(await towelRow.innerText(), /Bamboo bath towel\s+0\s+0/);
    await page.getByLabel('Aliases of Bamboo bath towel, separated by commas').fill('fluffy one, FLUFFY ONE');
    await towelRow.getByRole('button', { name: 'Save' }).click();
    await page.locator(`#aliases-${towel.id}-error`).filter({ hasText: 'alias #2: the same as alias #1' }).waitFor({ timeout: 10_000 });
    t.pass('a refused list says which alias and why');
    await page.getByLabel('Aliases of Bamboo bath towel, separated by commas').fill('fluffy one');
    await towelRow.getByRole('button', { name: 'Save' }).click();
    await waitFor('the towel counted by its alias', async () => /Bamboo bath towel\s+2\s+2/.test(await page.locator('#report-mentions tbody').innerText()), 10_000);
    t.same(await call('GET', `/api/products/${towel.id}/aliases`), { aliases: ['fluffy one'] });
    await page.waitForFunction((id) => (globalThis as unknown as { document: { getElementById(id: string): { value?: string } | null } }).document.getElementById(`aliases-${id}`)?.value === 'fluffy one', towel.id, { timeout: 5_000 });
    t.pass('the field shows the saved aliases');
  });

  await t.test('the burst rule: a refused value is said next to its field; a new rule finds what it finds', async (t) => {
    await page.locator('#burstViewers').fill('1');
    await page.getByRole('button', { name: 'Find bursts' }).click();
    await page.locator('#burstViewers-error').filter({ hasText: /2/ }).waitFor({ timeout: 10_000 });
    t.pass(await page.locator('#burstViewers-error').innerText());
    await page.locator('#burstViewers').fill('11');
    await page.getByRole('button', { name: 'Find bursts' }).click();
    await page.locator('#report-bursts').getByText('No word was typed by 11 viewers within 30 s.').waitFor({ timeout: 10_000 });
    t.match(page.url(), /#\/shows\/[^/]+\/report\?burstViewers=11&burstSeconds=30$/, 'the rule is in the address');
    t.equal(await page.locator('#report-bursts-csv').getAttribute('href'), `/api/shows/${show.id}/report/bursts.csv?burstViewers=11&burstSeconds=30`, 'the CSV takes the same rule');
  });

  t.same(pageErrors, [], 'no script error, no dialog');
});
