// Every JSON route declares what it answers (Fastify serializes by that schema and drops what it
// does not name), and the routes that got their schema late still answer every field their
// readers use.
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

/** Routes that do not answer JSON: a page, a picture, a media file, a socket, a text format, a script. */
const NOT_JSON = new Set(['GET /watch/{id}', 'GET /media/products/{id}/{file}', 'GET /media/products/{id}/variants/{variantId}/{file}', 'GET /hls/{*}', 'GET /api/shows/{id}/live', 'GET /api/shows/{id}/timeline.csv', 'GET /api/orders.csv', 'GET /api/shows/{id}/report/{table}.csv', 'GET /metrics', 'GET /', 'GET /shows', 'GET /api/shows/{id}/poster.jpg', 'GET /embed/live.js']);

interface Operation {
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

t.test('every JSON route has a response schema for its success answer', async (t) => {
  const { app, db } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const doc = (await app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, Operation>> };
  const missing: string[] = [];
  let checked = 0;
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const route = `${method.toUpperCase()} ${path}`;
      if (NOT_JSON.has(route)) continue;
      checked++;
      // without a schema, the document still lists a bare "200: Default Response" (no content)
      const declared = Object.entries(operation.responses ?? {}).filter(([status, r]) => status === '204' || (/^2\d\d$/.test(status) && r.content?.['application/json'] !== undefined));
      if (declared.length === 0) missing.push(route);
    }
  }
  t.ok(checked > 60, `checked ${checked} routes`);
  t.same(missing, [], 'no JSON route without a success response schema');
});

t.test('the routes that got a schema late still answer every field their readers use', async (t) => {
  const { app, db, auth, services } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });

  const protocol = (await app.inject({ url: '/api/live/protocol' })).json();
  t.match(protocol, { version: 1, endpoint: String, framing: String, closeCodes: { TOO_SLOW: 4008, INVALID_TOKEN: 4401 } });
  t.ok(Array.isArray(protocol.clientMessages.anyOf) && protocol.clientMessages.anyOf.length > 5, 'the client messages, as JSON Schema');
  t.ok(Array.isArray(protocol.serverMessages.anyOf) && protocol.serverMessages.anyOf.length > 5, 'the server messages, as JSON Schema');

  const viewer = (await app.inject({ method: 'POST', url: '/api/viewers', payload: { displayName: 'Mo' } })).json() as { viewerId: string };
  t.equal((await app.inject({ method: 'PUT', url: `/api/viewers/${viewer.viewerId}/moderator`, headers: auth })).statusCode, 204);
  const moderators = (await app.inject({ url: '/api/moderators', headers: auth })).json();
  t.match(moderators, [{ viewerId: viewer.viewerId, displayName: 'Mo', grantedAt: /^\d{4}-\d{2}-\d{2}T/ }]);
  const removed = await app.inject({ method: 'DELETE', url: `/api/viewers/${viewer.viewerId}/moderator`, headers: auth });
  t.equal(removed.statusCode, 204);
  t.equal(removed.body, '', 'no content means no body');

  const hook = (await app.inject({ method: 'POST', url: '/api/webhooks', headers: auth, payload: { url: 'http://127.0.0.1:9/hooks' } })).json() as { id: string; createdAt: string };
  t.same((await app.inject({ url: '/api/webhooks', headers: auth })).json(), [{ id: hook.id, url: 'http://127.0.0.1:9/hooks', createdAt: hook.createdAt }], 'listed without the secret');
  services.webhooks.enqueue('order.created', { orderId: 'o1' }, Date.now());
  await services.dispatcher.tick();
  const deliveries = (await app.inject({ url: `/api/webhooks/${hook.id}/deliveries`, headers: auth })).json();
  t.match(deliveries, [{ eventId: String, eventType: 'order.created', attempt: 1, at: /^\d{4}-/, statusCode: null, error: String, durationMs: Number }]);

  const login = await app.inject({ method: 'POST', url: '/admin/login', payload: { token: 'test-admin-token-0123456789' } });
  t.match(login.json(), { csrfToken: String });
});
