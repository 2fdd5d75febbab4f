// npm run bench:live-now
// GET /api/live-now as a busy shop's pages would call it: a running Hawker with a live show
// whose lineup holds BENCH_PRODUCTS products (each with two variants: three SKUs), and an
// open-loop client sending BENCH_RATE requests a second for BENCH_SECONDS, each asking about
// 1,000 SKUs (BENCH_LIVE of them live, the rest not) in the comma form, over keep-alive
// connections. Prints p50/p95/p99 latency and the server process's CPU (from /proc), and the
// same load against a bare node:http server answering from a Map (scripts/bench/live-now-bare.ts),
// side by side with the ratio; plus the shop script's transfer size, raw and gzip. The client
// runs on the same cores as the server (say so with the figures). Hawker logs every request
// at info unless BENCH_LOG_LEVEL says otherwise.
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { request } from 'undici';
import { sleep, waitFor } from '../../test/helpers/wait.js';
import { cpuTimes, freePort, percentile, startBenchServer } from './lib.js';

const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 200);
const LIVE_PER_REQUEST = Number(process.env.BENCH_LIVE ?? 50);
const SKUS_PER_REQUEST = 1000;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const TOKEN = 'bench-admin-token-0123456789';
/** distinct query strings the client rotates through (a shop has many pages) */
const QUERIES = 50;

interface Load {
  server: string;
  sent: number;
  ok: number;
  failed: number;
  p50: number;
  p95: number;
  p99: number;
  /** server CPU over the run: cores busy (CPU-s per s) and µs per request */
  cores: number;
  cpuUsPerRequest: number;
  itemsPerAnswer: number;
}

/** the live SKUs of the lineup: product SKU and its two variants' */
const liveSkus = Array.from({ length: PRODUCTS }, (_, i) => [`LIVE-${i}`, `LIVE-${i}-S`, `LIVE-${i}-M`]).flat();

/** QUERIES query strings of 1,000 SKUs: LIVE_PER_REQUEST live ones spread among shop SKUs that are not */
function queries(): string[] {
  const out: string[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const skus: string[] = [];
    const every = Math.max(1, Math.floor(SKUS_PER_REQUEST / LIVE_PER_REQUEST));
    let live = 0;
    for (let i = 0; i < SKUS_PER_REQUEST; i++) {
      const isLive = i % every === 0 && live < LIVE_PER_REQUEST;
      skus.push(isLive ? liveSkus[(q * 7 + live) % liveSkus.length]! : `SHOP-${q}-${String(i).padStart(5, '0')}`);
      if (isLive) live++;
    }
    out.push(`/api/live-now?sku=${skus.sort().join(',')}`);
  }
  return out;
}

/**
 * One keep-alive HTTP/1.1 connection that sends prepared request bytes and reads answers by
 * their content-length: the load generator shares the cores with the server, and undici or
 * node:http spend more per request on a 15 KB URL than the server does answering it.
 */
class RawConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: ((answer: { status: number; body: string }) => void) | null = null;
  busy = false;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.read();
    });
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.setNoDelay(true);
      socket.once('error', reject);
    });
  }

  send(bytes: Buffer): Promise<{ status: number; body: string }> {
    this.busy = true;
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(bytes);
    });
  }

  private read(): void {
    const head = this.buffer.indexOf('\r\n\r\n');
    if (head < 0 || !this.waiting) return;
    const headers = this.buffer.subarray(0, head).toString('latin1');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(headers)?.[1] ?? 0);
    if (this.buffer.length < head + 4 + length) return;
    const body = this.buffer.subarray(head + 4, head + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(head + 4 + length);
    const done = this.waiting;
    this.waiting = null;
    this.busy = false;
    done({ status: Number(headers.slice(9, 12)), body });
  }

  close(): void {
    this.socket.destroy();
  }
}

