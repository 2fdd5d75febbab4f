// The clip maker on a real SQLite file and the real bus, with the cutter (FFmpeg) stood in for:
// an unpin, another pin or the show's end makes one pending clip per closed span of 2 s or more,
// cut one at a time, waited for while its last segment is not listed (bounded), then ready
// (clip.ready told, with its URLs) or failed with why; a rehearsal makes none.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createClipRepository } from '../../src/db/clip-repository.js';
import { openDatabase } from '../../src/db/open.js';
import { createProductRepository } from '../../src/db/product-repository.js';
import { createShowEventRepository, createShowRepository } from '../../src/db/show-repository.js';
import { EventBus, type DomainEventOf } from '../../src/domain/events.js';
import type { Show } from '../../src/domain/show.js';
import type { ClipCutRequest, ClipCutResult } from '../../src/pipeline/clip-cut.js';
import { ClipMaker } from '../../src/replay/clip-maker.js';
import { captureLogs } from '../helpers/capture-logs.js';

const GO_LIVE = Date.UTC(2026, 10, 30, 18, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

type Cut = (request: ClipCutRequest) => Promise<ClipCutResult>;

function setup(t: { teardown(fn: () => unknown): void }, cut: Cut, status: Show['status'] = 'live', clock = { now: GO_LIVE + 60_000 }) {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'hawker-clipmaker-')), 'h.db'));
  const shows = createShowRepository(db);
  shows.create({ id: 'show1', title: 's', host: '', scheduledAt: null, status, streamKey: 'k'.repeat(43), createdAt: 1, startedAt: status === 'scheduled' ? null : GO_LIVE, endedAt: null, recordingDeletedAt: null });
  const products = createProductRepository(db);
  for (const id of ['pa', 'pb']) products.create({ id, sku: id, title: id, description: '', price: 100, currency: 'EUR', compareAtPrice: null, stock: 1, stockVersion: 0, hasImage: false, options: [], variants: [], createdAt: 1, updatedAt: 1 });
  const events = createShowEventRepository(db);
  const clips = createClipRepository(db);
  const logs = captureLogs();
  const bus = new EventBus((err) => logs.logger.error({ err }, 'subscriber failed'));
  const ready: Array<DomainEventOf<'clip.ready'>> = [];
  bus.on('clip.ready', (e) => ready.push(e));
  const requests: ClipCutRequest[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const maker = new ClipMaker({
    shows,
    events,
    clips,
    cutter: {
      cut: async (request) => {
        requests.push(request);
        mostAtOnce = Math.max(mostAtOnce, ++running);
        try {
          return await cut(request);
        } finally {
          running -= 1;
        }
      },
    },
    sink: bus,
    publicUrl: 'https://shop.example',
    logger: logs.logger,
    pollMs: 5,
    drawLatencyMs: 300,
    waitLimitMs: 200,
    now: () => clock.now,
  });
  maker.subscribe(bus);
  t.teardown(async () => {
    await maker.close();
    db.close();
  });
  /** what the overlay does: the timeline row, then the bus */
  const change = (at: number, payload: { change: 'pin'; productId: string } | { change: 'unpin' }) => {
    events.append({ showId: 'show1', type: 'overlay.changed', at, payload: { ...payload, programDateTime: iso(at + 500) } });
    bus.emit({ type: 'overlay.changed', showId: 'show1', change: payload, programDateTime: iso(at + 500), at });
  };
  const end = (at: number) => {
    shows.markEnded('show1', at);
    events.append({ showId: 'show1', type: 'show.ended', at, payload: {} });
    bus.emit({ type: 'show.ended', showId: 'show1', at });
  };
  return { maker, clips, change, end, ready, requests, logs, mostAtOnce: () => mostAtOnce, bus };
}

const cutOk: Cut = async (r) => ({ status: 'cut', durationMs: Math.ceil((r.endAt - r.startAt) / 1000) * 1000, bytes: 1000, segments: 1 });

