// "Remind me" in real Chromium on the viewer page of a scheduled show: the page's own code
// registers the service worker (/sw.js), subscribes and POSTs the subscription; the one thing
// stubbed is the boundary Chromium cannot reach here, PushManager's subscribe (Google's push
// service): it answers a subscription whose endpoint is the test's local HTTPS push service
// and whose keys the test made. At go-live that push service receives the push, checks its
// VAPID token against /api/push/key and decrypts it (RFC 8291). The decrypted message is then
// delivered to the real service worker through CDP, which shows it as a notification.
import { mkdirSync } from 'node:fs';
import t from 'tap';
import type { Browser } from 'playwright-core';
import { createReminderRepository } from '../../src/db/reminder-repository.js';
import type { ReminderPayload } from '../../src/reach/reminder-scheduler.js';
import { buildTestApp, listenTestApp } from '../helpers/app.js';
import { launchChromium } from '../helpers/browser.js';
import { startPushService, verifyVapid } from '../helpers/push-service.js';
import { waitFor } from '../helpers/wait.js';

const ARTIFACTS = 'artifacts/screenshots';
const ZONE = 'Europe/Paris';

// Runs in the page before its modules (a string: the TypeScript loader would wrap a function in
// helpers the page does not have). The subscription answered is what Chromium's would be, with
// the test's endpoint and keys; the key the page passes is kept for the test to compare.
const stubPushManager = (sub: { endpoint: string; keys: { p256dh: string; auth: string } }) => `(() => {
  const sub = ${JSON.stringify(sub)};
  const made = () => ({
    endpoint: sub.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true },
    getKey: () => null,
    toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }),
    unsubscribe: async () => true,
  });
  PushManager.prototype.subscribe = async function (options) {
    const key = new Uint8Array(options.applicationServerKey);
    localStorage.setItem('test.subscribedWith', btoa(String.fromCharCode(...key)).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, ''));
    localStorage.setItem('test.subscribed', '1');
    return made();
  };
  PushManager.prototype.getSubscription = async function () {
    return localStorage.getItem('test.subscribed') ? made() : null;
  };
})()`;

