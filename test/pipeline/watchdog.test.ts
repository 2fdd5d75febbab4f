import { Writable } from 'node:stream';
import t from 'tap';
import { createLogger } from '../../src/log/logger.js';
import { ProcessPool } from '../../src/pipeline/process-pool.js';
import type { SupervisorOptions } from '../../src/pipeline/supervisor.js';
import { FakeChild } from '../helpers/fake-child.js';
import { manualClock } from '../helpers/manual-clock.js';
import { waitFor } from '../helpers/wait.js';

// The watchdog with a fake FFmpeg (test/helpers/fake-child.ts) that writes -progress blocks on
// demand, and the pool's clock moved by hand, so a stall and its recovery take microseconds
// and never depend on how busy the machine is.

/** lets the fake child's exit (setImmediate) and the promise callbacks after it run */
const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
};

const quietLogger = () =>
  createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) });

function fakeSupervisor(overrides: Partial<SupervisorOptions> = {}) {
  const children: FakeChild[] = [];
  const restarts: Array<{ attempt: number; delayMs: number; reason: string }> = [];
  const clock = manualClock(1_000_000);
  const pool = new ProcessPool({
    logger: quietLogger(),
    setTimer: clock.setTimer,
    now: clock.now,
    spawn: () => {
      const child = new FakeChild(1000 + children.length);
      children.push(child);
      return child;
    },
  });
  const sup = pool.supervise('pipeline show1', {
    ffmpegPath: 'ffmpeg',
    buildArgs: () => [],
    logger: quietLogger(),
    restartMinDelayMs: 20,
    restartMaxDelayMs: 80,
    restartStableAfterMs: 60_000,
    stopTimeoutMs: 200,
    watchdogMs: 150,
    onRestart: (info) => restarts.push(info),
    ...overrides,
  });
  return { sup, children, restarts, clock };
}

t.test('an FFmpeg that stops making progress is killed with SIGKILL and restarted with the backoff', async (t) => {
  const { sup, children, restarts, clock } = fakeSupervisor();
  t.teardown(() => sup.stop());
  sup.start();
  t.equal(sup.health, 'starting');
  const first = children[0]!;
  first.progress(29.97, 1.01);
  t.equal(sup.health, 'running');
  t.same([sup.progress?.fps, sup.progress?.speed], [29.97, 1.01]);
  // alive, repeating the same frame count: not progress
  for (let i = 0; i < 4; i++) {
    clock.advance(50);
    first.repeat();
  }
  await waitFor('the watchdog to kill the stalled FFmpeg', () => first.signals.includes('SIGKILL'), 2000, 10);
  t.same(first.signals, ['SIGKILL'], 'killed outright: a stopped process ignores SIGINT');
  t.equal(sup.progress, null, 'the stalled run reports no fps or speed');
  await settle();
  clock.advance(20);
  await waitFor('a new FFmpeg', () => children.length === 2, 2000, 10);
  t.equal(restarts[0]?.reason, 'stalled');
  t.equal(restarts[0]?.delayMs, 20, 'the same backoff as a crash');
  t.equal(sup.stalls, 1);
  t.equal(sup.pid, 1001, 'a new PID');
  t.equal(sup.health, 'restarting', 'restarting until the new run makes progress');
  t.equal(sup.progress, null, 'nothing from the old run carries over');
  children[1]!.progress(25, 0.9);
  t.equal(sup.health, 'running');
  t.same([sup.progress?.fps, sup.progress?.speed], [25, 0.9]);
});

t.test('a run that never makes progress is also killed; backoff grows across stalls', async (t) => {
  const { sup, children, restarts, clock } = fakeSupervisor({ watchdogMs: 60 });
  t.teardown(() => sup.stop());
  sup.start();
  for (let i = 0; i < 3; i++) {
    clock.advance(60);
    await settle();
    clock.advance(restarts[i]?.delayMs ?? 0);
  }
  await waitFor('three stalls', () => restarts.length >= 3, 3000, 10);
  t.same(restarts.slice(0, 3).map((r) => r.delayMs), [20, 40, 80]);
  t.ok(children.slice(0, 3).every((c) => c.signals.includes('SIGKILL')));
});

t.test('a new run has its start-up grace before the first progress, then the running watchdog', async (t) => {
  const { sup, children, restarts, clock } = fakeSupervisor({ watchdogMs: 60, startupGraceMs: 500 });
  t.teardown(() => sup.stop());
  sup.start();
  clock.advance(499);
  await settle();
  t.same(children[0]!.signals, [], 'still starting: not killed at the running watchdog of 60 ms');
  children[0]!.progress();
  clock.advance(59);
  t.same(children[0]!.signals, [], 'progressing');
  clock.advance(1);
  t.same(children[0]!.signals, ['SIGKILL'], 'once it ran, 60 ms of silence is a stall');
  await settle();
  clock.advance(restarts[0]!.delayMs);
  await waitFor('the next run', () => children.length === 2, 2000, 10);
  clock.advance(499);
  await settle();
  t.same(children[1]!.signals, [], 'the restarted run has the grace again');
  clock.advance(1);
  t.same(children[1]!.signals, ['SIGKILL'], 'and is killed when it never starts');
});

t.test('progress keeps the watchdog away; a crash still restarts; stop() ends it for good', async (t) => {
  const { sup, children, restarts, clock } = fakeSupervisor({ watchdogMs: 100 });
  sup.start();
  for (let i = 0; i < 8; i++) {
    clock.advance(40);
    children[0]!.progress();
  }
  t.same(children[0]!.signals, [], 'never killed while it progresses');
  children[0]!.die(1, null);
  await settle();
  clock.advance(20);
  await waitFor('a restart', () => children.length === 2, 2000, 10);
  t.equal(restarts[0]?.reason, 'exited');
  t.equal(sup.progress, null, 'the fps of a run that ended is not current');
  children[1]!.progress();
  await sup.stop();
  t.same(children[1]!.signals, ['SIGINT']);
  t.equal(sup.health, 'stopped');
  clock.advance(250);
  t.equal(children.length, 2, 'no watchdog or restart after stop()');
});

t.test('errors from the child and its streams, and a throwing spawn, are contained', async (t) => {
  let calls = 0;
  const children: FakeChild[] = [];
  const restarts: string[] = [];
  const clock = manualClock();
  const pool = new ProcessPool({
    logger: quietLogger(),
    setTimer: clock.setTimer,
    now: clock.now,
    spawn: () => {
      calls += 1;
      if (calls === 1) throw new Error('spawn EAGAIN');
      const c = new FakeChild(2000 + calls);
      children.push(c);
      return c;
    },
  });
  const sup = pool.supervise('pipeline show1', {
    ffmpegPath: 'ffmpeg',
    buildArgs: () => [],
    logger: quietLogger(),
    restartMinDelayMs: 10,
    restartMaxDelayMs: 10,
    restartStableAfterMs: 60_000,
    stopTimeoutMs: 100,
    watchdogMs: 0,
    onRestart: (info) => restarts.push(info.reason),
    onProgress: () => {
      throw new Error('a listener that throws');
    },
  });
  t.teardown(() => sup.stop());
  sup.start();
  clock.advance(10);
  await waitFor('a start after the failed spawn', () => children.length === 1, 2000, 10);
  t.same(restarts, ['spawn-failed']);
  const child = children[0]!;
  child.emit('error', new Error('first'));
  child.emit('error', new Error('second'));
  child.stdout.emit('error', new Error('EPIPE'));
  child.stderr.emit('error', new Error('EPIPE'));
  child.progress();
  t.equal(sup.health, 'running', 'a throwing progress listener does not break the run');
});
