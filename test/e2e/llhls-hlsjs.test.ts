// hls.js in low-latency mode on the LL-HLS prototype, in real Chromium: FFmpeg writes two rungs
// of 0.2 s CMAF parts, the packager indexes them, and a bare node:http server (a sketch of what
// the next session builds in Fastify) answers blocking reloads and byte ranges. hls.js must
// play, ask for parts with _HLS_msn/_HLS_part, fetch them by byte range, and not fail.
import { spawn } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { HawkerError } from '../../src/domain/errors.js';
import { blockingTimeoutMs, blockingVerdict, lastPosition, parseDeliveryDirectives, renderLlPlaylist, type LlMediaState } from '../../src/pipeline/llhls-playlist.js';
import { cmafSegmentMuxerArgs, partTargetFor, RungPackager } from '../../src/pipeline/llhls-rung.js';
import { BlockingWaiters } from '../../src/pipeline/llhls-waiters.js';
import { launchChromium } from '../helpers/browser.js';
import { validateLlPlaylist } from '../helpers/llhls-validator.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SECONDS = 20;
const FPS = 30;
const RUNGS = [
  { name: 'hi', size: '640:360', kbps: 800, bandwidth: 1_000_000 },
  { name: 'lo', size: '320:180', kbps: 300, bandwidth: 450_000 },
] as const;

const PAGE = `<!doctype html><video id="v" muted autoplay playsinline></video><script src="/hls.js"></script><script>
const stats = { latency: [], waiting: 0, playing: false, fatal: null, errors: [], jumps: 0 };
window.__stats = stats;
const video = document.getElementById('v');
const hls = new Hls({ lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.1, backBufferLength: 10 });
hls.on(Hls.Events.ERROR, (_, d) => { stats.errors.push(d.details); if (d.fatal) stats.fatal = d.details; });
video.addEventListener('playing', () => { stats.playing = true; });
video.addEventListener('waiting', () => { if (stats.playing) stats.waiting += 1; });
setInterval(() => {
  if (!stats.playing || !Number.isFinite(hls.latency)) return;
  // what the viewer page will do ("behind live, jump to live"), here automatically past 3 s
  if (hls.latency > 3 && Number.isFinite(hls.liveSyncPosition)) { stats.jumps += 1; video.currentTime = hls.liveSyncPosition; }
  const buffered = video.buffered.length ? video.buffered.end(video.buffered.length - 1) - video.currentTime : 0;
  stats.latency.push([hls.latency, hls.targetLatency, video.currentTime, hls.playingDate ? Date.now() - hls.playingDate.getTime() : NaN, buffered]);
}, 250);
hls.loadSource('/master.m3u8');
hls.attachMedia(video);
</script>`;

