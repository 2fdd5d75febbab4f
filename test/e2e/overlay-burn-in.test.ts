import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parseMediaPlaylist, publishTestPattern, regionPerFrame, type Publisher } from '../helpers/media.js';
import { startServerProcess } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';

// A plain-colour source, so anything in the overlay regions of the output was drawn by Hawker.
const BACKGROUND = '0x3366aa';
const FPS = 30;

t.test('overlays are burned into every rendition, live, without restarting FFmpeg', async (t) => {
  const server = await startServerProcess();
  const publishers: Publisher[] = [];
  t.teardown(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    server.kill();
  });
  const post = async (path: string, body: unknown, method = 'POST') =>
    (await server.api(path, { method, body: JSON.stringify(body) })).json() as Promise<Record<string, any>>;
  const product = await post('/api/products', { sku: 'HOSE-30', title: 'Garden hose 30 m', price: 1999, currency: 'USD', compareAtPrice: 2999, stock: 100 });
  const show = await post('/api/shows', { title: 'Overlay test' });
  publishers.push(publishTestPattern(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`, { color: BACKGROUND, size: '1280x720', rate: FPS }));
  const playlist = async (variant: string) => {
    const res = await fetch(`${server.httpUrl}/hls/${show.id}/${variant}/index.m3u8`);
    return res.status === 200 ? parseMediaPlaylist(await res.text()) : null;
  };
  await waitFor('three segments', async () => ((await playlist('720p'))?.entries.length ?? 0) >= 3, 30_000);
  const ffmpegPid = server.logs.find((l) => l.msg === 'ffmpeg started')?.pid;

  const pinAt = Date.now();
  const pinned = await post(`/api/shows/${show.id}/pin`, { productId: product.id });
  t.equal(pinned.overlay.state.pinnedProductId, product.id);
  t.type(pinned.event.programDateTime, 'string', 'the change carries the PROGRAM-DATE-TIME it lands at');
  await sleep(3000);
  const unpinAt = Date.now();
  await server.api(`/api/shows/${show.id}/pin`, { method: 'DELETE' });
  await sleep(2000);
  const saleAt = Date.now();
  await post(`/api/shows/${show.id}/flash-sales`, { productId: product.id, price: 1499, quantity: 20, durationSeconds: 60 });
  await sleep(5000);
  const lastWanted = Date.now();
  await waitFor('segments covering the whole test', async () => {
    const list = (await playlist('720p'))!;
    const last = list.entries.at(-1)!;
    return Date.parse(last.programDateTime!) + last.duration * 1000 > lastWanted + 1500;
  }, 20_000);

  const scratch = mkdtempSync(join(tmpdir(), 'hawker-ovl-'));
  /** per frame: [PROGRAM-DATE-TIME, fingerprint of the region] for a whole variant */
  const framesOf = async (variant: string, crop: { x: number; y: number; w: number; h: number }, w: number, h: number) => {
    const list = (await playlist(variant))!;
    const out: Array<{ pdt: number; px: Uint8Array }> = [];
    for (const entry of list.entries) {
      const file = join(scratch, `${variant}-${entry.uri}`);
      writeFileSync(file, Buffer.from(await (await fetch(`${server.httpUrl}/hls/${show.id}/${variant}/${entry.uri}`)).arrayBuffer()));
      const frames = await regionPerFrame(file, crop, w, h);
      frames.forEach((px, i) => out.push({ pdt: Date.parse(entry.programDateTime!) + (i * 1000) / FPS, px }));
    }
    return out;
  };
  const mean = (px: Uint8Array) => px.reduce((a, b) => a + b, 0) / px.length;

  for (const [variant, scale] of [['720p', 1], ['360p', 0.5]] as const) {
    // the product card: 560x150 at 24 px from the left, 96 px from the bottom of a 720p frame
    const card = { x: 24 * scale, y: (720 - 96 - 150) * scale, w: 560 * scale, h: 150 * scale };
    const frames = await framesOf(variant, card, 8, 2);
    const background = mean(frames[0]!.px);
    const shown = frames.map((f) => mean(f.px) < background - 25);
    const first = shown.indexOf(true);
    const last = shown.lastIndexOf(true);
    t.ok(first > 0, `${variant}: the card is not there before the pin`);
    t.ok(shown.slice(first, last + 1).every(Boolean), `${variant}: shown without a gap from pin to unpin`);
    t.ok(last < shown.length - 1 && !shown.slice(last + 1).some(Boolean), `${variant}: gone after the unpin`);
    const shownMs = frames[last]!.pdt - frames[first]!.pdt;
    t.ok(Math.abs(shownMs - (unpinAt - pinAt)) < 700, `${variant}: on screen for as long as it was pinned (${Math.round(shownMs)} ms vs ${unpinAt - pinAt} ms)`);
    t.ok(Math.abs(frames[first]!.pdt - pinAt) < 2000, `${variant}: appears at PROGRAM-DATE-TIME ${Math.round(frames[first]!.pdt - pinAt)} ms from the pin call`);
    if (variant === '720p') {
      t.ok(Math.abs(Date.parse(pinned.event.programDateTime) - frames[first]!.pdt) < 600, `the event's PROGRAM-DATE-TIME is within 600 ms of the first frame showing it (${Math.round(Date.parse(pinned.event.programDateTime) - frames[first]!.pdt)} ms)`);
    }
  }

  // the countdown digits at the right of the flash-sale header: they change once a second
  const digits = { x: 1280 - 24 - 100, y: 24 + 6, w: 84, h: 28 };
  const sale = (await framesOf('720p', digits, 42, 14)).filter((f) => f.pdt > saleAt + 1500 && f.pdt < lastWanted);
  const changes: number[] = [];
  for (let i = 1; i < sale.length; i++) {
    // a digit that changes flips some pixels from dark to light; encoding noise moves none that far
    let flipped = 0;
    for (let j = 0; j < sale[i]!.px.length; j++) if (Math.abs(sale[i]!.px[j]! - sale[i - 1]!.px[j]!) > 60) flipped++;
    if (flipped >= 3) changes.push(i);
  }
  t.ok(changes.length >= 2, `the countdown changed ${changes.length} times in ${sale.length} frames`);
  const gaps = changes.slice(1).map((c, i) => c - changes[i]!);
  // The redraw runs on the wall clock and FFmpeg takes the new picture with the next frame it
  // encodes: on a busy machine FFmpeg runs below real time and a second holds fewer frames, so
  // "once a second" is checked as neither per frame nor stuck, not to the frame.
  t.ok(gaps.every((g) => g >= FPS / 2 && g <= FPS * 1.5), `about once per second: frames between changes ${gaps.join(', ')} (${FPS} fps)`);

  const after = server.logs.filter((l) => l.msg === 'ffmpeg started');
  t.equal(after.length, 1, 'FFmpeg was never restarted for an overlay change');
  t.equal(after[0]?.pid, ffmpegPid);
});
