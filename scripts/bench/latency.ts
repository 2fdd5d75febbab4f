// npm run bench:latency
// Glass-to-glass latency as a viewer sees it (issue 17), read off the picture: the bench
// publisher (lib.ts publish) burns its frame number into every frame as a 16-box barcode and
// knows when it made each frame; Chromium plays the stream, and every SAMPLE_MS a script in the
// page draws the video into a canvas, copies the barcode strip, and notes Date.now(). In Node the
// strip is decoded (glass.ts) and glass-to-glass = sampling time - when that frame was made (one
// machine, one clock). Stalls: the video's 'waiting' events once playback has begun (and, on the
// bench's own hls.js page, hls.js's bufferStalledError).
//
// LL-HLS and plain HLS side by side (issue 17's "Must show"). Three setups, each started only if a
// chosen mode plays it, and stopped after the last mode that does (one at a time on the machine):
//  - hawker: a real server process as shipped (LL-HLS on, production x264 preset, overlays on), a
//    show, the publisher over RTMP; one encode writes the plain HLS and the LL-HLS (tee muxer);
//  - hawker-plain: the same with HAWKER_LLHLS=false, plain HLS only (the encoder's CPU without
//    LL-HLS, and the viewer page's fallback);
//  - bare: bare FFmpeg with Hawker's own transcode arguments (same ladder, preset and 1 s mpegts
//    segments, no overlays), listening for RTMP itself, its output served by this bench's
//    node:http static server.
// Modes, played one after the other in one run, each for HAWKER_BENCH_SECONDS (60) after
// HAWKER_BENCH_WARMUP (10) seconds of playing:
//  viewer        Hawker's viewer page /watch/<id> on a phone viewport, on hawker: it plays the LL
//                master (data-live-src);
//  hlsjs-ll      a plain hls.js page served by this bench on another origin, { lowLatencyMode: true }
//                (hls.js's default, stated) and defaults otherwise, on the LL master
//                /hls/<id>/ll.m3u8: what an embedding site gets from the LL URL;
//  hlsjs         the same page, hls.js defaults, on the plain master /hls/<id>/master.m3u8 of
//                hawker: what any plain HLS player gets;
//  viewer-plain  the viewer page on hawker-plain: the page's figure without LL-HLS;
//  baseline      hls.js held one segment from the live edge (liveSyncDurationCount 1) on bare.
// Printed: p50/p95/max per mode, readings, stalls, the ratios to the baseline, the CPU-seconds of
// the FFmpeg making the HLS over each measuring window, and the transcoder's cores with LL-HLS
// over those without (the hawker modes' windows pooled against hawker-plain's; goal <= 1.05).
// HAWKER_BENCH_MODES=viewer,viewer-plain runs a subset.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { defaultConfig } from '../../src/config/defaults.js';
import { buildTranscodeArgs } from '../../src/pipeline/ffmpeg-args.js';
import { launchChromium } from '../../test/helpers/browser.js';
import { parseMediaPlaylist, regionPerFrame, transcoderPids } from '../../test/helpers/media.js';
import { startServerProcess } from '../../test/helpers/server-process.js';
import { sleep, waitFor } from '../../test/helpers/wait.js';
import { BOX_PX, coresRatio, decodeStrip, glassToGlass, pickModes, stallsIn, type MediaEvent } from './glass.js';
import { BITS, BOX, cpuSeconds, FPS, freePort, percentile, publish, type BenchPublisher } from './lib.js';

const SECONDS = Number(process.env.HAWKER_BENCH_SECONDS ?? 60);
const WARMUP = Number(process.env.HAWKER_BENCH_WARMUP ?? 10);
const SAMPLE_MS = 100;
/** how often the encoder's own lag is looked at (a decode of one 1 s segment) */
const ENCODER_LOOK_MS = 4000;
/** publish()'s default source: the barcode's boxes are placed on this frame */
const SOURCE = { width: 1280, height: 720 };
/** per mode: start-up, warm-up, window, and room for a slow start on a loaded machine */
const MODE_BUDGET_SECONDS = SECONDS + WARMUP + 90;
const HLS_JS = fileURLToPath(new URL('../../node_modules/hls.js/dist/hls.min.js', import.meta.url));

// ---- what is measured ------------------------------------------------------------------------

