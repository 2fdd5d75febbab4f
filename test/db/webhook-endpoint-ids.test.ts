import t from 'tap';
import { openDatabase } from '../../src/db/open.js';
import { createWebhookStore } from '../../src/db/webhook-store.js';

t.test('each event goes to the endpoints there are when it is enqueued, though their ids are kept in memory', async (t) => {
  const db = openDatabase(':memory:');
  t.teardown(() => db.close());
  const store = createWebhookStore(db);
  const rowsFor = (endpointId: string) => db.prepare<[string], number>('SELECT count(*) FROM webhook_outbox WHERE endpoint_id = ?').pluck().get(endpointId);
  store.enqueue('order.created', { n: 0 }, 1);
  t.equal(db.prepare('SELECT count(*) FROM webhook_outbox').pluck().get(), 0, 'no endpoint, no row');
  store.addEndpoint({ id: 'a', url: 'http://127.0.0.1:1/a', secret: 's', createdAt: 1 });
  store.enqueue('order.created', { n: 1 }, 2);
  store.addEndpoint({ id: 'b', url: 'http://127.0.0.1:1/b', secret: 's', createdAt: 2 });
  store.enqueue('order.created', { n: 2 }, 3);
  t.equal(store.removeEndpoint('a'), true);
  store.enqueue('order.created', { n: 3 }, 4);
  t.equal(rowsFor('a'), 0, "a removed endpoint's rows go with it");
  t.equal(rowsFor('b'), 2, 'the endpoint added later gets the events after it');
});
