import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { launchChromium } from '../helpers/browser.js';
import { parseMediaPlaylist, publishTestPattern, readPlaylist, regionPerFrame, type Publisher } from '../helpers/media.js';
import { startServerProcess } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';

const run = promisify(execFile);

interface ChapterWire {
  productId: string;
  title: string;
  startMs: number;
  endMs: number | null;
  startAt: string;
  endAt: string | null;
}

// A plain-colour source: what changes in the card's region was drawn by Hawker.
const BACKGROUND = '0x3366aa';
const FPS = 30;
/** the product card on the 360p rung: 560x150 at 24 px from the left, 96 px from the bottom of a 720p frame, halved */
const CARD_360P = { x: 12, y: (720 - 96 - 150) / 2, w: 280, h: 75 };
/** a mean grey-level change this large in the card's region is another card (encoding noise is ~1) */
const CARD_CHANGED = 4;

/**
 * The PROGRAM-DATE-TIME of the first frame near `around` whose card differs from the first
 * frame decoded (the video's own answer to "when did the card change"); null if none did.
 */
async function cardChangeNear(variantDir: string, around: number): Promise<number | null> {
  const segments = readPlaylist(join(variantDir, 'index.m3u8')).entries.filter((e) => {
    const at = Date.parse(e.programDateTime ?? '');
    return at >= around - 1500 && at <= around + 3000;
  });
  let reference: Uint8Array | null = null;
  for (const segment of segments) {
    const frames = await regionPerFrame(join(variantDir, segment.uri), CARD_360P, 56, 15);
    for (const [i, px] of frames.entries()) {
      reference ??= px;
      let diff = 0;
      for (let j = 0; j < px.length; j++) diff += Math.abs(px[j]! - reference[j]!);
      if (diff / px.length >= CARD_CHANGED) return Date.parse(segment.programDateTime!) + (i * 1000) / FPS;
    }
  }
  return null;
}

/** What hls.js made of the recording's first variant, read in Chromium (the page's own hls.js). */
interface HlsJsReading {
  type: string | null;
  live: boolean;
  totalduration: number;
  fragments: number;
  firstPdt: number | null;
  lastEnd: number | null;
  dateRanges: Array<{ id: string; class: string | undefined; start: number; duration: number | null; productId: string | undefined }>;
}

/** Runs in the page: hls.js loads the master playlist and reports the first level it parsed. */
const HLS_JS_READ = `(url) => new Promise((resolve, reject) => {
  const hls = new window.Hls({ autoStartLoad: true });
  const timer = setTimeout(() => reject(new Error('hls.js loaded no level')), 15000);
  hls.on(window.Hls.Events.ERROR, (_e, d) => { if (d.fatal) { clearTimeout(timer); reject(new Error('hls.js: ' + d.details)); } });
  hls.on(window.Hls.Events.LEVEL_LOADED, (_e, d) => {
    clearTimeout(timer);
    const det = d.details;
    const last = det.fragments[det.fragments.length - 1];
    resolve({
      type: det.type, live: det.live, totalduration: det.totalduration, fragments: det.fragments.length,
      firstPdt: det.fragments[0].programDateTime, lastEnd: last.programDateTime + last.duration * 1000,
      dateRanges: Object.values(det.dateRanges).map((r) => ({ id: r.id, class: r.class, start: r.startDate.getTime(), duration: r.duration, productId: r.attr['X-PRODUCT-ID'] })),
    });
    hls.destroy();
  });
  hls.loadSource(url);
})`;

/** An HLS attribute list (KEY=VALUE,KEY="quoted, with commas") read the way hls.js's AttrList reads it. */
function attributes(list: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of list.matchAll(/\s*(.+?)\s*=((?:".*?")|.*?)(?:,|$)/g)) {
    const value = m[2]!;
    out[m[1]!] = value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return out;
}

