import { connect } from 'node:net';
import t from 'tap';
import { buildTestApp, listenTestApp, type TestApp } from '../helpers/app.js';
import { LiveClient, type Received } from '../helpers/live-client.js';
import { sleep, waitFor } from '../helpers/wait.js';

interface Setup {
  t: TestApp;
  url: string;
  showId: string;
  viewer(name: string): Promise<{ viewerId: string; token: string }>;
  open(options?: { token?: string; authorization?: string; query?: string }): Promise<LiveClient>;
}

async function setup(tap: { teardown(fn: () => Promise<void>): void }, audience: Parameters<typeof buildTestApp>[0] = {}): Promise<Setup> {
  const app = await buildTestApp({ viewerRateLimitPerMinute: 100_000, ...audience });
  const url = await listenTestApp(app);
  const clients: LiveClient[] = [];
  tap.teardown(async () => {
    for (const c of clients) c.close();
    await app.app.close();
    app.db.close();
  });
  const show = (await app.app.inject({ method: 'POST', url: '/api/shows', headers: app.auth, payload: { title: 'Garden hoses', host: 'Mia' } })).json() as { id: string };
  return {
    t: app,
    url,
    showId: show.id,
    viewer: async (name) => (await app.app.inject({ method: 'POST', url: '/api/viewers', payload: { displayName: name } })).json() as { viewerId: string; token: string },
    open: async (options = {}) => {
      const c = await LiveClient.open(url, show.id, options);
      clients.push(c);
      return c;
    },
  };
}

const isChat = (text: string) => (m: Received) => m.type === 'chat' && m.text === text;
const isError = (code: string) => (m: Received) => m.type === 'error' && m.code === code;

t.test('two viewers see each other\'s messages, in order, with names and levels; anonymous watchers read only', async (t) => {
  const s = await setup(t, { audience: { chatPerMinute: 10_000, chatBurst: 1000, framesPerSecond: 1000 } });
  const ana = await s.viewer('Ana');
  const ben = await s.viewer('Ben <b>');
  const a = await s.open({ token: ana.token });
  const b = await s.open({ authorization: `Bearer ${ben.token}` });
  const anon = await s.open();
  const welcome = await a.next((m) => m.type === 'welcome');
  t.equal(welcome.protocol, 1);
  t.match(welcome.you, { viewerId: ana.viewerId, displayName: 'Ana', role: 'viewer', level: 0, badge: 'new' });
  t.match((await anon.next((m) => m.type === 'welcome')).you, { viewerId: null, role: 'anonymous' });

  for (let i = 0; i < 10; i++) {
    a.send({ type: 'chat', text: `a${i}` });
    b.send({ type: 'chat', text: `b${i}` });
  }
  await a.next(isChat('b9'));
  await b.next(isChat('a9'));
  await anon.next(isChat('b9'));
  const order = (c: LiveClient, prefix: string) => c.ofType('chat').map((m) => m.text as string).filter((x) => x.startsWith(prefix));
  for (const c of [a, b, anon]) {
    t.same(order(c, 'a'), Array.from({ length: 10 }, (_, i) => `a${i}`), 'each sender\'s messages arrive in the order sent');
    t.same(order(c, 'b'), Array.from({ length: 10 }, (_, i) => `b${i}`));
  }
  // presence: live counts, and on the timeline (once a minute, and when the hub stops)
  await a.next((m) => m.type === 'presence' && m.viewers === 3);
  t.same(s.t.services.liveAudience.presence.presence(s.showId), { viewers: 3, peak: 3 });
  const fromBen = a.ofType('chat').find((m) => m.text === 'b0') as Received & { viewer: { displayName: string; level: number; badge: string } };
  t.equal(fromBen.viewer.displayName, 'Ben <b>', 'names travel as text; the page draws them with textContent');
  t.equal(fromBen.viewer.level, 0);
  t.same(a.ofType('chat').map((m) => m.text), b.ofType('chat').map((m) => m.text), 'both viewers see one order');

  anon.send({ type: 'chat', text: 'hi' });
  t.match(await anon.next(isError('SIGN_IN_REQUIRED')), { message: /POST \/api\/viewers/ });

  // history on join: the last 50, persisted
  for (let i = 0; i < 45; i++) a.send({ type: 'chat', text: `more${i}` });
  await b.next(isChat('more44'));
  const late = await s.open({ token: (await s.viewer('Late')).token });
  const history = (await late.next((m) => m.type === 'welcome')).history as Array<{ text: string }>;
  t.equal(history.length, 50, 'a newcomer gets the last 50 messages');
  t.equal(history.at(-1)?.text, 'more44');
  await waitFor('chat in SQLite', () => (s.t.db.prepare('SELECT count(*) AS n FROM chat_messages').get() as { n: number }).n === 65);
  for (const c of [a, b, anon, late]) t.same(c.invalid, [], 'every server message matches the protocol schema');
  s.t.services.hub.stop();
  const presence = s.t.db.prepare("SELECT payload FROM show_events WHERE show_id = ? AND type = 'presence'").all(s.showId) as Array<{ payload: string }>;
  t.match(JSON.parse(presence.at(-1)!.payload), { viewers: 4, peak: 4, chat: 65 }, 'presence and the minute\'s chat count are on the timeline');
  t.equal(await a.closedP, 1001, 'viewers are told the server is going away');
});

