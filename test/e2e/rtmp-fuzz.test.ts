import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tap from 'tap';
import { ffmpegChildren, parseMediaPlaylist, transcoderPids, publishTestPattern, type Publisher } from '../helpers/media.js';
import { amf0, chunks, command, RtmpTestClient, type Amf } from '../helpers/rtmp-client.js';
import { startServerProcess } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';

/**
 * Hostile input on the RTMP port of a running server while a real show streams (a real FFmpeg
 * publishing with a valid key, Hawker's FFmpeg transcoding it). Every case above crashed
 * node-media-server 4.4.3 unguarded. After each case: the process is alive, /healthz answers,
 * the show's playlist is still being written, RSS is sampled. HAWKER_FUZZ_CASES sets the
 * number of seeded random cases (default 150), HAWKER_FUZZ_SEED the seed. A long run takes
 * about 40 ms a case: HAWKER_FUZZ_CASES=5000 npx tap --timeout=600 test/e2e/rtmp-fuzz.test.ts
 */

const RANDOM_CASES = Number(process.env.HAWKER_FUZZ_CASES ?? 150);
const SEED = Number(process.env.HAWKER_FUZZ_SEED ?? 20261129);
const HANDSHAKE_TIMEOUT_MS = 2000;

type Pre = 'none' | 'handshake' | 'connect' | 'stream';
interface Case {
  name: string;
  pre: Pre;
  bytes: Buffer[];
}

/** mulberry32: small, seeded, good enough to pick bytes */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, bytes };
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const msg = (type: number, payload: Buffer, csid = 3, streamId = 0) => chunks({ type, payload, csid, streamId });
const invoke = (payload: Buffer, streamId = 0) => msg(20, payload, 3, streamId);
/** A chunk header announcing a message of `length` bytes, with only `send` bytes following. */
const announce = (type: number, length: number, send: number) => {
  const h = Buffer.from([0x03, 0, 0, 0, 0, 0, 0, type, 0, 0, 0, 0]);
  h.writeUIntBE(length, 4, 3);
  return Buffer.concat([h, Buffer.alloc(send, 0x41)]);
};

