import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { ffmpegChildren, parseMediaPlaylist, transcoderPids, publishTestPattern, type Publisher } from '../helpers/media.js';
import { startServerProcess } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';

// Small source: the default 720p/360p ladder never upscales, so both rungs stay 320x180 here.
const SMALL = { size: '320x180' };

t.test('publishes the server must refuse, and a graceful SIGTERM', async (t) => {
  const server = await startServerProcess();
  const publishers: Publisher[] = [];
  t.teardown(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    server.kill();
  });
  const rtmp = (app: string, key: string) => `rtmp://127.0.0.1:${server.rtmpPort}/${app}/${key}`;
  const hlsRoot = join(server.dataDir, 'media', 'hls');
  const create = async (title: string) =>
    (await (await server.api('/api/shows', { method: 'POST', body: JSON.stringify({ title }) })).json()) as Record<string, string>;
  const getShow = async (id: string) => (await (await server.api(`/api/shows/${id}`)).json()) as Record<string, string>;

  await t.test('an unknown key is refused: no FFmpeg, no media', async (t) => {
    let sawFfmpeg = false;
    const watcher = setInterval(() => {
      if (ffmpegChildren(server.pid).length > 0) sawFfmpeg = true;
    }, 50);
    const intruder = publishTestPattern(rtmp('live', randomBytes(32).toString('base64url')), SMALL);
    publishers.push(intruder);
    const code = await Promise.race([intruder.exited, sleep(15_000).then(() => 'still publishing')]);
    await sleep(1000);
    clearInterval(watcher);
    t.not(code, 0, `the publisher was cut off (exit ${String(code)})`);
    t.not(code, 'still publishing');
    t.notOk(sawFfmpeg, 'no FFmpeg was started for it');
    t.same(existsSync(hlsRoot) ? readdirSync(hlsRoot) : [], [], 'no media written');
  });

  const show = await create('Refusals');

  await t.test('a known key under another application name is refused', async (t) => {
    const wrongApp = publishTestPattern(rtmp('other', show.streamKey!), SMALL);
    publishers.push(wrongApp);
    const code = await Promise.race([wrongApp.exited, sleep(15_000).then(() => 'still publishing')]);
    t.not(code, 0);
    t.not(code, 'still publishing');
    t.equal((await getShow(show.id!)).status, 'scheduled');
  });

  await t.test('a second publisher on a live key is refused; the first goes on', async (t) => {
    const host = publishTestPattern(rtmp('live', show.streamKey!), SMALL);
    publishers.push(host);
    await waitFor('live', async () => (await getShow(show.id!)).status === 'live');
    // the transcoder starts once the source is probed: the second publisher comes after it
    await waitFor('the first transcoder', () => transcoderPids(server.pid).length === 1, 20_000);
    const second = publishTestPattern(rtmp('live', show.streamKey!), SMALL);
    publishers.push(second);
    const code = await Promise.race([second.exited, sleep(15_000).then(() => 'still publishing')]);
    t.not(code, 0, 'the second publisher was cut off');
    t.not(code, 'still publishing');
    t.equal(transcoderPids(server.pid).length, 1, 'still one transcoder');
    const playlist = join(hlsRoot, show.id!, '720p', 'index.m3u8');
    const count = () => (existsSync(playlist) ? parseMediaPlaylist(readFileSync(playlist, 'utf8')).entries.length : 0);
    const now = count();
    await waitFor('the first host to keep producing segments', () => count() >= now + 2, 15_000);
    t.equal(host.child.exitCode, null, 'the first host is still publishing');
  });

  await t.test('a rotated key: the old one is refused, the new one works', async (t) => {
    const other = await create('Rotation');
    const rotated = (await (await server.api(`/api/shows/${other.id}/stream-key`, { method: 'POST' })).json()) as Record<string, string>;
    t.not(rotated.streamKey, other.streamKey);
    const old = publishTestPattern(rtmp('live', other.streamKey!), SMALL);
    publishers.push(old);
    const code = await Promise.race([old.exited, sleep(15_000).then(() => 'still publishing')]);
    t.not(code, 0, 'the old key is refused');
    t.equal((await getShow(other.id!)).status, 'scheduled');
    publishers.push(publishTestPattern(rtmp('live', rotated.streamKey!), SMALL));
    await waitFor('live on the new key', async () => (await getShow(other.id!)).status === 'live');
    await waitFor('its first segment', () => existsSync(join(hlsRoot, other.id!, '360p', 'index.m3u8')), 20_000);
  });

  await t.test('SIGTERM ends live shows, closes playlists and SQLite, exits 0', async (t) => {
    const transcoders = transcoderPids(server.pid);
    t.equal(transcoders.length, 2, 'both shows were transcoding');
    const code = await server.terminate();
    t.equal(code, 0);
    t.same(transcoders.filter((pid) => existsSync(`/proc/${pid}`)), [], 'their FFmpeg processes are gone');
    const db = new Database(join(server.dataDir, 'hawker.db'), { readonly: true });
    t.teardown(() => db.close());
    const rows = db.prepare('SELECT id, status FROM shows ORDER BY id').all() as Array<{ id: string; status: string }>;
    t.equal(rows.length, 2);
    for (const row of rows) {
      t.equal(row.status, 'ended', `show ${row.id} ended`);
      // the variants the master playlist names (the show folder also holds its poster and clips)
      const variants = readFileSync(join(hlsRoot, row.id, 'master.m3u8'), 'utf8')
        .split('\n')
        .filter((line) => line.endsWith('.m3u8'));
      t.equal(variants.length, 2, `${row.id}: two variants in the master playlist`);
      for (const variant of variants) {
        const text = readFileSync(join(hlsRoot, row.id, variant), 'utf8');
        t.ok(text.trimEnd().endsWith('#EXT-X-ENDLIST'), `${row.id}/${variant} ends with EXT-X-ENDLIST`);
      }
    }
  });
});
