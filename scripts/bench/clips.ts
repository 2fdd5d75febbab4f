// npm run bench:clips
// Demo clips on a real live show: the server's own test pattern publishes (as a merchant tries a
// show without OBS), products are pinned one after another for BENCH_SPAN_SECONDS each, and for
// every pin the time from its unpin (the next pin) to its clip being ready is measured (p50/p95).
// Then the CPU a clip costs: the same span cut the way Hawker cuts it (segments joined, -c copy,
// faststart) and re-encoded with libx264 veryfast, side by side in alternating rounds on the
// same machine while the show still runs; FFmpeg's own -benchmark reports each run's user +
// system CPU seconds; the summary is the median of each. The 2 cores may be shared: the figures
// are for comparing, not absolute.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defaultConfig } from '../../src/config/defaults.js';
import { clipMp4Args, clipPosterArgs, concatList } from '../../src/pipeline/clip-cut.js';
import { startServerProcess } from '../../test/helpers/server-process.js';
import { sleep, waitFor } from '../../test/helpers/wait.js';
import { percentile } from './lib.js';

const run = promisify(execFile);
const PINS = Number(process.env.BENCH_PINS ?? 8);
const SPAN_SECONDS = Number(process.env.BENCH_SPAN_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface ClipJson {
  id: string;
  productId: string;
  startMs: number;
  status: string;
  durationMs: number | null;
  readyAt: string | null;
  error: string | null;
}

const median = (xs: number[]) => percentile(xs, 50);

/** user + system CPU seconds of one FFmpeg run, as its -benchmark line reports them */
async function cpuOf(args: string[]): Promise<number> {
  // -benchmark prints at info level: the rest of the output is kept quiet with -nostats and no banner
  const withBench = ['-benchmark', ...args.map((a) => (a === 'error' ? 'info' : a))];
  const { stderr } = await run('ffmpeg', withBench, { timeout: 120_000, maxBuffer: 1 << 24 });
  const m = /bench: utime=([\d.]+)s stime=([\d.]+)s/.exec(stderr);
  if (!m) throw new Error(`no -benchmark line in FFmpeg's output: ${stderr.slice(-500)}`);
  return Number(m[1]) + Number(m[2]);
}

async function main(): Promise<void> {
  const server = await startServerProcess({ preset: defaultConfig.pipeline.preset, env: { HAWKER_LOG_LEVEL: 'info' } });
  try {
    const api = async (path: string, method = 'GET', body?: unknown) => {
      const res = await server.api(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      return (text ? JSON.parse(text) : {}) as Record<string, any>;
    };
    const products: string[] = [];
    for (let i = 0; i < 3; i++) products.push((await api('/api/products', 'POST', { sku: `BENCH-${i}`, title: `Bench product ${i}`, price: 1000, currency: 'EUR', stock: 100 })).id as string);
    const show = await api('/api/shows', 'POST', { title: 'Clip bench' });
    const showId = show.id as string;
    await api(`/api/shows/${showId}/lineup`, 'PUT', { productIds: products });
    await api(`/api/shows/${showId}/test-pattern`, 'POST', { seconds: Math.min(3600, PINS * (SPAN_SECONDS + 1) + 120) });
    await waitFor('the show to go live', async () => (await api(`/api/shows/${showId}`)).status === 'live', 30_000, 200);
    await waitFor('segments', async () => (await server.api(`/hls/${showId}/720p/index.m3u8`)).status === 200, 30_000, 200);
    // the first card draw of a show is slower than the next: one before the measured pins
    await api(`/api/shows/${showId}/pin`, 'POST', { productId: products[0] });
    await sleep(300);
    await api(`/api/shows/${showId}/pin`, 'DELETE');
    await sleep(2000);

    // pin after pin: each pin closes the span before it (its "unpin")
    const startedAt = Date.parse((await api(`/api/shows/${showId}`)).startedAt as string);
    const pins: Array<{ startMs: number; unpinAt: number }> = [];
    for (let i = 0; i <= PINS; i++) {
      if (i > 0) pins.at(-1)!.unpinAt = Date.now();
      if (i === PINS) {
        await api(`/api/shows/${showId}/pin`, 'DELETE');
        break;
      }
      const pinned = await api(`/api/shows/${showId}/pin`, 'POST', { productId: products[i % products.length] });
      const pdt = pinned.event?.programDateTime as string | null | undefined;
      pins.push({ startMs: (pdt ? Date.parse(pdt) : Date.now()) - startedAt, unpinAt: 0 });
      await sleep(SPAN_SECONDS * 1000);
    }
    // the admin's list: failed clips too. On a machine too busy to transcode in real time a
    // pin's PDT estimate can drift and its span fall under 2 s (no clip): what was cut is measured
    let seen: ClipJson[] = [];
    await waitFor('every clip cut', async () => {
      seen = ((await api(`/api/shows/${showId}/clips?limit=500`)) as unknown as ClipJson[]).filter((c) => c.startMs >= pins[0]!.startMs - 1000);
      return seen.length >= PINS && seen.every((c) => c.status !== 'pending');
    }, 90_000, 200).catch(() => console.error(`not every pin made a clip within 90 s: ${JSON.stringify(seen.map((c) => [c.startMs, c.status, c.error]))}`));
    const ready = seen.filter((c) => c.status === 'ready').sort((a, b) => a.startMs - b.startMs);
    if (!ready.length) throw new Error('no clip was cut');
    // each clip's pin: the one whose PDT is nearest its start
    const afterUnpin = ready.map((c) => {
      const pin = pins.reduce((best, p) => (Math.abs(p.startMs - c.startMs) < Math.abs(best.startMs - c.startMs) ? p : best));
      return Date.parse(c.readyAt!) - pin.unpinAt;
    });
    const measured = seen;

    // the CPU of one clip: the last ready one's segments, cut both ways, alternating
    const clip = ready.at(-1)!;
    const showDir = join(server.dataDir, 'media', 'hls', showId);
    const segments = readFileSync(join(showDir, 'clips', `${clip.id}-720p.m3u8`), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('../'))
      .map((l) => join(showDir, 'clips', l));
    const list = join(server.dataDir, 'bench.concat');
    writeFileSync(list, concatList(segments));
    const reencode = [
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-nostats', '-y',
      '-f', 'mpegts', '-i', `concatf:${list}`,
      '-map', '0:v:0', '-map', '0:a:0?',
      '-c:v', 'libx264', '-preset', 'veryfast', '-c:a', 'aac', '-b:a', '128k',
      '-movflags', '+faststart', '-f', 'mp4', join(server.dataDir, 'bench-reencode.mp4'),
    ];
    const copyCpu: number[] = [];
    const posterCpu: number[] = [];
    const encodeCpu: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      copyCpu.push(await cpuOf(['-nostats', ...clipMp4Args(list, join(server.dataDir, 'bench-copy.mp4'))]));
      posterCpu.push(await cpuOf(['-nostats', ...clipPosterArgs(segments[0]!, join(server.dataDir, 'bench-poster.jpg'))]));
      encodeCpu.push(await cpuOf(reencode));
    }

    const ms = (x: number) => `${Math.round(x)} ms`;
    console.log(`clips: ${PINS} pins of ${SPAN_SECONDS} s on a live 720p30 test pattern (2 rungs): ${ready.length} ready, ${measured.length - ready.length} failed`);
    console.log(`  unpin -> clip ready: p50 ${ms(percentile(afterUnpin, 50))}, p95 ${ms(percentile(afterUnpin, 95))}, max ${ms(Math.max(...afterUnpin))} (each: ${afterUnpin.map(ms).join(', ')})`);
    console.log(`  clip cut CPU for ${clip.durationMs} ms of video (${segments.length} segments), median of ${ROUNDS} rounds:`);
    console.log(`    MP4 copy (Hawker):         ${median(copyCpu).toFixed(3)} CPU-s  (${copyCpu.map((x) => x.toFixed(3)).join(', ')})`);
    console.log(`    libx264 veryfast + aac:    ${median(encodeCpu).toFixed(3)} CPU-s  (${encodeCpu.map((x) => x.toFixed(3)).join(', ')})`);
    console.log(`    poster (one frame, JPEG):  ${median(posterCpu).toFixed(3)} CPU-s  (${posterCpu.map((x) => x.toFixed(3)).join(', ')})`);
    console.log(`    copy + poster cost ${(((median(copyCpu) + median(posterCpu)) / median(encodeCpu)) * 100).toFixed(1)} % of a re-encode`);
  } finally {
    server.kill();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