function structuredCases(): Case[] {
  const cases: Case[] = [];
  const add = (name: string, pre: Pre, ...bytes: Buffer[]) => cases.push({ name, pre, bytes });
  const connect = (obj: Amf) => command('connect', 1, obj);

  // The findings: each crashed the whole process before authentication.
  add('connect without tcUrl', 'handshake', connect({ app: 'live' }));
  add('connect with a tcUrl that is not a URL', 'handshake', connect({ app: 'live', tcUrl: 'not a url' }));
  add('connect with a null command object', 'handshake', connect(null));
  add('connect with no command object at all', 'handshake', invoke(amf0('connect', 1)));
  add('connect with a number as command object', 'handshake', connect(42));
  add('connect with tcUrl a number', 'handshake', connect({ app: 'live', tcUrl: 7 }));
  add('connect with app an object', 'handshake', connect({ app: { x: 1 }, tcUrl: 'rtmp://a/live' }));
  const full = amf0('connect', 1, { app: 'live', tcUrl: 'rtmp://127.0.0.1/live' });
  for (const cut of [1, 3, 5, 9, 20]) add(`truncated AMF object (-${cut} bytes)`, 'handshake', invoke(full.subarray(0, full.length - cut)));
  const deep = (n: number) => Buffer.concat([amf0('connect', 1), Buffer.from([0x03]), Buffer.alloc(n * 4, Buffer.from([0x00, 0x01, 0x61, 0x03]))]);
  add('AMF nested 50,000 deep', 'handshake', chunks({ type: 20, payload: deep(50_000), csid: 3 }));
  add('AMF nested 3,000 deep (fits a small message)', 'handshake', invoke(deep(3000)));
  add('AMF long string of length 0xFFFFFFFF', 'handshake', invoke(Buffer.concat([amf0('connect', 1), Buffer.from([0x0c, 0xff, 0xff, 0xff, 0xff, 0x41])])));
  add('AMF string longer than the message', 'handshake', invoke(Buffer.concat([amf0('connect', 1), Buffer.from([0x02, 0xff, 0xff, 0x41])])));
  add('AMF strict array of 2^32-1 elements', 'handshake', invoke(Buffer.concat([amf0('connect', 1), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff])])));
  add('AMF unknown type marker', 'handshake', invoke(Buffer.from([0x02, 0, 7, ...Buffer.from('connect'), 0x11, 0x0d])));
  add('AMF reference / typed object / XML', 'handshake', invoke(Buffer.concat([amf0('connect', 1), Buffer.from([0x07, 0, 1, 0x10, 0, 1, 0x41, 0x0f, 0, 0, 0, 9])])));
  add('command name is a number', 'handshake', invoke(amf0(5, 1, { app: 'live' })));
  add('empty command message', 'handshake', invoke(Buffer.alloc(0)));
  add('publish with a null stream name', 'connect', command('publish', 3, null, null));
  add('publish with no stream name', 'connect', command('publish', 3, null));
  add('publish with a number as stream name', 'connect', command('publish', 3, null, 12));
  add('publish with an empty stream name', 'connect', command('publish', 3, null, ''));
  add('publish with a 60,000-character name', 'connect', chunks({ type: 20, payload: amf0('publish', 3, null, 'k'.repeat(60_000)), csid: 3 }));
  add('publish ../ path', 'connect', command('publish', 3, null, '../../etc/passwd'));
  add('publish with only a query', 'connect', command('publish', 3, null, '?a=b'));
  add('play with a null stream name', 'connect', command('play', 3, null, null));
  add('play a guessed internal name', 'connect', command('play', 3, null, 'i' + randomBytes(32).toString('base64url')));
  add('publish before connect', 'handshake', command('publish', 3, null, 'x'));
  add('play before connect', 'handshake', command('play', 3, null, 'x'));
  add('createStream before connect', 'handshake', command('createStream', 2, null));
  add('second connect', 'connect', command('connect', 9, { app: 'live', tcUrl: 'rtmp://127.0.0.1/live' }));
  add('connect to another application', 'handshake', connect({ app: 'admin', tcUrl: 'rtmp://127.0.0.1/admin' }));
  add('100 createStream', 'connect', ...Array.from({ length: 100 }, (_, i) => command('createStream', i + 3, null)));
  add('SET_CHUNK_SIZE with an empty payload', 'handshake', msg(1, Buffer.alloc(0), 2));
  add('SET_CHUNK_SIZE 0, then a message', 'handshake', msg(1, u32(0), 2), invoke(full));
  add('SET_CHUNK_SIZE 0x7fffffff, then a message', 'handshake', msg(1, u32(0x7fffffff), 2), invoke(full));
  add('SET_CHUNK_SIZE 0xffffffff', 'handshake', msg(1, u32(0xffffffff), 2), invoke(full));
  add('SET_CHUNK_SIZE 1, then a connect in 1-byte chunks', 'handshake', msg(1, u32(1), 2), chunks({ type: 20, payload: full, chunkSize: 1 }));
  add('one-byte video before connect', 'handshake', msg(9, Buffer.from([0x17]), 6));
  add('one-byte audio before connect', 'handshake', msg(8, Buffer.from([0xaf]), 4));
  add('one-byte video after connect', 'connect', msg(9, Buffer.from([0x17]), 6, 1));
  add('metadata before publish', 'connect', msg(18, amf0('@setDataFrame', 'onMetaData', { width: 1 }), 6, 1));
  add('a chunk header announcing 16 MB', 'handshake', announce(9, 0xffffff, 1000));
  add('a command header announcing 16 MB', 'handshake', announce(20, 0xffffff, 100));
  add('a 1 MB video message before connect', 'handshake', chunks({ type: 9, payload: Buffer.alloc(1024 * 1024, 1), csid: 6, chunkSize: 128 }));

  // Chunk stream edge cases.
  add('type-3 chunk first', 'handshake', Buffer.from([0xc3, 1, 2, 3]));
  add('type-2 chunk first', 'handshake', Buffer.from([0x83, 0, 0, 1, 1, 2, 3]));
  add('type-1 chunk first', 'handshake', Buffer.from([0x43, 0, 0, 1, 0, 0, 4, 20, 1, 2, 3, 4]));
  add('2-byte basic header (csid 64..319)', 'handshake', chunks({ type: 20, payload: full, csid: 300 }));
  add('3-byte basic header, csid 65599', 'handshake', chunks({ type: 20, payload: full, csid: 65599 }));
  add('40 chunk streams at once', 'handshake', ...Array.from({ length: 40 }, (_, i) => announce(9, 1000, 10).fill(i + 10, 0, 1)));
  add('extended timestamp announced, not sent', 'handshake', Buffer.from([0x03, 0xff, 0xff, 0xff, 0, 0, 4, 20, 0, 0, 0, 0]));
  add('extended timestamp 0xffffffff', 'connect', chunks({ type: 9, payload: Buffer.alloc(10, 0x17), csid: 6, timestamp: 0xffffffff, streamId: 1 }));
  add('extended timestamps on continuation chunks', 'handshake', chunks({ type: 20, payload: full, timestamp: 0x1000000 }));
  add('new header in the middle of a message', 'handshake', announce(20, 500, 100), announce(20, 500, 100));
  add('ABORT with an empty payload', 'handshake', msg(2, Buffer.alloc(0), 2));
  add('ABORT of an unknown chunk stream', 'handshake', msg(2, u32(0xdeadbeef), 2));
  add('ABORT of a message in progress', 'handshake', announce(9, 500, 100).fill(6, 0, 1), msg(2, u32(6), 2));
  add('window ack size 0 and short', 'handshake', msg(5, u32(0), 2), msg(5, Buffer.alloc(2), 2));
  add('user control events, short and long', 'handshake', msg(4, Buffer.alloc(0), 2), msg(4, Buffer.alloc(1000, 0xff), 2));
  // Handshake edge cases.
  add('handshake version 6 (RTMPE)', 'none', Buffer.concat([Buffer.from([6]), Buffer.alloc(1536)]));
  add('handshake version 0', 'none', Buffer.from([0, 1, 2, 3]));
  add('C0 only, then silence', 'none', Buffer.from([3]));
  add('C0 C1 and a garbage C2 followed by garbage', 'none', Buffer.concat([Buffer.from([3]), Buffer.alloc(1536, 9), Buffer.alloc(4000, 0xfe)]));
  add('HTTP request on the RTMP port', 'none', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  add('TLS ClientHello on the RTMP port', 'none', Buffer.from('16030100a5010000a10303', 'hex'));

  // Every message type with empty, short, 4-byte, malformed and oversized payloads, before
  // connect and on a created stream.
  const r = prng(SEED ^ 0x5a5a);
  for (const pre of ['handshake', 'stream'] as const) {
    for (const type of [...Array.from({ length: 23 }, (_, i) => i), 255]) {
      for (const [label, payload] of [
        ['empty', Buffer.alloc(0)],
        ['1 byte', Buffer.from([0x17])],
        ['4 bytes', r.bytes(4)],
        ['malformed 300 bytes', r.bytes(300)],
      ] as const) {
        add(`type ${type}, ${label}, ${pre === 'stream' ? 'after createStream' : 'before connect'}`, pre, msg(type, payload, 3 + (type % 5), 1));
      }
      add(`type ${type}, announcing 8 MB, ${pre}`, pre, announce(type, 8 * 1024 * 1024, 2000));
    }
  }
  return cases;
}

