import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import t from 'tap';
import { LiveClient } from '../helpers/live-client.js';
import { parseMediaPlaylist, publishTestPattern, type Publisher } from '../helpers/media.js';
import { startServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

// Backstage and rehearsal with the real server process, the real RTMP server and real FFmpeg:
// a host publishes to a scheduled show before it starts. Only the cockpit sees the stream; the
// viewers keep the countdown; stopping the rehearsal leaves the show scheduled; Go live puts it
// on air; End show ends it. The cockpit and a viewer page run in Chromium beside the sockets.
/** the page's video position; a plain string: the CSP forbids the eval waitForFunction uses */
const playedSeconds = async (page: Page, id: string) => (await page.evaluate(`document.getElementById(${JSON.stringify(id)}).currentTime`)) as number;

t.test('a scheduled show rehearses privately, can stop and rehearse again, then goes live and ends on the merchant’s word', { timeout: 300_000 }, async (t) => {
  const server = await startServerProcess({ env: { HAWKER_RECONNECT_WINDOW_SECONDS: '60' } });
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
  const json = async (res: Response) => (await res.json()) as Record<string, string>;
  const scheduledAt = new Date(Date.now() + 3600_000).toISOString();
  const show = await json(await server.api('/api/shows', { method: 'POST', body: JSON.stringify({ title: 'Launch night', scheduledAt }) }));
  t.equal(show.phase, 'scheduled');
  // a shop's backend listens for show.started: its outbox row is the webhook
  t.equal((await server.api('/api/webhooks', { method: 'POST', body: JSON.stringify({ url: 'https://shop.example/hooks/hawker' }) })).status, 201);
  const db = new Database(join(server.dataDir, 'hawker.db'), { readonly: true, fileMustExist: true });
  t.teardown(() => db.close());
  const outbox = () => db.prepare<[], { event_type: string }>('SELECT event_type FROM webhook_outbox ORDER BY id').all().map((r) => r.event_type);

  const getShow = async () => json(await server.api(`/api/shows/${show.id}`));
  const timeline = async () => ((await (await server.api(`/api/shows/${show.id}/timeline`)).json()) as { events: Array<{ type: string }> }).events.map((e) => e.type);
  const publicPlaylist = () => fetch(`${server.httpUrl}/hls/${show.id}/master.m3u8`);
  const previewPlaylist = async (path = '720p/index.m3u8') => {
    const res = await fetch(`${server.httpUrl}/hls/${show.id}/${path}`, { headers: { authorization: `Bearer ${server.token}` } });
    return res.status === 200 ? parseMediaPlaylist(await res.text()) : null;
  };
  const watchPage = async () => (await (await fetch(`${server.httpUrl}/watch/${show.id}`)).text()).match(/<body[^>]*data-status="([a-z]+)"/)?.[1];
  const viewer = await LiveClient.open(server.httpUrl, show.id!);
  sockets.push(viewer);
  await viewer.next((m) => m.type === 'welcome');
  const shownLive = () => viewer.messages.filter((m) => m.type === 'show').map((m) => m.status);
  const publishUrl = `rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`;

  // the merchant's cockpit and a viewer's page, open before the host starts
  const cockpit = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
  cockpit.on('pageerror', (e) => pageErrors.push(`cockpit: ${e.message}`));
  cockpit.on('dialog', (d) => void d.accept());
  // the phase is pushed on the host's socket: the cockpit fetches the show once, when it opens
  let showFetches = 0;
  cockpit.on('request', (r) => {
    if (r.method() === 'GET' && new URL(r.url()).pathname === `/api/shows/${show.id}`) showFetches += 1;
  });
  await cockpit.goto(`${server.httpUrl}/admin`);
  await cockpit.getByLabel('Admin token').fill(server.token);
  await cockpit.getByLabel('Admin token').press('Enter');
  await cockpit.getByRole('heading', { name: 'Shows' }).waitFor();
  await cockpit.goto(`${server.httpUrl}/admin#/shows/${show.id}`);
  await cockpit.getByRole('heading', { name: 'Launch night' }).waitFor();
  t.ok(await cockpit.locator('#go-live').isDisabled(), 'Go live waits for a stream');
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
  page.on('pageerror', (e) => pageErrors.push(`viewer: ${e.message}`));
  await page.goto(`${server.httpUrl}/watch/${show.id}`);
  t.equal(await page.locator('#status').getAttribute('data-status'), 'scheduled');

  // ---- rehearsal: the host's stream reaches the cockpit only ---------------------------------
  publishers.push(publishTestPattern(publishUrl, { size: '1280x720' }));
  await waitFor('the rehearsal', async () => (await getShow()).phase === 'rehearsal', 20_000);
  const preview = await waitFor('the cockpit preview to have segments', async () => {
    const list = await previewPlaylist();
    return list && list.entries.length >= 2 ? list : undefined;
  }, 30_000);
  const segment = await fetch(`${server.httpUrl}/hls/${show.id}/720p/${preview.entries[0]!.uri}`, { headers: { authorization: `Bearer ${server.token}` } });
  t.equal(segment.status, 200, 'the preview plays for the admin');
  t.equal(segment.headers.get('content-type'), 'video/mp2t');
  t.equal(segment.headers.get('cache-control'), 'private, no-store', 'and no cache keeps a rehearsal segment for others');
  t.ok((await segment.arrayBuffer()).byteLength > 1000);

  t.equal((await publicPlaylist()).status, 404, 'a viewer (no admin) gets no playlist while the show rehearses');
  t.equal((await fetch(`${server.httpUrl}/hls/${show.id}/720p/${preview.entries[0]!.uri}`)).status, 404, 'nor a segment');
  t.equal((await getShow()).status, 'scheduled');
  t.equal(await watchPage(), 'scheduled', 'the viewer page keeps the countdown');
  t.same(shownLive(), [], 'no viewer socket was told anything about the show');
  const rehearsalTimeline = await timeline();
  t.notOk(rehearsalTimeline.includes('show.live'), 'nothing on the timeline');
  t.notOk(rehearsalTimeline.includes('publisher.connected'));
  t.same(outbox(), [], 'no show.started webhook');

  // the cockpit's preview plays the rehearsal; the viewer's page keeps the countdown
  await cockpit.locator('#show-phase[data-phase="rehearsal"]').waitFor({ timeout: 10_000 });
  await cockpit.locator('#preview-source', { hasText: 'Source: 1280x720 landscape' }).waitFor({ timeout: 10_000 });
  t.ok(await cockpit.locator('#preview-refused').isHidden(), 'no refusal for a stream Hawker can transcode');
  await waitFor('the cockpit preview to play', async () => (await playedSeconds(cockpit, 'preview')) > 1, 40_000, 200);
  t.ok(await cockpit.locator('#go-live').isEnabled(), 'Go live is offered while rehearsing');
  t.equal(await page.locator('#status').getAttribute('data-status'), 'scheduled', 'the viewer page still counts down');
  t.ok(await page.locator('#offline').isVisible(), 'with its countdown card');
  t.equal(await playedSeconds(page, 'player'), 0, 'and plays nothing');

  // ---- the rehearsal stops: the show is still scheduled, the link still promoted --------------
  await publishers[0]!.stop();
  await waitFor('the rehearsal to stop', async () => (await getShow()).phase === 'scheduled', 15_000);
  t.equal((await getShow()).status, 'scheduled', 'stopping a rehearsal does not end the show');
  const noStream = await server.api(`/api/shows/${show.id}/go-live`, { method: 'POST', body: '{}' });
  t.equal(noStream.status, 409);
  t.equal((await json(noStream)).code, 'SHOW_NOT_REHEARSING', 'Go live needs a stream');
  t.equal((await server.api(`/api/shows/${show.id}/end`, { method: 'POST', body: '{}' })).status, 409, 'a show that is not live cannot be ended');
  t.same(shownLive(), []);
  await cockpit.locator('#show-phase[data-phase="scheduled"]').waitFor({ state: 'attached', timeout: 10_000 });
  t.equal(showFetches, 1, 'the cockpit heard of the rehearsal and its end without asking again');
  t.notOk(viewer.messages.some((m) => m.type === 'phase' || m.type === 'source'), 'the phase and the source are the host’s alone');

  // ---- later: rehearse again, then Go live ---------------------------------------------------
  publishers.push(publishTestPattern(publishUrl, { size: '1280x720' }));
  await waitFor('the second rehearsal', async () => (await getShow()).phase === 'rehearsal', 20_000);
  t.equal(await playedSeconds(page, 'player'), 0, 'the viewer page played nothing of either rehearsal');
  await cockpit.locator('#go-live:not([disabled])').waitFor({ timeout: 10_000 });
  await cockpit.locator('#go-live').click();
  await cockpit.getByText('✓ The show is live').waitFor({ timeout: 10_000 });
  t.match(await getShow(), { status: 'live', phase: 'live' });
  await viewer.next((m) => m.type === 'show' && m.status === 'live', 5000);
  await page.locator('#status[data-status="live"]').waitFor({ timeout: 10_000 });
  await waitFor('the viewer page to play', async () => (await playedSeconds(page, 'player')) > 1, 40_000, 200);
  t.equal(await watchPage(), 'live', 'the viewer page opens live');
  const onAir = await waitFor('the public playlist', async () => {
    const res = await fetch(`${server.httpUrl}/hls/${show.id}/720p/index.m3u8`);
    const list = res.status === 200 ? parseMediaPlaylist(await res.text()) : null;
    return list && list.entries.length >= 2 ? list : undefined;
  }, 30_000);
  t.notOk(onAir.entries.some((e) => e.discontinuityBefore), 'a fresh playlist: the rehearsal is not part of the recording');
  const liveTimeline = await timeline();
  t.same(liveTimeline.filter((ty) => ty === 'show.live' || ty === 'publisher.connected'), ['show.live', 'publisher.connected']);
  t.same(outbox(), ['show.started'], 'the webhook row, once');

  // ---- the host drops: viewers see "waiting for the host"; then End show ----------------------
  await publishers[1]!.stop();
  await viewer.next((m) => m.type === 'show' && m.status === 'waiting', 10_000);
  t.equal((await getShow()).phase, 'awaiting-reconnect');
  await page.locator('#host-away').waitFor({ state: 'visible', timeout: 10_000 });
  t.equal(await page.locator('#status').textContent(), 'Waiting for the host', 'not a frozen frame marked Live');
  await cockpit.locator('#end-show').waitFor({ state: 'visible', timeout: 10_000 });
  await cockpit.locator('#end-show').click();
  await cockpit.getByText('✓ The show has ended').waitFor({ timeout: 20_000 });
  t.match(await getShow(), { status: 'ended', phase: 'ended' });
  await viewer.next((m) => m.type === 'show' && m.status === 'ended', 5000);
  t.equal((await server.api(`/api/shows/${show.id}/end`, { method: 'POST', body: '{}' })).status, 409, 'an ended show cannot be ended again');
  await page.locator('#show-ended').waitFor({ state: 'visible', timeout: 10_000 });
  t.ok(await page.getByText('The show has ended').isVisible());
  await page.getByRole('button', { name: 'Watch from the start' }).click();
  t.ok(await page.locator('#show-ended').isHidden(), 'the card leaves for the recording');
  await waitFor('the recording to play', async () => (await playedSeconds(page, 'player')) > 0.5, 30_000, 200);
  const closed = await fetch(`${server.httpUrl}/hls/${show.id}/720p/index.m3u8`);
  t.ok(parseMediaPlaylist(await closed.text()).ended, 'the recording is closed and stays public');
  t.same(outbox(), ['show.started', 'show.ended']);
  t.same(shownLive(), ['live', 'waiting', 'ended']);
  t.same(viewer.invalid, [], 'every message kept to the protocol');
  t.same(pageErrors, [], 'no script error on either page');
  t.notOk(server.output().includes(show.streamKey!), 'the stream key never appears in the logs');
});
