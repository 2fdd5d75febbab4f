// Chapters without SQLite or FFmpeg: given a show and its timeline, when its chapters are read,
// then every pin span in the PDT domain, rehearsal excluded, misclicks dropped.
import t from 'tap';
import { chaptersOf, type ChapterShow } from '../../src/domain/chapters.js';
import type { ShowEvent } from '../../src/domain/show.js';

const GO_LIVE = Date.UTC(2026, 10, 30, 18, 0, 0);
const S = 1000;
/** the frame's PDT lands this late after the API call, as FFmpeg stamps it */
const PDT_LAG = 570;

let nextId = 1;
function event(type: ShowEvent['type'], at: number, payload: Record<string, unknown> = {}): ShowEvent {
  return { id: nextId++, showId: 'show-1', type, at, streamMs: at - GO_LIVE, payload };
}
const iso = (ms: number) => new Date(ms).toISOString();
const pin = (productId: string, at: number, pdt: number | null = at + PDT_LAG) =>
  event('overlay.changed', at, { change: 'pin', productId, programDateTime: pdt == null ? null : iso(pdt) });
const unpin = (at: number, pdt: number | null = at + PDT_LAG) => event('overlay.changed', at, { change: 'unpin', programDateTime: pdt == null ? null : iso(pdt) });
const ended = (at: number) => event('show.ended', at);

const live: ChapterShow = { startedAt: GO_LIVE, endedAt: null };
const endedAt = (at: number): ChapterShow => ({ startedAt: GO_LIVE, endedAt: at });

t.test('pin spans become chapters timed by the PDT of the frame each change landed on', async (t) => {
  const events = [pin('a', GO_LIVE + 2 * S), unpin(GO_LIVE + 10 * S), pin('b', GO_LIVE + 12 * S), pin('a', GO_LIVE + 18 * S), unpin(GO_LIVE + 23 * S)];
  t.same(chaptersOf(events, live), [
    { productId: 'a', startMs: 2 * S + PDT_LAG, endMs: 10 * S + PDT_LAG, startAt: GO_LIVE + 2 * S + PDT_LAG, endAt: GO_LIVE + 10 * S + PDT_LAG },
    { productId: 'b', startMs: 12 * S + PDT_LAG, endMs: 18 * S + PDT_LAG, startAt: GO_LIVE + 12 * S + PDT_LAG, endAt: GO_LIVE + 18 * S + PDT_LAG },
    { productId: 'a', startMs: 18 * S + PDT_LAG, endMs: 23 * S + PDT_LAG, startAt: GO_LIVE + 18 * S + PDT_LAG, endAt: GO_LIVE + 23 * S + PDT_LAG },
  ]);
});

t.test('a change made while nothing was transcoding falls back to when it was made', async (t) => {
  const [chapter] = chaptersOf([pin('a', GO_LIVE + 2 * S, null), unpin(GO_LIVE + 5 * S)], live);
  t.equal(chapter?.startAt, GO_LIVE + 2 * S);
  t.equal(chapter?.endAt, GO_LIVE + 5 * S + PDT_LAG);
});

t.test('rehearsal is not in the recording', async (t) => {
  t.test('a pin still on at Go live starts its chapter at 0', async (t) => {
    const chapters = chaptersOf([pin('a', GO_LIVE - 30 * S), unpin(GO_LIVE + 4 * S)], live);
    t.same(chapters.map((c) => [c.startMs, c.startAt]), [[0, GO_LIVE]]);
  });
  t.test('a span over before Go live is dropped', async (t) => {
    t.same(chaptersOf([pin('a', GO_LIVE - 30 * S), unpin(GO_LIVE - 20 * S), pin('b', GO_LIVE + S), unpin(GO_LIVE + 3 * S)], live).map((c) => c.productId), ['b']);
  });
  t.test('a show that never went live has no chapters', async (t) => {
    t.same(chaptersOf([pin('a', GO_LIVE - 30 * S), unpin(GO_LIVE - 20 * S)], { startedAt: null, endedAt: null }), []);
  });
});

t.test('a product still pinned', async (t) => {
  t.test('while live: its chapter is open', async (t) => {
    t.same(chaptersOf([pin('a', GO_LIVE + 2 * S)], live), [{ productId: 'a', startMs: 2 * S + PDT_LAG, endMs: null, startAt: GO_LIVE + 2 * S + PDT_LAG, endAt: null }]);
  });
  t.test('an open chapter is kept even when it is younger than a second', async (t) => {
    t.equal(chaptersOf([pin('a', GO_LIVE + 2 * S)], live).length, 1);
  });
  t.test('when the show ends: the end closes it', async (t) => {
    const chapters = chaptersOf([pin('a', GO_LIVE + 2 * S), ended(GO_LIVE + 9 * S)], endedAt(GO_LIVE + 9 * S));
    t.same(chapters.map((c) => [c.endMs, c.endAt]), [[9 * S, GO_LIVE + 9 * S]]);
  });
  t.test('an ended show without its show.ended event closes at endedAt', async (t) => {
    t.same(chaptersOf([pin('a', GO_LIVE + 2 * S)], endedAt(GO_LIVE + 7 * S)).map((c) => c.endMs), [7 * S]);
  });
  t.test('changes after the end are not part of the show', async (t) => {
    const chapters = chaptersOf([pin('a', GO_LIVE + 2 * S), ended(GO_LIVE + 9 * S), pin('b', GO_LIVE + 10 * S)], endedAt(GO_LIVE + 9 * S));
    t.same(chapters.map((c) => c.productId), ['a']);
  });
});

t.test('a span shorter than a second is a misclick', async (t) => {
  const events = [pin('a', GO_LIVE + 2 * S), pin('b', GO_LIVE + 2 * S + 400), unpin(GO_LIVE + 4 * S), pin('c', GO_LIVE + 5 * S), unpin(GO_LIVE + 5 * S + 999)];
  t.same(chaptersOf(events, live).map((c) => c.productId), ['b'], 'a was on for 400 ms, c for 999 ms');
});

t.test('pinning the product already pinned continues its chapter', async (t) => {
  const chapters = chaptersOf([pin('a', GO_LIVE + 2 * S), pin('a', GO_LIVE + 5 * S), unpin(GO_LIVE + 8 * S)], live);
  t.same(chapters.map((c) => [c.startMs, c.endMs]), [[2 * S + PDT_LAG, 8 * S + PDT_LAG]]);
});

t.test('other timeline events and other overlay changes do not touch chapters', async (t) => {
  const events = [
    pin('a', GO_LIVE + 2 * S),
    event('overlay.changed', GO_LIVE + 3 * S, { change: 'announcement', text: 'hi', programDateTime: null }),
    event('order.created', GO_LIVE + 4 * S, { orderId: 'o1' }),
    event('publisher.disconnected', GO_LIVE + 5 * S),
    unpin(GO_LIVE + 6 * S),
  ];
  t.same(chaptersOf(events, live).map((c) => [c.productId, c.endMs]), [['a', 6 * S + PDT_LAG]]);
});

t.test('the timeline is read in its own order, whatever order it is passed in', async (t) => {
  const events = [pin('a', GO_LIVE + 2 * S), unpin(GO_LIVE + 6 * S), pin('b', GO_LIVE + 7 * S), unpin(GO_LIVE + 9 * S)];
  t.same(chaptersOf([...events].reverse(), live), chaptersOf(events, live));
});
