import t from 'tap';
import { ProcessPool } from '../../src/pipeline/process-pool.js';
import type { RestartReason, SupervisorOptions } from '../../src/pipeline/supervisor.js';
import { captureLogs } from '../helpers/capture-logs.js';
import { FakeChild } from '../helpers/fake-child.js';
import { manualClock } from '../helpers/manual-clock.js';

// The supervisor as the launcher runs it, a child of the process pool, with a fake FFmpeg
// (test/helpers/fake-child.ts) and a clock only the test moves: backoff, stop grace and
// shutdown in milliseconds. test/pipeline/supervisor.test.ts runs the same against real FFmpeg.

interface Setup {
  honoursSigint?: boolean;
  /** what each spawn does: a child, one the OS cannot start, or a spawn that throws */
  spawn?: (n: number) => 'ok' | 'enoent' | 'throws';
}

function setup(options: Setup = {}, overrides: Partial<SupervisorOptions> = {}) {
  const { logger, text } = captureLogs('debug');
  const clock = manualClock(1_000_000);
  const children: FakeChild[] = [];
  const starts: boolean[] = [];
  const restarts: Array<{ delayMs: number; reason: RestartReason }> = [];
  let stopped = 0;
  let spawns = 0;
  const pool = new ProcessPool({
    logger,
    setTimer: clock.setTimer,
    now: clock.now,
    spawn: (_command, args) => {
      const what = options.spawn?.(spawns) ?? 'ok';
      spawns += 1;
      if (what === 'throws') throw new Error('spawn EAGAIN');
      const child = new FakeChild(5000 + children.length, { args, honoursSigint: options.honoursSigint ?? true });
      children.push(child);
      if (what === 'enoent') child.failToStart('spawn /nonexistent/ffmpeg ENOENT');
      else setImmediate(() => child.emit('spawn'));
      return child;
    },
  });
  const sup = pool.supervise('pipeline show1', {
    ffmpegPath: '/usr/bin/ffmpeg',
    buildArgs: (continuing) => (starts.push(continuing), ['-progress', 'pipe:1']),
    logger,
    restartMinDelayMs: 100,
    restartMaxDelayMs: 400,
    restartStableAfterMs: 60_000,
    stopTimeoutMs: 2000,
    watchdogMs: 0,
    onRestart: ({ delayMs, reason }) => void restarts.push({ delayMs, reason }),
    onStopped: () => void stopped++,
    ...overrides,
  });
  return { pool, sup, clock, children, starts, restarts, stopped: () => stopped, logs: text };
}

/** lets the fake child's setImmediate events and the promise callbacks after them run */
const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
};

t.test('a crashing FFmpeg is restarted after doubling delays, capped, with continuing args; no time passes by itself', async (t) => {
  const { sup, clock, children, starts, restarts } = setup();
  sup.start();
  for (let i = 0; i < 4; i++) {
    children[i]!.die(1, null);
    await settle();
    const delay = restarts[i]!.delayMs;
    clock.advance(delay - 1);
    t.equal(children.length, i + 1, `no restart before ${delay} ms`);
    clock.advance(1);
    t.equal(children.length, i + 2, `restarted at ${delay} ms`);
  }
  t.same(starts.slice(0, 4), [false, true, true, true]);
  t.same(restarts.map((r) => r.delayMs), [100, 200, 400, 400], 'doubling, capped');
  t.same(restarts.map((r) => r.reason), ['exited', 'exited', 'exited', 'exited']);
  t.equal(sup.restarts, 4);
  // a run that lasted restartStableAfterMs starts the backoff again
  clock.advance(60_000);
  children[4]!.die(1, null);
  await settle();
  t.equal(restarts[4]!.delayMs, 100);
  await sup.stop();
  clock.advance(10_000);
  t.equal(children.length, 5, 'no start after stop()');
});

