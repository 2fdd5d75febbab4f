import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

const METRICS_TOKEN = 'scrape-me-0123456789abcdef';

t.test('/metrics needs the metrics token or the admin token', async (t) => {
  const { app, db, auth } = await buildTestApp({ metricsToken: METRICS_TOKEN });
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const anonymous = await app.inject({ url: '/metrics' });
  t.equal(anonymous.statusCode, 401);
  t.equal(anonymous.json().code, 'UNAUTHORIZED');
  t.match(anonymous.headers['www-authenticate'], /^Bearer/);
  t.notMatch(anonymous.body, /hawker_/);
  t.equal((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer not-the-token-at-all' } })).statusCode, 401);
  const scraper = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  t.equal(scraper.statusCode, 200);
  t.match(scraper.body, /hawker_live_shows 0/);
  t.equal((await app.inject({ url: '/metrics', headers: auth })).statusCode, 200, 'the admin token reads metrics too');
  t.equal((await app.inject({ url: '/api/shows', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).statusCode, 401, 'the metrics token opens nothing else');
});

t.test('without a metrics token, only the admin token reads /metrics', async (t) => {
  const { app, db, auth } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  t.equal((await app.inject({ url: '/metrics' })).statusCode, 401);
  t.equal((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer ' } })).statusCode, 401, 'an empty token is no token');
  t.equal((await app.inject({ url: '/metrics', headers: auth })).statusCode, 200);
});

t.test('guessing the metrics token is rate limited', async (t) => {
  const { app, db } = await buildTestApp({ apiRateLimitPerMinute: 3 });
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const codes = [];
  for (let i = 0; i < 4; i++) codes.push((await app.inject({ url: '/metrics', headers: { authorization: `Bearer guess-${i}` } })).statusCode);
  t.same(codes, [401, 401, 401, 429]);
});
