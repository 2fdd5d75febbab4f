import t from 'tap';
import { HawkerError } from '../../src/domain/errors.js';
import { LiveHub, type LiveFeatures } from '../../src/realtime/live-hub.js';
import { Rooms } from '../../src/realtime/rooms.js';
import { newCounters, type Member } from '../../src/realtime/session.js';
import type { ShowPhaseKind } from '../../src/domain/show-phase.js';
import { fakeShows, showRow, silentLogger } from '../helpers/fake-audience.js';
import { emptyOverlay } from '../helpers/live-hub.js';

/**
 * The hub alone: connections, dispatch by message type, the tick driven by hand. The features
 * are stand-ins that record what they were asked; no sockets, no timers.
 */
function setup() {
  let clock = 10_000;
  const calls: string[] = [];
  let throwNext: unknown = null;
  let stored: boolean | null = true;
  // the phase LiveShows holds (the stored status does not know the reconnect window)
  let phase: ShowPhaseKind = 'live';
  const emptied: string[] = [];
  const call = (what: string) => {
    calls.push(what);
    if (throwNext) {
      const err = throwNext;
      throwNext = null;
      throw err;
    }
  };
  const features: LiveFeatures = {
    chat: {
      say: (m: Member, text: string) => call(`chat.say ${m.viewerId} ${text}`),
      hostSay: (showId: string, text: string) => {
        call(`chat.hostSay ${showId} ${text}`);
        return null as never;
      },
      historyOf: () => [],
      pinnedLine: () => null,
      settingsOf: () => ({ slowModeSeconds: 3, linksAllowed: false, pinnedMessageId: null }),
      storeIfDue: () => {
        calls.push('chat.store');
        return stored;
      },
      retryNow: () => undefined,
      backlog: 0,
      forgetShow: (showId: string) => void calls.push(`chat.forget ${showId}`),
      trim: () => undefined,
    },
    moderation: {
      fromSocket: (showId, actor, msg) => call(`moderation ${showId} ${actor.role}:${actor.viewerId} ${msg.type}`),
      roleOf: (viewerId: string) => (viewerId === 'mo' ? 'moderator' : 'viewer'),
    },
    polls: {
      vote: (showId, viewerId, pollId, option) => call(`polls.vote ${showId} ${viewerId} ${pollId} ${option}`),
      view: () => null,
      push: (showId: string) => void calls.push(`polls.push ${showId}`),
    },
    questions: {
      ask: (showId, viewer, kind, text) => {
        call(`questions.ask ${showId} ${viewer.id} ${kind} ${text}`);
        return null as never;
      },
      upvote: (showId, viewerId, questionId) => call(`questions.upvote ${showId} ${viewerId} ${questionId}`),
      top: () => [],
      push: (showId: string) => void calls.push(`questions.push ${showId}`),
    },
    presence: {
      openSession: () => 7,
      touchSessions: (ids: number[]) => void calls.push(`presence.touch ${ids.join(',')}`),
      recordMinute: (rooms, final) => {
        calls.push(`presence.minute ${[...rooms].map((r) => r.showId).join(',')} ${final}`);
        return emptied.splice(0);
      },
    },
  };
  const counters = newCounters();
  const rooms = new Rooms(1_000_000, counters, silentLogger());
  const dispatched: string[] = [];
  const hub = new LiveHub({
    shows: fakeShows(showRow(), showRow({ id: 'show2' })),
    rooms,
    features,
    activity: { record: (showId, viewerId, kind) => void dispatched.push(`queued ${showId} ${viewerId} ${kind}`), dispatch: () => void dispatched.push('dispatch') },
    counters,
    limits: { maxConnectionsPerShow: 3, framesPerSecond: 5 },
    levelOf: () => ({ level: 1, badge: 'new' }),
    viewerByToken: (token) => (token === 'bad' ? undefined : { id: token, displayName: token.toUpperCase(), createdAt: 0 }),
    overlayView: emptyOverlay,
    lineupState: () => ({ items: [], sale: null }),
    phaseOf: () => phase,
    backstage: () => [{ type: 'phase', phase }],
    logger: silentLogger(),
    now: () => clock,
  });
  const open = (credentials: Parameters<LiveHub['connect']>[1], showId = 'show1') => {
    const frames: unknown[][] = [];
    const closed: number[] = [];
    const link = { send: (f: Buffer) => void frames.push(JSON.parse(f.toString()) as unknown[]), bufferedAmount: 0, close: (code: number) => void closed.push(code) };
    const session = hub.connect(showId, credentials, link);
    const send = (message: object) => session!.receive(Buffer.from(JSON.stringify(message)), false);
    return { session, frames, closed, send, last: () => frames.at(-1)! };
  };
  return { hub, rooms, calls, counters, dispatched, open, emptied, tick: (ms: number) => (clock += ms), throwNext: (err: unknown) => (throwNext = err), setStored: (v: boolean | null) => (stored = v), setPhase: (p: ShowPhaseKind) => (phase = p) };
}

