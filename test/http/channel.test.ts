// The channel feed and the posters over real HTTP (inject) on a real SQLite file: which show is
// listed where and in what order, a rehearsal never listed as live, a deleted recording never
// offered as a replay, the limits, the cache and CORS headers; the poster route's answers and
// headers; the watch page's link-preview tags carry the poster's absolute URL.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import t from 'tap';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/wait.js';
import type { ChannelFeed, ShowCard } from '../../src/reach/channel-feed.js';

const BASE = 'https://shop.example';
const HOUR = 3_600_000;

async function jpeg(): Promise<Buffer> {
  return sharp({ create: { width: 32, height: 18, channels: 3, background: '#3366aa' } }).jpeg().toBuffer();
}

async function setup(t: Pick<typeof import('tap').default, 'teardown'>) {
  // the launcher's FFmpeg for the rehearsal below: a binary that exits at once (no stream is read)
  const test = await buildTestApp({ ffmpegPath: '/bin/false', apiRateLimitPerMinute: 10_000 });
  t.teardown(async () => {
    await test.services.live.shutdown();
    await test.app.close();
    test.db.close();
  });
  return test;
}

async function createShow(test: TestApp, body: { title: string; host?: string; scheduledAt?: string }): Promise<{ id: string; streamKey: string }> {
  const res = await test.app.inject({ method: 'POST', url: '/api/shows', headers: test.auth, payload: body });
  if (res.statusCode !== 201) throw new Error(`create show: ${res.statusCode} ${res.body}`);
  return res.json();
}

const ids = (cards: ShowCard[]) => cards.map((c) => c.id);

