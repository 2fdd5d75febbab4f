// The retention sweep on a real database and real files, with a clock the test sets: shows that
// ended more than keepRecordingsDays ago lose their media (and are marked), recent ones and
// live ones keep it, 0 keeps everything; a show whose files cannot go now does not stop the rest.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { defaultConfig } from '../../src/config/defaults.js';
import { openDatabase } from '../../src/db/open.js';
import { createClipRepository } from '../../src/db/clip-repository.js';
import { createRecordingRepository } from '../../src/db/recording-repository.js';
import { createShowRepository } from '../../src/db/show-repository.js';
import { DAY_MS, RecordingRetention } from '../../src/replay/recording-retention.js';
import { RecordingStorage } from '../../src/replay/recording-storage.js';
import { captureLogs } from '../helpers/capture-logs.js';
import { buildTestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/wait.js';

const NOW = Date.parse('2026-06-30T12:00:00Z');

function world(t: { teardown(fn: () => unknown): void }, keepDays: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'hawker-retention-'));
  const hlsRoot = join(dataDir, 'media', 'hls');
  const db = openDatabase(join(dataDir, 'hawker.db'));
  t.teardown(() => db.close());
  const shows = createShowRepository(db);
  const recordings = createRecordingRepository(db, createClipRepository(db));
  let now = NOW;
  const { logger, text } = captureLogs('debug');
  const storage = new RecordingStorage({ hlsRoot, dataDir, shows, recordings, logger, now: () => now });
  const retention = new RecordingRetention({ keepDays, recordings, deleteRecording: (id) => storage.deleteRecording(id), logger, now: () => now });
  db.prepare("INSERT INTO products (id, sku, title, description, price, currency, stock, created_at, updated_at) VALUES ('p1', 'P1', 'Towel', '', 100, 'EUR', 1, 0, 0)").run();
  /** a show with media and a ready clip; ended `endedDaysAgo` days before NOW, or live (null) */
  const show = (id: string, endedDaysAgo: number | null) => {
    shows.create({ id, title: id, host: '', scheduledAt: null, status: 'scheduled', streamKey: `key-${id}`, createdAt: NOW - 40 * DAY_MS, startedAt: null, endedAt: null, recordingDeletedAt: null });
    shows.markLive(id, NOW - 40 * DAY_MS);
    if (endedDaysAgo !== null) shows.markEnded(id, NOW - endedDaysAgo * DAY_MS);
    mkdirSync(join(hlsRoot, id, '720p'), { recursive: true });
    mkdirSync(join(hlsRoot, id, 'clips'), { recursive: true });
    writeFileSync(join(hlsRoot, id, 'master.m3u8'), '#EXTM3U\n');
    writeFileSync(join(hlsRoot, id, '720p', 'seg_00001.ts'), Buffer.alloc(1000));
    writeFileSync(join(hlsRoot, id, 'clips', 'c.mp4'), Buffer.alloc(500));
    db.prepare("INSERT INTO clips (id, show_id, product_id, start_ms, end_ms, status, created_at) VALUES (?, ?, 'p1', 0, 5000, 'ready', 0)").run(`clip-${id}`, id);
  };
  const state = (id: string) => ({
    media: existsSync(join(hlsRoot, id)),
    deletedAt: shows.get(id)?.recordingDeletedAt ?? null,
    clip: db.prepare('SELECT status FROM clips WHERE show_id = ?').pluck().get(id),
    status: shows.get(id)?.status,
  });
  return { db, hlsRoot, storage, logger, retention, show, state, logs: text, setNow: (ms: number) => void (now = ms) };
}

t.test('shows ended longer ago than N days lose their media, and are marked; the others keep it', async (t) => {
  const w = world(t, 7);
  w.show('old', 30);
  w.show('just-past', 7.01);
  w.show('recent', 6.99);
  w.show('live', null);
  t.same((await w.retention.sweep()).sort(), ['just-past', 'old']);
  t.same(w.state('old'), { media: false, deletedAt: NOW, clip: 'deleted', status: 'ended' }, 'old: media gone, marked, clips deleted, the show stays');
  t.same(w.state('just-past'), { media: false, deletedAt: NOW, clip: 'deleted', status: 'ended' });
  t.same(w.state('recent'), { media: true, deletedAt: null, clip: 'ready', status: 'ended' }, 'recent: kept');
  t.same(w.state('live'), { media: true, deletedAt: null, clip: 'ready', status: 'live' }, 'live: kept, however old it is');
  t.same(await w.retention.sweep(), [], 'a second sweep finds nothing to do');

  // a day later the recent one is due too
  w.setNow(NOW + DAY_MS);
  t.same(await w.retention.sweep(), ['recent']);
  t.same(w.state('recent'), { media: false, deletedAt: NOW + DAY_MS, clip: 'deleted', status: 'ended' });
  t.same(w.state('old').deletedAt, NOW, 'the first deletion time stays');
});

