// Share links over real HTTP on a real SQLite file: a viewer's code (stable, theirs), the page's
// join with its device cookie (set once, stored hashed), which joins count as new friends and
// why the others do not, the per-address cap, the 'share' coupon unlocking live at N, and the
// figures per code (joins, new viewers, viewers, their orders and revenue) in the stats.
import { createHash } from 'node:crypto';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { openForOrders } from '../helpers/checkout.js';
import { LiveClient } from '../helpers/live-client.js';

interface JoinAnswer {
  counted: boolean;
  reason?: string;
}

t.test('share links: codes, joins, new friends, the share coupon and the figures', async (t) => {
  const test = await buildTestApp({ viewerRateLimitPerMinute: 100_000, referrals: { newFriendsPerAddressPerHour: 3 } });
  const { app, auth, db } = test;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const sockets: LiveClient[] = [];
  t.teardown(async () => {
    for (const s of sockets) s.close();
    await app.close();
    db.close();
  });
  const admin = (method: 'POST' | 'GET' | 'PUT', url: string, body?: unknown) => app.inject({ method, url, headers: auth, ...(body === undefined ? {} : { payload: body as object }) });
  const viewer = async (name: string) => (await app.inject({ method: 'POST', url: '/api/viewers', payload: { displayName: name } })).json() as { viewerId: string; token: string };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const share = (showId: string, token: string, cookie?: string) => app.inject({ method: 'POST', url: `/api/shows/${showId}/share`, headers: { ...bearer(token), ...(cookie ? { cookie: `hawker_device=${cookie}` } : {}) } });
  /** one page load: the device cookie it had (if any), the link's code, the viewer's token, the client's address */
  const join = async (showId: string, o: { cookie?: string; ref?: string; token?: string; from?: string } = {}) => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/shows/${showId}/joins`,
      remoteAddress: o.from ?? '198.51.100.1',
      headers: { ...(o.cookie ? { cookie: `hawker_device=${o.cookie}` } : {}), ...(o.token ? bearer(o.token) : {}) },
      payload: o.ref ? { ref: o.ref } : {},
    });
    const set = res.headers['set-cookie'];
    const cookie = typeof set === 'string' ? /^hawker_device=([^;]+)/.exec(set)?.[1] : undefined;
    return { status: res.statusCode, body: res.json() as JoinAnswer, setCookie: typeof set === 'string' ? set : undefined, cookie: cookie ?? o.cookie };
  };
  /** a browser never seen: its first load through the link */
  const friend = (showId: string, ref: string, from?: string) => join(showId, { ref, ...(from ? { from } : {}) });

  const product = (await admin('POST', '/api/products', { sku: 'TEA', title: 'Tea', price: 1500, currency: 'EUR', stock: 100 })).json() as { id: string };
  const show = (await admin('POST', '/api/shows', { title: 'Teas', host: 'Mia' })).json() as { id: string };
  const other = (await admin('POST', '/api/shows', { title: 'Cups', host: 'Mia' })).json() as { id: string };
  openForOrders(db, show.id, [product.id]);
  const coupon = (await admin('POST', '/api/coupons', { code: 'FRIENDS3', kind: 'percent', amount: 15, showId: show.id, unlock: 'share', unlockThreshold: 3 })).json() as { id: string };

  await t.test('a code per viewer and show: stable, theirs, unguessable in shape', async (t) => {
    const ana = await viewer('Ana');
    t.equal((await app.inject({ method: 'POST', url: `/api/shows/${show.id}/share` })).json().code, 'INVALID_VIEWER_TOKEN', 'a viewer token is needed');
    t.equal((await share('nosuchshow00', ana.token)).json().code, 'SHOW_NOT_FOUND');
    const first = await share(show.id, ana.token);
    t.equal(first.statusCode, 200);
    const { code, url } = first.json() as { code: string; url: string };
    t.match(code, /^[a-z2-9]{10}$/, '10 symbols of 31: about 50 bits');
    t.equal(url, `https://shop.example/watch/${show.id}?ref=${code}`, 'absolute, from publicUrl');
    t.same((await share(show.id, ana.token)).json(), { code, url }, 'the same code every time');
    t.not((await share(other.id, ana.token)).json().code, code, 'another show, another code');
    t.not((await share(show.id, (await viewer('Ben')).token)).json().code, code, 'another viewer, another code');
  });

  await t.test('the join sets the device cookie once, and keeps only its hash', async (t) => {
    const first = await join(show.id);
    t.equal(first.status, 200);
    t.same(first.body, { counted: false, reason: 'no-link' });
    t.ok(first.setCookie, 'a cookie for a browser that had none');
    t.match(first.setCookie ?? '', /^hawker_device=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=31536000; Secure$/, 'HttpOnly, Lax, a year, Secure (publicUrl is https)');
    const again = await join(show.id, { cookie: first.cookie! });
    t.equal(again.setCookie, undefined, 'not set again while the browser has it');
    const stored = db.prepare('SELECT hash FROM referral_devices').pluck().all() as string[];
    t.ok(stored.includes(createHash('sha256').update(first.cookie!).digest('hex')), 'stored as its SHA-256');
    t.notOk(stored.includes(first.cookie!), 'never in clear');
    t.ok((await join(show.id, { cookie: 'not-one-of-ours' })).setCookie, 'a cookie not of our shape is replaced');
    t.equal((await app.inject({ method: 'POST', url: `/api/shows/${show.id}/joins`, payload: { ref: 'x'.repeat(500) } })).json().code, 'VALIDATION_FAILED', 'a ref is bounded');
    t.equal((await app.inject({ method: 'POST', url: `/api/shows/nosuchshow00/joins`, payload: {} })).json().code, 'SHOW_NOT_FOUND');
  });

  await t.test("three new friends unlock the referrer's share coupon, live; the same browser counts once", async (t) => {
    const cy = await viewer('Cy');
    // Cy's own browser: the page joins, then Cy shares from it
    const cysBrowser = (await join(show.id, { token: cy.token })).cookie!;
    const { code } = (await share(show.id, cy.token, cysBrowser)).json() as { code: string };
    const socket = await LiveClient.open(base, show.id, { token: cy.token });
    sockets.push(socket);
    await socket.next((m) => m.type === 'welcome');
    const progress = async () => ((await app.inject({ method: 'GET', url: `/api/shows/${show.id}/coupons`, headers: bearer(cy.token) })).json() as { coupons: Array<{ id: string; state: string; progress: { have: number; need: number } | null }> }).coupons.find((c) => c.id === coupon.id);

    t.same((await join(show.id, { ref: code, token: cy.token, from: '198.51.100.9' })).body, { counted: false, reason: 'own-link' }, 'opening their own link');
    t.same((await join(show.id, { ref: code, cookie: cysBrowser, from: '198.51.100.9' })).body, { counted: false, reason: 'referrer-device' }, 'their own browser, signed out');

    const one = await friend(show.id, code, '203.0.113.1');
    t.same(one.body, { counted: true });
    t.same((await join(show.id, { ref: code, cookie: one.cookie!, from: '203.0.113.1' })).body, { counted: false, reason: 'already-counted' }, 'the same browser again');
    t.same((await join(show.id, { ref: code, cookie: one.cookie!, from: '203.0.113.77' })).body, { counted: false, reason: 'already-counted' }, 'from another address too');
    t.match(await progress(), { state: 'locked', progress: { have: 1, need: 3 } });
    t.same((await friend(show.id, code, '203.0.113.2')).body, { counted: true });
    t.equal(socket.ofType('coupon.unlocked').length, 0, 'not yet');
    t.same((await friend(show.id, code, '203.0.113.3')).body, { counted: true });
    const unlocked = await socket.next((m) => m.type === 'coupon.unlocked');
    t.match(unlocked.coupon, { code: 'FRIENDS3', state: 'available' }, "pushed on the referrer's socket");
    t.match(await progress(), { state: 'available', progress: null }, 'and usable in the coupon centre');
    t.equal(test.services.events.listForShow(show.id, 1000).filter((e) => e.type === 'coupon.claimed').length, 1, 'claimed once, on the timeline');
    t.equal(test.services.referrals.friendsJoined(cy.viewerId, show.id), 3);
  });

  await t.test('what does not count, and why', async (t) => {
    const dee = await viewer('Dee');
    const { code } = (await share(show.id, dee.token)).json() as { code: string };
    const { code: otherCode } = (await share(other.id, dee.token)).json() as { code: string };
    const from = '192.0.2.50';
    const plain = await join(show.id, { from });
    t.same((await join(show.id, { ref: code, cookie: plain.cookie!, from })).body, { counted: false, reason: 'device-seen' }, 'a browser that visited before, without the link');
    t.same((await join(show.id, { ref: 'zzzzzzzzzz', from })).body, { counted: false, reason: 'unknown-code' });
    t.same((await join(show.id, { ref: otherCode, from })).body, { counted: false, reason: 'other-show' }, "another show's code");
    // a viewer who watched before, now on a browser never seen
    const old = await viewer('Old');
    await join(other.id, { token: old.token, from });
    t.same((await join(show.id, { ref: code, token: old.token, from })).body, { counted: false, reason: 'viewer-seen' }, 'a viewer with history here');
    const brandNew = await viewer('New');
    t.same((await join(show.id, { ref: code, token: brandNew.token, from })).body, { counted: true }, 'a viewer with no history, on a new browser');
    t.equal(test.services.referrals.friendsJoined(dee.viewerId, show.id), 1);
  });

  await t.test('the per-address cap: one machine cannot mint friends; an IPv6 /64 is one address', async (t) => {
    const eve = await viewer('Eve');
    const { code } = (await share(show.id, eve.token)).json() as { code: string };
    const counted = async (from: string) => (await friend(show.id, code, from)).body;
    for (let i = 0; i < 3; i++) t.same(await counted('2001:db8:aa:1::10'), { counted: true }, `friend ${i + 1} of the hour`);
    t.same(await counted('2001:db8:aa:1::99'), { counted: false, reason: 'address-cap' }, 'the 4th from the same /64, another address in it');
    t.same(await counted('2001:db8:aa:2::10'), { counted: true }, 'another /64 counts');
    t.equal(test.services.referrals.friendsJoined(eve.viewerId, show.id), 4);
    // per link: another viewer's friends behind the same address (a carrier's NAT) still count
    const gil = await viewer('Gil');
    const gils = (await share(show.id, gil.token)).json() as { code: string };
    t.same((await friend(show.id, gils.code, '2001:db8:aa:1::77')).body, { counted: true }, "Eve's cap is hers: Gil's friend from the same /64 counts");
    const rows = db.prepare('SELECT * FROM referral_joins').all() as Array<Record<string, unknown>>;
    t.notOk(JSON.stringify(rows).includes('2001:db8'), 'no address is stored');
  });

  await t.test('figures per code: joins, new viewers, viewers brought, their orders and revenue', async (t) => {
    const fay = await viewer('Fay');
    const { code } = (await share(show.id, fay.token)).json() as { code: string };
    // a friend comes through the link, names themselves later on the same browser, and buys
    const visit = await friend(show.id, code, '192.0.2.80');
    await join(show.id, { cookie: visit.cookie!, from: '192.0.2.80' });
    const gus = await viewer('Gus');
    t.same((await join(show.id, { cookie: visit.cookie!, token: gus.token, from: '192.0.2.80' })).body, { counted: false, reason: 'no-link' });
    const order = async (token: string, quantity: number) =>
      (await app.inject({ method: 'POST', url: `/api/shows/${show.id}/orders`, headers: { ...bearer(token), 'idempotency-key': `k-${token.slice(-6)}-${quantity}` }, payload: { productId: product.id, quantity } })).json() as { id: string; total: number };
    const kept = await order(gus.token, 2);
    const cancelled = await order(gus.token, 1);
    await app.inject({ method: 'POST', url: `/api/orders/${cancelled.id}/cancel`, headers: bearer(gus.token) });
    // a signed-in friend through the link on a new browser, who buys nothing
    const hal = await viewer('Hal');
    await join(show.id, { ref: code, token: hal.token, from: '192.0.2.81' });
    // Fay's own order is not one the link brought
    await order(fay.token, 1);
    // a customer who had bought before comes through the link: brought (a viewer), not new; only
    // what they buy after they came counts for the code
    const ivy = await viewer('Ivy');
    await order(ivy.token, 3);
    t.same((await join(show.id, { ref: code, token: ivy.token, from: '192.0.2.82' })).body, { counted: false, reason: 'viewer-seen' });
    const after = await order(ivy.token, 1);

    const res = await admin('GET', `/api/shows/${show.id}/referrals`);
    t.equal(res.statusCode, 200);
    const figures = (res.json() as { codes: Array<Record<string, unknown>> }).codes.find((c) => c.code === code);
    t.same(figures, { code, viewerId: fay.viewerId, displayName: 'Fay', joins: 3, newViewers: 2, viewers: 3, orders: 2, revenue: { EUR: kept.total + after.total } });
    const stats = (await admin('GET', `/api/shows/${show.id}/stats`)).json() as { referrals: Array<Record<string, unknown>> };
    t.same(stats.referrals.find((c) => c.code === code), figures, "the same in the show's stats");
    t.equal((await app.inject({ method: 'GET', url: `/api/shows/${show.id}/referrals` })).statusCode, 401, 'admin only');
    t.equal((await admin('GET', '/api/shows/nosuchshow00/referrals')).json().code, 'SHOW_NOT_FOUND');
  });

  await t.test("deleting a show takes its codes, joins and attributions with it", async (t) => {
    const jo = await viewer('Jo');
    const { code } = (await share(other.id, jo.token)).json() as { code: string };
    const kim = await viewer('Kim');
    t.same((await join(other.id, { ref: code, token: kim.token, from: '192.0.2.90' })).body, { counted: true });
    const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table} WHERE show_id = ?`).pluck().get(other.id) as number;
    t.ok(count('referral_codes') > 0 && count('referral_joins') > 0 && count('referral_attributions') > 0);
    t.equal((await app.inject({ method: 'DELETE', url: `/api/shows/${other.id}`, headers: auth })).statusCode, 204);
    t.same([count('referral_codes'), count('referral_joins'), count('referral_attributions')], [0, 0, 0]);
  });
});