type SetupName = 'hawker' | 'hawker-plain' | 'bare';

interface Mode {
  id: string;
  name: string;
  setup: SetupName;
  /** Hawker's viewer page on a phone, or the bench's own hls.js page with this config on the setup's LL or plain master */
  page: 'viewer' | { hlsConfig: Record<string, unknown>; master: 'll' | 'plain' };
  /** the reference the other modes' latency is divided by */
  baseline?: true;
  /** the mode whose encoder CPU this one's is divided by (an LL-HLS mode: its plain twin) */
  cpuVs?: string;
}

// in setup order: each setup's modes together, so only one setup runs at a time
const allModes: Mode[] = [
  { id: 'viewer', name: 'viewer page, LL-HLS (phone)', setup: 'hawker', page: 'viewer', cpuVs: 'viewer-plain' },
  { id: 'hlsjs-ll', name: 'hls.js lowLatencyMode, ll.m3u8', setup: 'hawker', page: { hlsConfig: { lowLatencyMode: true }, master: 'll' }, cpuVs: 'viewer-plain' },
  { id: 'hlsjs', name: 'hls.js defaults, master.m3u8', setup: 'hawker', page: { hlsConfig: {}, master: 'plain' }, cpuVs: 'viewer-plain' },
  { id: 'viewer-plain', name: 'viewer page, LL-HLS off (phone)', setup: 'hawker-plain', page: 'viewer' },
  { id: 'baseline', name: 'bare FFmpeg 1 s + hls.js 1 seg', setup: 'bare', page: { hlsConfig: { liveSyncDurationCount: 1 }, master: 'plain' }, baseline: true },
];
const modes = pickModes(allModes, process.env.HAWKER_BENCH_MODES);

/** A running stream the pages can play. */
interface Stream {
  masterUrl: string;
  /** the LL-HLS master, when the setup serves one */
  llMasterUrl: string | null;
  viewerUrl: string | null;
  frameMadeAt(n: number): number;
  /**
   * How far behind its -re schedule the publisher reported each frame in [from, to) (ms): the
   * schedule is what frameMadeAt assumes, so a publisher starved of CPU shows up here rather than
   * as latency nobody can see.
   */
  publisherBehind(from: number, to: number): number[];
  /** the FFmpeg writing the HLS, for its CPU over a window (looked up each time: a restart moves it) */
  encoderPid(): number | null;
  encoderLabel: string;
  /** the plain 720p playlist the encoder writes (on disk), to see how far behind the encoder itself is */
  playlistFile: string;
  stop(): void;
}

// ---- everything started is stopped by PID, on the way out or on error -------------------------

const cleanups: Array<() => void> = [];
/** Runs once; registered so that an error or a signal stops it too. */
function onCleanup(step: () => void): () => void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    try {
      step();
    } catch (err) {
      console.error('cleanup:', err);
    }
  };
  cleanups.push(once);
  return once;
}
function cleanup(): void {
  for (const step of cleanups.splice(0).reverse()) step();
}
function killPid(pid: number, group = false): void {
  try {
    process.kill(group ? -pid : pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanup();
    process.exit(130);
  });
}

/** Direct children of this process whose command line matches (Playwright does not tell Chromium's PID). */
function childPids(match: RegExp): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && match.test(readFileSync(`/proc/${entry}/cmdline`, 'utf8'))) found.push(Number(entry));
    } catch {
      // gone already
    }
  }
  return found;
}

/** The publisher's -progress reports (frame count and when it arrived), next to lib.ts's own reader. */
function progressOf(publisher: BenchPublisher): (from: number, to: number) => number[] {
  const reports: Array<{ at: number; frame: number }> = [];
  let buf = '';
  publisher.child.stdout!.on('data', (chunk: string) => {
    const at = Date.now();
    const lines = (buf + chunk).split('\n');
    buf = lines.pop() ?? '';
    for (const line of lines) {
      const m = /^frame=(\d+)/.exec(line);
      if (m && Number(m[1]) > 0) reports.push({ at, frame: Number(m[1]) });
    }
  });
  return (from, to) => reports.filter((r) => r.at >= from && r.at < to).map((r) => r.at - publisher.frameMadeAt(r.frame));
}

