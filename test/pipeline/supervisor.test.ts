import { existsSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import t from 'tap';
import { createLogger } from '../../src/log/logger.js';
import { ProcessPool } from '../../src/pipeline/process-pool.js';
import { waitFor } from '../helpers/wait.js';

const quietLogger = () =>
  createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) });

// A real FFmpeg that encodes a short test pattern to nowhere and exits on its own.
const shortRun = ['-hide_banner', '-nostdin', '-nostats', '-progress', 'pipe:1', '-stats_period', '0.2', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=30', '-t', '0.6', '-f', 'null', '-'];
const endless = ['-hide_banner', '-nostdin', '-nostats', '-progress', 'pipe:1', '-stats_period', '0.2', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=30', '-f', 'null', '-'];

t.test('restarts FFmpeg with growing delays, asking for continuing args', async (t) => {
  const starts: Array<{ continuing: boolean; at: number }> = [];
  const restarts: number[] = [];
  let maxFrame = 0;
  const sup = new ProcessPool().supervise('pipeline test', {
    ffmpegPath: 'ffmpeg',
    buildArgs: (continuing) => {
      starts.push({ continuing, at: Date.now() });
      return shortRun;
    },
    logger: quietLogger(),
    restartMinDelayMs: 100,
    restartMaxDelayMs: 400,
    restartStableAfterMs: 60_000,
    stopTimeoutMs: 2000,
    onRestart: ({ delayMs }) => restarts.push(delayMs),
    onProgress: (p) => (maxFrame = Math.max(maxFrame, p.frame)),
  });
  sup.start();
  await waitFor('four restarts', () => restarts.length >= 4, 20_000);
  await sup.stop();
  t.same(starts.map((s) => s.continuing).slice(0, 4), [false, true, true, true]);
  t.same(restarts.slice(0, 4), [100, 200, 400, 400], 'doubling, capped');
  t.ok(sup.restarts >= 3);
  t.ok(maxFrame > 0, 'progress was parsed from the real FFmpeg');
  t.equal(sup.lastProgress, null, 'no progress is kept from runs that ended');
  const count = starts.length;
  await new Promise((r) => setTimeout(r, 600));
  t.equal(starts.length, count, 'no start after stop()');
});

t.test('stop() ends a running FFmpeg with SIGINT and it is not restarted', async (t) => {
  let starts = 0;
  const sup = new ProcessPool().supervise('pipeline test', {
    ffmpegPath: 'ffmpeg',
    buildArgs: () => (starts++, endless),
    logger: quietLogger(),
    restartMinDelayMs: 50,
    restartMaxDelayMs: 50,
    restartStableAfterMs: 60_000,
    stopTimeoutMs: 3000,
  });
  sup.start();
  await waitFor('progress', () => sup.lastProgress && sup.lastProgress.frame > 5, 10_000);
  const pid = sup.pid!;
  const began = Date.now();
  await sup.stop();
  t.ok(Date.now() - began < 3000, 'it stopped on SIGINT, without the kill');
  t.notOk(existsSync(`/proc/${pid}/stat`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')), 'the process is gone');
  t.equal(sup.restarts, 0);
  t.equal(starts, 1);
  t.equal(sup.running, false);
});

t.test('a missing binary is retried with backoff, never thrown', async (t) => {
  let restarts = 0;
  const sup = new ProcessPool().supervise('pipeline test', {
    ffmpegPath: '/nonexistent/ffmpeg',
    buildArgs: () => [],
    logger: quietLogger(),
    restartMinDelayMs: 20,
    restartMaxDelayMs: 40,
    restartStableAfterMs: 60_000,
    stopTimeoutMs: 100,
    onRestart: () => restarts++,
  });
  sup.start();
  await waitFor('retries', () => restarts >= 2, 5000);
  await sup.stop();
  t.pass('no exception escaped');
});