t.test('0 keeps recordings forever: the sweep deletes nothing, and start() sets no timer', async (t) => {
  const w = world(t, 0);
  w.show('ancient', 3000);
  t.same(await w.retention.sweep(), []);
  w.retention.start();
  await w.retention.stop();
  t.same(w.state('ancient'), { media: true, deletedAt: null, clip: 'ready', status: 'ended' });
});

t.test('start() sweeps at once and then on its interval; stop() waits for a sweep under way', async (t) => {
  const w = world(t, 1);
  w.show('a', 2);
  const retention = new RecordingRetention({ keepDays: 1, recordings: createRecordingRepository(w.db, createClipRepository(w.db)), deleteRecording: (id) => w.storage.deleteRecording(id), logger: w.logger, now: () => NOW, intervalMs: 25 });
  retention.start();
  t.teardown(() => retention.stop());
  await retention.sweep();
  t.equal(w.state('a').media, false, 'swept at start');
  t.match(w.logs(), /recordings past their retention deleted/);
  w.show('b', 3);
  await waitFor('the next sweep', () => !w.state('b').media, 5000, 10);
  await retention.stop();
  t.equal(w.state('b').deletedAt, NOW, 'swept on the interval');
});

t.test('a show whose files cannot be deleted now is logged, left unmarked for the next sweep, and the rest still go', async (t) => {
  const w = world(t, 1);
  w.show('a', 5);
  w.show('b', 4);
  w.show('c', 3);
  // the disk refuses b's delete once (EIO): permissions cannot stage it, the tests run as root
  let failB = true;
  const retention = new RecordingRetention({
    keepDays: 1,
    recordings: createRecordingRepository(w.db, createClipRepository(w.db)),
    deleteRecording: async (id) => {
      if (id === 'b' && failB) {
        failB = false;
        throw Object.assign(new Error('i/o error'), { code: 'EIO' });
      }
      return w.storage.deleteRecording(id);
    },
    logger: w.logger,
    now: () => NOW,
  });
  t.same(await retention.sweep(), ['a', 'c'], 'a and c went');
  t.same(w.state('b'), { media: true, deletedAt: null, clip: 'ready', status: 'ended' }, 'b is not marked: it is tried again');
  t.match(w.logs(), /not deleted; tried again at the next sweep/);
  t.same(await retention.sweep(), ['b'], 'and goes at the next sweep');
  t.same(w.state('b'), { media: false, deletedAt: NOW, clip: 'deleted', status: 'ended' });
});

t.test('the services wire it from storage.keepRecordingsDays', async (t) => {
  const s = await buildTestApp({ storage: { ...defaultConfig.storage, keepRecordingsDays: 2 } });
  t.teardown(async () => {
    await s.app.close();
    s.db.close();
  });
  const old = (await s.app.inject({ method: 'POST', url: '/api/shows', headers: s.auth, payload: { title: 'Old' } })).json();
  const fresh = (await s.app.inject({ method: 'POST', url: '/api/shows', headers: s.auth, payload: { title: 'Fresh' } })).json();
  for (const id of [old.id, fresh.id]) {
    s.services.shows.markLive(id, Date.now() - 5 * DAY_MS);
    mkdirSync(join(s.hlsRoot, id), { recursive: true });
    writeFileSync(join(s.hlsRoot, id, 'master.m3u8'), '#EXTM3U\n');
  }
  s.services.shows.markEnded(old.id, Date.now() - 3 * DAY_MS);
  s.services.shows.markEnded(fresh.id, Date.now() - 1 * DAY_MS);
  t.same(await s.services.retention.sweep(), [old.id]);
  t.equal((await s.app.inject({ url: `/hls/${old.id}/master.m3u8` })).statusCode, 404);
  t.equal((await s.app.inject({ url: `/hls/${fresh.id}/master.m3u8` })).statusCode, 200);
  t.match((await s.app.inject({ url: `/api/shows/${old.id}`, headers: s.auth })).json(), { status: 'ended', recordingDeletedAt: /^\d{4}-/ });
});