t.test('connecting: refused with a code and a close, or welcomed with what each feature shows', async (t) => {
  const { open, calls, dispatched } = setup();
  t.match(open({ kind: 'anonymous' }, 'nope'), { session: null, frames: [[{ type: 'error', code: 'SHOW_NOT_FOUND' }]], closed: [4404] });
  t.match(open({ kind: 'viewer', token: 'bad' }), { session: null, frames: [[{ type: 'error', code: 'INVALID_VIEWER_TOKEN' }]] });
  const ann = open({ kind: 'viewer', token: 'ann' });
  t.match(ann.frames, [[{ type: 'welcome', you: { viewerId: 'ann', role: 'viewer', level: 1 }, settings: { slowModeSeconds: 3 }, overlay: { showId: 'show1', pinnedProduct: null, flashSale: null }, presence: { viewers: 1, peak: 1 } }]]);
  t.match(open({ kind: 'viewer', token: 'mo' }).frames, [[{ you: { role: 'moderator' } }]], 'the role comes from moderation');
  t.match(open({ kind: 'host' }).frames, [[{ you: { role: 'host', viewerId: null } }]]);
  t.match(open({ kind: 'anonymous' }), { session: null, frames: [[{ type: 'error', code: 'RATE_LIMITED' }]] }, 'the show is full');
  t.same(dispatched, ['queued show1 ann watch', 'queued show1 mo watch'], 'watching counts from the start');
  t.same(calls, []);
});

t.test("the host's own sockets never count as viewers: not in the welcome, the presence, the peak", async (t) => {
  const { open, rooms, hub, tick } = setup();
  const host = open({ kind: 'host' });
  t.match(host.frames, [[{ type: 'welcome', presence: { viewers: 0, peak: 0 } }]], 'the cockpit alone: nobody watching');
  const ann = open({ kind: 'viewer', token: 'ann' });
  t.match(ann.frames, [[{ presence: { viewers: 1, peak: 1 } }]]);
  t.same(rooms.get('show1')!.presence, { viewers: 1, peak: 1 });
  tick(1000);
  hub.tickOnce();
  t.match(host.last(), [{ type: 'presence', viewers: 1, peak: 1 }], 'the host is told of one viewer, not two');
  host.session!.closed();
  ann.session!.closed();
  t.same(rooms.get('show1')!.presence, { viewers: 0, peak: 1 });
});

t.test('a page that connects while the host is away is told waiting, as the show message says it; live again once back', async (t) => {
  const { open, setPhase } = setup();
  setPhase('awaiting-reconnect');
  t.match(open({ kind: 'anonymous' }).frames, [[{ type: 'welcome', show: { status: 'waiting' } }]], 'stored live, but the host has dropped');
  t.match(open({ kind: 'host' }).frames, [[{ type: 'welcome', show: { status: 'waiting' } }]], 'the cockpit says the same');
  setPhase('live');
  t.match(open({ kind: 'viewer', token: 'ann' }).frames, [[{ type: 'welcome', show: { status: 'live' } }]]);
});

t.test("host-only messages: with the host's welcome, and pushed to the host's sockets, never to a viewer's", async (t) => {
  const { open, rooms, hub } = setup();
  const ann = open({ kind: 'viewer', token: 'ann' });
  const host = open({ kind: 'host' });
  t.match(host.frames, [[{ type: 'welcome' }, { type: 'phase', phase: 'live' }]], "the cockpit's welcome brings the phase");
  t.equal(ann.frames[0]!.length, 1, 'a viewer gets the welcome alone');
  rooms.sendToHost('show1', { type: 'phase', phase: 'awaiting-reconnect' });
  t.same(host.last(), [{ type: 'phase', phase: 'awaiting-reconnect' }], 'at once, not on the tick');
  hub.tickOnce();
  t.notOk(ann.frames.flat().some((m) => (m as { type: string }).type === 'phase'), 'no phase reached the viewer, then or on the tick');
});

