// npm run bench:orders
// Orders per second and latency under contention, over real HTTP with keep-alive, with the
// oversell check, Hawker side by side with its anchor in one run: a bare node:http +
// better-sqlite3 server (scripts/bench/orders-bare.ts) doing the same transaction per order on
// the same schema. The same load generator drives both: 64 connections buy one unit at a time
// (JSON body, Bearer viewer token, a fresh Idempotency-Key each) from one variant until its
// stock is gone. Rounds alternate Hawker and the anchor (the 2 cores are shared and noisy);
// the summary is the median of each. Hawker logs every request (info) unless
// BENCH_LOG_LEVEL says otherwise. BENCH_COMPILED=1 runs Hawker from dist/ (npm run build
// first) instead of src/ through tsx. BENCH_PROF=1 writes a CPU profile of each Hawker process to
// bench-out/prof (summarise it with scripts/bench/profile-summary.ts).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Agent, request } from 'undici';
import { sleep } from '../../test/helpers/wait.js';
import { cpuTimes, freePort, percentile, startBenchServer } from './lib.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const STOCK = Number(process.env.BENCH_STOCK ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const PROFILE = Boolean(process.env.BENCH_PROF);
/** run Hawker as `npm start` does (dist/, after npm run build): the profile then names functions */
const COMPILED = Boolean(process.env.BENCH_COMPILED);
const TOKEN = 'bench-admin-token-0123456789';
/**
 * A/B: another checkout of Hawker (e.g. `git worktree add /tmp/hawker-before <commit>` with a
 * node_modules link) run in each round too, so before and after share the machine's moods.
 */
const BASELINE = process.env.BENCH_BASELINE;

interface Round {
  server: string;
  created: number;
  soldOut: number;
  other: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** the server process's CPU (user + system) per order placed: what the disk does not hide */
  cpuMsPerOrder: number;
  /** of which in the kernel (fsync, sockets) */
  systemMsPerOrder: number;
  inDb: number;
  stock: number;
}