t.test('live, upcoming and past shows, each in its place and order; a rehearsal is not live; a deleted recording is no replay', async (t) => {
  const test = await setup(t);
  const { services } = test;
  const now = Date.now();
  const liveOld = await createShow(test, { title: 'Live since an hour', host: 'Mia' });
  const liveNew = await createShow(test, { title: 'Live since a minute' });
  services.shows.markLive(liveOld.id, now - HOUR);
  services.shows.markLive(liveNew.id, now - 60_000);

  const later = await createShow(test, { title: 'In two days', scheduledAt: new Date(now + 48 * HOUR).toISOString() });
  const soon = await createShow(test, { title: 'In an hour', scheduledAt: new Date(now + HOUR).toISOString() });
  const rehearsing = await createShow(test, { title: 'Rehearsing now', scheduledAt: new Date(now + 2 * HOUR).toISOString() });
  const draft = await createShow(test, { title: 'No start time: a draft' });
  const abandoned = await createShow(test, { title: 'Was due two days ago', scheduledAt: new Date(now - 48 * HOUR).toISOString() });

  const endedOld = await createShow(test, { title: 'Last week' });
  services.shows.markLive(endedOld.id, now - 7 * 24 * HOUR);
  services.shows.markEnded(endedOld.id, now - 7 * 24 * HOUR + HOUR);
  const endedNew = await createShow(test, { title: 'Yesterday <b>big</b> sale', host: 'Jo "the host"' });
  services.shows.markLive(endedNew.id, now - 25 * HOUR);
  services.shows.markEnded(endedNew.id, now - 24 * HOUR);
  const deleted = await createShow(test, { title: 'Recording deleted' });
  services.shows.markLive(deleted.id, now - 3 * HOUR);
  services.shows.markEnded(deleted.id, now - 2 * HOUR);
  mkdirSync(join(test.hlsRoot, deleted.id), { recursive: true });
  writeFileSync(join(test.hlsRoot, deleted.id, 'poster.jpg'), await jpeg());
  await services.recordings.deleteRecording(deleted.id);

  // the rehearsal: a publish of a show with a start time keeps it backstage (status scheduled)
  const request = { sessionId: 'rehearsal-1', streamKey: rehearsing.streamKey, app: 'live', remoteAddress: '127.0.0.1' };
  t.same(services.live.authorizePublish(request), { accept: true });
  services.live.publishStarted(request);
  await waitFor('the rehearsal', () => services.catalog.phaseOf(services.catalog.get(rehearsing.id)) === 'rehearsal', 5000);

  // a live show with a still and playlists, a past one with its poster
  const posterBytes = await jpeg();
  mkdirSync(join(test.hlsRoot, liveNew.id), { recursive: true });
  writeFileSync(join(test.hlsRoot, liveNew.id, 'poster.jpg'), posterBytes);
  writeFileSync(
    join(test.hlsRoot, liveNew.id, 'master.m3u8'),
    '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=3200000,RESOLUTION=1280x720\n720p/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360\n360p/index.m3u8\n',
  );
  mkdirSync(join(test.hlsRoot, endedNew.id), { recursive: true });
  writeFileSync(join(test.hlsRoot, endedNew.id, 'poster.jpg'), posterBytes);

  const res = await test.app.inject({ url: '/api/channel' });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['cache-control'], 'public, max-age=5');
  t.equal(res.headers['access-control-allow-origin'], '*');
  const feed = res.json() as ChannelFeed;
  t.same(ids(feed.live), [liveNew.id, liveOld.id], 'live: newest start first');
  t.same(ids(feed.upcoming), [soon.id, rehearsing.id, later.id], 'upcoming: soonest first; the rehearsal stays upcoming; no draft, nothing two days overdue');
  t.notOk([...ids(feed.live), ...ids(feed.upcoming), ...ids(feed.past)].includes(draft.id), 'a show without a start time is not listed before it goes live');
  t.notOk(ids(feed.upcoming).includes(abandoned.id));
  t.same(ids(feed.past), [deleted.id, endedNew.id, endedOld.id], 'past: newest end first (ended two hours, a day, a week ago)');

  const [fresh] = feed.live;
  t.match(fresh, {
    id: liveNew.id,
    title: 'Live since a minute',
    status: 'live',
    watchUrl: `${BASE}/watch/${liveNew.id}`,
    previewUrl: `${BASE}/hls/${liveNew.id}/360p/index.m3u8`,
    calendarUrl: null,
    replay: false,
  });
  t.match(fresh!.posterUrl, new RegExp(`^${BASE}/api/shows/${liveNew.id}/poster\\.jpg\\?v=[0-9a-z]+$`), 'the still, by an absolute, versioned URL');
  t.match(feed.live[1], { id: liveOld.id, posterUrl: null, previewUrl: null, host: 'Mia' }, 'no still and no playlist yet: nothing made up');
  t.match(feed.upcoming[0], { id: soon.id, status: 'scheduled', calendarUrl: `${BASE}/api/shows/${soon.id}/calendar.ics`, posterUrl: null, previewUrl: null, replay: false });
  t.equal(feed.upcoming[0]!.scheduledAt, new Date(now + HOUR).toISOString());
  t.match(feed.past[1], { id: endedNew.id, replay: true, title: 'Yesterday <b>big</b> sale', host: 'Jo "the host"', calendarUrl: null, previewUrl: null });
  t.ok(feed.past[1]!.posterUrl, 'the replay has its poster');
  t.match(feed.past[0], { id: deleted.id, replay: false, posterUrl: null }, 'a deleted recording: no replay offered, no poster');
  t.ok(feed.past[0]!.endedAt && feed.past[0]!.startedAt);

  // the poster route: the file, with its headers
  const poster = await test.app.inject({ url: new URL(fresh!.posterUrl!).pathname + new URL(fresh!.posterUrl!).search });
  t.equal(poster.statusCode, 200);
  t.equal(poster.headers['content-type'], 'image/jpeg');
  t.equal(poster.headers['cache-control'], `public, max-age=${5}`, 'a live still is cached no longer than channel.posterSeconds');
  t.equal(poster.headers['access-control-allow-origin'], '*');
  t.same(poster.rawPayload, posterBytes);
  const replayPoster = await test.app.inject({ url: `/api/shows/${endedNew.id}/poster.jpg` });
  t.equal(replayPoster.statusCode, 200);
  t.equal(replayPoster.headers['cache-control'], 'public, max-age=3600', 'an ended show keeps its last still: cached longer');
  for (const [id, why] of [[liveOld.id, 'no still yet'], [soon.id, 'upcoming'], [rehearsing.id, 'a rehearsal'], [deleted.id, 'recording deleted']] as const) {
    const none = await test.app.inject({ url: `/api/shows/${id}/poster.jpg` });
    t.equal(none.statusCode, 404, why);
    t.equal(none.json().code, 'NOT_FOUND', why);
  }
  const unknown = await test.app.inject({ url: '/api/shows/nope/poster.jpg' });
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().code, 'SHOW_NOT_FOUND');
  t.equal((await test.app.inject({ url: '/api/shows/bad%20id/poster.jpg' })).statusCode, 400, 'a malformed id is refused');
});

