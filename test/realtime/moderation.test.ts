import t from 'tap';
import { ChatRules } from '../../src/realtime/chat-rules.js';
import { LiveChat } from '../../src/realtime/chat.js';
import { LiveModeration } from '../../src/realtime/moderation.js';
import { Room } from '../../src/realtime/room.js';
import { newCounters, type Member } from '../../src/realtime/session.js';
import { TokenBucket } from '../../src/realtime/token-bucket.js';
import { FakeBroadcaster, FakeChatStore, fakeEvents, fakeShows, showRow, silentLogger } from '../helpers/fake-audience.js';

/** Moderation on its own: a real LiveChat over an in-memory chat table, a fake broadcaster. */
function setup() {
  const clock = 3_000_000;
  const store = new FakeChatStore();
  const out = new FakeBroadcaster();
  const events = fakeEvents();
  const shows = fakeShows(showRow(), showRow({ id: 'show2' }));
  const viewers = new Set(['ann', 'bob', 'mo', 'mo2']);
  const chat = new LiveChat({
    shows,
    chat: store,
    sanctions: store,
    voices: store,
    rules: new ChatRules([]),
    limits: { chatPerMinute: 600, chatBurst: 100, historySize: 50 },
    out,
    levelOf: () => ({ level: 0, badge: '' }),
    activity: () => undefined,
    backlogMax: 100,
    counters: newCounters(),
    logger: silentLogger(),
    now: () => clock,
  });
  const moderation = new LiveModeration({
    shows,
    events,
    moderation: store,
    viewers: { get: (id) => (viewers.has(id) || id.startsWith('voice-') ? { id, displayName: id, createdAt: 0 } : undefined) },
    lines: chat,
    out,
    logger: silentLogger(),
    now: () => clock,
  });
  store.setModerator('mo', true);
  store.setModerator('mo2', true);
  const room = new Room('show1', 'Mia', 1_000_000, () => undefined);
  const member = (id: string, showId = 'show1'): Member => ({
    link: { send: () => undefined, bufferedAmount: 0, close: () => undefined },
    viewerId: id,
    dropped: false,
    room: showId === 'show1' ? room : new Room(showId, 'Mia', 1_000_000, () => undefined),
    viewer: { id, displayName: id, createdAt: 0 },
    role: store.isModerator(id) ? 'moderator' : 'viewer',
    level: null,
    frames: new TokenBucket(10, 10, clock),
    sessionId: null,
  });
  const say = (id: string, text: string, showId = 'show1') => {
    chat.say(member(id, showId), text, clock);
    return out.of('chat').at(-1)!.id;
  };
  return { chat, moderation, store, out, events, say, clock };
}

const asHost = { role: 'host', viewerId: null };
const asMod = { role: 'moderator', viewerId: 'mo' };

t.test('only the host and moderators moderate from a socket', async (t) => {
  const { moderation, say } = setup();
  const id = say('ann', 'hi');
  t.throws(() => moderation.fromSocket('show1', { role: 'anonymous', viewerId: null }, { type: 'delete', messageId: id }), { code: 'SIGN_IN_REQUIRED' });
  t.throws(() => moderation.fromSocket('show1', { role: 'viewer', viewerId: 'bob' }, { type: 'delete', messageId: id }), { code: 'NOT_A_MODERATOR' });
  moderation.fromSocket('show1', asMod, { type: 'delete', messageId: id });
  moderation.fromSocket('show1', asHost, { type: 'slowmode', seconds: 5 });
});

