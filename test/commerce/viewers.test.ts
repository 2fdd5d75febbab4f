import t from 'tap';
import { Viewers } from '../../src/commerce/viewers.js';
import { openDatabase } from '../../src/db/open.js';
import { createViewerRepository } from '../../src/db/viewer-repository.js';

/** Real viewer rows, with the token lookups counted. */
function setup(maxKnown?: number) {
  const db = openDatabase(':memory:');
  const repo = createViewerRepository(db);
  let lookups = 0;
  const viewers = new Viewers({ ...repo, findByTokenHash: (hash) => (lookups++, repo.findByTokenHash(hash)) }, Date.now, maxKnown);
  return { db, viewers, lookups: () => lookups };
}

t.test("a viewer's token is looked up once, then answered from memory", async (t) => {
  const { db, viewers, lookups } = setup();
  t.teardown(() => db.close());
  const { viewer, token } = viewers.register('Ada');
  for (let i = 0; i < 50; i++) t.same(viewers.fromAuthorization(`Bearer ${token}`), viewer);
  t.equal(lookups(), 1);
  t.ok(Object.isFrozen(viewers.byToken(token)), 'the shared viewer cannot be changed by one request');
});

t.test('forged tokens are refused every time and never kept', async (t) => {
  const { db, viewers, lookups } = setup();
  t.teardown(() => db.close());
  const { token } = viewers.register('Ada');
  const forged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
  for (let i = 0; i < 3; i++) t.throws(() => viewers.authenticate(`Bearer ${forged}`), { code: 'INVALID_VIEWER_TOKEN' });
  t.equal(lookups(), 3, 'each forged token went to the database');
  t.equal(viewers.byToken('not-a-token'), undefined);
  t.equal(lookups(), 3, 'a malformed token does not even get that far');
});

t.test('the memory is bounded: past its size it starts again', async (t) => {
  const { db, viewers, lookups } = setup(2);
  t.teardown(() => db.close());
  const tokens = ['A', 'B', 'C'].map((name) => viewers.register(name).token);
  for (const token of tokens) viewers.byToken(token);
  t.equal(lookups(), 3);
  // A and B were dropped when C came in; C is kept
  viewers.byToken(tokens[2]!);
  t.equal(lookups(), 3);
  t.equal(viewers.byToken(tokens[0]!)?.displayName, 'A');
  t.equal(lookups(), 4);
});
