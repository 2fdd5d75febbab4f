// Show reminders over real HTTP on a real SQLite file: the VAPID key kept in the data dir, the
// .ics read back by ical.js, the subscription's checks (https, bounded, keys, no private
// address without reminders.allowPrivateEndpoints), and the pushes themselves to a local HTTPS
// push service that checks the VAPID token and decrypts each payload (RFC 8291): at go-live to
// every subscription once, "N minutes before" on a clock the test moves, never twice across a
// restart, a 410 deleting the subscription, other failures retried and logged by host only.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';
import t from 'tap';
import { createReminderRepository } from '../../src/db/reminder-repository.js';
import { ReminderScheduler, type ReminderPayload } from '../../src/reach/reminder-scheduler.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { captureLogs } from '../helpers/capture-logs.js';
import { startPushService, verifyVapid, type LocalPushService, type Subscriber } from '../helpers/push-service.js';
import { waitFor } from '../helpers/wait.js';

const HOUR = 3600_000;

async function createShow(s: TestApp, body: Record<string, unknown>): Promise<{ id: string; streamKey: string }> {
  const res = await s.app.inject({ method: 'POST', url: '/api/shows', headers: s.auth, payload: body });
  if (res.statusCode !== 201) throw new Error(`show: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; streamKey: string };
}

const remind = (s: TestApp, showId: string, sub: Pick<Subscriber, 'endpoint' | 'keys'>, minutesBefore?: number | null) =>
  s.app.inject({ method: 'POST', url: `/api/shows/${showId}/reminders`, payload: { subscription: { endpoint: sub.endpoint, keys: sub.keys, expirationTime: null }, ...(minutesBefore !== undefined ? { minutesBefore } : {}) } });

/** the pushes the service received for a subscriber, checked (VAPID) and decrypted */
function pushesTo(push: LocalPushService, sub: Subscriber, publicKey: string) {
  return push.requests
    .filter((r) => push.origin + r.path === sub.endpoint)
    .map((r) => {
      const vapid = verifyVapid(r.headers.authorization as string, publicKey);
      return { vapid, headers: r.headers, payload: JSON.parse(sub.decrypt(r.body).toString('utf8')) as ReminderPayload };
    });
}

t.test('the VAPID key pair: made once, kept 0600 in the data dir, the same after a restart', async (t) => {
  const first = await buildTestApp();
  const key = (await first.app.inject({ url: '/api/push/key' })).json() as { publicKey: string };
  t.equal(Buffer.from(key.publicKey, 'base64url').length, 65, 'an uncompressed P-256 key');
  const file = join(first.dataDir, 'vapid-keys.json');
  t.equal(statSync(file).mode & 0o777, 0o600);
  t.notOk(first.logs().includes(key.publicKey) || first.logs().includes('privateKey'), 'never logged');
  await first.app.close();
  first.db.close();
  const again = await buildTestApp({ dataDir: first.dataDir });
  t.teardown(async () => {
    await again.app.close();
    again.db.close();
  });
  t.same((await again.app.inject({ url: '/api/push/key' })).json(), key, 'the same pair: browsers stay subscribed');
});

t.test('GET /api/shows/:id/calendar.ics', async (t) => {
  const s = await buildTestApp();
  t.teardown(async () => {
    await s.app.close();
    s.db.close();
  });
  const scheduledAt = '2026-12-01T18:00:00.000Z';
  const show = await createShow(s, { title: 'Winter, knits; and more', host: 'Mia', scheduledAt });
  const res = await s.app.inject({ url: `/api/shows/${show.id}/calendar.ics` });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/calendar/);
  t.match(res.headers['content-disposition'], /attachment/);
  const event = new ICAL.Event(new ICAL.Component(ICAL.parse(res.body)).getFirstSubcomponent('vevent')!);
  t.equal(event.startDate.toJSDate().toISOString(), scheduledAt, 'DTSTART is the show’s scheduledAt');
  t.equal(event.startDate.zone?.tzid, 'UTC');
  t.equal(event.summary, 'Winter, knits; and more');
  t.equal(event.component.getFirstPropertyValue('url'), `https://shop.example/watch/${show.id}`, 'the show page, absolute');

  const unknown = await s.app.inject({ url: '/api/shows/nope/calendar.ics' });
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().code, 'SHOW_NOT_FOUND');
  const unscheduled = await createShow(s, { title: 'Whenever' });
  const none = await s.app.inject({ url: `/api/shows/${unscheduled.id}/calendar.ics` });
  t.equal(none.statusCode, 409);
  t.equal(none.json().code, 'SHOW_NOT_SCHEDULED');
});

