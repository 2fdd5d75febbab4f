import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import t from 'tap';
import { openDatabase } from '../../src/db/open.js';
import { StorageHealth, watchWrites } from '../../src/db/storage-health.js';
import { isStorageFailure } from '../../src/domain/errors.js';
import { installErrorHandling } from '../../src/http/errors.js';
import { createLogger } from '../../src/log/logger.js';

const quiet = () => createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) });

function setup(t: { teardown(fn: () => void): void }, minFreeBytes = 0) {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-storage-'));
  const db = openDatabase(join(dir, 'h.db'));
  t.teardown(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const health = new StorageHealth({ dir, minFreeBytes, logger: quiet() });
  watchWrites(db, health);
  db.exec('CREATE TABLE notes (text TEXT NOT NULL)');
  return { db, health };
}

t.test('storage codes are told apart from other errors', async (t) => {
  for (const code of ['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_FSYNC', 'ENOSPC', 'EIO', 'EDQUOT']) t.ok(isStorageFailure({ code }), code);
  for (const err of [{ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }, { code: 'SQLITE_BUSY' }, new Error('x'), null, 'SQLITE_FULL', { code: 7 }]) t.notOk(isStorageFailure(err));
});

t.test('a write that fails for want of space makes storage not ready until a write gets through (SQLite really full: max_page_count)', async (t) => {
  const { db, health } = setup(t);
  const insert = db.prepare('INSERT INTO notes (text) VALUES (?)');
  const insertMany = db.transaction((texts: string[]) => {
    for (const text of texts) insert.run(text);
  });
  const readOnly = db.transaction(() => db.prepare('SELECT count(*) FROM notes').pluck().get());
  t.ok(health.ready(), 'ready at first');
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
  t.throws(() => insertMany(['x'.repeat(20_000)]), { code: 'SQLITE_FULL' });
  t.notOk(health.writable, 'the failed transaction is remembered');
  t.notOk(health.ready());
  t.throws(() => insert.run('y'.repeat(20_000)), { code: 'SQLITE_FULL' }, 'a single statement fails the same way');
  readOnly();
  t.notOk(health.writable, 'a transaction that only read proves nothing');
  db.prepare('UPDATE notes SET text = text WHERE 0').run();
  t.notOk(health.writable, 'nor does a write that changed no row');
  db.pragma('max_page_count = 1073741823');
  insertMany(['z'.repeat(20_000)]);
  t.ok(health.writable, 'a committed write clears it');
  t.ok(health.ready());
  t.throws(() => insert.run(null), { code: 'SQLITE_CONSTRAINT_NOTNULL' });
  t.ok(health.writable, 'an error that is not the disk\'s changes nothing');
});

t.test('not ready below the free-space threshold of the data dir', async (t) => {
  const { health } = setup(t, Number.MAX_SAFE_INTEGER);
  t.ok(health.writable);
  t.notOk(health.ready(), 'no disk has that much free');
  t.ok((health.status().freeBytes ?? 0) > 0, 'free space is read with statfs');
});

t.test('the API answers a storage failure with 503 STORAGE_UNAVAILABLE, not 500', async (t) => {
  const app = Fastify({ logger: false });
  installErrorHandling(app);
  app.post('/full', async () => {
    throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  });
  app.post('/io', async () => {
    throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });
  });
  app.post('/bug', async () => {
    throw new Error('a bug');
  });
  t.teardown(() => app.close());
  for (const url of ['/full', '/io']) {
    const r = await app.inject({ method: 'POST', url });
    t.equal(r.statusCode, 503, url);
    t.same(r.json(), { statusCode: 503, code: 'STORAGE_UNAVAILABLE', message: 'the server cannot store data right now (disk full or failing); nothing was changed, try again shortly' });
    t.equal(r.headers['retry-after'], '10');
  }
  t.equal((await app.inject({ method: 'POST', url: '/bug' })).statusCode, 500, 'other errors stay 500');
});
