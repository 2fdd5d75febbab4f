// Cutting a clip from a recording: which whole segments a pin span takes (pure), the exact FFmpeg
// command lines, and a real cut with a real FFmpeg from a real two-rung HLS recording: the MP4
// (copy, faststart, the span's segments), the poster (a JPEG of the first frame), the HLS master
// and VOD playlists over the recording's own segments; FFmpeg that fails or hangs is reported.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import {
  ClipCutter,
  clipMasterPlaylist,
  clipMp4Args,
  clipPosterArgs,
  clipVariantPlaylist,
  concatList,
  parseMasterPlaylist,
  parseVariantPlaylist,
  segmentsForSpan,
} from '../../src/pipeline/clip-cut.js';
import { ProcessPool } from '../../src/pipeline/process-pool.js';

const run = promisify(execFile);

const PLAYLIST = `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:1
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:EVENT
#EXT-X-INDEPENDENT-SEGMENTS
#EXTINF:1.000000,
seg_000000.ts
#EXT-X-PROGRAM-DATE-TIME:2026-11-30T10:00:00.000+0000
#EXTINF:1.000000,
seg_000001.ts
#EXT-X-PROGRAM-DATE-TIME:2026-11-30T10:00:01.000+0000
#EXTINF:1.000000,
seg_000002.ts
#EXTINF:1.000000,
seg_000003.ts
#EXT-X-DISCONTINUITY
#EXT-X-PROGRAM-DATE-TIME:2026-11-30T10:00:10.000+0000
#EXTINF:2.000000,
seg_000004.ts
#EXT-X-PROGRAM-DATE-TIME:2026-11-30T10:00:12.000+0000
#EXTINF:1.000000,
../escape.ts
`;
const T0 = Date.parse('2026-11-30T10:00:00.000Z');

t.test('a variant playlist on the PDT clock: a segment without a PDT follows the one before; none before the first PDT; a seam resets the clock', async (t) => {
  const p = parseVariantPlaylist(PLAYLIST);
  t.same(p.segments, [
    { uri: 'seg_000001.ts', durationMs: 1000, startAt: T0, discontinuity: false },
    { uri: 'seg_000002.ts', durationMs: 1000, startAt: T0 + 1000, discontinuity: false },
    { uri: 'seg_000003.ts', durationMs: 1000, startAt: T0 + 2000, discontinuity: false },
    { uri: 'seg_000004.ts', durationMs: 2000, startAt: T0 + 10_000, discontinuity: true },
  ], 'a name the HLS route would not serve is left out');
  t.equal(p.ended, false);
  t.equal(parseVariantPlaylist(`${PLAYLIST}#EXT-X-ENDLIST\n`).ended, true);
});

t.test('a span takes the first segment starting at or after its start, through the one holding its end; waits for that one', async (t) => {
  const p = parseVariantPlaylist(PLAYLIST);
  const uris = (s: { segments: Array<{ uri: string }> }) => s.segments.map((x) => x.uri);
  t.same(uris(segmentsForSpan(p, T0 + 300, T0 + 2500)), ['seg_000002.ts', 'seg_000003.ts'], 'the card is on from seg 2 on');
  t.same(uris(segmentsForSpan(p, T0 + 1000, T0 + 2000)), ['seg_000002.ts'], 'a pin on a segment start takes that segment; an end on a boundary stops before');
  t.same(uris(segmentsForSpan(p, T0 + 1001, T0 + 2000)), ['seg_000002.ts'], 'a millisecond late still counts as that frame');
  t.same(uris(segmentsForSpan(p, T0 + 1002, T0 + 2000)), []);
  t.equal(segmentsForSpan(p, T0 + 300, T0 + 2500).complete, true);
  t.equal(segmentsForSpan(p, T0 + 10_000, T0 + 12_000).complete, true, 'the last segment ends at the span end');
  t.equal(segmentsForSpan(p, T0 + 10_000, T0 + 12_001).complete, false, 'the segment holding the end is not listed yet');
  t.equal(segmentsForSpan(parseVariantPlaylist(`${PLAYLIST}#EXT-X-ENDLIST\n`), T0 + 10_000, T0 + 60_000).complete, true, 'an ended recording has all it will have');
  t.same(uris(segmentsForSpan(p, T0 + 1500, T0 + 11_000)), ['seg_000003.ts'], 'a span across a reconnect ends at it');
  t.same(uris(segmentsForSpan(p, T0 + 9000, T0 + 11_000)), ['seg_000004.ts'], 'a span that starts with the reconnect');
});