/**
 * The frame number of the last frame in the newest segment a plain playlist lists (its barcode,
 * decoded by FFmpeg), or null. What separates an encoder falling behind real time (a starved
 * machine: its input waits in the RTMP relay) from a player falling behind the playlist.
 */
async function newestListedFrame(playlist: string): Promise<number | null> {
  const text = await readFile(playlist, 'utf8').catch(() => null);
  const last = text === null ? undefined : parseMediaPlaylist(text).entries.at(-1);
  if (!last) return null;
  const strip = { x: 0, y: 0, w: BITS * BOX, h: BOX };
  const frames = await regionPerFrame(join(dirname(playlist), last.uri), strip, BITS * BOX_PX, BOX_PX).catch(() => null);
  const frame = frames?.at(-1);
  return frame ? decodeStrip(frame, BITS) : null;
}

const playlistReady = (file: string, segments: number) => existsSync(file) && parseMediaPlaylist(readFileSync(file, 'utf8')).entries.length >= segments;

// ---- the bench's own HTTP server: the plain hls.js page, hls.js, the baseline's HLS ------------

const PLAYER_PAGE = `<!doctype html>
<meta charset="utf-8">
<title>hls.js</title>
<style>body { margin: 0; background: #000 } video { width: 640px; height: 360px }</style>
<video id="player" muted autoplay playsinline></video>
<script src="/hls.min.js"></script>
<script>
  const q = new URLSearchParams(location.search);
  const src = q.get('src');
  const video = document.getElementById('player');
  const hls = new Hls(JSON.parse(q.get('config') || '{}'));
  window.__hlsErrors = [];
  hls.on(Hls.Events.ERROR, (_event, data) => {
    window.__hlsErrors.push({ at: Date.now(), details: data.details, fatal: data.fatal });
    // hls.js's documented recovery, so one fatal error shows as a stall rather than the end
    if (data.fatal && data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
    else if (data.fatal) setTimeout(() => hls.startLoad(), 1000);
  });
  hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
  hls.loadSource(src);
  hls.attachMedia(video);
</script>
`;

const types: Record<string, string> = { '.m3u8': 'application/vnd.apple.mpegurl', '.ts': 'video/mp2t' };

