import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import t from 'tap';
import { migrate } from '../../src/db/open.js';

const shipped = fileURLToPath(new URL('../../src/db/migrations/', import.meta.url));

/** A database migrated up to (and including) `upTo`, from a folder holding only those files. */
function databaseAt(dir: string, upTo: number) {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(shipped)) if (/^\d{3}_/.test(f) && Number(f.slice(0, 3)) <= upTo) copyFileSync(join(shipped, f), join(dir, f));
  const db = new Database(join(dir, 'hawker.db'));
  db.pragma('foreign_keys = ON');
  migrate(db, dir);
  return db;
}

t.test('rebuilding coupons for the new unlock rules keeps every coupon, claim and order that uses one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-rebuild-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const db = databaseAt(join(dir, 'migrations'), 9);
  t.teardown(() => db.close());
  db.exec(`
    INSERT INTO shows (id, title, status, stream_key, created_at) VALUES ('s1', 'Show', 'live', 'k1', 1);
    INSERT INTO viewers (id, display_name, token_hash, created_at) VALUES ('v1', 'Ann', 'h1', 1);
    INSERT INTO products (id, sku, title, price, currency, stock, created_at, updated_at) VALUES ('p1', 'SKU-1', 'Mug', 1000, 'EUR', 5, 1, 1);
    INSERT INTO coupons (id, code, kind, amount, show_id, unlock, unlock_threshold, uses, created_at, product_id)
      VALUES ('c1', 'STAY10', 'percent', 10, 's1', 'watch', 5, 1, 1, 'p1');
    INSERT INTO coupon_claims (coupon_id, viewer_id, show_id, at) VALUES ('c1', 'v1', 's1', 2);
    INSERT INTO orders (id, show_id, viewer_id, product_id, quantity, unit_price, discount, total, currency, coupon_id, status,
      idempotency_key, request_hash, on_screen, created_at, updated_at)
      VALUES ('o1', 's1', 'v1', 'p1', 1, 1000, 100, 900, 'EUR', 'c1', 'paid', 'i1', 'r1', '{}', 3, 3);
  `);
  t.throws(() => db.prepare("UPDATE coupons SET unlock = 'share' WHERE id = 'c1'").run(), /CHECK constraint/, 'before: share is not an unlock rule');

  copyFileSync(join(shipped, '010_reach_coupon_rules.sql'), join(dir, 'migrations', '010_reach_coupon_rules.sql'));
  t.same(migrate(db, join(dir, 'migrations')), [10]);
  t.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys are back on');
  t.same(db.prepare("SELECT code, unlock, unlock_threshold, uses, product_id FROM coupons WHERE id = 'c1'").get(), { code: 'STAY10', unlock: 'watch', unlock_threshold: 5, uses: 1, product_id: 'p1' });
  t.equal(db.prepare('SELECT count(*) FROM coupon_claims').pluck().get(), 1, 'the claim was not cascaded away');
  t.equal(db.prepare("SELECT coupon_id FROM orders WHERE id = 'o1'").pluck().get(), 'c1');
  db.prepare("UPDATE coupons SET unlock = 'share' WHERE id = 'c1'").run();
  db.prepare("UPDATE coupons SET unlock = 'preshow' WHERE id = 'c1'").run();
  t.throws(() => db.prepare("UPDATE coupons SET unlock = 'shout' WHERE id = 'c1'").run(), /CHECK constraint/, 'the list is still checked');
  t.throws(() => db.prepare("UPDATE coupon_claims SET viewer_id = 'nobody'").run(), /FOREIGN KEY/, 'references are enforced again');
  t.throws(() => db.prepare("DELETE FROM coupons WHERE id = 'c1'").run(), /FOREIGN KEY/, 'an order still holds the rebuilt coupon');
});

t.test('a rebuild that would leave a broken reference is rolled back', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-rebuild-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const migrations = join(dir, 'migrations');
  mkdirSync(migrations);
  const db = new Database(join(dir, 'hawker.db'));
  t.teardown(() => db.close());
  db.pragma('foreign_keys = ON');
  writeFileSync(join(migrations, '001_a.sql'), 'CREATE TABLE a (id TEXT PRIMARY KEY) STRICT; CREATE TABLE b (a_id TEXT REFERENCES a (id)) STRICT;');
  migrate(db, migrations);
  db.exec("INSERT INTO a VALUES ('x'); INSERT INTO b VALUES ('x');");
  // forgets to copy a's rows
  writeFileSync(join(migrations, '002_b.sql'), "-- rebuilds tables: foreign keys off\nCREATE TABLE a2 (id TEXT PRIMARY KEY, note TEXT) STRICT; DROP TABLE a; ALTER TABLE a2 RENAME TO a;");
  t.throws(() => migrate(db, migrations), /left 1 broken reference/);
  t.equal(db.prepare("SELECT count(*) FROM a WHERE id = 'x'").pluck().get(), 1, 'the old table is back');
  t.equal(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get(), 1, 'not recorded as applied');
  t.equal(db.pragma('foreign_keys', { simple: true }), 1);
});
