import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { createLogger } from '../../src/log/logger.js';
import { TestPatterns } from '../../src/pipeline/test-pattern.js';
import { waitFor } from '../helpers/wait.js';

const KEY = 'k'.repeat(43);

function setup(ffmpegPath: string, extra: { stopTimeoutMs?: number; hangGraceMs?: number } = {}) {
  let logText = '';
  const logger = createLogger({ level: 'debug', pretty: false, destination: new Writable({ write: (c, _e, cb) => ((logText += String(c)), cb()) }) });
  const exits: Array<{ showId: string; code: number | null }> = [];
  const patterns = new TestPatterns({
    ffmpegPath,
    publishUrlFor: (key) => `rtmp://127.0.0.1:1/live/${key}`,
    logger,
    onExit: (showId, code) => exits.push({ showId, code }),
    ...extra,
  });
  return { patterns, exits, logs: () => logText };
}

/** A stand-in for FFmpeg that ignores SIGINT and never ends on its own: a hung encoder. */
function stubbornScript(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hawker-tp-')), 'ffmpeg');
  // it says when the trap is set: a SIGINT sent before that would end it (a flaky "grace")
  writeFileSync(file, "#!/bin/sh\ntrap '' INT TERM\n: > \"$0.ready\"\nwhile :; do sleep 0.1; done\n");
  chmodSync(file, 0o755);
  return file;
}

t.test('an FFmpeg that cannot be spawned is logged and reported, not "running"', async (t) => {
  const { patterns, logs, exits } = setup('/nonexistent/ffmpeg');
  const starting = patterns.start('show1', KEY, 10);
  await t.rejects(starting, /could not start/);
  await t.rejects(starting, { name: 'TestPatternError', reason: 'ffmpeg-failed' });
  t.equal(patterns.isRunning('show1'), false);
  t.match(patterns.lastError('show1'), /ENOENT/);
  // logged once, by the pool that owns the child, under the test pattern's name
  t.match(logs(), /"name":"test pattern show1"[^\n]*child process could not be started/);
  t.equal(logs().match(/ENOENT/g)?.length, 1, 'the spawn error is logged once, not twice');
  t.notOk(logs().includes(KEY), 'the stream key is not logged');
  await waitFor('the exit to be reported', () => exits.length === 1, 2000, 10);
  t.equal(exits[0]!.showId, 'show1');
});

t.test('stop() asks with SIGINT, then kills a process that ignores it after stopTimeoutMs', async (t) => {
  const script = stubbornScript();
  const { patterns, exits, logs } = setup(script, { stopTimeoutMs: 300 });
  await patterns.start('show2', KEY, 60);
  await waitFor('the script to ignore SIGINT', () => existsSync(`${script}.ready`), 5000, 10);
  t.equal(patterns.isRunning('show2'), true);
  const began = Date.now();
  t.equal(patterns.stop('show2'), true);
  await waitFor('the exit', () => exits.length === 1, 5000, 20);
  const took = Date.now() - began;
  t.ok(took >= 250 && took < 3000, `killed after the grace (${took} ms)`);
  t.equal(patterns.isRunning('show2'), false);
  t.match(logs(), /did not stop on SIGINT; killing it/);
});

t.test('a test pattern that outlives its -t is killed by its own timer', async (t) => {
  const { patterns, exits, logs } = setup(stubbornScript(), { hangGraceMs: 200, stopTimeoutMs: 200 });
  await patterns.start('show3', KEY, 0);
  await waitFor('the exit', () => exits.length === 1, 5000, 20);
  t.equal(patterns.isRunning('show3'), false);
  t.match(logs(), /test pattern overran its time; stopping it/);
});