async function startBenchHttp() {
  let bareDir: string | null = null;
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      res.setHeader('access-control-allow-origin', '*');
      if (path === '/player') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PLAYER_PAGE);
      } else if (path === '/hls.min.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(await readFile(HLS_JS));
      } else if (path.startsWith('/bare/') && bareDir && /^[A-Za-z0-9_./-]+$/.test(path) && !path.includes('..')) {
        const file = resolve(bareDir, path.slice('/bare/'.length));
        const type = types[extname(file)];
        if (!file.startsWith(bareDir + sep) || !type) return void res.writeHead(404).end();
        // read whole: FFmpeg replaces playlists (temp_file), and a length from one version with
        // the body of another would break the keep-alive connection
        const body = await readFile(file).catch(() => null);
        if (!body) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': type === types['.ts'] ? 'max-age=3600' : 'no-cache' }).end(body);
      } else {
        res.writeHead(404).end();
      }
    })().catch((err: unknown) => {
      console.error('bench http:', err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const close = onCleanup(() => {
    server.closeAllConnections();
    server.close();
  });
  return { base, serveBare: (dir: string | null) => (bareDir = dir && resolve(dir)), close };
}
type BenchHttp = Awaited<ReturnType<typeof startBenchHttp>>;

// ---- setups ----------------------------------------------------------------------------------

/**
 * Hawker: a server process, a show, the publisher over RTMP; live once it plays. LL-HLS on is the
 * server as shipped (the default); off is HAWKER_LLHLS=false. Either way the bench checks the
 * server does what the setup claims (the LL master served or not, the viewer page's live source)
 * before anything is measured.
 */
async function startHawker(seconds: number, lowLatency: boolean): Promise<Stream> {
  const server = await startServerProcess({
    preset: defaultConfig.pipeline.preset,
    env: { HAWKER_LOG_LEVEL: 'info', ...(!lowLatency && { HAWKER_LLHLS: 'false' }) },
  });
  const stopServer = onCleanup(() => {
    server.kill();
    rmSync(server.dataDir, { recursive: true, force: true });
  });
  const show = (await (await server.api('/api/shows', { method: 'POST', body: JSON.stringify({ title: 'latency bench' }) })).json()) as { id: string; streamKey: string };
  const publisher = publish(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`, seconds);
  const stopPublisher = onCleanup(() => publisher.stop());
  const behind = progressOf(publisher);
  const playlist = join(server.dataDir, 'media', 'hls', show.id, '720p', 'index.m3u8');
  await waitFor('the show to go live', async () => ((await (await server.api(`/api/shows/${show.id}`)).json()) as { status: string }).status === 'live', 40_000, 250);
  await waitFor('three segments in the 720p playlist', () => playlistReady(playlist, 3), 40_000, 100);
  const llMaster = `/hls/${show.id}/ll.m3u8`;
  if (lowLatency) {
    await waitFor('parts in the LL-HLS 720p playlist', async () => {
      const res = await fetch(`${server.httpUrl}/hls/${show.id}/ll-720p/index.m3u8`);
      return res.ok && (await res.text()).includes('#EXT-X-PART:');
    }, 40_000, 200);
  }
  const llStatus = (await fetch(`${server.httpUrl}${llMaster}`)).status;
  const watchHtml = await (await fetch(`${server.httpUrl}/watch/${show.id}`)).text();
  const liveSrc = /data-live-src="([^"]*)"/.exec(watchHtml)?.[1] ?? null;
  if (lowLatency ? llStatus !== 200 || liveSrc !== llMaster : llStatus !== 404 || liveSrc !== null) {
    throw new Error(`LL-HLS ${lowLatency ? 'on' : 'off'}: ${llMaster} answered ${llStatus} and the viewer page's data-live-src is ${liveSrc ?? 'absent'}`);
  }
  // the transcode, not a poster or clip FFmpeg the server may also run
  const encoderPid = () => transcoderPids(server.pid)[0] ?? null;
  return {
    masterUrl: `${server.httpUrl}/hls/${show.id}/master.m3u8`,
    llMasterUrl: lowLatency ? `${server.httpUrl}${llMaster}` : null,
    viewerUrl: `${server.httpUrl}/watch/${show.id}`,
    frameMadeAt: publisher.frameMadeAt,
    publisherBehind: behind,
    encoderPid,
    playlistFile: playlist,
    encoderLabel: `Hawker's pipeline FFmpeg (${defaultConfig.pipeline.ladder.map((r) => r.name).join('+')}, ${defaultConfig.pipeline.preset}, overlays, LL-HLS ${lowLatency ? 'on' : 'off'})`,
    stop: () => {
      stopPublisher();
      stopServer();
    },
  };
}

/**
 * The baseline: Hawker's own transcode arguments (same ladder, preset, 1 s mpegts segments; no
 * overlays) run by bare FFmpeg listening for RTMP itself, its output served by the bench's
 * static server. FFmpeg cannot listen on port 0: freePort asks the OS for one.
 */
async function startBare(seconds: number, http: BenchHttp): Promise<Stream> {
  const out = mkdtempSync(join(tmpdir(), 'hawker-bench-latency-'));
  const removeOut = onCleanup(() => rmSync(out, { recursive: true, force: true }));
  const url = `rtmp://127.0.0.1:${await freePort()}/live/bench`;
  const args = buildTranscodeArgs({
    inputUrl: url,
    outputDir: out,
    segmentSeconds: defaultConfig.pipeline.segmentSeconds,
    ladder: defaultConfig.pipeline.ladder,
    preset: defaultConfig.pipeline.preset,
    inputTimeoutSeconds: defaultConfig.pipeline.inputTimeoutSeconds,
    continuing: false,
    source: { ...SOURCE, fps: FPS, audio: { codec: 'aac', sampleRate: 48000, channels: 2 } },
  });
  args.splice(args.indexOf('-i'), 0, '-listen', '1');
  mkdirSync(out, { recursive: true });
  const ff = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const killer = setTimeout(() => ff.kill('SIGKILL'), (seconds + 30) * 1000);
  const stopFfmpeg = onCleanup(() => {
    clearTimeout(killer);
    killPid(ff.pid!);
  });
  await sleep(500); // FFmpeg listening before the publisher dials
  const publisher = publish(url, seconds);
  const stopPublisher = onCleanup(() => publisher.stop());
  const behind = progressOf(publisher);
  const playlist = join(out, '720p', 'index.m3u8');
  await waitFor('three segments from bare FFmpeg', () => playlistReady(playlist, 3), 40_000, 100);
  http.serveBare(out);
  return {
    masterUrl: `${http.base}/bare/master.m3u8`,
    llMasterUrl: null,
    viewerUrl: null,
    frameMadeAt: publisher.frameMadeAt,
    publisherBehind: behind,
    encoderPid: () => (ff.exitCode === null && ff.signalCode === null ? ff.pid! : null),
    encoderLabel: 'bare FFmpeg (same transcode, no overlays)',
    playlistFile: playlist,
    stop: () => {
      http.serveBare(null);
      stopPublisher();
      stopFfmpeg();
      removeOut();
    },
  };
}

// ---- the page side ---------------------------------------------------------------------------

// Plain JavaScript strings: the viewer page's CSP forbids the eval waitForFunction uses, and a
// function from this tsx-compiled file would carry helpers the page does not have.
const SAMPLER = `(() => {
  if (window.__bench) return true;
  const video = document.getElementById('player');
  if (!video) return false;
  const bench = (window.__bench = { samples: [], events: [] });
  for (const type of ['waiting', 'playing', 'stalled', 'seeking']) video.addEventListener(type, () => bench.events.push({ type, at: Date.now() }));
  const canvas = document.createElement('canvas');
  canvas.width = ${BITS * BOX_PX};
  canvas.height = ${BOX_PX};
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  setInterval(() => {
    const w = video.videoWidth, h = video.videoHeight;
    if (video.readyState < 2 || !w || !h) return;
    const at = Date.now();
    const t0 = performance.now();
    // the strip on the rung playing now (the boxes scale with the picture), each box to ${BOX_PX}x${BOX_PX}
    ctx.drawImage(video, 0, 0, ${BITS * BOX} * w / ${SOURCE.width}, ${BOX} * h / ${SOURCE.height}, 0, 0, canvas.width, canvas.height);
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let grey = '';
    for (let i = 0; i < px.length; i += 4) grey += String.fromCharCode((px[i] * 77 + px[i + 1] * 150 + px[i + 2] * 29) >> 8);
    bench.samples.push({ at, strip: btoa(grey), h, cost: performance.now() - t0 });
  }, ${SAMPLE_MS});
  return true;
})()`;
const DRAIN = `(() => {
  const b = window.__bench;
  return { samples: b.samples.splice(0), events: b.events.splice(0), hlsErrors: window.__hlsErrors ? window.__hlsErrors.splice(0) : null };
})()`;

interface Sample {
  at: number;
  strip: string;
  /** the rung playing (picture height) */
  h: number;
  /** ms the page spent drawing and reading */
  cost: number;
}
interface Drained {
  samples: Sample[];
  events: MediaEvent[];
  hlsErrors: Array<{ at: number; details: string; fatal: boolean }> | null;
}

const readFrame = (s: Sample) => decodeStrip(Buffer.from(s.strip, 'base64'), BITS);

interface ModeResult {
  id: string;
  name: string;
  url: string;
  samples: number;
  unreadable: number;
  implausible: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  stalls: { count: number; seconds: number };
  /** the player jumping (hls.js back to the live edge, or over a gap): a freeze or a skip too */
  seeks: number;
  /** the bench's page only: hls.js bufferStalledError and fatal errors in the window */
  hlsStallErrors: number | null;
  hlsFatalErrors: number | null;
  rungs: Record<string, number>;
  samplerCostP50: number;
  samplerCostMax: number;
  windowSeconds: number;
  encoder: { label: string; cpuSeconds: number; cores: number } | null;
  loadAvg: { start: number; end: number };
  publisherBehind: { p50: number; max: number };
  /** how old the newest listed segment's last frame was, looked at every ENCODER_LOOK_MS (ms) */
  encoderBehind: { p50: number; max: number; looks: number };
  pageErrors: string[];
}

async function play(browser: Browser, mode: Mode, stream: Stream, http: BenchHttp): Promise<ModeResult> {
  const phone = mode.page === 'viewer';
  const src = mode.page === 'viewer' ? null : mode.page.master === 'll' ? stream.llMasterUrl : stream.masterUrl;
  const url =
    mode.page === 'viewer'
      ? stream.viewerUrl
      : src && `${http.base}/player?${new URLSearchParams({ src, config: JSON.stringify(mode.page.hlsConfig) }).toString()}`;
  if (!url) throw new Error(`${mode.name}: the ${mode.setup} setup has no ${mode.page === 'viewer' ? 'viewer page' : 'LL-HLS master'}`);
  const context = await browser.newContext(phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } : { viewport: { width: 1280, height: 720 } });
  try {
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url, { timeout: 30_000 });
    await waitFor(`${mode.name}: the video element`, async () => (await page.evaluate(SAMPLER)) === true, 15_000, 200);
    const samples: Sample[] = [];
    const events: MediaEvent[] = [];
    const hlsErrors: NonNullable<Drained['hlsErrors']> = [];
    let ownPage = false;
    const collect = async () => {
      const d = (await page.evaluate(DRAIN)) as Drained;
      samples.push(...d.samples);
      events.push(...d.events);
      if (d.hlsErrors) {
        ownPage = true;
        hlsErrors.push(...d.hlsErrors);
      }
    };
    await waitFor(`${mode.name}: a frame number read off the video`, async () => {
      await collect();
      return samples.some((s) => readFrame(s) !== null);
    }, 60_000, 500);
    // warm-up: hls.js settles on a rung and a distance from the edge
    for (const until = Date.now() + WARMUP * 1000; Date.now() < until; ) {
      await sleep(2000);
      await collect();
    }
    samples.length = 0;

    const from = Date.now();
    const loadStart = loadavg()[0]!;
    const pid = stream.encoderPid();
    const cpuStart = pid === null ? NaN : cpuSeconds(pid);
    const encoderBehind: number[] = [];
    let lookedAt = 0;
    while (Date.now() - from < SECONDS * 1000) {
      await sleep(Math.min(2000, Math.max(0, SECONDS * 1000 - (Date.now() - from))));
      await collect();
      if (Date.now() - lookedAt >= ENCODER_LOOK_MS) {
        lookedAt = Date.now();
        const n = await newestListedFrame(stream.playlistFile);
        if (n !== null) encoderBehind.push(lookedAt - stream.frameMadeAt(n));
      }
    }
    const to = Date.now();
    const samePid = pid !== null && stream.encoderPid() === pid;
    const encoderCpu = samePid ? cpuSeconds(pid) - cpuStart : NaN;
    const loadEnd = loadavg()[0]!;
    const behind = stream.publisherBehind(from, to);

    const inWindow = samples.filter((s) => s.at >= from && s.at < to);
    const latencies: number[] = [];
    let unreadable = 0;
    let implausible = 0;
    const rungs: Record<string, number> = {};
    for (const s of inWindow) {
      rungs[`${s.h}p`] = (rungs[`${s.h}p`] ?? 0) + 1;
      const n = readFrame(s);
      if (n === null) {
        unreadable++;
        continue;
      }
      // a player can fall minutes behind on a starved machine; the decoder already refuses misreads
      const ms = glassToGlass(s.at, stream.frameMadeAt(n), 300_000);
      if (ms === null) implausible++;
      else latencies.push(ms);
    }
    const errorsInWindow = hlsErrors.filter((e) => e.at >= from && e.at < to);
    const costs = inWindow.map((s) => s.cost);
    return {
      id: mode.id,
      name: mode.name,
      url,
      samples: latencies.length,
      unreadable,
      implausible,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      min: Math.min(...latencies),
      max: Math.max(...latencies),
      stalls: stallsIn(events, from, to),
      seeks: events.filter((e) => e.type === 'seeking' && e.at >= from && e.at < to).length,
      hlsStallErrors: ownPage ? errorsInWindow.filter((e) => e.details === 'bufferStalledError').length : null,
      hlsFatalErrors: ownPage ? errorsInWindow.filter((e) => e.fatal).length : null,
      rungs,
      samplerCostP50: percentile(costs, 50),
      samplerCostMax: Math.max(...costs),
      windowSeconds: (to - from) / 1000,
      encoder: samePid ? { label: stream.encoderLabel, cpuSeconds: encoderCpu, cores: encoderCpu / ((to - from) / 1000) } : null,
      loadAvg: { start: loadStart, end: loadEnd },
      publisherBehind: { p50: percentile(behind, 50), max: Math.max(...behind) },
      encoderBehind: { p50: percentile(encoderBehind, 50), max: Math.max(...encoderBehind), looks: encoderBehind.length },
      pageErrors,
    };
  } finally {
    await context.close().catch(() => undefined);
  }
}