t.test('the master lists its rungs; the clip playlists point back at the recording', async (t) => {
  const master = '#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-STREAM-INF:BANDWIDTH=2890800,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"\n720p/index.m3u8\n\n#EXT-X-STREAM-INF:BANDWIDTH=1020800,RESOLUTION=640x360\n360p/index.m3u8\n';
  const rungs = parseMasterPlaylist(master);
  t.same(rungs.map((r) => [r.name, r.bandwidth]), [['720p', 2890800], ['360p', 1020800]]);
  t.equal(
    clipMasterPlaylist('c1', rungs),
    '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=2890800,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"\nc1-720p.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=1020800,RESOLUTION=640x360\nc1-360p.m3u8\n',
  );
  const segments = parseVariantPlaylist(PLAYLIST).segments.slice(2);
  t.equal(
    clipVariantPlaylist('720p', segments),
    [
      '#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXT-X-PROGRAM-DATE-TIME:2026-11-30T10:00:02.000Z', '#EXTINF:1.000000,', '../720p/seg_000003.ts',
      '#EXT-X-DISCONTINUITY',
      '#EXT-X-PROGRAM-DATE-TIME:2026-11-30T10:00:10.000Z', '#EXTINF:2.000000,', '../720p/seg_000004.ts',
      '#EXT-X-ENDLIST', '',
    ].join('\n'),
    'a seam is kept as the recording has it',
  );
});

t.test('the FFmpeg command lines: copy + faststart for the MP4, one frame for the poster; the concat list quotes', async (t) => {
  t.same(clipMp4Args('/d/c1.concat', '/d/c1.mp4.partial'), [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'mpegts', '-i', 'concatf:/d/c1.concat',
    '-map', '0:v:0', '-map', '0:a:0?',
    '-c', 'copy', '-bsf:a', 'aac_adtstoasc',
    '-movflags', '+faststart',
    '-f', 'mp4', '/d/c1.mp4.partial',
  ]);
  t.same(clipPosterArgs('/d/720p/seg_000002.ts', '/d/c1.jpg.partial'), [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-i', '/d/720p/seg_000002.ts',
    '-map', '0:v:0', '-frames:v', '1', '-q:v', '3',
    '-f', 'image2', '-c:v', 'mjpeg', '/d/c1.jpg.partial',
  ]);
  t.equal(concatList(['/a/seg_1.ts', "/it's/seg_2.ts"]), "/a/seg_1.ts\n/it's/seg_2.ts\n");
  t.throws(() => concatList(['relative/seg.ts']), /not an absolute path/);
  t.throws(() => concatList(['/a\n/etc/passwd']), /not an absolute path/);
});

/** A real recording as the live transcoder writes it: two rungs, 1 s segments with PDT, keyframe per segment, no ENDLIST. */
async function recording(seconds: number): Promise<{ hlsRoot: string; showDir: string }> {
  const hlsRoot = mkdtempSync(join(tmpdir(), 'hawker-clipcut-'));
  const showDir = join(hlsRoot, 'show1');
  mkdirSync(showDir);
  await run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(seconds),
    '-filter_complex', '[0:v]split=2[a][b];[b]scale=160:90[b2]',
    '-map', '[a]', '-map', '1:a', '-map', '[b2]', '-map', '1:a',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-force_key_frames', 'expr:gte(t,n_forced*1)', '-c:a', 'aac', '-b:a', '64k',
    '-f', 'hls', '-hls_time', '1', '-hls_list_size', '0', '-hls_playlist_type', 'event', '-hls_flags', 'independent_segments+program_date_time+temp_file+omit_endlist',
    '-hls_segment_filename', `${showDir}/%v/seg_%06d.ts`, '-master_pl_name', 'master.m3u8',
    '-var_stream_map', 'v:0,a:0,name:720p v:1,a:1,name:360p', `${showDir}/%v/index.m3u8`,
  ], { timeout: 60_000 });
  return { hlsRoot, showDir };
}