t.test('rate limit, burst, length, blocklist and links hold; errors echo the ref', async (t) => {
  const s = await setup(t, { audience: { blocklist: ['scam'] } });
  const v = await s.viewer('Vic');
  const c = await s.open({ token: v.token });
  await c.next((m) => m.type === 'welcome');
  c.send({ type: 'chat', text: 'x'.repeat(301), ref: 'long' });
  t.match(await c.next(isError('MESSAGE_TOO_LONG')), { ref: 'long', message: /at most 300/ });
  c.send({ type: 'chat', text: '🙂'.repeat(300) });
  await c.next(isChat('🙂'.repeat(300)));
  c.send({ type: 'chat', text: 'this is a SCAM!', ref: 'bad' });
  t.match(await c.next(isError('MESSAGE_BLOCKED')), { ref: 'bad' });
  c.send({ type: 'chat', text: 'buy at cheap-hoses.com now' });
  await c.next(isError('LINKS_NOT_ALLOWED'));
  c.send({ type: 'chat', text: 'bell\u0007' });
  await c.next(isError('INVALID_MESSAGE'));
  // burst of 5 (one used above): four more pass, then the limit
  for (let i = 0; i < 6; i++) c.send({ type: 'chat', text: `n${i}` });
  const limited = await c.next(isError('RATE_LIMITED'));
  t.match(limited.message, /at most 20 messages a minute/);
  await sleep(300);
  t.same(c.ofType('chat').map((m) => m.text).filter((x) => (x as string).startsWith('n')), ['n0', 'n1', 'n2', 'n3'], 'exactly the burst got through');

  // links can be allowed by the host
  const patch = await s.t.app.inject({ method: 'PATCH', url: `/api/shows/${s.showId}/chat/settings`, headers: s.t.auth, payload: { linksAllowed: true } });
  t.equal(patch.statusCode, 200);
  await c.next((m) => m.type === 'chat.settings' && m.linksAllowed === true);
  t.same(c.invalid, []);
});