// ---- the run ---------------------------------------------------------------------------------

const budgetSeconds = modes.length * MODE_BUDGET_SECONDS + 120;
const deadline = setTimeout(() => {
  console.error(`bench:latency took over ${budgetSeconds} s; stopping`);
  cleanup();
  process.exit(1);
}, budgetSeconds * 1000);

const results: ModeResult[] = [];
let browserVersion = '';
try {
  const http = await startBenchHttp();
  const before = new Set(childPids(/chrom/));
  const browser = await launchChromium({ autoplay: true });
  const chromium = childPids(/chrom/).filter((pid) => !before.has(pid));
  // Chromium leads its own process group (Playwright spawns it detached): the group goes too
  const killChromium = onCleanup(() =>
    chromium.forEach((pid) => {
      killPid(pid, true);
      killPid(pid);
    }),
  );
  browserVersion = browser.version();
  const running = new Map<SetupName, Stream>();
  for (const [i, mode] of modes.entries()) {
    let stream = running.get(mode.setup);
    if (!stream) {
      // the publisher runs for every mode that plays this setup, with room to spare
      const seconds = modes.filter((m) => m.setup === mode.setup).length * MODE_BUDGET_SECONDS + 60;
      stream = mode.setup === 'bare' ? await startBare(seconds, http) : await startHawker(seconds, mode.setup === 'hawker');
      running.set(mode.setup, stream);
    }
    console.error(`${new Date().toISOString()} ${mode.name}: playing ${SECONDS} s after ${WARMUP} s of warm-up`);
    results.push(await play(browser, mode, stream, http));
    // a setup no later mode plays is stopped now, so it does not load the next one's window
    if (!modes.slice(i + 1).some((m) => m.setup === mode.setup)) {
      stream.stop();
      running.delete(mode.setup);
    }
  }
  await Promise.race([browser.close(), sleep(10_000)]).catch(() => undefined);
  killChromium();
} catch (err) {
  console.error('bench:latency failed:', err);
  cleanup();
  process.exit(1);
} finally {
  cleanup();
  clearTimeout(deadline);
}