t.test('pin A 8 s, then B 6 s, then A: a clip per closed span, cut in order one at a time, each told ready with its URLs', async (t) => {
  const s = setup(t, async (r) => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return cutOk(r);
  });
  s.change(GO_LIVE + 2000, { change: 'pin', productId: 'pa' });
  await s.maker.idle();
  t.same(s.clips.listForShow('show1', { readyOnly: false, limit: 10 }), [], 'an open span is no clip yet');
  s.change(GO_LIVE + 10_000, { change: 'unpin' });
  t.same(s.requests, [], 'nothing on the bus handler\'s call stack');
  s.change(GO_LIVE + 11_000, { change: 'pin', productId: 'pb' });
  s.change(GO_LIVE + 17_000, { change: 'pin', productId: 'pa' });
  await s.maker.idle();
  t.same(s.requests.map((r) => [r.startAt - GO_LIVE, r.endAt - GO_LIVE]), [[2800, 10_800], [11_800, 17_800]], 'the spans on the PDT clock, shifted by the draw latency, in order');
  t.equal(s.mostAtOnce(), 1, 'one cut at a time');
  const listed = s.clips.listForShow('show1', { readyOnly: true, limit: 10 });
  t.same(listed.map((c) => [c.productId, c.startMs, c.endMs, c.durationMs]).reverse(), [['pa', 2500, 10_500, 8000], ['pb', 11_500, 17_500, 6000]]);
  t.equal(s.ready.length, 2);
  const first = s.ready[0]!;
  t.same(first.clip, {
    id: first.clip.id, showId: 'show1', productId: 'pa', startMs: 2500, endMs: 10_500, status: 'ready', durationMs: 8000,
    url: `https://shop.example/hls/show1/clips/${first.clip.id}.m3u8`,
    mp4Url: `https://shop.example/hls/show1/clips/${first.clip.id}.mp4`,
    posterUrl: `https://shop.example/hls/show1/clips/${first.clip.id}.jpg`,
    createdAt: iso(GO_LIVE + 60_000), readyAt: iso(GO_LIVE + 60_000),
  });
  t.match(first.clip.id, /^[A-Za-z0-9_-]{12}$/);
  s.end(GO_LIVE + 25_000);
  await s.maker.idle();
  t.same(s.requests.slice(2).map((r) => [r.startAt - GO_LIVE, r.endAt - GO_LIVE]), [[17_800, 25_300]], 'the show\'s end closes the last span');
  s.bus.emit({ type: 'show.ended', showId: 'show1', at: GO_LIVE + 26_000 });
  await s.maker.idle();
  t.equal(s.requests.length, 3, 'a span is cut once');
});

t.test('a misclick (under 2 s) and a flash sale make no clip; a rehearsal makes none', async (t) => {
  const s = setup(t, cutOk);
  s.change(GO_LIVE + 2000, { change: 'pin', productId: 'pa' });
  s.change(GO_LIVE + 3900, { change: 'unpin' });
  s.bus.emit({ type: 'overlay.changed', showId: 'show1', change: { change: 'announcement', text: 'hi' }, programDateTime: null, at: GO_LIVE + 4000 });
  await s.maker.idle();
  t.same(s.requests, []);
  const r = setup(t, cutOk, 'scheduled');
  r.change(GO_LIVE + 2000, { change: 'pin', productId: 'pa' });
  r.change(GO_LIVE + 9000, { change: 'unpin' });
  await r.maker.idle();
  t.same(r.requests, [], 'rehearsal');
});

t.test('the last segment not listed yet: read again until it is; never listed: cut from what is there', async (t) => {
  let waits = 2;
  const s = setup(t, async (r) => (waits-- > 0 ? { status: 'waiting' } : cutOk(r)));
  s.change(GO_LIVE + 2000, { change: 'pin', productId: 'pa' });
  s.change(GO_LIVE + 10_000, { change: 'unpin' });
  await s.maker.idle();
  t.equal(s.requests.length, 3);
  t.equal(s.ready.length, 1);

  // the segment never comes (the transcoder stopped): after waitLimitMs, cut from what is there
  const clock = { now: GO_LIVE + 60_000 };
  const late = setup(t, async (r) => {
    if (r.evenIfIncomplete) return cutOk(r);
    clock.now += 100;
    return { status: 'waiting' };
  }, 'live', clock);
  late.change(GO_LIVE + 2000, { change: 'pin', productId: 'pa' });
  late.change(GO_LIVE + 10_000, { change: 'unpin' });
  await late.maker.idle();
  t.same(late.requests.map((r) => r.evenIfIncomplete ?? false), [false, false, true], 'read again until 200 ms had passed');
  t.equal(late.ready.length, 1);
  t.match(late.logs.text(), /the span's last segment never came/);

  // Hawker stopping while a clip waits: no cut, the row stays pending for the next start to fail
  const stopping = setup(t, async () => ({ status: 'waiting' }));
  stopping.change(GO_LIVE + 2000, { change: 'pin', productId: 'pa' });
  stopping.change(GO_LIVE + 10_000, { change: 'unpin' });
  while (stopping.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  await stopping.maker.close();
  t.same(stopping.ready, []);
  t.equal(stopping.clips.failAbandoned('stopped'), 1);
});

t.test('FFmpeg failing or nothing to cut: failed with why, logged, and the next span is still cut', async (t) => {
  let calls = 0;
  const s = setup(t, async (r) => {
    calls += 1;
    if (calls === 1) throw new Error('clip x: FFmpeg exited 1: moov atom not found');
    if (calls === 2) return { status: 'empty', reason: 'no whole segment starts inside the span' };
    return cutOk(r);
  });
  s.change(GO_LIVE + 2000, { change: 'pin', productId: 'pa' });
  s.change(GO_LIVE + 10_000, { change: 'pin', productId: 'pb' });
  s.change(GO_LIVE + 14_000, { change: 'pin', productId: 'pa' });
  s.change(GO_LIVE + 20_000, { change: 'unpin' });
  await s.maker.idle();
  const all = s.clips.listForShow('show1', { readyOnly: false, limit: 10 }).reverse();
  t.same(all.map((c) => [c.status, c.error]), [['failed', 'clip x: FFmpeg exited 1: moov atom not found'], ['failed', 'no whole segment starts inside the span'], ['ready', null]]);
  t.equal(s.ready.length, 1);
  t.match(s.logs.text(), /the clip could not be cut/);
});
