import { randomBytes } from 'node:crypto';
import t from 'tap';
import { RtmpIngest, type PublishRequest } from '../../src/ingest/rtmp-ingest.js';
import { captureLogs } from '../helpers/capture-logs.js';
import { amf0, chunks, command, RtmpTestClient, type Amf } from '../helpers/rtmp-client.js';
import { sleep, waitFor } from '../helpers/wait.js';

// One ingest for the file: node-media-server keeps module-level state (one per process).
const { logger, text: logText } = captureLogs('debug');
const KEYS = new Set(['good-key-0123456789', 'other-key-0123456789', 'token-key-0123456789']);
const live = new Set<string>();
const started: PublishRequest[] = [];
const ended: PublishRequest[] = [];
const limits = { handshakeTimeoutMs: 1500, idleTimeoutMs: 2500, maxConnections: 40, maxConnectionsPerAddress: 30, maxMessageBytes: 1024 * 1024 };
const ingest = new RtmpIngest(
  { host: '127.0.0.1', port: 0, app: 'live', logger, limits },
  {
    authorizePublish: (r) => {
      if (!KEYS.has(r.streamKey)) return { accept: false, reason: 'unknown key' };
      if (live.has(r.streamKey)) return { accept: false, reason: 'already has a publisher' };
      live.add(r.streamKey);
      return { accept: true };
    },
    publishStarted: (r) => started.push(r),
    publishEnded: (r) => {
      live.delete(r.streamKey);
      ended.push(r);
    },
  },
);
const clients: RtmpTestClient[] = [];
t.before(() => ingest.start());
t.teardown(async () => {
  for (const c of clients) c.destroy();
  await ingest.stop();
});

async function client(): Promise<RtmpTestClient> {
  const c = await RtmpTestClient.open(ingest.port);
  clients.push(c);
  return c;
}
async function session(verb: 'publish' | 'play', name: string): Promise<RtmpTestClient> {
  const c = await client();
  await c.handshake();
  await c.connect();
  await c.start(verb, name);
  return c;
}
const nameOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);
/** An H.264 keyframe as FLV video data: frame type 1, codec 7, NALU, cts 0, then the marker. */
const frame = (marker: Buffer) => Buffer.concat([Buffer.from([0x17, 0x01, 0, 0, 0]), marker]);

t.test('a refused publisher changes no byte a local player reads', async (t) => {
  const host = await session('publish', 'good-key-0123456789');
  await host.until(() => started.length === 1, 3000, 'publish started');
  const playUrl = ingest.localPlayUrl('good-key-0123456789');
  t.notMatch(playUrl, 'good-key', 'the play URL does not carry the stream key');
  const player = await session('play', nameOf(playUrl));

  const good = randomBytes(32);
  const bad = randomBytes(32);
  // a second publisher on the live key, an unknown key, and someone publishing the internal name
  const refused = await Promise.all([
    session('publish', 'good-key-0123456789'),
    session('publish', 'nobody-' + randomBytes(8).toString('hex')),
    session('publish', nameOf(playUrl)),
  ]);
  for (let i = 0; i < 30; i++) {
    await host.video(frame(good), i * 33);
    for (const r of refused) await r.video(frame(bad), i * 33);
  }
  await Promise.all(refused.map((r) => Promise.race([r.closedPromise, sleep(2000)])));
  await player.until(() => player.receivedBytes().includes(good), 3000, 'the host frames at the player');
  await sleep(200);
  t.ok(refused.every((r) => r.closed), 'every refused publisher was disconnected');
  t.notOk(player.receivedBytes().includes(bad), "none of the refused publishers' bytes reached the player");
  t.equal(started.length, 1, 'only the host started a publish');
  t.notOk(logText().includes('good-key-0123456789'), 'the stream key is never logged');
  host.destroy();
  await host.until(() => ended.length === 1, 3000, 'publish ended');
  t.equal(ended[0]!.streamKey, 'good-key-0123456789');
  player.destroy();
});

