import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { endPlaylists, hasPlaylists } from '../../src/pipeline/hls-output.js';

t.test('ENDLIST is appended once to every variant playlist', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-hls-'));
  t.equal(hasPlaylists(dir), false);
  t.equal(endPlaylists(join(dir, 'missing')), 0, 'a show that never produced media is fine');
  for (const v of ['720p', '360p']) {
    mkdirSync(join(dir, v));
    writeFileSync(join(dir, v, 'index.m3u8'), '#EXTM3U\n#EXTINF:1.0,\nseg_000000.ts\n');
  }
  writeFileSync(join(dir, 'master.m3u8'), '#EXTM3U\n');
  t.equal(hasPlaylists(dir), true);
  t.equal(endPlaylists(dir), 2);
  t.equal(endPlaylists(dir), 0, 'idempotent');
  t.equal(readFileSync(join(dir, '720p', 'index.m3u8'), 'utf8'), '#EXTM3U\n#EXTINF:1.0,\nseg_000000.ts\n#EXT-X-ENDLIST\n');
  t.equal(readFileSync(join(dir, 'master.m3u8'), 'utf8'), '#EXTM3U\n', 'the master playlist is left alone');
});