function randomCases(count: number): Case[] {
  const r = prng(SEED);
  const valid = [
    amf0('connect', 1, { app: 'live', tcUrl: 'rtmp://127.0.0.1/live', flashVer: 'FMLE/3.0' }),
    amf0('publish', 3, null, 'somekey', 'live'),
    amf0('play', 3, null, 'somename'),
    amf0('@setDataFrame', 'onMetaData', { width: 1280, height: 720 }),
  ];
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 4;
    if (kind === 0) {
      const head = r.next() < 0.5 ? Buffer.from([3]) : Buffer.alloc(0);
      cases.push({ name: `random #${i}: raw bytes, no handshake`, pre: 'none', bytes: [Buffer.concat([head, r.bytes(1 + r.int(3000))])] });
    } else if (kind === 1) {
      cases.push({ name: `random #${i}: bytes after the handshake`, pre: 'handshake', bytes: [r.bytes(1 + r.int(4096))] });
    } else {
      // plausible chunks carrying mutated commands: the parser's deeper paths
      const bytes: Buffer[] = [];
      for (let n = 1 + r.int(6); n > 0; n--) {
        const payload = Buffer.from(valid[r.int(valid.length)]!);
        for (let flips = r.int(8); flips > 0; flips--) payload[r.int(payload.length)] = r.int(256);
        const cut = r.next() < 0.3 ? payload.subarray(0, r.int(payload.length)) : payload;
        const type = r.next() < 0.7 ? [20, 17, 18][r.int(3)]! : r.int(256);
        bytes.push(chunks({ type, payload: cut, csid: 2 + r.int(80), streamId: r.int(3), timestamp: r.next() < 0.1 ? 0xffffff + r.int(10) : r.int(1000), chunkSize: 128 }));
        if (r.next() < 0.2) bytes.push(r.bytes(1 + r.int(20)));
      }
      cases.push({ name: `random #${i}: mutated chunks`, pre: kind === 2 ? 'handshake' : 'connect', bytes });
    }
  }
  return cases;
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

