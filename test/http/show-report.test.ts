// The post-show report on a seeded show: a real SQLite file and the real server over HTTP. The
// show's products, lineup, viewers, aliases and orders go through the API; what only a live
// show produces (pins at their PROGRAM-DATE-TIME, chat lines, watch sessions, questions and
// votes) is written at chosen times through the same repositories the live code writes with.
import t from 'tap';
import { createChatRepository } from '../../src/db/chat-repository.js';
import { createHostVoiceRepository } from '../../src/db/host-voice-repository.js';
import { createQuestionRepository } from '../../src/db/question-repository.js';
import { createWatchSessionRepository } from '../../src/db/watch-session-repository.js';
import type { Static } from '@sinclair/typebox';
import type { ShowReportSchema } from '../../src/http/schemas/report.js';
import { buildTestApp, listenTestApp, type TestApp } from '../helpers/app.js';

const S = 1000;
const MIN = 60 * S;

type Report = Static<typeof ShowReportSchema>;

interface Json {
  [key: string]: unknown;
}

async function seedApp(t: { teardown(fn: () => Promise<void>): void }) {
  const test = await buildTestApp();
  t.teardown(async () => {
    await test.app.close();
    test.db.close();
  });
  const base = await listenTestApp(test);
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = test.auth) => {
    const res = await fetch(`${base}${path}`, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, text, type: res.headers.get('content-type') ?? '', json: () => JSON.parse(text) as Json };
  };
  return { test, call };
}

type Call = Awaited<ReturnType<typeof seedApp>>['call'];

async function viewers(call: Call, n: number, prefix: string): Promise<Array<{ viewerId: string; token: string }>> {
  const out = [];
  for (let i = 0; i < n; i++) out.push((await call('POST', '/api/viewers', { displayName: `${prefix}${i}` }, {})).json() as { viewerId: string; token: string });
  return out;
}

function seeders(test: TestApp, showId: string) {
  const chat = createChatRepository(test.db);
  const sessions = createWatchSessionRepository(test.db);
  let line = 0;
  return {
    say: (viewerId: string, text: string, at: number) => {
      const id = `${showId}-line-${line++}`;
      chat.insertMany([{ id, showId, viewerId, displayName: 'x', text, at, streamMs: null, deletedAt: null }]);
      return id;
    },
    deleteLine: (id: string, at: number) => chat.markDeleted(id, at, 'host'),
    watch: (viewerId: string, from: number, to: number) => sessions.touchSessions([sessions.openSession(showId, viewerId, from)], to),
    pin: (productId: string, at: number) => test.services.events.append({ showId, type: 'overlay.changed', at: at - 300, payload: { change: 'pin', productId, programDateTime: new Date(at).toISOString() } }),
    unpin: (at: number) => test.services.events.append({ showId, type: 'overlay.changed', at: at - 300, payload: { change: 'unpin', programDateTime: new Date(at).toISOString() } }),
  };
}

