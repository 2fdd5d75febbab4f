import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { openDatabase } from '../../src/db/open.js';
import { createShowEventRepository, createShowRepository } from '../../src/db/show-repository.js';
import { EventBus } from '../../src/domain/events.js';
import type { PublishRequest } from '../../src/ingest/rtmp-ingest.js';
import { LiveShows, type PipelineLauncher } from '../../src/live/live-shows.js';
import { ShowCatalog } from '../../src/live/show-catalog.js';
import { createLogger } from '../../src/log/logger.js';
import { sleep, waitFor } from '../helpers/wait.js';

/** Rehearsal through the runner, on a real SQLite file, with a launcher that records its calls. */
function setup(t: { teardown(fn: () => unknown): void; same(found: unknown, wanted: unknown): void }, { probes = false, ...options }: { goLiveAtScheduledTime?: boolean; probes?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-rehearsal-'));
  const db = openDatabase(join(dir, 'h.db'));
  t.teardown(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const shows = createShowRepository(db);
  const events = createShowEventRepository(db);
  const log: string[] = [];
  const launcher: PipelineLauncher = {
    async start(showId, _key, hooks) {
      log.push('start');
      if (probes) hooks.onSource?.({ width: 720, height: 1280, fps: 30, audio: { channels: 2 } });
      return { restarts: 0, progress: null, health: 'running', pid: 1, stop: async () => void log.push('stop') };
    },
    end: () => void log.push('end'),
    mediaDir: (showId) => join(dir, 'media', showId),
    forget: () => undefined,
  };
  const told: string[] = [];
  const bus = new EventBus(() => undefined);
  bus.on('show.live', () => told.push('live'));
  bus.on('show.ended', () => told.push('ended'));
  // what only the host's cockpit hears: each phase, each source
  const phases: string[] = [];
  bus.on('show.phase', ({ phase }) => phases.push(phase));
  const sources: unknown[] = [];
  bus.on('show.source', ({ source, refused }) => sources.push({ source, refused }));
  const logger = createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  // End show with the publisher still connected: the ingest is asked to drop it
  const dropped: string[] = [];
  const live = new LiveShows({ shows, events, pipelines: launcher, logger, reconnectWindowMs: 60_000, bus, disconnectPublisher: (id) => void dropped.push(id), ...options });
  t.teardown(() => live.shutdown());
  const catalog = new ShowCatalog(shows, events, live);
  const request = (sessionId: string, streamKey: string): PublishRequest => ({ sessionId, streamKey, app: 'live', remoteAddress: '127.0.0.1' });
  const publish = (r: PublishRequest) => {
    t.same(live.authorizePublish(r), { accept: true });
    live.publishStarted(r);
  };
  return { live, catalog, events, log, told, phases, sources, dropped, request, publish };
}

t.test('a scheduled show rehearses, stops, rehearses again and goes live on a fresh pipeline', async (t) => {
  const { catalog, events, log, told, request, publish, live } = setup(t);
  const show = catalog.create('Launch', { scheduledAt: Date.now() + 3600_000 });
  publish(request('a', show.streamKey));
  t.equal(catalog.phaseOf(catalog.get(show.id)), 'rehearsal');
  t.equal(catalog.get(show.id).status, 'scheduled');
  t.notOk(catalog.mediaIsPublic(show.id), 'its media is the cockpit’s');
  await waitFor('the rehearsal pipeline', () => log.includes('start'));
  t.equal(live.stats().liveShows, 0, 'a rehearsal is not a live show');

  live.publishEnded(request('a', show.streamKey));
  await waitFor('the rehearsal to stop', () => log.includes('stop'));
  t.equal(catalog.phaseOf(catalog.get(show.id)), 'scheduled');
  t.throws(() => catalog.goLive(show.id), { code: 'SHOW_NOT_REHEARSING' });
  await t.rejects(catalog.end(show.id), { code: 'SHOW_NOT_LIVE' });

  publish(request('b', show.streamKey));
  await waitFor('the second rehearsal pipeline', () => log.filter((l) => l === 'start').length === 2);
  t.same(events.listForShow(show.id, 100), [], 'nothing on the timeline while rehearsing');
  t.same(told, [], 'no viewer told');

  const onAir = catalog.goLive(show.id);
  t.equal(onAir.status, 'live');
  t.ok(catalog.mediaIsPublic(show.id));
  await waitFor('the fresh pipeline', () => log.filter((l) => l === 'start').length === 3);
  t.same(log, ['start', 'stop', 'start', 'stop', 'start'], 'the rehearsal pipeline stopped before the live one started');
  t.same(told, ['live']);
  t.same(events.listForShow(show.id, 100).map((e) => e.type), ['show.live', 'publisher.connected']);

  const ended = await catalog.end(show.id);
  t.equal(ended.status, 'ended', 'End show answers once the show has ended');
  t.same(log.slice(-2), ['stop', 'end']);
  t.same(told, ['live', 'ended']);
});

t.test('a show without a scheduled time goes live on its stream, as before', async (t) => {
  const { catalog, request, publish } = setup(t);
  const show = catalog.create('Now');
  publish(request('a', show.streamKey));
  t.equal(catalog.get(show.id).status, 'live');
});

t.test('shutdown stops a rehearsal and leaves the show scheduled', async (t) => {
  const { catalog, log, request, publish, live } = setup(t);
  const show = catalog.create('Launch', { scheduledAt: Date.now() + 3600_000 });
  publish(request('a', show.streamKey));
  await waitFor('the rehearsal pipeline', () => log.includes('start'));
  await live.shutdown();
  t.equal(catalog.get(show.id).status, 'scheduled');
  t.same(log, ['start', 'stop']);
});

t.test('live.goLiveAtScheduledTime: a rehearsing show goes live on its own at its time', async (t) => {
  const { catalog, request, publish, told } = setup(t, { goLiveAtScheduledTime: true });
  const show = catalog.create('At eight', { scheduledAt: Date.now() + 300 });
  publish(request('a', show.streamKey));
  t.equal(catalog.phaseOf(catalog.get(show.id)), 'rehearsal');
  await waitFor('the scheduled time', () => catalog.get(show.id).status === 'live', 3000);
  t.same(told, ['live']);

  const off = setup(t);
  const later = off.catalog.create('Manual', { scheduledAt: Date.now() + 100 });
  off.publish(off.request('b', later.streamKey));
  await sleep(400);
  t.equal(off.catalog.phaseOf(off.catalog.get(later.id)), 'rehearsal', 'without the setting it waits for Go live');
});

t.test("the host's cockpit is told each phase as it changes, and the rehearsal's source, with nothing for viewers", async (t) => {
  const { catalog, log, told, phases, sources, request, publish, live } = setup(t, { probes: true });
  const show = catalog.create('Launch', { scheduledAt: Date.now() + 3600_000 });
  publish(request('a', show.streamKey));
  t.same(phases, ['rehearsal'], 'a rehearsal starts with the stream, not a click');
  await waitFor('the rehearsal pipeline', () => log.includes('start'));
  t.same(sources, [{ source: { width: 720, height: 1280, fps: 30, audio: true }, refused: null }], 'the preview says the shape it plays');
  live.publishEnded(request('a', show.streamKey));
  await waitFor('the rehearsal to stop', () => log.includes('stop'));
  t.same(phases, ['rehearsal', 'scheduled']);
  publish(request('b', show.streamKey));
  catalog.goLive(show.id);
  await catalog.end(show.id);
  t.same(phases, ['rehearsal', 'scheduled', 'rehearsal', 'live', 'ending', 'ended']);
  t.same(told, ['live', 'ended'], 'viewers hear only of live and ended');
});

t.test('End show drops the publisher still connected, once the show has ended; a host away has none to drop', async (t) => {
  const { catalog, log, dropped, request, publish, live } = setup(t);
  const show = catalog.create('Now');
  publish(request('obs', show.streamKey));
  await waitFor('the pipeline', () => log.includes('start'));
  await catalog.end(show.id);
  t.same(dropped, ['obs'], 'OBS is disconnected rather than ignored');
  t.same(log.slice(-2), ['stop', 'end'], 'after FFmpeg stopped and the playlists closed');
  live.publishEnded(request('obs', show.streamKey));
  t.equal(catalog.get(show.id).status, 'ended', 'its socket closing changes nothing');

  const away = catalog.create('Away');
  publish(request('phone', away.streamKey));
  live.publishEnded(request('phone', away.streamKey));
  await catalog.end(away.id);
  t.same(dropped, ['obs'], 'nobody to drop');
});
