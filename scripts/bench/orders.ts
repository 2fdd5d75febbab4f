// npm run bench:orders
// Orders per second and latency under contention, over real HTTP with keep-alive, against the
// server process on a real SQLite file (synchronous=FULL), with the oversell check: 64
// connections buy from one product until its stock is gone, every request a fresh
// Idempotency-Key. The load generator shares the 2 cores. Run once with the default log level
// (every request logged) and once with warn.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Agent, request } from 'undici';
import { sleep } from '../../test/helpers/wait.js';
import { percentile, startBenchServer } from './lib.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const STOCK = Number(process.env.BENCH_STOCK ?? 20_000);
const TOKEN = 'bench-admin-token-0123456789';

async function run(logLevel: string) {
  const server = await startBenchServer({
    name: 'orders',
    token: TOKEN,
    logLevel,
    configYaml: 'http:\n  apiRateLimitPerMinute: 1000000\n  viewerRateLimitPerMinute: 1000000\n',
    nodeArgs: process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=bench-out/prof'] : [],
  });
  const base = server.base;
  const dispatcher = new Agent({ connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 30_000 });
  try {
    const call = async (method: 'POST' | 'GET', path: string, body: unknown, auth: string, extra: Record<string, string> = {}) => {
      const res = await request(base + path, { method, dispatcher, headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json', ...extra }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.statusCode, body: (await res.body.json()) as Record<string, any> };
    };
    const product = (await call('POST', '/api/products', { sku: 'B', title: 'Bench', price: 100, currency: 'USD', stock: STOCK }, TOKEN)).body;
    const show = (await call('POST', '/api/shows', { title: 'bench' }, TOKEN)).body;
    const tokens: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) tokens.push((await call('POST', '/api/viewers', { displayName: `b${i}` }, 'none')).body.token);

    const latencies: number[] = [];
    let created = 0;
    let soldOut = 0;
    let other = 0;
    const started = performance.now();
    let done = false;
    await Promise.all(
      tokens.map(async (token, c) => {
        for (let n = 0; !done; n++) {
          const t0 = performance.now();
          const res = await call('POST', `/api/shows/${show.id}/orders`, { productId: product.id, quantity: 1 }, token, { 'idempotency-key': `${c}-${n}` });
          latencies.push(performance.now() - t0);
          if (res.status === 201) created++;
          else if (res.body.code === 'SOLD_OUT') {
            soldOut++;
            done = true;
          } else other++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const db = new Database(join(server.dataDir, 'hawker.db'), { readonly: true });
    const inDb = db.prepare('SELECT count(*) FROM orders').pluck().get() as number;
    const stock = db.prepare('SELECT stock FROM products').pluck().get() as number;
    db.close();
    return { logLevel, created, soldOut, other, seconds, perSecond: created / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), inDb, stock };
  } finally {
    await dispatcher.close();
    // SIGINT first: a profiled run writes its profile on a clean exit
    if (process.env.BENCH_PROF) {
      process.kill(server.pid, 'SIGINT');
      await sleep(3000);
    }
    server.stop();
    await sleep(300);
  }
}

const results = [];
for (const level of process.env.BENCH_PROF ? ['warn'] : ['info', 'warn']) results.push(await run(level));
console.log(`\nHawker orders benchmark: ${CONNECTIONS} keep-alive connections, one product with ${STOCK} in stock, load generator on the same 2 cores\n`);
for (const r of results) {
  console.log(
    `log level ${r.logLevel}: ${r.created} orders in ${r.seconds.toFixed(1)} s = ${Math.round(r.perSecond)} orders/s; latency p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; ` +
      `oversell check: ${r.inDb} orders in SQLite, stock left ${r.stock} (${r.inDb === STOCK && r.stock === 0 ? 'exact' : 'MISMATCH'}), ${r.soldOut} sold-out answers, ${r.other} other errors`,
  );
}
process.exit(0);