async function drive(name: string, base: string, pid: number): Promise<Load> {
  const port = Number(new URL(base).port);
  const requests = queries().map((path) => Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: identity\r\n\r\n`, 'latin1'));
  const connections = await Promise.all(Array.from({ length: CONNECTIONS }, () => RawConnection.open(port)));
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let sent = 0;
  let items = 0;
  /** requests due but waiting for a free connection: their latency counts from when they were due */
  const queue: Array<{ due: number; bytes: Buffer }> = [];
  const pump = (connection: RawConnection) => {
    const next = queue.shift();
    if (!next) return;
    void connection.send(next.bytes).then(({ status, body }) => {
      latencies.push(performance.now() - next.due);
      if (status === 200) {
        ok++;
        if (items === 0) items = Object.keys((JSON.parse(body) as { items: object }).items).length;
      } else failed++;
      pump(connection);
    });
  };
  const dispatch = () => {
    for (const c of connections) if (!c.busy && queue.length) pump(c);
  };
  // warm up (JIT, connections)
  for (let i = 0; i < 300; i++) queue.push({ due: performance.now(), bytes: requests[i % requests.length]! });
  dispatch();
  await waitFor('the warm-up', () => queue.length === 0 && connections.every((c) => !c.busy), 60_000, 20);
  latencies.length = 0;
  ok = 0;
  items = 0;
  const cpu0 = cpuTimes(pid);
  const t0 = performance.now();
  const total = RATE * SECONDS;
  // open loop: request n is due at t0 + n / RATE, whether or not earlier ones have answered
  while (sent < total) {
    const wait = t0 + (sent * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    while (sent < total && t0 + (sent * 1000) / RATE <= performance.now()) {
      queue.push({ due: t0 + (sent * 1000) / RATE, bytes: requests[sent % requests.length]! });
      sent++;
    }
    dispatch();
  }
  await waitFor('the last answers', () => ok + failed >= total, 120_000, 20);
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = cpuTimes(pid);
  const cpuSeconds = cpu1.user + cpu1.system - cpu0.user - cpu0.system;
  for (const c of connections) c.close();
  return {
    server: name,
    sent,
    ok,
    failed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    cores: cpuSeconds / seconds,
    cpuUsPerRequest: (cpuSeconds / Math.max(1, ok)) * 1e6,
    itemsPerAnswer: items,
  };
}

async function hawkerRun(): Promise<{ load: Load; script: { raw: number; gzip: number } }> {
  const server = await startBenchServer({
    name: 'live-now',
    token: TOKEN,
    logLevel: LOG_LEVEL,
    configYaml: 'live:\n  reconnectWindowSeconds: 3600\n',
  });
  try {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(server.base + path, { method, headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : null) as Record<string, unknown>;
    };
    const ids: string[] = [];
    for (let i = 0; i < PRODUCTS; i++) {
      const p = await call('POST', '/api/products', { sku: `LIVE-${i}`, title: `Product ${i}`, price: 1000, currency: 'EUR', stock: 0, options: [{ name: 'Size', values: ['S', 'M'] }], variants: [{ sku: `LIVE-${i}-S`, options: { Size: 'S' }, price: 1000, stock: 5 }, { sku: `LIVE-${i}-M`, options: { Size: 'M' }, price: 1000, stock: 5 }] });
      ids.push(String(p.id));
    }
    const show = await call('POST', '/api/shows', { title: 'Bench show' });
    await call('PUT', `/api/shows/${String(show.id)}/lineup`, { productIds: ids });
    // on air through the server's own test pattern, then the host "drops": the show stays live
    // for the reconnect window with no FFmpeg running, so the load has the cores to itself
    await fetch(`${server.base}/api/shows/${String(show.id)}/test-pattern`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ seconds: 60 }) });
    await waitFor('the show to go live', async () => (await call('GET', `/api/shows/${String(show.id)}`)).status === 'live', 60_000, 250);
    await fetch(`${server.base}/api/shows/${String(show.id)}/test-pattern`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
    await sleep(3000);
    const raw = (await (await fetch(`${server.base}/embed/live.js`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer()).byteLength;
    const zipped = await request(`${server.base}/embed/live.js`, { headers: { 'accept-encoding': 'gzip' } });
    const gzip = (await zipped.body.arrayBuffer()).byteLength;
    return { load: await drive(`Hawker (log ${LOG_LEVEL})`, server.base, server.pid), script: { raw, gzip } };
  } finally {
    server.stop();
  }
}

async function bareRun(): Promise<Load> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/live-now-bare.ts', String(port), liveSkus.join(',')], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), (SECONDS + 120) * 1000);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the bare server did not start in 30 s')), 30_000);
      child.stdout.once('data', () => (clearTimeout(timer), resolve()));
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`the bare server exited (${code})`))));
    });
    return await drive('bare node:http + Map', `http://127.0.0.1:${port}`, child.pid!);
  } finally {
    clearTimeout(killer);
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

const line = (l: Load) =>
  `${l.server.padEnd(24)} ${l.ok}/${l.sent} ok (${l.failed} failed), ${l.itemsPerAnswer} live items an answer; p50 ${l.p50.toFixed(2)} ms, p95 ${l.p95.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms; server CPU ${l.cores.toFixed(2)} cores = ${Math.round(l.cpuUsPerRequest)} µs/request`;

const { load: hawker, script } = await hawkerRun();
await sleep(500);
const bare = await bareRun();
console.log(`\nbench:live-now: ${RATE} requests/s for ${SECONDS} s, ${SKUS_PER_REQUEST} SKUs each (${LIVE_PER_REQUEST} live, comma form, ${QUERIES} distinct URLs), ${CONNECTIONS} keep-alive connections; ${PRODUCTS} products x 3 SKUs in the live lineup; client on the same cores`);
console.log(line(hawker));
console.log(line(bare));
console.log(`Hawker / bare: p50 ${(hawker.p50 / bare.p50).toFixed(2)}x, p99 ${(hawker.p99 / bare.p99).toFixed(2)}x, CPU per request ${(hawker.cpuUsPerRequest / bare.cpuUsPerRequest).toFixed(2)}x`);
console.log(`shop script /embed/live.js: ${script.raw} bytes raw, ${script.gzip} bytes gzip`);
