import { Writable } from 'node:stream';
import t from 'tap';
import { createLogger } from '../../src/log/logger.js';
import { PoolClosedError, ProcessPool } from '../../src/pipeline/process-pool.js';
import { FakeChild } from '../helpers/fake-child.js';
import { manualClock } from '../helpers/manual-clock.js';

// The pool with a fake child (test/helpers/fake-child.ts) and a clock the test advances: no
// time passes unless the test says so.

function setup(options: { honoursSigint?: boolean; spawnThrows?: string } = {}) {
  let logText = '';
  const logger = createLogger({ level: 'debug', pretty: false, destination: new Writable({ write: (c, _e, cb) => ((logText += String(c)), cb()) }) });
  const clock = manualClock();
  const children: FakeChild[] = [];
  const pool = new ProcessPool({
    logger,
    stopTimeoutMs: 500,
    setTimer: clock.setTimer,
    spawn: (_command, args, spawnOptions) => {
      if (options.spawnThrows) throw new Error(options.spawnThrows);
      const child = new FakeChild(4000 + children.length, { args, options: spawnOptions, honoursSigint: options.honoursSigint ?? true });
      children.push(child);
      return child;
    },
  });
  return { pool, clock, children, logs: () => logText };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

t.test('a spawned child is registered until it exits, and its start and exit are reported', async (t) => {
  const { pool, children } = setup();
  const proc = pool.start('relay show1', 'ffmpeg', ['-i', 'x'], { stdout: 'ignore' });
  t.equal(pool.size, 1);
  t.equal(proc.pid, 4000);
  t.same(children[0]!.args, ['-i', 'x']);
  t.same(children[0]!.options, { stdout: 'ignore' }, 'the spawn options reach the spawn function');
  children[0]!.emit('spawn');
  await proc.spawned;
  t.equal(proc.alive, true);
  children[0]!.die(0, null);
  t.same(await proc.exited, { code: 0, signal: null });
  t.equal(proc.alive, false);
  t.equal(pool.size, 0, 'forgotten once it exited');
});

t.test('stop() asks with SIGINT and does not kill a child that ends in time', async (t) => {
  const { pool, children, clock } = setup({ honoursSigint: true });
  const proc = pool.start('pattern', 'ffmpeg', []);
  await proc.stop();
  t.same(children[0]!.signals, ['SIGINT']);
  t.equal(pool.size, 0);
  t.equal(clock.pending(), 0, 'the kill timer was cancelled');
  clock.advance(10_000);
  t.same(children[0]!.signals, ['SIGINT'], 'no SIGKILL after it exited');
});

t.test('stop() kills by PID a child that ignores SIGINT, after the grace and not before', async (t) => {
  const { pool, children, clock, logs } = setup({ honoursSigint: false });
  const proc = pool.start('stubborn', 'ffmpeg', []);
  let stopped = false;
  const stopping = proc.stop(300).then(() => void (stopped = true));
  const again = proc.stop(300);
  await tick();
  t.same(children[0]!.signals, ['SIGINT'], 'one SIGINT, however many stop() calls');
  clock.advance(299);
  await tick();
  t.equal(stopped, false, 'still waiting within the grace');
  t.same(children[0]!.signals, ['SIGINT']);
  clock.advance(1);
  await stopping;
  await again;
  t.same(children[0]!.signals, ['SIGINT', 'SIGKILL']);
  t.equal(pool.size, 0);
  t.match(logs(), /stubborn did not stop on SIGINT; killing it/);
});

t.test('closeAll() stops every child and resolves only once all have exited; nothing starts after it', async (t) => {
  const { pool, children, clock } = setup({ honoursSigint: false });
  const a = pool.start('a', 'ffmpeg', []);
  const b = pool.start('b', 'ffmpeg', []);
  const c = pool.start('c', 'ffmpeg', []);
  // c ends on its own SIGINT handling: only a and b need the kill
  const cChild = children[2]!;
  cChild.kill = (signal) => (cChild.signals.push(signal ?? 'SIGTERM'), cChild.die(0, null), true);
  let closed = false;
  const closing = pool.closeAll().then(() => void (closed = true));
  t.equal(pool.closeAll(), pool.closeAll(), 'one close, however many calls');
  await tick();
  await tick();
  t.equal(c.alive, false);
  t.equal(closed, false, 'a and b are still running');
  t.same(children.map((x) => x.signals), [['SIGINT'], ['SIGINT'], ['SIGINT']]);
  t.throws(() => pool.start('late', 'ffmpeg', []), PoolClosedError, 'a closing pool starts nothing');
  t.equal(children.length, 3);
  clock.advance(500); // the pool's default grace
  await closing;
  t.equal(closed, true);
  t.same(children.map((x) => x.signals), [['SIGINT', 'SIGKILL'], ['SIGINT', 'SIGKILL'], ['SIGINT']]);
  t.equal(a.alive || b.alive, false);
  t.equal(pool.size, 0);
});

t.test('closeAll() stops the supervisors first, so none restarts a run, and waits for their children', async (t) => {
  const { pool, children, clock } = setup({ honoursSigint: true });
  const quiet = createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  let stoppedHook = 0;
  const sup = pool.supervise('pipeline show1', {
    ffmpegPath: 'ffmpeg',
    buildArgs: () => ['-progress', 'pipe:1'],
    logger: quiet,
    restartMinDelayMs: 5,
    restartMaxDelayMs: 5,
    restartStableAfterMs: 60_000,
    stopTimeoutMs: 1000,
    onStopped: () => void stoppedHook++,
  });
  sup.start();
  t.equal(pool.size, 1, "the supervisor's run is a child of the pool");
  // it crashes; the supervisor will restart it after 5 ms unless closed
  children[0]!.die(1, null);
  await tick();
  t.equal(pool.size, 0);
  await pool.closeAll();
  t.equal(stoppedHook, 1, 'the onStopped hook ran');
  await new Promise((r) => setTimeout(r, 30));
  t.equal(children.length, 1, 'no restart after the pool closed');
  t.equal(sup.running, false);
  t.equal(clock.pending(), 0);
});

t.test('closeAll() waits for a running supervised child', async (t) => {
  const { pool, children } = setup({ honoursSigint: true });
  const quiet = createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const sup = pool.supervise('pipeline show2', {
    ffmpegPath: 'ffmpeg',
    buildArgs: () => [],
    logger: quiet,
    restartMinDelayMs: 5,
    restartMaxDelayMs: 5,
    restartStableAfterMs: 60_000,
    stopTimeoutMs: 1000,
  });
  sup.start();
  await pool.closeAll();
  t.same(children[0]!.signals, ['SIGINT']);
  t.equal(children[0]!.dead, true);
  t.equal(pool.size, 0);
  t.throws(() => pool.supervise('pipeline show3', { ffmpegPath: 'ffmpeg', buildArgs: () => [], logger: quiet, restartMinDelayMs: 1, restartMaxDelayMs: 1, restartStableAfterMs: 1, stopTimeoutMs: 1 }), PoolClosedError);
});

t.test('a spawn that throws is logged and thrown; nothing is registered', async (t) => {
  const { pool, logs } = setup({ spawnThrows: 'spawn EAGAIN' });
  t.throws(() => pool.start('pattern', 'ffmpeg', []), /spawn EAGAIN/);
  t.equal(pool.size, 0);
  t.match(logs(), /child process could not be spawned/);
});

t.test('a child the OS cannot start rejects `spawned`, is logged, and still exits from the pool', async (t) => {
  const { pool, children, logs } = setup();
  const proc = pool.start('pattern', '/nonexistent/ffmpeg', []);
  children[0]!.failToStart('spawn /nonexistent/ffmpeg ENOENT');
  await t.rejects(proc.spawned, /ENOENT/);
  t.same(await proc.exited, { code: -2, signal: null });
  t.equal(pool.size, 0);
  t.match(logs(), /child process could not be started/);
  // a later error (a failed kill) is logged, never thrown
  children[0]!.emit('error', new Error('kill EPERM'));
  t.match(logs(), /child process error/);
});

t.test('a child the OS could not start is never signalled, even when stopped before its error arrives', async (t) => {
  // Node 20 can send such a signal to PID 0: our own process group (once, in CI, tap and every test)
  const { pool, children } = setup();
  const proc = pool.start('pattern', '/nonexistent/ffmpeg', []);
  children[0]!.failToStart('spawn /nonexistent/ffmpeg ENOENT');
  const stopped = proc.stop(10);
  proc.kill();
  await t.rejects(proc.spawned, /ENOENT/);
  await stopped;
  t.same(children[0]!.signals, [], 'no signal was sent');
  t.equal(pool.size, 0, 'it still left the pool');
});

t.test('nobody awaiting `spawned` is not an unhandled rejection', async (t) => {
  const { pool, children } = setup();
  let unhandled = false;
  const onUnhandled = () => void (unhandled = true);
  process.on('unhandledRejection', onUnhandled);
  t.teardown(() => void process.off('unhandledRejection', onUnhandled));
  const proc = pool.start('pattern', '/nonexistent/ffmpeg', []);
  children[0]!.failToStart('ENOENT');
  await proc.exited;
  await tick();
  t.equal(unhandled, false);
});

t.test('a real child: closeAll() stops it with SIGINT and waits for it', async (t) => {
  const pool = new ProcessPool({ stopTimeoutMs: 2000 });
  const proc = pool.start('sleeper', 'sleep', ['30']);
  await proc.spawned;
  t.ok(proc.pid && proc.pid > 0);
  const began = Date.now();
  await pool.closeAll();
  t.ok(Date.now() - began < 2000, 'sleep ends on SIGINT, before the kill');
  t.same(await proc.exited, { code: null, signal: 'SIGINT' });
  t.equal(pool.size, 0);
});
