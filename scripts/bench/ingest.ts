// npm run bench:ingest
// Measures, on this machine, with the real server process, the real RTMP server and real FFmpeg:
//  1. publish -> first playable segment (from the server's "publish started" to the first
//     variant playlist listing a segment), for 1 s and 2 s segments;
//  2. live-edge latency: a frame counter is burned into the source as a barcode; for each new
//     segment, the last frame's number is read back and compared with when the publisher made
//     that frame (fitted from the publisher's -progress reports): segment listed - frame made;
//  3. CPU per stream: Hawker (node-media-server in Node + the supervised FFmpeg) vs bare FFmpeg
//     doing the same transcode with the same arguments, listening for RTMP itself; same source,
//     one after the other in this run; printed as a ratio.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config/defaults.js';
import { buildTranscodeArgs } from '../../src/pipeline/ffmpeg-args.js';
import { transcoderPids, parseMediaPlaylist } from '../../test/helpers/media.js';
import { startServerProcess, type ServerProcess } from '../../test/helpers/server-process.js';
import { sleep, waitFor } from '../../test/helpers/wait.js';
import { bareFfmpegCpu, cpuSeconds, freePort, lastFrameNumber, percentile, publish, type BenchPublisher } from './lib.js';

const SAMPLE_SECONDS = Number(process.env.BENCH_SECONDS ?? 25);

async function createShow(server: ServerProcess, title: string) {
  const res = await server.api('/api/shows', { method: 'POST', body: JSON.stringify({ title }) });
  return (await res.json()) as { id: string; streamKey: string };
}

interface LatencyResult {
  segmentSeconds: number;
  firstSegmentMs: number;
  liveEdge: { samples: number; p50: number; p95: number; min: number; max: number };
  hawkerCpu?: { ffmpeg: number; node: number; total: number };
}

async function measureHawker(segmentSeconds: number, measureCpu: boolean): Promise<LatencyResult> {
  // the plain transcode, as bare FFmpeg below does it (the overlay benchmark measures overlays)
  const config = join(mkdtempSync(join(tmpdir(), 'hawker-bench-cfg-')), 'hawker.yaml');
  writeFileSync(config, 'pipeline:\n  overlays: false\n');
  const server = await startServerProcess({ preset: defaultConfig.pipeline.preset, env: { HAWKER_SEGMENT_SECONDS: String(segmentSeconds), HAWKER_LOG_LEVEL: 'info', HAWKER_CONFIG: config } });
  const publishers: BenchPublisher[] = [];
  try {
    const show = await createShow(server, `bench ${segmentSeconds}s`);
    const playlistPath = join(server.dataDir, 'media', 'hls', show.id, '720p', 'index.m3u8');
    const publisher = publish(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`, SAMPLE_SECONDS + 20);
    publishers.push(publisher);
    const firstListed = await waitFor('first segment', () => {
      if (!existsSync(playlistPath)) return 0;
      return parseMediaPlaylist(readFileSync(playlistPath, 'utf8')).entries.length > 0 ? Date.now() : 0;
    }, 30_000, 10);
    const published = server.logs.find((l) => l.msg === 'publish started');
    const firstSegmentMs = firstListed - Number(published?.time);

    const latencies: number[] = [];
    const seen = new Set<string>();
    const ffmpegPid = transcoderPids(server.pid)[0]!;
    const cpuStart = { ffmpeg: cpuSeconds(ffmpegPid), node: cpuSeconds(server.pid), at: Date.now() };
    const until = Date.now() + SAMPLE_SECONDS * 1000;
    while (Date.now() < until) {
      const entries = parseMediaPlaylist(readFileSync(playlistPath, 'utf8')).entries;
      const listedAt = Date.now();
      for (const e of entries) {
        if (seen.has(e.uri)) continue;
        seen.add(e.uri);
        if (seen.size <= 2) continue; // the first segments hold the start-up, measured above
        const n = lastFrameNumber(join(playlistPath, '..', e.uri));
        latencies.push(listedAt - publisher.frameMadeAt(n));
      }
      await sleep(10);
    }
    const wall = (Date.now() - cpuStart.at) / 1000;
    const hawkerCpu = measureCpu
      ? {
          ffmpeg: (cpuSeconds(ffmpegPid) - cpuStart.ffmpeg) / wall,
          node: (cpuSeconds(server.pid) - cpuStart.node) / wall,
          total: 0,
        }
      : undefined;
    if (hawkerCpu) hawkerCpu.total = hawkerCpu.ffmpeg + hawkerCpu.node;
    return {
      segmentSeconds,
      firstSegmentMs,
      liveEdge: { samples: latencies.length, p50: percentile(latencies, 50), p95: percentile(latencies, 95), min: Math.min(...latencies), max: Math.max(...latencies) },
      hawkerCpu,
    };
  } finally {
    publishers.forEach((p) => p.stop());
    server.kill();
  }
}

/** The same transcode with FFmpeg as its own RTMP server: what one would run without Hawker. */
async function measureBareFfmpeg(): Promise<number> {
  const port = await freePort();
  const out = mkdtempSync(join(tmpdir(), 'hawker-bench-bare-'));
  const url = `rtmp://127.0.0.1:${port}/live/bench`;
  const args = buildTranscodeArgs({
    inputUrl: url,
    outputDir: out,
    segmentSeconds: 1,
    ladder: defaultConfig.pipeline.ladder,
    source: { width: 1280, height: 720, fps: 30, audio: { codec: 'aac', sampleRate: 48000, channels: 2 } },
    preset: defaultConfig.pipeline.preset,
    inputTimeoutSeconds: defaultConfig.pipeline.inputTimeoutSeconds,
    continuing: false,
  });
  try {
    return await bareFfmpegCpu(args, url, join(out, '720p', 'index.m3u8'), SAMPLE_SECONDS);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const results: LatencyResult[] = [];
results.push(await measureHawker(1, true));
const bareCpu = await measureBareFfmpeg();
results.push(await measureHawker(2, false));

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`\nHawker ingest benchmark (720p30 test pattern with a burned-in frame counter, ladder ${defaultConfig.pipeline.ladder.map((r) => r.name).join('+')}, ${SAMPLE_SECONDS} s per sample)\n`);
for (const r of results) {
  console.log(`segments ${r.segmentSeconds} s: publish -> first playable segment ${fmt(r.firstSegmentMs)}; live edge (frame made -> its segment listed) p50 ${fmt(r.liveEdge.p50)}, p95 ${fmt(r.liveEdge.p95)}, min ${fmt(r.liveEdge.min)}, max ${fmt(r.liveEdge.max)} over ${r.liveEdge.samples} segments`);
}
const hawker = results[0]!.hawkerCpu!;
console.log(`\nCPU per stream (cores), 1 s segments:`);
console.log(`  Hawker:      ${hawker.total.toFixed(3)}  (FFmpeg ${hawker.ffmpeg.toFixed(3)} + Node/RTMP relay ${hawker.node.toFixed(3)})`);
console.log(`  bare FFmpeg: ${bareCpu.toFixed(3)}  (same arguments, FFmpeg listening for RTMP itself)`);
console.log(`  ratio Hawker / bare FFmpeg: ${(hawker.total / bareCpu).toFixed(3)}`);
mkdirSync('bench-out', { recursive: true });
writeFileSync('bench-out/ingest.json', JSON.stringify({ at: new Date().toISOString(), results, bareCpu, ratio: hawker.total / bareCpu }, null, 2));
process.exit(0);