t.test('a subscription is checked: https, bounded, real keys, no private address unless allowed', async (t) => {
  const s = await buildTestApp();
  t.teardown(async () => {
    await s.app.close();
    s.db.close();
  });
  const push = await startPushService();
  t.teardown(() => push.close());
  const show = await createShow(s, { title: 'Drop', scheduledAt: new Date(Date.now() + HOUR).toISOString() });
  const sub = push.subscriber();
  const code = async (res: Awaited<ReturnType<typeof remind>>) => [res.statusCode, (res.json() as { code: string }).code];

  t.same(await code(await remind(s, show.id, sub)), [422, 'PUSH_ENDPOINT_REFUSED'], 'loopback refused without the flag');
  const refused = await remind(s, show.id, sub);
  t.match(refused.json().message, /127\.0\.0\.1 is a loopback address/);
  t.same(await code(await remind(s, show.id, { ...sub, endpoint: 'https://localhost/push/x' })), [422, 'PUSH_ENDPOINT_REFUSED'], 'a name resolving to loopback refused');
  t.same(await code(await remind(s, show.id, { ...sub, endpoint: 'https://10.1.2.3/push/x' })), [422, 'PUSH_ENDPOINT_REFUSED'], 'a private address refused');
  t.same(await code(await remind(s, show.id, { ...sub, endpoint: 'https://[::ffff:169.254.169.254]/x' })), [422, 'PUSH_ENDPOINT_REFUSED'], 'the metadata address, IPv4-mapped, refused');
  t.same(await code(await remind(s, show.id, { ...sub, endpoint: 'http://push.example/x' })), [422, 'PUSH_ENDPOINT_INVALID'], 'http refused');
  t.same(await code(await remind(s, show.id, { ...sub, endpoint: `https://push.example/${'x'.repeat(1100)}` })), [400, 'VALIDATION_FAILED'], 'too long');
  t.same(await code(await remind(s, show.id, { ...sub, keys: { ...sub.keys, auth: 'AAAA' } })), [422, 'PUSH_SUBSCRIPTION_INVALID'], 'a short auth secret');
  t.same(await code(await remind(s, show.id, { ...sub, keys: { ...sub.keys, p256dh: Buffer.alloc(65, 1).toString('base64url') } })), [422, 'PUSH_SUBSCRIPTION_INVALID'], 'not a P-256 point');
  t.same(await code(await remind(s, show.id, sub, 0)), [400, 'VALIDATION_FAILED'], 'minutesBefore at least 1');
  t.same(await code(await remind(s, 'nope', sub)), [404, 'SHOW_NOT_FOUND']);
  t.equal(createReminderRepository(s.db).countForShow(show.id), 0, 'nothing stored');
});

