// The recording's playlist as VOD, on playlist text shaped as FFmpeg 5.1 writes it (EVENT type,
// a PROGRAM-DATE-TIME per segment, "+0000" offsets, a reconnect after a discontinuity).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { rewriteAsVod, vodPlaylist, type PlaylistChapter } from '../../src/pipeline/vod-playlist.js';
import { parseMediaPlaylist } from '../helpers/media.js';

const GO_LIVE = Date.UTC(2026, 10, 30, 18, 0, 0);
const S = 1000;

/** FFmpeg's PDT form: milliseconds and a +0000 offset */
const ffmpegPdt = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

/** segments [from, to) in seconds from Go live, 1 s each; a discontinuity before the first when asked */
function segments(from: number, to: number, options: { firstIndex: number; discontinuity?: boolean }): string {
  let text = '';
  for (let s = from, i = options.firstIndex; s < to; s++, i++) {
    if (s === from && options.discontinuity) text += '#EXT-X-DISCONTINUITY\n';
    text += `#EXTINF:1.000000,\n#EXT-X-PROGRAM-DATE-TIME:${ffmpegPdt(GO_LIVE + s * S)}\nseg_${String(i).padStart(6, '0')}.ts\n`;
  }
  return text;
}

const HEADER = '#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-INDEPENDENT-SEGMENTS\n';
/** 3 s of rehearsal, then live 0..10 s, the host drops, reconnects: 14..20 s after a discontinuity */
const LIVE_PLAYLIST = HEADER + segments(-3, 0, { firstIndex: 0 }) + segments(0, 10, { firstIndex: 3 }) + segments(14, 20, { firstIndex: 13, discontinuity: true }) + '#EXT-X-ENDLIST\n';

const chapter = (productId: string, title: string, from: number, to: number): PlaylistChapter => ({ productId, title, startAt: GO_LIVE + from, endAt: GO_LIVE + to });
const CHAPTERS = [chapter('prod-a', 'Scarf', 1570, 9570), chapter('prod-b', 'Towel', 14_200, 18_000)];

const dateRanges = (text: string) => text.split('\n').filter((l) => l.startsWith('#EXT-X-DATERANGE:'));

