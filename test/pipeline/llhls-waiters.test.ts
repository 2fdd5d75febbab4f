// Held blocking reloads: woken once when their part appears, timed out otherwise, cancellable,
// and one failing reply does not stop the others.
import t from 'tap';
import type { LlMediaState } from '../../src/pipeline/llhls-playlist.js';
import { BlockingWaiters } from '../../src/pipeline/llhls-waiters.js';

const part = (i: number) => ({ uri: 'seg_000002.m4s', byteRange: { offset: 100 + i * 10, length: 10 }, durationS: 0.2, independent: i === 0 });
/** segments 0 and 1 complete, segment 2 with `parts` parts */
const state = (parts: number): LlMediaState => ({
  targetDurationS: 1,
  partTargetS: 0.2,
  init: { uri: 'seg_000000.m4s', byteRange: { offset: 0, length: 100 } },
  segments: [0, 1].map((msn) => ({ msn, uri: `seg_00000${msn}.m4s`, byteRange: { offset: 100, length: 50 }, durationS: 1, programDateTimeMs: msn * 1000, parts: [], discontinuity: false })),
  pending: { msn: 2, programDateTimeMs: 2000, discontinuity: false, parts: Array.from({ length: parts }, (_, i) => part(i)), nextPart: null },
  renditionReports: [],
  ended: false,
});

t.test('a held request is answered once, when its part exists', async (t) => {
  const waiters = new BlockingWaiters(10_000);
  const answered: string[] = [];
  waiters.park(2, 1, () => answered.push('2.1'), () => answered.push('timeout'));
  waiters.park(2, 0, () => answered.push('2.0'), () => answered.push('timeout'));
  waiters.park(3, null, () => answered.push('3'), () => answered.push('timeout'));
  t.equal(waiters.wake(state(0)), 0);
  t.equal(waiters.wake(state(1)), 1);
  t.same(answered, ['2.0']);
  t.equal(waiters.wake(state(2)), 1);
  t.equal(waiters.wake(state(2)), 0, 'nobody is answered twice');
  t.same(answered, ['2.0', '2.1']);
  t.equal(waiters.size, 1);
  waiters.releaseAll();
  t.same(answered, ['2.0', '2.1', '3'], 'releasing answers the rest');
  t.equal(waiters.size, 0);
});

t.test('timeouts, cancels, and a throwing reply', async (t) => {
  const waiters = new BlockingWaiters(30);
  const events: string[] = [];
  waiters.park(3, 0, () => events.push('ready'), () => events.push('timed out'));
  const cancel = waiters.park(3, 1, () => events.push('cancelled one answered'), () => events.push('cancelled one timed out'));
  cancel();
  waiters.park(2, 0, () => {
    throw new Error('socket gone');
  }, () => undefined);
  waiters.park(2, 0, () => events.push('second reply'), () => undefined);
  t.equal(waiters.wake(state(1)), 2, 'both woken although the first reply threw');
  await new Promise((resolve) => setTimeout(resolve, 80));
  t.same(events, ['second reply', 'timed out']);
  t.equal(waiters.size, 0);
});