t.test('moderation: delete for everyone, timeout, ban, slow mode, pin, moderators', async (t) => {
  const s = await setup(t, { audience: { chatPerMinute: 10_000, chatBurst: 1000 } });
  const ana = await s.viewer('Ana');
  const troll = await s.viewer('Troll');
  const mod = await s.viewer('Mod');
  const a = await s.open({ token: ana.token });
  const tr = await s.open({ token: troll.token });
  tr.send({ type: 'chat', text: 'first' });
  const first = await a.next(isChat('first'));

  // a deleted message disappears for everyone, and from the history newcomers get
  const del = await s.t.app.inject({ method: 'DELETE', url: `/api/shows/${s.showId}/chat/${first.id as string}`, headers: s.t.auth });
  t.equal(del.statusCode, 204);
  await a.next((m) => m.type === 'chat.deleted' && m.id === first.id);
  await tr.next((m) => m.type === 'chat.deleted' && m.id === first.id);
  const again = await s.t.app.inject({ method: 'DELETE', url: `/api/shows/${s.showId}/chat/${first.id as string}`, headers: s.t.auth });
  t.equal(again.json().code, 'MESSAGE_NOT_FOUND');
  const newcomer = await s.open();
  t.notOk(((await newcomer.next((m) => m.type === 'welcome')).history as Array<{ id: string }>).some((h) => h.id === first.id));
  t.equal((await s.t.app.inject({ method: 'DELETE', url: `/api/shows/${s.showId}/chat/${first.id as string}` })).statusCode, 401, 'moderation needs the admin token');

  // timeout
  const to = await s.t.app.inject({ method: 'POST', url: `/api/shows/${s.showId}/timeouts`, headers: s.t.auth, payload: { viewerId: troll.viewerId, seconds: 60 } });
  t.equal(to.statusCode, 201);
  await tr.next((m) => m.type === 'notice' && m.code === 'TIMED_OUT');
  tr.send({ type: 'chat', text: 'still here' });
  t.match(await tr.next(isError('TIMED_OUT')), { message: /timed out for (59|60) s/ });

  // ban: refused everywhere, their messages gone from live rooms and from earlier shows
  const earlier = (await s.t.app.inject({ method: 'POST', url: '/api/shows', headers: s.t.auth, payload: { title: 'Last week' } })).json() as { id: string };
  s.t.db.prepare("INSERT INTO chat_messages (id, show_id, viewer_id, text, at) VALUES ('old-troll', ?, ?, 'spam from last week', ?)").run(earlier.id, troll.viewerId, Date.now() - 7 * 86_400_000);
  const earlierChat = async () => ((await s.t.app.inject({ method: 'GET', url: `/api/shows/${earlier.id}/chat`, headers: s.t.auth })).json() as Array<{ id: string }>).map((l) => l.id);
  t.same(await earlierChat(), ['old-troll']);
  await s.t.app.inject({ method: 'DELETE', url: `/api/viewers/${troll.viewerId}/ban`, headers: s.t.auth });
  tr.send({ type: 'chat', text: 'back again' });
  const back = await a.next(isChat('back again'));
  t.equal((await s.t.app.inject({ method: 'PUT', url: `/api/viewers/${troll.viewerId}/ban`, headers: s.t.auth })).statusCode, 204);
  await a.next((m) => m.type === 'chat.deleted' && m.id === back.id);
  tr.send({ type: 'chat', text: 'banned words' });
  await tr.next(isError('BANNED'));
  t.notOk(a.messages.some((m) => m.type === 'chat' && m.text === 'banned words'), 'a banned viewer\'s message reaches nobody');
  t.same(await earlierChat(), [], 'and what they said in an earlier show is gone from its stored chat');
  t.equal((await s.t.app.inject({ method: 'PUT', url: `/api/viewers/nobody/ban`, headers: s.t.auth })).json().code, 'VIEWER_NOT_FOUND');

  // moderators act over the socket; viewers cannot
  a.send({ type: 'delete', messageId: back.id });
  await a.next(isError('NOT_A_MODERATOR'));
  t.equal((await s.t.app.inject({ method: 'PUT', url: `/api/viewers/${mod.viewerId}/moderator`, headers: s.t.auth })).statusCode, 204);
  const m = await s.open({ token: mod.token });
  t.match((await m.next((x) => x.type === 'welcome')).you, { role: 'moderator' });
  a.send({ type: 'chat', text: 'delete me' });
  const target = await m.next(isChat('delete me'));
  m.send({ type: 'delete', messageId: target.id });
  await a.next((x) => x.type === 'chat.deleted' && x.id === target.id);

  // slow mode from a moderator; pin from the host
  m.send({ type: 'slowmode', seconds: 30 });
  await a.next((x) => x.type === 'chat.settings' && x.slowModeSeconds === 30);
  const sam = await s.open({ token: (await s.viewer('Sam')).token });
  sam.send({ type: 'chat', text: 'slow one' });
  const slow = await a.next(isChat('slow one'));
  sam.send({ type: 'chat', text: 'slow two' });
  t.match(await sam.next(isError('SLOW_MODE')), { message: /one message every 30 s/ });
  m.send({ type: 'chat', text: 'moderators are not slowed' });
  await a.next(isChat('moderators are not slowed'));
  const pin = await s.t.app.inject({ method: 'PUT', url: `/api/shows/${s.showId}/chat/pin`, headers: s.t.auth, payload: { messageId: slow.id } });
  t.equal(pin.statusCode, 200);
  t.match((await a.next((x) => x.type === 'chat.pinned')).message, { id: slow.id, text: 'slow one' });
  const events = (await s.t.app.inject({ method: 'GET', url: `/api/shows/${s.showId}/timeline`, headers: s.t.auth })).json().events as Array<{ type: string; payload: { action?: string } }>;
  t.same(events.filter((e) => e.type === 'chat.moderated').map((e) => e.payload.action), ['timeout', 'ban'], 'timeouts and bans are on the timeline');
  for (const c of [a, tr, m, newcomer, sam]) t.same(c.invalid, []);
});

