// npm run bench:sold-out
// Time from the order that empties a flash sale to the sold-out state on every connected viewer
// socket. 1,000 WebSocket viewers (this process, on loopback) watch one show of the server
// process; each round starts a sale of a few units, buys all but one, then measures from the
// moment the emptying order is sent (and from its answer) until each socket has the `lineup`
// message with the sale sold out and the `overlay` message ending it. The sockets share this
// process's event loop and the machine's 2 cores with the server: figures include that.
import WebSocket from 'ws';
import { percentile, startBenchServer } from './lib.js';

const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const QUANTITY = 3;
const TOKEN = 'bench-admin-token-0123456789';

const server = await startBenchServer({
  name: 'sold-out',
  token: TOKEN,
  configYaml: `http:\n  apiRateLimitPerMinute: 1000000\n  viewerRateLimitPerMinute: 1000000\naudience:\n  maxConnectionsPerAddress: 100000\n`,
});
const sockets: WebSocket[] = [];
try {
  const call = async (method: string, path: string, body: unknown, auth = TOKEN, extra: Record<string, string> = {}) => {
    const res = await fetch(server.base + path, { method, headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json', ...extra }, body: JSON.stringify(body) });
    return { status: res.status, at: performance.now(), body: (await res.json()) as Record<string, any> };
  };
  const product = (await call('POST', '/api/products', { sku: 'BENCH', title: 'Bench towel', price: 2999, currency: 'EUR', stock: 1_000_000 })).body;
  const show = (await call('POST', '/api/shows', { title: 'bench sold-out' })).body;
  const buyers: string[] = [];
  for (let i = 0; i < QUANTITY; i++) buyers.push((await (await fetch(`${server.base}/api/viewers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: `buyer ${i}` }) })).json() as { token: string }).token);

  // per socket: when it first had the sold-out state of the sale being measured
  let measuring = '';
  const soldOutAt: Array<number | null> = new Array<number | null>(VIEWERS).fill(null);
  const endedAt: Array<number | null> = new Array<number | null>(VIEWERS).fill(null);
  const connectStart = performance.now();
  for (let i = 0; i < VIEWERS; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, VIEWERS - i) }, (_, j) => {
        const index = i + j;
        const ws = new WebSocket(`ws://127.0.0.1:${server.httpPort}/api/shows/${show.id}/live`);
        sockets.push(ws);
        ws.on('message', (data: Buffer) => {
          if (!measuring) return;
          const at = performance.now();
          const text = data.toString();
          // cheap checks first: 1,000 sockets parse every frame in this one process
          if (!text.includes(measuring)) return;
          for (const m of JSON.parse(text) as Array<Record<string, any>>) {
            if (m.type === 'lineup' && m.sale?.id === measuring && m.sale.state === 'sold out' && soldOutAt[index] === null) soldOutAt[index] = at;
            if (m.type === 'overlay' && m.change?.change === 'flash_sale.ended' && m.change.flashSaleId === measuring && endedAt[index] === null) endedAt[index] = at;
          }
        });
        return new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
        });
      }),
    );
  }
  console.log(`bench:sold-out: ${VIEWERS} viewer sockets connected in ${Math.round(performance.now() - connectStart)} ms; ${ROUNDS} rounds`);

  const fromSend: number[] = [];
  const fromAnswer: number[] = [];
  const bothFromSend: number[] = [];
  let missing = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const sale = (await call('POST', `/api/shows/${show.id}/flash-sales`, { productId: product.id, price: 1999, quantity: QUANTITY, durationSeconds: 600 })).body.overlay.flashSale as { id: string };
    for (let i = 0; i < QUANTITY - 1; i++) await call('POST', `/api/shows/${show.id}/orders`, { productId: product.id, quantity: 1 }, buyers[i]!, { 'idempotency-key': `${round}-${i}` });
    await new Promise((r) => setTimeout(r, 300)); // the earlier stock updates have gone out
    soldOutAt.fill(null);
    endedAt.fill(null);
    measuring = sale.id;
    const sentAt = performance.now();
    const last = await call('POST', `/api/shows/${show.id}/orders`, { productId: product.id, quantity: 1 }, buyers[QUANTITY - 1]!, { 'idempotency-key': `${round}-last` });
    if (last.status !== 201) throw new Error(`the emptying order was answered ${last.status} ${JSON.stringify(last.body)}`);
    const deadline = performance.now() + 5000;
    while (performance.now() < deadline && (soldOutAt.includes(null) || endedAt.includes(null))) await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < VIEWERS; i++) {
      const s = soldOutAt[i];
      const e = endedAt[i];
      if (s == null || e == null) {
        missing++;
        continue;
      }
      fromSend.push(s - sentAt);
      fromAnswer.push(s - last.at);
      bothFromSend.push(Math.max(s, e) - sentAt);
    }
    measuring = '';
  }
  const ms = (x: number) => Math.round(x * 10) / 10;
  const row = (what: string, xs: number[]) => ({ what, samples: xs.length, 'p50 ms': ms(percentile(xs, 50)), 'p99 ms': ms(percentile(xs, 99)), 'max ms': ms(Math.max(...xs)) });
  console.table([
    row('order sent -> lineup sold out', fromSend),
    row('order sent -> lineup sold out + overlay ended', bothFromSend),
    row('order answered -> lineup sold out', fromAnswer),
  ]);
  console.log(`${missing} socket-rounds without the sold-out state within 5 s`);
} finally {
  for (const ws of sockets) ws.terminate();
  server.stop();
}
