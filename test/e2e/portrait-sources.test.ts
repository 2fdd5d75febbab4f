import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';

import { layoutFor, type FrameLayout } from '../../src/overlay/layout.js';
import { loadOverlayTheme, slotNames, type SlotName } from '../../src/overlay/templates.js';
import { decodeFrames, parseMediaPlaylist, probe, publisherOf, type Publisher } from '../helpers/media.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';

// Sources as phones and apps send them, published over RTMP by a real FFmpeg: portrait at 60 fps
// (with 44.1 kHz mono audio, and without audio), square and landscape without audio, and a host
// who reconnects rotated. Each source is encoded to a file once and published with -c copy, so
// the publishers cost next to nothing on a shared machine.

const run = promisify(execFile);
const ARTIFACTS = 'artifacts/portrait-sources';
/** A light plain picture: every overlay (dark boxes, red bars, the white QR) differs from it. */
const BACKGROUND = '0xb0b8c0';
const theme = loadOverlayTheme();

interface SourceSpec {
  width: number;
  height: number;
  fps: number;
  audio: 'none' | 'mono-44k';
}

const scratch = mkdtempSync(join(tmpdir(), 'hawker-portrait-'));

async function encodeSource(spec: SourceSpec, seconds: number): Promise<string> {
  const file = join(scratch, `src-${spec.width}x${spec.height}-${spec.fps}-${spec.audio}.flv`);
  const audio = spec.audio === 'none' ? [] : ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100'];
  await run(
    'ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-nostdin',
      '-f', 'lavfi', '-i', `color=c=${BACKGROUND}:size=${spec.width}x${spec.height}:rate=${spec.fps}`,
      ...audio,
      '-t', String(seconds),
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(spec.fps), '-pix_fmt', 'yuv420p',
      ...(spec.audio === 'none' ? [] : ['-c:a', 'aac', '-ac', '1', '-ar', '44100', '-b:a', '64k']),
      '-y', file,
    ],
    { timeout: 60_000 },
  );
  return file;
}

/** Publishes a prepared file in real time, as a phone app would stream it. */
function publishFile(url: string, file: string, maxSeconds: number): Publisher {
  const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-i', file, '-c', 'copy', '-f', 'flv', url], {
    stdio: ['ignore', 'ignore', 'ignore'],
    timeout: maxSeconds * 1000,
    killSignal: 'SIGKILL',
  });
  return publisherOf(child);
}

function resolutions(master: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = master.split('\n');
  lines.forEach((line, i) => {
    const res = /RESOLUTION=(\d+x\d+)/.exec(line);
    if (res) out[lines[i + 1]!.trim().split('/')[0]!] = res[1]!;
  });
  return out;
}

interface Frame {
  width: number;
  height: number;
  gray: Buffer;
}

class ShowMedia {
  constructor(
    private readonly server: ServerProcess,
    readonly showId: string,
  ) {}

  async text(path: string): Promise<string | null> {
    const res = await fetch(`${this.server.httpUrl}/hls/${this.showId}/${path}`);
    return res.status === 200 ? res.text() : null;
  }

  async playlist(variant: string) {
    const text = await this.text(`${variant}/index.m3u8`);
    return text ? parseMediaPlaylist(text) : null;
  }

  async download(variant: string, uri: string): Promise<string> {
    const file = join(scratch, `${this.showId}-${variant}-${uri}`);
    const res = await fetch(`${this.server.httpUrl}/hls/${this.showId}/${variant}/${uri}`);
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    return file;
  }

  /** The decoded 720p frame at a PROGRAM-DATE-TIME (gray), and optionally saved as a PNG. */
  async frameAt(pdt: number, png?: string): Promise<Frame> {
    await waitFor(`a segment past ${new Date(pdt).toISOString()}`, async () => {
      const last = (await this.playlist('720p'))?.entries.at(-1);
      return Boolean(last?.programDateTime && Date.parse(last.programDateTime) > pdt + 500);
    }, 30_000);
    const entries = (await this.playlist('720p'))!.entries.filter((e) => e.programDateTime);
    const startOf = (e: { programDateTime: string | null }) => Date.parse(e.programDateTime!);
    // the segment whose span holds the moment; across a gap in the PDTs (a new run), the first
    // segment written after it: -ss past a segment's end would decode no frame at all
    const holding = entries.find((e) => startOf(e) <= pdt && pdt < startOf(e) + e.duration * 1000);
    const entry = holding ?? entries.find((e) => startOf(e) > pdt);
    if (!entry) throw new Error(`no 720p segment at or after ${new Date(pdt).toISOString()}`);
    const file = await this.download('720p', entry.uri);
    const seconds = holding ? Math.min((pdt - startOf(entry)) / 1000, Math.max(0, entry.duration - 0.1)) : 0;
    const offset = Math.max(0, seconds).toFixed(3);
    const [stream] = (await probe(file)).filter((s) => s.codec_type === 'video');
    const { width, height } = stream as { width: number; height: number };
    const { stdout } = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', file, '-ss', offset, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], {
      timeout: 30_000,
      encoding: 'buffer',
      maxBuffer: 1 << 24,
    });
    if (stdout.length !== width * height) {
      throw new Error(`decoding ${entry.uri} (${entry.duration} s from ${entry.programDateTime}) at ${offset} s gave ${stdout.length} bytes, not a ${width}x${height} frame`);
    }
    if (png) await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', file, '-ss', offset, '-frames:v', '1', '-y', png], { timeout: 30_000 });
    return { width, height, gray: stdout };
  }
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  count: number;
}

