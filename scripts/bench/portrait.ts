// npm run bench:portrait
// Transcode CPU by source shape, with the real server process, RTMP server and FFmpeg, one run
// each, in turn (the machine may be shared: compare the ratios, not the absolute figures):
//  1. Hawker, portrait 720x1280 at 30 fps, every overlay on (a flash-sale countdown ticking, the
//     announcement changed every 2 s);
//  2. Hawker, landscape 1280x720, the same;
//  3. bare FFmpeg doing the same portrait transcode (same arguments, same ladder) with the same
//     five overlays as static PNGs, FFmpeg as its own RTMP server.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config/defaults.js';
import { emptyOverlayState } from '../../src/domain/overlay.js';
import { buildTranscodeArgs } from '../../src/pipeline/ffmpeg-args.js';
import { rungSizes } from '../../src/pipeline/ladder.js';
import { layoutFor } from '../../src/overlay/layout.js';
import { type OverlayScene } from '../../src/overlay/render.js';
import { loadOverlayTheme } from '../../src/overlay/templates.js';
import { transcoderPids } from '../../test/helpers/media.js';
import { startServerProcess, type ServerProcess } from '../../test/helpers/server-process.js';
import { sleep, waitFor } from '../../test/helpers/wait.js';
import { bareFfmpegCpu, cpuSeconds, FPS, freePort, publish, withStaticOverlays, staticOverlayLayers } from './lib.js';

const CPU_SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const theme = loadOverlayTheme();
const source = (width: number, height: number) => `testsrc2=size=${width}x${height}:rate=${FPS}`;

