// LL-HLS served by the real server from a real show: a test pattern published over RTMP, the
// transcoder writing plain HLS and CMAF parts through one encode, Hawker's packager indexing the
// parts and the HLS route answering blocking reloads, delta updates and byte ranges. Every
// playlist served must pass the RFC 8216bis checks (test/helpers/llhls-validator.ts).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { decodeFrames, parseMediaPlaylist, publishTestPattern, transcoderPids, type Publisher } from '../helpers/media.js';
import { parseLlPlaylist, validateLlPlaylist, type ParsedPart } from '../helpers/llhls-validator.js';
import { startServerProcess } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';

const PART_S = 0.2;

t.test('LL-HLS from a live show: valid playlists, blocking reloads on time, byte-range parts, a restart seam, the end', async (t) => {
  const server = await startServerProcess();
  const publishers: Publisher[] = [];
  t.teardown(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    server.kill();
  });
  const show = (await (await server.api('/api/shows', { method: 'POST', body: JSON.stringify({ title: 'Low latency' }) })).json()) as { id: string; streamKey: string };
  const base = `${server.httpUrl}/hls/${show.id}`;
  const llDir = join(server.dataDir, 'media', 'hls', show.id, 'll-720p');
  publishers.push(publishTestPattern(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`, { maxSeconds: 90 }));

  const violations: string[] = [];
  let served = 0;
  const media = async (query = '', rung = '720p') => {
    const res = await fetch(`${base}/ll-${rung}/index.m3u8${query}`);
    const text = await res.text();
    if (res.status === 200) {
      served += 1;
      for (const v of validateLlPlaylist(text, { delta: query.includes('_HLS_skip') })) violations.push(`${rung}${query}: ${v.rule}: ${v.message}`);
    }
    return { res, text };
  };
  await waitFor('the first LL parts', async () => (await media()).res.status === 200, 40_000, 200);

  // the LL master waits for FFmpeg to name the codecs (its first plain segment)
  const master = await waitFor('the LL master', async () => {
    const res = await fetch(`${base}/ll.m3u8`);
    return res.status === 200 ? res : null;
  }, 20_000, 200);
  t.equal(master.headers.get('access-control-allow-origin'), '*', 'CORS as for every HLS file');
  const masterText = await master.text();
  t.match(
    masterText,
    /#EXT-X-STREAM-INF:BANDWIDTH=\d+,RESOLUTION=640x360,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"\nll-720p\/index\.m3u8/,
    'the master lists the LL renditions with their true size and codecs (without them hls.js kept a phone on the lowest rung)',
  );
  t.match(masterText, /ll-360p\/index\.m3u8/);
  const plainMaster = await waitFor('the plain master', async () => {
    const res = await fetch(`${base}/master.m3u8`);
    return res.status === 200 ? res.text() : null;
  }, 20_000, 200);
  t.match(plainMaster, /720p\/index\.m3u8/, 'the plain master is there as before');

  t.test('plain reloads: every playlist validates, with parts, hints, server control and a report of the other rung', async (t) => {
    let last = '';
    for (let i = 0; i < 20; i += 1) {
      const { res, text } = await media();
      t.equal(res.headers.get('cache-control'), 'no-cache, no-store, must-revalidate');
      last = text;
      await sleep(100);
    }
    const pl = parseLlPlaylist(last);
    t.match(pl.serverControl, { 'CAN-BLOCK-RELOAD': 'YES', 'PART-HOLD-BACK': /^0\.6/ });
    t.equal(pl.partTarget, PART_S);
    t.ok(pl.segments.at(-1)!.parts.length > 0 || pl.trailingParts.length > 0, 'parts near the edge');
    t.equal(pl.preloadHints.length, 1, 'a preload hint for the next part');
    t.match(pl.renditionReports, [{ URI: '../ll-360p/index.m3u8', 'LAST-MSN': /^\d+$/, 'LAST-PART': /^\d+$/ }]);
    t.ok(pl.segments.every((s) => s.programDateTime !== null), 'PROGRAM-DATE-TIME on every segment');
    t.same(violations, [], `${served} playlists validate`);
  });

  t.test('blocking reloads are answered when their part appears, within one part duration', async (t) => {
    // the file sizes as FFmpeg writes them, seen every few ms: when each part became whole
    const sizes: Array<{ file: string; at: number; size: number }> = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const pl = parseLlPlaylist((await media()).text);
        const hint = pl.preloadHints[0]?.URI;
        for (const file of new Set([hint, pl.trailingParts.at(-1)?.uri].filter((f): f is string => Boolean(f)))) {
          try {
            sizes.push({ file, at: Date.now(), size: statSync(join(llDir, file)).size });
          } catch {
            // not created yet
          }
        }
        await sleep(2);
      }
    })();
    const delays: number[] = [];
    for (let i = 0; i < 15; i += 1) {
      const pl = parseLlPlaylist((await media()).text);
      const msn = pl.mediaSequence + pl.segments.length;
      const next = pl.trailingParts.length;
      const askedAt = Date.now();
      const { res, text } = await media(`?_HLS_msn=${msn}&_HLS_part=${next}`);
      const answeredAt = Date.now();
      t.equal(res.status, 200);
      t.equal(res.headers.get('cache-control'), 'public, max-age=6', 'a blocking answer may be kept by a CDN');
      const got = parseLlPlaylist(text);
      // the part asked for: part `next` of segment msn or, that segment closed before it had
      // one, part 0 of the next (RFC 8216bis 6.2.5.2), wherever the answer lists it
      const bySeq = (m: number) => (m === got.mediaSequence + got.segments.length ? got.trailingParts : got.segments[m - got.mediaSequence]?.parts);
      const part: ParsedPart | undefined = bySeq(msn)?.[next] ?? bySeq(msn + 1)?.[0];
      if (!t.ok(part, `the answer holds part ${next} of ${msn} or the one after it`)) t.comment(`asked after:\n${pl.segments.length} segments, parts ${pl.trailingParts.length}\nanswer:\n${text.split('\n').slice(-14).join('\n')}`);
      if (!part?.byteRange) continue;
      const end = part.byteRange.offset + part.byteRange.length;
      const arrived = sizes.find((s) => s.file === part.uri && s.size >= end);
      if (arrived && arrived.at > askedAt) delays.push(answeredAt - arrived.at);
    }
    // one held on purpose, two parts ahead: the metric counts it while it waits
    const latest = parseLlPlaylist((await media()).text);
    const ahead = media(`?_HLS_msn=${latest.mediaSequence + latest.segments.length}&_HLS_part=${latest.trailingParts.length + 1}`);
    const held = await waitFor('the held request in the metrics', async () => {
      const m = /^hawker_llhls_held_requests (\d+)$/m.exec(await (await server.api('/metrics')).text());
      return m && Number(m[1]) >= 1 ? Number(m[1]) : null;
    }, 3000, 20).catch(() => 0);
    t.ok(held >= 1, `hawker_llhls_held_requests ${held} while one waits`);
    t.equal((await ahead).res.status, 200, 'and it is answered');
    watching = false;
    await watcher;
    delays.sort((a, b) => a - b);
    t.comment(`blocking reload answered after its part was whole in the file: ${delays.join(', ')} ms`);
    t.ok(delays.length >= 5, `${delays.length} parts waited for`);
    t.ok(delays[Math.floor(delays.length / 2)]! <= PART_S * 1000, `median within one part duration (${delays[Math.floor(delays.length / 2)]} ms)`);
    t.same(violations, [], 'every blocking answer validates');
  });

  t.test('delivery directives: a delta update, and clear refusals', async (t) => {
    await waitFor('more than CAN-SKIP-UNTIL (6 s) of segments', async () => parseLlPlaylist((await media()).text).segments.length > 8, 30_000, 500);
    const delta = parseLlPlaylist((await media('?_HLS_skip=YES')).text);
    t.ok((delta.skipped ?? 0) > 0, `the delta update skips ${delta.skipped} segments`);
    const full = parseLlPlaylist((await media()).text);
    t.ok(delta.segments.length < full.segments.length, 'and lists fewer');
    for (const [query, why] of [
      ['?_HLS_part=1', 'a part without a segment'],
      ['?_HLS_msn=x', 'not a number'],
      ['?_HLS_skip=NO', 'not YES or v2'],
      ['?_HLS_msn=1&_HLS_msn=2', 'given twice'],
      [`?_HLS_msn=${full.mediaSequence + full.segments.length + 5}`, 'too far ahead of the live edge'],
    ] as const) {
      const { res, text } = await media(query);
      t.equal(res.status, 400, `${why}: 400`);
      t.match(JSON.parse(text), { code: 'BAD_REQUEST' });
    }
  });

  t.test('parts and segments are byte ranges of the same files, immutable', async (t) => {
    const pl = parseLlPlaylist((await media()).text);
    const part = pl.segments.at(-1)!.parts[1]!;
    const res = await fetch(`${base}/ll-720p/${part.uri}`, { headers: { range: `bytes=${part.byteRange!.offset}-${part.byteRange!.offset + part.byteRange!.length - 1}` } });
    t.equal(res.status, 206);
    t.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    t.match(res.headers.get('content-range'), new RegExp(`^bytes ${part.byteRange!.offset}-\\d+/\\d+$`));
    const body = Buffer.from(await res.arrayBuffer());
    t.equal(body.length, part.byteRange!.length);
    t.ok(['moof', 'styp', 'prft'].includes(body.toString('latin1', 4, 8)), `a part starts with a fragment's box (${body.toString('latin1', 4, 8)})`);
    const past = await fetch(`${base}/ll-720p/${part.uri}`, { headers: { range: 'bytes=999999999-' } });
    t.equal(past.status, 416, 'a range past the end: 416');
    t.equal(past.headers.get('content-range')?.startsWith('bytes */'), true);
    const map = parseLlPlaylist((await media()).text).map!;
    t.match(map, { URI: /^seg_\d{6}\.m4s$/, BYTERANGE: /^\d+@0$/ }, 'the init section is the head of the run\'s first file');
  });

  t.test('an FFmpeg restart: the playlists go on after a discontinuity with the new run\'s init, numbering unbroken', async (t) => {
    const before = parseLlPlaylist((await media()).text);
    const [pid] = transcoderPids(server.pid);
    t.ok(pid, 'the show transcodes');
    process.kill(pid!, 'SIGKILL');
    const after = await waitFor('segments after the seam', async () => {
      const pl = parseLlPlaylist((await media()).text);
      const seam = pl.segments.findIndex((s) => s.discontinuity);
      return seam >= 0 && pl.segments.length >= seam + 2 ? pl : null;
    }, 40_000, 300);
    t.equal(after.mediaSequence, before.mediaSequence, 'the playlist continues (same first segment)');
    t.ok(after.segments.length > before.segments.length, `${before.segments.length} -> ${after.segments.length} segments`);
    const text = (await media()).text;
    t.match(text, /#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="seg_\d{6}\.m4s",BYTERANGE="\d+@0"/, 'the seam names the new run\'s init section');
    t.same(violations, [], 'every playlist across the restart validates');
  });

  t.test('the show ends: ENDLIST without parts or hints; ffprobe decodes the LL playlist as a plain client', async (t) => {
    t.equal((await server.api(`/api/shows/${show.id}/end`, { method: 'POST' })).status, 200);
    const ended = await waitFor('the LL playlist to end', async () => {
      const { text } = await media();
      return text.includes('#EXT-X-ENDLIST') ? text : null;
    }, 20_000, 200).catch(async (err: unknown) => {
      t.comment((await media()).text.split('\n').slice(-8).join('\n'));
      t.comment(JSON.stringify(server.logs.filter((l) => Number(l.level) >= 40 || /LL|llhls|ended|stopped/.test(String(l.msg))).slice(-15)));
      throw err;
    });
    t.notMatch(ended, /#EXT-X-PART:|#EXT-X-PRELOAD-HINT|#EXT-X-SERVER-CONTROL/);
    t.same(validateLlPlaylist(ended), []);
    const listed = parseLlPlaylist(ended).segments.reduce((sum, s) => sum + s.duration, 0);
    const frames = await decodeFrames(`${base}/ll-720p/index.m3u8`);
    t.ok(Math.abs(frames - listed * 15) <= 15, `ffprobe decodes ${frames} frames over HTTP byte ranges (${listed.toFixed(1)} s listed at 15 fps)`);
    const plain = parseMediaPlaylist(await (await fetch(`${base}/720p/index.m3u8`)).text());
    t.ok(plain.ended, 'the plain HLS recording ends as before');
    const plainSeconds = plain.entries.reduce((sum, e) => sum + e.duration, 0);
    t.ok(Math.abs(plainSeconds - listed) <= 2, `the LL playlist covers what the recording does (${listed.toFixed(1)} s vs ${plainSeconds.toFixed(1)} s)`);
    // the LL files are a second copy of the live show: they go with the server's stop (a minute
    // after the end otherwise), the recording stays
    t.ok(existsSync(llDir), 'the LL files are there within the minute after the end');
    t.equal(await server.terminate(), 0, 'the server stops cleanly');
    t.notOk(existsSync(llDir), 'and the ended show\'s LL files are gone');
    t.ok(existsSync(join(server.dataDir, 'media', 'hls', show.id, '720p', 'index.m3u8')), 'the recording stays');
  });
});