t.test('the live playlist becomes VOD: type, one ENDLIST, same segments after Go live', async (t) => {
  const { text, dropped } = vodPlaylist(LIVE_PLAYLIST, { startedAt: GO_LIVE, chapters: CHAPTERS });
  t.match(text, /^#EXTM3U\n/);
  t.equal(text.match(/#EXT-X-PLAYLIST-TYPE:/g)?.length, 1);
  t.match(text, /#EXT-X-PLAYLIST-TYPE:VOD\n/);
  t.equal(text.match(/#EXT-X-ENDLIST/g)?.length, 1);
  t.ok(text.endsWith('#EXT-X-ENDLIST\n'));
  const parsed = parseMediaPlaylist(text);
  t.same(dropped, ['seg_000000.ts', 'seg_000001.ts', 'seg_000002.ts'], "the rehearsal's segments");
  t.equal(parsed.entries.length, 16);
  t.equal(parsed.entries[0]?.uri, 'seg_000003.ts');
  t.equal(parsed.entries[0]?.discontinuityBefore, false);
  t.same(
    parsed.entries.filter((e) => e.discontinuityBefore).map((e) => e.uri),
    ['seg_000013.ts'],
    "the reconnect's discontinuity stays",
  );
  t.ok(parsed.entries.every((e) => e.programDateTime !== null), 'every segment keeps its PROGRAM-DATE-TIME');
});

t.test('one DATERANGE per chapter, with its product and duration', async (t) => {
  const { text } = vodPlaylist(LIVE_PLAYLIST, { startedAt: GO_LIVE, chapters: CHAPTERS });
  t.same(dateRanges(text), [
    `#EXT-X-DATERANGE:ID="chapter-1",CLASS="com.hawker.chapter",START-DATE="${new Date(GO_LIVE + 1570).toISOString()}",DURATION=8.000,X-PRODUCT-ID="prod-a",X-TITLE="Scarf"`,
    `#EXT-X-DATERANGE:ID="chapter-2",CLASS="com.hawker.chapter",START-DATE="${new Date(GO_LIVE + 14_200).toISOString()}",DURATION=3.800,X-PRODUCT-ID="prod-b",X-TITLE="Towel"`,
  ]);
  t.ok(text.indexOf('#EXT-X-DATERANGE') > text.indexOf('#EXT-X-PLAYLIST-TYPE:VOD') && text.indexOf('#EXT-X-DATERANGE') < text.indexOf('#EXTINF'), 'after the header, before the segments');
});

t.test('a chapter is clipped to the recording, and one wholly outside it is left out', async (t) => {
  const chapters = [chapter('prod-a', 'From Go live', 0, 3000), chapter('prod-b', 'Past the end', 18_000, 40_000), chapter('prod-c', 'After the end', 30_000, 35_000)];
  const ranges = dateRanges(vodPlaylist(LIVE_PLAYLIST, { startedAt: GO_LIVE, chapters }).text);
  t.equal(ranges.length, 2);
  t.match(ranges[0], `START-DATE="${new Date(GO_LIVE).toISOString()}",DURATION=3.000`);
  t.match(ranges[1], /ID="chapter-2".*DURATION=2\.000/, 'ends with the last segment; the numbering follows the chapters');
});

t.test("a title cannot break out of its quoted string", async (t) => {
  const { text } = vodPlaylist(LIVE_PLAYLIST, { startedAt: GO_LIVE, chapters: [chapter('prod-a', 'The "Best"\nscarf\r\n#EXT-X-ENDLIST\u0007', 2000, 5000)] });
  const [range] = dateRanges(text);
  t.match(range, /X-TITLE="The Best scarf #EXT-X-ENDLIST"$/);
  t.equal(text.match(/#EXT-X-ENDLIST/g)?.length, 2, 'only inside the title (on the date range line) and at the end');
  t.equal(text.split('\n').filter((l) => l === '#EXT-X-ENDLIST').length, 1);
  t.equal(parseMediaPlaylist(text).entries.length, 16, 'no line was added');
});

t.test('rerunning it on its own output changes nothing', async (t) => {
  const first = vodPlaylist(LIVE_PLAYLIST, { startedAt: GO_LIVE, chapters: CHAPTERS });
  const again = vodPlaylist(first.text, { startedAt: GO_LIVE, chapters: CHAPTERS });
  t.equal(again.text, first.text);
  t.same(again.dropped, []);
  const retitled = vodPlaylist(first.text, { startedAt: GO_LIVE, chapters: [chapter('prod-a', 'Renamed', 1570, 9570)] });
  t.same(dateRanges(retitled.text).length, 1, "an earlier run's date ranges are replaced, not added to");
  t.match(dateRanges(retitled.text)[0], /X-TITLE="Renamed"/);
});

t.test('a playlist with no rehearsal and no ENDLIST yet', async (t) => {
  const text = HEADER + segments(0, 4, { firstIndex: 0 });
  const vod = vodPlaylist(text, { startedAt: GO_LIVE, chapters: [] });
  t.same(vod.dropped, []);
  t.equal(parseMediaPlaylist(vod.text).entries.length, 4);
  t.ok(parseMediaPlaylist(vod.text).ended);
  t.same(dateRanges(vod.text), []);
});

t.test('a segment whose time is carried on from the one before is timed by it', async (t) => {
  // only the first segment is tagged: the second ends at Go live, the third after it
  const text = `${HEADER}#EXTINF:1.000000,\n#EXT-X-PROGRAM-DATE-TIME:${ffmpegPdt(GO_LIVE - 2 * S)}\na.ts\n#EXTINF:1.000000,\nb.ts\n#EXTINF:1.000000,\nc.ts\n`;
  const vod = vodPlaylist(text, { startedAt: GO_LIVE, chapters: [] });
  t.same(vod.dropped, ['a.ts', 'b.ts']);
  const [first] = parseMediaPlaylist(vod.text).entries;
  t.equal(first?.uri, 'c.ts');
  t.equal(Date.parse(first?.programDateTime ?? ''), GO_LIVE, 'the first kept segment states its time');
});

t.test('a tag that holds for the segments after it outlives the rehearsal segment it came with', async (t) => {
  const text = `${HEADER}#EXT-X-MAP:URI="init-0.mp4"\n#EXTINF:1.000000,\n#EXT-X-PROGRAM-DATE-TIME:${ffmpegPdt(GO_LIVE - S)}\nr.m4s\n#EXTINF:1.000000,\n#EXT-X-PROGRAM-DATE-TIME:${ffmpegPdt(GO_LIVE)}\nl.m4s\n`;
  const vod = vodPlaylist(text, { startedAt: GO_LIVE, chapters: [] });
  t.same(vod.dropped, ['r.m4s']);
  t.match(vod.text, /#EXT-X-MAP:URI="init-0.mp4"\n#EXTINF:1.000000,\n#EXT-X-PROGRAM-DATE-TIME:[^\n]+\nl.m4s\n/);
  t.equal(vodPlaylist(vod.text, { startedAt: GO_LIVE, chapters: [] }).text, vod.text, 'and a rerun keeps it once');
});

t.test("every variant is rewritten in place and the rehearsal's files deleted", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-vod-'));
  t.same(rewriteAsVod(join(dir, 'missing'), { startedAt: GO_LIVE, chapters: CHAPTERS }), { playlists: 0, deletedSegments: 0 });
  for (const v of ['720p', '360p']) {
    mkdirSync(join(dir, v));
    writeFileSync(join(dir, v, 'index.m3u8'), LIVE_PLAYLIST);
    for (let i = 0; i < 19; i++) writeFileSync(join(dir, v, `seg_${String(i).padStart(6, '0')}.ts`), 'x');
  }
  mkdirSync(join(dir, 'clips'));
  writeFileSync(join(dir, 'master.m3u8'), '#EXTM3U\n');
  t.same(rewriteAsVod(dir, { startedAt: GO_LIVE, chapters: CHAPTERS }), { playlists: 2, deletedSegments: 6 });
  t.notOk(existsSync(join(dir, '720p', 'seg_000002.ts')));
  t.ok(existsSync(join(dir, '720p', 'seg_000003.ts')));
  t.match(readFileSync(join(dir, '360p', 'index.m3u8'), 'utf8'), /#EXT-X-PLAYLIST-TYPE:VOD/);
  t.notOk(existsSync(join(dir, '720p', 'index.m3u8.vod')), 'no temp file left');
  t.equal(readFileSync(join(dir, 'master.m3u8'), 'utf8'), '#EXTM3U\n', 'the master playlist is left alone');
  t.same(rewriteAsVod(dir, { startedAt: GO_LIVE, chapters: CHAPTERS }), { playlists: 0, deletedSegments: 0 }, 'a rerun writes nothing');
});

t.test('a segment URI that is not a plain file name is never deleted', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-vod-'));
  mkdirSync(join(dir, '720p'));
  writeFileSync(join(dir, 'keep.ts'), 'x');
  writeFileSync(join(dir, '720p', 'index.m3u8'), `${HEADER}#EXTINF:1.000000,\n#EXT-X-PROGRAM-DATE-TIME:${ffmpegPdt(GO_LIVE - 2 * S)}\n../keep.ts\n` + segments(0, 2, { firstIndex: 1 }));
  t.same(rewriteAsVod(dir, { startedAt: GO_LIVE, chapters: [] }), { playlists: 1, deletedSegments: 0 });
  t.ok(existsSync(join(dir, 'keep.ts')));
});
