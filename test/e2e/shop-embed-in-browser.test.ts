// Issue 16's shop script, in Chromium: a local HTTP server on another loopback port plays the
// merchant's own shop (a product page and a listing page, under a strict CSP that lets in only
// Hawker's origin for scripts, calls and frames, and no inline style). With no live show the
// product page has no badge; a real FFmpeg publishes over RTMP to the real server and the badge
// appears on the next poll; a tap opens the mini player, whose video plays the live HLS; the
// page scrolls far and the player stays where it was; it can be dragged; its Buy orders that
// product (the admin API has the order) while the player is enlarged for the checkout; the
// listing page marks only its live SKUs.
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import type { Browser, Frame, Page } from 'playwright-core';
import { describeProgress, launchChromium, videoMovesOn } from '../helpers/browser.js';
import { publishTestPattern, type Publisher } from '../helpers/media.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';

const ARTIFACTS = 'artifacts/screenshots';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

async function call<T>(server: ServerProcess, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST', token = server.token): Promise<T> {
  const res = await server.api(path, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** a shop's page: its own markup and the one script tag (no inline script or style: the CSP forbids them) */
function shopPage(title: string, body: string): string {
  const filler = Array.from({ length: 120 }, (_, i) => `<p>Care and details, line ${i + 1}: washed linen, cold wash, line dry.</p>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body><header><a href="/">Mia's shop</a></header>
${body}
${filler}
</body></html>`;
}

t.test("the shop script on another origin: badge when the product's show goes live, mini player that plays and stays, buy from it; a listing marks its live SKUs", { timeout: 300_000 }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // the live-now answer's URLs are built from publicUrl: this server's own address, on a port picked here
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const server = await startServerProcess({ env: { HAWKER_HTTP_PORT: String(port), HAWKER_PUBLIC_URL: `http://127.0.0.1:${port}` } });
  let browser: Browser | null = null;
  let shop: Server | null = null;
  let publisher: Publisher | null = null;
  t.teardown(async () => {
    await browser?.close().catch(() => undefined);
    await publisher?.stop();
    shop?.close();
    server.kill();
  });

  const scarf = await call<{ id: string }>(server, '/api/products', { sku: 'SCARF-1', title: 'Dotted gauze scarf', price: 2400, currency: 'EUR', stock: 10 });
  const tee = await call<{ id: string }>(server, '/api/products', {
    sku: 'TEE',
    title: 'Linen tee',
    price: 3000,
    currency: 'EUR',
    stock: 0,
    options: [{ name: 'Size', values: ['S', 'M'] }],
    variants: [
      { sku: 'TEE-S', options: { Size: 'S' }, price: 3000, stock: 5 },
      { sku: 'TEE-M', options: { Size: 'M' }, price: 3000, stock: 5 },
    ],
  });
  await call(server, '/api/products', { sku: 'LAMP-3', title: 'Paper lamp', price: 5000, currency: 'EUR', stock: 2 });
  const show = await call<{ id: string; streamKey: string }>(server, '/api/shows', { title: 'Linen week', host: 'Mia' });
  await call(server, `/api/shows/${show.id}/lineup`, { productIds: [scarf.id, tee.id] }, 'PUT');
  // a buyer who has bought before: named, address remembered (the mini player's sheet goes straight to Place order)
  const viewer = await call<{ token: string; viewerId: string; displayName: string }>(server, '/api/viewers', { displayName: 'Ana' });
  await call(server, '/api/me/profile', { contact: { name: 'Ana', email: 'ana@example.test' }, shippingAddress: { name: 'Ana', line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: 'ES' } }, 'PUT', viewer.token);

  // ---- the shop: another origin, a CSP that names only Hawker's origin ---------------------------
  const hawker = server.httpUrl;
  const scriptTag = (sku?: string) => `<script src="${hawker}/embed/live.js"${sku ? ` data-sku="${sku}"` : ''} async></script>`;
  const pages = new Map<string, string>([
    ['/product', shopPage('Dotted gauze scarf', `<main><h1>Dotted gauze scarf</h1>${scriptTag('SCARF-1')}<p>€24.00</p><button>Add to cart</button></main>`)],
    [
      '/list',
      shopPage(
        'Linen',
        `<main><h1>Linen</h1><ul>
<li data-hawker-sku="TEE-S"><a href="/tee">Linen tee, S</a></li>
<li data-hawker-sku="LAMP-3"><a href="/lamp">Paper lamp</a></li>
<li data-hawker-sku="TS/RED M"><a href="/odd">A shop SKU Hawker would refuse</a></li>
<li data-hawker-sku="constructor"><a href="/ctor">A SKU named like an object's property</a></li>
<li data-hawker-sku="SCARF-1"><a href="/product">Dotted gauze scarf</a></li>
</ul>${scriptTag()}</main>`,
      ),
    ],
  ]);
  const csp = `default-src 'self'; script-src 'self' ${hawker}; connect-src 'self' ${hawker}; frame-src ${hawker}; style-src 'self'; img-src 'self'`;
  shop = createServer((req, res) => {
    const html = pages.get(req.url ?? '');
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp }).end(html ?? 'not here');
  });
  await new Promise<void>((resolve) => shop!.listen(0, '127.0.0.1', resolve));
  const shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;

  browser = await launchChromium({ autoplay: true });
  const context = await browser.newContext(PHONE);
  await context.addInitScript(`if (location.origin === ${JSON.stringify(hawker)}) localStorage.setItem('hawker.viewer', ${JSON.stringify(JSON.stringify(viewer))});`);
  const problems: string[] = [];
  const liveNowCalls: string[] = [];
  // per page: the product page opened first keeps polling while the listing is checked
  const liveNowCallsOf = new Map<string, string[]>();
  const watchPage = (page: Page, name: string) => {
    page.on('pageerror', (e) => problems.push(`${name}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused/.test(m.text())) problems.push(`${name}: ${m.text()}`);
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(`${hawker}/api/live-now`)) return;
      liveNowCalls.push(r.url());
      liveNowCallsOf.set(name, [...(liveNowCallsOf.get(name) ?? []), r.url()]);
    });
  };

  // ---- no live show: no badge, one call, nothing else loaded -------------------------------------
  const page = await context.newPage();
  watchPage(page, 'product page');
  const hawkerRequests: string[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(hawker)) hawkerRequests.push(new URL(r.url()).pathname);
  });
  await page.goto(`${shopUrl}/product`);
  await waitFor('the first live-now call', () => liveNowCalls.length >= 1, 10_000);
  await sleep(1000);
  t.equal(await page.locator('hawker-live').count(), 0, 'no live show: no badge');
  t.same(hawkerRequests, ['/embed/live.js', '/api/live-now'], 'the script and one live-now call, nothing else');
  t.equal(liveNowCalls[0], `${hawker}/api/live-now?sku=SCARF-1`);
  t.same(await page.evaluate('Object.keys(window).filter((k) => /hawker/i.test(k))'), [], 'nothing on window');

  // ---- a real FFmpeg goes live over RTMP: the badge appears on the next poll ---------------------
  const publishedAt = Date.now();
  publisher = publishTestPattern(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`, { size: '640x360', maxSeconds: 200 });
  await waitFor('the show to go live', async () => (await call<{ status: string }>(server, `/api/shows/${show.id}`)).status === 'live', 30_000, 200);
  const liveAt = Date.now();
  // the host puts the scarf on screen: the badge says so (stronger)
  await call(server, `/api/shows/${show.id}/pin`, { productId: scarf.id });
  // polled every 5 s, answers cached 5 s: within about 10 s
  await page.locator('hawker-live').waitFor({ timeout: 12_000 });
  const badgeAt = Date.now();
  t.pass(`badge ${((badgeAt - liveAt) / 1000).toFixed(1)} s after the show went live (${((badgeAt - publishedAt) / 1000).toFixed(1)} s after FFmpeg started; the script polls every 5 s)`);
  t.equal(await page.locator('hawker-live').count(), 1);
  t.equal(await page.evaluate("document.querySelector('h1 + script + hawker-live') !== null"), true, 'next to the product, where the tag is');
  await page.screenshot({ path: `${ARTIFACTS}/shop-embed-product-badge.png` });
  t.same(hawkerRequests.filter((p) => p.startsWith('/watch') || p.startsWith('/hls') || p.startsWith('/assets')), [], 'nothing of the player loaded before the tap');

  // ---- tap: the mini player plays the live HLS ----------------------------------------------------
  await page.locator('hawker-live').tap();
  const frame = await waitFor('the mini player frame', () => page.frames().find((f) => f.url().startsWith(`${hawker}/watch/${show.id}?embed=mini`)) ?? null, 10_000);
  t.equal(frame.url(), `${hawker}/watch/${show.id}?embed=mini&product=${scarf.id}`);
  const currentTime = (f: Frame) => f.evaluate("document.getElementById('player').currentTime") as Promise<number>;
  await waitFor('the mini player to play', async () => (await currentTime(frame)) > 0.5, 30_000, 250);
  const plays = await videoMovesOn(frame, 'player');
  const t2 = plays.to;
  t.ok(plays.moved, `the live video plays in the mini player (${describeProgress(plays)})`);
  t.equal(await frame.evaluate("document.getElementById('player').muted"), true, 'muted autoplay');
  await frame.locator('.mini-title').filter({ hasText: 'Dotted gauze scarf' }).waitFor({ timeout: 10_000 });
  t.equal(await frame.locator('.mini-price').textContent(), '€24.00', "the product's price");
  // the live-edge state in the frame's top corner (the show head is not drawn there)
  await frame.locator('.stage #live-now').waitFor({ timeout: 10_000 });
  t.equal(await frame.locator('#live-now').textContent(), 'LIVE', 'the mini player says LIVE at the edge');
  t.equal(await frame.locator('#buy-sheet').getAttribute('open'), null, 'the sheet waits for Buy');

  // ---- scroll far: the player stays where it was, in the viewport -------------------------------
  const player = page.locator('hawker-player');
  const before = (await player.boundingBox())!;
  t.ok(before.width >= 150 && before.width <= 0.45 * PHONE.viewport.width + 1, `sized for a phone: ${before.width}x${before.height}`);
  t.ok(Math.abs(before.height - 28 - (before.width * 16) / 9) < 2, '9:16 under its bar');
  await page.mouse.wheel(0, 4000);
  await waitFor('the page to scroll', () => page.evaluate('scrollY > 2000'), 5000);
  const after = (await player.boundingBox())!;
  t.same([after.x, after.y, after.width, after.height], [before.x, before.y, before.width, before.height], 'scrolled 2,000+ px: the player has not moved');
  t.ok(after.y >= 0 && after.y + after.height <= PHONE.viewport.height, 'inside the viewport');
  t.ok((await currentTime(frame)) > t2, 'still playing');

  // ---- drag it by its bar --------------------------------------------------------------------------
  await page.mouse.move(before.x + 30, before.y + 12);
  await page.mouse.down();
  await page.mouse.move(before.x - 100, before.y - 200, { steps: 8 });
  await page.mouse.up();
  const dragged = (await player.boundingBox())!;
  t.ok(Math.abs(dragged.x - (before.x - 130)) < 2 && Math.abs(dragged.y - (before.y - 212)) < 2, `dragged from ${before.x},${before.y} to ${dragged.x},${dragged.y}`);
  await page.screenshot({ path: `${ARTIFACTS}/shop-embed-mini-player.png` });

  // ---- buy: the usual sheet, the player enlarged meanwhile, the order placed ---------------------
  await frame.locator('[data-mini-buy]').click();
  await frame.locator('#buy-sheet[open]').waitFor({ timeout: 10_000 });
  await waitFor('the player to grow for the checkout', async () => ((await player.boundingBox())?.width ?? 0) > before.width * 1.5, 5000);
  await frame.locator('[data-sheet-next]:not([disabled])').click();
  await frame.locator('[data-place-order]').waitFor({ timeout: 10_000 });
  await sleep(500); // the quote's total on the button
  await frame.locator('[data-place-order]').click();
  // inside a frame the last tap is confirmed once more, after it has been visible a moment
  await frame.locator('[data-frame-confirm]:not([disabled])').waitFor({ timeout: 10_000 });
  await page.screenshot({ path: `${ARTIFACTS}/shop-embed-mini-checkout.png` });
  await frame.locator('[data-frame-confirm]').click();
  await frame.locator('#buy-sheet [data-hold]').filter({ hasText: /^Held for you for / }).waitFor({ timeout: 15_000 });
  const orders = (await call<{ orders: Array<{ productId: string; viewerId: string; status: string; quantity: number }> }>(server, `/api/orders?showId=${show.id}`)).orders;
  t.equal(orders.length, 1, 'one order');
  t.match(orders[0], { productId: scarf.id, viewerId: viewer.viewerId, status: 'pending', quantity: 1 }, "the mini player's product, by the shopper");
  await frame.locator('#buy-sheet [data-sheet-close]').first().click();
  await waitFor('the player to shrink back', async () => Math.abs(((await player.boundingBox())?.width ?? 0) - before.width) < 2, 5000);

  // ---- close it --------------------------------------------------------------------------------------
  const box = (await player.boundingBox())!;
  await page.mouse.click(box.x + box.width - 16, box.y + 14);
  await waitFor('the player to close', async () => (await player.count()) === 0, 5000);

  // ---- a listing page: only the live SKUs are marked -----------------------------------------------
  const list = await context.newPage();
  watchPage(list, 'listing page');
  await list.goto(`${shopUrl}/list`);
  await waitFor('two badges', async () => (await list.locator('hawker-live').count()) === 2, 15_000);
  await sleep(500);
  const marked = await list.evaluate("[...document.querySelectorAll('[data-hawker-sku]')].filter((e) => e.querySelector('hawker-live')).map((e) => e.dataset.hawkerSku)");
  t.same(marked, ['TEE-S', 'SCARF-1'], 'the variant and the product in the lineup; the lamp is not live, nor is "constructor"');
  const listingCalls = liveNowCallsOf.get('listing page') ?? [];
  t.ok(listingCalls.length >= 1, `the listing asked (${listingCalls.length} calls)`);
  for (const call of listingCalls) t.match(call, /\/api\/live-now\?sku=LAMP-3,SCARF-1,TEE-S,constructor$/, 'one call for the whole listing, SKUs sorted (one URL per page for a CDN); a SKU Hawker refuses is not asked, so it cannot fail the call');
  await list.screenshot({ path: `${ARTIFACTS}/shop-embed-listing.png` });

  t.same(problems, [], 'no page errors, no CSP refusals on the shop pages');
});
