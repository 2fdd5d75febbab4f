import { Writable } from 'node:stream';
import sharp from 'sharp';
import t from 'tap';
import { EventBus } from '../../src/domain/events.js';
import type { PublishRequest } from '../../src/ingest/rtmp-ingest.js';
import { LiveShows, type PipelineLauncher } from '../../src/live/live-shows.js';
import { createLogger } from '../../src/log/logger.js';
import { buildTestApp } from '../helpers/app.js';
import { makeFullDisk } from '../helpers/full-disk.js';
import { LiveClient, type Received } from '../helpers/live-client.js';
import { waitFor } from '../helpers/wait.js';

/**
 * A full disk under a running server: the database on a small file system (or, where mounting
 * is not allowed, capped with max_page_count), filled while viewers chat, the API writes, a
 * socket closes and a host publishes. Nothing may crash this process (an uncaught throw in a
 * socket or publish handler would end the test run), nothing shown may be lost.
 */
t.test('disk full: 503 with a code, chat kept and stored later, no crash, readiness follows', async (t) => {
  const disk = makeFullDisk();
  t.teardown(() => disk.cleanup());
  t.comment(`disk-full method: ${disk.method}`);
  const s = await buildTestApp({
    dataDir: disk.dir,
    viewerRateLimitPerMinute: 100_000,
    audience: { chatPerMinute: 100_000, chatBurst: 1000, framesPerSecond: 1000 },
    storage: { minFreeMegabytes: 1 },
    checkStorage: true,
  });
  const clients: LiveClient[] = [];
  t.teardown(async () => {
    for (const c of clients) c.close();
    await s.app.close();
    s.db.close();
  });
  await s.app.listen({ host: '127.0.0.1', port: 0 });
  const address = s.app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const show = (await s.app.inject({ method: 'POST', url: '/api/shows', headers: s.auth, payload: { title: 'Full disk', host: 'Mia' } })).json() as { id: string; streamKey: string };
  const viewer = async (name: string) => (await s.app.inject({ method: 'POST', url: '/api/viewers', payload: { displayName: name } })).json() as { token: string };
  const open = async (token: string) => {
    const c = await LiveClient.open(url, show.id, { token });
    clients.push(c);
    return c;
  };
  const [ann, ben, cat] = [await open((await viewer('Ann')).token), await open((await viewer('Ben')).token), await open((await viewer('Cat')).token)];
  const product = (sku: string) => ({ sku, title: 'Hose', description: 'x'.repeat(5000), price: 1999, currency: 'EUR', stock: 5 });
  const before = await s.app.inject({ method: 'POST', url: '/api/products', headers: s.auth, payload: product('before') });
  t.equal(before.statusCode, 201);
  const imageProductId = (before.json() as { id: string }).id;
  t.equal((await s.app.inject({ url: '/readyz' })).statusCode, 200, 'ready before the disk fills');

  disk.fill(s.db);

  // chat keeps flowing to the others while the database cannot store it
  const texts: string[] = [];
  const say = (text: string) => {
    texts.push(text);
    ann.send({ type: 'chat', text });
  };
  for (let i = 0; i < 20; i += 1) say(`line ${i} ${'y'.repeat(200)}`);
  await waitFor('chat held back', async () => {
    if (s.services.hub.chatBacklog > 0) return true;
    // the first lines may still fit in a page or the WAL: more until one does not
    for (let i = 0; i < 10; i += 1) say(`line ${texts.length} ${'y'.repeat(200)}`);
    await new Promise((r) => setTimeout(r, 150));
    return false;
  }, 15_000, 0);
  const lastText = texts.at(-1)!;
  await ben.next((m) => m.type === 'chat' && m.text === lastText);
  t.same(ben.ofType('chat').map((m) => m.text), texts, 'another viewer saw every line, in order, while nothing could be stored');

  const full = await s.app.inject({ method: 'POST', url: '/api/products', headers: s.auth, payload: product('during') });
  t.equal(full.statusCode, 503, 'an API write answers 503');
  t.equal(full.json().code, 'STORAGE_UNAVAILABLE');
  t.match(full.json().message, /disk full/);
  t.equal(full.headers['retry-after'], '10');

  if (disk.method === 'tmpfs') {
    // files on the full disk too: an image upload is a storage failure, not a bad image
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3a7' } }).png().toBuffer();
    const upload = await s.app.inject({ method: 'PUT', url: `/api/products/${imageProductId}/image`, headers: { ...s.auth, 'content-type': 'image/png' }, payload: png });
    t.equal(upload.statusCode, 503, 'an image upload on a full disk answers 503');
    t.equal(upload.json().code, 'STORAGE_UNAVAILABLE');
  }

  const notReady = await s.app.inject({ url: '/readyz' });
  t.equal(notReady.statusCode, 503, '/readyz says not ready');
  t.same(notReady.json(), { status: 'not ready', checks: { database: true, storage: false }, pipelines: {} });

  // a socket closing while full: its watch session cannot be written; nothing throws
  cat.close();
  await waitFor('the server to see the close', () => s.services.liveAudience.presence.presence(show.id).viewers === 2, 5000);

  // a socket message that needs a write is refused with the code, the socket stays open
  // (under max_page_count a small row may still fit a page: ask until one does not)
  const refused = await waitFor('a question refused for storage', () => {
    ann.send({ type: 'ask', text: `Does it come in green? ${'w'.repeat(200)}`, ref: `q${ann.messages.length}` });
    return ann.messages.find((m: Received) => m.type === 'error' && typeof m.ref === 'string' && m.ref.startsWith('q'));
  }, 10_000, 100);
  t.match(refused, { code: 'STORAGE_UNAVAILABLE', message: /storage full/ });

  // a publish while full: the show goes live for viewers anyway, the pipeline starts
  const started: string[] = [];
  const launcher: PipelineLauncher = {
    start: async (showId) => {
      started.push(showId);
      return { restarts: 0, progress: null, health: 'running', pid: 1, stop: async () => undefined };
    },
    end: () => undefined,
    mediaDir: () => disk.dir + '/none',
    forget: () => undefined,
  };
  const quiet = createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const bus = new EventBus(() => undefined);
  bus.on('show.live', ({ showId }) => s.services.hub.publish(showId, { type: 'show', status: 'live' }));
  bus.on('show.ended', ({ showId }) => s.services.hub.publish(showId, { type: 'show', status: 'ended' }));
  const live = new LiveShows({
    shows: s.services.shows,
    events: s.services.events,
    pipelines: launcher,
    logger: quiet,
    reconnectWindowMs: 60_000,
    bus,
  });
  t.teardown(() => live.shutdown());
  const publish: PublishRequest = { sessionId: 'p1', streamKey: show.streamKey, app: 'live', remoteAddress: '127.0.0.1' };
  t.same(live.authorizePublish(publish), { accept: true });
  t.doesNotThrow(() => live.publishStarted(publish), 'the publish handler does not throw');
  await ben.next((m) => m.type === 'show' && m.status === 'live');
  await waitFor('the pipeline to start', () => started.length === 1, 5000);
  // an UPDATE that fits its page needs no new one under max_page_count; on a full tmpfs the WAL cannot grow
  if (disk.method === 'tmpfs') t.equal(s.services.shows.get(show.id)?.status, 'scheduled', 'the database could not be told yet');

  t.equal((await s.app.inject({ url: '/healthz' })).statusCode, 200, 'the process is alive');

  disk.free(s.db);

  await waitFor('held-back chat to be stored', () => s.services.hub.chatBacklog === 0, 10_000);
  const stored = s.db
    .prepare('SELECT text FROM chat_messages WHERE show_id = ? ORDER BY rowid')
    .pluck()
    .all(show.id) as string[];
  t.same(stored, texts, 'every line stored once, in order');
  t.equal(s.services.hub.counters.chatUnstored, 0, 'nothing dropped');
  await waitFor('the live mark to be written', () => s.services.shows.get(show.id)?.status === 'live', 5000);
  t.ok(s.services.shows.get(show.id)?.startedAt, 'with the time it went live');

  const ready = await s.app.inject({ url: '/readyz' });
  t.equal(ready.statusCode, 200, '/readyz is ready again');
  t.equal((await s.app.inject({ method: 'POST', url: '/api/products', headers: s.auth, payload: product('after') })).statusCode, 201, 'writes work again');
  t.same(ann.invalid, [], 'every server message kept to the protocol');
  t.equal(ann.closeCode, null, 'the chatting socket stayed open throughout');
});

