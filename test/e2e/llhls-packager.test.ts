// The LL-HLS prototype on real FFmpeg: a two-rung ladder written by the segment muxer as CMAF
// fragments of 0.2 s, indexed while the files grow. Every playlist the packager can serve along
// the way must pass the RFC checks, parts must appear in order with sane durations, aligned
// across the rungs, and ffprobe must decode the finished playlist (what a plain HLS client gets).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { lastPosition, renderLlPlaylist, type LlMediaState } from '../../src/pipeline/llhls-playlist.js';
import { cmafSegmentOptions } from '../../src/pipeline/ffmpeg-args.js';
import { partTargetFor, RungPackager } from '../../src/pipeline/llhls-rung.js';
import { decodeFrames } from '../helpers/media.js';
import { parseLlPlaylist, validateLlPlaylist } from '../helpers/llhls-validator.js';

const SECONDS = 8;
const FPS = 30;
const PART_S = 0.2;
const RUNGS = [
  { name: 'hi', size: '640:360', kbps: 800 },
  { name: 'lo', size: '320:180', kbps: 300 },
] as const;

t.test('parts of a growing two-rung CMAF ladder, in order, aligned and valid', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-llhls-'));
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
      '-f', 'segment', ...cmafSegmentOptions(1, PART_S, 0).flatMap(([key, value]) => [`-${key}`, value]), join(dir, r.name, 'seg_%06d.m4s'),
    ),
  );
  const started = Date.now();
  const ffmpeg = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: (SECONDS + 20) * 1000 });
  let stderr = '';
  ffmpeg.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => ffmpeg.once('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (ffmpeg.pid !== undefined && ffmpeg.exitCode === null && ffmpeg.signalCode === null) ffmpeg.kill('SIGKILL');
  });

  const partTargetS = partTargetFor(PART_S, FPS);
  const packagers = RUNGS.map((r) => {
    const packager = new RungPackager({ dir: join(dir, r.name), firstMsn: 0, targetDurationS: 1, partTargetS });
    packager.beginRun(0);
    return packager;
  });
  const states = (): LlMediaState[] =>
    packagers.map((p, i) => ({
      ...p.state(),
      renditionReports: packagers.flatMap((other, j) => {
        const last = j === i ? null : lastPosition({ ...other.state(), renditionReports: [] });
        return last ? [{ uri: `../${RUNGS[j]!.name}/index.m3u8`, lastMsn: last.msn, lastPart: last.part }] : [];
      }),
    }));

  const violations: string[] = [];
  const seen: { rung: number; msn: number; part: number; at: number }[] = [];
  let playlists = 0;
  const check = () => {
    states().forEach((state, rung) => {
      const text = renderLlPlaylist(state);
      playlists += 1;
      for (const v of validateLlPlaylist(text)) violations.push(`${RUNGS[rung]!.name}: ${v.rule}: ${v.message}`);
      const last = lastPosition(state);
      const prev = seen.filter((s) => s.rung === rung).at(-1);
      if (last && last.part !== null && (!prev || prev.msn !== last.msn || prev.part !== last.part)) seen.push({ rung, ...last, part: last.part, at: Date.now() - started });
    });
  };
  let running = true;
  void exited.then(() => (running = false));
  while (running) {
    const changed = await Promise.all(packagers.map((p) => p.refresh()));
    if (changed.some(Boolean)) check();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.equal(await exited, 0, `FFmpeg ran (${stderr.trim()})`);
  await Promise.all(packagers.map((p) => p.finish()));

  t.same(violations.slice(0, 5), [], `every one of ${playlists} playlists validates`);
  for (let rung = 0; rung < RUNGS.length; rung++) {
    const order = seen.filter((s) => s.rung === rung).map((s) => s.msn * 1000 + s.part);
    t.same(order, [...order].sort((a, b) => a - b), `${RUNGS[rung]!.name}: parts appear in order`);
    t.ok(order.length >= SECONDS * 2, `${RUNGS[rung]!.name}: seen growing part by part (${order.length} steps)`);
  }

  const final = packagers.map((p) => p.state());
  const [hi, lo] = final as [LlMediaState, LlMediaState];
  t.ok(hi.segments.length >= SECONDS - 1, `${hi.segments.length} segments`);
  t.equal(lo.segments.length, hi.segments.length, 'both rungs have the same segments');
  hi.segments.forEach((seg, i) => {
    const other = lo.segments[i]!;
    t.same(seg.parts.map((p) => p.durationS.toFixed(3)), other.parts.map((p) => p.durationS.toFixed(3)), `segment ${seg.msn}: same parts in both rungs`);
    t.same(seg.parts.map((p) => p.independent), seg.parts.map((_, k) => k === 0), `segment ${seg.msn}: the first part alone is independent`);
    const wrong = seg.parts.filter((p, k) => p.durationS > partTargetS + 1e-6 || (k < seg.parts.length - 1 && p.durationS < 0.85 * partTargetS));
    t.same(wrong, [], `segment ${seg.msn}: parts of ${seg.parts.map((p) => p.durationS.toFixed(3)).join('/')} s`);
  });

  // what a plain HLS client gets: the ended playlist, segments as byte ranges of the same files
  const ended = renderLlPlaylist({ ...hi, renditionReports: [] });
  t.same(validateLlPlaylist(ended), []);
  const playlist = join(dir, 'hi', 'index.m3u8');
  writeFileSync(playlist, ended);
  const frames = await decodeFrames(playlist);
  const listed = parseLlPlaylist(ended).segments.reduce((s, seg) => s + seg.duration, 0);
  t.ok(Math.abs(frames - listed * FPS) <= 1, `ffprobe decodes ${frames} frames of the ${listed.toFixed(2)} s listed`);

  // how long after FFmpeg's clock reached a part's end the packager saw it (a figure, not a gate)
  const firstSeen = seen.filter((s) => s.rung === 0);
  const lag = firstSeen.map((s) => {
    const seg = hi.segments.find((x) => x.msn === s.msn);
    const part = seg?.parts.slice(0, s.part + 1);
    return part ? s.at / 1000 - (s.msn + part.reduce((a, p) => a + p.durationS, 0)) : NaN;
  }).filter(Number.isFinite).sort((a, b) => a - b);
  t.comment(`part seen after its media end (spawn clock, includes FFmpeg start-up): p50 ${lag[Math.floor(lag.length / 2)]?.toFixed(3)} s, max ${lag.at(-1)?.toFixed(3)} s`);
});
