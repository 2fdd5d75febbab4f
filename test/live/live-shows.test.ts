import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { openDatabase } from '../../src/db/open.js';
import { createShowEventRepository, createShowRepository } from '../../src/db/show-repository.js';
import type { PublishRequest } from '../../src/ingest/rtmp-ingest.js';
import { LiveShows, type Pipeline, type PipelineLauncher } from '../../src/live/live-shows.js';
import { ShowCatalog } from '../../src/live/show-catalog.js';
import { createLogger } from '../../src/log/logger.js';
import { sleep, waitFor } from '../helpers/wait.js';

/**
 * The state machine on a real SQLite file, with a launcher that records what it is asked to do
 * (the real FFmpeg side is covered end to end in test/e2e). Its stop() takes a while, as
 * FFmpeg finishing a segment does, to expose ordering bugs.
 */
function setup(reconnectWindowMs = 200) {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'hawker-live-')), 'h.db'));
  const shows = createShowRepository(db);
  const events = createShowEventRepository(db);
  const log: string[] = [];
  let running = 0;
  let maxConcurrent = 0;
  const launcher: PipelineLauncher = {
    async start(showId, streamKey) {
      running += 1;
      maxConcurrent = Math.max(maxConcurrent, running);
      log.push(`start ${showId} ${streamKey.slice(0, 4)}`);
      const pipeline: Pipeline = {
        restarts: 0,
        progress: null,
        health: 'running',
        pid: 1,
        stop: async () => {
          await sleep(50);
          running -= 1;
          log.push(`stop ${showId}`);
        },
      };
      return pipeline;
    },
    end: (showId) => void log.push(`end ${showId}`),
    mediaDir: (showId) => join(tmpdir(), 'nothing-here', showId),
    forget: (showId) => void log.push(`forget ${showId}`),
  };
  const logger = createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const live = new LiveShows({ shows, events, pipelines: launcher, logger, reconnectWindowMs });
  const catalog = new ShowCatalog(shows, events, live);
  const request = (sessionId: string, streamKey: string): PublishRequest => ({ sessionId, streamKey, app: 'live', remoteAddress: '127.0.0.1' });
  return { db, shows, events, live, catalog, log, request, concurrency: () => maxConcurrent };
}

t.test('scheduled -> live -> ended, with one pipeline at a time across a quick reconnect', async (t) => {
  const { db, live, catalog, log, request, concurrency, events } = setup(300);
  t.teardown(() => db.close());
  const show = catalog.create('Show');
  const first = request('s1', show.streamKey);
  t.same(live.authorizePublish(first), { accept: true });
  live.publishStarted(first);
  t.equal(catalog.get(show.id).status, 'live');
  t.same(live.authorizePublish(request('s2', show.streamKey)), { accept: false, reason: `show ${show.id} already has a publisher` });

  await waitFor('the first pipeline', () => log.length === 1);
  // the host drops and is back before the old pipeline has even stopped
  live.publishEnded(first);
  const again = request('s3', show.streamKey);
  t.same(live.authorizePublish(again), { accept: true });
  live.publishStarted(again);
  await waitFor('the second pipeline', () => log.filter((l) => l.startsWith('start')).length === 2);
  t.same(log.slice(0, 3), [`start ${show.id} ${show.streamKey.slice(0, 4)}`, `stop ${show.id}`, `start ${show.id} ${show.streamKey.slice(0, 4)}`], 'stop finished before the next start');
  t.equal(concurrency(), 1, 'never two pipelines writing one playlist');
  await sleep(400);
  t.equal(catalog.get(show.id).status, 'live', 'the reconnect cancelled the end');

  live.publishEnded(again);
  await waitFor('the end', () => catalog.get(show.id).status === 'ended', 3000);
  t.same(log.slice(-2), [`stop ${show.id}`, `end ${show.id}`]);
  t.same(live.authorizePublish(request('s4', show.streamKey)), { accept: false, reason: `show ${show.id} has ended` });
  const types = events.listForShow(show.id, 100).map((e) => e.type);
  t.same(types, ['show.live', 'publisher.connected', 'publisher.disconnected', 'publisher.connected', 'publisher.disconnected', 'show.ended']);
});

t.test('unknown keys and events for sessions it never accepted are ignored', async (t) => {
  const { db, live, catalog, log, request } = setup();
  t.teardown(() => db.close());
  const show = catalog.create('Show');
  t.same(live.authorizePublish(request('x', 'not-a-key')), { accept: false, reason: 'unknown or revoked stream key' });
  live.publishStarted(request('x', show.streamKey));
  live.publishEnded(request('x', show.streamKey));
  t.same(log, []);
  t.equal(catalog.get(show.id).status, 'scheduled');
});

t.test('a publisher that leaves before its pipeline started gets none', async (t) => {
  const { db, live, catalog, log, request } = setup(60_000);
  t.teardown(() => db.close());
  const show = catalog.create('Show');
  live.authorizePublish(request('s', show.streamKey));
  live.publishStarted(request('s', show.streamKey));
  live.publishEnded(request('s', show.streamKey));
  await sleep(100);
  t.same(log, [], 'no FFmpeg for a stream that is already gone');
  await live.shutdown();
});

t.test('a show left live by a crash waits for its host, then ends', async (t) => {
  const { db, shows, live, catalog, log } = setup(100);
  t.teardown(() => db.close());
  const show = catalog.create('Show');
  shows.markLive(show.id, Date.now());
  t.same(live.recover(), [show.id]);
  await waitFor('the end', () => catalog.get(show.id).status === 'ended', 3000);
  t.same(log, [`end ${show.id}`]);
});

t.test('shutdown ends every live show and refuses new publishers', async (t) => {
  const { db, live, catalog, request } = setup(60_000);
  t.teardown(() => db.close());
  const a = catalog.create('A');
  const b = catalog.create('B');
  for (const [i, s] of [a, b].entries()) {
    live.authorizePublish(request(`s${i}`, s.streamKey));
    live.publishStarted(request(`s${i}`, s.streamKey));
  }
  await live.shutdown();
  t.equal(catalog.get(a.id).status, 'ended');
  t.equal(catalog.get(b.id).status, 'ended');
  t.equal(live.stats().liveShows, 0);
  t.same(live.authorizePublish(request('late', catalog.create('C').streamKey)), { accept: false, reason: 'server is shutting down' });
});

t.test('a publishing show cannot be deleted; a scheduled one can', async (t) => {
  const { db, live, catalog, request } = setup();
  t.teardown(() => db.close());
  const show = catalog.create('Show');
  live.authorizePublish(request('s', show.streamKey));
  live.publishStarted(request('s', show.streamKey));
  await t.rejects(catalog.delete(show.id), { code: 'SHOW_LIVE' });
  const other = catalog.create('Other');
  await catalog.delete(other.id);
  t.throws(() => catalog.get(other.id), { code: 'SHOW_NOT_FOUND' });
  await live.shutdown();
});