t.test('a seeded show: the report counts mentions, bursts, watch time, conversion and restock exactly', async (t) => {
  const { test, call } = await seedApp(t);
  const product = async (body: Json) => {
    const res = await call('POST', '/api/products', body);
    t.equal(res.status, 201, res.text);
    return res.json() as { id: string };
  };
  const scarf = await product({ sku: 'GZ-001', title: 'Dotted gauze scarf', price: 2500, currency: 'EUR', stock: 3 });
  const towel = await product({ sku: 'TW-200', title: 'Bamboo bath towel', price: 1800, currency: 'EUR', stock: 50 });
  const apron = await product({ sku: 'AP-7', title: 'Linen apron', price: 1200, currency: 'EUR', stock: 20 });
  t.same((await call('PUT', `/api/products/${towel.id}/aliases`, { aliases: ['  fluffy one '] })).json(), { aliases: ['fluffy one'] }, 'aliases trimmed');

  const show = (await call('POST', '/api/shows', { title: 'Spring textiles', host: 'Mina' })).json() as { id: string };
  t.equal((await call('PUT', `/api/shows/${show.id}/lineup`, { productIds: [scarf.id, towel.id, apron.id] })).status, 200);

  // the host's earlier shows: one ended an hour ago, one still "ending" now with an order of its own
  const earlier = (await call('POST', '/api/shows', { title: 'Winter knits', host: 'Mina' })).json() as { id: string };
  const lastWeek = (await call('POST', '/api/shows', { title: 'Autumn', host: 'Mina' })).json() as { id: string };
  const otherHost = (await call('POST', '/api/shows', { title: 'Not Mina', host: 'Jo' })).json() as { id: string };
  const now0 = Date.now();
  const T0 = now0 - 20 * MIN;
  test.services.shows.markLive(show.id, T0);

  const audience = await viewers(call, 14, 'v');
  const v = audience.map((a) => a.viewerId);
  const seed = seeders(test, show.id);

  // pins: the scarf 60-180 s, the towel 180-300 s; a pin and unpin in the rehearsal is no span
  seed.pin(apron.id, T0 - 30 * S);
  seed.unpin(T0 - 10 * S);
  seed.pin(scarf.id, T0 + 60 * S);
  seed.pin(towel.id, T0 + 180 * S);
  seed.unpin(T0 + 300 * S);

  // watch sessions: v0 0-600 s; v1 two tabs 30-90 s and 60-150 s (120 s once); v2 200-260 s; v3 190-230 s
  seed.watch(v[0]!, T0, T0 + 600 * S);
  seed.watch(v[1]!, T0 + 30 * S, T0 + 90 * S);
  seed.watch(v[1]!, T0 + 60 * S, T0 + 150 * S);
  seed.watch(v[2]!, T0 + 200 * S, T0 + 260 * S);
  seed.watch(v[3]!, T0 + 190 * S, T0 + 230 * S);

  // chat naming products, 40 s apart so no word bursts by accident
  const at = (i: number) => T0 + 600 * S + i * 40 * S;
  const scarfLines = ['I love the dotted gauze!!', 'DOTTED GAUZE please', 'dotted gauzé 😍', 'gz-001 restock?', 'is gz001 washable', 'gauze scarf and bamboo towel', 'dotted gauze, dotted gauze, GZ-001'];
  const towelLines = ['need a bath towel', 'the Fluffy One is sold out?', 'TW-200 in blue?'];
  const noLines = ['is the scarf soft?', 'the the the', 'linen!', 'bamboo is nice'];
  scarfLines.forEach((text, i) => seed.say(v[i]!, text, at(i)));
  towelLines.forEach((text, i) => seed.say(v[i + 7]!, text, at(i + 7)));
  noLines.forEach((text, i) => seed.say(v[i]!, text, at(i + 10)));
  // the host's own voice and a deleted line are not the audience
  const hostVoice = createHostVoiceRepository(test.db).hostVoice('Mina', 'Mina', T0);
  seed.say(hostVoice.id, 'dotted gauze is back tomorrow', at(14));
  seed.deleteLine(seed.say(v[5]!, 'GZ-001 GZ-001', at(15)), at(15) + S);

  // a burst: 10 viewers type "sunflower" within 25 s (one of them twice)
  const burstAt = T0 + 400 * S;
  for (let i = 0; i < 10; i++) seed.say(v[i]!, i % 2 ? 'SUNFLOWER!!' : 'sunflower print?', burstAt + i * 2500 + (i === 9 ? 2500 : 0));
  seed.say(v[0]!, 'sunflower', burstAt + 26 * S);
  // below the threshold: 9 viewers within 20 s; and 10 viewers spread 10 s apart (4 at most in 30 s)
  for (let i = 0; i < 9; i++) seed.say(v[i]!, 'polkadot', T0 + 900 * S + i * 2 * S);
  for (let i = 0; i < 10; i++) seed.say(v[i]!, 'stripes', T0 + 1000 * S + i * 10 * S);

  // questions: a demo request for the scarf with two votes, a question with one, formula-looking text
  const questions = createQuestionRepository(test.db);
  questions.create({ id: 'q-demo', showId: show.id, viewerId: v[0]!, kind: 'demo', text: 'show the scarf up close', productId: scarf.id, at: T0 + 100 * S, answeredAt: null });
  questions.upvote('q-demo', v[1]!);
  questions.upvote('q-demo', v[2]!);
  questions.create({ id: 'q-ask', showId: show.id, viewerId: v[3]!, kind: 'question', text: '=HYPERLINK("http://evil.example","click")', productId: null, at: T0 + 110 * S, answeredAt: null });
  questions.upvote('q-ask', v[4]!);
  questions.markAnswered('q-ask', T0 + 120 * S);

  // orders through the API while the scarf is pinned again (the last 30 s, until the end)
  seed.pin(scarf.id, Date.now() - 30 * S);
  const buy = async (token: string, productId: string, quantity: number) => {
    const res = await call('POST', `/api/shows/${show.id}/orders`, { productId, quantity }, { authorization: `Bearer ${token}`, 'idempotency-key': `k-${Math.random()}` });
    t.equal(res.status, 201, res.text);
    return res.json() as { total: number; createdAt: string };
  };
  const b = await viewers(call, 3, 'buyer');
  const placed = [await buy(b[0]!.token, scarf.id, 1), await buy(b[1]!.token, scarf.id, 1), await buy(b[2]!.token, apron.id, 2)];

  // the earlier shows: "earlier" started before this one with one order, "lastWeek" 60-45 min ago
  test.services.shows.markLive(earlier.id, now0 - 40 * MIN);
  t.equal((await call('PUT', `/api/shows/${earlier.id}/lineup`, { productIds: [towel.id] })).status, 200);
  const earlierOrder = await (async () => {
    const res = await call('POST', `/api/shows/${earlier.id}/orders`, { productId: towel.id, quantity: 1 }, { authorization: `Bearer ${b[0]!.token}`, 'idempotency-key': 'earlier-1' });
    t.equal(res.status, 201, res.text);
    return res.json() as { total: number };
  })();
  createWatchSessionRepository(test.db).touchSessions([createWatchSessionRepository(test.db).openSession(earlier.id, v[5]!, now0 - 39 * MIN)], now0 - 29 * MIN);
  test.services.shows.markLive(lastWeek.id, now0 - 60 * MIN);
  const lw = createWatchSessionRepository(test.db);
  lw.touchSessions([lw.openSession(lastWeek.id, v[6]!, now0 - 59 * MIN)], now0 - 55 * MIN);
  lw.touchSessions([lw.openSession(lastWeek.id, v[7]!, now0 - 58 * MIN)], now0 - 56 * MIN);
  test.services.shows.markEnded(lastWeek.id, now0 - 45 * MIN);
  test.services.shows.markLive(otherHost.id, now0 - 50 * MIN);
  test.services.shows.markEnded(otherHost.id, now0 - 49 * MIN);

  const endedAt = Date.now() + 5;
  test.services.shows.markEnded(show.id, endedAt);
  test.services.shows.markEnded(earlier.id, endedAt);

  const res = await call('GET', `/api/shows/${show.id}/report`);
  t.equal(res.status, 200, res.text);
  const report = res.json() as unknown as Report;

  t.equal(report.startedAt, new Date(T0).toISOString());
  t.equal(report.durationMs, endedAt - T0);
  t.same([report.burstViewers, report.burstSeconds], [10, 30], 'the defaults');

  await t.test('viewers over time and watch time', async (t) => {
    const perMinute = report.viewers.perMinute as Array<{ minute: number; viewers: number }>;
    t.equal(perMinute.length, Math.ceil((endedAt - T0) / MIN));
    t.same(perMinute.slice(0, 11).map((m) => m.viewers), [2, 2, 2, 3, 2, 1, 1, 1, 1, 1, 0], 'distinct viewers per stream minute');
    t.equal(report.viewers.peak, 3);
    t.equal(report.viewers.peakMinute, 3);
    t.equal(report.viewers.unique, 4);
    t.equal(report.viewers.averageWatchMs, (600 + 120 + 60 + 40) * S / 4, 'two tabs count once');
    t.equal(report.viewers.medianWatchMs, 90 * S);
  });

  await t.test('orders and revenue per minute', async (t) => {
    const revenue = placed.reduce((sum, o) => sum + o.total, 0);
    t.same([report.orders.count, report.orders.revenue, report.orders.currency], [3, revenue, 'EUR']);
    const byMinute = new Map<number, number>();
    for (const o of placed) byMinute.set(Math.floor((Date.parse(o.createdAt) - T0) / MIN), (byMinute.get(Math.floor((Date.parse(o.createdAt) - T0) / MIN)) ?? 0) + 1);
    for (const m of report.orders.perMinute) t.equal(m.orders, byMinute.get(m.minute) ?? 0, `minute ${m.minute}`);
    t.equal(report.figures.orders, 3);
  });

  await t.test('mentions by title words, SKU and alias; once per line', async (t) => {
    const mentions = new Map((report.mentions as Array<{ productId: string; count: number; viewers: number }>).map((m) => [m.productId, m]));
    t.same(mentions.get(scarf.id), { productId: scarf.id, count: scarfLines.length, viewers: scarfLines.length }, 'the title phrase, any case and accent, the SKU in three spellings, one line naming it three times');
    t.same(mentions.get(towel.id), { productId: towel.id, count: 3, viewers: 3 }, '"bath towel", the alias and the SKU; "bamboo towel" and "bamboo" alone do not');
    t.same(mentions.get(apron.id), { productId: apron.id, count: 0, viewers: 0 }, '"linen" alone is not the apron');
  });

  await t.test('keyword bursts: only the word 10 viewers typed within 30 s', async (t) => {
    t.same(report.bursts, [{ word: 'sunflower', viewers: 10, startMs: 400 * S, endMs: 426 * S }]);
    const wider = (await call('GET', `/api/shows/${show.id}/report?burstViewers=9&burstSeconds=30`)).json() as unknown as Report;
    t.same(wider.bursts.map((b: { word: string; viewers: number }) => [b.word, b.viewers]), [['sunflower', 10], ['polkadot', 9]], 'nine viewers make a burst at burstViewers=9');
    const longer = (await call('GET', `/api/shows/${show.id}/report?burstViewers=10&burstSeconds=100`)).json() as unknown as Report;
    t.same(longer.bursts.map((b: { word: string }) => b.word).sort(), ['stripes', 'sunflower'], '10 s apart fits 100 s');
  });

  await t.test('products: conversion while pinned, demand, restock', async (t) => {
    const rows = new Map((report.products as Array<Json & { productId: string }>).map((p) => [p.productId, p]));
    t.match(rows.get(scarf.id), { title: 'Dotted gauze scarf', viewersWhilePinned: 4, ordersWhilePinned: 2, conversion: 0.5, mentions: 7, demoRequests: 3, orders: 2, stockLeft: 1, demand: 12, restockRank: 1 });
    t.ok((rows.get(scarf.id)!.pinnedMs as number) >= 120 * S + 30 * S, 'two spans');
    t.match(rows.get(towel.id), { pinnedMs: 120 * S, viewersWhilePinned: 3, ordersWhilePinned: 0, conversion: 0, mentions: 3, demoRequests: 0, orders: 0, stockLeft: 49, demand: 3 }, "one sold in the earlier show");
    t.match(rows.get(apron.id), { pinnedMs: 0, viewersWhilePinned: 0, conversion: null, orders: 1, stockLeft: 18, demand: 1 }, 'pinned in the rehearsal only');
    t.same(
      report.restock.map((r: { productId: string; demand: number; stockLeft: number; score: number }) => [r.productId, r.demand, r.stockLeft, r.score]),
      [
        [scarf.id, 12, 1, 6],
        [towel.id, 3, 49, 0.06],
        [apron.id, 1, 18, 0.053],
      ],
      'the scarf first: most wanted, least left',
    );
  });

  await t.test('questions and demo requests with their votes', async (t) => {
    t.same(report.questions, [
      { id: 'q-demo', kind: 'demo', text: 'show the scarf up close', productId: scarf.id, votes: 2, answered: false },
      { id: 'q-ask', kind: 'question', text: '=HYPERLINK("http://evil.example","click")', productId: null, votes: 1, answered: true },
    ]);
  });

  await t.test("the host's previous shows, averaged", async (t) => {
    t.same(report.previous.showIds, [earlier.id, lastWeek.id], 'newest first; not the other host, not this one');
    t.equal(report.previous.shows, 2);
    const e = test.services.shows.get(earlier.id)!;
    const dEarlier = e.endedAt! - e.startedAt!;
    t.match(report.previous.averages, {
      durationMs: Math.round((dEarlier + 15 * MIN) / 2),
      peakViewers: Math.round((1 + 2) / 2),
      uniqueViewers: Math.round((1 + 2) / 2),
      averageWatchMs: Math.round((10 * MIN + 3 * MIN) / 2),
      medianWatchMs: Math.round((10 * MIN + 3 * MIN) / 2),
      orders: Math.round((1 + 0) / 2),
      revenue: Math.round(earlierOrder.total / 2),
    });
  });

  await t.test('a CSV per table, formula-guarded', async (t) => {
    const expectHeader: Record<string, string> = {
      viewers: 'minute,viewers',
      orders: 'minute,orders,revenue,currency',
      products: 'productId,title,pinnedMs,viewersWhilePinned,ordersWhilePinned,conversion,mentions,demoRequests,orders,stockLeft,demand,restockRank',
      questions: 'id,kind,text,productId,productTitle,votes,answered',
      mentions: 'productId,title,mentions,viewers',
      bursts: 'word,viewers,startMs,endMs',
      restock: 'rank,productId,title,demand,stockLeft,score',
      comparison: 'figure,thisShow,previousAverage,previousShows',
    };
    for (const [table, header] of Object.entries(expectHeader)) {
      const csv = await call('GET', `/api/shows/${show.id}/report/${table}.csv`);
      t.equal(csv.status, 200, `${table}: ${csv.text.slice(0, 200)}`);
      t.match(csv.type, /^text\/csv/);
      t.equal(csv.text.split('\r\n')[0], header, `${table} header`);
    }
    const lines = async (table: string) => (await call('GET', `/api/shows/${show.id}/report/${table}.csv`)).text.trim().split('\r\n').slice(1);
    t.equal((await lines('viewers')).length, report.viewers.perMinute.length);
    t.same(await lines('bursts'), ['sunflower,10,400000,426000']);
    t.same((await lines('restock'))[0], `1,${scarf.id},Dotted gauze scarf,12,1,6`);
    t.same(await lines('questions'), [`q-demo,demo,show the scarf up close,${scarf.id},Dotted gauze scarf,2,no`, `q-ask,question,"'=HYPERLINK(""http://evil.example"",""click"")",,,1,yes`], 'the formula stays text');
    t.match((await lines('comparison'))[0], /^durationMs,\d+,\d+,2$/);
    const narrowed = await call('GET', `/api/shows/${show.id}/report/bursts.csv?burstViewers=9`);
    t.equal(narrowed.text.trim().split('\r\n').length, 3, 'the burst parameters apply to the CSV too');
  });

  await t.test('bad parameters get clear errors', async (t) => {
    for (const query of ['burstViewers=1', 'burstViewers=100001', 'burstSeconds=0', 'burstSeconds=3601', 'burstViewers=ten', 'burstSeconds=', 'other=1']) {
      const bad = await call('GET', `/api/shows/${show.id}/report?${query}`);
      t.equal(bad.status, 400, query);
      t.equal(bad.json().code, 'VALIDATION_FAILED', query);
    }
    const tooFew = (await call('GET', `/api/shows/${show.id}/report?burstViewers=1`)).json() as { details: Array<{ field: string; problem: string }> };
    t.match(tooFew.details, [{ field: /burstViewers/, problem: /2/ }], 'names the parameter and its bound');
    t.equal((await call('GET', `/api/shows/${show.id}/report/everything.csv`)).status, 400, 'an unknown table');
    t.equal((await call('GET', '/api/shows/nope/report')).json().code, 'SHOW_NOT_FOUND');
    const scheduled = (await call('POST', '/api/shows', { title: 'Later', host: 'Mina' })).json() as { id: string };
    const early = await call('GET', `/api/shows/${scheduled.id}/report`);
    t.same([early.status, early.json().code], [409, 'SHOW_NOT_STARTED']);
    t.equal((await call('GET', `/api/shows/${show.id}/report`, undefined, {})).status, 401, 'admin only');
    t.equal((await call('GET', `/api/shows/${show.id}/report/products.csv`, undefined, {})).status, 401, 'the CSV too');
  });
});