/** Where two frames differ (gray levels apart by more than encoding noise), within an optional mask. */
function differ(a: Frame, b: Frame, keep: (x: number, y: number) => boolean = () => true): Box {
  const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity, count: 0 };
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const i = y * a.width + x;
      if (Math.abs(a.gray[i]! - b.gray[i]!) <= 24 || !keep(x, y)) continue;
      box.count++;
      box.x0 = Math.min(box.x0, x);
      box.y0 = Math.min(box.y0, y);
      box.x1 = Math.max(box.x1, x + 1);
      box.y1 = Math.max(box.y1, y + 1);
    }
  }
  return box;
}

/** Inside the slot's box, grown by a few pixels for the encoder's ringing at sharp edges. */
const near = (layout: FrameLayout, slot: SlotName, grow = 6) => (x: number, y: number) => {
  const p = layout.slots[slot];
  return x >= p.x - grow && x < p.x + p.width + grow && y >= p.y - grow && y < p.y + p.height + grow;
};

/** The slot is there whole: what changed reaches every edge of its box (corners are rounded). */
function assertWhole(t: Test, layout: FrameLayout, slot: SlotName, box: Box, label: string) {
  const p = layout.slots[slot];
  const slack = 6;
  t.ok(
    Math.abs(box.x0 - p.x) <= slack && Math.abs(box.y0 - p.y) <= slack && Math.abs(box.x1 - (p.x + p.width)) <= slack && Math.abs(box.y1 - (p.y + p.height)) <= slack,
    `${label}: ${slot} drawn whole where the layout puts it (changed ${box.x0},${box.y0}-${box.x1},${box.y1}; slot ${p.x},${p.y}-${p.x + p.width},${p.y + p.height})`,
  );
}

function assertInsideSafeZones(t: Test, layout: FrameLayout, box: Box, label: string) {
  const { width, height } = layout.frame;
  const z = layout.safeZone;
  t.ok(
    box.x0 >= z.left * width - 2 && box.y0 >= z.top * height - 2 && box.x1 <= (1 - z.right) * width + 2 && box.y1 <= (1 - z.bottom) * height + 2 && box.x0 >= 0 && box.y1 <= height,
    `${label}: everything drawn is inside the frame and clear of the safe zones (${box.x0},${box.y0}-${box.x1},${box.y1} in ${width}x${height})`,
  );
}

async function checkLadder(t: Test, media: ShowMedia, want: Record<string, string>, label: string) {
  let master = '';
  await waitFor(`${label}: master playlist`, async () => {
    master = (await media.text('master.m3u8')) ?? '';
    return JSON.stringify(resolutions(master)) === JSON.stringify(want);
  }, 30_000).catch(() => undefined);
  t.same(resolutions(master), want, `${label}: the master playlist's RESOLUTION tells the truth`);
  for (const [variant, size] of Object.entries(want)) {
    await waitFor(`${label}: ${variant} segments`, async () => ((await media.playlist(variant))?.entries.length ?? 0) >= 2, 30_000);
    const last = (await media.playlist(variant))!.entries.at(-1)!;
    const file = await media.download(variant, last.uri);
    const streams = await probe(file);
    const video = streams.find((s) => s.codec_type === 'video');
    t.equal(`${video?.width}x${video?.height}`, size, `${label}: ${variant} segments are ${size} (ffprobe)`);
    t.ok(streams.some((s) => s.codec_type === 'audio' && s.codec_name === 'aac'), `${label}: ${variant} has an AAC track`);
    t.ok((await decodeFrames(file)) > 0, `${label}: ${variant} segment plays (decodes)`);
  }
}