t.test('the backlog is bounded: past the cap lines are shown, counted, not stored', async (t) => {
  const disk = makeFullDisk();
  t.teardown(() => disk.cleanup());
  const s = await buildTestApp({
    dataDir: disk.dir,
    viewerRateLimitPerMinute: 100_000,
    audience: { chatPerMinute: 100_000, chatBurst: 1000, framesPerSecond: 1000 },
    storage: { minFreeMegabytes: 1, chatBacklogMax: 5 },
  });
  t.teardown(async () => {
    await s.app.close();
    s.db.close();
  });
  const show = (await s.app.inject({ method: 'POST', url: '/api/shows', headers: s.auth, payload: { title: 'Cap' } })).json() as { id: string };
  const sent: string[] = ['host hello'];
  // the host's voice (a viewer row) is written with its first line: before the disk fills
  t.equal((await s.app.inject({ method: 'POST', url: `/api/shows/${show.id}/chat`, headers: s.auth, payload: { text: sent[0] } })).statusCode, 201);
  await waitFor('the first line stored', () => s.services.hub.chatBacklog === 0, 5000);
  disk.fill(s.db);
  // lines from the host's REST route: same queue as viewers' lines
  await waitFor('the backlog to fill', async () => {
    const text = `host ${sent.length} ${'z'.repeat(250)}`;
    const r = await s.app.inject({ method: 'POST', url: `/api/shows/${show.id}/chat`, headers: s.auth, payload: { text } });
    t.equal(r.statusCode, 201, 'the host speaks on a full disk too');
    sent.push(text);
    return s.services.hub.counters.chatUnstored >= 3;
  }, 15_000, 20);
  t.equal(s.services.hub.chatBacklog, 5, 'the backlog stops at its cap');
  disk.free(s.db);
  await waitFor('the backlog to be written', () => s.services.hub.chatBacklog === 0, 10_000);
  const stored = s.db.prepare('SELECT text FROM chat_messages WHERE show_id = ? ORDER BY rowid').pluck().all(show.id) as string[];
  t.same(stored, sent.slice(0, sent.length - s.services.hub.counters.chatUnstored), 'the lines before the cap, in order; the newest past it were not stored');
  const metrics = await s.app.inject({ url: '/metrics', headers: s.auth });
  t.match(metrics.payload, `hawker_chat_unstored_total ${s.services.hub.counters.chatUnstored}`);
});