t.test('only loopback readers of a current internal name may play; the key itself does not play', async (t) => {
  const byKey = await session('play', 'good-key-0123456789');
  const stale = await session('play', nameOf(ingest.localPlayUrl('good-key-0123456789')));
  await Promise.all([byKey.closedPromise, stale.closedPromise].map((p) => Promise.race([p, sleep(2000)])));
  t.ok(byKey.closed, 'playing the stream key is refused');
  t.ok(stale.closed, 'a name with no publisher behind it is refused');
});

t.test('a one-use loopback publish token stands for the key (the test pattern)', async (t) => {
  const url = ingest.localPublishUrl('token-key-0123456789');
  t.notMatch(url, 'token-key');
  const before = started.length;
  const pub = await session('publish', nameOf(url));
  await pub.until(() => started.length === before + 1, 3000, 'publish started');
  t.equal(started.at(-1)!.streamKey, 'token-key-0123456789');
  pub.destroy();
  await sleep(100);
  const again = await session('publish', nameOf(url));
  await Promise.race([again.closedPromise, sleep(2000)]);
  t.ok(again.closed, 'the token does not work twice');
});

t.test('a refused publisher that keeps streaming is cut off: memory stays flat', async (t) => {
  const rssBefore = process.memoryUsage().rss;
  const r = await session('publish', 'other-key-wrong');
  const blob = randomBytes(1024 * 1024);
  let written = 0;
  for (let i = 0; i < 200; i++) {
    if (!(await r.write(chunks({ type: 9, payload: blob.subarray(0, 50_000), csid: 6, streamId: 1, timestamp: i, chunkSize: 60000 })))) break;
    written += 50_000;
  }
  await Promise.race([r.closedPromise, sleep(2000)]);
  t.ok(r.closed, 'disconnected');
  t.ok(written < 10_000_000, `it could not push its 10 MB (${written} bytes written)`);
  t.ok(process.memoryUsage().rss - rssBefore < 64 * 1024 * 1024, 'RSS grew by less than 64 MB');
});

t.test('limits: message size, handshake timeout, per-address cap', async (t) => {
  const big = await client();
  await big.handshake();
  const header = Buffer.from([0x03, 0, 0, 0, 0xff, 0xff, 0xff, 20, 0, 0, 0, 0]); // 16 MB command announced
  await big.write(header);
  await Promise.race([big.closedPromise, sleep(1000)]);
  t.ok(big.closed, 'a 16 MB message header closes the connection at once');

  const silent = await client();
  const t0 = Date.now();
  await Promise.race([silent.closedPromise, sleep(4000)]);
  t.ok(silent.closed, 'a silent connection is closed');
  t.ok(Date.now() - t0 < 3000, `within the handshake timeout (${Date.now() - t0} ms)`);

  const open = await Promise.all(Array.from({ length: limits.maxConnectionsPerAddress + 3 }, () => client()));
  await waitFor('refusals', () => open.filter((c) => c.closed).length >= 3, 1000).catch(() => undefined);
  const closed = open.filter((c) => c.closed).length;
  t.ok(closed >= 3, `connections past the per-address cap are closed on accept (${closed} of ${open.length})`);
  t.ok(open.length - closed <= limits.maxConnectionsPerAddress, 'no more than the cap stay open');
  for (const c of open) c.destroy();
  await sleep(300); // the server counts a connection until it sees it close
});

t.test('idle timeout: a publisher that goes silent is dropped and its publish ends; a local reader is not', async (t) => {
  const pub = await session('publish', 'other-key-0123456789');
  await pub.until(() => live.has('other-key-0123456789'), 3000, 'accepted');
  const player = await session('play', nameOf(ingest.localPlayUrl('other-key-0123456789')));
  const endedBefore = ended.length;
  const t0 = Date.now();
  await Promise.race([pub.closedPromise, sleep(6000)]);
  t.ok(pub.closed, `the silent publisher was dropped after ${Date.now() - t0} ms`);
  await waitFor('publish ended', () => ended.length === endedBefore + 1, 3000);
  await sleep(limits.idleTimeoutMs + 200 - (Date.now() - t0));
  t.notOk(player.closed, 'the local reader, silent just as long, is still connected');
  player.destroy();
});

