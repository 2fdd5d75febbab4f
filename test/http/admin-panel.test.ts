import t from 'tap';
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.js';

t.test('control panel: login, session cookie, CSRF, the host socket, assets, timeline CSV', async (t) => {
  const { app, db } = await buildTestApp();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  t.teardown(async () => {
    await app.close();
    db.close();
  });

  const page = await app.inject({ url: '/admin' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-security-policy'], /frame-ancestors 'none'/);
  const assetUrl = /src="(\/assets\/admin\.js\?v=[0-9a-f]{12})"/.exec(page.payload)?.[1];
  t.ok(assetUrl, 'assets are linked with a content hash');
  const asset = await app.inject({ url: assetUrl! });
  t.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
  t.equal((await app.inject({ url: '/assets/admin.js' })).headers['cache-control'], 'public, max-age=60', 'unversioned: a short cache');
  t.equal((await app.inject({ url: '/assets/..%2fmain.ts' })).statusCode, 400);
  t.equal((await app.inject({ url: '/assets/nope.js' })).statusCode, 404);

  const wrong = await app.inject({ method: 'POST', url: '/admin/login', payload: { token: 'guess' } });
  t.equal(wrong.statusCode, 401);
  t.equal(wrong.headers['set-cookie'], undefined);
  const login = await app.inject({ method: 'POST', url: '/admin/login', payload: { token: ADMIN_TOKEN } });
  t.equal(login.statusCode, 200);
  const setCookie = String(login.headers['set-cookie']);
  t.match(setCookie, /^hawker_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/, 'Secure: the public URL is https');
  const cookie = setCookie.split(';')[0]!;
  const csrf = login.json().csrfToken as string;

  t.equal((await app.inject({ url: '/api/shows', headers: { cookie } })).statusCode, 200, 'reads with the cookie');
  const noCsrf = await app.inject({ method: 'POST', url: '/api/shows', headers: { cookie }, payload: { title: 'x' } });
  t.equal(noCsrf.statusCode, 401, 'a change without the CSRF header is refused');
  t.equal((await app.inject({ method: 'POST', url: '/api/shows', headers: { cookie, 'x-csrf-token': 'forged' }, payload: { title: 'x' } })).statusCode, 401);
  const created = await app.inject({ method: 'POST', url: '/api/shows', headers: { cookie, 'x-csrf-token': csrf }, payload: { title: 'From the panel', host: 'Mia' } });
  t.equal(created.statusCode, 201);
  const showId = created.json().id as string;
  t.same((await app.inject({ url: '/admin/session', headers: { cookie } })).json(), { csrfToken: csrf });

  // the host socket: the session cookie from our own origin; not from another site
  const ws = await import('ws');
  const asHost = await new Promise<string>((resolve) => {
    const s = new ws.default(`${base.replace('http', 'ws')}/api/shows/${showId}/live`, { headers: { cookie, origin: base } });
    s.once('message', (d) => {
      resolve((JSON.parse(String(d)) as Array<{ you: { role: string } }>)[0]!.you.role);
      s.terminate();
    });
  });
  t.equal(asHost, 'host');
  const crossSite = await new Promise<string>((resolve) => {
    const s = new ws.default(`${base.replace('http', 'ws')}/api/shows/${showId}/live`, { headers: { cookie, origin: 'https://evil.example' } });
    s.once('message', (d) => {
      resolve((JSON.parse(String(d)) as Array<{ you: { role: string } }>)[0]!.you.role);
      s.terminate();
    });
  });
  t.equal(crossSite, 'anonymous', 'a page on another site gets no host powers from the cookie');

  // timeline CSV, spreadsheet-safe
  await app.inject({ method: 'PUT', url: `/api/shows/${showId}/announcement`, headers: { cookie, 'x-csrf-token': csrf }, payload: { text: '=HYPERLINK("x")' } });
  const csv = await app.inject({ url: `/api/shows/${showId}/timeline.csv`, headers: { cookie } });
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /text\/csv/);
  t.match(csv.payload, /^at,streamMs,type,payload\r\n/);
  t.match(csv.payload, /overlay\.changed,"\{""change"":""announcement"",""text"":""=HYPERLINK/);

  // the orders screen: in the nav; its Export CSV is a plain link, so the cookie alone must do
  t.match(page.payload, /<a href="#\/orders">Orders<\/a>/, 'the nav leads to the orders screen');
  const orders = await app.inject({ url: '/api/orders.csv?status=shipped', headers: { cookie } });
  t.equal(orders.statusCode, 200, 'the orders CSV downloads with the session cookie');
  t.match(orders.headers['content-type'], /text\/csv/);
  t.equal((await app.inject({ url: '/api/orders.csv' })).statusCode, 401, 'and not without it');

  const out = await app.inject({ method: 'POST', url: '/admin/logout', headers: { cookie, 'x-csrf-token': csrf } });
  t.equal(out.statusCode, 204);
  t.equal((await app.inject({ url: '/api/shows', headers: { cookie } })).statusCode, 401, 'the session is gone');
});