t.test('the host speaks in chat as the show\'s host: from the panel and from the host socket', async (t) => {
  const s = await setup(t);
  const ana = await s.viewer('Ana');
  const a = await s.open({ token: ana.token });
  await a.next((m) => m.type === 'welcome');
  const say = (text: string, headers: Record<string, string> = s.t.auth) => s.t.app.inject({ method: 'POST', url: `/api/shows/${s.showId}/chat`, headers, payload: { text } });

  const said = await say('Yes: 30 m reaches a second floor. Details at https://shop.example/hose');
  t.equal(said.statusCode, 201, 'links are the host\'s to post');
  t.match(said.json(), { viewer: { displayName: 'Mia', role: 'host', badge: 'host', level: 0 }, text: /^Yes: 30 m/ });
  t.match(await a.next(isChat(said.json().text)), { viewer: { role: 'host', displayName: 'Mia' } }, 'viewers see it marked as the host');

  const host = await s.open({ authorization: s.t.auth.authorization });
  await host.next((m) => m.type === 'welcome');
  host.send({ type: 'chat', text: 'Two minutes left on the hose deal' });
  t.match(await a.next(isChat('Two minutes left on the hose deal')), { viewer: { role: 'host', id: said.json().viewer.id } }, 'the host socket chats as the same voice');
  host.send({ type: 'vote', pollId: 'p', option: 0 });
  t.match(await host.next(isError('SIGN_IN_REQUIRED')), { message: /votes and questions come from viewers/ });

  t.equal((await say('x'.repeat(301))).json().code, 'MESSAGE_TOO_LONG', 'the text rules hold for the host too');
  t.equal((await say('bell\u0007')).json().code, 'INVALID_MESSAGE');
  t.equal((await say('hello', {})).statusCode, 401, 'speaking as the host needs the admin token');
  const voice = said.json().viewer.id as string;
  const ban = await s.t.app.inject({ method: 'PUT', url: `/api/viewers/${voice}/ban`, headers: s.t.auth });
  t.match({ status: ban.statusCode, body: ban.json() }, { status: 409, body: { code: 'HOST_NOT_SANCTIONABLE' } }, 'the host cannot ban their own voice');
  t.equal((await s.t.app.inject({ method: 'POST', url: `/api/shows/${s.showId}/timeouts`, headers: s.t.auth, payload: { viewerId: voice, seconds: 60 } })).json().code, 'HOST_NOT_SANCTIONABLE');

  // stored and drawn the same: the panel's read from SQLite and newcomers' history say "host"
  const history = (await s.t.app.inject({ method: 'GET', url: `/api/shows/${s.showId}/chat`, headers: s.t.auth })).json() as Array<{ viewer: { role: string } }>;
  t.same(history.map((l) => l.viewer.role), ['host', 'host']);
  const newcomer = await s.open();
  t.same(((await newcomer.next((m) => m.type === 'welcome')).history as Array<{ viewer: { role: string } }>).map((l) => l.viewer.role), ['host', 'host']);
  t.equal(s.t.db.prepare('SELECT count(*) FROM viewers WHERE id = ? AND token_hash GLOB \'[0-9a-f]*\'').pluck().get(voice), 0, 'no token hash a viewer token could match');
  for (const c of [a, host, newcomer]) t.same(c.invalid, []);
});