t.test('disconnect(sessionId) drops that publisher (End show with OBS still connected), and only a publisher', async (t) => {
  const startedBefore = started.length;
  const pub = await session('publish', 'token-key-0123456789');
  await pub.until(() => started.length === startedBefore + 1, 3000, 'publish started');
  const request = started.at(-1)!;
  const player = await session('play', nameOf(ingest.localPlayUrl('token-key-0123456789')));
  const endedBefore = ended.length;
  t.equal(ingest.disconnect('no-such-session'), false, 'an unknown session: nothing to drop');
  t.equal(ingest.disconnect(request.sessionId), true);
  await Promise.race([pub.closedPromise, sleep(3000)]);
  t.ok(pub.closed, 'the publisher is cut off');
  await waitFor('its publish ended', () => ended.length === endedBefore + 1, 3000);
  t.equal(ended.at(-1)!.sessionId, request.sessionId);
  t.equal(ingest.disconnect(request.sessionId), false, 'once');
  player.destroy();
});

// Each of these threw inside node-media-server 4.4.3's parser before authentication, uncaught:
// the process exited (and this test process with it). Now each closes its own socket only.
const connectCmd = (obj: Amf) => command('connect', 1, obj);
const fullConnect = amf0('connect', 1, { app: 'live', tcUrl: 'rtmp://127.0.0.1/live' });
const findings: Array<[string, boolean, Buffer]> = [
  ['connect whose command object has no tcUrl', false, connectCmd({ app: 'live' })],
  ['connect with a tcUrl that is not a URL', false, connectCmd({ app: 'live', tcUrl: 'no url' })],
  ['connect with a null command object', false, connectCmd(null)],
  ['a truncated AMF object', false, chunks({ type: 20, payload: fullConnect.subarray(0, fullConnect.length - 4) })],
  [
    'AMF nested 50,000 deep',
    false,
    chunks({ type: 20, payload: Buffer.concat([amf0('connect', 1), Buffer.from([3]), Buffer.alloc(200_000, Buffer.from([0, 1, 0x61, 3]))]) }),
  ],
  ['an AMF long string of length 0xFFFFFFFF', false, chunks({ type: 20, payload: Buffer.concat([amf0('connect', 1), Buffer.from([0x0c, 0xff, 0xff, 0xff, 0xff, 0x41])]) })],
  ['publish with a null stream name', true, command('publish', 3, null, null)],
  ['publish with no stream name', true, command('publish', 3, null)],
  ['SET_CHUNK_SIZE with an empty payload', false, chunks({ type: 1, payload: Buffer.alloc(0), csid: 2 })],
  ['a one-byte video message before connect', false, chunks({ type: 9, payload: Buffer.from([0x17]), csid: 6 })],
  ['a one-byte audio message before connect', false, chunks({ type: 8, payload: Buffer.from([0xaf]), csid: 4 })],
];
for (const [name, connectFirst, bytes] of findings) {
  t.test(`pre-auth crash of issue 10: ${name}`, async (t) => {
    const c = await client();
    await c.handshake();
    if (connectFirst) await c.connect();
    await c.write(bytes);
    // a message that is merely dropped leaves the socket open: that is fine, the process is what matters
    await Promise.race([c.closedPromise, sleep(300)]);
    c.destroy();
    const host = await session('publish', 'other-key-0123456789');
    const before = started.length;
    await host.until(() => started.length === before + 1, 3000, 'a valid publish still works');
    t.pass('the ingest still accepts a valid publish');
    host.destroy();
    await host.until(() => !live.has('other-key-0123456789'), 3000, 'publish ended');
  });
}
