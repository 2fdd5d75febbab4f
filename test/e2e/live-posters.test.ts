// Live posters with the real server, a real FFmpeg publishing over RTMP and the server's own
// FFmpeg grabs: the poster appears once the show is live, changes while it is live (a moving
// test pattern), comes from the lowest rendition scaled to channel.posterWidth, never from two
// grabs of one show at once, and stays after the show ended as the replay's poster. Also: what
// one grab costs (CPU-seconds, the exact command line the server runs, on this show's segments).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import t from 'tap';
import { posterArgs } from '../../src/pipeline/poster-grab.js';
import type { ChannelFeed } from '../../src/reach/channel-feed.js';
import { publishTestPattern, type Publisher } from '../helpers/media.js';
import { startServerProcess } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';

const POSTER_SECONDS = 2;
const POSTER_WIDTH = 320;

/** the command lines of the server's FFmpeg children that are taking a poster now */
function posterGrabsRunning(serverPid: number): number {
  let n = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== serverPid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('poster.jpg.partial')) n += 1;
    } catch {
      // gone already
    }
  }
  return n;
}

/** CPU time of this process's children that have been waited for (/proc/self/stat cutime + cstime), in seconds */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // after the comm: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14); USER_HZ is 100 on Linux
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function run(command: string, args: string[], timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    const timer = setTimeout(() => child.pid !== undefined && child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

t.test('a live poster appears, changes while live, and stays after the end', { timeout: 180_000 }, async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'hawker-posters-e2e-'));
  const configFile = join(scratch, 'hawker.yaml');
  writeFileSync(configFile, `channel:\n  posterSeconds: ${POSTER_SECONDS}\n  posterWidth: ${POSTER_WIDTH}\n`);
  const server = await startServerProcess({ env: { HAWKER_CONFIG: configFile } });
  const publishers: Publisher[] = [];
  let sampling = true;
  t.teardown(async () => {
    sampling = false;
    await Promise.all(publishers.map((p) => p.stop()));
    server.kill();
  });
  const show = (await (await server.api('/api/shows', { method: 'POST', body: JSON.stringify({ title: 'Posters' }) })).json()) as { id: string; streamKey: string };
  const posterUrl = `${server.httpUrl}/api/shows/${show.id}/poster.jpg`;
  t.equal((await fetch(posterUrl)).status, 404, 'no poster before the show');

  // how many grabs of this show run at once, sampled all along
  let mostAtOnce = 0;
  const sampler = (async () => {
    while (sampling) {
      mostAtOnce = Math.max(mostAtOnce, posterGrabsRunning(server.pid));
      await sleep(20);
    }
  })();

  publishers.push(publishTestPattern(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`, { size: '1280x720', rate: 30, maxSeconds: 120 }));
  const first = await waitFor('the first poster', async () => {
    const res = await fetch(posterUrl);
    return res.status === 200 ? { body: Buffer.from(await res.arrayBuffer()), headers: res.headers } : null;
  }, 40_000, 250);
  t.equal(first.headers.get('content-type'), 'image/jpeg');
  t.equal(first.headers.get('cache-control'), `public, max-age=${POSTER_SECONDS}`);
  const meta = await sharp(first.body).metadata();
  t.equal(meta.format, 'jpeg');
  t.equal(meta.width, POSTER_WIDTH, 'scaled to channel.posterWidth');
  t.equal(meta.height, 180, 'the height follows the picture (16:9)');

  // the channel lists it live, with its still and the lowest rendition's playlist
  const feed = (await (await fetch(`${server.httpUrl}/api/channel`)).json()) as ChannelFeed;
  t.equal(feed.live[0]?.id, show.id);
  t.match(feed.live[0]?.previewUrl, /\/hls\/[^/]+\/360p\/index\.m3u8$/, 'the preview is the lowest rendition');
  t.ok(feed.live[0]?.posterUrl);
  const preview = await fetch(`${server.httpUrl}${new URL(feed.live[0]!.previewUrl!).pathname}`);
  t.equal(preview.status, 200, 'and it plays');

  // the test pattern moves: a later still is another picture
  const changed = await waitFor('a newer poster', async () => {
    const body = Buffer.from(await (await fetch(posterUrl)).arrayBuffer());
    return body.length > 0 && !body.equals(first.body) ? body : null;
  }, 20_000, 250);
  t.ok(changed, 'the poster changed while live');
  // and it goes on being refreshed (a third picture; a loaded machine transcodes slower)
  const seen = new Set<string>([first.body.toString('base64'), changed.toString('base64')]);
  await waitFor('a third still', async () => {
    seen.add(Buffer.from(await (await fetch(posterUrl)).arrayBuffer()).toString('base64'));
    return seen.size >= 3;
  }, 30_000, 300);
  t.pass('still refreshed while live');

  // End show: the last still stays, and stops changing
  const ended = await server.api(`/api/shows/${show.id}/end`, { method: 'POST' });
  t.equal(ended.status, 200);
  await sleep(POSTER_SECONDS * 1000 + 1500);
  const last = await fetch(posterUrl);
  t.equal(last.status, 200, 'the replay keeps its poster');
  t.equal(last.headers.get('cache-control'), 'public, max-age=3600');
  const lastBody = Buffer.from(await last.arrayBuffer());
  await sleep(POSTER_SECONDS * 1000 + 500);
  t.ok(Buffer.from(await (await fetch(posterUrl)).arrayBuffer()).equals(lastBody), 'no grab after the end');
  const after = (await (await fetch(`${server.httpUrl}/api/channel`)).json()) as ChannelFeed;
  t.match(after.past[0], { id: show.id, replay: true, previewUrl: null });
  t.ok(after.past[0]?.posterUrl, 'listed with its poster');
  sampling = false;
  await sampler;
  t.equal(mostAtOnce, 1, 'never two poster grabs of the show at once');

  // the cost of one grab: the server's own command line on this show's 360p segments
  const rung = join(server.dataDir, 'media', 'hls', show.id, '360p');
  const segments = readdirSync(rung).filter((f) => f.endsWith('.ts')).slice(-10);
  const before = childrenCpuSeconds();
  for (const [i, segment] of segments.entries()) t.equal(await run('ffmpeg', posterArgs(join(rung, segment), join(scratch, `p${i}.jpg`), POSTER_WIDTH), 10_000), 0);
  const perGrab = (childrenCpuSeconds() - before) / segments.length;
  t.comment(`poster grab CPU: ${perGrab.toFixed(3)} CPU-s per grab (mean of ${segments.length}, 360p segments of 1 s, width ${POSTER_WIDTH})`);
  t.ok(perGrab < 0.5, 'a grab is cheap (well under a core for a moment)');
});
