import t from 'tap';
import { openDatabase } from '../../src/db/open.js';
import { createOverlayStateRepository } from '../../src/db/overlay-state-repository.js';
import { emptyOverlayState } from '../../src/domain/overlay.js';

function setup() {
  const db = openDatabase(':memory:');
  db.prepare("INSERT INTO shows (id, title, status, stream_key, created_at) VALUES ('s1', 'Show', 'live', 'key1', 0)").run();
  return { db, states: createOverlayStateRepository(db) };
}

t.test('a read after a save sees the save; states handed out are frozen copies', async (t) => {
  const { db, states } = setup();
  t.teardown(() => db.close());
  t.equal(states.get('s1'), undefined);
  const saved = { ...emptyOverlayState(), pinnedProductId: 'p1', theme: { accentColor: '#ff0000' } };
  states.save('s1', saved, 1);
  t.same(states.get('s1'), saved);
  t.not(states.get('s1'), saved, "not the caller's object");
  t.ok(Object.isFrozen(states.get('s1')) && Object.isFrozen(states.get('s1')!.theme));
  t.notOk(Object.isFrozen(saved), "the caller's object is left alone");
  states.save('s1', { ...saved, pinnedProductId: null }, 2);
  t.equal(states.get('s1')!.pinnedProductId, null);
  // what the database holds agrees
  t.equal(JSON.parse(db.prepare<[], string>("SELECT state FROM show_overlays WHERE show_id = 's1'").pluck().get()!).pinnedProductId, null);
});

t.test('a save inside a transaction that is rolled back is not what is read', async (t) => {
  const { db, states } = setup();
  t.teardown(() => db.close());
  states.save('s1', { ...emptyOverlayState(), pinnedProductId: 'p1' }, 1);
  t.throws(
    db.transaction(() => {
      states.save('s1', { ...emptyOverlayState(), pinnedProductId: 'p2' }, 2);
      throw new Error('rolled back');
    }),
  );
  t.equal(states.get('s1')!.pinnedProductId, 'p1');
});
