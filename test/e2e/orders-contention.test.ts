import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { goLiveAndStopPublishing, HOST_AWAY_OK } from '../helpers/go-live.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';

// Real HTTP against the server process, real SQLite file. Rate limits are raised: every buyer
// here shares 127.0.0.1.
function limitsConfig(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hawker-cfg-')), 'hawker.yaml');
  writeFileSync(file, 'http:\n  apiRateLimitPerMinute: 1000000\n  viewerRateLimitPerMinute: 1000000\n');
  return file;
}

async function viewers(server: ServerProcess, n: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < n; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, (_, j) =>
        fetch(`${server.httpUrl}/api/viewers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: `buyer ${i + j}` }) }).then((r) => r.json() as Promise<{ token: string }>),
      ),
    );
    tokens.push(...batch.map((b) => b.token));
  }
  return tokens;
}

const buy = (server: ServerProcess, token: string, showId: string, productId: string, key: string) =>
  fetch(`${server.httpUrl}/api/shows/${showId}/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ productId, quantity: 1 }),
  });

t.test('1,000 concurrent buyers for 100 units: exactly 100 sold', async (t) => {
  const server = await startServerProcess({ env: { HAWKER_CONFIG: limitsConfig(), HAWKER_LOG_LEVEL: 'info', ...HOST_AWAY_OK } });
  t.teardown(() => server.kill());
  const admin = async (path: string, body?: unknown) => (await server.api(path, { method: body ? 'POST' : 'GET', ...(body ? { body: JSON.stringify(body) } : {}) })).json() as Promise<any>;
  const product = await admin('/api/products', { sku: 'FLASH', title: 'Flash hose', price: 2999, currency: 'USD', stock: 1000 });
  const show = await admin('/api/shows', { title: 'Contention' });
  await goLiveAndStopPublishing(server, show.id, [product.id]);
  await admin(`/api/shows/${show.id}/flash-sales`, { productId: product.id, price: 999, quantity: 100, durationSeconds: 300, perCustomerLimit: 1 });
  const tokens = await viewers(server, 1000);

  // everyone presses Buy at once; the first 50 press it three times (different keys)
  const attempts = tokens.flatMap((token, i) => (i < 50 ? [0, 1, 2] : [0]).map((k) => ({ token, key: `${i}-${k}` })));
  const results = await Promise.all(
    attempts.map(async ({ token, key }) => {
      const res = await buy(server, token, show.id, product.id, key);
      return { status: res.status, body: (await res.json()) as { id?: string; code?: string; viewerId?: string } };
    }),
  );
  const created = results.filter((r) => r.status === 201);
  t.equal(created.length, 100, `exactly 100 sold of ${attempts.length} attempts`);
  const refusals = new Set(results.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.body.code}`));
  t.same([...refusals].sort(), ['409 LIMIT_REACHED', '409 SOLD_OUT'].filter((x) => refusals.has(x)), `only sold-out or limit refusals: ${[...refusals].join(', ')}`);
  t.equal(new Set(created.map((r) => r.body.viewerId)).size, 100, 'one per customer');

  const db = new Database(join(server.dataDir, 'hawker.db'), { readonly: true });
  t.teardown(() => db.close());
  const ids = new Set(db.prepare('SELECT id FROM orders WHERE show_id = ?').pluck().all(show.id) as string[]);
  t.equal(ids.size, 100, '100 orders in the database');
  t.ok(created.every((r) => ids.has(r.body.id!)), 'every 201 is in the database');
  t.equal(db.prepare('SELECT remaining FROM flash_sales').pluck().get(), 0);
  t.equal(db.prepare('SELECT stock FROM products WHERE id = ?').pluck().get(product.id), 900, 'product stock down by exactly 100');
  t.equal(db.prepare('SELECT count(*) FROM orders WHERE unit_price <> 999').pluck().get(), 0, 'all at the sale price');
});

t.test('kill -9 while orders stream in: every acknowledged order survives, stock adds up', async (t) => {
  const config = limitsConfig();
  const server = await startServerProcess({ env: { HAWKER_CONFIG: config, HAWKER_LOG_LEVEL: 'info', ...HOST_AWAY_OK } });
  t.teardown(() => server.kill());
  const admin = async (path: string, body?: unknown) => (await server.api(path, { method: body ? 'POST' : 'GET', ...(body ? { body: JSON.stringify(body) } : {}) })).json() as Promise<any>;
  const STOCK = 100_000;
  const product = await admin('/api/products', { sku: 'CRASH', title: 'Crash hose', price: 1000, currency: 'EUR', stock: STOCK });
  const show = await admin('/api/shows', { title: 'Crash' });
  await goLiveAndStopPublishing(server, show.id, [product.id]);
  const tokens = await viewers(server, 32);

  const acknowledged: string[] = [];
  let stop = false;
  const loops = tokens.map(async (token, i) => {
    for (let n = 0; !stop; n++) {
      try {
        const res = await buy(server, token, show.id, product.id, `${i}-${n}`);
        if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
        else await res.body?.cancel();
      } catch {
        return; // the server is gone
      }
    }
  });
  // mid-stream: once orders flow (a shared, loaded machine may take longer than 1.5 s to get there)
  await sleep(1500);
  await waitFor('orders streaming in', () => acknowledged.length > 150, 30_000, 20).catch(() => undefined);
  server.kill(); // SIGKILL to the whole process group, mid-stream
  stop = true;
  await Promise.all(loops);
  t.ok(acknowledged.length > 100, `${acknowledged.length} orders acknowledged before the kill`);

  const restarted = await startServerProcess({ dataDir: server.dataDir, env: { HAWKER_CONFIG: config, HAWKER_LOG_LEVEL: 'info', ...HOST_AWAY_OK } });
  t.teardown(() => restarted.kill());
  const orders = (await (await restarted.api(`/api/shows/${show.id}/orders`)).json()) as Array<{ id: string; quantity: number }>;
  const stored = new Set(orders.map((o) => o.id));
  t.ok(acknowledged.every((id) => stored.has(id)), 'every acknowledged order is there after the restart');
  const stock = ((await (await restarted.api(`/api/products/${product.id}`)).json()) as { stock: number }).stock;
  t.equal(stock, STOCK - orders.reduce((sum, o) => sum + o.quantity, 0), 'no stock lost or double-counted');
  t.ok(orders.length - acknowledged.length <= tokens.length, `at most one unacknowledged commit per connection (${orders.length - acknowledged.length})`);
});