t.test('a past show without a still of its own has its first demo clip poster', async (t) => {
  const test = await setup(t);
  const { services } = test;
  const show = await createShow(test, { title: 'Clips only' });
  services.shows.markLive(show.id, Date.now() - HOUR);
  services.shows.markEnded(show.id, Date.now() - 1000);
  const product = (await test.app.inject({ method: 'POST', url: '/api/products', headers: test.auth, payload: { sku: 'S1', title: 'Scarf', price: 100, currency: 'EUR', stock: 1 } })).json() as { id: string };
  const clipBytes = await jpeg();
  mkdirSync(join(test.hlsRoot, show.id, 'clips'), { recursive: true });
  for (const [id, startMs] of [['clip-first', 1000], ['clip-second', 9000]] as const) {
    services.clips.createPending({ id, showId: show.id, productId: product.id, startMs, endMs: startMs + 4000, createdAt: Date.now() + startMs });
    services.clips.markReady(id, { durationMs: 4000, bytes: 10 }, Date.now() + startMs);
    writeFileSync(join(test.hlsRoot, show.id, 'clips', `${id}.jpg`), id === 'clip-first' ? clipBytes : Buffer.from('not the first'));
  }
  const poster = await test.app.inject({ url: `/api/shows/${show.id}/poster.jpg` });
  t.equal(poster.statusCode, 200);
  t.same(poster.rawPayload, clipBytes, "the first clip's poster");
  const feed = (await test.app.inject({ url: '/api/channel' })).json() as ChannelFeed;
  t.ok(feed.past[0]!.posterUrl, 'listed with it');
});

t.test('each list holds at most ?limit (1-50, default 50); a bad limit is refused', async (t) => {
  const test = await setup(t);
  const now = Date.now();
  for (let i = 0; i < 53; i++) await createShow(test, { title: `Show ${i}`, scheduledAt: new Date(now + (i + 1) * HOUR).toISOString() });
  const all = (await test.app.inject({ url: '/api/channel' })).json() as ChannelFeed;
  t.equal(all.upcoming.length, 50, 'default 50');
  t.equal(all.upcoming[0]!.title, 'Show 0', 'the soonest are kept');
  const three = (await test.app.inject({ url: '/api/channel?limit=3' })).json() as ChannelFeed;
  t.same(three.upcoming.map((c) => c.title), ['Show 0', 'Show 1', 'Show 2']);
  for (const bad of ['0', '51', 'x', '-1']) {
    const res = await test.app.inject({ url: `/api/channel?limit=${bad}` });
    t.equal(res.statusCode, 400, `limit=${bad}`);
    t.equal(res.json().code, 'VALIDATION_FAILED');
  }
  const pre = await test.app.inject({ method: 'OPTIONS', url: '/api/channel', headers: { origin: 'https://another.shop', 'access-control-request-method': 'GET' } });
  t.equal(pre.statusCode, 204);
  t.equal(pre.headers['access-control-allow-origin'], '*');
});

