// Demo clips with the real server, a real RTMP publisher and real FFmpeg: pin A for ~8 s then
// unpin, pin B for ~6 s then pin A again. Within 60 s of each unpin a ready clip exists (pushed
// on the live socket, listed by the routes), its MP4 lasts the pin span within one segment,
// starts with the product card already on screen (its first decoded frame), is faststart (moov
// before mdat); its HLS master plays in ffprobe over HTTP; its poster is a JPEG.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { LiveClient } from '../helpers/live-client.js';
import { parseMediaPlaylist, publishTestPattern, regionPerFrame, type Publisher } from '../helpers/media.js';
import { startServerProcess } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';

const run = promisify(execFile);
// a plain-colour source: anything in the card's region was drawn by Hawker
const BACKGROUND = '0x3366aa';
const SEGMENT_MS = 1000;
// the product card of a 720p landscape frame: 560x150 at 24 px from the left, 96 px from the bottom
const CARD = { x: 24, y: 720 - 96 - 150, w: 560, h: 150 };

interface ClipJson {
  id: string;
  productId: string;
  startMs: number;
  endMs: number;
  status: string;
  durationMs: number | null;
  url: string | null;
  mp4Url: string | null;
  posterUrl: string | null;
  readyAt: string | null;
}

t.test('a ready clip of each pin span within 60 s of the unpin: its length, its first frame, its formats', async (t) => {
  const server = await startServerProcess();
  const publishers: Publisher[] = [];
  const sockets: LiveClient[] = [];
  t.teardown(async () => {
    for (const s of sockets) s.socket.terminate();
    await Promise.all(publishers.map((p) => p.stop()));
    server.kill();
  });
  const post = async (path: string, body: unknown) => (await server.api(path, { method: 'POST', body: JSON.stringify(body) })).json() as Promise<Record<string, any>>;
  const a = await post('/api/products', { sku: 'SCARF', title: 'Silk scarf', price: 2500, currency: 'EUR', stock: 10 });
  const b = await post('/api/products', { sku: 'TOWEL', title: 'Dotted gauze towel', price: 1500, currency: 'EUR', stock: 10 });
  const warmUp = await post('/api/products', { sku: 'WARM', title: 'Warm-up', price: 100, currency: 'EUR', stock: 10 });
  const show = await post('/api/shows', { title: 'Clips' });
  publishers.push(publishTestPattern(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`, { color: BACKGROUND, size: '1280x720', rate: 30, maxSeconds: 100 }));
  const playlist = async () => {
    const res = await fetch(`${server.httpUrl}/hls/${show.id}/720p/index.m3u8`);
    return res.status === 200 ? parseMediaPlaylist(await res.text()) : null;
  };
  await waitFor('two segments', async () => ((await playlist())?.entries.length ?? 0) >= 2, 30_000);
  const viewer = await LiveClient.open(server.httpUrl, show.id);
  sockets.push(viewer);
  // The show's first card draw (fonts, the feed's files) lands later than the ones after it; a
  // host's show has drawn its card many times before the demos that matter. A misclick (under
  // 1 s) is no chapter; its clip, if a busy machine's PDT estimate makes it one, is not looked at.
  await post(`/api/shows/${show.id}/pin`, { productId: warmUp.id });
  await sleep(300);
  await server.api(`/api/shows/${show.id}/pin`, { method: 'DELETE' });
  await sleep(1500);

  await post(`/api/shows/${show.id}/pin`, { productId: a.id });
  await sleep(8000);
  const unpinA = Date.now();
  await server.api(`/api/shows/${show.id}/pin`, { method: 'DELETE' });
  await sleep(1000);
  await post(`/api/shows/${show.id}/pin`, { productId: b.id });
  await sleep(6000);
  const unpinB = Date.now();
  await post(`/api/shows/${show.id}/pin`, { productId: a.id });

  const ready = await waitFor('both clips ready', async () => {
    const list = (await (await fetch(`${server.httpUrl}/api/shows/${show.id}/clips`)).json()) as ClipJson[];
    const ofA = list.find((c) => c.productId === a.id);
    const ofB = list.find((c) => c.productId === b.id);
    return ofA && ofB ? { clipA: ofA, clipB: ofB, all: list } : null;
  }, 60_000, 250);
  const { clipA, clipB } = ready;
  t.ok(clipA.startMs < clipB.startMs, 'A, then B');
  for (const [clip, unpinnedAt] of [[clipA, unpinA], [clipB, unpinB]] as const) {
    const after = Date.parse(clip.readyAt!) - unpinnedAt;
    t.ok(after < 60_000, `ready ${after} ms after the unpin`);
  }
  const pushed = await viewer.next((m) => m.type === 'clip' && (m.clip as ClipJson).id === clipB.id, 10_000);
  t.match(pushed, { type: 'clip', clip: { id: clipB.id, productId: b.id, status: 'ready' } }, 'pushed on the live socket');
  t.ok(viewer.messages.some((m) => m.type === 'clip' && (m.clip as ClipJson).id === clipA.id), 'both');
  const late = await LiveClient.open(server.httpUrl, show.id);
  sockets.push(late);
  const welcome = await late.next((m) => m.type === 'welcome');
  t.same((welcome.clips as ClipJson[]).map((c) => c.id), ready.all.map((c) => c.id), 'the welcome carries the ready clips, newest first');
  t.same([...viewer.invalid, ...late.invalid], [], 'every message matches the protocol');

  // what the card region looks like without a card: the recording's first frame
  const scratch = mkdtempSync(join(tmpdir(), 'hawker-clips-e2e-'));
  const first = (await playlist())!.entries[0]!;
  const firstSegment = join(scratch, 'first.ts');
  writeFileSync(firstSegment, Buffer.from(await (await fetch(`${server.httpUrl}/hls/${show.id}/720p/${first.uri}`)).arrayBuffer()));
  const mean = (px: Uint8Array) => px.reduce((s, v) => s + v, 0) / px.length;
  const background = mean((await regionPerFrame(firstSegment, CARD, 8, 2))[0]!);

  for (const [name, clip] of [['A', clipA], ['B', clipB]] as const) {
    t.match(clip.mp4Url, new RegExp(`/hls/${show.id}/clips/${clip.id}\\.mp4$`));
    t.match(clip.url, new RegExp(`/hls/${show.id}/clips/${clip.id}\\.m3u8$`));
    const mp4Res = await fetch(`${server.httpUrl}/hls/${show.id}/clips/${clip.id}.mp4`);
    t.equal(mp4Res.status, 200);
    t.equal(mp4Res.headers.get('content-type'), 'video/mp4');
    const mp4 = Buffer.from(await mp4Res.arrayBuffer());
    t.ok(mp4.indexOf('moov') > 0 && mp4.indexOf('moov') < mp4.indexOf('mdat'), `${name}: faststart, moov before mdat`);
    const file = join(scratch, `${name}.mp4`);
    writeFileSync(file, mp4);
    // the video's length (the audio of the first and last segment may reach a few frames past it)
    const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=duration', '-of', 'csv=p=0', file], { timeout: 15_000 });
    const durationMs = Number(stdout.trim()) * 1000;
    const spanMs = clip.endMs - clip.startMs;
    t.ok(Math.abs(durationMs - spanMs) <= SEGMENT_MS + 100, `${name}: ${Math.round(durationMs)} ms of video for a ${spanMs} ms pin (within one segment)`);
    t.ok(Math.abs((clip.durationMs ?? 0) - durationMs) < 200, `${name}: durationMs says what was cut (${clip.durationMs} ms)`);
    const card = mean((await regionPerFrame(file, CARD, 8, 2))[0]!);
    t.ok(card < background - 25, `${name}: the first frame already shows the card (card region ${Math.round(card)} vs ${Math.round(background)} without)`);

    const hls = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', `${server.httpUrl}/hls/${show.id}/clips/${clip.id}.m3u8`], { timeout: 20_000 });
    t.ok(Math.abs(Number(hls.stdout.trim()) * 1000 - clip.durationMs!) < 200, `${name}: the HLS master plays the same segments (${hls.stdout.trim()} s)`);
    const poster = await fetch(`${server.httpUrl}/hls/${show.id}/clips/${clip.id}.jpg`);
    t.equal(poster.headers.get('content-type'), 'image/jpeg');
    t.same([...Buffer.from(await poster.arrayBuffer()).subarray(0, 3)], [0xff, 0xd8, 0xff], `${name}: the poster is a JPEG`);
  }
  t.same(((await (await fetch(`${server.httpUrl}/api/products/${a.id}/clips`)).json()) as ClipJson[]).map((c) => c.id), [clipA.id], "A's clips");
});
