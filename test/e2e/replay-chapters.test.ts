import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t from 'tap';
import { parseMediaPlaylist, publishTestPattern, type Publisher } from '../helpers/media.js';
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

  publisher = publishTestPattern(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`, { size: '640x360', maxSeconds: 50 });
  await waitFor('the show to go live', async () => (await getShow()).status === 'live', 20_000);
  await waitFor('two segments', async () => {
    const text = await fetchText(`/hls/${show.id}/360p/index.m3u8`);
    return text && parseMediaPlaylist(text).entries.length >= 2;
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
  const endAt = Date.now();
  const ended = await server.api(`/api/shows/${show.id}/end`, { method: 'POST' });
  t.equal(ended.status, 200);
  const startedAt = Date.parse((await getShow()).startedAt ?? '');

  // the chapters: A, B, A, each within one segment (1 s) of when it was pinned and of its length
  const res = await fetch(`${server.httpUrl}/api/shows/${show.id}/chapters`);
  t.equal(res.status, 200, 'public');
  const chapters = (await res.json()) as ChapterWire[];
  t.same(chapters.map((c) => c.productId), [productA.id, productB.id, productA.id]);
  t.same(chapters.map((c) => c.title), ['Dotted "gauze" scarf', 'Gauze towel', 'Dotted "gauze" scarf']);
  const expected = [
    [pinAt[0]!, pinAt[1]!],
    [pinAt[1]!, pinAt[2]!],
    [pinAt[2]!, endAt],
  ];
  chapters.forEach((c, i) => {
    const [from, to] = expected[i]!;
    t.ok(Math.abs(c.startMs - (from! - startedAt)) <= 1000, `chapter ${i + 1} starts at ${c.startMs} ms, pinned at ${Math.round(from! - startedAt)} ms`);
    t.ok(c.endMs !== null && Math.abs(c.endMs - (to! - startedAt)) <= 1000, `chapter ${i + 1} ends at ${c.endMs} ms, expected ${Math.round(to! - startedAt)} ms`);
    t.equal(Date.parse(c.startAt) - startedAt, c.startMs, 'startAt and startMs are one instant');
  });
  t.ok(Math.abs(chapters[0]!.endMs! - chapters[0]!.startMs - 8000) <= 1000, 'A: 8 s');
  t.ok(Math.abs(chapters[1]!.endMs! - chapters[1]!.startMs - 6000) <= 1000, 'B: 6 s');
  t.ok(Math.abs(chapters[2]!.endMs! - chapters[2]!.startMs - 5000) <= 1000, 'A again: 5 s');

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
});