t.test('dispatch by message type; what a feature refuses comes back as an error with the ref', async (t) => {
  const { open, calls, counters, throwNext } = setup();
  const ann = open({ kind: 'viewer', token: 'ann' });
  const host = open({ kind: 'host' });
  const anon = open({ kind: 'anonymous' });
  ann.send({ type: 'chat', text: 'hi' });
  ann.send({ type: 'vote', pollId: 'p1', option: 1 });
  ann.send({ type: 'ask', text: 'why?' });
  ann.send({ type: 'demo', productId: 'hose' });
  ann.send({ type: 'upvote', questionId: 'q1' });
  ann.send({ type: 'ban', viewerId: 'bob' });
  host.send({ type: 'chat', text: 'welcome' });
  host.send({ type: 'slowmode', seconds: 5 });
  t.same(calls, [
    'chat.say ann hi',
    'polls.vote show1 ann p1 1',
    'questions.ask show1 ann question why?',
    'questions.ask show1 ann demo ',
    'questions.upvote show1 ann q1',
    'moderation show1 viewer:ann ban',
    'chat.hostSay show1 welcome',
    'moderation show1 host:null slowmode',
  ]);
  anon.send({ type: 'chat', text: 'hi', ref: 'a1' });
  t.match(anon.last(), [{ type: 'error', code: 'SIGN_IN_REQUIRED', ref: 'a1' }]);
  host.send({ type: 'vote', pollId: 'p1', option: 0, ref: 'h1' });
  t.match(host.last(), [{ type: 'error', code: 'SIGN_IN_REQUIRED', ref: 'h1', message: /votes and questions come from viewers/ }]);
  throwNext(new HawkerError('SLOW_MODE', 'wait'));
  ann.send({ type: 'chat', text: 'again', ref: 'r1' });
  t.match(ann.last(), [{ type: 'error', code: 'SLOW_MODE', ref: 'r1' }]);
  throwNext(Object.assign(new Error('full'), { code: 'SQLITE_FULL' }));
  ann.send({ type: 'vote', pollId: 'p1', option: 0, ref: 'r2' });
  t.match(ann.last(), [{ type: 'error', code: 'STORAGE_UNAVAILABLE', ref: 'r2' }]);
  throwNext(new Error('bug'));
  ann.send({ type: 'upvote', questionId: 'q', ref: 'r3' });
  t.match(ann.last(), [{ type: 'error', code: 'INTERNAL', ref: 'r3' }]);
  ann.session!.receive(Buffer.from('{}'), true);
  t.match(ann.last(), [{ type: 'error', code: 'INVALID_MESSAGE' }]);
  t.equal(counters.refused, 6);
});

t.test('flooding: past the frame rate the socket is cut and leaves', async (t) => {
  const { open, calls, hub } = setup();
  const ann = open({ kind: 'viewer', token: 'ann' });
  for (let i = 0; i < 11; i += 1) ann.send({ type: 'react', reaction: 'heart' });
  t.same(ann.closed, [4429]);
  t.equal(hub.connections, 0);
  t.same(calls, ['presence.touch 7'], 'its watch session is touched on the way out');
});

t.test('the tick by hand: one frame per room, results at their pace, activity only after chat is stored, the minute closes empty rooms', async (t) => {
  const { hub, rooms, open, calls, dispatched, emptied, tick, setStored, counters } = setup();
  const ann = open({ kind: 'viewer', token: 'ann' });
  open({ kind: 'anonymous' }, 'show2').session!.closed();
  dispatched.length = 0;
  hub.publish('show1', { type: 'show', status: 'live' });
  hub.publish('show1', { type: 'show', status: 'ended' });
  tick(1000);
  hub.tickOnce();
  t.match(ann.last(), [{ type: 'show', status: 'live' }, { type: 'show', status: 'ended' }, { type: 'presence' }], 'one frame');
  t.same(calls, ['chat.store', 'polls.push show1', 'questions.push show1', 'polls.push show2', 'questions.push show2']);
  t.same(dispatched, ['dispatch']);
  t.equal(counters.messagesOut, 4, "three to show1, and show2's presence (to nobody)");

  calls.length = 0;
  tick(100);
  setStored(null);
  hub.tickOnce();
  t.same(calls, ['chat.store'], 'no results push 100 ms later');
  t.same(dispatched, ['dispatch'], 'no activity while chat is held back');

  calls.length = 0;
  emptied.push('show2');
  tick(60_000);
  setStored(true);
  hub.tickOnce();
  t.same(calls.slice(-2), ['presence.minute show1,show2 false', 'chat.forget show2']);
  t.equal([...rooms.showIds()].join(), 'show1', 'the empty room is closed');

  calls.length = 0;
  hub.stop();
  t.same(ann.closed, [1001]);
  t.same(calls.slice(-2), ['presence.minute show1 true', 'presence.touch 7']);
  t.equal(hub.connections, 0);
});
