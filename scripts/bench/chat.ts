// npm run bench:chat
// Chat fan-out: N WebSocket viewers (a separate load process on loopback), S of them sending
// M chat messages a second in total, for D seconds. Measures delivery latency (send to arrival,
// p50/p99, on a sample of viewers), delivered share, server CPU and RSS; then the same load
// against a bare `ws` server doing the same coalesced fan-out, side by side, as ratios.
// Hawker runs as `npm start` would, with warn logs, a real SQLite file, real viewer tokens.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { sleep } from '../../test/helpers/wait.js';
import { cpuSeconds, freePort, rssMb, startBenchServer } from './lib.js';

const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 5000);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 200);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const TOKEN = 'bench-admin-token-0123456789';

interface LoadResult {
  sent: number;
  received: number;
  expected: number;
  frames: number;
  megabytes: number;
  closedEarly: number;
  closeCodes: Record<string, number>;
  connectSeconds: number;
  p50: number;
  p99: number;
  max: number;
}

/** Runs the load process against a server pid; CPU and RSS of the server over the sending window. */
async function load(serverPid: number, wsUrl: string, tokens: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/chat-load.ts', wsUrl, String(VIEWERS), String(SENDERS), String(RATE), String(SECONDS), JSON.stringify(tokens)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), (SECONDS + 300) * 1000);
  const lines = createInterface({ input: child.stdout! });
  let cpu0 = 0;
  let load0 = 0;
  let t0 = 0;
  let peakRss = 0;
  let sampler: NodeJS.Timeout | null = null;
  try {
    for await (const line of lines) {
      const msg = JSON.parse(line) as { ready?: boolean } & LoadResult;
      if (msg.ready) {
        cpu0 = cpuSeconds(serverPid);
        load0 = cpuSeconds(child.pid!);
        t0 = performance.now();
        sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(serverPid, 'VmRSS'))), 500);
        continue;
      }
      const wall = (performance.now() - t0) / 1000;
      return {
        ...msg,
        serverCores: (cpuSeconds(serverPid) - cpu0) / wall,
        loadCores: (cpuSeconds(child.pid!) - load0) / wall,
        peakRssMb: Math.max(peakRss, rssMb(serverPid, 'VmRSS')),
      };
    }
    throw new Error('the load process ended without a result');
  } finally {
    if (sampler) clearInterval(sampler);
    clearTimeout(killer);
    child.kill('SIGKILL');
  }
}

function stop(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // gone
  }
}

async function hawker() {
  // 200 senders at 0.5 msg/s each is above the default 20 a minute per viewer
  const server = await startBenchServer({
    name: 'chat',
    token: TOKEN,
    configYaml: 'http:\n  apiRateLimitPerMinute: 1000000\n  viewerRateLimitPerMinute: 1000000\naudience:\n  chatPerMinute: 120\n  chatBurst: 10\n  maxConnectionsPerAddress: 100000\n',
  });
  try {
    const post = async (path: string, body: unknown, auth?: string) =>
      (await (await fetch(server.base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) }, body: JSON.stringify(body) })).json()) as Record<string, string>;
    const show = await post('/api/shows', { title: 'bench', host: 'Bench' }, TOKEN);
    const tokens: string[] = [];
    for (let i = 0; i < SENDERS; i++) tokens.push((await post('/api/viewers', { displayName: `sender ${i}` })).token!);
    const idleRss = rssMb(server.pid, 'VmRSS');
    const result = await load(server.pid, `ws://127.0.0.1:${server.httpPort}/api/shows/${show.id}/live`, tokens);
    return { ...result, idleRssMb: idleRss };
  } finally {
    server.stop();
  }
}

async function bare() {
  const port = await freePort();
  const server = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/chat-bare.ts', String(port)], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve) => server.stdout!.once('data', () => resolve()));
    await sleep(200);
    const idleRss = rssMb(server.pid!, 'VmRSS');
    const result = await load(server.pid!, `ws://127.0.0.1:${port}/`, []);
    return { ...result, idleRssMb: idleRss };
  } finally {
    stop(server);
  }
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const row = (name: string, r: Awaited<ReturnType<typeof hawker>>) => ({
  server: name,
  viewers: VIEWERS,
  'msg/s in': RATE,
  sent: r.sent,
  'delivered %': round((100 * r.received) / r.expected, 2),
  'p50 ms': round(r.p50),
  'p99 ms': round(r.p99),
  'max ms': round(r.max),
  'server cores': round(r.serverCores, 2),
  'load cores': round(r.loadCores, 2),
  'RSS MB (peak)': round(r.peakRssMb),
  'RSS MB (idle)': round(r.idleRssMb),
  'MB out': round(r.megabytes),
  'dropped early': r.closedEarly,
  'connect s': round(r.connectSeconds, 1),
});

console.log(`bench:chat — ${VIEWERS} viewers, ${SENDERS} senders, ${RATE} msg/s for ${SECONDS} s; latency on a sample of ${Math.min(VIEWERS, Number(process.env.BENCH_SAMPLE ?? 200))} viewers`);
const h = await hawker();
const b = await bare();
console.table([row('hawker', h), row('bare ws', b)]);
console.log(
  JSON.stringify({
    ratio: { p50: round(h.p50 / b.p50, 2), p99: round(h.p99 / b.p99, 2), serverCpu: round(h.serverCores / b.serverCores, 2), peakRss: round(h.peakRssMb / b.peakRssMb, 2) },
    target: { p99Under250ms: h.p99 < 250, rssUnder1GB: h.peakRssMb < 1024, allDelivered: h.received === h.expected },
    closeCodes: { hawker: h.closeCodes, bare: b.closeCodes },
  }),
);
