// The panel's Storage screen in a real Chromium against the real server: a show recorded for
// real (the server's own test card over RTMP, transcoded by FFmpeg) and ended, its disk use as
// the files on disk have it, and its recording deleted after a confirmation: the files go, the
// show and its timeline stay, its HLS answers 404 and its viewer page says so.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { Browser } from 'playwright-core';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { launchChromium } from '../helpers/browser.js';
import { startServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

const ARTIFACTS = 'artifacts/screenshots';

/** regular files under dir, at any depth */
function bytesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? bytesUnder(join(dir, e.name)) : e.isFile() ? (statSync(join(dir, e.name), { throwIfNoEntry: false })?.size ?? 0) : 0), 0);
}

t.test('the Storage screen: disk use per show, and deleting an ended show’s recording after a confirmation', { timeout: 180_000 }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startServerProcess();
  let browser: Browser | null = null;
  t.teardown(async () => {
    await browser?.close().catch(() => undefined);
    server.kill();
  });
  const json = async <T>(path: string, init: RequestInit = {}) => {
    const res = await server.api(path, init);
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const product = await json<{ id: string }>('/api/products', { method: 'POST', body: JSON.stringify({ sku: 'MUG', title: 'Mug', price: 900, currency: 'EUR', stock: 5 }) });
  const recorded = await json<{ id: string }>('/api/shows', { method: 'POST', body: JSON.stringify({ title: 'Mug week <b>' }) });
  const later = await json<{ id: string }>('/api/shows', { method: 'POST', body: JSON.stringify({ title: 'Next week' }) });
  // live for real: the server's test card over RTMP, transcoded into the show's recording
  await json(`/api/shows/${recorded.id}/lineup`, { method: 'PUT', body: JSON.stringify({ productIds: [product.id] }) });
  await json(`/api/shows/${recorded.id}/test-pattern`, { method: 'POST', body: JSON.stringify({ seconds: 60 }) });
  const media = join(server.dataDir, 'media', 'hls', recorded.id);
  const segments = () => (existsSync(media) ? readdirSync(media, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).length : 0);
  await waitFor('a few segments of the recording', () => segments() >= 4, 60_000, 250);
  await json(`/api/shows/${recorded.id}/end`, { method: 'POST' });
  // a poster still taken just before the end is written (through poster.jpg.partial) just after
  // it: the files are counted once that is done (no partial file for 3 s; none starts after the end)
  let quietSince = Date.now();
  await waitFor('the last poster written', () => {
    if (existsSync(join(media, 'poster.jpg.partial'))) quietSince = Date.now();
    return Date.now() - quietSince >= 3000;
  }, 30_000, 100);
  const recordingBytes = bytesUnder(media);
  t.ok(recordingBytes > 10_000, `a real recording: ${recordingBytes} bytes`);
  // a demo clip of the mug, as the clip maker leaves one: its files in clips/, its row ready
  mkdirSync(join(media, 'clips'), { recursive: true });
  writeFileSync(join(media, 'clips', 'clip1.mp4'), Buffer.alloc(4096, 1));
  await sharp({ create: { width: 160, height: 90, channels: 3, background: '#c0392b' } }).jpeg().toFile(join(media, 'clips', 'clip1.jpg'));
  const clipBytes = bytesUnder(join(media, 'clips'));
  const db = new Database(join(server.dataDir, 'hawker.db'));
  db.pragma('busy_timeout = 5000');
  db.prepare("INSERT INTO clips (id, show_id, product_id, start_ms, end_ms, status, duration_ms, bytes, created_at, ready_at) VALUES ('clip1', ?, ?, 2000, 10000, 'ready', 8000, 4096, ?, ?)").run(recorded.id, product.id, Date.now(), Date.now());
  db.close();

  browser = await launchChromium();
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' })).newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${server.httpUrl}/admin#/storage`);
  await page.getByLabel('Admin token').fill(server.token);
  await page.getByLabel('Admin token').press('Enter');
  await page.getByRole('heading', { name: 'Storage' }).waitFor();

  const row = page.locator(`#storage-table tr[data-show-id="${recorded.id}"]`);
  const api = await json<{ shows: Array<{ showId: string; recordingBytes: number; clipBytes: number }>; totalBytes: number; freeBytes: number }>('/api/storage');
  t.match(api.shows.find((s) => s.showId === recorded.id), { recordingBytes, clipBytes }, 'the API counts the bytes of the files');
  t.equal(api.totalBytes, recordingBytes + clipBytes);
  const rowText = await row.innerText();
  t.match(rowText, 'Mug week <b>', 'the title drawn as text');
  t.match(rowText, /ended/);
  t.match(rowText, new RegExp(`${(recordingBytes / 1024).toFixed(recordingBytes / 1024 < 10 ? 1 : 0)} KB|${(recordingBytes / 1024 / 1024).toFixed(1)} MB`), 'its size in the panel');
  t.match(await page.locator('#storage-summary').innerText(), /free on the data disk/);
  t.equal(await page.locator(`#storage-table tr[data-show-id="${later.id}"]`).getByRole('button').count(), 0, 'a scheduled show has no delete button');
  await page.screenshot({ path: `${ARTIFACTS}/storage-screen.png`, fullPage: true });

  // the product screen lists the mug's clip
  await page.goto(`${server.httpUrl}/admin#/products`);
  await page.getByRole('button', { name: 'Edit Mug' }).click();
  const clip = page.locator('#product-clips li[data-clip-id="clip1"]');
  await clip.waitFor({ timeout: 10_000 });
  t.match(await clip.innerText(), /Mug week <b>[\s\S]*0:02–0:10 · 0:08 · ready/, 'its show, span, length and status');
  t.equal(await clip.getByRole('link', { name: 'MP4' }).getAttribute('href'), `/hls/${recorded.id}/clips/clip1.mp4`, 'from the panel\'s own origin');
  await waitFor('the poster', () => clip.locator('img').evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth === 160), 10_000, 100);
  await page.screenshot({ path: `${ARTIFACTS}/product-clips.png`, fullPage: true });
  await page.goto(`${server.httpUrl}/admin#/storage`);
  await page.getByRole('heading', { name: 'Storage' }).waitFor();

  // asked first: declining keeps everything
  await row.getByRole('button', { name: 'Delete the recording of Mug week <b>' }).click();
  const dialog = page.locator('#recording-confirm');
  await dialog.waitFor();
  t.match(await dialog.innerText(), /its timeline, chat and orders stay/);
  await page.screenshot({ path: `${ARTIFACTS}/storage-delete-confirm.png` });
  await dialog.getByRole('button', { name: 'Keep it' }).click();
  t.ok(existsSync(join(media, 'master.m3u8')), 'declined: the recording stays');

  await row.getByRole('button', { name: 'Delete the recording of Mug week <b>' }).click();
  await page.locator('#recording-confirm').getByRole('button', { name: 'Delete the recording' }).click();
  await page.getByText('Recording of Mug week <b> deleted').waitFor({ timeout: 10_000 });
  await page.locator(`#storage-table tr[data-show-id="${recorded.id}"]`).getByText(/^Deleted /).waitFor({ timeout: 10_000 });
  t.match(await page.locator(`#storage-table tr[data-show-id="${recorded.id}"]`).innerText(), /0 bytes/, 'redrawn: nothing left on disk');
  await page.screenshot({ path: `${ARTIFACTS}/storage-deleted.png`, fullPage: true });
  t.notOk(existsSync(media), 'the media dir is gone');
  const show = await json<{ status: string; recordingDeletedAt: string | null }>(`/api/shows/${recorded.id}`);
  t.match(show, { status: 'ended', recordingDeletedAt: /^\d{4}-/ }, 'the show stays');
  const timeline = await json<{ events: Array<{ type: string }> }>(`/api/shows/${recorded.id}/timeline`);
  t.ok(timeline.events.some((e) => e.type === 'show.live') && timeline.events.some((e) => e.type === 'show.ended'), 'with its timeline');
  t.equal((await fetch(`${server.httpUrl}/hls/${recorded.id}/master.m3u8`)).status, 404, 'the replay is gone');
  t.equal((await fetch(`${server.httpUrl}/hls/${recorded.id}/clips/clip1.mp4`)).status, 404, 'and its clip');
  await page.goto(`${server.httpUrl}/admin#/products`);
  await page.getByRole('button', { name: 'Edit Mug' }).click();
  await page.locator('#product-clips li[data-clip-id="clip1"]').getByText('recording deleted').waitFor({ timeout: 10_000 });
  t.equal(await page.locator('#product-clips li[data-clip-id="clip1"]').getByRole('link').count(), 0, 'a deleted clip has no links');

  const viewer = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  viewer.on('pageerror', (e) => pageErrors.push(e.message));
  await viewer.goto(`${server.httpUrl}/watch/${recorded.id}`);
  await viewer.getByText('The recording is no longer available').waitFor({ timeout: 10_000 });
  t.equal(await viewer.getByRole('button', { name: 'Watch from the start' }).isVisible(), false, 'nothing to watch from the start');
  await viewer.screenshot({ path: `${ARTIFACTS}/storage-viewer-deleted.png` });
  t.same(pageErrors, [], 'no script errors');
});