t.test('product aliases: read, replace, validated', async (t) => {
  const { call } = await seedApp(t);
  const p = (await call('POST', '/api/products', { sku: 'GZ-9', title: 'Gauze', price: 100, currency: 'EUR', stock: 1 })).json() as { id: string };
  t.same((await call('GET', `/api/products/${p.id}/aliases`)).json(), { aliases: [] });
  t.same((await call('PUT', `/api/products/${p.id}/aliases`, { aliases: ['dotted gauze', ' Blue one '] })).json(), { aliases: ['dotted gauze', 'Blue one'] });
  t.same((await call('GET', `/api/products/${p.id}/aliases`)).json(), { aliases: ['dotted gauze', 'Blue one'] }, 'stored in order');

  const refused = async (aliases: unknown, field: RegExp, problem: RegExp) => {
    const res = await call('PUT', `/api/products/${p.id}/aliases`, { aliases });
    t.equal(res.status, 422, res.text);
    t.equal(res.json().code, 'INVALID_ALIASES');
    t.match(res.json().details, [{ field, problem }]);
  };
  await refused(['Dotted Gauze', 'dotted gauzé'], /^aliases\[1\]$/, /same as aliases\[0\]/);
  await refused(['ok', '   '], /^aliases\[1\]$/, /blank/);
  await refused(['x'.repeat(61)], /^aliases\[0\]$/, /at most 60/);
  await refused(['!!!'], /^aliases\[0\]$/, /letter or digit/);
  await refused(['bad\u0007bell'], /^aliases\[0\]$/, /control/);
  await refused(Array.from({ length: 21 }, (_, i) => `alias ${i}`), /^aliases$/, /at most 20/);
  t.same((await call('GET', `/api/products/${p.id}/aliases`)).json(), { aliases: ['dotted gauze', 'Blue one'] }, 'a refused list changes nothing');
  t.same((await call('PUT', `/api/products/${p.id}/aliases`, { aliases: ['x'.repeat(60)] })).json(), { aliases: ['x'.repeat(60)] }, '60 characters is fine');
  t.same((await call('PUT', `/api/products/${p.id}/aliases`, { aliases: [] })).json(), { aliases: [] }, 'cleared');

  t.equal((await call('PUT', `/api/products/${p.id}/aliases`, { aliases: 'gauze' })).status, 400, 'not a list');
  t.equal((await call('PUT', `/api/products/${p.id}/aliases`, { aliases: [], extra: 1 })).status, 400, 'unknown fields refused');
  t.equal((await call('GET', '/api/products/nope/aliases')).json().code, 'PRODUCT_NOT_FOUND');
  t.equal((await call('PUT', '/api/products/nope/aliases', { aliases: ['a'] })).status, 404);
  t.equal((await call('GET', `/api/products/${p.id}/aliases`, undefined, {})).status, 401);
});