// The replay of a real show: the real server process, its RTMP server, FFmpeg on both sides.
// The merchant pins A for 8 s, B for 6 s, A again for 5 s and ends the show; the chapters and the
// recording's playlists say so, and ffprobe plays the recording to its end.
t.test('a live show pinning A, B, A ends as a VOD recording with its chapters', async (t) => {
  const server = await startServerProcess({ env: { HAWKER_RECONNECT_WINDOW_SECONDS: '60' } });
  let publisher: Publisher | null = null;
  t.teardown(async () => {
    await publisher?.stop();
    server.kill();
    rmSync(server.dataDir, { recursive: true, force: true });
  });
  const post = async (path: string, body: unknown) => {
    const res = await server.api(path, { method: 'POST', body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, string>;
  };
  const productA = await post('/api/products', { sku: 'SCARF', title: 'Dotted "gauze" scarf', price: 1999, currency: 'USD', stock: 10 });
  const productB = await post('/api/products', { sku: 'TOWEL', title: 'Gauze towel', price: 999, currency: 'USD', stock: 10 });
  const show = await post('/api/shows', { title: 'Replay chapters' });
  const getShow = async () => (await (await server.api(`/api/shows/${show.id}`)).json()) as Record<string, string | null>;
  const fetchText = async (path: string) => {
    const res = await fetch(`${server.httpUrl}${path}`);
    return res.status === 200 ? res.text() : null;
  };

  publisher = publishTestPattern(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`, { size: '640x360', color: BACKGROUND, rate: FPS, maxSeconds: 50 });
  await waitFor('the show to go live', async () => (await getShow()).status === 'live', 20_000);
  // past the transcoder's start, while it may still be catching up with its input (the
  // PROGRAM-DATE-TIME of a pin is then seconds off the frame it lands on)
  await waitFor('five segments', async () => {
    const text = await fetchText(`/hls/${show.id}/360p/index.m3u8`);
    return text && parseMediaPlaylist(text).entries.length >= 5;
  }, 20_000);

  // the merchant's pins, each timed around its API call
  const pinAt: number[] = [];
  const pin = async (productId: string | undefined) => {
    const before = Date.now();
    await post(`/api/shows/${show.id}/pin`, { productId });
    pinAt.push((before + Date.now()) / 2);
  };
  await pin(productA.id);
  await sleep(8000);
  await pin(productB.id);
  await sleep(6000);
  await pin(productA.id);

  const live = (await (await fetch(`${server.httpUrl}/api/shows/${show.id}/chapters`)).json()) as ChapterWire[];
  t.same(live.map((c) => [c.productId, c.endMs === null]), [[productA.id, false], [productB.id, false], [productA.id, true]], 'during the show: the open chapter has no end');

  await sleep(5000);
  const unpinAt = Date.now();
  t.equal((await server.api(`/api/shows/${show.id}/pin`, { method: 'DELETE' })).status, 200);
  // the unpin lands in the recording before it ends (a show ended while pinned is closed by its end: unit tests)
  await sleep(1500);
  const ended = await server.api(`/api/shows/${show.id}/end`, { method: 'POST' });
  t.equal(ended.status, 200);
  const startedAt = Date.parse((await getShow()).startedAt ?? '');

  // the chapters: A, B, A, each starting within one segment (1 s) of the frame where the video
  // shows its card, and lasting as long as it was pinned (within one segment)
  const res = await fetch(`${server.httpUrl}/api/shows/${show.id}/chapters`);
  t.equal(res.status, 200, 'public');
  const chapters = (await res.json()) as ChapterWire[];
  t.same(chapters.map((c) => c.productId), [productA.id, productB.id, productA.id]);
  t.same(chapters.map((c) => c.title), ['Dotted "gauze" scarf', 'Gauze towel', 'Dotted "gauze" scarf']);
  const variantDir = join(server.dataDir, 'media', 'hls', show.id!, '360p');
  // when each card appeared on the video, and when the last one left it
  const shownAt: Array<number | null> = [];
  for (const at of [...pinAt, unpinAt]) shownAt.push(await cardChangeNear(variantDir, at));
  for (const [i, c] of chapters.entries()) {
    t.equal(Date.parse(c.startAt) - startedAt, c.startMs, 'startAt and startMs are one instant');
    const shown = shownAt[i]!;
    t.ok(shown !== null && Math.abs(Date.parse(c.startAt) - shown) <= 1000, `chapter ${i + 1} starts ${Math.round(Date.parse(c.startAt) - (shown ?? NaN))} ms from the first frame showing its card`);
    if (i > 0) t.equal(chapters[i - 1]!.endMs, c.startMs, 'a chapter ends where the next begins');
  }
  // A chapter lasts as long as its card was on the video (within one segment). Against the
  // merchant's clicks it is also off by how much longer one card took to be drawn than the
  // next: up to a second more when the two cores are loaded (5430 ms for 6462 ms pinned in a
  // full run beside a Chromium test), hence 2 s there.
  const pinnedMs = [pinAt[1]! - pinAt[0]!, pinAt[2]! - pinAt[1]!, unpinAt - pinAt[2]!];
  for (const [i, c] of chapters.entries()) {
    const lasted = c.endMs! - c.startMs;
    const start = shownAt[i];
    const end = shownAt[i + 1];
    const onVideo = start != null && end != null ? end - start : NaN;
    t.ok(Math.abs(lasted - onVideo) <= 1000, `chapter ${i + 1} lasts ${lasted} ms, its card was on the video ${Math.round(onVideo)} ms`);
    t.ok(Math.abs(lasted - pinnedMs[i]!) <= 2000, `chapter ${i + 1} lasts ${lasted} ms, pinned ${Math.round(pinnedMs[i]!)} ms`);
  }

  // the recording: every variant is VOD with ENDLIST and the chapters as date ranges
  const master = (await fetchText(`/hls/${show.id}/master.m3u8`))!;
  const variants = master.split('\n').filter((l) => l && !l.startsWith('#'));
  t.ok(variants.length >= 1, `the master lists ${variants.join(', ')}`);
  let recordedSeconds = 0;
  for (const variant of variants) {
    const text = (await fetchText(`/hls/${show.id}/${variant}`))!;
    t.match(text, /\n#EXT-X-PLAYLIST-TYPE:VOD\n/, `${variant} is VOD`);
    t.equal(text.match(/^#EXT-X-ENDLIST$/gm)?.length, 1, `${variant} ends once`);
    const { entries } = parseMediaPlaylist(text);
    const spanFrom = Date.parse(entries[0]!.programDateTime!);
    const spanTo = Date.parse(entries.at(-1)!.programDateTime!) + entries.at(-1)!.duration * 1000;
    recordedSeconds = entries.reduce((s, e) => s + e.duration, 0);
    const ranges = text
      .split('\n')
      .filter((l) => l.startsWith('#EXT-X-DATERANGE:'))
      .map((l) => attributes(l.slice('#EXT-X-DATERANGE:'.length)));
    t.equal(ranges.length, 3, `${variant}: one date range per chapter`);
    ranges.forEach((r, i) => {
      t.equal(r.ID, `chapter-${i + 1}`);
      t.equal(r.CLASS, 'com.hawker.chapter');
      t.equal(r['X-PRODUCT-ID'], chapters[i]!.productId);
      t.equal(r['X-TITLE'], chapters[i]!.title.replaceAll('"', ' ').replace(/ {2,}/g, ' ').trim(), 'the title, its quotes gone');
      const start = Date.parse(r['START-DATE'] ?? '');
      t.ok(start >= spanFrom && start < spanTo, `${variant} chapter ${i + 1} starts inside the recording`);
      t.ok(Math.abs(start - Date.parse(chapters[i]!.startAt)) <= 1000, 'where the API says it starts');
      t.ok(Number(r.DURATION) > 3 && start + Number(r.DURATION) * 1000 <= spanTo + 1, 'its duration ends inside the recording');
    });
  }

  // ffprobe reads the whole recording through the master playlist, over HTTP
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', `${server.httpUrl}/hls/${show.id}/master.m3u8`], { timeout: 30_000 });
  const duration = Number.parseFloat(stdout.trim());
  t.ok(Math.abs(duration - recordedSeconds) <= 1.5, `ffprobe: ${duration} s, the playlist: ${recordedSeconds} s`);
  t.ok(duration >= 18, 'the whole show, not only its start');

  // hls.js, as the viewer page runs it, reads the recording as VOD with the three chapters
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`${server.httpUrl}/watch/${show.id}`, { timeout: 20_000 });
  await page.waitForFunction('typeof window.Hls === "function"', null, { timeout: 10_000 });
  const hlsJs = (await page.evaluate(`(${HLS_JS_READ})(${JSON.stringify(`${server.httpUrl}/hls/${show.id}/master.m3u8`)})`)) as HlsJsReading;
  t.equal(hlsJs.type, 'VOD');
  t.equal(hlsJs.live, false);
  t.ok(Math.abs(hlsJs.totalduration - recordedSeconds) < 0.01, `hls.js: ${hlsJs.totalduration} s`);
  t.same(hlsJs.dateRanges.map((r) => [r.id, r.class, r.productId]), chapters.map((c, i) => [`chapter-${i + 1}`, 'com.hawker.chapter', c.productId]));
  for (const r of hlsJs.dateRanges) {
    t.ok(r.start >= hlsJs.firstPdt! && r.start < hlsJs.lastEnd!, `${r.id} starts inside the fragments' PROGRAM-DATE-TIME span`);
    t.ok(r.duration !== null && r.duration > 3, `${r.id} lasts ${r.duration} s`);
  }
});
