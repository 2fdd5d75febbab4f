// A show's disk use is read from its files; an ended show's, once its media has settled (no
// clip cut nor playlist rewrite left), is read once and kept until its recording is deleted.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openDatabase } from '../../src/db/open.js';
import { createClipRepository } from '../../src/db/clip-repository.js';
import { createRecordingRepository } from '../../src/db/recording-repository.js';
import { createShowRepository } from '../../src/db/show-repository.js';
import { MEDIA_SETTLED_MS, RecordingStorage } from '../../src/replay/recording-storage.js';
import { captureLogs } from '../helpers/capture-logs.js';

t.test("an ended show's size is counted from its files until it settles, then kept; a delete resets it", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hawker-recordings-'));
  const hlsRoot = join(dataDir, 'media', 'hls');
  const db = openDatabase(join(dataDir, 'hawker.db'));
  t.teardown(() => db.close());
  const shows = createShowRepository(db);
  const { logger, text } = captureLogs('debug');
  let now = 1_000_000_000_000;
  const storage = new RecordingStorage({ hlsRoot, dataDir, shows, recordings: createRecordingRepository(db, createClipRepository(db)), logger, now: () => now });
  shows.create({ id: 's1', title: 'S', host: '', scheduledAt: null, status: 'scheduled', streamKey: 'k1', createdAt: now, startedAt: null, endedAt: null, recordingDeletedAt: null });
  shows.markLive('s1', now);
  const dir = join(hlsRoot, 's1');
  mkdirSync(join(dir, '720p'), { recursive: true });
  mkdirSync(join(dir, 'clips'), { recursive: true });
  writeFileSync(join(dir, '720p', 'a.ts'), Buffer.alloc(1000));
  t.match(await storage.ofShow('s1'), { recordingBytes: 1000, clipBytes: 0 }, 'live: from the files');
  writeFileSync(join(dir, '720p', 'b.ts'), Buffer.alloc(500));
  t.match(await storage.ofShow('s1'), { recordingBytes: 1500 }, 'and again at each look');

  shows.markEnded('s1', now);
  now += MEDIA_SETTLED_MS - 1;
  writeFileSync(join(dir, 'clips', 'c.mp4'), Buffer.alloc(300));
  t.match(await storage.ofShow('s1'), { recordingBytes: 1500, clipBytes: 300 }, 'just ended: a clip cut late still counts');
  now += 1;
  t.match(await storage.ofShow('s1'), { recordingBytes: 1500, clipBytes: 300 }, 'settled: counted once more');
  writeFileSync(join(dir, 'stray.ts'), Buffer.alloc(7));
  t.match(await storage.ofShow('s1'), { recordingBytes: 1500, clipBytes: 300 }, 'then kept, not walked again');

  await storage.deleteRecording('s1');
  t.same(await storage.ofShow('s1'), { recordingBytes: 0, clipBytes: 0, recordingDeletedAt: now }, 'deleted: nothing, from the disk');
  t.match(text(), /recording deleted/, 'the delete is logged with what it freed');
  t.match(text(), /"recordingBytes":1507/);
});
