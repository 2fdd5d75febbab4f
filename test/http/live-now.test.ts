// GET /api/live-now and GET /embed/live.js on the real app and a real SQLite file: a live show's
// product and variant SKUs answer with absolute URLs, the rest are left out; both query forms;
// the limits (count, pattern, length) with their codes; cache and CORS headers; a 1,000-SKU
// query string through a real socket (Node's header limit); the script's headers and gzip.
import { gunzipSync } from 'node:zlib';
import t from 'tap';
import { buildTestApp, listenTestApp } from '../helpers/app.js';

t.test('GET /api/live-now', async (t) => {
  const { app, db, auth, services } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const post = async <T>(url: string, payload: unknown, method: 'POST' | 'PUT' = 'POST') => {
    const res = await app.inject({ method, url, headers: auth, payload: payload as object });
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json() as T;
  };
  const tee = await post<{ id: string }>('/api/products', {
    sku: 'TEE',
    title: 'Linen tee',
    price: 3000,
    currency: 'EUR',
    stock: 0,
    options: [{ name: 'Size', values: ['S', 'M'] }],
    variants: [
      { sku: 'TEE-S', options: { Size: 'S' }, price: 3000, stock: 5 },
      { sku: 'TEE-M', options: { Size: 'M' }, price: 3000, stock: 5 },
    ],
  });
  const mug = await post<{ id: string }>('/api/products', { sku: 'MUG.1', title: 'Mug', price: 900, currency: 'EUR', stock: 4 });
  const show = await post<{ id: string }>('/api/shows', { title: 'Linen week' });
  await post(`/api/shows/${show.id}/lineup`, { productIds: [tee.id, mug.id] }, 'PUT');
  const get = (qs: string, headers: Record<string, string> = {}) => app.inject({ url: `/api/live-now${qs}`, headers });

  let res = await get('?sku=TEE&sku=MUG.1');
  t.equal(res.statusCode, 200);
  t.same(res.json(), { items: {} }, 'not live yet: nothing');
  t.equal(res.headers['cache-control'], 'public, max-age=5');
  t.equal(res.headers['access-control-allow-origin'], '*');
  t.match(res.headers['content-type'], /^application\/json/);

  services.shows.markLive(show.id, Date.now());
  services.bus.emit({ type: 'show.live', showId: show.id, at: Date.now() });
  res = await get('?sku=TEE-M&sku=NOPE&sku=MUG.1');
  t.same(res.json(), {
    items: {
      'TEE-M': { showId: show.id, title: 'Linen week', productId: tee.id, onScreen: false, watchUrl: `https://shop.example/watch/${show.id}`, playerUrl: `https://shop.example/watch/${show.id}?embed=mini&product=${tee.id}` },
      'MUG.1': { showId: show.id, title: 'Linen week', productId: mug.id, onScreen: false, watchUrl: `https://shop.example/watch/${show.id}`, playerUrl: `https://shop.example/watch/${show.id}?embed=mini&product=${mug.id}` },
    },
  }, 'live: the variant SKU and the product SKU, absolute URLs; unknown SKUs left out');
  t.same(Object.keys(get && (await get('?sku=TEE,TEE-S,NOPE')).json().items).sort(), ['TEE', 'TEE-S'], 'the comma form');
  t.same(Object.keys((await get('?sku=TEE,TEE-S&sku=MUG.1&sku=')).json().items).sort(), ['MUG.1', 'TEE', 'TEE-S'], 'both forms at once; an empty one ignored');
  t.same((await get('')).json(), { items: {} }, 'no SKU: nothing');

  // the pinned product is on screen
  await post(`/api/shows/${show.id}/pin`, { productId: mug.id });
  t.equal((await get('?sku=MUG.1')).json().items['MUG.1'].onScreen, true, 'pinned: onScreen');
  t.equal((await get('?sku=TEE')).json().items.TEE.onScreen, false);

  // limits: count, pattern, length; errors are readable by other origins too
  const many = Array.from({ length: 1001 }, (_, i) => `S${i}`).join(',');
  res = await get(`?sku=${many}`);
  t.equal(res.statusCode, 400);
  t.equal(res.json().code, 'TOO_MANY_SKUS');
  t.equal(res.headers['access-control-allow-origin'], '*');
  t.equal((await get(`?sku=${Array.from({ length: 1000 }, (_, i) => `S${i}`).join(',')}`)).statusCode, 200, '1,000 is fine');
  res = await get(`?sku=${encodeURIComponent('<script>')}`);
  t.equal(res.statusCode, 400);
  t.equal(res.json().code, 'INVALID_SKU');
  t.match(res.json().message, /not a SKU/);
  res = await get(`?sku=${'A'.repeat(65)}`);
  t.equal(res.json().code, 'INVALID_SKU');
  t.match(res.json().message, /too long/);
  t.equal((await get(`?sku=${'A'.repeat(64)}`)).statusCode, 200, '64 characters is a SKU');

  // ended: gone
  await services.catalog.end(show.id).catch(() => undefined);
  services.shows.markEnded(show.id, Date.now());
  services.bus.emit({ type: 'show.ended', showId: show.id, at: Date.now() });
  t.same((await get('?sku=TEE&sku=MUG.1')).json(), { items: {} }, 'ended: nothing');
});