t.test('stop() is the pool stop: SIGINT, and the run ends without a kill when FFmpeg honours it', async (t) => {
  const { pool, sup, clock, children, stopped, logs } = setup({ honoursSigint: true });
  sup.start();
  await settle();
  t.equal(pool.size, 1, 'the run is a child of the pool');
  await sup.stop();
  t.same(children[0]!.signals, ['SIGINT']);
  t.equal(sup.running, false);
  t.equal(sup.health, 'stopped');
  t.equal(pool.size, 0);
  t.equal(clock.pending(), 0, "the pool's kill timer was cancelled");
  await sup.stop();
  t.equal(stopped(), 1, 'onStopped runs once, however many stop() calls');
  t.match(logs(), /ffmpeg stopped/);
});

t.test('stop() kills by PID an FFmpeg that ignores SIGINT, after stopTimeoutMs of clock time and not before', async (t) => {
  const { pool, sup, clock, children, stopped, logs } = setup({ honoursSigint: false });
  sup.start();
  await settle();
  let done = false;
  const stopping = sup.stop().then(() => void (done = true));
  await settle();
  t.same(children[0]!.signals, ['SIGINT']);
  clock.advance(1999);
  await settle();
  t.equal(done, false, 'still within the grace');
  t.equal(stopped(), 0);
  clock.advance(1);
  await stopping;
  t.same(children[0]!.signals, ['SIGINT', 'SIGKILL']);
  t.equal(stopped(), 1);
  t.equal(pool.size, 0);
  t.match(logs(), /pipeline show1 did not stop on SIGINT; killing it/);
  t.equal(logs().match(/killing it/g)?.length, 1, 'one kill, by the pool');
});

t.test('an FFmpeg the OS cannot start is logged once per attempt and retried as spawn-failed', async (t) => {
  const { sup, clock, children, restarts, logs } = setup({ spawn: (n) => (n < 2 ? 'enoent' : 'ok') });
  sup.start();
  await settle();
  t.same(restarts, [{ delayMs: 100, reason: 'spawn-failed' }]);
  t.equal(sup.health, 'restarting');
  t.equal(logs().match(/ENOENT/g)?.length, 1, 'the spawn error is logged once, not twice');
  t.match(logs(), /child process could not be started/);
  clock.advance(100);
  await settle();
  t.same(restarts.map((r) => r.reason), ['spawn-failed', 'spawn-failed']);
  t.equal(logs().match(/ENOENT/g)?.length, 2, 'once per attempt');
  clock.advance(200);
  await settle();
  t.equal(children.length, 3);
  t.equal(sup.running, true, 'runs once FFmpeg can be started');
  children[2]!.progress();
  t.equal(sup.health, 'running');
  await sup.stop();
});

t.test('a spawn that throws is logged once (by the pool) and retried', async (t) => {
  const { sup, clock, children, restarts, logs } = setup({ spawn: (n) => (n === 0 ? 'throws' : 'ok') });
  sup.start();
  t.same(restarts, [{ delayMs: 100, reason: 'spawn-failed' }]);
  t.equal(logs().match(/EAGAIN/g)?.length, 1, 'logged once');
  clock.advance(100);
  t.equal(children.length, 1);
  await sup.stop();
});

t.test('the watchdog runs on the same clock: a silent run is killed at watchdogMs and restarted', async (t) => {
  const { sup, clock, children, restarts } = setup({}, { watchdogMs: 5000 });
  sup.start();
  await settle();
  children[0]!.progress();
  clock.advance(4999);
  t.same(children[0]!.signals, [], 'alive within watchdogMs');
  clock.advance(1);
  t.same(children[0]!.signals, ['SIGKILL']);
  await settle();
  t.same(restarts, [{ delayMs: 100, reason: 'stalled' }]);
  clock.advance(100);
  t.equal(children.length, 2);
  await sup.stop();
});

t.test('shutdown waits for the supervised child: closeAll() resolves only once it has exited', async (t) => {
  const { pool, sup, clock, children, stopped } = setup({ honoursSigint: false });
  sup.start();
  await settle();
  let closed = false;
  const closing = pool.closeAll().then(() => void (closed = true));
  await settle();
  t.equal(closed, false, 'the child is still running');
  clock.advance(2000);
  await closing;
  t.equal(children[0]!.dead, true);
  t.equal(stopped(), 1);
  clock.advance(10_000);
  t.equal(children.length, 1, 'no restart after the pool closed');
});
