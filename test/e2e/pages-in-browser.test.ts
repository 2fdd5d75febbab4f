import { mkdirSync } from 'node:fs';
import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { startServerProcess } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';

const ARTIFACTS = 'artifacts/screenshots';

// These run in the page. They are plain JavaScript strings: the TypeScript loader would wrap
// functions in helpers the page does not have.
const LOW_CONTRAST = `(selector) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const bad = [];
  for (const node of document.querySelectorAll(selector)) {
    if (!node.offsetParent || !node.textContent.trim()) continue;
    let bgNode = node;
    let bg = 'rgb(255, 255, 255)';
    while (bgNode) {
      const parts = rgb(getComputedStyle(bgNode).backgroundColor);
      if (parts.length >= 3 && (parts.length < 4 || parts[3] > 0.9)) { bg = getComputedStyle(bgNode).backgroundColor; break; }
      bgNode = bgNode.parentElement;
    }
    const a = lum(rgb(getComputedStyle(node).color));
    const b = lum(rgb(bg));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) bad.push(node.tagName + ' "' + node.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2));
  }
  return bad;
}`;

const UNLABELLED = `() => [...document.querySelectorAll('input, select, textarea, button')]
  .filter((n) => n.offsetParent !== null && n.type !== 'hidden')
  .filter((n) => {
    if (n.getAttribute('aria-label') || n.getAttribute('aria-labelledby')) return false;
    if (n.tagName === 'BUTTON') return !n.textContent.trim();
    return !(n.id && document.querySelector('label[for="' + CSS.escape(n.id) + '"]')) && !n.closest('label');
  })
  .map((n) => n.outerHTML.slice(0, 80))`;

/** WCAG contrast of each element's text against the first opaque background behind it. */
const lowContrast = (page: Page, selector: string) => page.evaluate(`(${LOW_CONTRAST})(${JSON.stringify(selector)})`) as Promise<string[]>;
/** Every visible form control has a name a screen reader can say. */
const unlabelled = (page: Page) => page.evaluate(`(${UNLABELLED})()`) as Promise<string[]>;

