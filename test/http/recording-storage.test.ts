// Deleting an ended show's recording keeps the show's data, and the disk use the API reports is
// the bytes of the files on disk (written here, byte counts known).
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { openForOrders } from '../helpers/checkout.js';

/** A recording as the pipeline leaves it, and clips as the clip maker does: sizes known. */
function writeMedia(hlsRoot: string, showId: string, clips = true): { recordingBytes: number; clipBytes: number } {
  const dir = join(hlsRoot, showId);
  const files: Array<[string, number]> = [
    ['master.m3u8', 211],
    ['720p/index.m3u8', 480],
    ['720p/seg_00001.ts', 150_000],
    ['720p/seg_00002.ts', 149_811],
    ['360p/index.m3u8', 477],
    ['360p/seg_00001.ts', 40_333],
  ];
  const clipFiles: Array<[string, number]> = clips ? [['clips/c1.mp4', 90_001], ['clips/c1.jpg', 12_345], ['clips/c1.m3u8', 120], ['clips/c1-720p.m3u8', 300]] : [];
  for (const [name, size] of [...files, ...clipFiles]) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), Buffer.alloc(size, 7));
  }
  const sum = (list: Array<[string, number]>) => list.reduce((n, [, size]) => n + size, 0);
  return { recordingBytes: sum(files), clipBytes: sum(clipFiles) };
}

async function setup(t: { teardown(fn: () => unknown): void }) {
  const s = await buildTestApp();
  t.teardown(async () => {
    await s.app.close();
    s.db.close();
  });
  const admin = (method: 'GET' | 'POST' | 'DELETE' | 'PUT', url: string, payload?: unknown) => s.app.inject({ method, url, headers: s.auth, ...(payload ? { payload } : {}) });
  return { s, admin };
}

function addClip(s: TestApp, id: string, showId: string, productId: string, status: string): void {
  s.db
    .prepare('INSERT INTO clips (id, show_id, product_id, start_ms, end_ms, status, duration_ms, bytes, created_at, ready_at) VALUES (?, ?, ?, 0, 8000, ?, 8000, 90001, ?, ?)')
    .run(id, showId, productId, status, Date.now(), status === 'ready' ? Date.now() : null);
}
const clipStatuses = (s: TestApp, showId: string) => s.db.prepare('SELECT id, status FROM clips WHERE show_id = ? ORDER BY id').all(showId);

t.test('DELETE /api/shows/:id/recording: admin only, ended shows only, the media goes, the data stays, idempotent', async (t) => {
  const { s, admin } = await setup(t);
  const product = (await admin('POST', '/api/products', { sku: 'TOWEL', title: 'Towel', price: 1500, currency: 'EUR', stock: 10 })).json();
  const show = (await admin('POST', '/api/shows', { title: 'Spring sale' })).json();
  t.equal(show.recordingDeletedAt, null, 'a new show has its recording');
  const sizes = writeMedia(s.hlsRoot, show.id);

  t.equal((await s.app.inject({ method: 'DELETE', url: `/api/shows/${show.id}/recording` })).statusCode, 401, 'not without the admin token');
  const scheduled = await admin('DELETE', `/api/shows/${show.id}/recording`);
  t.equal(scheduled.statusCode, 409);
  t.equal(scheduled.json().code, 'SHOW_NOT_ENDED', 'a scheduled show keeps its media (a rehearsal may be writing it)');

  // live, with an order, a chat line and a clip: all of it is the show's data
  openForOrders(s.db, show.id, [product.id]);
  const live = await admin('DELETE', `/api/shows/${show.id}/recording`);
  t.equal(live.statusCode, 409);
  t.equal(live.json().code, 'SHOW_NOT_ENDED', 'a live show keeps writing its recording');
  t.ok(existsSync(join(s.hlsRoot, show.id, '720p', 'seg_00001.ts')), 'a refused delete deletes nothing');
  const viewer = (await s.app.inject({ method: 'POST', url: '/api/viewers', payload: { displayName: 'Ana' } })).json();
  const order = await s.app.inject({ method: 'POST', url: `/api/shows/${show.id}/orders`, headers: { authorization: `Bearer ${viewer.token}`, 'idempotency-key': 'k1' }, payload: { productId: product.id, quantity: 1 } });
  t.equal(order.statusCode, 201, 'an order while live');
  t.equal((await admin('POST', `/api/shows/${show.id}/chat`, { text: 'Welcome!' })).statusCode, 201, 'a chat line');
  addClip(s, 'c1', show.id, product.id, 'ready');
  addClip(s, 'c2', show.id, product.id, 'failed');
  s.services.shows.markEnded(show.id, Date.now());

  t.equal((await s.app.inject({ url: `/hls/${show.id}/720p/seg_00001.ts` })).statusCode, 200, 'the recording plays before');
  t.same((await admin('GET', `/api/shows/${show.id}/storage`)).json(), { ...sizes, recordingDeletedAt: null });
  const timelineBefore = (await admin('GET', `/api/shows/${show.id}/timeline`)).json().events;

  const before = Date.now();
  const deleted = await admin('DELETE', `/api/shows/${show.id}/recording`);
  t.equal(deleted.statusCode, 204);
  t.equal(deleted.body, '');
  t.notOk(existsSync(join(s.hlsRoot, show.id)), 'the media dir is gone, clips/ with it');

  const after = (await admin('GET', `/api/shows/${show.id}`)).json();
  t.equal(after.status, 'ended', 'the show stays');
  t.ok(Date.parse(after.recordingDeletedAt) >= before - 1, 'and says when its recording was deleted');
  t.same(clipStatuses(s, show.id), [{ id: 'c1', status: 'deleted' }, { id: 'c2', status: 'deleted' }], 'its clips are marked deleted; their rows stay');
  t.same((await admin('GET', `/api/shows/${show.id}/timeline`)).json().events, timelineBefore, 'the timeline stays whole');
  t.match((await admin('GET', `/api/shows/${show.id}/orders`)).json(), [{ id: order.json().id }], 'the orders stay');
  t.match((await admin('GET', `/api/shows/${show.id}/chat`)).json(), [{ text: 'Welcome!' }], 'the chat stays');
  t.same(s.db.prepare('SELECT text FROM chat_messages WHERE show_id = ?').pluck().all(show.id), ['Welcome!'], 'stored, too');
  t.same((await admin('GET', `/api/shows/${show.id}/storage`)).json(), { recordingBytes: 0, clipBytes: 0, recordingDeletedAt: after.recordingDeletedAt });

  for (const file of ['master.m3u8', '720p/index.m3u8', '720p/seg_00001.ts', 'clips/c1.mp4']) {
    const res = await s.app.inject({ url: `/hls/${show.id}/${file}` });
    t.equal(res.statusCode, 404, `/hls/…/${file}: 404`);
    t.equal(res.json().code, 'MEDIA_NOT_FOUND');
  }
  // a late writer (a clip cut finishing) puts a file back: it is still not served
  writeMedia(s.hlsRoot, show.id, false);
  t.equal((await s.app.inject({ url: `/hls/${show.id}/master.m3u8` })).json().code, 'MEDIA_NOT_FOUND', 'a deleted recording stays unserved');

  const again = await admin('DELETE', `/api/shows/${show.id}/recording`);
  t.equal(again.statusCode, 204, 'deleting again is fine');
  t.notOk(existsSync(join(s.hlsRoot, show.id)), 'and removes what came back');
  t.equal((await admin('GET', `/api/shows/${show.id}`)).json().recordingDeletedAt, after.recordingDeletedAt, 'the first time is kept');

  const page = await s.app.inject({ url: `/watch/${show.id}` });
  t.match(page.body, /The recording is no longer available/, 'the viewer page says so');
  t.match(page.body, /data-src=""/, 'and gives the player nothing to load');
  const missing = await admin('DELETE', '/api/shows/nope/recording');
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, 'SHOW_NOT_FOUND');
});

