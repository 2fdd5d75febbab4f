import t from 'tap';
import { ChatRules } from '../../src/realtime/chat-rules.js';
import { LiveChat } from '../../src/realtime/chat.js';
import { Room } from '../../src/realtime/room.js';
import { newCounters, type Member } from '../../src/realtime/session.js';
import { TokenBucket } from '../../src/realtime/token-bucket.js';
import { FakeBroadcaster, FakeChatStore, fakeShows, showRow, silentLogger } from '../helpers/fake-audience.js';

/** Chat on its own: in-memory chat table, fake broadcaster, the tick's store called by hand. */
function setup(over: { backlogMax?: number; chatBurst?: number; show?: Parameters<typeof showRow>[0] } = {}) {
  let clock = 2_000_000;
  const store = new FakeChatStore();
  const out = new FakeBroadcaster();
  const counters = newCounters();
  const activity: string[] = [];
  const chat = new LiveChat({
    shows: fakeShows(showRow(over.show)),
    chat: store,
    sanctions: store,
    voices: store,
    rules: new ChatRules(['spam']),
    limits: { chatPerMinute: 60, chatBurst: over.chatBurst ?? 100, historySize: 3 },
    out,
    levelOf: () => ({ level: 2, badge: 'regular' }),
    activity: (showId, viewerId, kind, text) => void activity.push(`${showId}:${viewerId}:${kind}:${text ?? ''}`),
    backlogMax: over.backlogMax ?? 100,
    counters,
    logger: silentLogger(),
    now: () => clock,
  });
  const room = new Room('show1', 'Mia', 1_000_000, () => undefined);
  const member = (id: string, role: 'viewer' | 'moderator' = 'viewer'): Member => ({
    link: { send: () => undefined, bufferedAmount: 0, close: () => undefined },
    viewerId: id,
    dropped: false,
    room,
    viewer: { id, displayName: id.toUpperCase(), createdAt: 0 },
    role,
    level: null,
    frames: new TokenBucket(10, 10, clock),
    sessionId: null,
  });
  return { chat, store, out, counters, activity, member, tick: (ms: number) => (clock += ms), now: () => clock };
}

t.test('a line before the show went live also counts as a comment before the show (the preshow coupon)', async (t) => {
  const { chat, activity, member, now } = setup({ show: { status: 'scheduled', startedAt: null } });
  chat.say(member('ann'), 'see you tonight', now());
  t.same(activity, ['show1:ann:chat:see you tonight', 'show1:ann:preshow:']);
  const live = setup();
  live.chat.say(live.member('bob'), 'hi', live.now());
  t.same(live.activity, ['show1:bob:chat:hi'], 'once live, chat is only chat');
});

const sqliteFull = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

t.test('a viewer line: rules, then out to the room at once, stored on the tick, counted as activity', async (t) => {
  const { chat, store, out, activity, member, now } = setup();
  const ann = member('ann');
  t.throws(() => chat.say(ann, 'buy spam now', now()), { code: 'MESSAGE_BLOCKED' });
  t.throws(() => chat.say(ann, 'see shop.example.com', now()), { code: 'LINKS_NOT_ALLOWED' });
  chat.say(ann, 'hello', now());
  t.match(out.of('chat'), [{ text: 'hello', viewer: { id: 'ann', displayName: 'ANN', role: 'viewer', level: 2, badge: 'regular' } }]);
  t.same(out.chattedIn, ['show1'], 'counted for the minute');
  t.same(activity, ['show1:ann:chat:hello']);
  t.equal(store.rows.length, 0, 'not stored before the tick');
  t.equal(chat.backlog, 1);
  t.equal(chat.storeIfDue(now()), true);
  t.same(store.rows.map((m) => m.text), ['hello']);
  t.equal(store.rows[0]!.streamMs, now() - 1_000_000, 'in stream time');
});

t.test('slow mode holds viewers, not moderators; the per-viewer rate holds everyone', async (t) => {
  const { chat, member, tick, now } = setup({ chatBurst: 3 });
  chat.updateSettings('show1', { slowModeSeconds: 10 });
  const ann = member('ann');
  chat.say(ann, 'one', now());
  t.throws(() => chat.say(ann, 'two', now()), { code: 'SLOW_MODE' });
  tick(10_000);
  chat.say(ann, 'two', now());
  const mod = member('mo', 'moderator');
  chat.say(mod, 'a', now());
  chat.say(mod, 'b', now());
  chat.say(mod, 'c', now());
  t.throws(() => chat.say(mod, 'd', now()), { code: 'RATE_LIMITED' }, 'the burst is spent');
});