t.test('moderators act on viewers and their own lines, never on the host or another moderator; the host can', async (t) => {
  const { moderation, chat, out, say } = setup();
  const hostLine = chat.hostSay('show1', 'welcome');
  const voice = hostLine.viewer.id;
  const peer = say('mo2', 'I keep order too');
  const own = say('mo', 'oops');
  const spam = say('ann', 'spam');
  t.throws(() => moderation.fromSocket('show1', asMod, { type: 'ban', viewerId: 'mo2' }), { code: 'MODERATOR_NOT_SANCTIONABLE' });
  t.throws(() => moderation.fromSocket('show1', asMod, { type: 'timeout', viewerId: 'mo2', seconds: 60 }), { code: 'MODERATOR_NOT_SANCTIONABLE' });
  t.throws(() => moderation.fromSocket('show1', asMod, { type: 'delete', messageId: peer }), { code: 'MODERATOR_NOT_SANCTIONABLE' });
  t.throws(() => moderation.fromSocket('show1', asMod, { type: 'delete', messageId: hostLine.id }), { code: 'HOST_NOT_SANCTIONABLE' });
  t.throws(() => moderation.fromSocket('show1', asMod, { type: 'ban', viewerId: voice }), { code: 'HOST_NOT_SANCTIONABLE' });
  t.same(out.of('chat.deleted'), [], 'nothing taken down');
  moderation.fromSocket('show1', asMod, { type: 'delete', messageId: own });
  moderation.fromSocket('show1', asMod, { type: 'delete', messageId: spam });
  moderation.fromSocket('show1', asHost, { type: 'delete', messageId: peer });
  t.same(out.of('chat.deleted').map((m) => m.id), [own, spam, peer]);
  t.throws(() => moderation.ban(voice), { code: 'HOST_NOT_SANCTIONABLE' }, 'not even the host bans their own voice');
});

t.test('a timeout: in this show, on the timeline, told to the viewer', async (t) => {
  const { moderation, store, out, events, clock } = setup();
  t.throws(() => moderation.timeout('nope', 'ann', 60), { code: 'SHOW_NOT_FOUND' });
  t.throws(() => moderation.timeout('show1', 'ghost', 60), { code: 'VIEWER_NOT_FOUND' });
  t.same(moderation.timeout('show1', 'ann', 60), { until: clock + 60_000 });
  t.same(store.sanctions, [{ viewerId: 'ann', showId: 'show1', kind: 'timeout', until: clock + 60_000 }]);
  t.match(events.appended, [{ showId: 'show1', type: 'chat.moderated', payload: { action: 'timeout', viewerId: 'ann', seconds: 60 } }]);
  t.match(out.toViewer, [{ showId: 'show1', viewerId: 'ann', message: { type: 'notice', code: 'TIMED_OUT' } }]);
  t.equal(moderation.lift('ann'), 1);
});

t.test('a ban: everywhere; every line of theirs, stored or held back, in every show, goes', async (t) => {
  const { moderation, chat, store, out, events, say, clock } = setup();
  const stored = say('bob', 'first');
  t.equal(chat.storeIfDue(clock), true);
  const elsewhere = say('bob', 'other show', 'show2');
  store.failWith = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  const held = say('bob', 'held back');
  say('ann', 'stays');
  out.openShows = ['show1', 'show2'];
  moderation.ban('bob');
  t.same(store.sanctions, [{ viewerId: 'bob', showId: null, kind: 'ban', until: null }]);
  t.same(new Set(out.of('chat.deleted').map((m) => m.id)), new Set([stored, elsewhere, held]));
  t.same(events.appended.map((e) => [e.showId, (e.payload as { action: string }).action]), [['show1', 'ban'], ['show2', 'ban']], 'on the timeline of each open show');
  t.match(out.toViewer, [{ showId: null, viewerId: 'bob', message: { type: 'notice', code: 'BANNED' } }]);
  store.failWith = null;
  t.equal(chat.store(), true);
  t.same(store.rows.map((m) => [m.text, m.deletedAt != null]), [['first', true], ['other show', true], ['held back', true], ['stays', false]], 'held-back lines were deleted where they waited, then stored');
  t.throws(() => moderation.deleteMessage('show1', stored, 'host'), { code: 'MESSAGE_NOT_FOUND' }, 'gone already');
});

t.test('naming moderators: stored, and the sockets open now follow', async (t) => {
  const { moderation, out } = setup();
  moderation.setModerator('ann', true);
  t.equal(moderation.roleOf('ann'), 'moderator');
  t.same(moderation.moderators().map((m) => m.viewerId).sort(), ['ann', 'mo', 'mo2']);
  moderation.setModerator('ann', false);
  t.equal(moderation.roleOf('ann'), 'viewer');
  t.same(out.moderatorsSet, [['ann', true], ['ann', false]]);
  t.throws(() => moderation.setModerator('ghost', true), { code: 'VIEWER_NOT_FOUND' });
});
