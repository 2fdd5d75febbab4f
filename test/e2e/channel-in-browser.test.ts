// The channel page in Chromium on a phone, with the real server and real RTMP publishers: a
// show live now whose moving preview plays (the lowest rendition, muted, inline), a show coming
// up with its time in the browser's own zone and a countdown that ticks, and a past show with
// its poster and the link to its replay. A screenshot at a phone's size is kept in artifacts/.
import { mkdirSync } from 'node:fs';
import t from 'tap';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { publishTestPattern, type Publisher } from '../helpers/media.js';
import { startServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

const ARTIFACTS = 'artifacts/screenshots';
// half an hour off UTC: a page that drew UTC, or the machine's zone, would not match
const ZONE = 'Asia/Kolkata';

t.test('the channel on a phone: live with a playing preview, upcoming with a countdown in the viewer zone, past with its replay', { timeout: 240_000 }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startServerProcess();
  const publishers: Publisher[] = [];
  let browser: Browser | null = null;
  t.teardown(async () => {
    await browser?.close().catch(() => undefined);
    await Promise.all(publishers.map((p) => p.stop()));
    server.kill();
  });
  const create = async (body: Record<string, unknown>) => (await (await server.api('/api/shows', { method: 'POST', body: JSON.stringify(body) })).json()) as { id: string; streamKey: string };
  const rtmp = (key: string) => `rtmp://127.0.0.1:${server.rtmpPort}/live/${key}`;
  const hasPoster = async (id: string) => (await fetch(`${server.httpUrl}/api/shows/${id}/poster.jpg`)).status === 200;

  // a past show: live until its first still, then ended
  const past = await create({ title: 'Autumn knits <replay>', host: 'Mia' });
  const pastPublisher = publishTestPattern(rtmp(past.streamKey), { size: '640x360', rate: 25, maxSeconds: 60 });
  publishers.push(pastPublisher);
  await waitFor('the past show’s poster', () => hasPoster(past.id), 40_000, 250);
  t.equal((await server.api(`/api/shows/${past.id}/end`, { method: 'POST' })).status, 200);
  await pastPublisher.stop();

  // a show coming up in ten minutes, and one live now
  const startsAt = new Date(Math.ceil((Date.now() + 10 * 60_000) / 60_000) * 60_000);
  const upcoming = await create({ title: 'Winter coats', host: 'Jo', scheduledAt: startsAt.toISOString() });
  const live = await create({ title: 'Spring garden live', host: 'Ana' });
  publishers.push(publishTestPattern(rtmp(live.streamKey), { size: '640x360', rate: 25, maxSeconds: 150 }));
  await waitFor('the live show’s preview playlist', async () => {
    const feed = (await (await fetch(`${server.httpUrl}/api/channel`)).json()) as { live: Array<{ id: string; previewUrl: string | null }> };
    return feed.live.find((c) => c.id === live.id)?.previewUrl;
  }, 40_000, 250);

  browser = await launchChromium({ autoplay: true });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, timezoneId: ZONE, locale: 'en-GB' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // a failed load is reported with its URL below
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`${server.httpUrl}/`);
  await page.locator('main.channel[aria-busy="false"]').waitFor();

  // live first, its preview playing
  const liveCard = page.locator(`#live-list li[data-show-id="${live.id}"]`);
  await liveCard.waitFor();
  t.equal(await liveCard.locator('h3').textContent(), 'Spring garden live');
  t.equal(await liveCard.locator('a').getAttribute('href'), `/watch/${live.id}`);
  // polled from here with page.evaluate: the page's CSP (rightly) forbids the eval waitForFunction uses
  const inPage = (expression: string) => page.evaluate(expression) as Promise<unknown>;
  await waitFor('the live preview to play', () => inPage(`(() => {
    const v = document.querySelector('#live-list li[data-show-id="${live.id}"] video');
    return !!v && !v.paused && v.muted && v.readyState >= 2 && v.currentTime > 1;
  })()`), 45_000, 250);
  const played = await inPage(`(() => {
    const v = document.querySelector('#live-list li[data-show-id="${live.id}"] video');
    return { muted: v.muted, inline: v.playsInline, width: v.videoWidth };
  })()`);
  t.same(played, { muted: true, inline: true, width: 640 }, 'the lowest rendition, muted, inline');
  const liveTop = await page.locator('#live-title').boundingBox();
  const upcomingTop = await page.locator('#upcoming-title').boundingBox();
  t.ok(liveTop && upcomingTop && liveTop.y < upcomingTop.y, 'Live now comes first');

  // upcoming: the time in the browser's zone, a countdown that ticks, remind and calendar
  const upcomingCard = page.locator(`#upcoming-list li[data-show-id="${upcoming.id}"]`);
  const expectedTime = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short', timeZone: ZONE }).format(startsAt);
  t.equal(await upcomingCard.locator('time').textContent(), expectedTime, `${expectedTime}: the viewer's zone`);
  t.equal(await upcomingCard.locator('time').getAttribute('datetime'), startsAt.toISOString());
  const countdown = upcomingCard.locator('.card-countdown');
  const firstCount = await countdown.textContent();
  t.match(firstCount, /^Starts in (9|10) min \d\d s$/);
  await waitFor('the countdown to tick', () => inPage(`document.querySelector('#upcoming-list li[data-show-id="${upcoming.id}"] .card-countdown')?.textContent !== ${JSON.stringify(firstCount)}`), 5000, 100);
  t.pass('the countdown ticks');
  t.ok(await upcomingCard.getByRole('button', { name: /Remind me/ }).isVisible(), 'Remind me');
  t.equal(await upcomingCard.getByRole('link', { name: /Add to calendar/ }).getAttribute('href'), `/api/shows/${upcoming.id}/calendar.ics`);

  // past: its poster (the last still) and the replay link
  const pastCard = page.locator(`#past-list li[data-show-id="${past.id}"]`);
  t.equal(await pastCard.locator('h3').textContent(), 'Autumn knits <replay>', 'a title drawn as text');
  t.equal(await pastCard.locator('a').getAttribute('href'), `/watch/${past.id}`);
  t.ok(await pastCard.getByText('Watch the replay').isVisible());
  await waitFor('the replay poster', () => inPage(`(document.querySelector('#past-list li[data-show-id="${past.id}"] img')?.naturalWidth ?? 0) > 0`), 10_000, 100);
  t.pass('the replay poster loaded');
  t.ok(await page.locator('#live-empty').isHidden());
  t.ok(await page.locator('#past-empty').isHidden());

  // nothing wider than the phone
  t.ok(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), 'no sideways scroll on a phone');
  await page.screenshot({ path: `${ARTIFACTS}/channel-phone.png`, fullPage: true });

  t.same(problems, [], 'no script error, no failed load, nothing the CSP blocked');

  // a tap on the live card opens the show
  await liveCard.locator('a').click();
  await page.waitForURL(`**/watch/${live.id}`);
});