async function post(server: ServerProcess, path: string, body?: unknown, method = 'POST') {
  const res = await server.api(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as Record<string, any>;
}

t.test('phone-shaped sources: ladder, silent audio, every overlay whole and apart, a rotated reconnect', async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startServerProcess({ env: { HAWKER_LOG_LEVEL: 'info' } });
  const publishers: Publisher[] = [];
  t.teardown(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    server.kill();
  });
  const [landscape, portrait, tall, square] = await Promise.all([
    encodeSource({ width: 1920, height: 1080, fps: 30, audio: 'none' }, 20),
    encodeSource({ width: 720, height: 1280, fps: 60, audio: 'mono-44k' }, 60),
    encodeSource({ width: 1080, height: 1920, fps: 60, audio: 'none' }, 30),
    encodeSource({ width: 720, height: 720, fps: 30, audio: 'none' }, 30),
  ]);
  const product = await post(server, '/api/products', { sku: 'HOSE-30', title: 'Garden hose 30 m, brass fittings', price: 1999, currency: 'USD', compareAtPrice: 2999, stock: 1000 });
  // the sale is on another product: a sale on the pinned one changes the card's price in force,
  // and each overlay must be judged alone
  const saleProduct = await post(server, '/api/products', { sku: 'CAN-10', title: 'Watering can 10 l', price: 1999, currency: 'USD', stock: 1000 });

  const control = (showId: string) => ({
    pin: () => post(server, `/api/shows/${showId}/pin`, { productId: product.id }),
    unpin: () => post(server, `/api/shows/${showId}/pin`, undefined, 'DELETE'),
    sale: () => post(server, `/api/shows/${showId}/flash-sales`, { productId: saleProduct.id, price: 1499, quantity: 20, durationSeconds: 600 }),
    endSale: () => post(server, `/api/shows/${showId}/flash-sales/current`, undefined, 'DELETE'),
    qr: (enabled: boolean) => post(server, `/api/shows/${showId}/qr`, { enabled }, 'PUT'),
    announce: () => post(server, `/api/shows/${showId}/announcement`, { text: 'Code LIVE10: 10% off the next 10 orders' }, 'PUT'),
    unannounce: () => post(server, `/api/shows/${showId}/announcement`, undefined, 'DELETE'),
    poll: () => post(server, `/api/shows/${showId}/polls`, { question: 'Which colour next?', options: ['Green', 'Blue', 'Orange'], onOverlay: true }),
    unpoll: () => post(server, `/api/shows/${showId}/polls/overlay`, undefined, 'DELETE'),
  });
  const on = (c: ReturnType<typeof control>) => Promise.all([c.pin(), c.sale(), c.qr(true), c.announce(), c.poll()]);

  await t.test('landscape 1920x1080 without audio, then the host reconnects rotated: 720x1280 at 60 fps, 44.1 kHz mono', async (t) => {
    const show = await post(server, '/api/shows', { title: 'Rotating host' });
    const media = new ShowMedia(server, show.id);
    const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`;
    const first = publishFile(url, landscape, 30);
    publishers.push(first);
    await checkLadder(t, media, { '720p': '1280x720', '360p': '640x360' }, 'landscape 1920x1080');
    const landscapeSegments = (await media.playlist('720p'))!.entries.length;
    await first.stop();

    publishers.push(publishFile(url, portrait, 90));
    await checkLadder(t, media, { '720p': '720x1280', '360p': '360x640' }, 'rotated to 720x1280');
    const list = (await media.playlist('720p'))!;
    t.ok(list.entries.slice(0, landscapeSegments + 1).some((e) => e.discontinuityBefore), 'the new shape starts after a discontinuity');
    t.ok(list.entries.length > landscapeSegments, 'in the same playlist: the same show continues');
    const timeline = await post(server, `/api/shows/${show.id}/timeline`, undefined, 'GET');
    const types = (timeline.events as Array<{ type: string; payload: Record<string, unknown> }>).map((e) => e.type);
    t.equal(types.filter((x) => x === 'show.live').length, 1, 'live once');
    t.notOk(types.includes('show.ended'), 'never ended');
    const probed = (timeline.events as Array<{ type: string; payload: Record<string, unknown> }>).filter((e) => e.type === 'source.probed').map((e) => e.payload);
    t.match(probed, [{ width: 1920, height: 1080, audio: false }, { width: 720, height: 1280, fps: 60, audio: true }], 'each shape on the timeline');

    // every overlay on, then each one off in turn: what changes is that overlay, whole, alone
    const layout = layoutFor(theme, { width: 720, height: 1280 });
    const c = control(show.id);
    const WINDOW_MS = 2500;
    const calibrate = await c.unannounce();
    const offset = calibrate.event?.programDateTime ? Date.parse(calibrate.event.programDateTime) - Date.now() : 600;
    const moments: Array<{ name: string; at: number }> = [];
    const step = async (name: string, act: () => Promise<unknown>) => {
      const at = Date.now();
      await act();
      moments.push({ name, at });
      await sleep(WINDOW_MS);
    };
    await step('none', async () => undefined);
    await step('all', () => on(c));
    await step('product', () => c.unpin());
    await step('flash', () => Promise.all([c.pin(), c.endSale()]));
    await step('qr', () => Promise.all([c.sale(), c.qr(false)]));
    await step('announcement', () => Promise.all([c.qr(true), c.unannounce()]));
    await step('poll', () => Promise.all([c.announce(), c.unpoll()]));
    const frames: Record<string, Frame> = {};
    for (const m of moments) {
      // well inside the window: the change landed (estimate + encoder), the next has not
      frames[m.name] = await media.frameAt(m.at + offset + 1300, m.name === 'all' ? `${ARTIFACTS}/portrait-720x1280-all-overlays.png` : undefined);
    }
    t.equal(frames.all!.width, 720);
    const all = differ(frames.all!, frames.none!);
    assertInsideSafeZones(t, layout, all, 'portrait, all on');
    for (const slot of slotNames) {
      // the flash sale's countdown ticks in every window: leave its box out of the others' comparison
      const mine = differ(frames.all!, frames[slot]!, (x, y) => slot === 'flash' || !near(layout, 'flash')(x, y));
      assertWhole(t, layout, slot, differ(frames.all!, frames[slot]!, near(layout, slot)), 'portrait 720x1280');
      // the QR links to the pinned product, or to the sale's when nothing is pinned: an unpin
      // redraws it on purpose (checked below), so it is left out of the product's comparison
      const related = (x: number, y: number) => slot === 'product' && near(layout, 'qr')(x, y);
      const elsewhere = differ(frames.all!, frames[slot]!, (x, y) => !near(layout, slot)(x, y) && !related(x, y) && (slot === 'flash' || !near(layout, 'flash')(x, y)));
      t.ok(elsewhere.count < 50, `portrait 720x1280: taking ${slot} off changes nothing outside its box (${elsewhere.count} px elsewhere of ${mine.count})`);
      t.ok(mine.count > layout.slots[slot].width * layout.slots[slot].height * 0.3, `portrait 720x1280: ${slot} is there with its whole picture (${mine.count} px), covered by nothing`);
    }
    t.ok(differ(frames.all!, frames.product!, near(layout, 'qr')).count > 0, 'portrait 720x1280: with the card off the QR links to the sale\'s product');
  });

  for (const [label, file, size, rungs] of [
    ['portrait 1080x1920 at 60 fps without audio', tall, { width: 720, height: 1280 }, { '720p': '720x1280', '360p': '360x640' }],
    ['square 720x720 without audio', square, { width: 720, height: 720 }, { '720p': '720x720', '360p': '360x360' }],
  ] as const) {
    await t.test(label, async (t) => {
      const show = await post(server, '/api/shows', { title: label });
      const media = new ShowMedia(server, show.id);
      const publisher = publishFile(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`, file, 40);
      publishers.push(publisher);
      await checkLadder(t, media, rungs, label);
      const layout = layoutFor(theme, size);
      const c = control(show.id);
      const calibrate = await c.unannounce();
      const offset = calibrate.event?.programDateTime ? Date.parse(calibrate.event.programDateTime) - Date.now() : 600;
      const noneAt = Date.now();
      await sleep(2000);
      const allAt = Date.now();
      await on(c);
      const none = await media.frameAt(noneAt + offset + 1000);
      const all = await media.frameAt(allAt + offset + 1800, `${ARTIFACTS}/${size.width}x${size.height}-all-overlays.png`);
      t.equal(`${all.width}x${all.height}`, `${size.width}x${size.height}`);
      const changed = differ(all, none);
      assertInsideSafeZones(t, layout, changed, label);
      for (const slot of slotNames) assertWhole(t, layout, slot, differ(all, none, near(layout, slot)), label);
      const outside = differ(all, none, (x, y) => !slotNames.some((s) => near(layout, s)(x, y)));
      t.ok(outside.count < 50, `${label}: nothing drawn outside the slots (${outside.count} px)`);
      await publisher.stop();
    });
  }
});