// ---- the report ------------------------------------------------------------------------------

const s = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a');
const baseline = results.find((r) => allModes.find((m) => m.id === r.id)?.baseline);
const pad = (text: string, width: number) => text.padEnd(width);
const setupOf = (r: ModeResult) => allModes.find((m) => m.id === r.id)?.setup;
console.log(`\nHawker glass-to-glass latency bench, LL-HLS and plain HLS: 720p30 test pattern with a burned-in frame counter over RTMP,`);
console.log(`ladder ${defaultConfig.pipeline.ladder.map((r) => r.name).join('+')}, x264 ${defaultConfig.pipeline.preset}, ${defaultConfig.pipeline.segmentSeconds} s segments, LL-HLS parts of ${defaultConfig.pipeline.lowLatency.partSeconds} s; Chromium ${browserVersion} headless; ${SECONDS} s per mode after ${WARMUP} s of warm-up, one mode at a time, read every ${SAMPLE_MS} ms\n`);
console.log(`${pad('mode', 33)}${pad('readings', 10)}${pad('p50', 9)}${pad('p95', 9)}${pad('max', 9)}${pad('stalls', 16)}vs baseline p50 / p95`);
for (const r of results) {
  const ratio = baseline && r !== baseline ? `${(r.p50 / baseline.p50).toFixed(2)} / ${(r.p95 / baseline.p95).toFixed(2)}` : r === baseline ? '(baseline)' : 'n/a';
  console.log(`${pad(r.name, 33)}${pad(String(r.samples), 10)}${pad(s(r.p50), 9)}${pad(s(r.p95), 9)}${pad(s(r.max), 9)}${pad(`${r.stalls.count} (${r.stalls.seconds.toFixed(1)} s)`, 16)}${ratio}`);
}
console.log('');
for (const r of results) {
  const rungs = Object.entries(r.rungs).map(([k, v]) => `${k} ${Math.round((100 * v) / Math.max(1, r.samples + r.unreadable + r.implausible))}%`).join(', ');
  const hls = r.hlsStallErrors === null ? '' : `; hls.js bufferStalledError ${r.hlsStallErrors}, fatal ${r.hlsFatalErrors}`;
  console.log(`${r.name}: min ${s(r.min)}; ${r.unreadable} readings unreadable, ${r.implausible} impossible; rungs ${rungs}; seeks ${r.seeks}${hls}; publisher behind its schedule p50 ${Math.round(r.publisherBehind.p50)} ms, max ${Math.round(r.publisherBehind.max)} ms; newest listed 720p frame's age p50 ${s(r.encoderBehind.p50)}, max ${s(r.encoderBehind.max)} (${r.encoderBehind.looks} looks); load average ${r.loadAvg.start.toFixed(2)} -> ${r.loadAvg.end.toFixed(2)}${r.pageErrors.length ? `; page errors: ${r.pageErrors.join(' | ')}` : ''}`);
  const mode = allModes.find((m) => m.id === r.id);
  const reference = mode?.cpuVs ? results.find((x) => x.id === mode.cpuVs) : undefined;
  const cpuRatio = r.encoder && reference?.encoder ? `; CPU ratio vs ${reference.name}: ${(r.encoder.cores / reference.encoder.cores).toFixed(3)}` : '';
  console.log(`  ${r.encoder ? `${r.encoder.label}: ${r.encoder.cpuSeconds.toFixed(1)} CPU-s over the ${r.windowSeconds.toFixed(1)} s window (${r.encoder.cores.toFixed(3)} cores)${cpuRatio}` : 'encoder CPU: n/a (it restarted or stopped during the window)'}`);
}
const cpuWindows = (setup: SetupName) =>
  results.filter((r) => setupOf(r) === setup && r.encoder).map((r) => ({ cpuSeconds: r.encoder!.cpuSeconds, windowSeconds: r.windowSeconds }));