t.test('sanctions: banned and timed-out viewers neither chat nor ask', async (t) => {
  const { chat, store, member, now } = setup();
  store.addSanction({ viewerId: 'ann', showId: 'show1', kind: 'timeout', until: now() + 30_000 });
  t.throws(() => chat.say(member('ann'), 'hi', now()), { code: 'TIMED_OUT', message: /30 s more/ });
  store.addSanction({ viewerId: 'bob', showId: null, kind: 'ban', until: null });
  t.throws(() => chat.requireMaySpeak('show1', 'bob', now()), { code: 'BANNED' });
});

t.test('the host speaks through their voice: links allowed, marked host, no loyalty badge', async (t) => {
  const { chat, out } = setup();
  const line = chat.hostSay('show1', 'all at shop.example.com');
  t.match(line, { text: 'all at shop.example.com', viewer: { role: 'host', badge: 'host', level: 0, displayName: 'Mia' } });
  t.ok(chat.isHostVoice(line.viewer.id));
  t.equal(out.of('chat').length, 1);
  t.throws(() => chat.hostSay('nope', 'hi'), { code: 'SHOW_NOT_FOUND' });
});

t.test('history newcomers get: loaded once, the last lines, deletions taken out', async (t) => {
  const { chat, member, now } = setup();
  const show = showRow();
  t.same(chat.historyOf(show), [], 'loaded (empty) when the first viewer joins');
  for (const text of ['a', 'b', 'c', 'd']) chat.say(member('ann'), text, now());
  t.same(chat.historyOf(show).map((l) => l.text), ['b', 'c', 'd'], 'bounded by historySize');
  const c = chat.historyOf(show)[1]!;
  chat.delete('show1', c.id, 'host');
  t.same(chat.historyOf(show).map((l) => l.text), ['b', 'd']);
});

t.test('storage fails: lines wait in order, retried once a second, stored once; a refused line alone is dropped', async (t) => {
  const { chat, store, out, counters, member, tick, now } = setup();
  store.failWith = sqliteFull;
  for (const text of ['a', 'b', 'c']) chat.say(member('ann'), text, now());
  t.equal(chat.storeIfDue(now()), false, 'the write failed');
  const tries = store.inserts;
  tick(100);
  t.equal(chat.storeIfDue(now()), null, 'not retried every tick');
  t.equal(store.inserts, tries);
  chat.say(member('bob'), 'd', now());
  t.same(chat.recent('show1', 10).map((l) => l.text), ['a', 'b', 'c', 'd'], 'held-back lines are part of the chat the host sees');
  store.failWith = null;
  tick(1000);
  t.equal(chat.storeIfDue(now()), true, 'stored once the disk has room');
  t.same(store.rows.map((m) => m.text), ['a', 'b', 'c', 'd'], 'in order, once each');
  t.equal(chat.backlog, 0);

  chat.say(member('ann'), 'e', now());
  chat.say(member('ann'), 'f', now());
  const e = out.of('chat').find((l) => l.text === 'e')!;
  store.refused.add(e.id);
  t.equal(chat.storeIfDue(now()), true);
  t.same(store.rows.map((m) => m.text), ['a', 'b', 'c', 'd', 'f'], 'the refused line does not hold up the rest');
  t.equal(counters.chatUnstored, 1);
});

t.test('past the backlog cap lines are still shown, counted, not stored', async (t) => {
  const { chat, store, out, counters, member, now } = setup({ backlogMax: 2 });
  store.failWith = sqliteFull;
  for (const text of ['a', 'b', 'c']) chat.say(member('ann'), text, now());
  t.equal(chat.backlog, 2);
  t.equal(out.of('chat').length, 3, 'all three shown');
  t.equal(counters.chatUnstored, 1);
});

t.test('pins and settings: written through, out to the room; deleting the pinned line unpins it', async (t) => {
  const { chat, out, member, now } = setup();
  chat.say(member('ann'), 'pin me', now());
  const id = out.of('chat')[0]!.id;
  const pinned = chat.pin('show1', id);
  t.match(pinned, { id, text: 'pin me' }, 'a held-back line is stored first, then pinned');
  t.same(chat.pinnedLine(showRow())?.id, id);
  t.throws(() => chat.pin('show1', 'nope'), { code: 'MESSAGE_NOT_FOUND' });
  t.match(chat.updateSettings('show1', { linksAllowed: true }), { linksAllowed: true, pinnedMessageId: id });
  t.match(out.of('chat.settings'), [{ linksAllowed: true, slowModeSeconds: 0 }]);
  chat.delete('show1', id, 'host');
  t.same(out.of('chat.deleted'), [{ type: 'chat.deleted', id }]);
  t.same(out.of('chat.pinned').map((m) => m.message?.id ?? null), [id, null], 'pinned, then unpinned');
  t.equal(chat.chatSettings('show1').pinnedMessageId, null);
  t.throws(() => chat.delete('show1', id, 'host'), { code: 'MESSAGE_NOT_FOUND' }, 'gone already');
});
