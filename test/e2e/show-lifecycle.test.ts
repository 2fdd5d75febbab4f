import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ffmpegChildren, parseMediaPlaylist, probe, decodeFrames, publishTestPattern, transcoderPids, type Publisher } from '../helpers/media.js';
import { startServerProcess } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';

/** OBS's default rate: each 1 s segment is checked for about this many frames */
const FPS = 30;

// One show, start to end, with the real server process, the real RTMP server and real FFmpeg
// on both sides: publish at 720p, check the ladder, kill the transcoder, drop and reconnect the
// publisher, stop, and check the recording.
t.test('a show goes live, survives a transcoder crash and a dropped host, and ends as a recording', async (t) => {
  const server = await startServerProcess({ env: { HAWKER_RECONNECT_WINDOW_SECONDS: '4' } });
  const publishers: Publisher[] = [];
  t.teardown(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    server.kill();
  });

  const created = await server.api('/api/shows', { method: 'POST', body: JSON.stringify({ title: 'Garden hose launch' }) });
  t.equal(created.status, 201);
  const show = (await created.json()) as Record<string, string>;
  t.equal(show.status, 'scheduled');
  t.match(show.streamKey, /^[A-Za-z0-9_-]{43}$/);
  t.equal(show.ingestUrl, `rtmp://localhost:${server.rtmpPort}/live`);
  t.equal(show.playbackUrl, `http://localhost:8080/hls/${show.id}/master.m3u8`);
  const publishUrl = `rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`;
  const getShow = async () => (await (await server.api(`/api/shows/${show.id}`)).json()) as Record<string, string>;
  const playlist = async (variant: string) => {
    const res = await fetch(`${server.httpUrl}/hls/${show.id}/${variant}/index.m3u8`);
    return res.status === 200 ? parseMediaPlaylist(await res.text()) : null;
  };

  publishers.push(publishTestPattern(publishUrl, { size: '1280x720', rate: FPS }));
  await waitFor('the show to go live', async () => (await getShow()).status === 'live', 20_000);

  // master + both variants, each with a few segments
  await waitFor('four segments in each variant', async () => {
    const [a, b] = await Promise.all([playlist('720p'), playlist('360p')]);
    return a && b && a.entries.length >= 4 && b.entries.length >= 4;
  }, 30_000);
  const masterRes = await fetch(`${server.httpUrl}/hls/${show.id}/master.m3u8`);
  t.equal(masterRes.status, 200);
  t.equal(masterRes.headers.get('content-type'), 'application/vnd.apple.mpegurl');
  const master = await masterRes.text();
  t.match(master, /RESOLUTION=1280x720[^\n]*\n720p\/index\.m3u8/);
  t.match(master, /RESOLUTION=640x360[^\n]*\n360p\/index\.m3u8/);

  const scratch = mkdtempSync(join(tmpdir(), 'hawker-seg-'));
  for (const [variant, width, height] of [['720p', 1280, 720], ['360p', 640, 360]] as const) {
    const list = (await playlist(variant))!;
    t.equal(list.targetDuration, 1, `${variant} target duration is the configured segment length`);
    t.notOk(list.ended, `${variant} is not ended while live`);
    for (const entry of list.entries.slice(0, -1)) {
      t.ok(Math.abs(entry.duration - 1) <= 0.1, `${variant} ${entry.uri} lasts ${entry.duration} s, target 1 s`);
    }
    const stamps = list.entries.map((e) => Date.parse(e.programDateTime ?? ''));
    t.ok(stamps.every((s) => Number.isFinite(s)), `${variant}: every segment carries PROGRAM-DATE-TIME`);
    t.ok(stamps.every((s, i) => i === 0 || s > stamps[i - 1]!), `${variant}: PROGRAM-DATE-TIME increases`);

    const segRes = await fetch(`${server.httpUrl}/hls/${show.id}/${variant}/${list.entries[1]!.uri}`);
    t.equal(segRes.headers.get('content-type'), 'video/mp2t');
    t.match(segRes.headers.get('cache-control'), /max-age=\d+/);
    const file = join(scratch, `${variant}.ts`);
    writeFileSync(file, Buffer.from(await segRes.arrayBuffer()));
    const streams = await probe(file);
    const video = streams.find((s) => s.codec_type === 'video');
    t.same({ codec: video?.codec_name, width: video?.width, height: video?.height }, { codec: 'h264', width, height });
    t.equal(streams.find((s) => s.codec_type === 'audio')?.codec_name, 'aac', `${variant} has AAC audio`);
    const frames = await decodeFrames(file);
    t.ok(frames >= FPS - 5 && frames <= FPS + 5, `${variant} segment decodes to about one second of frames (${frames} at ${FPS} fps)`);
  }

  // Kill the transcoder: it comes back, and the playlist goes on after a discontinuity.
  const [firstFfmpeg] = transcoderPids(server.pid);
  t.ok(firstFfmpeg, 'one FFmpeg runs for the show');
  const before = (await playlist('720p'))!.entries.length;
  process.kill(firstFfmpeg!, 'SIGKILL');
  const restarted = await waitFor('FFmpeg to be restarted', () => {
    const pids = transcoderPids(server.pid);
    return pids.length === 1 && pids[0] !== firstFfmpeg ? pids[0] : undefined;
  }, 15_000);
  t.ok(restarted, 'a new FFmpeg runs');
  const afterRestart = await waitFor('segments after the restart', async () => {
    const list = (await playlist('720p'))!;
    const seam = list.entries.findIndex((e) => e.discontinuityBefore);
    return seam >= 0 && list.entries.length >= seam + 3 ? list : undefined;
  }, 20_000);
  t.ok(afterRestart.entries.length > before, 'the playlist continued');
  t.ok(afterRestart.entries.slice(0, before).every((e, i) => e.uri === `seg_${String(i).padStart(6, '0')}.ts`), 'earlier segments kept');
  const metrics = await (await fetch(`${server.httpUrl}/metrics`, { headers: { authorization: `Bearer ${server.token}` } })).text();
  t.match(metrics, /^hawker_ffmpeg_restarts_total 1$/m);
  t.match(metrics, /^hawker_live_shows 1$/m);
  t.equal((await getShow()).status, 'live', 'the show stayed live through the restart');

  // The host's connection drops; they reconnect at once: same show, playlist continues.
  await publishers[0]!.stop();
  await sleep(800);
  publishers.push(publishTestPattern(publishUrl, { size: '1280x720', rate: FPS }));
  await waitFor('segments from the reconnected host', async () => {
    const list = (await playlist('720p'))!;
    return list.entries.filter((e) => e.discontinuityBefore).length >= 2 && list.entries.at(-1)!.discontinuityBefore === false;
  }, 20_000);
  const timeline = (await (await server.api(`/api/shows/${show.id}/timeline`)).json()) as { events: Array<{ type: string; payload: Record<string, unknown>; streamMs: number }> };
  const types = timeline.events.map((e) => e.type);
  t.same(types.filter((ty) => ty === 'show.live'), ['show.live'], 'live once: the reconnect did not start a new show');
  t.notOk(types.includes('show.ended'), 'not ended by the drop');
  t.ok(timeline.events.some((e) => e.type === 'publisher.connected' && e.payload.reconnect === true), 'the reconnect is on the timeline');
  t.ok(types.includes('pipeline.restarted'));
  const all = (await (await server.api('/api/shows')).json()) as unknown[];
  t.equal(all.length, 1, 'no new show was created');

  // The host stops: after the reconnect window the show ends and the playlists close.
  await publishers[1]!.stop();
  await waitFor('the show to end', async () => (await getShow()).status === 'ended', 20_000);
  for (const variant of ['720p', '360p']) {
    const list = (await playlist(variant))!;
    t.ok(list.ended, `${variant} carries EXT-X-ENDLIST`);
    const last = await fetch(`${server.httpUrl}/hls/${show.id}/${variant}/${list.entries.at(-1)!.uri}`);
    t.equal(last.status, 200, `${variant} recording is still served`);
  }
  t.same(ffmpegChildren(server.pid), [], 'no FFmpeg left running');
  const ended = await getShow();
  t.ok(ended.endedAt && ended.startedAt && Date.parse(ended.endedAt) > Date.parse(ended.startedAt));

  const output = server.output();
  t.notOk(output.includes(show.streamKey!), 'the stream key never appears in the logs');
  t.notOk(output.includes(server.token), 'the admin token never appears in the logs');
});
