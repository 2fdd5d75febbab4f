import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { LiveClient } from '../helpers/live-client.js';
import { publishTestPattern, type Publisher } from '../helpers/media.js';
import { startServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

// The server process, real FFmpeg publishing and transcoding, real HTTP orders, real sockets:
// a flash sale that sells out (or runs out of time) ends everywhere within a second.
const VIEWERS = 40;
const BUYERS = 20;
const QUANTITY = 10;

function config(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hawker-cfg-')), 'hawker.yaml');
  writeFileSync(file, 'http:\n  apiRateLimitPerMinute: 1000000\n  viewerRateLimitPerMinute: 1000000\naudience:\n  maxConnectionsPerAddress: 1000\n');
  return file;
}

interface Watch {
  client: LiveClient;
  /** when this socket first heard of each thing (ms since the epoch) */
  heard: Map<string, number>;
}

/** A viewer socket that stamps when it first saw the sold-out / ended state. */
async function watch(url: string, showId: string, token?: string): Promise<Watch> {
  const client = await LiveClient.open(url, showId, token ? { token } : {});
  const heard = new Map<string, number>();
  client.socket.on('message', (data) => {
    const at = Date.now();
    for (const m of JSON.parse(String(data)) as Array<Record<string, any>>) {
      const key =
        m.type === 'lineup' && m.sale ? `lineup ${m.sale.id} ${m.sale.state}` : m.type === 'overlay' && m.change?.change === 'flash_sale.ended' ? `ended ${m.change.flashSaleId} ${m.change.reason}` : null;
      if (key && !heard.has(key)) heard.set(key, at);
    }
  });
  return { client, heard };
}

t.test('a flash sale sold out by 20 concurrent buyers ends on every socket within 1 s; one that expires too', async (t) => {
  const server = await startServerProcess({ env: { HAWKER_CONFIG: config(), HAWKER_LOG_LEVEL: 'info' } });
  const publishers: Publisher[] = [];
  const watches: Watch[] = [];
  t.teardown(async () => {
    for (const w of watches) w.client.close();
    await Promise.all(publishers.map((p) => p.stop()));
    server.kill();
  });
  const call = async (path: string, method: string, body?: unknown) => (await server.api(path, { method, ...(body ? { body: JSON.stringify(body) } : {}) })).json() as Promise<Record<string, any>>;
  const towel = await call('/api/products', 'POST', { sku: 'TOWEL', title: 'Beach towel', price: 2999, currency: 'EUR', compareAtPrice: 3999, stock: 100 });
  const show = await call('/api/shows', 'POST', { title: 'Sell-out' });
  publishers.push(publishTestPattern(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`, { maxSeconds: 90 }));
  await waitFor('the show to be transcoded', async () => (await fetch(`${server.httpUrl}/hls/${show.id}/720p/index.m3u8`)).status === 200, 30_000);

  const tokens = await Promise.all(
    Array.from({ length: BUYERS }, async (_, i) => ((await (await fetch(`${server.httpUrl}/api/viewers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: `buyer ${i}` }) })).json()) as { token: string }).token),
  );
  // the buyers watch too, and so do anonymous viewers
  for (const token of tokens) watches.push(await watch(server.httpUrl, show.id, token));
  for (let i = watches.length; i < VIEWERS; i++) watches.push(await watch(server.httpUrl, show.id));
  const host = await LiveClient.open(server.httpUrl, show.id, { authorization: `Bearer ${server.token}` });
  t.teardown(() => host.close());

  const started = await call(`/api/shows/${show.id}/flash-sales`, 'POST', { productId: towel.id, price: 2399, quantity: QUANTITY, durationSeconds: 120 });
  const saleId = started.overlay.flashSale.id as string;
  t.type(started.event.programDateTime, 'string', 'the show is being transcoded: the change has its PROGRAM-DATE-TIME');
  await Promise.all(watches.map((w) => waitFor('the running sale on every socket', () => w.heard.has(`lineup ${saleId} running`), 5000, 20)));

  const sentAt = Date.now();
  const answers = await Promise.all(
    tokens.map(async (token, i) => {
      const res = await fetch(`${server.httpUrl}/api/shows/${show.id}/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `sale-${i}` },
        body: JSON.stringify({ productId: towel.id, quantity: 1 }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any>, at: Date.now() };
    }),
  );
  const sold = answers.filter((a) => a.status === 201);
  t.equal(sold.length, QUANTITY, `${QUANTITY} of ${BUYERS} buyers got one`);
  t.ok(sold.every((a) => a.body.unitPrice === 2399), 'all at the sale price');
  t.ok(answers.filter((a) => a.status !== 201).every((a) => a.status === 409 && a.body.code === 'SOLD_OUT'), 'the others: sold out');
  const lastSoldAt = Math.max(...sold.map((a) => a.at));

  await Promise.all(watches.map((w) => waitFor('the sold-out state on every socket', () => w.heard.has(`lineup ${saleId} sold out`) && w.heard.has(`ended ${saleId} sold out`), 3000, 10)));
  const lag = watches.map((w) => Math.max(w.heard.get(`lineup ${saleId} sold out`)!, w.heard.get(`ended ${saleId} sold out`)!) - lastSoldAt);
  t.ok(Math.max(...lag) < 1000, `every one of ${watches.length} sockets had the sold-out state and the ended sale within 1 s of the last order's answer (max ${Math.max(...lag)} ms; ${Math.max(...lag) + lastSoldAt - sentAt} ms from the orders being sent)`);
  const overlay = await call(`/api/shows/${show.id}/overlay`, 'GET');
  t.equal(overlay.state.flashSaleId, null, 'the sale has ended in the overlay state');
  t.match(overlay.flashSale, { id: saleId, remaining: 0, secondsLeft: 0 }, 'its SOLD OUT box is what the video shows for now');
  const timeline = (await call(`/api/shows/${show.id}/timeline`, 'GET')).events as Array<{ type: string; payload: Record<string, unknown> }>;
  t.ok(timeline.some((e) => e.type === 'overlay.changed' && e.payload.change === 'flash_sale.ended' && e.payload.reason === 'sold out' && typeof e.payload.programDateTime === 'string'), 'the end is on the timeline, with where it lands in the video');
  await waitFor('the host socket to hear it too', () => host.messages.some((m) => m.type === 'lineup' && (m as unknown as { sale: { state: string } | null }).sale?.state === 'sold out'), 1000, 10);

  const late = await watch(server.httpUrl, show.id);
  watches.push(late);
  const welcome = await late.client.next((m) => m.type === 'welcome');
  t.match((welcome.lineup as Record<string, unknown>).sale, { id: saleId, state: 'sold out', remaining: 0 }, 'a viewer who connects afterwards gets it in its welcome');
  t.match((welcome.overlay as { state: { flashSaleId: string | null } }).state, { flashSaleId: null });

  // a sale that runs out of time
  const second = await call(`/api/shows/${show.id}/flash-sales`, 'POST', { productId: towel.id, price: 2499, quantity: 5, durationSeconds: 5 });
  const secondId = second.overlay.flashSale.id as string;
  const endsAt = Date.parse(second.overlay.flashSale.endsAt);
  await Promise.all(watches.map((w) => waitFor('the expired sale to end on every socket', () => w.heard.has(`lineup ${secondId} ended`) && w.heard.has(`ended ${secondId} ended`), 9000, 20)));
  const expiryLag = watches.map((w) => Math.max(w.heard.get(`lineup ${secondId} ended`)!, w.heard.get(`ended ${secondId} ended`)!) - endsAt);
  t.ok(Math.max(...expiryLag) < 1000, `the expired sale ended on every socket within 1 s of its end time (max ${Math.max(...expiryLag)} ms)`);
  t.equal((await call(`/api/shows/${show.id}/overlay`, 'GET')).state.flashSaleId, null);
  for (const w of watches) t.same(w.client.invalid, [], 'every message matched the protocol');
});
