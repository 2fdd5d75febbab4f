import t from 'tap';
import { LineupMembership } from '../../src/commerce/lineup-membership.js';
import { createLineupRepository } from '../../src/db/lineup-repository.js';
import { openDatabase } from '../../src/db/open.js';
import { EventBus } from '../../src/domain/events.js';

/** A real lineup table, with the reads counted: the point is how often SQLite is asked. */
function setup() {
  const db = openDatabase(':memory:');
  db.prepare("INSERT INTO shows (id, title, status, stream_key, created_at) VALUES ('s1', 'Show', 'live', 'key1', 0)").run();
  for (const id of ['p1', 'p2', 'p3']) db.prepare("INSERT INTO products (id, sku, title, price, currency, stock, created_at, updated_at) VALUES (?, ?, 'P', 100, 'EUR', 5, 0, 0)").run(id, id);
  const repo = createLineupRepository(db);
  let reads = 0;
  const membership = new LineupMembership({ get: (showId) => (reads++, repo.get(showId)) });
  const bus = new EventBus((err) => {
    throw err;
  });
  membership.subscribe(bus);
  return { db, repo, membership, bus, reads: () => reads };
}

t.test('answers from one read of the lineup until it changes', async (t) => {
  const { db, repo, membership, bus, reads } = setup();
  t.teardown(() => db.close());
  repo.set('s1', ['p1', 'p2']);
  for (let i = 0; i < 100; i++) t.equal(membership.lists('s1', i % 2 ? 'p1' : 'p3'), i % 2 === 1);
  t.equal(reads(), 1, 'a hundred orders, one read');

  repo.set('s1', ['p3']);
  bus.emit({ type: 'lineup.changed', showId: 's1', at: 1 });
  t.notOk(membership.lists('s1', 'p1'), 'a product taken out of the lineup is no longer listed');
  t.ok(membership.lists('s1', 'p3'), 'the one put in is');
  t.equal(reads(), 2);
});

t.test('any product change forgets every answer: the lineups are read again', async (t) => {
  const { db, repo, membership, bus, reads } = setup();
  t.teardown(() => db.close());
  repo.set('s1', ['p1', 'p2']);
  t.ok(membership.lists('s1', 'p2'));
  // changed underneath, told only that products changed
  repo.set('s1', ['p1']);
  bus.emit({ type: 'products.changed', productIds: ['p2'], at: 1 });
  t.notOk(membership.lists('s1', 'p2'), 'read again after the product change');
  t.ok(membership.lists('s1', 'p1'));
  t.equal(reads(), 2);
});

t.test('a show that is not known lists nothing, and that answer is forgotten with its lineup', async (t) => {
  const { db, repo, membership, bus } = setup();
  t.teardown(() => db.close());
  t.notOk(membership.lists('s1', 'p1'));
  repo.set('s1', ['p1']);
  bus.emit({ type: 'lineup.changed', showId: 's1', at: 1 });
  t.ok(membership.lists('s1', 'p1'));
});