t.test('POST and DELETE /api/shows/:id/reminders', async (t) => {
  const s = await buildTestApp({ reminders: { allowPrivateEndpoints: true } });
  t.teardown(async () => {
    await s.app.close();
    s.db.close();
  });
  const push = await startPushService();
  t.teardown(() => push.close());
  const show = await createShow(s, { title: 'Drop', scheduledAt: new Date(Date.now() + HOUR).toISOString() });
  const sub = push.subscriber();
  const created = await remind(s, show.id, sub);
  t.equal(created.statusCode, 201);
  t.match(created.json(), { id: /^[A-Za-z0-9_-]{12}$/, showId: show.id, minutesBefore: 15 }, 'the default lead time');
  const updated = await remind(s, show.id, sub, null);
  t.equal(updated.statusCode, 200, 'the same endpoint again: updated');
  t.same(updated.json(), { id: created.json().id, showId: show.id, minutesBefore: null });
  t.equal(createReminderRepository(s.db).countForShow(show.id), 1);
  const gone = await s.app.inject({ method: 'DELETE', url: `/api/shows/${show.id}/reminders`, payload: { endpoint: sub.endpoint } });
  t.equal(gone.statusCode, 204);
  t.equal(createReminderRepository(s.db).countForShow(show.id), 0);
  const again = await s.app.inject({ method: 'DELETE', url: `/api/shows/${show.id}/reminders`, payload: { endpoint: sub.endpoint } });
  t.equal(again.json().code, 'REMINDER_NOT_FOUND');

  // asked 10 minutes before a show with a 15-minute lead: no "starts soon" now, go-live only
  const soon = await createShow(s, { title: 'Soon', scheduledAt: new Date(Date.now() + 10 * 60_000).toISOString() });
  t.equal((await remind(s, soon.id, push.subscriber())).statusCode, 201);
  t.same(createReminderRepository(s.db).due(Date.now(), 10), [], 'not due: the viewer is on the page now');
  const unscheduled = await createShow(s, { title: 'Whenever' });
  t.same((await remind(s, unscheduled.id, push.subscriber(), 30)).json().minutesBefore, null, 'no time: go-live only');
  await s.services.reminderScheduler.tick();
  t.equal(push.requests.length, 0, 'nothing pushed');
});

t.test('at go-live every subscription gets one push; a 410 deletes its subscription', async (t) => {
  const push = await startPushService();
  t.teardown(() => push.close());
  const s = await buildTestApp({ reminders: { allowPrivateEndpoints: true }, pushCa: push.ca });
  const show = await createShow(s, { title: 'Launch night', scheduledAt: new Date(Date.now() + HOUR).toISOString() });
  t.teardown(async () => {
    await s.services.catalog.end(show.id).catch(() => undefined);
    await s.app.close();
    s.db.close();
  });
  const publicKey = ((await s.app.inject({ url: '/api/push/key' })).json() as { publicKey: string }).publicKey;
  const fan = push.subscriber(201);
  const stale = push.subscriber(410);
  t.equal((await remind(s, show.id, fan)).statusCode, 201);
  t.equal((await remind(s, show.id, stale, null)).statusCode, 201);

  // on air the way the cockpit does it: a stream rehearses, then Go live
  const publish = { sessionId: 'p1', app: 'live', streamKey: show.streamKey, remoteAddress: '127.0.0.1' };
  t.same(s.services.live.authorizePublish(publish), { accept: true });
  s.services.live.publishStarted(publish);
  s.services.catalog.goLive(show.id);

  await waitFor('both pushes', () => push.requests.length >= 2, 10_000);
  const [got] = pushesTo(push, fan, publicKey);
  if (!got) throw new Error('no push to the fan');
  t.same(got.payload, { title: 'Launch night', body: 'Live now: tap to watch and shop', url: `https://shop.example/watch/${show.id}`, showId: show.id, kind: 'live' }, 'decrypted per RFC 8291');
  t.equal(got.vapid.aud, push.origin, 'the JWT is for this push service');
  t.equal(got.vapid.k, publicKey, 'and carries the server key');
  t.ok(got.vapid.exp * 1000 > Date.now() && got.vapid.exp * 1000 <= Date.now() + 24 * HOUR, 'expires within a day');
  t.equal(got.vapid.sub, 'https://shop.example', 'the subject: the https public URL');
  t.equal(got.headers.urgency, 'high');
  t.equal(got.headers['content-encoding'], 'aes128gcm');
  t.equal(got.headers.ttl, '3600');

  const store = createReminderRepository(s.db);
  await waitFor('the 410 subscription deleted', () => store.countForShow(show.id) === 1);
  t.same(store.due(Date.now(), 10), [], 'nothing due again');
  await s.services.reminderScheduler.tick();
  t.equal(push.requests.length, 2, 'no push twice');
  t.notOk(s.logs().includes(new URL(stale.endpoint).pathname), 'the endpoint path (a capability) never logged');
  t.match(s.logs(), /push subscription gone/);

  const ended = await s.services.catalog.end(show.id);
  t.equal(ended.status, 'ended');
  t.equal(store.countForShow(show.id), 0, "an ended show's subscriptions are deleted");
  t.same(pushesTo(push, stale, publicKey).length, 1, 'the stale one was tried once');
});