t.test('reactions are counted and sent as aggregates, not one message per tap', async (t) => {
  const s = await setup(t);
  const v = await s.viewer('Tap');
  const tapper = await s.open({ token: v.token });
  const watcher = await s.open();
  await watcher.next((m) => m.type === 'welcome');
  const framesBefore = watcher.frames;
  for (let i = 0; i < 15; i++) tapper.send({ type: 'react', reaction: i % 3 === 0 ? 'fire' : 'heart' });
  await watcher.next((m) => m.type === 'reactions' && (m.totals as Record<string, number>).heart! + (m.totals as Record<string, number>).fire! === 15);
  const messages = watcher.ofType('reactions') as Array<Received & { counts: Record<string, number> }>;
  t.ok(messages.length <= 4, `15 taps arrived as ${messages.length} aggregate message(s)`);
  t.equal(messages.reduce((n, m) => n + (m.counts.heart ?? 0) + (m.counts.fire ?? 0), 0), 15, 'every tap counted once');
  t.ok(watcher.frames - framesBefore <= 6, 'and in a handful of frames');
  tapper.send({ type: 'react', reaction: 'poop' });
  t.match(await tapper.next(isError('INVALID_MESSAGE')), { message: /react/ });
});

t.test('polls: one vote per viewer, live results, closed polls refuse votes', async (t) => {
  const s = await setup(t);
  const voters = await Promise.all(['P1', 'P2', 'P3'].map((n) => s.viewer(n)));
  const clients = await Promise.all(voters.map((v) => s.open({ token: v.token })));
  const bad = await s.t.app.inject({ method: 'POST', url: `/api/shows/${s.showId}/polls`, headers: s.t.auth, payload: { question: 'Next?', options: ['Hose', 'hose'] } });
  t.equal(bad.json().code, 'INVALID_POLL');
  const open = await s.t.app.inject({ method: 'POST', url: `/api/shows/${s.showId}/polls`, headers: s.t.auth, payload: { question: 'Which next?', options: ['Hose', 'Nozzle', 'Reel'], onOverlay: true } });
  t.equal(open.statusCode, 201);
  const poll = open.json() as { id: string };
  await clients[0]!.next((m) => m.type === 'poll');
  clients[0]!.send({ type: 'vote', pollId: poll.id, option: 1 });
  clients[1]!.send({ type: 'vote', pollId: poll.id, option: 1 });
  clients[2]!.send({ type: 'vote', pollId: poll.id, option: 2 });
  clients[0]!.send({ type: 'vote', pollId: poll.id, option: 0 });
  await clients[0]!.next(isError('ALREADY_VOTED'));
  const live = await clients[2]!.next((m) => m.type === 'poll' && (m.poll as { totalVotes: number }).totalVotes === 3);
  t.same((live.poll as { options: Array<{ votes: number }> }).options.map((o) => o.votes), [0, 2, 1]);
  const overlay = (await s.t.app.inject({ method: 'GET', url: `/api/shows/${s.showId}/overlay`, headers: s.t.auth })).json() as { state: { poll: { options: Array<{ votes: number }> } | null } };
  await waitFor('the poll tally on the overlay', async () => {
    const o = (await s.t.app.inject({ method: 'GET', url: `/api/shows/${s.showId}/overlay`, headers: s.t.auth })).json() as typeof overlay;
    return o.state.poll?.options.map((x) => x.votes).join() === '0,2,1';
  });
  clients[0]!.send({ type: 'vote', pollId: 'nope', option: 0 });
  await clients[0]!.next(isError('POLL_NOT_FOUND'));
  const closed = await s.t.app.inject({ method: 'POST', url: `/api/shows/${s.showId}/polls/current/close`, headers: s.t.auth });
  t.match(closed.json(), { open: false, totalVotes: 3 });
  const late = await s.viewer('Late');
  const lc = await s.open({ token: late.token });
  lc.send({ type: 'vote', pollId: poll.id, option: 0 });
  await lc.next(isError('POLL_CLOSED'));
  const timeline = (await s.t.app.inject({ method: 'GET', url: `/api/shows/${s.showId}/timeline`, headers: s.t.auth })).json().events as Array<{ type: string }>;
  t.ok(timeline.some((e) => e.type === 'poll.opened') && timeline.some((e) => e.type === 'poll.closed'));
});

