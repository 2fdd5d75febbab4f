import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

t.test('HLS files, health, metrics, docs, viewer page', async (t) => {
  const { app, hlsRoot, db, auth } = await buildTestApp();
  mkdirSync(hlsRoot, { recursive: true });
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const show = 'AbCdEfGhIjKl';
  mkdirSync(join(hlsRoot, show, '720p'), { recursive: true });
  writeFileSync(join(hlsRoot, show, 'master.m3u8'), '#EXTM3U\n');
  writeFileSync(join(hlsRoot, show, '720p', 'index.m3u8'), '#EXTM3U\n#EXTINF:1.0,\nseg_000000.ts\n');
  writeFileSync(join(hlsRoot, show, '720p', 'seg_000000.ts'), Buffer.alloc(188 * 10, 0x47));
  writeFileSync(join(hlsRoot, show, '720p', 'seg_000001.ts.tmp'), 'partial');
  writeFileSync(join(hlsRoot, 'secret.txt'), 'no');
  mkdirSync(join(hlsRoot, show, 'clips'));
  writeFileSync(join(hlsRoot, show, 'clips', 'c1.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
  writeFileSync(join(hlsRoot, show, 'clips', 'c1.mp4.partial'), 'half a clip');

  await t.test('playlists: right type, not cached, CORS', async (t) => {
    for (const url of [`/hls/${show}/master.m3u8`, `/hls/${show}/720p/index.m3u8`]) {
      const res = await app.inject({ url, headers: { origin: 'https://other.example' } });
      t.equal(res.statusCode, 200, url);
      t.equal(res.headers['content-type'], 'application/vnd.apple.mpegurl');
      t.match(res.headers['cache-control'], /no-cache/);
      t.equal(res.headers['access-control-allow-origin'], '*');
    }
  });

  await t.test('segments: right type, cacheable, HEAD works, preflight works', async (t) => {
    const res = await app.inject({ url: `/hls/${show}/720p/seg_000000.ts` });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], 'video/mp2t');
    t.match(res.headers['cache-control'], /public, max-age=31536000, immutable/);
    t.equal(res.rawPayload.length, 1880);
    const head = await app.inject({ method: 'HEAD', url: `/hls/${show}/720p/seg_000000.ts` });
    t.equal(head.statusCode, 200);
    t.equal(head.headers['content-length'], '1880');
    const pre = await app.inject({ method: 'OPTIONS', url: `/hls/${show}/720p/seg_000000.ts`, headers: { origin: 'https://x.example', 'access-control-request-method': 'GET' } });
    t.equal(pre.statusCode, 204);
    t.equal(pre.headers['access-control-allow-origin'], '*');
  });

  await t.test("a clip's poster is a JPEG; a clip still being cut is not served", async (t) => {
    const res = await app.inject({ url: `/hls/${show}/clips/c1.jpg` });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], 'image/jpeg');
    t.equal(res.rawPayload.length, 4);
    t.equal((await app.inject({ url: `/hls/${show}/clips/c1.mp4.partial` })).statusCode, 400);
  });

  await t.test('no path traversal, no other files (raw paths over a real socket)', async (t) => {
    // light-my-request and fetch both normalise "..": send the bytes as an attacker would.
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    const raw = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const attempts = [
      '/hls/../../../../etc/passwd',
      '/hls/%2e%2e/%2e%2e/etc/passwd',
      `/hls/${show}/../secret.txt`,
      `/hls/${show}/720p/../../secret.txt`,
      `/hls/${show}/..%2F..%2Fsecret.txt`,
      `/hls/${show}/%2e%2e%2f%2e%2e%2fsecret.txt`,
      '/hls/..%5c..%5cetc%5cpasswd',
      '/hls/secret.txt',
      `/hls/${show}/720p/seg_000001.ts.tmp`,
      `/hls/${show}/720p/%00.ts`,
      `/hls/${show}/a/b/c/seg.ts`,
      '/hls/%E0%A4%A.ts',
      '/hls//etc/passwd',
    ];
    for (const path of attempts) {
      const res = await raw(path);
      t.ok(res.status === 400 || res.status === 404, `${path} -> ${res.status}`);
      t.notMatch(res.body, /root:|^no$|partial/, `${path} leaks nothing`);
      t.match(JSON.parse(res.body).code, /^(BAD_MEDIA_PATH|BAD_REQUEST|MEDIA_NOT_FOUND|NOT_FOUND)$/, `${path} has a code`);
    }
    t.equal((await raw(`/hls/${show}/720p/seg_999999.ts`)).status, 404);
    t.equal(JSON.parse((await raw('/hls/unknownShow1/master.m3u8')).body).code, 'MEDIA_NOT_FOUND');
    t.equal((await raw(`/hls/${show}/720p/seg_000000.ts`)).status, 200, 'the real file is served');
  });

  await t.test('health, readiness, metrics', async (t) => {
    t.same((await app.inject({ url: '/healthz' })).json(), { status: 'ok' });
    const ready = await app.inject({ url: '/readyz' });
    t.equal(ready.statusCode, 200);
    t.same(ready.json(), { status: 'ready', checks: { database: true }, pipelines: {} });
    await app.inject({ url: '/healthz' });
    t.equal((await app.inject({ url: '/metrics' })).statusCode, 401, 'metrics need a token');
    const metrics = await app.inject({ url: '/metrics', headers: auth });
    t.match(metrics.headers['content-type'], /text\/plain/);
    for (const name of ['hawker_live_shows 0', 'hawker_live_connections 0', 'hawker_live_dropped_slow_total 0', 'hawker_pipelines_running 0', 'hawker_ffmpeg_restarts_total 0', '# TYPE hawker_encode_speed_ratio gauge', 'hawker_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/healthz",status="200"}', 'hawker_process_resident_memory_bytes']) {
      t.match(metrics.payload, name);
    }
    t.match(metrics.payload, '# TYPE hawker_ffmpeg_restarts_total counter');
  });

  await t.test('the OpenAPI document describes the API', async (t) => {
    const res = await app.inject({ url: '/docs/json' });
    t.equal(res.statusCode, 200);
    const doc = res.json();
    t.equal(doc.openapi.startsWith('3.'), true);
    t.ok(doc.paths['/api/shows'].post, 'create show');
    t.ok(doc.paths['/api/shows/{id}/stream-key'].post, 'rotate key');
    t.ok(doc.components.securitySchemes.bearer);
    t.equal((await app.inject({ url: '/docs' })).statusCode < 400, true, 'the UI is served');
  });

  await t.test('the viewer page escapes the title and plays from our origin', async (t) => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/shows',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ title: '</title><script>alert(1)</script> "Deals" & more' }),
    });
    const { id } = created.json();
    const page = await app.inject({ url: `/watch/${id}` });
    t.equal(page.statusCode, 200);
    t.match(page.headers['content-type'], /text\/html/);
    t.notMatch(page.payload, '<script>alert(1)</script>');
    t.match(page.payload, '&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;Deals&quot; &amp; more');
    t.match(page.payload, `data-src="/hls/${id}/master.m3u8"`);
    t.match(page.headers['content-security-policy'], /script-src 'self'/);
    t.notMatch(page.payload, created.json().streamKey, 'the stream key is not on the public page');
    const js = await app.inject({ url: '/assets/hls.min.js' });
    t.equal(js.statusCode, 200);
    t.match(js.headers['content-type'], /javascript/);
    t.equal((await app.inject({ url: '/watch/nope' })).statusCode, 404);
  });
});