const llCpu = coresRatio(cpuWindows('hawker'), cpuWindows('hawker-plain'));
if (results.some((r) => setupOf(r) === 'hawker') && results.some((r) => setupOf(r) === 'hawker-plain')) {
  console.log(`\nTranscoder CPU, LL-HLS on / off (every hawker window pooled against every hawker-plain one): ${llCpu === null ? 'n/a (no window measured on one side)' : `${llCpu.toFixed(3)} (goal <= 1.05)`}`);
}
const llViewer = results.find((r) => r.id === 'viewer');
if (llViewer) {
  const met = llViewer.p50 <= 1500 && llViewer.p95 <= 2500 && llViewer.stalls.count === 0;
  console.log(`Viewer page on LL-HLS against the goal (p50 <= 1.5 s, p95 <= 2.5 s, 0 stalls in ${llViewer.windowSeconds.toFixed(0)} s): ${met ? 'met' : 'not met'}`);
}
const costs = results.map((r) => r.samplerCostP50);
console.log(`\nEach reading is Date.now() in the page, taken just before the video is drawn into the canvas, minus when the publisher made that frame`);
console.log(`(its clock estimate errs a few ms early). It counts up to one frame (${Math.round(1000 / FPS)} ms) that the frame had already been on screen; the draw`);
console.log(`and read itself took p50 ${costs.map((c) => `${c.toFixed(1)}`).join(' / ')} ms (max ${Math.max(...results.map((r) => r.samplerCostMax)).toFixed(1)}) and comes after the timestamp. Stalls: the video's 'waiting' events in the window (time until 'playing').`);
console.log(`The newest listed 720p frame's age: every ${ENCODER_LOOK_MS / 1000} s, the last frame of the newest segment in the plain 720p playlist on disk, read by FFmpeg, minus when it was made;`);
console.log(`up to one segment of it is the segment's own length. Far above the glass-to-glass figure's floor it means the encoder, not the player, fell behind (a starved machine).`);
mkdirSync('bench-out', { recursive: true });
writeFileSync('bench-out/latency.json', JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, warmup: WARMUP, browserVersion, results }, null, 2));
process.exit(0);
