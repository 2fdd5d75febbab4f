import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

const signup = (app: Awaited<ReturnType<typeof buildTestApp>>['app'], headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/viewers', headers: { 'content-type': 'application/json', ...headers }, payload: '{"displayName":"V"}' });

t.test('a made-up Authorization header does not open a fresh rate-limit counter', async (t) => {
  const { app, db } = await buildTestApp({ viewerRateLimitPerMinute: 3 });
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const codes = [];
  for (let i = 0; i < 5; i++) codes.push((await signup(app, { authorization: `Bearer made-up-${i}` })).statusCode);
  t.same(codes, [201, 201, 201, 429, 429], 'sign-ups are counted per address whatever the header says');

  const orders = [];
  for (let i = 0; i < 5; i++) {
    orders.push((await app.inject({ method: 'GET', url: '/api/orders/nope', headers: { authorization: `Bearer v_${String(i).padStart(43, 'x')}` } })).statusCode);
  }
  t.same(orders, [401, 401, 401, 429, 429], 'forged viewer tokens share their address counter');
});

t.test('a valid token does not open a fresh counter for sign-ups either; it does for viewer routes', async (t) => {
  const { app, db } = await buildTestApp({ viewerRateLimitPerMinute: 2 });
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const first = (await signup(app)).json();
  const second = await signup(app, { authorization: `Bearer ${first.token}` });
  t.equal(second.statusCode, 201);
  t.equal((await signup(app, { authorization: `Bearer ${second.json().token}` })).statusCode, 429, 'a chain of fresh viewers stays on one counter');
  // orders of two real viewers on one address (a household, a venue) each have their own counter
  const codes = [];
  for (const token of [first.token, first.token, second.json().token, second.json().token, first.token]) {
    codes.push((await app.inject({ method: 'GET', url: '/api/orders/nope', headers: { authorization: `Bearer ${token}` } })).statusCode);
  }
  t.same(codes, [404, 404, 404, 404, 429]);
});

t.test('X-Forwarded-For with trustProxy off: one warning, and the header is not the key', async (t) => {
  const { app, db, logs } = await buildTestApp({ viewerRateLimitPerMinute: 2 });
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const codes = [];
  for (let i = 0; i < 3; i++) codes.push((await signup(app, { 'x-forwarded-for': `203.0.113.${i}` })).statusCode);
  t.same(codes, [201, 201, 429]);
  t.equal(logs().split('\n').filter((l) => l.includes('trustProxy is off')).length, 1);
});

t.test('with trustProxy on, each forwarded address has its own counter and nothing is warned', async (t) => {
  const { app, db, logs } = await buildTestApp({ viewerRateLimitPerMinute: 1, trustProxy: true });
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  t.equal((await signup(app, { 'x-forwarded-for': '203.0.113.1' })).statusCode, 201);
  t.equal((await signup(app, { 'x-forwarded-for': '203.0.113.2' })).statusCode, 201);
  t.equal((await signup(app, { 'x-forwarded-for': '203.0.113.2' })).statusCode, 429);
  t.notMatch(logs(), /trustProxy is off/);
});
