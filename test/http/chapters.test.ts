// GET /api/shows/:id/chapters on the real app and a real SQLite file: the timeline written as
// the overlays write it, the products from the catalog, a ready clip from the clips table; and
// the ended recording's playlists rewritten with those chapters.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import t from 'tap';
import { createClipRepository } from '../../src/db/clip-repository.js';
import { buildTestApp } from '../helpers/app.js';

const GO_LIVE = Date.UTC(2026, 10, 30, 18, 0, 0);
const S = 1000;
const LAG = 570;
const iso = (ms: number) => new Date(ms).toISOString();

/** what setUp needs of a subtest */
type Test = Pick<typeof t, 'teardown' | 'equal'>;

async function setUp(t: Test) {
  const test = await buildTestApp();
  t.teardown(async () => {
    await test.app.close();
    test.db.close();
  });
  const { app, auth } = test;
  const product = async (sku: string, title: string) =>
    ((await app.inject({ method: 'POST', url: '/api/products', headers: auth, payload: { sku, title, price: 100, currency: 'USD', stock: 5 } })).json() as { id: string }).id;
  const scarf = await product('SCARF', 'Silk "dotted" scarf');
  const towel = await product('TOWEL', 'Gauze towel');
  const picture = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#7a9' } }).png().toBuffer();
  t.equal((await app.inject({ method: 'PUT', url: `/api/products/${scarf}/image`, headers: { ...auth, 'content-type': 'image/png' }, payload: picture })).statusCode, 200);
  const show = (await app.inject({ method: 'POST', url: '/api/shows', headers: auth, payload: { title: 'Replay' } })).json() as { id: string };
  const change = (at: number, payload: Record<string, unknown>) =>
    test.services.events.append({ showId: show.id, type: 'overlay.changed', at, payload: { ...payload, programDateTime: iso(at + LAG) } });
  return { ...test, scarf, towel, showId: show.id, change };
}

const chaptersOf = async (app: Awaited<ReturnType<typeof buildTestApp>>['app'], showId: string) => app.inject({ url: `/api/shows/${showId}/chapters` });

t.test('an unknown show is 404 SHOW_NOT_FOUND; a scheduled one has no chapters, even after a rehearsal pin', async (t) => {
  const { app, showId, scarf, change } = await setUp(t);
  const missing = await chaptersOf(app, 'nope');
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, 'SHOW_NOT_FOUND');
  change(GO_LIVE - 10 * S, { change: 'pin', productId: scarf });
  const scheduled = await chaptersOf(app, showId);
  t.equal(scheduled.statusCode, 200);
  t.same(scheduled.json(), []);
});

