import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { goLiveAndStopPublishing, HOST_AWAY_OK } from '../helpers/go-live.js';
import { startServerProcess } from '../helpers/server-process.js';

// Real HTTP against the server process: the merchant edits a product while viewers buy it.
// Every buyer shares 127.0.0.1, so the rate limits are raised.
function limitsConfig(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hawker-cfg-')), 'hawker.yaml');
  writeFileSync(file, 'http:\n  apiRateLimitPerMinute: 1000000\n  viewerRateLimitPerMinute: 1000000\n');
  return file;
}

t.test('a description PATCH racing 50 orders leaves stock exactly initial - sold', async (t) => {
  const server = await startServerProcess({ env: { HAWKER_CONFIG: limitsConfig(), HAWKER_LOG_LEVEL: 'info', ...HOST_AWAY_OK } });
  t.teardown(() => server.kill());
  const call = async (path: string, method: string, body?: unknown) => {
    const res = await server.api(path, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const INITIAL = 40;
  const product = (await call('/api/products', 'POST', { sku: 'TOWEL', title: 'Towel', price: 2999, currency: 'EUR', stock: INITIAL })).body;
  const show = (await call('/api/shows', 'POST', { title: 'Race' })).body;
  await goLiveAndStopPublishing(server, show.id as string, [product.id as string]);
  const tokens = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      const res = await fetch(`${server.httpUrl}/api/viewers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: `buyer ${i}` }) });
      return ((await res.json()) as { token: string }).token;
    }),
  );
  // what the merchant's form was filled with, before anyone bought
  const read = (await call(`/api/products/${product.id}`, 'GET')).body;

  const orders = tokens.map(async (token, i) => {
    const res = await fetch(`${server.httpUrl}/api/shows/${show.id}/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `race-${i}` },
      body: JSON.stringify({ productId: product.id, quantity: 1 }),
    });
    return res.status;
  });
  // while they buy: description saves (as the cockpit now sends them), and saves of the whole
  // form as read before the orders (stock and its version included), as an older page would
  const edits = Array.from({ length: 20 }, (_, i) =>
    i % 2 === 0
      ? call(`/api/products/${product.id}`, 'PATCH', { description: `edit ${i}`, title: read.title, price: read.price, currency: read.currency })
      : call(`/api/products/${product.id}`, 'PATCH', { description: `form ${i}`, title: read.title, price: read.price, currency: read.currency, stock: read.stock, stockVersion: read.stockVersion }),
  );
  const statuses = await Promise.all(orders);
  const edited = await Promise.all(edits);
  const sold = statuses.filter((s) => s === 201).length;
  t.equal(sold, INITIAL, `${INITIAL} of 50 sold, the rest refused (${statuses.filter((s) => s !== 201).length})`);
  t.ok(statuses.every((s) => s === 201 || s === 409), 'every refusal is a sold out');
  t.ok(edited.filter((_, i) => i % 2 === 0).every((e) => e.status === 200), 'every description save is taken');
  const staleForms = edited.filter((e, i) => i % 2 === 1 && e.status !== 200);
  t.ok(staleForms.every((e) => e.status === 409 && e.body.code === 'STALE_STOCK'), `a form read before the orders is refused once stock moved (${staleForms.length} refused)`);

  const after = (await call(`/api/products/${product.id}`, 'GET')).body;
  const stored = (await call(`/api/shows/${show.id}/orders`, 'GET')).body as unknown as Array<{ quantity: number }>;
  t.equal(stored.length, sold, 'every sale is stored');
  t.equal(after.stock, INITIAL - sold, 'stock is exactly initial - sold');
  t.match(after.description, /^(edit|form) \d+$/, 'the descriptions were saved');
});
