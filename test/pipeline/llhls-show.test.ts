// The show-level LL-HLS packager without FFmpeg: the master playlist's codecs come from the plain
// master FFmpeg writes, and requests are refused or answered as the RFC says before any part.
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { LlShowPackager } from '../../src/pipeline/llhls-show.js';
import { parseRange } from '../../src/http/routes/hls.js';
import { captureLogs } from '../helpers/capture-logs.js';

const rungs = ['720p', '360p'];

function packager() {
  const showDir = mkdtempSync(join(tmpdir(), 'hawker-llshow-'));
  const ll = new LlShowPackager({ showDir, rungs, targetDurationS: 1, partTargetS: 0.2, logger: captureLogs().logger });
  return { showDir, ll };
}

t.test('the LL master is the plain master pointed at the LL rungs, once every rung has its codecs; a rewrite is read again', async (t) => {
  const { showDir, ll } = packager();
  t.teardown(() => ll.stop());
  t.equal(ll.masterPlaylist(), null, 'no plain master yet: nothing to name the codecs by');
  const master = (a: string, b: string) =>
    `#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-STREAM-INF:BANDWIDTH=3440800,RESOLUTION=1280x720,CODECS="${a}"\n720p/index.m3u8\n\n#EXT-X-STREAM-INF:BANDWIDTH=985600,RESOLUTION=640x360,CODECS="${b}"\n360p/index.m3u8\n`;
  writeFileSync(join(showDir, 'master.m3u8'), master('avc1.64001f,mp4a.40.2', 'avc1.64001e,mp4a.40.2'));
  t.equal(
    ll.masterPlaylist(),
    '#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-INDEPENDENT-SEGMENTS\n' +
      '#EXT-X-STREAM-INF:BANDWIDTH=3440800,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"\nll-720p/index.m3u8\n' +
      '#EXT-X-STREAM-INF:BANDWIDTH=985600,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"\nll-360p/index.m3u8\n',
  );
  writeFileSync(join(showDir, 'master.m3u8'), master('avc1.640028,mp4a.40.2', 'avc1.64001e,mp4a.40.2'));
  utimesSync(join(showDir, 'master.m3u8'), new Date(), new Date(Date.now() + 5000));
  t.match(ll.masterPlaylist(), /CODECS="avc1\.640028,mp4a\.40\.2"\nll-720p/, 'a reconnect with another shape: the new codecs');
  writeFileSync(join(showDir, 'master.m3u8'), '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/index.m3u8\n');
  utimesSync(join(showDir, 'master.m3u8'), new Date(), new Date(Date.now() + 10_000));
  t.equal(ll.masterPlaylist(), null, 'a rung without codecs: not yet');
});

t.test('before the first part: a plain request is 404, an unknown rung too, a request too far ahead 400', async (t) => {
  const { ll } = packager();
  t.teardown(() => ll.stop());
  ll.beginRun();
  await t.rejects(ll.mediaPlaylist('720p', { msn: null, part: null, skip: false }), { code: 'MEDIA_NOT_FOUND' });
  await t.rejects(ll.mediaPlaylist('1080p', { msn: null, part: null, skip: false }), { code: 'MEDIA_NOT_FOUND' });
  await t.rejects(ll.mediaPlaylist('720p', { msn: 5, part: 0, skip: false }), { code: 'BAD_REQUEST' });
  const held = ll.mediaPlaylist('720p', { msn: 0, part: 0, skip: false });
  t.equal(ll.heldRequests, 1, 'the first part of the first segment is held');
  await ll.end();
  t.match(await held, /#EXT-X-ENDLIST/, 'the show ended: the held request gets the ended playlist');
  t.equal(ll.heldRequests, 0);
});

t.test('byte ranges: one range, clamped to the file; junk or several ranges mean the whole file', async (t) => {
  t.same(parseRange('bytes=0-99', 1000), { start: 0, end: 99, clamped: false });
  t.same(parseRange('bytes=900-', 1000), { start: 900, end: 999, clamped: true }, 'open-ended: to the end as it is now');
  t.same(parseRange('bytes=900-1999', 1000), { start: 900, end: 999, clamped: true });
  t.equal(parseRange('bytes=1000-1001', 1000), 'unsatisfiable');
  t.equal(parseRange(undefined, 1000), null);
  t.equal(parseRange('bytes=0-1,5-9', 1000), null);
  t.equal(parseRange('bytes=-100', 1000), null, 'a suffix range: the whole file');
  t.equal(parseRange('bytes=50-10', 1000), null);
  t.equal(parseRange('items=0-1', 1000), null);
});