t.test('questions and demo requests: a queue ranked by votes', async (t) => {
  const s = await setup(t);
  const product = (await s.t.app.inject({ method: 'POST', url: '/api/products', headers: s.t.auth, payload: { sku: 'HOSE-30', title: 'Hose 30 m', price: 2999, currency: 'EUR', stock: 10 } })).json() as { id: string };
  const other = (await s.t.app.inject({ method: 'POST', url: '/api/products', headers: s.t.auth, payload: { sku: 'REEL', title: 'Reel', price: 999, currency: 'EUR', stock: 10 } })).json() as { id: string };
  t.equal((await s.t.app.inject({ method: 'PUT', url: `/api/shows/${s.showId}/lineup`, headers: s.t.auth, payload: { productIds: [product.id] } })).statusCode, 200);
  const [q1, q2, q3] = await Promise.all(['Q1', 'Q2', 'Q3'].map((n) => s.viewer(n)));
  const c1 = await s.open({ token: q1!.token });
  const c2 = await s.open({ token: q2!.token });
  const c3 = await s.open({ token: q3!.token });
  c1.send({ type: 'ask', text: 'Is it long enough for a second floor?', productId: product.id });
  c2.send({ type: 'demo', productId: product.id });
  c3.send({ type: 'demo', productId: other.id });
  await c3.next(isError('NOT_IN_LINEUP'));
  const list = await c3.next((m) => m.type === 'questions' && (m.items as unknown[]).length === 2);
  const demo = (list.items as Array<{ id: string; kind: string }>).find((q) => q.kind === 'demo')!;
  c1.send({ type: 'upvote', questionId: demo.id });
  c3.send({ type: 'upvote', questionId: demo.id });
  c3.send({ type: 'upvote', questionId: demo.id });
  await c3.next(isError('ALREADY_UPVOTED'));
  await waitFor('votes counted', async () => {
    const queue = (await s.t.app.inject({ method: 'GET', url: `/api/shows/${s.showId}/questions`, headers: s.t.auth })).json() as Array<{ kind: string; votes: number }>;
    return queue[0]?.kind === 'demo' && queue[0].votes === 2;
  });
  const queue = (await s.t.app.inject({ method: 'GET', url: `/api/shows/${s.showId}/questions`, headers: s.t.auth })).json() as Array<{ id: string; kind: string; text: string; viewer: { displayName: string } }>;
  t.same(queue.map((q) => q.kind), ['demo', 'question'], 'the most wanted first');
  t.equal(queue[1]?.viewer.displayName, 'Q1');
  t.equal((await s.t.app.inject({ method: 'POST', url: `/api/shows/${s.showId}/questions/${queue[0]!.id}/answered`, headers: s.t.auth })).statusCode, 204);
  const open = (await s.t.app.inject({ method: 'GET', url: `/api/shows/${s.showId}/questions`, headers: s.t.auth })).json() as unknown[];
  t.equal(open.length, 1, 'answered ones leave the open queue');
  const lineup = (await s.t.app.inject({ method: 'GET', url: `/api/shows/${s.showId}/lineup` })).json() as Array<{ id: string; sku?: string }>;
  t.same(lineup.map((p) => p.id), [product.id], 'the lineup is public');
  t.equal(lineup[0]?.sku, undefined, 'without internal fields');
});

