import { mkdirSync } from 'node:fs';
import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import sharp from 'sharp';

import { layoutFor } from '../../src/overlay/layout.js';
import { loadOverlayTheme, type SlotName } from '../../src/overlay/templates.js';
import { LiveClient } from '../helpers/live-client.js';
import { publishTestPattern, type Publisher } from '../helpers/media.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';

// A phone viewer of a portrait show, with the real server, a real FFmpeg publishing 720x1280
// over RTMP and a real Chromium on a phone's screen: the video fills the screen, the overlays
// burned into it can be tapped (found where the server's layout draws them, not where the page
// says its buttons are), the buttons follow the video rather than the socket, and the QR's
// link (?product=) opens the product.

const ARTIFACTS = 'artifacts/screenshots';
const theme = loadOverlayTheme();
/** where the server draws each slot on a 720x1280 frame (the ladder's top rung for this source) */
const drawn = layoutFor(theme, { width: 720, height: 1280 });

async function post(server: ServerProcess, path: string, body?: unknown, method = 'POST') {
  const res = await server.api(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as Record<string, any>;
}

// These run in the page: plain JavaScript strings (the TypeScript loader would wrap functions
// in helpers the page does not have; the page's CSP forbids waitForFunction's eval).
const VIDEO = `(() => {
  const v = document.getElementById('player');
  const r = v.getBoundingClientRect();
  const s = getComputedStyle(v);
  return { left: r.left, top: r.top, width: r.width, height: r.height, videoWidth: v.videoWidth, videoHeight: v.videoHeight,
    currentTime: v.currentTime, fit: s.objectFit, position: s.objectPosition, vw: innerWidth, vh: innerHeight, shape: document.body.dataset.shape };
})()`;
interface VideoBox {
  left: number;
  top: number;
  width: number;
  height: number;
  videoWidth: number;
  videoHeight: number;
  currentTime: number;
  fit: string;
  position: string;
  vw: number;
  vh: number;
  shape: string | undefined;
}
const videoBox = (page: Page) => page.evaluate(VIDEO) as Promise<VideoBox>;

/**
 * The middle of a slot on the screen, worked out here from the element's box, its object-fit
 * (contain) and object-position, and the server's layout: what a finger aims at.
 */
function slotRect(v: VideoBox, slot: SlotName) {
  const scale = Math.min(v.width / v.videoWidth, v.height / v.videoHeight);
  const w = v.videoWidth * scale;
  const h = v.videoHeight * scale;
  const [px = '50%', py = '50%'] = v.position.split(' ');
  const part = (p: string, free: number) => (p.endsWith('%') ? (Number.parseFloat(p) / 100) * free : Number.parseFloat(p));
  const x0 = v.left + part(px, v.width - w);
  const y0 = v.top + part(py, v.height - h);
  const p = drawn.slots[slot];
  return { x: x0 + (p.x / 720) * w, y: y0 + (p.y / 1280) * h, width: (p.width / 720) * w, height: (p.height / 1280) * h };
}
function slotCentre(v: VideoBox, slot: SlotName) {
  const r = slotRect(v, slot);
  return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
}

/** How bright a part of the screen is (0-255): the dark card drawn in the video, or the bars. */
async function brightness(page: Page, clip: { x: number; y: number; width: number; height: number }) {
  const png = await page.screenshot({ clip });
  return (await sharp(png).greyscale().stats()).channels[0]!.mean;
}

t.test('a portrait show on a phone: full screen, tappable overlays that follow the video, the QR link opens the product', { timeout: 300_000 }, async (t) => {
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
  browser = await launchChromium({ autoplay: true });
  const pageErrors: string[] = [];

  const hose = await post(server, '/api/products', { sku: 'HOSE-30', title: 'Garden hose 30 m', description: 'Kink-free, brass fittings.', price: 2999, currency: 'EUR', compareAtPrice: 3999, stock: 40 });
  const nozzle = await post(server, '/api/products', { sku: 'NOZZLE', title: 'Brass nozzle', price: 1299, currency: 'EUR', stock: 25 });
  const show = await post(server, '/api/shows', { title: 'Garden week, from my phone', host: 'Mia' });
  await post(server, `/api/shows/${show.id}/lineup`, { productIds: [hose.id, nozzle.id] }, 'PUT');
  const socket = await LiveClient.open(server.httpUrl, show.id);
  sockets.push(socket);
  await socket.next((m) => m.type === 'welcome');

  publishers.push(publishTestPattern(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`, { size: '720x1280', rate: 25, maxSeconds: 240 }));
  await waitFor('the show to go live', async () => (await post(server, `/api/shows/${show.id}`, undefined, 'GET')).status === 'live', 40_000);

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await phone.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${server.httpUrl}/watch/${show.id}`);
  await waitFor('the video to play', async () => (await videoBox(page)).currentTime > 1, 60_000, 200);

  // ---- the video fills the screen --------------------------------------------------------------
  // hls.js may start on the small rung while its first bandwidth estimate is low (a busy machine),
  // then climb: the top rung must be what plays once it has
  await waitFor('the top rung', async () => (await videoBox(page)).videoHeight === 1280, 30_000, 200);
  const v = await videoBox(page);
  t.equal(v.shape, 'portrait', 'the page knows the stream is portrait (from the video)');
  t.same([v.videoWidth, v.videoHeight], [720, 1280], 'the top rung plays');
  t.same([v.left, v.top, v.width, v.height], [0, 0, v.vw, v.vh], `the video element covers the whole screen (${v.width}x${v.height})`);
  const pictureHeight = (v.width * 1280) / 720;
  t.ok(pictureHeight / v.vh > 0.8, `the picture fills the width and ${Math.round((100 * pictureHeight) / v.vh)}% of the height`);
  t.equal(await page.getByRole('tab', { name: 'Chat' }).getAttribute('aria-selected'), 'true', 'chat over the video; the products are a sheet');
  // the video's own controls are under the chat: the page offers the sound
  await page.getByRole('button', { name: '🔇 Tap for sound' }).tap();
  t.equal(await page.evaluate("document.getElementById('player').muted"), false, 'one tap turns the sound on');
  t.ok(await page.locator('#sound').isHidden(), 'and the offer goes');
  // the live-edge state (issue 17): under the head that covers the top of the picture, on top
  const liveNow = page.locator('#live-now');
  await liveNow.waitFor({ timeout: 10_000 });
  const badge = (await liveNow.boundingBox())!;
  const head = (await page.locator('.show-head').boundingBox())!;
  t.ok(badge.y >= head.y + head.height - 1 && badge.y + badge.height < v.vh / 3, `LIVE just under the show's head (${Math.round(badge.x)},${Math.round(badge.y)}; head ends at ${Math.round(head.y + head.height)})`);
  t.ok(await page.evaluate(`(() => { const r = document.getElementById('live-now').getBoundingClientRect(); const e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2); return !!e && e.closest('#live-now') !== null; })()`), 'nothing covers it');

  // ---- pin: the card drawn in the video can be tapped ------------------------------------------
  await post(server, `/api/shows/${show.id}/pin`, { productId: hose.id });
  const card = page.locator('#hotspots .hotspot[data-slot="product"]');
  await card.waitFor({ timeout: 30_000 });
  await sleep(1500); // the card is drawn by now (the button waited for the video)
  await page.screenshot({ path: `${ARTIFACTS}/viewer-portrait-phone.png` });
  const aim = slotCentre(await videoBox(page), 'product');
  await page.touchscreen.tap(aim.x, aim.y);
  const sheet = page.locator('#buy-sheet[open]');
  await sheet.waitFor({ timeout: 5000 });
  t.equal(await sheet.locator('h2').textContent(), 'Garden hose 30 m', `tapping where the card is drawn (${Math.round(aim.x)},${Math.round(aim.y)}) opens its buy sheet`);
  t.ok(await sheet.getByRole('button', { name: /^Buy Garden hose 30 m/ }).isVisible(), 'with its Buy button');
  await page.screenshot({ path: `${ARTIFACTS}/viewer-portrait-phone-sheet.png` });
  await sheet.getByRole('button', { name: 'Close' }).click();
  await sheet.waitFor({ state: 'hidden' });

  // ---- a flash sale on the other product and the QR: each can be tapped, or reached by keyboard
  await post(server, `/api/shows/${show.id}/flash-sales`, { productId: nozzle.id, price: 999, quantity: 10, durationSeconds: 600 });
  await post(server, `/api/shows/${show.id}/qr`, { enabled: true }, 'PUT');
  await page.locator('#hotspots .hotspot[data-slot="flash"]').waitFor({ timeout: 30_000 });
  await page.locator('#hotspots .hotspot[data-slot="qr"]').waitFor({ timeout: 30_000 });
  await sleep(1000);
  await page.screenshot({ path: `${ARTIFACTS}/viewer-portrait-phone-sale.png` });
  const saleAim = slotCentre(await videoBox(page), 'flash');
  await page.touchscreen.tap(saleAim.x, saleAim.y);
  await sheet.waitFor({ timeout: 5000 });
  t.equal(await sheet.locator('h2').textContent(), 'Brass nozzle', 'tapping the flash sale opens the sale product’s sheet');
  t.match(await sheet.textContent(), /€9\.99[\s\S]*10 left at this price/, 'with the sale price and its stock');
  await page.keyboard.press('Escape');
  await sheet.waitFor({ state: 'hidden' });
  const qrButton = page.getByRole('button', { name: 'Buy Garden hose 30 m (the QR code on the video)' });
  await qrButton.focus();
  await page.keyboard.press('Enter');
  await sheet.waitFor({ timeout: 5000 });
  t.equal(await sheet.locator('h2').textContent(), 'Garden hose 30 m', 'the QR’s button (keyboard) opens the pinned product, no scanning');
  await page.keyboard.press('Escape');

  // ---- unpin: the button leaves when the video shows it, not when the socket says so ----------
  const unpinned = socket.next((m) => m.type === 'overlay' && (m as { change: { change?: string } }).change.change === 'unpin', 15_000);
  const sentAt = Date.now();
  await post(server, `/api/shows/${show.id}/pin`, undefined, 'DELETE');
  await unpinned;
  const heardAt = Date.now();
  const stillThere = await card.count();
  // then watch the button and the picture under it together: the middle of the card (dark
  // while it is drawn, the bright test pattern once it is gone)
  const r = slotRect(await videoBox(page), 'product');
  const clip = { x: r.x + r.width * 0.3, y: r.y + r.height * 0.15, width: r.width * 0.6, height: r.height * 0.7 };
  const samples: Array<{ at: number; button: boolean; luma: number }> = [];
  while (Date.now() - heardAt < 40_000) {
    const button = (await card.count()) === 1;
    samples.push({ at: Date.now(), button, luma: await brightness(page, clip) });
    if (samples.filter((x) => !x.button).length >= 8) break;
  }
  const buttonLeft = samples.find((x) => !x.button);
  t.comment(`unpinned: the socket said so ${heardAt - sentAt} ms after the request, the button left ${buttonLeft ? buttonLeft.at - heardAt : 'never'} ms after the socket`);
  t.equal(stillThere, 1, 'right after the socket message the button is still over the card: the video (seconds behind live) still shows it');
  t.ok(buttonLeft && buttonLeft.at - heardAt > 500, 'and it leaves once the video reaches the change');
  const drawnLuma = samples[0]!.luma;
  const goneLuma = samples.at(-1)!.luma;
  t.ok(goneLuma - drawnLuma > 25, `the card leaves the picture (brightness under it ${drawnLuma.toFixed(0)} -> ${goneLuma.toFixed(0)})`);
  const cardLeft = samples.find((x) => x.luma > (drawnLuma + goneLuma) / 2);
  const skew = buttonLeft && cardLeft ? buttonLeft.at - cardLeft.at : NaN;
  t.comment(`the button left ${Math.abs(skew)} ms ${skew < 0 ? 'before' : 'after'} the card left the picture (${samples.length} samples)`);
  t.ok(Math.abs(skew) <= 1200, 'the button leaves with the card the video shows, not with the socket message');

  // ---- the QR's link opens the product on the viewer page --------------------------------------
  const linked = await phone.newPage();
  linked.on('pageerror', (e) => pageErrors.push(`?product=: ${e.message}`));
  await linked.goto(`${server.httpUrl}/watch/${show.id}?product=${encodeURIComponent(nozzle.id)}`);
  const linkedSheet = linked.locator('#buy-sheet[open]');
  await linkedSheet.waitFor({ timeout: 15_000 });
  t.equal(await linkedSheet.locator('h2').textContent(), 'Brass nozzle', '?product= opens that product’s buy sheet');
  t.equal(await linked.locator(`li.product.linked[data-product-id="${nozzle.id}"]`).count(), 1, 'and marks it in the list');
  await linked.screenshot({ path: `${ARTIFACTS}/viewer-portrait-phone-linked.png` });

  // ---- desktop: the portrait video is a 9:16 column beside chat and products ------------------
  const desk = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  desk.on('pageerror', (e) => pageErrors.push(`desktop: ${e.message}`));
  await desk.goto(`${server.httpUrl}/watch/${show.id}`);
  await waitFor('the desktop video to play', async () => (await videoBox(desk)).currentTime > 0.5, 60_000, 200);
  const d = await videoBox(desk);
  t.ok(Math.abs(d.width / d.height - 9 / 16) < 0.02 && d.height > 500, `a 9:16 column on desktop (${Math.round(d.width)}x${Math.round(d.height)})`);
  const panels = (await desk.locator('#panels').boundingBox())!;
  t.ok(panels.x >= d.left + d.width, 'chat and products beside it');
  await desk.screenshot({ path: `${ARTIFACTS}/viewer-portrait-desktop.png` });

  t.same(pageErrors, [], 'no script errors');
});
