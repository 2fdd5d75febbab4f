import sharp from 'sharp';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

/** A real PNG of that many pixels: one colour, so it is small on the wire and quick to make. */
const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#7a9' } }).png({ compressionLevel: 1 }).toBuffer();

t.test('an image over the pixel limit is refused from its header: 413 IMAGE_TOO_LARGE', async (t) => {
  const { app, db, auth } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const product = (await app.inject({ method: 'POST', url: '/api/products', headers: auth, payload: { sku: 'BIG', title: 'Big', price: 100, currency: 'USD', stock: 1 } })).json() as { id: string };
  const big = await png(6000, 4400); // 26.4 megapixels, under the 40 the server used to allow
  const started = Date.now();
  const res = await app.inject({ method: 'PUT', url: `/api/products/${product.id}/image`, headers: { ...auth, 'content-type': 'image/png' }, payload: big });
  const tookMs = Date.now() - started;
  t.equal(res.statusCode, 413);
  t.match(res.json(), { code: 'IMAGE_TOO_LARGE', message: /6000x4400 \(26\.4 megapixels\); at most 25\.0/ });
  t.ok(tookMs < 1000, `refused without decoding (${tookMs} ms)`);
  const ok = await app.inject({ method: 'PUT', url: `/api/products/${product.id}/image`, headers: { ...auth, 'content-type': 'image/png' }, payload: await png(2000, 1000) });
  t.equal(ok.statusCode, 200);
  t.same(ok.json().image, { width: 1200, height: 600, format: 'png' });
});

t.test('images are processed one at a time; a full queue answers 503 IMAGES_BUSY', async (t) => {
  const { app, db, auth, services } = await buildTestApp({ images: { concurrency: 1, maxQueued: 1, maxInputPixels: 25_000_000 } });
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    ids.push(((await app.inject({ method: 'POST', url: '/api/products', headers: auth, payload: { sku: `P${i}`, title: `P${i}`, price: 100, currency: 'USD', stock: 1 } })).json() as { id: string }).id);
  }
  const picture = await png(5000, 4000); // 20 megapixels: allowed, and a few hundred ms to decode
  const results = await Promise.all(ids.map((id) => app.inject({ method: 'PUT', url: `/api/products/${id}/image`, headers: { ...auth, 'content-type': 'image/png' }, payload: picture })));
  const codes = results.map((r) => r.statusCode).sort();
  t.same(codes, [200, 200, 503, 503], 'one runs, one waits, the rest are refused');
  for (const r of results.filter((r) => r.statusCode === 503)) t.equal(r.json().code, 'IMAGES_BUSY');
  const queue = (services.products as unknown as { images: { queue: { peakRunning: number } } }).images.queue;
  t.equal(queue.peakRunning, 1, 'never two decodes at once');
  // the queue drains: the next upload is taken
  const after = await app.inject({ method: 'PUT', url: `/api/products/${ids[3]}/image`, headers: { ...auth, 'content-type': 'image/png' }, payload: await png(800, 600) });
  t.equal(after.statusCode, 200);
});