t.test('overlay changes and flash-sale stock reach viewers with their program date time', async (t) => {
  const s = await setup(t);
  const product = (await s.t.app.inject({ method: 'POST', url: '/api/products', headers: s.t.auth, payload: { sku: 'HOSE', title: 'Hose', price: 2999, currency: 'EUR', stock: 10 } })).json() as { id: string };
  // orders are taken while the show is live (issue 14); the pin below puts the hose on screen
  s.t.services.shows.markLive(s.showId, Date.now());
  const buyer = await s.viewer('Buyer');
  const c = await s.open({ token: buyer.token });
  await s.t.app.inject({ method: 'POST', url: `/api/shows/${s.showId}/pin`, headers: s.t.auth, payload: { productId: product.id } });
  const overlay = await c.next((m) => m.type === 'overlay');
  t.match(overlay, { change: { change: 'pin', productId: product.id }, programDateTime: null, overlay: { pinnedProduct: { id: product.id } } });
  const sale = await s.t.app.inject({ method: 'POST', url: `/api/shows/${s.showId}/flash-sales`, headers: s.t.auth, payload: { productId: product.id, price: 1999, quantity: 5, durationSeconds: 60 } });
  t.equal(sale.statusCode, 201);
  const order = await s.t.app.inject({ method: 'POST', url: `/api/shows/${s.showId}/orders`, headers: { authorization: `Bearer ${buyer.token}`, 'idempotency-key': 'k1' }, payload: { productId: product.id, quantity: 2 } });
  t.equal(order.statusCode, 201);
  const stock = await c.next((m) => m.type === 'flash_sale');
  t.match(stock.sale, { productId: product.id, quantity: 5, remaining: 3 });
  t.same(c.invalid, []);
});

t.test('the overlay view has one wire form: the socket sends what REST answers, flash-sale times as ISO', async (t) => {
  const s = await setup(t);
  const product = (await s.t.app.inject({ method: 'POST', url: '/api/products', headers: s.t.auth, payload: { sku: 'LAMP', title: 'Lamp', price: 4999, currency: 'EUR', stock: 10 } })).json() as { id: string };
  const viewer = await s.viewer('Watcher');
  const c = await s.open({ token: viewer.token });
  await c.next((m) => m.type === 'welcome');
  const started = await s.t.app.inject({ method: 'POST', url: `/api/shows/${s.showId}/flash-sales`, headers: s.t.auth, payload: { productId: product.id, price: 2999, quantity: 4, durationSeconds: 60, perCustomerLimit: 1 } });
  t.equal(started.statusCode, 201);
  const rest = (started.json() as { overlay: { flashSale: Record<string, unknown> } }).overlay;
  const pushed = (await c.next((m) => m.type === 'overlay' && (m.change as { change: string }).change === 'flash_sale.started')).overlay as typeof rest;
  const withoutCountdown = (view: typeof rest) => ({ ...view, flashSale: { ...view.flashSale, secondsLeft: 0 } });
  t.same(withoutCountdown(pushed), withoutCountdown(rest), 'the same fields, the same values (the countdown is taken when each is sent)');
  t.match(pushed.flashSale, { productId: product.id, price: 2999, quantity: 4, remaining: 4, perCustomerLimit: 1, startsAt: /^\d{4}-\d{2}-\d{2}T.*Z$/, endsAt: /^\d{4}-\d{2}-\d{2}T.*Z$/ });
  t.equal(Date.parse(pushed.flashSale.endsAt as string) - Date.parse(pushed.flashSale.startsAt as string), 60_000);
  const reconnected = await s.open({ token: viewer.token });
  const welcome = await reconnected.next((m) => m.type === 'welcome');
  t.same(withoutCountdown(welcome.overlay as typeof rest), withoutCountdown(rest), 'the welcome carries the same form');
  t.same(c.invalid, []);
  t.same(reconnected.invalid, []);
});

