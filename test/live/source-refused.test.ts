import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { openDatabase } from '../../src/db/open.js';
import { EventBus } from '../../src/domain/events.js';
import { createShowEventRepository, createShowRepository } from '../../src/db/show-repository.js';
import { LiveShows, type PipelineLauncher } from '../../src/live/live-shows.js';
import { ShowCatalog } from '../../src/live/show-catalog.js';
import { createLogger } from '../../src/log/logger.js';
import { SourceRefused } from '../../src/pipeline/source-probe.js';
import { waitFor } from '../helpers/wait.js';

// A source the pipeline cannot transcode: no FFmpeg, no restarts, one event the cockpit can
// show; the next publish (other settings) is probed afresh and starts.
t.test('a refused source starts nothing, says why on the timeline, and a reconnect tries again', async (t) => {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'hawker-refused-')), 'h.db'));
  t.teardown(() => db.close());
  const shows = createShowRepository(db);
  const events = createShowEventRepository(db);
  let attempts = 0;
  let started = 0;
  const launcher: PipelineLauncher = {
    async start(_showId, _key, hooks) {
      attempts += 1;
      if (attempts === 1) throw new SourceRefused('the video codec (vvc) cannot be decoded here; send H.264 video');
      hooks.onSource?.({ width: 720, height: 1280, fps: 30, audio: null });
      started += 1;
      return { restarts: 0, progress: null, health: 'running', pid: 1, stop: async () => undefined };
    },
    end: () => undefined,
    mediaDir: (showId) => join(tmpdir(), 'nothing-here', showId),
    forget: () => undefined,
  };
  const logger = createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const bus = new EventBus(() => undefined);
  const told: unknown[] = [];
  bus.on('show.source', ({ source, refused }) => told.push({ source, refused }));
  const live = new LiveShows({ shows, events, pipelines: launcher, logger, reconnectWindowMs: 60_000, bus });
  const catalog = new ShowCatalog(shows, events, live);
  const show = catalog.create('Show');
  const request = (sessionId: string) => ({ sessionId, streamKey: show.streamKey, app: 'live', remoteAddress: '127.0.0.1' });
  const timeline = () => events.listForShow(show.id, 100).map((e) => ({ type: e.type, payload: e.payload }));

  live.authorizePublish(request('s1'));
  live.publishStarted(request('s1'));
  await waitFor('the refusal', () => timeline().some((e) => e.type === 'source.refused'));
  t.equal(started, 0, 'no transcoder');
  t.equal(live.stats().runningPipelines, 0);
  t.match(timeline().find((e) => e.type === 'source.refused')!.payload, { message: /cannot transcode this stream: the video codec \(vvc\) cannot be decoded here/ });
  t.notOk(timeline().some((e) => e.type === 'pipeline.restarted'), 'no restart loop');

  live.publishEnded(request('s1'));
  live.authorizePublish(request('s2'));
  live.publishStarted(request('s2'));
  await waitFor('the second publish transcoded', () => started === 1);
  t.match(timeline().find((e) => e.type === 'source.probed')!.payload, { width: 720, height: 1280, audio: false });
  t.equal(catalog.get(show.id).status, 'live', 'the same show');
  t.match(told, [
    { source: null, refused: /^Hawker cannot transcode this stream: the video codec \(vvc\)/ },
    { source: { width: 720, height: 1280, fps: 30, audio: false }, refused: null },
  ], "the cockpit is told the refusal, then the source that replaced it (which clears it)");
  await live.shutdown();
});
