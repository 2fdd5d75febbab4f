import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

t.test('nosniff on every response; a CSP on every response; the embed alone may be framed', async (t) => {
  const { app, db, auth, hlsRoot } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const show = (await app.inject({ method: 'POST', url: '/api/shows', headers: auth, payload: { title: 'S' } })).json() as { id: string };
  mkdirSync(join(hlsRoot, show.id), { recursive: true });
  writeFileSync(join(hlsRoot, show.id, 'master.m3u8'), '#EXTM3U\n');

  const apiLike = [
    { url: '/api/shows', headers: auth },
    { url: '/api/shows' }, // 401
    { url: '/api/nothing-here' }, // 404
    { url: '/healthz' },
    { url: '/api/live/protocol' },
    { url: `/hls/${show.id}/master.m3u8` },
    { url: `/hls/${show.id}/none.m3u8` },
    { url: '/hls/..%2f/x.ts' },
    { url: '/assets/ui.js' },
    { url: '/docs/json' },
  ];
  for (const req of apiLike) {
    const res = await app.inject({ method: 'GET', ...req });
    t.equal(res.headers['x-content-type-options'], 'nosniff', `nosniff on ${req.url} (${res.statusCode})`);
    const csp = String(res.headers['content-security-policy']);
    if (req.url === '/docs/json') t.match(csp, /frame-ancestors 'none'/, `a CSP on ${req.url}`);
    else t.match(csp, /^default-src 'none'; frame-ancestors 'none'/, `the restrictive CSP on ${req.url} (${res.statusCode})`);
  }

  const page = await app.inject({ url: `/watch/${show.id}` });
  t.equal(page.headers['x-content-type-options'], 'nosniff');
  t.match(page.headers['content-security-policy'], /script-src 'self'.*frame-ancestors 'none'$/);
  const embed = await app.inject({ url: `/watch/${show.id}?embed=1` });
  t.match(embed.headers['content-security-policy'], /frame-ancestors \*$/, 'the embed keeps its framing');
  const admin = await app.inject({ url: '/admin' });
  t.match(admin.headers['content-security-policy'], /frame-ancestors 'none'$/);
  t.equal(admin.headers['x-content-type-options'], 'nosniff');
});

t.test('/docs has a CSP that lets swagger-ui run: its own scripts, inline styles, data: icons', async (t) => {
  const { app, db } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  let res = await app.inject({ url: '/docs' });
  if (res.statusCode === 302) res = await app.inject({ url: String(res.headers.location).startsWith('/') ? String(res.headers.location) : `/docs/${String(res.headers.location)}` });
  t.equal(res.statusCode, 200);
  const csp = String(res.headers['content-security-policy']);
  t.match(csp, /script-src 'self'[;]/);
  t.match(csp, /style-src 'self' 'unsafe-inline'/);
  t.match(csp, /img-src 'self' data:/);
  t.match(csp, /frame-ancestors 'none'/);
  t.equal(res.headers['x-content-type-options'], 'nosniff');
  // every script the page loads is a file from this server (script-src 'self' has no inline allowance)
  const scripts = [...res.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  t.ok(scripts.length > 0);
  for (const [, attrs, body] of scripts) {
    const src = /src="([^"]+)"/.exec(attrs as string)?.[1];
    t.ok(src, 'no inline script');
    t.equal((body as string).trim(), '');
    const asset = await app.inject({ url: new URL(src as string, 'http://h/docs/').pathname });
    t.equal(asset.statusCode, 200, `${src} is served`);
    t.equal(asset.headers['x-content-type-options'], 'nosniff');
    t.match(String(asset.headers['content-type']), /javascript/);
  }
  const initializer = await app.inject({ url: '/docs/static/swagger-initializer.js' });
  t.match(initializer.body, /validatorUrl/, 'the validator badge (an image from another site) is off');
});