t.test('GET /api/storage and /api/shows/:id/storage: the bytes of the files, per show and in all, and the free space', async (t) => {
  const { s, admin } = await setup(t);
  const a = (await admin('POST', '/api/shows', { title: 'With clips' })).json();
  const b = (await admin('POST', '/api/shows', { title: 'Recording only' })).json();
  const c = (await admin('POST', '/api/shows', { title: 'Never streamed' })).json();
  const sizesA = writeMedia(s.hlsRoot, a.id);
  const sizesB = writeMedia(s.hlsRoot, b.id, false);
  // files at any depth count; a link (here to the database) is neither counted nor followed
  mkdirSync(join(s.hlsRoot, b.id, 'extra', 'deeper'), { recursive: true });
  writeFileSync(join(s.hlsRoot, b.id, 'extra', 'deeper', 'x.ts'), Buffer.alloc(1000));
  symlinkSync(join(s.dataDir, 'hawker.db'), join(s.hlsRoot, b.id, 'extra', 'db.ts'));
  symlinkSync(s.dataDir, join(s.hlsRoot, b.id, 'data'));
  const bBytes = sizesB.recordingBytes + 1000;

  t.same((await admin('GET', `/api/shows/${a.id}/storage`)).json(), { recordingBytes: sizesA.recordingBytes, clipBytes: sizesA.clipBytes, recordingDeletedAt: null });
  t.same((await admin('GET', `/api/shows/${c.id}/storage`)).json(), { recordingBytes: 0, clipBytes: 0, recordingDeletedAt: null }, 'no media dir: nothing');
  const all = (await admin('GET', '/api/storage')).json();
  t.same(all.shows, [
    { showId: c.id, title: 'Never streamed', recordingBytes: 0, clipBytes: 0, recordingDeletedAt: null },
    { showId: b.id, title: 'Recording only', recordingBytes: bBytes, clipBytes: 0, recordingDeletedAt: null },
    { showId: a.id, title: 'With clips', recordingBytes: sizesA.recordingBytes, clipBytes: sizesA.clipBytes, recordingDeletedAt: null },
  ]);
  t.equal(all.totalBytes, sizesA.recordingBytes + sizesA.clipBytes + bBytes);
  t.ok(Number.isInteger(all.freeBytes) && all.freeBytes > 0, `free bytes of the data disk: ${all.freeBytes}`);
  t.equal((await s.app.inject({ url: '/api/storage' })).statusCode, 401, 'admin only');
  t.equal((await s.app.inject({ url: `/api/shows/${a.id}/storage` })).statusCode, 401);
  t.equal((await admin('GET', '/api/shows/nope/storage')).json().code, 'SHOW_NOT_FOUND');
});
