// The live poster loop on a clock the test drives: a still every everyMs from show.live, sooner
// while the stream has no segment yet, never two grabs of one show at once, stopped at
// show.ended (a grab in flight still finishes), a failing grab logged and the loop going on.
import { Writable } from 'node:stream';
import t from 'tap';
import { EventBus } from '../../src/domain/events.js';
import { createLogger } from '../../src/log/logger.js';
import { LivePosters, type PosterGrab } from '../../src/reach/live-posters.js';
import { manualClock } from '../helpers/manual-clock.js';

const logger = createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const flush = () => new Promise((resolve) => setImmediate(resolve));

t.test('from show.live to show.ended, one grab at a time, every everyMs', async (t) => {
  const clock = manualClock(1_000_000);
  const calls: Array<{ showId: string; at: number; since: number }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const answers: Array<(r: PosterGrab) => void> = [];
  const posters = new LivePosters({
    everyMs: 5000,
    firstTryMs: 1000,
    logger,
    setTimer: clock.setTimer,
    now: clock.now,
    grab: (showId, since) => {
      calls.push({ showId, at: clock.now(), since });
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise<PosterGrab>((resolve) => answers.push((r) => { inFlight -= 1; resolve(r); }));
    },
  });
  const bus = new EventBus(() => undefined);
  posters.subscribe(bus);
  bus.emit({ type: 'show.live', showId: 's1', at: 999_000 });
  clock.advance(0);
  t.equal(calls.length, 1, 'the first try at once');
  t.equal(calls[0]!.since, 999_000, 'from segments after the show went live (never a rehearsal frame)');
  answers.shift()!({ status: 'no-segment' });
  await flush();
  clock.advance(999);
  t.equal(calls.length, 1);
  clock.advance(1);
  t.equal(calls.length, 2, 'no segment yet: again after firstTryMs');
  // a slow grab: nothing new starts while it runs, however long it takes
  clock.advance(20_000);
  t.equal(calls.length, 2, 'never two at once');
  answers.shift()!({ status: 'written', segment: '/x/seg_1.ts' });
  await flush();
  clock.advance(0);
  t.equal(calls.length, 3, 'an overrun grab is followed at once, not twice');
  answers.shift()!({ status: 'written', segment: '/x/seg_2.ts' });
  await flush();
  clock.advance(4999);
  t.equal(calls.length, 3);
  clock.advance(1);
  t.equal(calls.length, 4, 'then every everyMs from the start of the one before');
  t.equal(calls[3]!.at - calls[2]!.at, 5000);
  // ended while a grab is in flight: it finishes, nothing follows
  bus.emit({ type: 'show.ended', showId: 's1', at: clock.now() });
  t.same(posters.live(), []);
  answers.shift()!({ status: 'written', segment: '/x/seg_3.ts' });
  await flush();
  clock.advance(60_000);
  t.equal(calls.length, 4, 'stopped at show.ended');
  t.equal(maxInFlight, 1);
  t.equal(clock.pending(), 0, 'no timer left behind');
});

t.test('a failing grab is counted and logged; the loop goes on', async (t) => {
  const clock = manualClock(0);
  let n = 0;
  const posters = new LivePosters({
    everyMs: 2000,
    logger,
    setTimer: clock.setTimer,
    now: clock.now,
    grab: async () => {
      n += 1;
      if (n === 1) throw new Error('ffmpeg exited 1');
      return { status: 'written', segment: '/x/seg.ts' };
    },
  });
  posters.start('s2', 0);
  clock.advance(0);
  await flush();
  t.equal(posters.failed, 1);
  clock.advance(1000);
  await flush();
  t.equal(n, 2, 'tried again (no still yet: after min(1 s, everyMs))');
  clock.advance(2000);
  await flush();
  t.equal(n, 3);
  await posters.close();
  clock.advance(10_000);
  t.equal(n, 3, 'closed');
});

t.test('a host back in a show this process never saw go live (a restart) starts its stills; an existing loop is kept', async (t) => {
  const clock = manualClock(0);
  const calls: Array<{ showId: string; since: number }> = [];
  const posters = new LivePosters({ everyMs: 5000, logger, setTimer: clock.setTimer, now: clock.now, grab: async (showId, since) => (calls.push({ showId, since }), { status: 'written', segment: '/x' }) });
  const bus = new EventBus(() => undefined);
  posters.subscribe(bus);
  bus.emit({ type: 'show.host', showId: 's3', present: false, at: 10 });
  clock.advance(0);
  t.same(calls, [], 'a host who left starts nothing');
  bus.emit({ type: 'show.host', showId: 's3', present: true, at: 20 });
  clock.advance(0);
  await flush();
  t.same(calls, [{ showId: 's3', since: 20 }]);
  bus.emit({ type: 'show.host', showId: 's3', present: true, at: 30 });
  clock.advance(0);
  await flush();
  t.equal(calls.length, 1, 'one loop per show');
  await posters.close();
});
