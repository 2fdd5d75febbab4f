import t from 'tap';

// The replay's clock (browser module without the DOM), run in Node: the video's position to a
// moment of the show through the segments' PROGRAM-DATE-TIME and back, and the chapter in force.
interface Segment {
  start: number;
  duration: number;
  programDateTime: number | null;
}
interface Span {
  productId: string;
  startAt: string;
  endAt: string | null;
}
interface ReplayTime {
  dateAtTime(segments: Segment[], time: number): number | null;
  timeAtDate(segments: Segment[], at: number): number | null;
  chapterAt<C extends Span>(chapters: C[], at: number | null): C | null;
  streamClock(ms: number): string;
  ownPath(url: string | null | undefined): string | null;
}
const { dateAtTime, timeAtDate, chapterAt, streamClock, ownPath } = (await import(new URL('../../src/web/assets/viewer/replay-time.js', import.meta.url).href)) as ReplayTime;

const T0 = Date.parse('2026-11-30T10:00:00.000Z');
// 1 s segments, then a reconnect: 20 s of no video before the segment at 5 s of the playlist
const segments: Segment[] = [0, 1, 2, 3, 4].map((i) => ({ start: i, duration: 1, programDateTime: T0 + i * 1000 }));
segments.push({ start: 5, duration: 1, programDateTime: T0 + 25_000 }, { start: 6, duration: 1, programDateTime: T0 + 26_000 });

t.test('a position of the recording is a moment of the show, and back', async (t) => {
  t.equal(dateAtTime(segments, 0), T0);
  t.equal(dateAtTime(segments, 2.5), T0 + 2500, 'inside a segment, its PDT plus the offset');
  t.equal(dateAtTime(segments, 5.25), T0 + 25_250, 'after a reconnect the segment’s own PDT, not the position');
  t.equal(timeAtDate(segments, T0 + 3400), 3.4);
  t.equal(timeAtDate(segments, T0 + 25_500), 5.5);
  t.equal(timeAtDate(segments, T0 + 10_000), 5, 'a moment in the gap plays from the next segment');
  t.equal(timeAtDate(segments, T0 - 5000), 0, 'before the recording: its start');
  t.equal(timeAtDate(segments, T0 + 60_000), null, 'after it: nowhere');
  for (const time of [0.5, 1.75, 4.1, 6.9]) t.equal(timeAtDate(segments, dateAtTime(segments, time)!), time, `round trip at ${time}`);
  t.equal(dateAtTime([], 3), null, 'no dated segments: no clock');
  t.equal(dateAtTime([{ start: 0, duration: 1, programDateTime: null }], 0.5), null);
});

t.test('the chapter in force at a moment', async (t) => {
  const iso = (ms: number) => new Date(T0 + ms).toISOString();
  const chapters = [
    { productId: 'a', startAt: iso(1000), endAt: iso(9000) },
    { productId: 'b', startAt: iso(9000), endAt: iso(15_000) },
    { productId: 'a', startAt: iso(20_000), endAt: null },
  ];
  t.equal(chapterAt(chapters, T0 + 500), null, 'before the first pin: nothing on screen');
  t.equal(chapterAt(chapters, T0 + 1000)?.productId, 'a', 'from its start');
  t.equal(chapterAt(chapters, T0 + 8999)?.productId, 'a');
  t.equal(chapterAt(chapters, T0 + 9000), chapters[1], 'the next one from its start: B');
  t.equal(chapterAt(chapters, T0 + 17_000), null, 'between pins: nothing');
  t.equal(chapterAt(chapters, T0 + 3_600_000), chapters[2], 'an open chapter runs on');
  t.equal(chapterAt(chapters, null), null, 'no clock: nothing');
});

t.test('words and paths', async (t) => {
  t.equal(streamClock(0), '0:00');
  t.equal(streamClock(65_400), '1:05');
  t.equal(streamClock(3_723_000), '1:02:03');
  t.equal(ownPath('http://localhost:8080/hls/s1/clips/c1.m3u8'), '/hls/s1/clips/c1.m3u8', 'publicUrl’s host gives way to the page’s own');
  t.equal(ownPath('/media/products/p/thumb.webp?v=2'), '/media/products/p/thumb.webp?v=2');
  t.equal(ownPath(null), null);
});