tap.test('hostile RTMP input while a show is live: nothing crashes, the show goes on', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hawker-fuzz-'));
  const configFile = join(dataDir, 'hawker.yaml');
  writeFileSync(configFile, `rtmp:\n  handshakeTimeoutMs: ${HANDSHAKE_TIMEOUT_MS}\n  idleTimeoutMs: 5000\n  maxConnectionsPerAddress: 64\n`);
  const server = await startServerProcess({ dataDir, env: { HAWKER_CONFIG: configFile, HAWKER_LOG_LEVEL: 'info' } });
  const publishers: Publisher[] = [];
  const open: RtmpTestClient[] = [];
  t.teardown(async () => {
    for (const c of open) c.destroy();
    await Promise.all(publishers.map((p) => p.stop()));
    server.kill();
  });
  const show = (await (await server.api('/api/shows', { method: 'POST', body: JSON.stringify({ title: 'Fuzzed' }) })).json()) as Record<string, string>;
  const key = show.streamKey!;
  publishers.push(publishTestPattern(`rtmp://127.0.0.1:${server.rtmpPort}/live/${key}`, { size: '320x180', maxSeconds: 150 + Math.ceil(RANDOM_CASES / 10) }));
  const playlist = join(server.dataDir, 'media', 'hls', show.id!, '360p', 'index.m3u8');
  await waitFor('the show to produce segments', () => existsSync(playlist) && parseMediaPlaylist(readFileSync(playlist, 'utf8')).entries.length >= 2, 40_000);
  const segments = () => parseMediaPlaylist(readFileSync(playlist, 'utf8')).entries.length;
  const baselineKb = rssKb(server.pid);

  await t.test("FFmpeg's command line carries no stream key", async (t) => {
    const transcoders = transcoderPids(server.pid);
    t.equal(transcoders.length, 1);
    for (const pid of transcoders) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      t.match(argv, /rtmp:\/\/127\.0\.0\.1:\d+\/live\/i[A-Za-z0-9_-]+/, 'it reads an internal name');
      t.notOk(argv.includes(key), 'not the key');
    }
  });

  let tried = 0;
  let crashes = 0;
  let peakKb = baselineKb;
  const alive = () => server.child.exitCode === null && server.child.signalCode === null;
  async function runCase(c: Case): Promise<void> {
    tried += 1;
    const client = await RtmpTestClient.open(server.rtmpPort);
    try {
      if (c.pre !== 'none') await client.handshake(3000);
      if (c.pre === 'connect' || c.pre === 'stream') await client.connect();
      for (const b of c.bytes) if (!(await client.write(b))) break;
      await Promise.race([client.closedPromise, sleep(c.pre === 'none' ? 5 : 20)]);
    } catch {
      // the server closing us mid-case is one of the good outcomes
    } finally {
      client.destroy();
    }
  }
  async function check(name: string): Promise<boolean> {
    if (!alive()) {
      crashes += 1;
      t.fail(`server died on: ${name}\n${server.output().slice(-3000)}`);
      return false;
    }
    peakKb = Math.max(peakKb, rssKb(server.pid));
    const health = await fetch(server.httpUrl + '/healthz', { signal: AbortSignal.timeout(5000) }).catch(() => null);
    if (!health?.ok) {
      t.fail(`/healthz did not answer after: ${name}`);
      return false;
    }
    const age = Date.now() - statSync(playlist).mtimeMs;
    if (age > 10_000) {
      t.fail(`the show stopped producing segments after: ${name} (playlist ${age} ms old)`);
      return false;
    }
    return true;
  }
  async function runAll(t: Pick<typeof tap, 'equal' | 'ok'>, cases: Case[]): Promise<void> {
    const before = segments();
    const started = Date.now();
    let ok = 0;
    for (const c of cases) {
      await runCase(c);
      if (!(await check(c.name))) break;
      ok += 1;
    }
    t.equal(ok, cases.length, `${ok}/${cases.length} cases and the server is up`);
    if (Date.now() - started > 3000) t.ok(segments() > before, 'the show kept producing segments');
  }

  await t.test('structured hostile inputs', async (t) => runAll(t, structuredCases()));
  await t.test(`seeded random byte streams (seed ${SEED}, ${RANDOM_CASES} cases)`, async (t) => runAll(t, randomCases(RANDOM_CASES)));

  await t.test('flood: 300 half-open sockets, refused publishers sending 200 MB, garbage senders', async (t) => {
    const before = segments();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        if (alive()) peakKb = Math.max(peakKb, rssKb(server.pid));
        await sleep(50);
      }
    })();
    const halfOpen = await Promise.all(Array.from({ length: 300 }, () => RtmpTestClient.open(server.rtmpPort).catch(() => null)));
    for (const c of halfOpen) if (c) open.push(c);
    tried += 300;
    const blob = randomBytes(256 * 1024);
    const refusedPublisher = async () => {
      tried += 1;
      const c = await RtmpTestClient.open(server.rtmpPort);
      open.push(c);
      let sent = 0;
      try {
        await c.handshake(3000);
        await c.connect();
        await c.start('publish', 'wrong-' + randomBytes(8).toString('hex'));
        while (sent < 40 * 1024 * 1024 && (await c.write(chunks({ type: 9, payload: blob.subarray(0, 50_000), csid: 6, streamId: 1, chunkSize: 60000 })))) sent += 50_000;
      } catch {
        // refused and closed: expected
      }
      return sent;
    };
    const garbage = async (): Promise<number> => {
      tried += 1;
      const c = await RtmpTestClient.open(server.rtmpPort);
      open.push(c);
      try {
        await c.handshake(3000);
        for (let i = 0; i < 8; i++) if (!(await c.write(blob))) break;
      } catch {
        // closed: expected
      }
      return 0;
    };
    const sent = await Promise.all([...Array.from({ length: 5 }, refusedPublisher), ...Array.from({ length: 10 }, garbage)]);
    await waitFor('every flood connection to be closed', () => halfOpen.every((c) => !c || c.closed), HANDSHAKE_TIMEOUT_MS + 8000);
    await sleep(1000);
    sampling = false;
    await sampler;
    t.ok(alive(), 'the server survived the flood');
    t.ok(await check('the flood'), 'healthz answers and the show is fresh');
    t.ok(segments() > before, 'the show kept producing segments through the flood');
    const refusedSent = sent.slice(0, 5).reduce((a, b) => a + b, 0);
    t.ok(refusedSent < 5 * 40 * 1024 * 1024, `refused publishers were cut off (wrote ${Math.round(refusedSent / 1e6)} MB of 200 MB)`);
    t.ok(peakKb - baselineKb < 150 * 1024, `RSS peak ${Math.round(peakKb / 1024)} MB, baseline ${Math.round(baselineKb / 1024)} MB`);
    t.comment(`flood: peak RSS ${Math.round(peakKb / 1024)} MB (baseline ${Math.round(baselineKb / 1024)} MB)`);
  });

  await t.test('the test pattern publishes without the key in its argv, and its show goes live', async (t) => {
    const other = (await (await server.api('/api/shows', { method: 'POST', body: JSON.stringify({ title: 'Pattern' }) })).json()) as Record<string, string>;
    const res = await server.api(`/api/shows/${other.id}/test-pattern`, { method: 'POST', body: JSON.stringify({ seconds: 20 }) });
    t.equal(res.status, 202);
    await waitFor('the pattern show to go live', async () => ((await (await server.api(`/api/shows/${other.id}`)).json()) as Record<string, string>).status === 'live', 20_000);
    // both shows' transcoders and the pattern's publisher (a poster grab may be running too)
    await waitFor('its transcoder', () => transcoderPids(server.pid).length >= 2 && ffmpegChildren(server.pid).length >= 3, 20_000);
    const argvs = ffmpegChildren(server.pid).map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    t.ok(argvs.some((a) => /\/live\/p[A-Za-z0-9_-]+/.test(a)), 'the pattern publishes to a one-use token');
    t.notOk(argvs.some((a) => a.includes(key) || a.includes(other.streamKey!)), 'no FFmpeg argv holds a stream key');
    await server.api(`/api/shows/${other.id}/test-pattern`, { method: 'DELETE' });
  });

  t.equal(crashes, 0, 'no crash');
  t.comment(`hostile RTMP inputs tried: ${tried}; crashes: ${crashes}; peak RSS ${Math.round(peakKb / 1024)} MB (baseline ${Math.round(baselineKb / 1024)} MB)`);
  t.notOk(server.output().includes(key), 'the stream key never appears in the logs');
});