t.test('public, during the live show (the open chapter has no end) and after it, with titles, pictures and the ready clip', async (t) => {
  const { app, db, showId, scarf, towel, change, services } = await setUp(t);
  change(GO_LIVE - 10 * S, { change: 'pin', productId: scarf });
  services.shows.markLive(showId, GO_LIVE);
  change(GO_LIVE + 8 * S, { change: 'pin', productId: towel });

  const live = await chaptersOf(app, showId);
  t.equal(live.statusCode, 200, 'no token needed');
  t.same(
    live.json().map((c: { productId: string; startMs: number; endMs: number | null; endAt: string | null }) => [c.productId, c.startMs, c.endMs, c.endAt]),
    [
      [scarf, 0, 8 * S + LAG, iso(GO_LIVE + 8 * S + LAG)],
      [towel, 8 * S + LAG, null, null],
    ],
    'rehearsal excluded: the scarf starts at 0',
  );

  change(GO_LIVE + 14 * S, { change: 'unpin' });
  services.shows.markEnded(showId, GO_LIVE + 20 * S);
  services.events.append({ showId, type: 'show.ended', at: GO_LIVE + 20 * S, payload: {} });
  const clips = createClipRepository(db);
  clips.createPending({ id: 'clip-towel', showId, productId: towel, startMs: 8 * S + LAG, endMs: 14 * S + LAG, createdAt: GO_LIVE + 15 * S });
  clips.markReady('clip-towel', { durationMs: 6000, bytes: 1000 }, GO_LIVE + 16 * S);
  clips.createPending({ id: 'clip-scarf', showId, productId: scarf, startMs: 0, endMs: 8 * S + LAG, createdAt: GO_LIVE + 9 * S });
  clips.markFailed('clip-scarf', 'ffmpeg failed');

  const ended = (await chaptersOf(app, showId)).json();
  t.same(ended, [
    {
      productId: scarf,
      title: 'Silk "dotted" scarf',
      thumbUrl: String(ended[0].thumbUrl),
      startMs: 0,
      endMs: 8 * S + LAG,
      startAt: iso(GO_LIVE),
      endAt: iso(GO_LIVE + 8 * S + LAG),
    },
    {
      productId: towel,
      title: 'Gauze towel',
      thumbUrl: null,
      startMs: 8 * S + LAG,
      endMs: 14 * S + LAG,
      startAt: iso(GO_LIVE + 8 * S + LAG),
      endAt: iso(GO_LIVE + 14 * S + LAG),
      clipUrl: `https://shop.example/hls/${showId}/clips/clip-towel.m3u8`,
      clipMp4Url: `https://shop.example/hls/${showId}/clips/clip-towel.mp4`,
      posterUrl: `https://shop.example/hls/${showId}/clips/clip-towel.jpg`,
    },
  ], 'a failed clip links nothing');
  t.match(ended[0].thumbUrl, new RegExp(`^/media/products/${scarf}/thumb\\.webp\\?v=`));
});

t.test("the ended show's recording is rewritten as VOD with its chapters, once", async (t) => {
  const { hlsRoot, showId, scarf, towel, change, services, logs } = await setUp(t);
  services.shows.markLive(showId, GO_LIVE);
  change(GO_LIVE + 2 * S, { change: 'pin', productId: scarf });
  change(GO_LIVE + 6 * S, { change: 'pin', productId: towel });
  services.events.append({ showId, type: 'show.ended', at: GO_LIVE + 9 * S, payload: {} });
  const variant = join(hlsRoot, showId, '720p');
  mkdirSync(variant, { recursive: true });
  let playlist = '#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:EVENT\n';
  for (let s = 0; s < 10; s++) playlist += `#EXTINF:1.000000,\n#EXT-X-PROGRAM-DATE-TIME:${iso(GO_LIVE + 300 + s * S)}\nseg_${s}.ts\n`;
  writeFileSync(join(variant, 'index.m3u8'), `${playlist}#EXT-X-ENDLIST\n`);

  t.equal(services.recordingVod.close(showId), false, 'a show not ended yet is left alone');
  t.equal(services.recordingVod.finishEnded(), 0);
  services.shows.markEnded(showId, GO_LIVE + 9 * S);
  t.equal(services.recordingVod.finishEnded(), 1, 'at start: an ended show whose recording is not VOD yet');
  const vod = readFileSync(join(variant, 'index.m3u8'), 'utf8');
  t.match(vod, /#EXT-X-PLAYLIST-TYPE:VOD\n/);
  t.same(
    vod.split('\n').filter((l) => l.startsWith('#EXT-X-DATERANGE')).map((l) => /X-PRODUCT-ID="([^"]+)",X-TITLE="([^"]*)"/.exec(l)?.slice(1)),
    [
      [scarf, 'Silk dotted scarf'],
      [towel, 'Gauze towel'],
    ],
  );
  t.equal(services.recordingVod.finishEnded(), 0, 'a recording already VOD is not read again');
  t.equal(services.recordingVod.close(showId), true);
  t.equal(readFileSync(join(variant, 'index.m3u8'), 'utf8'), vod, 'a rerun changes nothing');
  // the merchant deleted the recording: at start it is not looked for (nor logged as unreadable)
  await services.recordings.deleteRecording(showId);
  t.equal(services.recordingVod.finishEnded(), 0, 'a deleted recording is skipped');
  t.notMatch(logs(), /recording not readable/, 'and not reported at every start');
});
