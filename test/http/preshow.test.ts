import t from 'tap';
import type { SuggestionView } from '../../src/reach/suggestions.js';
import { buildTestApp } from '../helpers/app.js';
import { LiveClient, type Received } from '../helpers/live-client.js';

type SuggestionBody = SuggestionView;

t.test('before the show: suggestions, votes, comments, and the preshow coupon', async (t) => {
  const { app, auth, db, services } = await buildTestApp({ viewerRateLimitPerMinute: 100_000, audience: { blocklist: ['scam'] } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const sockets: LiveClient[] = [];
  t.teardown(async () => {
    for (const s of sockets) s.close();
    await app.close();
    db.close();
  });
  const admin = (method: 'POST' | 'GET' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    app.inject({ method, url, headers: auth, ...(body === undefined ? {} : { payload: body as object }) });
  const viewer = async (name: string) => (await app.inject({ method: 'POST', url: '/api/viewers', payload: { displayName: name } })).json() as { viewerId: string; token: string };
  const suggest = (token: string | null, showId: string, body: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: `/api/shows/${showId}/suggestions`, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}), payload: body });
  const vote = (token: string, showId: string, sid: string) => app.inject({ method: 'POST', url: `/api/shows/${showId}/suggestions/${sid}/votes`, headers: { authorization: `Bearer ${token}` } });
  const listed = async (showId: string) => ((await app.inject({ method: 'GET', url: `/api/shows/${showId}/suggestions` })).json() as { suggestions: SuggestionBody[] }).suggestions;
  const live = async (showId: string, token?: string) => {
    const c = await LiveClient.open(base, showId, token ? { token } : {});
    sockets.push(c);
    await c.next((m) => m.type === 'welcome');
    return c;
  };
  const unlockedFor = (c: LiveClient, code: string) => c.messages.some((m) => m.type === 'coupon.unlocked' && (m.coupon as { code: string }).code === code);

  const hose = (await admin('POST', '/api/products', { sku: 'HOSE', title: 'Garden hose', price: 2000, currency: 'EUR', stock: 100 })).json() as { id: string };
  // fans may name what viewers have seen in some show's lineup; the rest of the catalog stays the merchant's
  const surprise = (await admin('POST', '/api/products', { sku: 'SURPRISE', title: 'Unreleased mower', price: 90000, currency: 'EUR', stock: 3 })).json() as { id: string };
  const lastWeek = (await admin('POST', '/api/shows', { title: 'Last week' })).json() as { id: string };
  t.equal((await admin('PUT', `/api/shows/${lastWeek.id}/lineup`, { productIds: [hose.id] })).statusCode, 200);
  const show = (await admin('POST', '/api/shows', { title: 'Garden night', host: 'Mia', scheduledAt: new Date(Date.now() + 3600_000).toISOString() })).json() as { id: string };
  const [ann, bob] = await Promise.all([viewer('Ann'), viewer('Bob')]);
  const watcher = await live(show.id);

  await t.test('a suggestion: trimmed, with the product it names, pushed to the room', async (t) => {
    const res = await suggest(ann.token, show.id, { text: '  The green hose again  ', productId: hose.id });
    t.equal(res.statusCode, 201);
    const made = res.json() as SuggestionBody;
    t.match(made, { text: 'The green hose again', productId: hose.id, productTitle: 'Garden hose', votes: 0, displayName: 'Ann', viewerId: ann.viewerId });
    const pushed = await watcher.next((m) => m.type === 'suggestion' && (m.suggestion as SuggestionBody).id === made.id);
    t.equal(pushed.hidden, false);
    t.same(watcher.invalid, [], 'every frame matches the protocol');
    const free = await suggest(bob.token, show.id, { text: 'Watering cans 🌿' });
    t.equal(free.statusCode, 201);
    t.equal(free.json().productId, null, 'a product is optional');
  });

  await t.test('the page offers the Suggest tab and the catalog products while the show is scheduled', async (t) => {
    const page = await app.inject({ method: 'GET', url: `/watch/${show.id}` });
    t.match(page.body, /<button role="tab" id="tab-suggest"[^>]*>Suggest<\/button>/);
    t.notMatch(page.body, /id="tab-suggest"[^>]*hidden/, 'not hidden before the show');
    const products = (await app.inject({ method: 'GET', url: `/api/shows/${show.id}/suggestions/products` })).json() as { products: Array<{ id: string; title: string }> };
    t.same(products.products, [{ id: hose.id, title: 'Garden hose' }], 'ids and titles only, of products some lineup listed (not the unreleased one)');
    const named = await suggest(bob.token, show.id, { text: 'that mower', productId: surprise.id });
    t.equal(named.statusCode, 404, 'a product no lineup listed cannot be named (its title would show)');
    t.equal(named.json().code, 'PRODUCT_NOT_FOUND');
  });

  await t.test('bad suggestions are refused with a clear code, nothing stored', async (t) => {
    const before = (db.prepare('SELECT count(*) AS n FROM suggestions').get() as { n: number }).n;
    const cases: Array<[string | null, Record<string, unknown>, number, string]> = [
      [ann.token, { text: ' x ' }, 422, 'INVALID_SUGGESTION'],
      [ann.token, { text: 'a'.repeat(201) }, 422, 'INVALID_SUGGESTION'],
      [ann.token, { text: 'a'.repeat(1001) }, 400, 'VALIDATION_FAILED'],
      [ann.token, { text: '   ' }, 400, 'INVALID_MESSAGE'],
      [ann.token, { text: 'what a scam' }, 422, 'MESSAGE_BLOCKED'],
      [ann.token, { text: 'see www.example.com' }, 422, 'LINKS_NOT_ALLOWED'],
      [ann.token, { text: 'that one', productId: 'nosuchproduct' }, 404, 'PRODUCT_NOT_FOUND'],
      [ann.token, { text: 'ok', extra: 1 }, 400, 'VALIDATION_FAILED'],
      [null, { text: 'no name' }, 401, 'INVALID_VIEWER_TOKEN'],
    ];
    for (const [token, body, status, code] of cases) {
      const res = await suggest(token, show.id, body);
      t.equal(res.statusCode, status, JSON.stringify(body).slice(0, 60));
      t.equal(res.json().code, code);
    }
    t.equal((await suggest(ann.token, 'nosuchshow00', { text: 'hello' })).json().code, 'SHOW_NOT_FOUND');
    t.equal((db.prepare('SELECT count(*) AS n FROM suggestions').get() as { n: number }).n, before, 'nothing half-saved');
    // 200 characters counted as characters (an emoji is two UTF-16 units, and counts once)
    t.equal((await suggest(ann.token, show.id, { text: '🌷'.repeat(200) })).statusCode, 201);
  });

  await t.test('each viewer makes at most five suggestions per show', async (t) => {
    // Ann has two so far
    for (let i = 0; i < 3; i += 1) t.equal((await suggest(ann.token, show.id, { text: `wish ${i}` })).statusCode, 201);
    const sixth = await suggest(ann.token, show.id, { text: 'one more' });
    t.equal(sixth.statusCode, 409);
    t.equal(sixth.json().code, 'SUGGESTION_LIMIT');
  });

  await t.test('votes: once per viewer, most-voted first', async (t) => {
    const [first, second] = await listed(show.id);
    const target = (await listed(show.id)).find((s) => s.text === 'Watering cans 🌿')!;
    t.ok(first && second && target);
    const one = await vote(ann.token, show.id, target.id);
    t.equal(one.statusCode, 200);
    t.same(one.json(), { votes: 1 });
    const again = await vote(ann.token, show.id, target.id);
    t.equal(again.statusCode, 409);
    t.equal(again.json().code, 'SUGGESTION_ALREADY_VOTED');
    t.same((await vote(bob.token, show.id, target.id)).json(), { votes: 2 });
    const list = await listed(show.id);
    t.equal(list[0]!.id, target.id, 'the most voted comes first');
    t.equal(list[0]!.votes, 2);
    t.equal((await vote(bob.token, show.id, 'nosuchsugg0')).json().code, 'SUGGESTION_NOT_FOUND');
    await watcher.next((m) => m.type === 'suggestion' && (m.suggestion as SuggestionBody).id === target.id && (m.suggestion as SuggestionBody).votes === 2);
  });

  await t.test('the merchant hides one: not listed, not votable, the room is told', async (t) => {
    const target = (await listed(show.id)).find((s) => s.text === 'wish 0')!;
    t.equal((await app.inject({ method: 'DELETE', url: `/api/shows/${show.id}/suggestions/${target.id}` })).statusCode, 401, 'admin only');
    t.equal((await admin('DELETE', `/api/shows/${show.id}/suggestions/${target.id}`)).statusCode, 204);
    t.notOk((await listed(show.id)).some((s) => s.id === target.id), 'hidden: not listed');
    t.notOk(((await admin('GET', `/api/shows/${show.id}/preshow`)).json() as { suggestions: SuggestionBody[] }).suggestions.some((s) => s.id === target.id), 'nor in the cockpit');
    t.equal((await vote(bob.token, show.id, target.id)).json().code, 'SUGGESTION_NOT_FOUND');
    t.equal((await admin('DELETE', `/api/shows/${show.id}/suggestions/${target.id}`)).json().code, 'SUGGESTION_NOT_FOUND', 'hiding twice');
    await watcher.next((m) => m.type === 'suggestion' && (m.suggestion as SuggestionBody).id === target.id && m.hidden === true);
    t.equal((await suggest(ann.token, show.id, { text: 'after the hide' })).json().code, 'SUGGESTION_LIMIT', 'a hidden one still counts toward the cap');
  });

  await t.test('comments before the show: stored, in the backlog of later viewers, moderated, in the cockpit with names', async (t) => {
    const cat = await viewer('Cat');
    const c = await live(show.id, cat.token);
    c.send({ type: 'chat', text: 'Cannot wait for <b>tonight</b>' });
    await c.next((m) => m.type === 'chat' && m.text === 'Cannot wait for <b>tonight</b>');
    const troll = await viewer('Troll');
    const tr = await live(show.id, troll.token);
    tr.send({ type: 'chat', text: 'first!!' });
    await tr.next((m) => m.type === 'chat' && m.text === 'first!!');
    const later = await live(show.id);
    const welcome = later.messages.find((m) => m.type === 'welcome') as Received & { history: Array<{ text: string }> };
    t.ok(welcome.history.some((l) => l.text === 'Cannot wait for <b>tonight</b>'), 'a later viewer gets the pre-show chat');
    await new Promise((r) => setTimeout(r, 250)); // the tick stores the chat
    let preshow = (await admin('GET', `/api/shows/${show.id}/preshow`)).json() as { comments: Array<{ displayName: string; text: string; at: string }>; suggestions: SuggestionBody[] };
    t.match(preshow.comments.find((x) => x.displayName === 'Cat'), { text: 'Cannot wait for <b>tonight</b>', at: /^\d{4}-/ }, 'as typed, with the name');
    t.ok(preshow.comments.some((x) => x.displayName === 'Troll'));
    t.ok(preshow.suggestions.length > 0 && preshow.suggestions.every((s) => typeof s.displayName === 'string'), 'suggestions with names');
    // a ban takes the troll's lines away, and a banned viewer suggests nothing
    t.equal((await admin('PUT', `/api/viewers/${troll.viewerId}/ban`)).statusCode, 204);
    preshow = (await admin('GET', `/api/shows/${show.id}/preshow`)).json();
    t.notOk(preshow.comments.some((x) => x.displayName === 'Troll'), 'banned: their pre-show lines are gone');
    const banned = await suggest(troll.token, show.id, { text: 'buy here' });
    t.equal(banned.statusCode, 403);
    t.equal(banned.json().code, 'BANNED');
    const someone = (await listed(show.id))[0]!;
    t.equal((await vote(troll.token, show.id, someone.id)).json().code, 'BANNED', 'nor votes');
    t.equal((await app.inject({ method: 'GET', url: `/api/shows/${show.id}/preshow` })).statusCode, 401, 'the cockpit view is admin only');
  });

  await t.test("the 'preshow' coupon: commenting or suggesting before go-live unlocks it, after go-live does not", async (t) => {
    const coupon = await admin('POST', '/api/coupons', { code: 'EARLYBIRD', kind: 'percent', amount: 10, showId: show.id, unlock: 'preshow', unlockThreshold: 1 });
    t.equal(coupon.statusCode, 201);
    const [dan, eve, fin] = await Promise.all([viewer('Dan'), viewer('Eve'), viewer('Fin')]);
    const centre = async (token: string) =>
      ((await app.inject({ method: 'GET', url: `/api/shows/${show.id}/coupons`, headers: { authorization: `Bearer ${token}` } })).json() as { coupons: Array<{ code: string | null; unlock: string | null; state: string; progress: unknown }> }).coupons.find((c) => c.unlock === 'preshow');
    t.match(await centre(dan.token), { code: null, state: 'locked', progress: { have: 0, need: 1 } });

    // Dan comments in the pre-show chat
    const d = await live(show.id, dan.token);
    d.send({ type: 'chat', text: 'see you at eight' });
    const unlocked = await d.next((m) => m.type === 'coupon.unlocked' && (m.coupon as { code: string }).code === 'EARLYBIRD');
    t.match(unlocked.coupon, { code: 'EARLYBIRD', state: 'available' });
    t.match(await centre(dan.token), { code: 'EARLYBIRD', state: 'available' }, 'claimed at once: in his coupon centre');

    // Eve suggests a product
    const e = await live(show.id, eve.token);
    t.equal((await suggest(eve.token, show.id, { text: 'Hose reel', productId: hose.id })).statusCode, 201);
    await e.next((m) => m.type === 'coupon.unlocked' && (m.coupon as { code: string }).code === 'EARLYBIRD');
    t.match(await centre(eve.token), { code: 'EARLYBIRD', state: 'available' });

    // the show goes live: suggestions and votes close, and Fin's comments are not before the show
    services.shows.markLive(show.id, Date.now());
    const closed = await suggest(fin.token, show.id, { text: 'too late' });
    t.equal(closed.statusCode, 409);
    t.equal(closed.json().code, 'SUGGESTIONS_CLOSED');
    const anyOne = (await listed(show.id))[0]!;
    t.equal((await vote(fin.token, show.id, anyOne.id)).json().code, 'SUGGESTIONS_CLOSED', 'votes close too');
    const f = await live(show.id, fin.token);
    f.send({ type: 'chat', text: 'hello, I am here now' });
    await f.next((m) => m.type === 'chat' && m.text === 'hello, I am here now');
    await new Promise((r) => setTimeout(r, 400));
    t.notOk(unlockedFor(f, 'EARLYBIRD'), 'a comment after go-live unlocks nothing');
    t.match(await centre(fin.token), { code: null, state: 'locked', progress: { have: 0, need: 1 } });
    const page = await app.inject({ method: 'GET', url: `/watch/${show.id}` });
    t.match(page.body, /id="tab-suggest"[^>]*hidden/, 'the live page has no Suggest tab');
    const preshow = (await admin('GET', `/api/shows/${show.id}/preshow`)).json() as { comments: Array<{ text: string }> };
    t.ok(preshow.comments.some((c) => c.text === 'see you at eight'), 'the pre-show comments stay listed once live');
    t.notOk(preshow.comments.some((c) => c.text === 'hello, I am here now'), 'a line after go-live is not a pre-show comment');
    const claims = db.prepare("SELECT count(*) AS n FROM coupon_claims WHERE coupon_id = ?").get(coupon.json().id) as { n: number };
    t.equal(claims.n, 2, 'Dan and Eve claimed it, Fin did not');
  });
});
