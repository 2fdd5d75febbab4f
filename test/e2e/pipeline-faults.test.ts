import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ffmpegChildren, parseMediaPlaylist, transcoderPids, publishTestPattern, type Publisher } from '../helpers/media.js';
import { parseLlPlaylist, validateLlPlaylist } from '../helpers/llhls-validator.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

// Faults on the media path, with the real server process, RTMP server and FFmpeg: a transcoder
// that freezes (SIGSTOP: alive, silent) and a server killed with SIGKILL in the middle of a show.

function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hawker-cfg-')), 'hawker.yaml');
  writeFileSync(file, yaml);
  return file;
}

async function createShow(server: ServerProcess, title: string) {
  const res = await server.api('/api/shows', { method: 'POST', body: JSON.stringify({ title }) });
  return (await res.json()) as { id: string; streamKey: string };
}

const playlistOf = (server: ServerProcess, showId: string) => async () => {
  const res = await fetch(`${server.httpUrl}/hls/${showId}/720p/index.m3u8`);
  return res.status === 200 ? parseMediaPlaylist(await res.text()) : null;
};

t.test('a frozen FFmpeg is killed by the watchdog and restarted; the show goes on producing segments', async (t) => {
  const server = await startServerProcess({
    env: { HAWKER_CONFIG: configFile('pipeline:\n  watchdogSeconds: 4\n  ladder:\n    - { name: 720p, height: 360, videoKbps: 800, audioKbps: 96 }\n') },
  });
  const publishers: Publisher[] = [];
  t.teardown(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    server.kill();
  });
  const show = await createShow(server, 'Frozen transcoder');
  const playlist = playlistOf(server, show.id);
  publishers.push(publishTestPattern(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`));
  await waitFor('three segments', async () => ((await playlist())?.entries.length ?? 0) >= 3, 30_000);
  await waitFor('the pipeline to report running', async () => {
    const ready = (await (await fetch(`${server.httpUrl}/readyz`)).json()) as { pipelines?: Record<string, string> };
    return ready.pipelines?.[show.id] === 'running';
  }, 10_000);
  t.match(await (await server.api('/metrics')).text(), new RegExp(`hawker_encode_fps\\{show="${show.id}"\\} [1-9]`), 'fps reported while it encodes');

  const [frozen] = transcoderPids(server.pid);
  t.ok(frozen, 'one FFmpeg for the show');
  const before = (await playlist())!.entries.length;
  process.kill(frozen!, 'SIGSTOP');
  const stoppedAt = Date.now();

  // While it is frozen: not ready, and no fps or speed that pretends it still encodes.
  const seen = await waitFor('/readyz to report the stall', async () => {
    const res = await fetch(`${server.httpUrl}/readyz`);
    const body = (await res.json()) as { pipelines?: Record<string, string>; checks: Record<string, boolean> };
    const state = body.pipelines?.[show.id];
    return state === 'stalled' || state === 'restarting' ? { status: res.status, state, checks: body.checks } : undefined;
  }, 8000, 50);
  // One show's transcode restarting must not take the node (every other show, the API, chat)
  // out of a load balancer: reported, not failed.
  t.equal(seen.status, 200, `still ready while the pipeline is ${seen.state}`);
  t.equal(seen.checks.pipelines, undefined, 'pipelines are reported, not a readiness check');
  t.notMatch(await (await server.api('/metrics')).text(), new RegExp(`hawker_encode_fps\\{show="${show.id}"\\}`), 'no fps for a frozen run');

  const replacement = await waitFor('a new FFmpeg', () => {
    const pids = transcoderPids(server.pid);
    return pids.length === 1 && pids[0] !== frozen ? pids[0] : undefined;
  }, 20_000);
  const tookMs = Date.now() - stoppedAt;
  t.ok(tookMs >= 2500, `not killed before the watchdog's 4 s, counted from the last progress up to 1 s before the freeze (${tookMs} ms)`);
  t.ok(replacement, `FFmpeg ${frozen} replaced by ${replacement} after ${tookMs} ms`);
  t.same(ffmpegChildren(server.pid).filter((p) => p === frozen), [], 'the frozen process is gone (SIGKILL)');

  const after = await waitFor('segments after the restart', async () => {
    const list = (await playlist())!;
    const seam = list.entries.findIndex((e, i) => i >= before - 1 && e.discontinuityBefore);
    return seam >= 0 && list.entries.length >= seam + 3 ? list : undefined;
  }, 30_000);
  t.ok(after.entries.length >= before + 3, `the playlist went on: ${before} -> ${after.entries.length} segments`);
  await waitFor('running again', async () => {
    const ready = (await (await fetch(`${server.httpUrl}/readyz`)).json()) as { pipelines?: Record<string, string> };
    return ready.pipelines?.[show.id] === 'running';
  }, 10_000);

  const metrics = await (await server.api('/metrics')).text();
  t.match(metrics, /^hawker_ffmpeg_restarts_total 1$/m);
  t.match(metrics, new RegExp(`^hawker_pipeline_progressing\\{show="${show.id}"\\} 1$`, 'm'));
  const timeline = (await (await server.api(`/api/shows/${show.id}/timeline`)).json()) as { events: Array<{ type: string; payload: Record<string, unknown> }> };
  t.ok(timeline.events.some((e) => e.type === 'pipeline.restarted' && e.payload.reason === 'stalled'), 'the stall is on the timeline');
  t.ok(server.logs.some((l) => l.msg === 'ffmpeg made no progress; killing it' && l.pid === frozen), 'the kill is logged with the PID');
});

t.test('the server is killed with SIGKILL mid-show; started again, the host reconnects and the same show goes on', async (t) => {
  const env = { HAWKER_RECONNECT_WINDOW_SECONDS: '60', HAWKER_CONFIG: configFile('pipeline:\n  ladder:\n    - { name: 720p, height: 360, videoKbps: 800, audioKbps: 96 }\n') };
  const first = await startServerProcess({ env });
  const publishers: Publisher[] = [];
  let second: ServerProcess | null = null;
  t.teardown(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    first.kill();
    second?.kill();
  });
  const show = await createShow(first, 'Crash mid-show');
  publishers.push(publishTestPattern(`rtmp://127.0.0.1:${first.rtmpPort}/live/${show.streamKey}`));
  await waitFor('four segments', async () => ((await playlistOf(first, show.id)())?.entries.length ?? 0) >= 4, 30_000);
  const beforeCrash = (await playlistOf(first, show.id)())!;
  const llBefore = parseLlPlaylist(await (await fetch(`${first.httpUrl}/hls/${show.id}/ll-720p/index.m3u8`)).text());
  const llLastMsn = llBefore.mediaSequence + llBefore.segments.length;

  // The container dies: the server and its FFmpeg children, all at once.
  first.kill();
  await publishers[0]!.exited;

  second = await startServerProcess({ env, dataDir: first.dataDir });
  const server = second;
  const getShow = async () => (await (await server.api(`/api/shows/${show.id}`)).json()) as { status: string; id: string };
  t.equal((await getShow()).status, 'live', 'the show is still live after the restart, waiting for its host');
  t.ok(server.logs.some((l) => l.msg === 'show was live when the server stopped; waiting for its host to reconnect'), 'recover() found it');

  publishers.push(publishTestPattern(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`));
  const after = await waitFor('segments from the reconnected host', async () => {
    const list = await playlistOf(server, show.id)();
    if (!list) return undefined;
    const seam = list.entries.findIndex((e, i) => i >= beforeCrash.entries.length && e.discontinuityBefore);
    return seam >= 0 && list.entries.length >= seam + 3 ? list : undefined;
  }, 40_000);
  t.same(
    after.entries.slice(0, beforeCrash.entries.length).map((e) => e.uri),
    beforeCrash.entries.map((e) => e.uri),
    'the segments from before the crash are still listed',
  );
  const uris = after.entries.map((e) => e.uri);
  t.equal(new Set(uris).size, uris.length, 'segment names are not reused');
  t.ok(after.entries.length >= beforeCrash.entries.length + 3, `the playlist continued: ${beforeCrash.entries.length} -> ${after.entries.length}`);
  const last = await fetch(`${server.httpUrl}/hls/${show.id}/720p/${after.entries.at(-1)!.uri}`);
  t.equal(last.status, 200, 'the new segments are served');
  t.equal((await getShow()).status, 'live');
  // LL-HLS: the restarted server lists only what its own runs write, numbered on from the files
  // the first one left, so a player's media sequence never goes back
  const ll = await waitFor('LL-HLS from the restarted server', async () => {
    const res = await fetch(`${server.httpUrl}/hls/${show.id}/ll-720p/index.m3u8`);
    return res.status === 200 ? res.text() : undefined;
  }, 20_000, 200);
  t.same(validateLlPlaylist(ll), [], 'it validates');
  t.ok(parseLlPlaylist(ll).mediaSequence > llLastMsn, `its numbering goes on (${parseLlPlaylist(ll).mediaSequence} after ${llLastMsn})`);
  const timeline = (await (await server.api(`/api/shows/${show.id}/timeline`)).json()) as { events: Array<{ type: string; payload: Record<string, unknown> }> };
  const types = timeline.events.map((e) => e.type);
  t.same(types.filter((ty) => ty === 'show.live'), ['show.live'], 'live once: the same show, not a new one');
  t.notOk(types.includes('show.ended'));
  const publisherEvents = timeline.events.filter((e) => e.type.startsWith('publisher.')).map((e) => `${e.type} ${String(e.payload.reason ?? e.payload.reconnect)}`);
  t.same(
    publisherEvents,
    ['publisher.connected false', 'publisher.disconnected server restarted', 'publisher.connected true'],
    'connected, lost with the server, reconnected',
  );
  const all = (await (await server.api('/api/shows')).json()) as unknown[];
  t.equal(all.length, 1, 'no new show was created');
});
