import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ProgramClock } from '../../src/pipeline/launcher.js';
import type { EncodeProgress } from '../../src/pipeline/progress.js';
import type { FfmpegSupervisor } from '../../src/pipeline/supervisor.js';

// The video time the overlays stamp on each change: the run's playlist start + how far the
// encoder got + the time since it said so; only for the show's current run.
const run = (outTimeMs: number | null, lastProgressAt: number) =>
  ({
    progress: outTimeMs == null ? null : ({ outTimeMs } as EncodeProgress),
    lastProgressAt,
  }) as unknown as FfmpegSupervisor;

t.test('programDateTimeNow follows the current run and forgets a stopped one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-clock-'));
  const start = Date.UTC(2026, 0, 1);
  const clock = new ProgramClock();
  t.equal(clock.programDateTimeNow('show1', 5_000), null, 'not transcoding');

  const first = run(2_000, 4_000);
  clock.started('show1', first, dir);
  t.equal(clock.programDateTimeNow('show1', 5_000), null, 'no playlist yet');
  writeFileSync(join(dir, 'index.m3u8'), `#EXTM3U\n#EXT-X-PROGRAM-DATE-TIME:${new Date(start).toISOString()}\n#EXTINF:1,\nseg0.ts\n`);
  t.equal(clock.programDateTimeNow('show1', 5_000), start + 2_000 + 1_000);
  t.equal(new ProgramClock().programDateTimeNow('show1', 5_000), null, 'each clock has its own runs');

  t.equal(clock.programDateTimeNow('other', 5_000), null, 'another show is not transcoding');
  clock.started('show1', run(null, 0), dir);
  t.equal(clock.programDateTimeNow('show1', 5_000), null, 'a run that has not said how far it got');

  const second = run(500, 4_500);
  clock.started('show1', second, dir);
  clock.stopped('show1', first);
  t.equal(clock.programDateTimeNow('show1', 5_000), start + 1_000, 'an older run stopping does not end the newer one');
  clock.stopped('show1', second);
  t.equal(clock.programDateTimeNow('show1', 5_000), null, 'stopped');
});
