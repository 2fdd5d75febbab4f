import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

t.test('shows API', async (t) => {
  const { app, auth, logs, db } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const post = (body: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/api/shows', headers: { 'content-type': 'application/json', ...auth, ...headers }, payload: body });

  await t.test('admin routes need the bearer token', async (t) => {
    for (const [method, url] of [['GET', '/api/shows'], ['POST', '/api/shows'], ['GET', '/api/shows/abc'], ['DELETE', '/api/shows/abc'], ['POST', '/api/shows/abc/stream-key'], ['GET', '/api/shows/abc/timeline']] as const) {
      for (const authorization of [undefined, 'Bearer wrong-token', 'Basic dGVzdA==', 'Bearer ']) {
        const res = await app.inject({ method, url, headers: authorization ? { authorization } : {} });
        t.equal(res.statusCode, 401, `${method} ${url} with ${authorization ?? 'no header'}`);
        t.equal(res.json().code, 'UNAUTHORIZED');
        t.equal(res.headers['www-authenticate'], 'Bearer realm="hawker"');
      }
    }
  });

  let id = '';
  let key = '';
  await t.test('create, read, list', async (t) => {
    const res = await post(JSON.stringify({ title: '  Spring garden sale  ' }));
    t.equal(res.statusCode, 201);
    const show = res.json();
    t.match(show, {
      id: /^[A-Za-z0-9_-]{12}$/,
      title: 'Spring garden sale',
      status: 'scheduled',
      streamKey: /^[A-Za-z0-9_-]{43}$/,
      ingestUrl: 'rtmp://shop.example:1935/live',
      startedAt: null,
      endedAt: null,
    });
    t.equal(show.playbackUrl, `https://shop.example/hls/${show.id}/master.m3u8`);
    t.equal(show.watchUrl, `https://shop.example/watch/${show.id}`);
    t.ok(Date.parse(show.createdAt));
    id = show.id;
    key = show.streamKey;
    t.same((await app.inject({ url: `/api/shows/${id}`, headers: auth })).json(), show);
    const list = (await app.inject({ url: '/api/shows', headers: auth })).json();
    t.same(list.map((s: { id: string }) => s.id), [id]);
    t.notMatch(logs(), key, 'the stream key was not logged');
  });

  await t.test('bad input gets a 4xx with a code, and nothing is stored', async (t) => {
    const cases: Array<[string, () => ReturnType<typeof post>, number, string]> = [
      ['malformed JSON', () => post('{"title": "x"'), 400, 'INVALID_JSON'],
      ['empty body', () => post(''), 400, 'INVALID_JSON'],
      ['unknown field', () => post(JSON.stringify({ title: 'x', price: 5 })), 400, 'VALIDATION_FAILED'],
      ['missing title', () => post(JSON.stringify({})), 400, 'VALIDATION_FAILED'],
      ['blank title', () => post(JSON.stringify({ title: '   ' })), 400, 'VALIDATION_FAILED'],
      ['title with a control character', () => post(JSON.stringify({ title: 'a\u0000b' })), 400, 'VALIDATION_FAILED'],
      ['title too long', () => post(JSON.stringify({ title: 'x'.repeat(201) })), 400, 'VALIDATION_FAILED'],
      ['title not a string', () => post(JSON.stringify({ title: 42 })), 400, 'VALIDATION_FAILED'],
      ['array body', () => post(JSON.stringify([{ title: 'x' }])), 400, 'VALIDATION_FAILED'],
      ['oversized body', () => post(JSON.stringify({ title: 'x'.repeat(70_000) })), 413, 'BODY_TOO_LARGE'],
      ['not JSON', () => post('title=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ];
    for (const [name, send, status, code] of cases) {
      const res = await send();
      t.equal(res.statusCode, status, name);
      const body = res.json();
      t.equal(body.code, code, name);
      t.equal(body.statusCode, status, name);
      t.type(body.message, 'string', name);
    }
    const unknown = (await post(JSON.stringify({ title: 'x', price: 5 }))).json();
    t.match(unknown.message, /price is not a known field/);
    t.same(unknown.details, [{ field: 'price', problem: 'is not a known field' }]);
    t.equal((await app.inject({ url: '/api/shows', headers: auth })).json().length, 1, 'nothing half-saved');
    const health = await app.inject({ url: '/healthz' });
    t.equal(health.statusCode, 200, 'the server is still up');
  });

  await t.test('unknown show, bad id, unknown route', async (t) => {
    const missing = await app.inject({ url: '/api/shows/doesnotexist', headers: auth });
    t.equal(missing.statusCode, 404);
    t.equal(missing.json().code, 'SHOW_NOT_FOUND');
    const bad = await app.inject({ url: '/api/shows/..%2F..%2Fetc', headers: auth });
    t.equal(bad.statusCode, 400);
    const route = await app.inject({ url: '/api/nothing-here' });
    t.equal(route.statusCode, 404);
    t.equal(route.json().code, 'NOT_FOUND');
  });

  await t.test('rotating the key revokes the old one', async (t) => {
    const res = await app.inject({ method: 'POST', url: `/api/shows/${id}/stream-key`, headers: auth });
    t.equal(res.statusCode, 200);
    const rotated = res.json();
    t.not(rotated.streamKey, key);
    t.match(rotated.streamKey, /^[A-Za-z0-9_-]{43}$/);
    const timeline = (await app.inject({ url: `/api/shows/${id}/timeline`, headers: auth })).json();
    t.same(timeline.events.map((e: { type: string }) => e.type), ['streamkey.rotated']);
  });

  await t.test('delete', async (t) => {
    const res = await app.inject({ method: 'DELETE', url: `/api/shows/${id}`, headers: auth });
    t.equal(res.statusCode, 204);
    t.equal((await app.inject({ url: `/api/shows/${id}`, headers: auth })).statusCode, 404);
    t.equal((await app.inject({ method: 'DELETE', url: `/api/shows/${id}`, headers: auth })).statusCode, 404);
  });
});

t.test('API requests are rate limited per client, before auth is checked', async (t) => {
  const { app, auth, db } = await buildTestApp({ apiRateLimitPerMinute: 5 });
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) statuses.push((await app.inject({ url: '/api/shows', headers: i % 2 ? auth : { authorization: 'Bearer guess' } })).statusCode);
  t.same(statuses, [401, 200, 401, 200, 401, 429, 429]);
  const limited = await app.inject({ url: '/api/shows', headers: auth });
  t.equal(limited.json().code, 'RATE_LIMITED');
  t.ok(limited.headers['retry-after'], 'says when to retry');
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'health and playback are not limited');
});