t.test('the watch page head: Open Graph and Twitter card tags, escaped, with the absolute poster URL', async (t) => {
  const test = await setup(t);
  const { services } = test;
  const show = await createShow(test, { title: 'Garden <week> & "more"', host: 'Mia <3' });
  services.shows.markLive(show.id, Date.now() - 60_000);
  mkdirSync(join(test.hlsRoot, show.id), { recursive: true });
  writeFileSync(join(test.hlsRoot, show.id, 'poster.jpg'), await jpeg());
  const html = (await test.app.inject({ url: `/watch/${show.id}` })).body;
  const meta = (attr: string, name: string) => new RegExp(`<meta ${attr}="${name}" content="([^"]*)">`).exec(html)?.[1];
  t.equal(meta('property', 'og:title'), 'Garden &lt;week&gt; &amp; &quot;more&quot;', 'escaped');
  t.equal(meta('property', 'og:type'), 'video.other');
  t.equal(meta('property', 'og:url'), `${BASE}/watch/${show.id}`);
  t.match(meta('property', 'og:image'), new RegExp(`^${BASE}/api/shows/${show.id}/poster\\.jpg\\?v=[0-9a-z]+$`), 'the poster, absolute');
  t.equal(meta('name', 'twitter:card'), 'summary_large_image');
  t.equal(meta('name', 'twitter:image'), meta('property', 'og:image'));
  t.equal(meta('property', 'og:description'), 'Live now: watch and shop, with Mia &lt;3');
  t.notOk(html.includes('<week>') || html.includes('Mia <3'), 'no raw user text in the page');
  // the poster named there is served
  const image = await test.app.inject({ url: new URL(meta('property', 'og:image')!.replaceAll('&amp;', '&')).pathname });
  t.equal(image.statusCode, 200);

  // an upcoming show: its time in UTC words, no image yet (and the card is then a plain summary)
  const upcoming = await createShow(test, { title: 'Next week', host: 'Jo', scheduledAt: '2026-12-01T19:00:00.000Z' });
  const next = (await test.app.inject({ url: `/watch/${upcoming.id}` })).body;
  t.match(next, '<meta property="og:description" content="Live on Tue, 1 Dec 2026, 19:00 UTC, with Jo">');
  t.notOk(next.includes('og:image'), 'no still yet: no og:image');
  t.match(next, '<meta name="twitter:card" content="summary">');

  // the channel page has its own, with the live show's still
  const channel = await test.app.inject({ url: '/' });
  t.equal(channel.statusCode, 200);
  t.match(channel.body, '<meta property="og:type" content="website">');
  t.match(channel.body, `<meta property="og:image" content="${BASE}/api/shows/${show.id}/poster.jpg?v=`);
  t.match(channel.body, '<meta property="og:description" content="Live now: Garden &lt;week&gt; &amp; &quot;more&quot;">');
});

t.test('the channel page: / and /shows, framed only with ?embed=1, the same CSP as the other pages', async (t) => {
  const test = await setup(t);
  for (const url of ['/', '/shows']) {
    const res = await test.app.inject({ url });
    t.equal(res.statusCode, 200, url);
    t.match(res.headers['content-type'], /^text\/html/);
    const csp = String(res.headers['content-security-policy']);
    t.match(csp, "script-src 'self'");
    t.match(csp, "frame-ancestors 'none'", `${url}: not framed`);
    t.match(res.body, '<header class="channel-head">');
    t.match(res.body, /<script type="module" src="\/assets\/channel\.js\?v=[0-9a-f]{12}"><\/script>/, 'its module, by a content-hashed URL');
    t.notOk(/<script>|<script [^>]*>[^<]/.test(res.body), 'no inline script');
  }
  const embed = await test.app.inject({ url: '/shows?embed=1' });
  t.match(String(embed.headers['content-security-policy']), 'frame-ancestors *');
  t.notOk(embed.body.includes('channel-head'), 'no header inside a frame');
  t.match(embed.body, 'data-embed="1"');
  const js = await test.app.inject({ url: '/assets/channel.js' });
  t.equal(js.statusCode, 200);
  t.match(js.body, /from '\.\/reminders\.js\?v=[0-9a-f]{12}'/, 'the shared reminders module');
});
