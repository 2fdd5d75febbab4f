// The clip routes on the real app and a real SQLite file: the public sees ready clips of public
// shows (newest first, with their media URLs), the admin sees every clip and why one failed;
// no such show or product is a 404 with its code; the limit is bounded.
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

t.test('GET /api/shows/:id/clips and /api/products/:id/clips', async (t) => {
  const { app, db, auth, services } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const product = async (sku: string) => ((await app.inject({ method: 'POST', url: '/api/products', headers: auth, payload: { sku, title: sku, price: 100, currency: 'EUR', stock: 5 } })).json() as { id: string }).id;
  const show = async (title: string) => ((await app.inject({ method: 'POST', url: '/api/shows', headers: auth, payload: { title } })).json() as { id: string }).id;
  const [pa, pb] = [await product('A'), await product('B')];
  const [s1, s2, rehearsal] = [await show('one'), await show('two'), await show('rehearsal')];
  services.shows.markLive(s1, 1000);
  services.shows.markLive(s2, 2000);
  const clips = services.clips;
  clips.createPending({ id: 'c1', showId: s1, productId: pa, startMs: 2000, endMs: 10_000, createdAt: Date.UTC(2026, 0, 1, 0, 0, 1) });
  clips.createPending({ id: 'c2', showId: s1, productId: pb, startMs: 11_000, endMs: 17_000, createdAt: Date.UTC(2026, 0, 1, 0, 0, 2) });
  clips.createPending({ id: 'c3', showId: s2, productId: pa, startMs: 1000, endMs: 9000, createdAt: Date.UTC(2026, 0, 1, 0, 0, 3) });
  clips.createPending({ id: 'c4', showId: s1, productId: pa, startMs: 20_000, endMs: 30_000, createdAt: Date.UTC(2026, 0, 1, 0, 0, 4) });
  // a clip of a show that is scheduled again (its media is private): never public
  clips.createPending({ id: 'c5', showId: rehearsal, productId: pa, startMs: 0, endMs: 9000, createdAt: Date.UTC(2026, 0, 1, 0, 0, 5) });
  for (const id of ['c1', 'c2', 'c3', 'c5']) clips.markReady(id, { durationMs: 8000, bytes: 500 }, Date.UTC(2026, 0, 1, 0, 1));
  clips.markFailed('c4', 'FFmpeg exited 1');

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });
  const ids = (body: unknown) => (body as Array<{ id: string }>).map((c) => c.id);

  const one = await get(`/api/shows/${s1}/clips`);
  t.equal(one.statusCode, 200);
  t.same(one.json(), [
    { id: 'c2', showId: s1, productId: pb, startMs: 11_000, endMs: 17_000, status: 'ready', durationMs: 8000, url: `https://shop.example/hls/${s1}/clips/c2.m3u8`, mp4Url: `https://shop.example/hls/${s1}/clips/c2.mp4`, posterUrl: `https://shop.example/hls/${s1}/clips/c2.jpg`, createdAt: '2026-01-01T00:00:02.000Z', readyAt: '2026-01-01T00:01:00.000Z' },
    { id: 'c1', showId: s1, productId: pa, startMs: 2000, endMs: 10_000, status: 'ready', durationMs: 8000, url: `https://shop.example/hls/${s1}/clips/c1.m3u8`, mp4Url: `https://shop.example/hls/${s1}/clips/c1.mp4`, posterUrl: `https://shop.example/hls/${s1}/clips/c1.jpg`, createdAt: '2026-01-01T00:00:01.000Z', readyAt: '2026-01-01T00:01:00.000Z' },
  ], 'ready ones, newest first, with their media');
  t.same(ids((await get(`/api/shows/${s1}/clips`, auth)).json()), ['c4', 'c2', 'c1'], 'the admin sees the failed one too');
  t.match((await get(`/api/shows/${s1}/clips`, auth)).json()[0], { id: 'c4', status: 'failed', url: null, mp4Url: null, posterUrl: null, readyAt: null });
  t.same(ids((await get(`/api/products/${pa}/clips`)).json()), ['c3', 'c1'], 'across shows; not a private show\'s');
  t.same(ids((await get(`/api/products/${pa}/clips`, auth)).json()), ['c5', 'c4', 'c3', 'c1']);
  t.same(ids((await get(`/api/products/${pa}/clips?limit=1`)).json()), ['c3']);
  t.same((await get(`/api/shows/${s2}/clips`, { authorization: 'Bearer wrong' })).json().length, 1, 'a wrong token is the public');

  t.match((await get('/api/shows/nope/clips')).json(), { code: 'SHOW_NOT_FOUND' });
  t.equal((await get('/api/shows/nope/clips')).statusCode, 404);
  t.match((await get('/api/products/nope/clips')).json(), { code: 'PRODUCT_NOT_FOUND' });
  t.equal((await get(`/api/products/${pa}/clips?limit=501`)).statusCode, 400);
  t.equal((await get(`/api/products/${pa}/clips?limit=0`)).statusCode, 400);
});