t.test('a real cut: the span\'s whole segments as a faststart MP4, a JPEG poster, HLS over the recording; nothing half-written left', async (t) => {
  const { hlsRoot, showDir } = await recording(6);
  const pool = new ProcessPool();
  t.teardown(() => pool.closeAll());
  const cutter = new ClipCutter({ pool, ffmpegPath: 'ffmpeg', hlsRoot, timeoutMs: 20_000 });
  const segs = parseVariantPlaylist(readFileSync(join(showDir, '720p', 'index.m3u8'), 'utf8')).segments;
  t.ok(segs.length >= 5, 'the fixture has its segments');
  const start = segs[1]!.startAt - 400;
  const end = segs[3]!.startAt + 500;
  const result = await cutter.cut({ showId: 'show1', clipId: 'c1', startAt: start, endAt: end });
  t.same(result, { status: 'cut', durationMs: 3000, bytes: result.status === 'cut' ? result.bytes : -1, segments: 3 });
  const clips = join(showDir, 'clips');
  t.same(readdirSync(clips).sort(), ['c1-360p.m3u8', 'c1-720p.m3u8', 'c1.jpg', 'c1.m3u8', 'c1.mp4']);
  const mp4 = readFileSync(join(clips, 'c1.mp4'));
  t.equal(result.status === 'cut' && result.bytes, mp4.length);
  t.ok(mp4.indexOf('moov') > 0 && mp4.indexOf('moov') < mp4.indexOf('mdat'), 'faststart: the index before the media');
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name,width', '-of', 'json', join(clips, 'c1.mp4')], { timeout: 15_000 });
  const probed = JSON.parse(stdout) as { format: { duration: string }; streams: Array<{ codec_type: string; codec_name: string; width?: number }> };
  t.ok(Math.abs(Number(probed.format.duration) - 3) < 0.15, `three segments long (${probed.format.duration} s)`);
  const { stdout: video } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=duration,nb_frames', '-of', 'csv=p=0', join(clips, 'c1.mp4')], { timeout: 15_000 });
  const [videoSeconds, frames] = video.trim().split(',').map(Number);
  t.equal(frames, 75, 'every frame of the three segments (25 fps)');
  t.ok(Math.abs(videoSeconds! - 3) < 0.01, `no gap between the segments: the video lasts its frames (${videoSeconds} s)`);
  t.same(probed.streams.map((s) => [s.codec_type, s.codec_name]), [['video', 'h264'], ['audio', 'aac']], 'copied, not re-encoded');
  t.equal(probed.streams[0]!.width, 320, 'the top rung');
  const jpg = readFileSync(join(clips, 'c1.jpg'));
  t.same([...jpg.subarray(0, 3)], [0xff, 0xd8, 0xff], 'the poster is a JPEG');
  t.match(readFileSync(join(clips, 'c1-720p.m3u8'), 'utf8'), /#EXTINF:1\.000000,\n\.\.\/720p\/seg_000001\.ts\n[\s\S]*seg_000003\.ts\n#EXT-X-ENDLIST\n$/);
  t.match(readFileSync(join(clips, 'c1-360p.m3u8'), 'utf8'), /\.\.\/360p\/seg_000001\.ts/);
  const { stdout: hls } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', join(clips, 'c1.m3u8')], { timeout: 15_000 });
  t.ok(Math.abs(Number(hls.trim()) - 3) < 0.2, `the HLS master plays the same span (${hls.trim()} s)`);
});

t.test('waiting, empty, and an FFmpeg that fails or hangs: reported, no half-written clip', async (t) => {
  const { hlsRoot, showDir } = await recording(3);
  const pool = new ProcessPool();
  t.teardown(() => pool.closeAll());
  const segs = parseVariantPlaylist(readFileSync(join(showDir, '720p', 'index.m3u8'), 'utf8')).segments;
  const last = segs.at(-1)!;
  const cutter = new ClipCutter({ pool, ffmpegPath: 'ffmpeg', hlsRoot });
  t.same(await cutter.cut({ showId: 'show1', clipId: 'w', startAt: segs[0]!.startAt, endAt: last.startAt + last.durationMs + 500 }), { status: 'waiting' });
  t.same(await cutter.cut({ showId: 'show1', clipId: 'e', startAt: segs[0]!.startAt + 10, endAt: segs[0]!.startAt + 900 }), { status: 'empty', reason: 'no whole segment starts inside the span' });
  t.same(await cutter.cut({ showId: 'nope', clipId: 'e', startAt: 0, endAt: 1 }), { status: 'empty', reason: 'the show has no recording' });

  const failing = new ClipCutter({ pool, ffmpegPath: '/nonexistent/ffmpeg', hlsRoot });
  await t.rejects(failing.cut({ showId: 'show1', clipId: 'f', startAt: segs[0]!.startAt, endAt: segs[1]!.startAt }), /ENOENT/);
  const hung = join(mkdtempSync(join(tmpdir(), 'hawker-hung-')), 'ffmpeg');
  writeFileSync(hung, '#!/bin/sh\nexec sleep 30\n');
  chmodSync(hung, 0o755);
  const slow = new ClipCutter({ pool, ffmpegPath: hung, hlsRoot, timeoutMs: 300 });
  const began = Date.now();
  await t.rejects(slow.cut({ showId: 'show1', clipId: 'h', startAt: segs[0]!.startAt, endAt: segs[1]!.startAt }), /longer than 300 ms and was killed/);
  t.ok(Date.now() - began < 5000, 'killed by its PID, not waited for');
  t.equal(pool.size, 0, 'no child left');
  t.same(existsSync(join(showDir, 'clips')) ? readdirSync(join(showDir, 'clips')) : [], [], 'nothing half-written stays');
});