t.test('bad frames, oversized frames, forged tokens: an error, never a crash', async (t) => {
  const s = await setup(t);
  const v = await s.viewer('Odd');
  const c = await s.open({ token: v.token });
  await c.next((m) => m.type === 'welcome');
  c.send('not json');
  await c.next((m) => m.type === 'error' && m.code === 'INVALID_MESSAGE' && /JSON/.test(m.message as string));
  c.send('[1,2]');
  c.send('{"type":"teleport"}');
  t.match(await c.next(isError('UNKNOWN_MESSAGE_TYPE')), { message: /chat, react/ });
  c.send({ type: 'chat', text: 42 });
  c.send({ type: 'chat', text: 'hi', extra: true });
  c.socket.send(Buffer.from([1, 2, 3]), { binary: true });
  c.send(JSON.stringify({ type: 'chat', text: 'y'.repeat(5000) }));
  await sleep(300);
  t.ok(c.ofType('error').length >= 6, 'each bad frame got its own error');
  t.equal(c.closeCode, null, 'and the socket stays open');

  // over the hard limit, the WebSocket layer closes with 1009
  c.send('z'.repeat(70 * 1024));
  t.equal(await c.closedP, 1009);

  const forged = await LiveClient.open(s.url, s.showId, { token: `v_${'A'.repeat(43)}` });
  t.match(await forged.next(isError('INVALID_VIEWER_TOKEN')), {});
  t.equal(await forged.closedP, 4401, 'a forged token gets 4401: fetch a new one');
  const missing = await LiveClient.open(s.url, 'noSuchShow00');
  t.equal(await missing.closedP, 4404);
  const flood = await s.open({ token: v.token });
  for (let i = 0; i < 100; i++) flood.send({ type: 'react', reaction: 'heart' });
  t.equal(await flood.closedP, 4429, 'a flood of frames is cut off');

  const after = await s.open({ token: (await s.viewer('After')).token });
  after.send({ type: 'chat', text: 'still serving' });
  await after.next(isChat('still serving'));
});

t.test('a client that never reads is dropped; the others are not held up', async (t) => {
  const s = await setup(t, { audience: { chatPerMinute: 1_000_000, chatBurst: 100_000, maxBufferedBytes: 64 * 1024, framesPerSecond: 10_000 } });
  // a raw TCP client: upgrades, then never reads a byte
  const port = Number(new URL(s.url).port);
  const stuck = connect({ host: '127.0.0.1', port });
  stuck.pause();
  stuck.write(
    `GET /api/shows/${s.showId}/live HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  t.teardown(() => stuck.destroy());
  const sender = await s.open({ token: (await s.viewer('Loud')).token });
  const reader = await s.open();
  await waitFor('the stuck client joined', async () => s.t.services.hub.connections === 3);
  const text = 'h'.repeat(290);
  let sent = 0;
  const started = Date.now();
  while (s.t.services.hub.counters.droppedSlow === 0 && Date.now() - started < 60_000) {
    for (let i = 0; i < 200; i++) sender.send({ type: 'chat', text: `${sent++} ${text}` });
    await sleep(20);
  }
  t.equal(s.t.services.hub.counters.droppedSlow, 1, `the stuck client was dropped after ${sent} messages`);
  sender.send({ type: 'chat', text: 'after the drop' });
  await reader.next(isChat('after the drop'), 10_000);
  t.equal(reader.ofType('chat').length, sent + 1, 'the reader got every message');
  t.equal(reader.closeCode, null);
  await waitFor('the stuck socket is gone', () => s.t.services.hub.connections === 2);
  const metrics = (await s.t.app.inject({ url: '/metrics', headers: s.t.auth })).body;
  t.match(metrics, /hawker_live_dropped_slow_total 1\n/);
  t.match(metrics, /hawker_live_connections 2\n/);
});