async function api(server: ServerProcess, path: string, method = 'GET', body?: unknown) {
  const res = await server.api(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return (await res.json()) as Record<string, any>;
}

async function hawkerCpu(width: number, height: number): Promise<{ ffmpeg: number; node: number; total: number }> {
  const server = await startServerProcess({ preset: defaultConfig.pipeline.preset, env: { HAWKER_LOG_LEVEL: 'info' } });
  try {
    const product = await api(server, '/api/products', 'POST', { sku: 'C1', title: 'Benchmark hose', price: 1999, currency: 'USD', compareAtPrice: 2999, stock: 1000 });
    const show = await api(server, '/api/shows', 'POST', { title: 'portrait bench' });
    const pub = publish(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`, CPU_SECONDS + 30, source(width, height));
    const playlistFile = join(server.dataDir, 'media', 'hls', show.id, '720p', 'index.m3u8');
    await waitFor('segments', () => existsSync(playlistFile), 30_000);
    await api(server, `/api/shows/${show.id}/pin`, 'POST', { productId: product.id });
    await api(server, `/api/shows/${show.id}/flash-sales`, 'POST', { productId: product.id, price: 1499, quantity: 100, durationSeconds: 600 });
    await api(server, `/api/shows/${show.id}/qr`, 'PUT', { enabled: true });
    await api(server, `/api/shows/${show.id}/polls`, 'POST', { question: 'Which colour next?', options: ['Green', 'Blue'], onOverlay: true });
    await sleep(2000);
    const pid = transcoderPids(server.pid)[0]!;
    const start = { ffmpeg: cpuSeconds(pid), node: cpuSeconds(server.pid), at: Date.now() };
    for (let i = 0; Date.now() - start.at < CPU_SECONDS * 1000; i++) {
      await api(server, `/api/shows/${show.id}/announcement`, 'PUT', { text: `Deal ${i}: 10% off the next 10 orders` });
      await sleep(2000);
    }
    const wall = (Date.now() - start.at) / 1000;
    if (!existsSync(`/proc/${pid}`)) {
      const why = server.logs.filter((l) => /restart|stall|exit/i.test(String(l.msg))).map((l) => `${String(l.msg)} ${JSON.stringify(l.reason ?? l.code ?? '')}`);
      throw new Error(`FFmpeg ${pid} was replaced during the measurement (a busy machine?): ${why.join('; ')}`);
    }
    const ffmpeg = (cpuSeconds(pid) - start.ffmpeg) / wall;
    const node = (cpuSeconds(server.pid) - start.node) / wall;
    pub.stop();
    return { ffmpeg, node, total: ffmpeg + node };
  } finally {
    server.kill();
  }
}

/** The same portrait transcode, the same five overlays drawn once as PNGs, no Hawker. */
async function bareCpu(width: number, height: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-bench-portrait-'));
  const probed = { width, height, fps: FPS, audio: { codec: 'aac', sampleRate: 48000, channels: 2 } };
  const layout = layoutFor(theme, rungSizes(probed, defaultConfig.pipeline.ladder)[0]!);
  const product = { id: 'p', sku: 's', title: 'Benchmark hose', description: '', price: 1999, currency: 'USD', compareAtPrice: 2999, stock: 1, stockVersion: 0, hasImage: false, options: [], variants: [], createdAt: 0, updatedAt: 0 };
  const now = Date.now();
  const scene: OverlayScene = {
    state: { ...emptyOverlayState(), qr: true, announcement: { text: 'Deal 1: 10% off the next 10 orders' }, poll: { question: 'Which colour next?', options: [{ label: 'Green', votes: 0 }, { label: 'Blue', votes: 0 }] } },
    pinned: { product, imagePng: null },
    flashSale: { sale: { id: 'f', showId: 's', productId: 'p', variantId: null, price: 1499, quantity: 100, remaining: 100, perCustomerLimit: null, startsAt: now, endsAt: now + 600_000, createdAt: now }, product },
    checkoutUrl: 'http://localhost:8080/watch/x?product=p',
    now,
  };
  const layers = await staticOverlayLayers(theme, layout, scene, dir);
  const port = await freePort();
  const url = `rtmp://127.0.0.1:${port}/live/bench`;
  const args = buildTranscodeArgs({
    inputUrl: url,
    outputDir: join(dir, 'out'),
    segmentSeconds: 1,
    ladder: defaultConfig.pipeline.ladder,
    preset: defaultConfig.pipeline.preset,
    inputTimeoutSeconds: 3,
    continuing: false,
    source: probed,
    overlays: layers,
  });
  mkdirSync(join(dir, 'out'), { recursive: true });
  try {
    return await bareFfmpegCpu(withStaticOverlays(args), url, join(dir, 'out', '720p', 'index.m3u8'), CPU_SECONDS, source(width, height));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const portrait = await hawkerCpu(720, 1280);
console.log('Hawker portrait 720x1280', JSON.stringify(portrait));
const landscape = await hawkerCpu(1280, 720);
console.log('Hawker landscape 1280x720', JSON.stringify(landscape));
const bare = await bareCpu(720, 1280);
console.log('bare FFmpeg portrait 720x1280, static overlays', bare.toFixed(3));

console.log(`\nTranscode CPU by source shape (cores, one run of ${CPU_SECONDS} s each; 30 fps testsrc2, default 720+360 ladder, five overlays)`);
console.log(`  Hawker portrait 720x1280:   ${portrait.total.toFixed(3)} (FFmpeg ${portrait.ffmpeg.toFixed(3)} + Node ${portrait.node.toFixed(3)})`);
console.log(`  Hawker landscape 1280x720:  ${landscape.total.toFixed(3)} (FFmpeg ${landscape.ffmpeg.toFixed(3)} + Node ${landscape.node.toFixed(3)})`);
console.log(`  bare FFmpeg portrait, static PNG overlays: ${bare.toFixed(3)}`);
console.log(`  portrait / landscape: ${(portrait.total / landscape.total).toFixed(3)}; Hawker portrait / bare portrait: ${(portrait.total / bare).toFixed(3)} (FFmpeg alone ${(portrait.ffmpeg / bare).toFixed(3)})`);
