// The poster grab's exact FFmpeg command line (the Owncast habit), and which segment it reads:
// the lowest rendition's newest listed one.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { lowestRendition, newestLowestSegment, posterArgs } from '../../src/pipeline/poster-grab.js';

t.test('one keyframe decoded, scaled down to the width (never up), one thread, JPEG', async (t) => {
  t.same(posterArgs('/data/media/hls/s1/360p/seg_000041.ts', '/data/media/hls/s1/poster.jpg.partial', 480), [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-threads', '1',
    '-i', '/data/media/hls/s1/360p/seg_000041.ts',
    '-map', '0:v:0', '-an', '-frames:v', '1',
    '-vf', "scale='min(480,iw)':-2",
    '-q:v', '4',
    '-f', 'image2', '-c:v', 'mjpeg', '/data/media/hls/s1/poster.jpg.partial',
  ]);
  t.ok(posterArgs('/a.ts', '/b.jpg', 320).includes("scale='min(320,iw)':-2"), 'the width is the one given');
});

t.test('the segment: the newest one listed by the lowest-bandwidth rendition of the master', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-poster-'));
  t.equal(await newestLowestSegment(dir), null, 'no master yet');
  t.equal(lowestRendition(dir), null);
  writeFileSync(
    join(dir, 'master.m3u8'),
    '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=3264000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"\n720p/index.m3u8\n\n#EXT-X-STREAM-INF:BANDWIDTH=985600,RESOLUTION=640x360\n360p/index.m3u8\n',
  );
  t.equal(lowestRendition(dir), '360p');
  t.equal(await newestLowestSegment(dir), null, 'no variant playlist yet');
  mkdirSync(join(dir, '360p'));
  writeFileSync(join(dir, '360p', 'index.m3u8'), '#EXTM3U\n#EXT-X-TARGETDURATION:1\n');
  t.equal(await newestLowestSegment(dir), null, 'no segment listed yet');
  writeFileSync(
    join(dir, '360p', 'index.m3u8'),
    '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-PROGRAM-DATE-TIME:2026-11-30T09:00:00.000Z\n#EXTINF:1.000000,\nseg_000007.ts\n#EXT-X-PROGRAM-DATE-TIME:2026-11-30T09:00:01.000Z\n#EXTINF:1.000000,\nseg_000008.ts\n',
  );
  t.same(await newestLowestSegment(dir), { rung: '360p', file: join(dir, '360p', 'seg_000008.ts') });
  t.same(await newestLowestSegment(dir, Date.parse('2026-11-30T09:00:01.000Z')), { rung: '360p', file: join(dir, '360p', 'seg_000008.ts') }, 'a segment starting at Go live');
  t.equal(await newestLowestSegment(dir, Date.parse('2026-11-30T09:00:01.500Z')), null, 'nothing from before Go live (a rehearsal still on disk)');
});
