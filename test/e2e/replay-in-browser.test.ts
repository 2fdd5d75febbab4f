import { mkdirSync } from 'node:fs';
import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';

import { parseVariantPlaylist } from '../../src/pipeline/clip-cut.js';
import { describeProgress, launchChromium, videoMovesOn } from '../helpers/browser.js';
import { LiveClient } from '../helpers/live-client.js';
import { publishTestPattern, type Publisher } from '../helpers/media.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';

// Shop the replay on a phone (issue 15), with the real server, a real FFmpeg publishing over
// RTMP and a real Chromium on a phone's screen. During the show: product A pinned, unpinned (its
// clip is cut), B pinned: "Watch the demo" of A plays A's clip in a sheet while the live video
// goes on small beside it, and sells A. After the end: the replay's chapter strip seeks to B's
// chapter and the card and highlight say B (not the product pinned last), at today's price.

const ARTIFACTS = 'artifacts/screenshots';

async function call(server: ServerProcess, path: string, body?: unknown, method = 'POST') {
  const res = await server.api(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as Record<string, any>;
}

/** a product picture: a colour with its name's letter, so the strip's thumbnails differ */
async function picture(colour: string, letter: string) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><rect width="400" height="400" fill="${colour}"/><text x="200" y="270" font-size="240" text-anchor="middle" fill="#fff" font-family="sans-serif">${letter}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

// These run in the page: plain JavaScript strings (the page's CSP forbids waitForFunction's eval).
const VIDEOS = `(() => {
  const box = (v) => { const r = v.getBoundingClientRect(); return { currentTime: v.currentTime, paused: v.paused, readyState: v.readyState, left: r.left, top: r.top, width: r.width, height: r.height, src: v.currentSrc }; };
  return { live: box(document.getElementById('player')), demo: { ...box(document.getElementById('demo-video')), clipId: document.getElementById('demo-video').dataset.clipId }, vw: innerWidth, vh: innerHeight };
})()`;
interface Box {
  currentTime: number;
  paused: boolean;
  readyState: number;
  left: number;
  top: number;
  width: number;
  height: number;
  src: string;
}
const videos = (page: Page) => page.evaluate(VIDEOS) as Promise<{ live: Box; demo: Box & { clipId?: string }; vw: number; vh: number }>;

/** the recording's position (s) of a moment, from its VOD playlist's dates: where the player must be */
async function positionIn(server: ServerProcess, showId: string, at: number, { pastEndIsEnd = false } = {}): Promise<number> {
  const master = await (await server.api(`/hls/${showId}/master.m3u8`)).text();
  const variant = master.split('\n').find((l) => l.endsWith('.m3u8'))!;
  const playlist = await (await server.api(`/hls/${showId}/${variant}`)).text();
  // the playlist read as the clip cutter reads it: each segment on the PROGRAM-DATE-TIME clock
  let position = 0;
  let end: number | null = null;
  for (const segment of parseVariantPlaylist(playlist).segments) {
    if (at < segment.startAt + segment.durationMs) return position + Math.max(0, at - segment.startAt) / 1000;
    position += segment.durationMs / 1000;
    end = segment.startAt + segment.durationMs;
  }
  if (pastEndIsEnd && end !== null && at >= end) return position;
  throw new Error(`no segment of the recording holds ${new Date(at).toISOString()}`);
}
/** what the page says is on screen: the card above the tabs, the highlighted product, the button over the burned-in card */
const ON_SCREEN = `(() => ({
  card: document.getElementById('now').hidden ? null : document.getElementById('now').dataset.productId,
  cardText: document.getElementById('now').textContent,
  highlighted: [...document.querySelectorAll('li.product.on-screen')].map((li) => li.dataset.productId),
  hotspot: document.querySelector('#hotspots .hotspot[data-slot="product"]')?.getAttribute('aria-label') ?? null,
  current: [...document.querySelectorAll('#chapter-list button.chapter.current')].map((b) => b.dataset.productId),
  time: document.getElementById('player').currentTime,
}))()`;
interface OnScreen {
  card: string | null | undefined;
  cardText: string;
  highlighted: string[];
  hotspot: string | null;
  current: string[];
  time: number;
}
const onScreen = (page: Page) => page.evaluate(ON_SCREEN) as Promise<OnScreen>;

t.test('a phone viewer watches the demo of a product shown earlier while the show goes on, then shops the replay by its chapters', { timeout: 420_000 }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startServerProcess();
  const publishers: Publisher[] = [];
  const sockets: LiveClient[] = [];
  let browser: Browser | null = null;
  t.teardown(async () => {
    for (const s of sockets) s.close();
    await browser?.close().catch(() => undefined);
    await Promise.all(publishers.map((p) => p.stop()));
    server.kill();
  });
  const pageErrors: string[] = [];

  const scarf = await call(server, '/api/products', { sku: 'SCARF', title: 'Silk scarf', description: 'Hand-rolled edges.', price: 3900, currency: 'EUR', stock: 30 });
  const towel = await call(server, '/api/products', { sku: 'TOWEL', title: 'Gauze towel', description: 'Dotted gauze, 4 layers.', price: 2400, currency: 'EUR', stock: 50 });
  for (const [p, colour, letter] of [[scarf, '#7a2048', 'S'], [towel, '#1f5f8b', 'T']] as const) {
    const res = await server.api(`/api/products/${p.id}/image`, { method: 'PUT', body: await picture(colour, letter), headers: { 'content-type': 'image/png' } });
    t.equal(res.status, 200, `${p.title} has a picture`);
  }
  const show = await call(server, '/api/shows', { title: 'Textiles, fresh in', host: 'Ana' });
  await call(server, `/api/shows/${show.id}/lineup`, { productIds: [scarf.id, towel.id] }, 'PUT');
  const socket = await LiveClient.open(server.httpUrl, show.id);
  sockets.push(socket);
  await socket.next((m) => m.type === 'welcome');

  publishers.push(publishTestPattern(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`, { size: '640x360', rate: 25, maxSeconds: 300 }));
  await waitFor('the show to go live', async () => (await call(server, `/api/shows/${show.id}`, undefined, 'GET')).status === 'live', 40_000);

  browser = await launchChromium({ autoplay: true });
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await phone.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${server.httpUrl}/watch/${show.id}`);
  await waitFor('the live video to play', async () => (await videos(page)).live.currentTime > 1, 60_000, 200);

  // ---- the show: A pinned 8 s, unpinned (its clip is cut), B pinned with a flash sale --------
  await call(server, `/api/shows/${show.id}/pin`, { productId: scarf.id });
  await sleep(8000);
  await call(server, `/api/shows/${show.id}/pin`, undefined, 'DELETE');
  await sleep(1500);
  await call(server, `/api/shows/${show.id}/pin`, { productId: towel.id });
  await call(server, `/api/shows/${show.id}/flash-sales`, { productId: towel.id, price: 1500, quantity: 10, durationSeconds: 900 });
  const unpinnedAt = Date.now();
  const clip = (await socket.next((m) => (m as { type: string }).type === 'clip' && (m as unknown as { clip: { productId: string } }).clip.productId === scarf.id, 60_000)) as unknown as { clip: { id: string; durationMs: number } };
  t.comment(`A's clip (${clip.clip.durationMs} ms) reached the socket ${Date.now() - unpinnedAt} ms after the unpin`);

  // ---- "Watch the demo" of A plays A's clip while the live video goes on small -------------
  const watch = page.getByRole('button', { name: 'Watch the demo of Silk scarf' });
  await watch.waitFor({ timeout: 10_000 });
  t.equal(await page.getByRole('button', { name: 'Watch the demo of Gauze towel' }).count(), 0, 'B, still pinned, has no demo yet');
  const liveBefore = await videos(page);
  await watch.tap();
  const sheet = page.locator('#demo-sheet[open]');
  await sheet.waitFor({ timeout: 5000 });
  t.equal(await page.locator('#demo-title').textContent(), 'Demo: Silk scarf', 'the sheet names the product');
  await waitFor('the clip to play', async () => (await videos(page)).demo.currentTime > 0.5, 30_000, 100);
  const a = await videos(page);
  await sleep(2000);
  const b = await videos(page);
  t.equal(b.demo.clipId, clip.clip.id, 'the clip of A plays');
  t.ok(b.demo.currentTime - a.demo.currentTime > 1, `the clip advances (${a.demo.currentTime.toFixed(2)} -> ${b.demo.currentTime.toFixed(2)} s)`);
  // Playing, not paused by the demo: it moves on (videoMovesOn says why its window is 6 s).
  const live = await videoMovesOn(page, 'player');
  t.ok(live.moved && !b.live.paused, `the live video keeps playing (${describeProgress(live)})`);
  t.ok(b.live.width < liveBefore.live.width / 2 && b.live.width > 80, `small: ${Math.round(b.live.width)}x${Math.round(b.live.height)} px instead of ${Math.round(liveBefore.live.width)} px wide`);
  t.ok(b.live.top >= 0 && b.live.left + b.live.width <= b.vw + 1, 'and on screen, in the corner');
  const sheetBox = (await sheet.boundingBox())!;
  t.ok(sheetBox.y >= b.live.top + b.live.height - 1, 'the sheet leaves the small live video uncovered');
  await page.screenshot({ path: `${ARTIFACTS}/replay-live-demo-sheet.png` });

  // the sheet sells A through the page's buy sheet
  await sheet.getByRole('button', { name: /^Buy Silk scarf for €39\.00$/ }).tap();
  const buy = page.locator('#buy-sheet[open]');
  await buy.waitFor({ timeout: 5000 });
  t.equal(await buy.locator('h2').textContent(), 'Silk scarf', 'Buy in the demo opens A’s buy sheet');
  await page.screenshot({ path: `${ARTIFACTS}/replay-live-demo-buy.png` });
  await page.keyboard.press('Escape');
  await buy.waitFor({ state: 'hidden' });
  t.ok(await sheet.isVisible(), 'closing the buy sheet goes back to the demo');

  // tapping the small live video comes back to the show, full size
  await page.getByRole('button', { name: 'Back to the live show' }).tap();
  await sheet.waitFor({ state: 'hidden' });
  const back = await videos(page);
  t.equal(Math.round(back.live.width), Math.round(liveBefore.live.width), 'the live video is full size again');
  t.ok(back.demo.paused, 'the clip stopped');

  // ---- the end, and the replay -------------------------------------------------------------
  await sleep(6000); // B on screen for a while
  await call(server, `/api/shows/${show.id}/end`);
  await waitFor('the show to end', async () => (await call(server, `/api/shows/${show.id}`, undefined, 'GET')).status === 'ended', 30_000);
  const chapters = await waitFor('the chapters', async () => {
    const list = (await (await server.api(`/api/shows/${show.id}/chapters`)).json()) as Array<{ productId: string; startMs: number; endMs: number | null; startAt: string; endAt: string | null }>;
    return list.length === 2 && list.every((c) => c.endMs !== null) ? list : null;
  }, 30_000);
  t.same(chapters.map((c) => c.productId), [scarf.id, towel.id], 'chapters: A then B');
  const chapterB = chapters[1]!;

  const replay = await phone.newPage();
  replay.on('pageerror', (e) => pageErrors.push(`replay: ${e.message}`));
  await replay.goto(`${server.httpUrl}/watch/${show.id}`);
  const strip = replay.getByRole('navigation', { name: /Chapters/ });
  await strip.waitFor({ timeout: 15_000 });
  t.equal(await strip.getByRole('button').count(), 2, 'the strip has a button per chapter');
  const before = await onScreen(replay);
  t.equal(before.card, null, 'before playing, the replay claims no product on screen (not B, the last one pinned live)');

  await strip.getByRole('button', { name: /^Gauze towel, at / }).tap();
  const atB = await waitFor('the card to show B', async () => {
    const s = await onScreen(replay);
    return s.card === towel.id ? s : null;
  }, 30_000, 100);
  const [fromB, toB] = [await positionIn(server, show.id, Date.parse(chapterB.startAt)), await positionIn(server, show.id, Date.parse(chapterB.endAt!) - 1, { pastEndIsEnd: true })];
  // B was still pinned at the end: its chapter closes when the show ended, after FFmpeg stopped,
  // which may be past the recording's last frame
  // within one segment: the player counts positions in the media's own timestamps, the playlist in its EXTINF sums
  t.ok(atB.time >= fromB - 1 && atB.time < Math.min(toB, fromB + 4), `the recording seeked to the start of B's chapter (${atB.time.toFixed(2)} s; the chapter is ${fromB.toFixed(2)}-${toB.toFixed(2)} s of the recording)`);
  t.same(atB.highlighted, [towel.id], 'the product list highlights B');
  t.match(atB.hotspot, /Gauze towel/, 'the button over the burned-in card buys B');
  t.same(atB.current, [towel.id], 'the strip marks B’s chapter');
  t.match(atB.cardText, /Flash sale at €15\.00 has ended/, 'the flash sale of the show is shown as ended');
  t.match(atB.cardText, /€24\.00 today/, 'at today’s price');
  t.notMatch(atB.cardText, /€15\.00 ·|Flash sale €15/, 'not the sale price');
  await sleep(1000);
  await replay.screenshot({ path: `${ARTIFACTS}/replay-chapters-b.png` });

  // the card follows the position: back to A's chapter
  await strip.getByRole('button', { name: /^Silk scarf, at / }).tap();
  await waitFor('the card to show A', async () => (await onScreen(replay)).card === scarf.id, 30_000, 100);
  t.same((await onScreen(replay)).highlighted, [scarf.id], 'seeking to A’s chapter highlights A');

  // buying from the replay: today's price, the server's quote says so
  await replay.locator('#now').getByRole('button', { name: 'Buy now' }).tap();
  const replayBuy = replay.locator('#buy-sheet[open]');
  await replayBuy.waitFor({ timeout: 5000 });
  t.equal(await replayBuy.locator('h2').textContent(), 'Silk scarf');
  await replay.keyboard.press('Escape');
  await replay.locator('#products').getByRole('button', { name: /^Buy Gauze towel for / }).tap();
  await replayBuy.waitFor({ timeout: 5000 });
  t.equal(await replayBuy.locator('h2').textContent(), 'Gauze towel');
  const sheetText = (await replayBuy.textContent()) ?? '';
  t.match(sheetText, /€24\.00/, 'B’s buy sheet in the replay: the regular price, as the server charges the replay');
  t.notMatch(sheetText, /€15\.00/, 'not the ended flash sale’s');
  await replay.screenshot({ path: `${ARTIFACTS}/replay-buy-today.png` });

  t.same(pageErrors, [], 'no script errors');
});
