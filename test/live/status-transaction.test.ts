import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { enqueueShowWebhooks } from '../../src/commerce/show-webhooks.js';
import { openDatabase } from '../../src/db/open.js';
import { createShowEventRepository, createShowRepository } from '../../src/db/show-repository.js';
import { createWebhookStore } from '../../src/db/webhook-store.js';
import { EventBus } from '../../src/domain/events.js';
import type { PublishRequest } from '../../src/ingest/rtmp-ingest.js';
import { LiveShows, type PipelineLauncher } from '../../src/live/live-shows.js';
import { ShowCatalog } from '../../src/live/show-catalog.js';
import { createLogger } from '../../src/log/logger.js';
import { waitFor } from '../helpers/wait.js';

/**
 * A show's status, its timeline event and its webhook outbox rows commit in one transaction, on
 * a real SQLite file with the real outbox subscriber: when the outbox INSERT fails (a trigger
 * refuses it, as a full disk would), the status change and the event are rolled back with it;
 * once the insert works again, all three are written together.
 */
t.test('an outbox row that cannot be written rolls back the status change and its event', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-status-tx-'));
  const db = openDatabase(join(dir, 'h.db'));
  t.teardown(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const shows = createShowRepository(db);
  const events = createShowEventRepository(db);
  const webhooks = createWebhookStore(db);
  webhooks.addEndpoint({ id: 'ep1', url: 'https://shop.example/hook', secret: 'x'.repeat(32), createdAt: 1 });
  const told: string[] = [];
  const bus = new EventBus(() => undefined);
  bus.on('show.live', () => told.push('show.live'));
  bus.on('show.ended', () => told.push('show.ended'));
  enqueueShowWebhooks(bus, webhooks);
  const launcher: PipelineLauncher = {
    start: async () => ({ restarts: 0, progress: null, health: 'running', pid: 1, stop: async () => undefined }),
    end: () => undefined,
    mediaDir: (showId) => join(dir, 'media', showId),
    forget: () => undefined,
  };
  const logger = createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const live = new LiveShows({ shows, events, pipelines: launcher, logger, reconnectWindowMs: 50, bus });
  t.teardown(() => live.shutdown());
  const show = new ShowCatalog(shows, events, live).create('Outbox');
  const outboxRows = () => db.prepare<[], { event_type: string }>('SELECT event_type FROM webhook_outbox ORDER BY id').all().map((r) => r.event_type);
  const timeline = () => events.listForShow(show.id, 100).map((e) => e.type);
  const refuseOutbox = () => db.exec("CREATE TRIGGER refuse_outbox BEFORE INSERT ON webhook_outbox BEGIN SELECT RAISE(ABORT, 'outbox refused'); END"); // prettier-ignore
  const allowOutbox = () => db.exec('DROP TRIGGER refuse_outbox');
  const request: PublishRequest = { sessionId: 's1', streamKey: show.streamKey, app: 'live', remoteAddress: '127.0.0.1' };

  refuseOutbox();
  t.same(live.authorizePublish(request), { accept: true });
  t.doesNotThrow(() => live.publishStarted(request));
  t.equal(shows.get(show.id)?.status, 'scheduled', 'the status change was rolled back with the outbox row');
  t.notOk(timeline().includes('show.live'), 'and so was its timeline event');
  t.same(outboxRows(), []);
  t.same(told, ['show.live'], 'viewers are told the show is live all the same');

  allowOutbox();
  await waitFor('the live mark', () => shows.get(show.id)?.status === 'live', 5000);
  t.ok(timeline().includes('show.live'), 'status and event written together when the outbox takes rows again');
  t.same(outboxRows(), ['show.started'], 'with the webhook row');

  refuseOutbox();
  live.publishEnded(request);
  await waitFor('the end to be tried', () => timeline().includes('publisher.disconnected') && live.stats().liveShows === 0, 5000);
  t.equal(shows.get(show.id)?.status, 'live', 'the end was rolled back with its outbox row');
  t.notOk(timeline().includes('show.ended'));
  t.same(outboxRows(), ['show.started']);
  allowOutbox();
});

t.test('a committed status change writes all three', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-status-tx-'));
  const db = openDatabase(join(dir, 'h.db'));
  t.teardown(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const shows = createShowRepository(db);
  const events = createShowEventRepository(db);
  const webhooks = createWebhookStore(db);
  webhooks.addEndpoint({ id: 'ep1', url: 'https://shop.example/hook', secret: 'x'.repeat(32), createdAt: 1 });
  const bus = new EventBus(() => undefined);
  enqueueShowWebhooks(bus, webhooks);
  const show = new ShowCatalog(shows, events, new LiveShows({ shows, events, pipelines: {} as PipelineLauncher, logger: createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) }), reconnectWindowMs: 1 })).create('Three');
  bus.commit({ type: 'show.live', showId: show.id, at: 5 }, (fn) => shows.atomically(fn), () => {
    shows.markLive(show.id, 5);
    events.append({ showId: show.id, type: 'show.live', at: 5, payload: {} });
  });
  t.equal(shows.get(show.id)?.status, 'live');
  t.same(events.listForShow(show.id, 10).map((e) => e.type), ['show.live']);
  t.equal(db.prepare('SELECT count(*) FROM webhook_outbox').pluck().get(), 1);
});