t.test('a 1,000-SKU query string of long SKUs passes Node\'s header limit on a real socket; not rate limited', async (t) => {
  const test = await buildTestApp({ apiRateLimitPerMinute: 5 });
  t.teardown(async () => {
    await test.app.close();
    test.db.close();
  });
  const base = await listenTestApp(test);
  const skus = Array.from({ length: 1000 }, (_, i) => `${'X'.repeat(58)}-${String(i).padStart(4, '0')}`);
  const res = await fetch(`${base}/api/live-now?${skus.map((s) => `sku=${s}`).join('&')}`);
  t.equal(res.status, 200, `a ${skus.length * 69}-byte query string`);
  t.same(await res.json(), { items: {} });
  for (let i = 0; i < 10; i++) t.equal((await fetch(`${base}/api/live-now?sku=A`)).status, 200, `call ${i + 1} past the API rate limit of 5`);
});

t.test('GET /embed/live.js: a classic script, cacheable, gzip when asked', async (t) => {
  const { app, db } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const plain = await app.inject({ url: '/embed/live.js' });
  t.equal(plain.statusCode, 200);
  t.equal(plain.headers['content-type'], 'text/javascript; charset=utf-8');
  t.equal(plain.headers['cache-control'], 'public, max-age=300');
  t.equal(plain.headers['content-encoding'], undefined);
  t.notMatch(plain.body, /^\s*(import|export)\s/m, 'no module syntax: a classic script');
  t.notMatch(plain.body, /\beval\(|new Function|\.innerHTML|setAttribute\('style'|\.cssText|<style|\bwindow\.\w+\s*=/, 'no eval, no markup or style from strings, nothing put on window');
  t.notMatch(plain.body, /\/\*|^\/\//m, 'comments stripped');
  t.doesNotThrow(() => new Function(plain.body), 'what is served still parses'); // parsed, never run
  const zipped = await app.inject({ url: '/embed/live.js', headers: { 'accept-encoding': 'gzip, br' } });
  t.equal(zipped.headers['content-encoding'], 'gzip');
  t.equal(gunzipSync(zipped.rawPayload).toString('utf8'), plain.body);
  t.ok(zipped.rawPayload.length < plain.rawPayload.length / 2, `${plain.rawPayload.length} bytes raw, ${zipped.rawPayload.length} gzip`);
  const again = await app.inject({ url: '/embed/live.js', headers: { 'if-none-match': String(plain.headers.etag) } });
  t.equal(again.statusCode, 304);
});

t.test("the watch page's mini mode: framed by any shop, a body class of its own; the full page is not framed", async (t) => {
  const { app, db, auth } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const show = (await app.inject({ method: 'POST', url: '/api/shows', headers: auth, payload: { title: 'Mini' } })).json() as { id: string };
  const mini = await app.inject({ url: `/watch/${show.id}?embed=mini&product=p1` });
  t.equal(mini.statusCode, 200);
  t.match(mini.headers['content-security-policy'], /frame-ancestors \*/);
  t.match(mini.body, /<body class="viewer embed mini"/);
  const page = await app.inject({ url: `/watch/${show.id}` });
  t.match(page.headers['content-security-policy'], /frame-ancestors 'none'/);
  t.match(page.body, /<body class="viewer"/);
});

t.test("the one-pass check of a comma list agrees with the products' SKU pattern", async (t) => {
  const { allSkus } = await import('../../src/http/routes/embed.js');
  const { SKU_PATTERN } = await import('../../src/http/schemas/embed.js');
  const one = new RegExp(SKU_PATTERN);
  const byPattern = (v: string) => v.split(',').every((s) => s.length <= 64 && one.test(s));
  const alphabet = ['A', 'z', '0', '9', '.', '_', '-', ',', ' ', '<', 'é', '%', '/'];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const samples = ['A', 'A,B', 'A,,B', ',A', 'A,', '', '-A', 'A-', '.', 'A'.repeat(64), 'A'.repeat(65), `${'B'.repeat(64)},C`];
  for (let i = 0; i < 3000; i++) samples.push(Array.from({ length: 1 + Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
  const disagree = samples.filter((v) => allSkus(v) !== byPattern(v));
  t.same(disagree, [], `${samples.length} values`);
});

t.test("a request's log line keeps at most 512 characters of its URL (a listing's call carries thousands)", async (t) => {
  const { app, db, logs } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const skus = Array.from({ length: 500 }, (_, i) => `LONG-SKU-${i}`).join(',');
  t.equal((await app.inject({ url: `/api/live-now?sku=${skus}` })).statusCode, 200);
  const line = logs().split('\n').find((l) => l.includes('request completed') && l.includes('/api/live-now'));
  t.ok(line, 'the request is logged');
  t.notMatch(line, /LONG-SKU-499/, 'not the whole URL');
  t.match(line, /…\(\+\d+ characters\)/, 'says how much was left out');
});