/** The load generator both servers get: the same connections, requests and stopping rule. */
async function drive(base: string, pid: number, setup: (call: Call) => Promise<{ showId: string; productId: string; variantId: string; tokens: string[] }>) {
  const dispatcher = new Agent({ connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 30_000 });
  const call: Call = async (method, path, body, auth, extra = {}) => {
    const json = body === undefined ? {} : { 'content-type': 'application/json' };
    const res = await request(base + path, { method, dispatcher, headers: { authorization: `Bearer ${auth}`, ...json, ...extra }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.body.text();
    return { status: res.statusCode, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  try {
    const { showId, productId, variantId, tokens } = await setup(call);
    // what a buy sheet sends: a variant, the buyer's contact and address, the payment chosen
    const order = { productId, variantId, quantity: 1, contact: BUYER.contact, shippingAddress: BUYER.shippingAddress, payment: 'manual' };
    const latencies: number[] = [];
    let created = 0;
    let soldOut = 0;
    let other = 0;
    let done = false;
    const cpuBefore = cpuTimes(pid);
    const started = performance.now();
    await Promise.all(
      tokens.map(async (token, c) => {
        for (let n = 0; !done; n++) {
          const t0 = performance.now();
          const res = await call('POST', `/api/shows/${showId}/orders`, order, token, { 'idempotency-key': `${c}-${n}` });
          latencies.push(performance.now() - t0);
          if (res.status === 201) created++;
          else if (res.body.code === 'SOLD_OUT') {
            soldOut++;
            done = true;
          } else {
            other++;
            if (other === 1) console.error(`unexpected answer ${res.status}`, res.body);
            if (other > 100) done = true;
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = cpuTimes(pid);
    const perOrder = (s: number) => (s * 1000) / Math.max(1, created);
    const systemMsPerOrder = perOrder(cpuAfter.system - cpuBefore.system);
    const cpuMsPerOrder = perOrder(cpuAfter.user - cpuBefore.user) + systemMsPerOrder;
    return { cpuMsPerOrder, systemMsPerOrder, created, soldOut, other, seconds, perSecond: created / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    await dispatcher.close();
  }
}
const BUYER = {
  contact: { name: 'Ana Buyer', email: 'ana@example.com' },
  shippingAddress: { name: 'Ana Buyer', line1: '1 Market Street', city: 'Springfield', postalCode: '12345', country: 'US' },
};
type Call = (method: 'POST' | 'GET' | 'PUT' | 'DELETE', path: string, body: unknown, auth: string, extra?: Record<string, string>) => Promise<{ status: number; body: Record<string, unknown> }>;

function soldInDb(dataDir: string) {
  const db = new Database(join(dataDir, 'hawker.db'), { readonly: true });
  try {
    return { inDb: db.prepare('SELECT count(*) FROM orders').pluck().get() as number, stock: db.prepare("SELECT stock FROM product_variants WHERE sku = 'B-S'").pluck().get() as number };
  } finally {
    db.close();
  }
}

async function hawkerRound(cwd?: string): Promise<Round> {
  const server = await startBenchServer({
    ...(cwd ? { cwd } : {}),
    name: 'orders',
    token: TOKEN,
    logLevel: LOG_LEVEL,
    configYaml: 'http:\n  apiRateLimitPerMinute: 1000000\n  viewerRateLimitPerMinute: 1000000\nlive:\n  reconnectWindowSeconds: 3600\n',
    nodeArgs: PROFILE ? ['--cpu-prof', '--cpu-prof-dir=bench-out/prof'] : [],
    compiled: COMPILED,
  });
  try {
    const load = await drive(server.base, server.pid, async (call) => {
      // a product with two variants: the load buys one of them (its stock is the one sold out)
      const product = (await call('POST', '/api/products', { sku: 'B', title: 'Bench', price: 100, currency: 'USD', options: [{ name: 'Size', values: ['S', 'M'] }], variants: [{ sku: 'B-S', options: { Size: 'S' }, price: 100, stock: STOCK }, { sku: 'B-M', options: { Size: 'M' }, price: 100, stock: STOCK }] }, TOKEN)).body;
      const variantId = String((product.variants as Array<{ id: string; sku: string }>).find((v) => v.sku === 'B-S')!.id);
      const show = (await call('POST', '/api/shows', { title: 'bench' }, TOKEN)).body;
      // in the show's lineup, as a real order's product is
      await call('PUT', `/api/shows/${String(show.id)}/lineup`, { productIds: [product.id] }, TOKEN);
      // orders are taken while the show is live: on air by the server's own test pattern, which then
      // stops (the reconnect window keeps the show live; no FFmpeg runs during the load)
      await call('POST', `/api/shows/${String(show.id)}/test-pattern`, { seconds: 60 }, TOKEN);
      for (let i = 0; ; i++) {
        if ((await call('GET', `/api/shows/${String(show.id)}`, undefined, TOKEN)).body.status === 'live') break;
        if (i > 300) throw new Error('the bench show did not go live in 30 s');
        await sleep(100);
      }
      await call('DELETE', `/api/shows/${String(show.id)}/test-pattern`, undefined, TOKEN);
      const tokens: string[] = [];
      for (let i = 0; i < CONNECTIONS; i++) tokens.push(String((await call('POST', '/api/viewers', { displayName: `b${i}` }, 'none')).body.token));
      return { showId: String(show.id), productId: String(product.id), variantId, tokens };
    });
    return { server: `Hawker${cwd ? ' baseline' : ''} (log ${LOG_LEVEL})`, ...load, ...soldInDb(server.dataDir) };
  } finally {
    // SIGINT first: a profiled run writes its profile on a clean exit
    if (PROFILE) {
      process.kill(server.pid, 'SIGINT');
      await sleep(3000);
    }
    server.stop();
    await sleep(300);
  }
}

async function bareRound(): Promise<Round> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hawker-bench-orders-bare-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/orders-bare.ts', String(port), dataDir, String(STOCK)], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), 300_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the bare server did not start in 30 s')), 30_000);
      child.stdout.once('data', () => (clearTimeout(timer), resolve()));
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`the bare server exited (${code})`))));
    });
    const load = await drive(`http://127.0.0.1:${port}`, child.pid!, async (call) => {
      const tokens: string[] = [];
      let ids = { showId: '', productId: '', variantId: '' };
      for (let i = 0; i < CONNECTIONS; i++) {
        const { body } = await call('POST', '/api/viewers', { displayName: `b${i}` }, 'none');
        tokens.push(String(body.token));
        ids = { showId: String(body.showId), productId: String(body.productId), variantId: String(body.variantId) };
      }
      return { ...ids, tokens };
    });
    return { server: 'bare node:http + better-sqlite3', ...load, ...soldInDb(dataDir) };
  } finally {
    clearTimeout(killer);
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
    await sleep(300);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const line = (r: Round) =>
  `${r.server.padEnd(32)} ${String(r.created).padStart(6)} orders in ${r.seconds.toFixed(1).padStart(4)} s = ${String(Math.round(r.perSecond)).padStart(5)} orders/s; ` +
  `p50 ${r.p50.toFixed(1).padStart(5)} ms, p99 ${r.p99.toFixed(1).padStart(5)} ms; server CPU ${r.cpuMsPerOrder.toFixed(3)} ms/order (kernel ${r.systemMsPerOrder.toFixed(3)}); ` +
  `sold ${r.inDb} in SQLite, stock left ${r.stock} (${r.inDb === STOCK && r.stock === 0 && r.created === STOCK ? 'exact' : 'MISMATCH'}), ${r.soldOut} sold-out answers, ${r.other} other`;
const median = (xs: number[]) => percentile(xs, 50);

const hawker: Round[] = [];
const bare: Round[] = [];
const baseline: Round[] = [];
const sides = BASELINE ? (['hawker', 'bare', 'baseline'] as const) : (['hawker', 'bare'] as const);
for (let i = 0; i < ROUNDS; i++) {
  // rotate which goes first: a neighbour's burst then lands on any side
  for (let k = 0; k < sides.length; k++) {
    const side = sides[(i + k) % sides.length]!;
    const r = side === 'hawker' ? await hawkerRound() : side === 'baseline' ? await hawkerRound(BASELINE) : await bareRound();
    (side === 'hawker' ? hawker : side === 'baseline' ? baseline : bare).push(r);
    console.log(`round ${i + 1}: ${line(r)}`);
  }
}
const summary = (rs: Round[]) => ({ perSecond: median(rs.map((r) => r.perSecond)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), cpu: median(rs.map((r) => r.cpuMsPerOrder)), system: median(rs.map((r) => r.systemMsPerOrder)) });
const [h, b] = [summary(hawker), summary(bare)];
const exact = [...hawker, ...bare, ...baseline].every((r) => r.inDb === STOCK && r.stock === 0 && r.created === STOCK && r.other === 0);
console.log(`\nbench:orders: ${CONNECTIONS} keep-alive connections, one variant (of a product with two) with ${STOCK} in stock, bought with contact, address and manual payment on a live show, ${ROUNDS} alternating rounds, load generator on the same 2 cores; medians:`);
console.log(`Hawker (log ${LOG_LEVEL}): ${Math.round(h.perSecond)} orders/s, p50 ${h.p50.toFixed(1)} ms, p99 ${h.p99.toFixed(1)} ms, server CPU ${h.cpu.toFixed(3)} ms/order (kernel ${h.system.toFixed(3)})`);
if (baseline.length) {
  const a = summary(baseline);
  console.log(`Hawker baseline (${BASELINE}): ${Math.round(a.perSecond)} orders/s, p50 ${a.p50.toFixed(1)} ms, p99 ${a.p99.toFixed(1)} ms, server CPU ${a.cpu.toFixed(3)} ms/order (kernel ${a.system.toFixed(3)}); ${(a.perSecond / b.perSecond).toFixed(2)}x the bare rate`);
}
console.log(`bare server:        ${Math.round(b.perSecond)} orders/s, p50 ${b.p50.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms, server CPU ${b.cpu.toFixed(3)} ms/order (kernel ${b.system.toFixed(3)})`);
console.log(`Hawker / bare: ${(h.perSecond / b.perSecond).toFixed(2)}x the rate, ${(h.cpu / b.cpu).toFixed(2)}x the CPU per order; exactly the stock sold in every round: ${exact ? 'yes' : 'NO'}`);
process.exit(exact ? 0 : 1);