t.test('"N minutes before" on a clock the test moves: once, across a restart; failures retried, then given up', async (t) => {
  const push = await startPushService();
  t.teardown(() => push.close());
  const s = await buildTestApp({ reminders: { allowPrivateEndpoints: true }, pushCa: push.ca });
  t.teardown(async () => {
    await s.app.close();
    s.db.close();
  });
  const publicKey = ((await s.app.inject({ url: '/api/push/key' })).json() as { publicKey: string }).publicKey;
  const T0 = Date.now();
  const show = await createShow(s, { title: 'Sunday market', scheduledAt: new Date(T0 + 30 * 60_000).toISOString() });
  const tenBefore = push.subscriber();
  const liveOnly = push.subscriber();
  const flaky = push.subscriber(503);
  t.equal((await remind(s, show.id, tenBefore, 10)).statusCode, 201);
  t.equal((await remind(s, show.id, liveOnly, null)).statusCode, 201);
  t.equal((await remind(s, show.id, flaky, 20)).statusCode, 201);

  let now = T0;
  const store = createReminderRepository(s.db);
  const { logger, text } = captureLogs('debug');
  const scheduler = () => new ReminderScheduler({ store, sender: s.services.pushSender, publicUrl: 'https://shop.example', logger, now: () => now, retryBaseMs: 60_000, maxAttempts: 3 });
  const first = scheduler();

  await first.tick();
  t.equal(push.requests.length, 0, 'nothing due 30 minutes before');
  now = T0 + 10 * 60_000;
  await first.tick();
  t.same(push.requests.map((r) => push.origin + r.path), [flaky.endpoint], '20 minutes before: the flaky one is tried');
  now = T0 + 10 * 60_000 + 30_000;
  await first.tick();
  t.equal(push.requests.length, 1, 'its retry waits for its backoff');
  now = T0 + 20 * 60_000;
  await first.tick();
  const soon = pushesTo(push, tenBefore, publicKey);
  t.equal(soon.length, 1, '10 minutes before: sent');
  t.same(soon[0]?.payload, { title: 'Sunday market', body: 'Starts in 10 minutes', url: `https://shop.example/watch/${show.id}`, showId: show.id, kind: 'soon' });
  t.equal(soon[0]?.headers.urgency, 'normal');
  t.equal(pushesTo(push, liveOnly, publicKey).length, 0, 'a go-live-only reminder waits');
  const flakyTries = push.requests.filter((r) => push.origin + r.path === flaky.endpoint).length;
  t.equal(flakyTries, 2, 'the flaky one retried after its backoff');

  // a restart: a new scheduler on the same database sends nothing again
  const restarted = scheduler();
  await restarted.tick();
  now = T0 + 25 * 60_000;
  await restarted.tick();
  t.equal(pushesTo(push, tenBefore, publicKey).length, 1, 'not repeated after a restart');
  t.equal(push.requests.filter((r) => push.origin + r.path === flaky.endpoint).length, 3, 'the third try');
  now = T0 + 29 * 60_000;
  await restarted.tick();
  t.equal(push.requests.filter((r) => push.origin + r.path === flaky.endpoint).length, 3, 'given up after maxAttempts');
  t.match(text(), /given up/);
  t.match(text(), new RegExp(`"pushService":"127\\.0\\.0\\.1:\\d+"`), 'failures name the push service host');
  t.notOk(text().includes(new URL(flaky.endpoint).pathname), 'never the endpoint path');
  t.equal(store.countForShow(show.id), 3, 'failures do not delete a subscription');
});