t.test('hls.js plays the LL-HLS prototype with blocking reloads and byte-range parts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-llhls-js-'));
  for (const r of RUNGS) mkdirSync(join(dir, r.name));
  const args = [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-re', '-t', String(SECONDS), '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=${FPS}`,
    '-re', '-t', String(SECONDS), '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-filter_complex', `[0:v]split=2[s0][s1];${RUNGS.map((r, i) => `[s${i}]scale=${r.size}[v${i}]`).join(';')};[1:a]asplit=2[a0][a1]`,
  ];
  RUNGS.forEach((r, i) =>
    args.push(
      '-map', `[v${i}]`, '-map', `[a${i}]`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-force_key_frames', 'expr:gte(t,n_forced*1)', '-sc_threshold', '0', '-b:v', `${r.kbps}k`,
      '-c:a', 'aac', '-b:a', '96k',
      ...cmafSegmentMuxerArgs({ dir: join(dir, r.name), segmentSeconds: 1, partSeconds: 0.2, startNumber: 0 }),
    ),
  );
  // Chromium first: its start-up on a busy machine must not eat the live part of the run
  const browser = await launchChromium({ autoplay: true });
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const started = Date.now();
  const ffmpeg = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'ignore'], timeout: (SECONDS + 20) * 1000 });
  const exited = new Promise<number | null>((done) => ffmpeg.once('exit', (code) => done(code)));
  t.teardown(() => {
    if (ffmpeg.pid !== undefined && ffmpeg.exitCode === null && ffmpeg.signalCode === null) ffmpeg.kill('SIGKILL');
  });

  const partTargetS = partTargetFor(0.2, FPS);
  const rungs = RUNGS.map((r) => ({
    ...r,
    packager: new RungPackager({ dir: join(dir, r.name), firstSegment: 0, targetDurationS: 1, partTargetS, programDateTime: (s) => started + s * 1000 }),
    waiters: new BlockingWaiters(blockingTimeoutMs(1)),
  }));
  const stateOf = (i: number): LlMediaState => ({
    ...rungs[i]!.packager.state(),
    renditionReports: rungs.flatMap((other, j) => {
      const last = j === i ? null : lastPosition({ ...other.packager.state(), renditionReports: [] });
      return last ? [{ uri: `../${other.name}/index.m3u8`, lastMsn: last.msn, lastPart: last.part }] : [];
    }),
  });

  const seen = { blocking: 0, parts: 0, violations: [] as string[], errors: [] as string[], refused: [] as string[], log: [] as string[] };
  const send = (res: ServerResponse, status: number, body: string, type = 'text/plain') => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-cache' });
    res.end(body);
  };
  const playlist = (res: ServerResponse, i: number, skip: boolean) => {
    const text = renderLlPlaylist(stateOf(i), { skip });
    for (const v of validateLlPlaylist(text, { delta: skip })) seen.violations.push(`${v.rule}: ${v.message}`);
    send(res, 200, text, 'application/vnd.apple.mpegurl');
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.log.push(`${((Date.now() - started) / 1000).toFixed(2)} ${url.pathname}${url.search} ${req.headers.range ?? ''}`);
    if (url.pathname === '/') return send(res, 200, PAGE, 'text/html');
    if (url.pathname === '/hls.js') return send(res, 200, readFileSync(join(root, 'node_modules/hls.js/dist/hls.js'), 'utf8'), 'text/javascript');
    if (url.pathname === '/master.m3u8') {
      const variants = RUNGS.map((r) => `#EXT-X-STREAM-INF:BANDWIDTH=${r.bandwidth},RESOLUTION=${r.size.replace(':', 'x')}\n${r.name}/index.m3u8`);
      return send(res, 200, `#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-INDEPENDENT-SEGMENTS\n${variants.join('\n')}\n`, 'application/vnd.apple.mpegurl');
    }
    const m = /^\/(hi|lo)\/(index\.m3u8|seg_\d{6}\.m4s)$/.exec(url.pathname);
    const i = rungs.findIndex((r) => r.name === m?.[1]);
    if (!m || i < 0) return send(res, 404, 'not found');
    if (m[2] === 'index.m3u8') {
      const d = parseDeliveryDirectives(Object.fromEntries(url.searchParams));
      if (d.msn === null) return playlist(res, i, d.skip);
      seen.blocking += 1;
      const verdict = blockingVerdict(stateOf(i), d.msn, d.part);
      if (verdict === 'too-far') {
        seen.refused.push(`${m[1]} ${url.search} last ${JSON.stringify(lastPosition(stateOf(i)))}`);
        return send(res, 400, 'too far ahead');
      }
      if (verdict === 'answer') return playlist(res, i, d.skip);
      const cancel = rungs[i]!.waiters.park(d.msn, d.part, () => playlist(res, i, d.skip), () => {
        seen.refused.push(`503 ${m[1]} ${url.search} last ${JSON.stringify(lastPosition(stateOf(i)))}`);
        send(res, 503, 'not yet');
      });
      res.on('close', cancel);
      return;
    }
    const file = join(dir, m[1]!, m[2]!);
    const size = statSync(file).size;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (!range) {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': size });
      return void createReadStream(file).pipe(res);
    }
    seen.parts += 1;
    const start = Number(range[1]);
    const end = range[2] ? Number(range[2]) : size - 1;
    if (end >= size) return send(res, 416, 'not written yet');
    res.writeHead(206, { 'content-type': 'video/mp4', 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}` });
    createReadStream(file, { start, end }).pipe(res);
  };
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      seen.errors.push(String(err));
      if (!res.headersSent) send(res, err instanceof HawkerError ? err.status : 500, 'error');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  t.teardown(() => server.close());
  const port = (server.address() as AddressInfo).port;

  let running = true;
  void exited.then(() => (running = false));
  const pump = (async () => {
    while (running) {
      const changed = await Promise.all(rungs.map((r) => r.packager.refresh()));
      changed.forEach((c, i) => c && rungs[i]!.waiters.wake(stateOf(i)));
      await new Promise((done) => setTimeout(done, 20));
    }
  })();

  // a playable playlist first: two segments
  while (rungs[0]!.packager.state().segments.length < 2 && running) await new Promise((done) => setTimeout(done, 50));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForTimeout((SECONDS - 6) * 1000);
  const stats = await page.evaluate(() => (globalThis as unknown as { __stats: { latency: [number, number, number, number, number][]; waiting: number; jumps: number; playing: boolean; fatal: string | null; errors: string[] } }).__stats);
  running = false;
  await pump;

  t.comment(`refused: ${seen.refused.join(' | ')}`);
  t.comment(stats.latency.filter((_, k) => k % 8 === 0).map(([l, tl, c, lag, buf]) => `lat ${l.toFixed(2)}/${tl.toFixed(1)} at ${c.toFixed(1)} pdt-lag ${(lag / 1000).toFixed(2)} buf ${buf.toFixed(2)}`).join(' '));
  writeFileSync(join(dir, 'requests.log'), seen.log.join('\n'));
  t.comment(`requests: ${join(dir, 'requests.log')}`);
  t.ok(stats.playing, 'hls.js played');
  t.equal(stats.fatal, null, `no fatal error (errors: ${stats.errors.join(', ') || 'none'})`);
  t.same(seen.errors, [], 'the server answered every request');
  t.same(seen.violations.slice(0, 5), [], 'every playlist served validates');
  t.ok(seen.blocking > 20, `hls.js used blocking reloads (${seen.blocking})`);
  t.ok(seen.parts > 20, `hls.js fetched parts by byte range (${seen.parts})`);
  const played = stats.latency.at(-1)?.[2] ?? 0;
  t.ok(played > 4, `played ${played.toFixed(1)} s`);
  const lat = stats.latency.map(([l]) => l).sort((a, b) => a - b);
  t.comment(`hls.js latency behind the live edge: p50 ${lat[Math.floor(lat.length / 2)]?.toFixed(2)} s, max ${lat.at(-1)?.toFixed(2)} s, target ${stats.latency.at(-1)?.[1]?.toFixed(2)} s; stalls ${stats.waiting}; jumps to live ${stats.jumps}`);
});
