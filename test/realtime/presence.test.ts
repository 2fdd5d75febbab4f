import t from 'tap';
import { LivePresence } from '../../src/realtime/presence.js';
import { Room } from '../../src/realtime/room.js';
import type { Member } from '../../src/realtime/session.js';
import { TokenBucket } from '../../src/realtime/token-bucket.js';
import { fakeEvents, fakeShows, showRow, silentLogger } from '../helpers/fake-audience.js';

/** Presence on its own: rooms built by hand, watch sessions and the timeline in memory, storage made to fail. */
function setup() {
  let full = false;
  const touched: number[][] = [];
  const events = fakeEvents();
  const activity: string[] = [];
  const sqliteFull = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  const rooms = new Map<string, Room>();
  const presence = new LivePresence({
    shows: fakeShows(showRow(), showRow({ id: 'quiet', status: 'scheduled' })),
    events: {
      append: (e) => {
        if (full) throw sqliteFull();
        return events.append(e);
      },
    },
    sessions: {
      openSession: () => {
        if (full) throw sqliteFull();
        return 41;
      },
      touchSessions: (ids) => {
        if (full) throw sqliteFull();
        touched.push(ids);
      },
    },
    rooms: { get: (id) => rooms.get(id) },
    activity: (showId, viewerId, kind) => void activity.push(`${showId}:${viewerId}:${kind}`),
    logger: silentLogger(),
    now: () => 50_000,
  });
  const room = (showId: string) => {
    const r = new Room(showId, 'Mia', 1_000_000, () => undefined);
    rooms.set(showId, r);
    return r;
  };
  const join = (r: Room, viewerId: string | null, sessionId: number | null) => {
    const m: Member = {
      link: { send: () => undefined, bufferedAmount: 0, close: () => undefined },
      viewerId,
      dropped: false,
      room: r,
      viewer: viewerId ? { id: viewerId, displayName: viewerId, createdAt: 0 } : null,
      role: viewerId ? 'viewer' : 'anonymous',
      level: null,
      frames: new TokenBucket(1, 1, 0),
      sessionId,
    };
    r.join(m);
    return m;
  };
  return { presence, events, touched, activity, room, join, setFull: (v: boolean) => (full = v) };
}

t.test('the minute: presence on the timeline of live or watched shows, watch time moved on, empty rooms handed back', async (t) => {
  const { presence, events, touched, activity, room, join } = setup();
  const live = room('show1');
  join(live, 'ann', 1);
  join(live, null, null);
  live.chatThisMinute = 4;
  live.react('heart');
  const quiet = room('quiet');
  t.same(presence.presence('show1'), { viewers: 2, peak: 2 });
  t.same(presence.presence('quiet'), { viewers: 0, peak: 0 });
  t.throws(() => presence.presence('nope'), { code: 'SHOW_NOT_FOUND' });

  t.same(presence.recordMinute([live, quiet], false), ['quiet'], 'the empty room is handed back to be closed');
  t.same(events.appended.map((e) => [e.showId, e.type, e.payload]), [['show1', 'presence', { viewers: 2, peak: 2, chat: 4, reactions: 1 }]], 'a scheduled show nobody watches records nothing');
  t.same(touched, [[1]]);
  t.same(activity, ['show1:ann:watch'], 'a minute watched counts as activity');
  t.equal(live.chatThisMinute, 0, 'the minute counts start again');
  t.equal(live.reactionsThisMinute, 0);

  t.same(presence.recordMinute([live, quiet], true), [], 'at shutdown no room is handed back');
  t.same(activity, ['show1:ann:watch'], 'and no activity is counted');
});

t.test('storage fails: a viewer still joins and leaves, the minute is skipped, nothing throws', async (t) => {
  const { presence, touched, room, join, setFull } = setup();
  setFull(true);
  t.equal(presence.openSession('show1', 'ann', 1), null, 'no watch session: their time is not counted');
  const r = room('show1');
  join(r, 'ann', 5);
  t.doesNotThrow(() => presence.touchSessions([5], 2));
  t.doesNotThrow(() => presence.recordMinute([r], false));
  setFull(false);
  t.equal(presence.openSession('show1', 'ann', 3), 41);
  presence.recordMinute([r], false);
  t.same(touched, [[5]]);
});
