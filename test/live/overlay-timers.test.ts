import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { sleep, waitFor } from '../helpers/wait.js';

// The countdown redraws on a timer; when drawing fails (the overlay folder is gone, the disk is
// full) the failure is logged and the countdown keeps ticking: nothing escapes as an unhandled
// rejection (which now ends the process: see src/log/last-resort.ts).
t.test('a flash-sale countdown whose redraw fails logs it and leaks no rejection', async (t) => {
  const { app, auth, db, dataDir, services, logs } = await buildTestApp();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  t.teardown(async () => {
    process.off('unhandledRejection', onUnhandled);
    await app.close();
    db.close();
  });
  const json = async (method: 'POST' | 'GET', url: string, body?: unknown) =>
    (await app.inject({ method, url, headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) })).json() as Record<string, unknown>;
  const product = await json('POST', '/api/products', { sku: 'T-1', title: 'Timer hose', price: 999, currency: 'usd', stock: 10 });
  const show = await json('POST', '/api/shows', { title: 'Countdown' });
  const sale = await json('POST', `/api/shows/${String(show.id)}/flash-sales`, { productId: product.id, price: 499, quantity: 5, durationSeconds: 5 });
  t.ok(sale.overlay, 'the sale is on');

  // The feed folder becomes a file: every redraw from now on fails.
  const feedDir = join(dataDir, 'overlay', String(show.id));
  rmSync(feedDir, { recursive: true, force: true });
  writeFileSync(feedDir, 'not a folder');
  // and the pipeline asking for its inputs draws too (also on a timer's behalf, unawaited)
  try {
    services.overlays.inputsFor(String(show.id));
  } catch {
    // listing the inputs may fail as well; what matters is what escapes asynchronously
  }
  await waitFor('two failed countdown redraws', () => (logs().match(/overlay redraw failed/g) ?? []).length >= 2, 5000);
  await sleep(200);
  t.same(unhandled.map(String), [], 'no unhandled rejection');
});
