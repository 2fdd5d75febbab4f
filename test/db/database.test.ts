import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { MigrationError, openDatabase } from '../../src/db/open.js';
import { createShowEventRepository, createShowRepository } from '../../src/db/show-repository.js';
import type { Show } from '../../src/domain/show.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'hawker-db-'));

t.test('a real SQLite file in WAL mode with migrations applied once', async (t) => {
  const file = join(tmp(), 'nested', 'hawker.db');
  const db = openDatabase(file);
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(db.pragma('foreign_keys', { simple: true }), 1);
  const shipped = readdirSync(fileURLToPath(new URL('../../src/db/migrations', import.meta.url))).filter((f) => f.endsWith('.sql'));
  const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
  t.same(versions, shipped.map((f) => Number(f.slice(0, 3))).sort((a, b) => a - b), 'every shipped migration, in order');
  db.close();
  const again = openDatabase(file);
  t.same(again.prepare('SELECT count(*) FROM schema_migrations').pluck().get(), shipped.length, 'not applied twice');
  again.close();
});

t.test('a migration edited after it was applied stops the start', async (t) => {
  const dir = tmp();
  const migrations = join(dir, 'migrations');
  cpSync(fileURLToPath(new URL('../../src/db/migrations', import.meta.url)), migrations, { recursive: true });
  const file = join(dir, 'x.db');
  openDatabase(file, migrations).close();
  writeFileSync(join(migrations, '001_shows.sql'), '-- changed\nSELECT 1;');
  t.throws(() => openDatabase(file, migrations), MigrationError);
});

t.test('a failing migration leaves nothing half applied', async (t) => {
  const dir = tmp();
  const migrations = join(dir, 'migrations');
  cpSync(fileURLToPath(new URL('../../src/db/migrations', import.meta.url)), migrations, { recursive: true });
  writeFileSync(join(migrations, '002_broken.sql'), 'CREATE TABLE ok_table (x INTEGER);\nTHIS IS NOT SQL;');
  const file = join(dir, 'y.db');
  t.throws(() => openDatabase(file, migrations));
  const fixed = join(dir, 'fixed');
  cpSync(fileURLToPath(new URL('../../src/db/migrations', import.meta.url)), fixed, { recursive: true });
  const db = openDatabase(file, fixed);
  t.same(db.prepare("SELECT name FROM sqlite_master WHERE name = 'ok_table'").all(), [], 'no table from the failed one');
  db.close();
});

t.test('shows and their events round-trip', async (t) => {
  const db = openDatabase(join(tmp(), 'z.db'));
  t.teardown(() => db.close());
  const shows = createShowRepository(db);
  const events = createShowEventRepository(db);
  const show: Show = { id: 'abcdefghijkl', title: 'T', host: 'Ana', scheduledAt: 5, status: 'scheduled', streamKey: 'k'.repeat(43), createdAt: 1, startedAt: null, endedAt: null, recordingDeletedAt: null };
  shows.create(show);
  t.same(shows.get(show.id), show);
  t.same(shows.findByStreamKey(show.streamKey), show);
  shows.markLive(show.id, 100);
  shows.markLive(show.id, 200);
  t.equal(shows.get(show.id)!.startedAt, 100, 'stream time 0 is the first time it went live');
  shows.markEnded(show.id, 300);
  t.same(shows.listByStatus('ended').map((s) => s.id), [show.id]);
  shows.setStreamKey(show.id, 'n'.repeat(43));
  t.equal(shows.findByStreamKey(show.streamKey), undefined, 'the old key finds nothing');
  const e = events.append({ showId: show.id, type: 'show.live', at: 100, payload: { a: 1 } });
  t.same(events.listForShow(show.id, 10), [e]);
  const pin = events.append({ showId: show.id, type: 'overlay.changed', at: 150, payload: { change: 'pin', productId: 'p' } });
  const end = events.append({ showId: show.id, type: 'show.ended', at: 300, payload: {} });
  t.same(events.listOfTypes(show.id, ['overlay.changed', 'show.ended'], 10), [pin, end], 'only the types asked for, in order');
  t.same(events.listOfTypes(show.id, ['overlay.changed', 'show.ended'], 1), [pin], 'at most the limit');
  t.same(events.listOfTypes(show.id, [], 10), []);
  t.equal(shows.delete(show.id), true);
  t.same(events.listForShow(show.id, 10), [], 'events go with their show');
  t.throws(() => shows.create({ ...show, status: 'bogus' as Show['status'] }), /CHECK constraint/);
});