t.test('a merchant runs a show from the control panel; a phone viewer watches, chats and buys', { timeout: 240_000 }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startServerProcess();
  let browser: Browser | null = null;
  t.teardown(async () => {
    await browser?.close().catch(() => undefined);
    server.kill();
  });
  browser = await launchChromium({ autoplay: true });
  const auth = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
  const hose = (await (await server.api('/api/products', { method: 'POST', headers: auth, body: JSON.stringify({ sku: 'HOSE-30', title: 'Garden hose 30 m', price: 2999, currency: 'EUR', compareAtPrice: 3999, stock: 40 }) })).json()) as { id: string };
  await server.api('/api/products', { method: 'POST', headers: auth, body: JSON.stringify({ sku: 'NOZZLE', title: 'Brass nozzle', price: 1299, currency: 'EUR', stock: 25 }) });

  // ---- the merchant: log in, create a show, set its lineup, start the test pattern --------
  const panel = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const admin = await panel.newPage();
  const pageErrors: string[] = [];
  admin.on('pageerror', (e) => pageErrors.push(`admin: ${e.message}`));
  await admin.goto(`${server.httpUrl}/admin`);
  await admin.getByLabel('Admin token').fill('not the token');
  await admin.getByRole('button', { name: 'Sign in' }).click();
  await admin.getByText('That is not the admin token.').waitFor();
  await admin.getByLabel('Admin token').fill(server.token);
  await admin.getByLabel('Admin token').press('Enter');
  await admin.getByRole('heading', { name: 'Shows' }).waitFor();

  await admin.getByLabel('Title').fill('Garden week <live>');
  await admin.getByLabel('Host (who presents it)').fill('Mia');
  await admin.getByRole('button', { name: 'Create show' }).click();
  await admin.getByRole('heading', { name: 'Garden week <live>' }).waitFor();
  const showId = /#\/shows\/([A-Za-z0-9_-]+)/.exec(admin.url())![1]!;
  t.equal(await admin.locator('#stream-key').textContent(), '••••••••••••', 'the stream key is masked until asked for');

  await admin.getByText('Edit lineup').click();
  await admin.getByLabel('Garden hose 30 m').check();
  await admin.getByLabel('Brass nozzle').check();
  await admin.getByRole('button', { name: 'Save lineup' }).click();
  await admin.locator(`#lineup [data-pin="${hose.id}"]`).waitFor();

  // the viewer opens the page before the show starts (phone)
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const viewer = await phone.newPage();
  viewer.on('pageerror', (e) => pageErrors.push(`viewer: ${e.message}`));
  await viewer.goto(`${server.httpUrl}/watch/${showId}`);
  await viewer.locator(`li.product[data-product-id="${hose.id}"]`).waitFor();
  t.equal(await viewer.locator('#status').textContent(), 'Starting soon');

  await admin.getByRole('button', { name: 'Start test pattern' }).click();
  await admin.getByText('✓ Test pattern started').waitFor({ timeout: 15_000 });
  await admin.locator('#show-status[data-status="live"]').waitFor({ timeout: 30_000 });
  await viewer.locator('#status[data-status="live"]').waitFor({ timeout: 30_000 });

  // the phone plays the show (hls.js, muted autoplay)
  // polled from here: the page's CSP (rightly) forbids the string eval waitForFunction uses
  await waitFor('the video to play', async () => ((await viewer.evaluate("document.getElementById('player').currentTime")) as number) > 1, 40_000, 200).catch(async (err: unknown) => {
    t.comment(JSON.stringify(await viewer.evaluate(`(() => { const v = document.getElementById('player'); return { t: v.currentTime, rs: v.readyState, paused: v.paused, err: v.error && v.error.message }; })()`)));
    throw err;
  });

  // ---- pin: confirmed in the panel; highlighted on the phone in sync with the video ---------
  // How fast the panel confirms (the "within a second") is measured by
  // scripts/bench/panel.ts; this test waits long enough to hold on a loaded machine (two
  // whole suites at once on 2 cores took 3-5 s here).
  const clickedAt = Date.now();
  await admin.locator(`#lineup [data-pin="${hose.id}"]`).click();
  await admin.getByText('✓ Pinned Garden hose 30 m').waitFor({ timeout: 15_000 });
  t.comment(`the pin was confirmed on screen in ${Date.now() - clickedAt} ms`);
  await viewer.locator(`li.product.on-screen[data-product-id="${hose.id}"]`).waitFor({ timeout: 20_000 });
  // the socket brings the change in ~100 ms; the page waits until the video shows it
  const highlightedAfter = Date.now() - clickedAt;
  t.ok(highlightedAfter > 1000, `highlighted ${highlightedAfter} ms after the click: when the video reached the change, not when the message came`);
  // playing, not frozen on a frame: a second of video within 15 s (a loaded machine makes the
  // live edge arrive late, and hls.js waits for it rather than skipping)
  const currentTime = async () => (await viewer.evaluate("document.getElementById('player').currentTime")) as number;
  const before = await currentTime();
  const after = await waitFor('a second of video to play', async () => { const now = await currentTime(); return now > before + 1 ? now : null; }, 15_000, 200).catch(async () => currentTime());
  t.ok(after > before + 1, `the video plays: currentTime ${before.toFixed(2)} -> ${after.toFixed(2)}`);
  await viewer.locator('#now').getByText('Garden hose 30 m').waitFor();

  // ---- the live edge: LIVE while it plays one segment from the edge; Behind live once paused;
  // Jump to live brings it back (issue 17, the player half) -------------------------------------
  const liveEdge = viewer.locator('#live-edge');
  const liveNow = liveEdge.locator('#live-now');
  await liveNow.waitFor({ timeout: 10_000 });
  t.equal(await liveNow.textContent(), 'LIVE', 'the page says LIVE while the video plays at the edge');
  // hls.js's latency: from the playlist's live edge (its last segment's end, aged since it was
  // read) to the frame on screen
  const latency = async () => Number.parseFloat((await liveEdge.getAttribute('data-latency')) ?? '');
  // On LL-HLS about 1.1 s (PART-HOLD-BACK 0.6 s plus how late the playlist is read; 1.06-1.15 s
  // here); on plain HLS (pipeline.lowLatency off) about 2.5 s: one segment held back, plus how
  // late a busy machine lists and appends the next (2.85 s with the load average at 11). The bound
  // is the plain one, which LL-HLS must keep too. A start on a loaded machine can begin further
  // back (4.18 s once in CI on plain HLS): the player catches up at 1.1x, or jumps once out of
  // hls.js's catch-up range for 2 s, so the bound is on the median of the last six samples within
  // 30 s of playing.
  const latencies: number[] = [];
  const sampledFrom = Date.now();
  let median = Number.POSITIVE_INFINITY;
  while (Date.now() - sampledFrom < 30_000) {
    latencies.push(await latency());
    if (latencies.length >= 6) {
      median = [...latencies.slice(-6)].sort((a, b) => a - b)[3]!;
      if (median <= 3) break;
    }
    await sleep(500);
  }
  t.comment(`hls.js latency on the viewer page while live, every 0.5 s for ${((Date.now() - sampledFrom) / 1000).toFixed(1)} s: ${latencies.map((l) => l.toFixed(2)).join(', ')} s`);
  t.ok(median <= 3, `played within about 2.5 s of the playlist's live edge (median of the last six samples ${median.toFixed(2)} s)`);
  await viewer.evaluate("document.getElementById('player').pause()");
  await sleep(3000);
  const jump = viewer.getByRole('button', { name: 'Jump to live' });
  t.ok(await jump.isVisible(), 'paused for a few seconds: Jump to live is offered');
  t.equal((await liveEdge.innerText()).replace(/\s+/g, ' ').trim(), 'Behind live · Jump to live', 'and says why');
  t.ok(await liveNow.isHidden(), 'and no longer says LIVE');
  t.ok((await latency()) > 3, `the paused picture falls behind (${(await latency()).toFixed(2)} s)`);
  const jumpedAt = Date.now();
  await jump.click();
  await liveNow.waitFor({ timeout: 3000 });
  t.comment(`LIVE again ${Date.now() - jumpedAt} ms after Jump to live`);
  t.equal(await viewer.evaluate("document.getElementById('player').paused"), false, 'playing again');
  const back = await waitFor('the picture back near the edge', async () => { const l = await latency(); return l <= 2.5 ? { l } : null; }, 3000, 200).then(({ l }) => l, async () => latency());
  t.ok(back <= 2.5, `back within 2.5 s of the live edge (${back.toFixed(2)} s)`);
  t.ok(await jump.isHidden(), 'the button goes');

  // ---- the viewer chats (a name first), the cockpit sees it -----------------------------------
  await viewer.getByRole('tab', { name: 'Chat' }).click();
  await viewer.getByLabel('Message', { exact: true }).fill('Is it long enough for a second floor?');
  await viewer.getByRole('button', { name: 'Send' }).click();
  await viewer.getByLabel('Name', { exact: true }).fill('Ana <b>');
  await viewer.getByRole('button', { name: 'Continue' }).click();
  await viewer.locator('#chat li').filter({ hasText: 'Is it long enough for a second floor?' }).waitFor();
  t.equal(await viewer.locator('#chat li .name').first().textContent(), 'Ana <b>', 'names are drawn as text');
  await admin.locator('#mod-chat .mod-msg').filter({ hasText: 'Is it long enough for a second floor?' }).waitFor({ timeout: 15_000 });
  // the merchant answers in chat as the host
  await admin.getByLabel('Say in chat as Mia').fill('Yes: 30 m reaches a second floor');
  await admin.getByLabel('Say in chat as Mia').press('Enter');
  await admin.getByText('✓ Said in chat as Mia').waitFor({ timeout: 15_000 });
  t.equal(await admin.getByLabel('Say in chat as Mia').inputValue(), '', 'the field empties once it is said');
  const answer = viewer.locator('#chat li').filter({ hasText: 'Yes: 30 m reaches a second floor' });
  await answer.waitFor({ timeout: 15_000 });
  t.equal(await answer.locator('.name').textContent(), 'Mia');
  t.equal(await answer.locator('.badge.role').textContent(), 'host', 'the phone marks it as the host');
  t.equal(await admin.locator('#mod-chat .mod-msg').filter({ hasText: 'Yes: 30 m' }).getByRole('button', { name: /^Ban/ }).count(), 0, 'no ban button on the host\'s own line');
  // (the field's maxlength keeps typing under 300; what it cannot stop, the server explains)
  await admin.getByLabel('Say in chat as Mia').fill('sale ends \u202esoon');
  await admin.getByLabel('Say in chat as Mia').press('Enter');
  await admin.locator('#host-say-error').filter({ hasText: 'control and text-direction characters are not allowed' }).waitFor({ timeout: 15_000 });
  await admin.getByLabel('Say in chat as Mia').fill('');

  // ---- a flash sale; the viewer buys; stock left drops in both ------------------------------
  await admin.locator(`#lineup [data-product-id="${hose.id}"] summary`).click();
  await admin.locator(`#sale-qty-${hose.id}`).fill('5');
  await admin.locator(`[data-flash-sale="${hose.id}"]`).click();
  await admin.getByText('✓ Flash sale on Garden hose 30 m').waitFor({ timeout: 15_000 });
  await admin.locator(`#lineup [data-product-id="${hose.id}"] [data-stock]`).filter({ hasText: '5/5 left in sale' }).waitFor();
  await viewer.getByRole('tab', { name: 'Products' }).click();
  const hoseCard = viewer.locator(`li.product[data-product-id="${hose.id}"]`);
  await hoseCard.locator('[data-stock]').filter({ hasText: '5 of 5 left at this price' }).waitFor({ timeout: 20_000 });
  await hoseCard.getByRole('button', { name: /^Buy Garden hose/ }).click();
  // the buy sheet: the sale price, then the address (asked once) and the manual payment
  const sheet = viewer.locator('#buy-sheet[open]');
  await sheet.getByRole('button', { name: /^Buy Garden hose 30 m for/ }).click();
  await sheet.getByLabel('Full name').fill('Ana B');
  await sheet.getByLabel('Email').fill('ana@example.test');
  await sheet.getByLabel('Address').fill('Calle Mayor 1');
  await sheet.getByLabel('Postal code').fill('28013');
  await sheet.getByLabel('City').fill('Madrid');
  await sheet.getByLabel('Country code (e.g. DE)').fill('ES');
  await sheet.locator('[data-place-order]').click();
  await sheet.getByText(/^Held for you for /).waitFor({ timeout: 15_000 });
  await sheet.getByRole('button', { name: 'Done' }).click();
  await hoseCard.locator('[data-stock]').filter({ hasText: '4 of 5 left at this price' }).waitFor({ timeout: 15_000 });
  await admin.locator(`#lineup [data-product-id="${hose.id}"] [data-stock]`).filter({ hasText: '4/5 left in sale' }).waitFor({ timeout: 15_000 });
  await admin.locator('#n-orders').filter({ hasText: '1' }).waitFor({ timeout: 10_000 });
  const orders = (await (await server.api(`/api/shows/${showId}/orders`, { headers: auth })).json()) as Array<{ unitPrice: number; onScreen: { pinnedProductId: string } }>;
  t.equal(orders.length, 1);
  t.equal(orders[0]!.onScreen.pinnedProductId, hose.id, 'the order records what was on screen');

  await admin.locator('#chart rect').first().waitFor({ timeout: 10_000 });
  t.ok((await admin.locator('#chart rect').count()) >= 2, 'the chart draws the pinned span and the orders');
  for (const [name, page] of [['cockpit', admin], ['viewer', viewer]] as const) {
    t.notMatch(await page.locator('body').innerText(), /\bnull\b|\bundefined\b|\bNaN\b|\[object /, `no placeholder garbage on the ${name}`);
  }

  // ---- screenshots a merchant would judge us by ---------------------------------------------
  await admin.screenshot({ path: `${ARTIFACTS}/cockpit-desktop.png`, fullPage: true });
  await viewer.screenshot({ path: `${ARTIFACTS}/viewer-phone.png` });
  const desk = await (await browser.newContext({ viewport: { width: 1366, height: 800 } })).newPage();
  await desk.goto(`${server.httpUrl}/watch/${showId}`);
  await desk.locator(`li.product.on-screen[data-product-id="${hose.id}"]`).waitFor({ timeout: 20_000 });
  // the picture a merchant judges is the playing show, not the player's loading spinner
  const deskPlays = await waitFor('the desktop viewer to play', async () => ((await desk.evaluate("document.getElementById('player').currentTime")) as number) > 0.5, 30_000, 200).then(() => true, () => false);
  t.ok(deskPlays, 'the desktop viewer plays the show');
  await desk.screenshot({ path: `${ARTIFACTS}/viewer-desktop.png` });

  // ---- accessibility basics -----------------------------------------------------------------
  t.same(await unlabelled(admin), [], 'every control in the cockpit has a label');
  t.same(await unlabelled(viewer), [], 'every control on the viewer page has a label');
  t.same(await lowContrast(viewer, 'button, .title, .price, .muted, .stock, .status, h1'), [], 'text contrast on the viewer page is at least 4.5:1');
  t.same(await lowContrast(admin, 'button, h1, h2, label, td, .muted'), [], 'text contrast in the cockpit is at least 4.5:1');
  // keyboard: arrow keys move between tabs, Enter on a focused button acts
  await viewer.getByRole('tab', { name: 'Products' }).focus();
  await viewer.keyboard.press('ArrowRight');
  t.equal(await viewer.evaluate('document.activeElement && document.activeElement.id'), 'tab-chat');
  t.equal(await viewer.locator('#panel-chat').isVisible(), true);
  await viewer.getByLabel('Message', { exact: true }).focus();
  await viewer.keyboard.type('typed with the keyboard');
  await viewer.keyboard.press('Enter');
  await admin.locator('#mod-chat .mod-msg').filter({ hasText: 'typed with the keyboard' }).waitFor({ timeout: 15_000 });

  // ---- a scheduled show counts down; the page works before anything streams ---------------
  const later = (await (await server.api('/api/shows', { method: 'POST', headers: auth, body: JSON.stringify({ title: 'Tomorrow', scheduledAt: new Date(Date.now() + 2 * 3600_000).toISOString() }) })).json()) as { id: string };
  const waiting = await phone.newPage();
  await waiting.goto(`${server.httpUrl}/watch/${later.id}`);
  await waiting.locator('#countdown').filter({ hasText: /^1:59:\d\d$/ }).waitFor({ timeout: 15_000 });
  t.equal(await waiting.locator('#offline').isVisible(), true, 'the offline card with the countdown is shown');

  // ---- bad input in a form: a message next to the field, nothing half-saved -----------------
  await admin.goto(`${server.httpUrl}/admin#/products`);
  await admin.getByRole('heading', { name: 'Products' }).waitFor();
  await admin.getByLabel('SKU').fill('BAD-1');
  await admin.getByLabel('Title').fill('Broken');
  await admin.getByLabel('Price (e.g. 19.99)').fill('-5');
  await admin.getByLabel('Currency (ISO 4217)').fill('EUR');
  await admin.getByLabel('Stock').fill('3');
  await admin.getByRole('button', { name: 'Save product' }).click();
  await admin.locator('#p-price-error').filter({ hasText: /not negative/ }).waitFor();
  await admin.getByLabel('Price (e.g. 19.99)').fill('5');
  await admin.getByLabel('Currency (ISO 4217)').fill('ZZZ');
  await admin.getByRole('button', { name: 'Save product' }).click();
  await admin.locator('#p-currency-error').filter({ hasText: /./ }).waitFor();
  const skus = ((await (await server.api('/api/products', { headers: auth })).json()) as Array<{ sku: string }>).map((p) => p.sku);
  t.notOk(skus.includes('BAD-1'), 'nothing was saved');
  t.same(pageErrors, [], 'no script errors on either page');
});