t.test('a viewer asks for a reminder on the pre-live page; at go-live the push reaches the push service and the service worker', { timeout: 240_000 }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const push = await startPushService();
  t.teardown(() => push.close());
  const s = await buildTestApp({ reminders: { allowPrivateEndpoints: true }, pushCa: push.ca });
  const base = await listenTestApp(s);
  let browser: Browser | null = null;
  // two days ahead, on the hour: a time whose local form the test can say
  const scheduledAt = new Date(Math.ceil((Date.now() + 48 * 3600_000) / 3600_000) * 3600_000);
  const show = (await s.app.inject({ method: 'POST', url: '/api/shows', headers: s.auth, payload: { title: 'Linen & silk: the spring drop', host: 'Mia', scheduledAt: scheduledAt.toISOString() } })).json() as { id: string; streamKey: string };
  t.teardown(async () => {
    await browser?.close().catch(() => undefined);
    await s.services.catalog.end(show.id).catch(() => undefined);
    await s.app.close();
    s.db.close();
  });
  const publicKey = ((await s.app.inject({ url: '/api/push/key' })).json() as { publicKey: string }).publicKey;
  const sub = push.subscriber();

  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-GB', timezoneId: ZONE });
  await context.grantPermissions(['notifications'], { origin: base });
  await context.addInitScript(stubPushManager({ endpoint: sub.endpoint, keys: sub.keys }));
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${base}/watch/${show.id}`);

  // the time in the viewer's zone and language, the countdown, the calendar file
  const expected = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short', timeZone: ZONE }).format(scheduledAt);
  await waitFor('the local time', async () => (await page.textContent('#show-time')) === expected, 10_000);
  t.match(expected, /(CET|CEST|GMT\+\d)/, `shown as "${expected}"`);
  await waitFor('the countdown', async () => /^\d+:\d\d:\d\d$/.test((await page.textContent('#countdown')) ?? ''), 10_000);
  const ics = await page.getAttribute('#add-calendar', 'href');
  t.equal(ics, `/api/shows/${show.id}/calendar.ics`);
  const file = await page.evaluate(`fetch(${JSON.stringify(ics)}).then((r) => r.text())`);
  t.match(file, new RegExp(`DTSTART:${scheduledAt.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}\r\n`), 'the calendar file the link gives');
  t.equal(await page.textContent('#remind-state'), '', 'no reminder yet');
  t.ok(await page.isChecked('#remind-early'), '"and 15 minutes before" ticked by default');

  await page.click('#remind-me');
  await waitFor("We'll remind you", async () => (await page.textContent('#remind-state')) === "We'll remind you", 15_000);
  t.equal(await page.getAttribute('#remind-me', 'aria-pressed'), 'true');
  const store = createReminderRepository(s.db);
  t.equal(store.countForShow(show.id), 1, 'the subscription is stored');
  const row = s.db.prepare<[string], { endpoint: string; p256dh: string; auth: string; minutesBefore: number | null }>('SELECT endpoint, p256dh, auth, minutes_before AS minutesBefore FROM reminders WHERE show_id = ?').get(show.id);
  t.same(row, { endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, minutesBefore: 15 }, 'as the page sent it');
  t.equal(await page.evaluate(`localStorage.getItem('test.subscribedWith')`), publicKey, 'subscribed with the server key');
  const worker = (await page.evaluate(`navigator.serviceWorker.getRegistration('/').then((r) => r && r.active && r.active.scriptURL + ' ' + r.scope)`)) as string | null;
  t.equal(worker, `${base}/sw.js ${base}/`, 'the real service worker, at the root scope');
  await page.screenshot({ path: `${ARTIFACTS}/reminders-pre-live-phone.png` });

  // off and on again, and the state kept across a reload
  await page.click('#remind-me');
  await waitFor('off', async () => (await page.getAttribute('#remind-me', 'aria-pressed')) === 'false', 10_000);
  t.equal(store.countForShow(show.id), 0, 'the button toggles the reminder off');
  await page.click('#remind-me');
  await waitFor('on again', async () => (await page.getAttribute('#remind-me', 'aria-pressed')) === 'true', 10_000);
  await page.reload();
  await waitFor('the state after a reload', async () => (await page.textContent('#remind-state')) === "We'll remind you", 10_000);
  t.equal(store.countForShow(show.id), 1);

  // a browser that blocks notifications, and one without the Push API: said in words, nothing stored
  const blocked = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const blockedPage = await blocked.newPage();
  await blockedPage.goto(`${base}/watch/${show.id}`);
  await blockedPage.click('#remind-me');
  await waitFor('blocked', async () => (await blockedPage.textContent('#remind-state')) === 'Notifications are blocked in this browser', 10_000);
  const bare = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await bare.addInitScript('delete window.PushManager');
  const barePage = await bare.newPage();
  await barePage.goto(`${base}/watch/${show.id}`);
  await waitFor('not supported', async () => (await barePage.textContent('#remind-state')) === 'Not supported here', 10_000);
  t.ok(await barePage.isDisabled('#remind-me'), 'the button is off where push cannot work');
  await blocked.close();
  await bare.close();
  t.equal(store.countForShow(show.id), 1, 'neither stored anything');

  // go live: the rehearsing stream on air, as the cockpit's Go live does
  const publish = { sessionId: 'p1', app: 'live', streamKey: show.streamKey, remoteAddress: '127.0.0.1' };
  t.same(s.services.live.authorizePublish(publish), { accept: true });
  s.services.live.publishStarted(publish);
  s.services.catalog.goLive(show.id);
  const received = await waitFor('the push at the push service', () => push.requests.find((r) => push.origin + r.path === sub.endpoint), 15_000);
  const vapid = verifyVapid(received.headers.authorization as string, publicKey);
  t.equal(vapid.aud, push.origin, 'VAPID: signed by the server key, for this push service');
  const message = sub.decrypt(received.body).toString('utf8');
  t.same(JSON.parse(message) as ReminderPayload, { title: 'Linen & silk: the spring drop', body: 'Live now: tap to watch and shop', url: `https://shop.example/watch/${show.id}`, showId: show.id, kind: 'live' }, 'decrypted per RFC 8291');

  // the decrypted message to the real service worker: it shows the notification
  const cdp = await context.newCDPSession(page);
  const registrations: Array<{ registrationId: string; scopeURL: string }> = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: Array<{ registrationId: string; scopeURL: string }> }) => registrations.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  const registration = await waitFor('the worker registration over CDP', () => registrations.find((r) => r.scopeURL === `${base}/`), 10_000);
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: base, registrationId: registration.registrationId, data: message });
  const shown = await waitFor(
    'the notification',
    async () => {
      const list = (await page.evaluate(`navigator.serviceWorker.getRegistration('/').then((r) => r.getNotifications()).then((ns) => ns.map((n) => ({ title: n.title, body: n.body, url: n.data && n.data.url, tag: n.tag })))`)) as Array<Record<string, string>>;
      return list.length ? list : null;
    },
    10_000,
  );
  t.same(shown, [{ title: 'Linen & silk: the spring drop', body: 'Live now: tap to watch and shop', url: `https://shop.example/watch/${show.id}`, tag: `show-${show.id}` }], 'the service worker showed it');
  t.same(pageErrors, [], 'no page errors');
});
