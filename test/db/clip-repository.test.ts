// The clips table on a real SQLite file: a clip is cut once (pending, then ready or failed, never
// back), the public sees ready clips only, newest first, and a deleted recording marks its clips.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createClipRepository } from '../../src/db/clip-repository.js';
import { openDatabase } from '../../src/db/open.js';
import { createProductRepository } from '../../src/db/product-repository.js';
import { createShowRepository } from '../../src/db/show-repository.js';
import type { ClipRepository } from '../../src/domain/ports.js';

function setup(t: { teardown(fn: () => void): void }): ClipRepository {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'hawker-clips-')), 'h.db'));
  t.teardown(() => db.close());
  const shows = createShowRepository(db);
  shows.create({ id: 'rehearsal', title: 'r', host: '', scheduledAt: null, status: 'scheduled', streamKey: 'r'.padEnd(43, 'k'), createdAt: 1, startedAt: null, endedAt: null, recordingDeletedAt: null });
  for (const id of ['show1', 'show2']) shows.create({ id, title: id, host: '', scheduledAt: null, status: 'live', streamKey: id.padEnd(43, 'k'), createdAt: 1, startedAt: 1, endedAt: null, recordingDeletedAt: null });
  const products = createProductRepository(db);
  for (const id of ['pa', 'pb']) products.create({ id, sku: id, title: id, description: '', price: 100, currency: 'EUR', compareAtPrice: null, stock: 1, stockVersion: 0, hasImage: false, options: [], variants: [], createdAt: 1, updatedAt: 1 });
  return createClipRepository(db);
}

const span = (id: string, showId: string, productId: string, createdAt: number) => ({ id, showId, productId, startMs: 1000, endMs: 9000, createdAt });

t.test('a pending clip becomes ready once, with its media; failed keeps why', async (t) => {
  const clips = setup(t);
  clips.createPending(span('c1', 'show1', 'pa', 10));
  t.same(clips.get('c1'), { id: 'c1', showId: 'show1', productId: 'pa', startMs: 1000, endMs: 9000, status: 'pending', durationMs: null, bytes: null, error: null, createdAt: 10, readyAt: null });
  t.equal(clips.markReady('c1', { durationMs: 8000, bytes: 12345 }, 20), true);
  t.match(clips.get('c1'), { status: 'ready', durationMs: 8000, bytes: 12345, readyAt: 20 });
  t.equal(clips.markFailed('c1', 'late'), false, 'a ready clip does not fail afterwards');
  t.equal(clips.markReady('c1', { durationMs: 1, bytes: 1 }, 30), false, 'nor becomes ready twice');
  clips.createPending(span('c2', 'show1', 'pa', 11));
  t.equal(clips.markFailed('c2', 'ffmpeg exited 1'), true);
  t.match(clips.get('c2'), { status: 'failed', error: 'ffmpeg exited 1', readyAt: null });
  t.equal(clips.get('nope'), undefined);
});

t.test('lists: newest first, ready only for the public, limited, per product across shows and per show', async (t) => {
  const clips = setup(t);
  clips.createPending(span('a1', 'show1', 'pa', 10));
  clips.createPending(span('b1', 'show1', 'pb', 11));
  clips.createPending(span('a2', 'show2', 'pa', 12));
  clips.createPending(span('a3', 'show2', 'pa', 13));
  clips.markReady('a1', { durationMs: 8000, bytes: 1 }, 20);
  clips.markReady('a3', { durationMs: 8000, bytes: 1 }, 21);
  clips.markReady('b1', { durationMs: 8000, bytes: 1 }, 22);
  clips.createPending(span('r1', 'rehearsal', 'pa', 14));
  clips.markReady('r1', { durationMs: 8000, bytes: 1 }, 23);
  t.same(clips.listForShow('rehearsal', { readyOnly: true, limit: 10 }), [], 'a scheduled show\'s media is private');
  t.same(clips.listForProduct('pa', { readyOnly: true, limit: 1 }).map((c) => c.id), ['a3'], 'the limit counts public clips only');
  t.same(clips.listForShow('rehearsal', { readyOnly: false, limit: 10 }).map((c) => c.id), ['r1']);
  t.same(clips.listForProduct('pa', { readyOnly: true, limit: 10 }).map((c) => c.id), ['a3', 'a1']);
  t.same(clips.listForProduct('pa', { readyOnly: false, limit: 10 }).map((c) => c.id), ['r1', 'a3', 'a2', 'a1']);
  t.same(clips.listForProduct('pa', { readyOnly: false, limit: 2 }).map((c) => c.id), ['r1', 'a3']);
  t.same(clips.listForShow('show1', { readyOnly: true, limit: 10 }).map((c) => c.id), ['b1', 'a1']);
  t.same(clips.listForShow('show2', { readyOnly: true, limit: 10 }).map((c) => c.id), ['a3']);
  t.same(clips.listForShow('nope', { readyOnly: false, limit: 10 }), []);
});

t.test('a deleted recording marks its clips deleted (a pending one cannot become ready then); abandoned cuts fail at start', async (t) => {
  const clips = setup(t);
  clips.createPending(span('a1', 'show1', 'pa', 10));
  clips.createPending(span('a2', 'show1', 'pa', 11));
  clips.createPending(span('a3', 'show2', 'pa', 12));
  clips.markReady('a1', { durationMs: 8000, bytes: 1 }, 20);
  t.equal(clips.markDeletedForShow('show1'), 2);
  t.equal(clips.markDeletedForShow('show1'), 0, 'once');
  t.equal(clips.markReady('a2', { durationMs: 8000, bytes: 1 }, 21), false);
  t.same(clips.listForShow('show1', { readyOnly: false, limit: 10 }).map((c) => c.status), ['deleted', 'deleted']);
  t.equal(clips.failAbandoned('the server stopped while it was cut'), 1);
  t.match(clips.get('a3'), { status: 'failed', error: 'the server stopped while it was cut' });
});
