import { spawn, type ChildProcess } from 'node:child_process';

/** FFmpeg publishing a 720p30 test card with a tone, paced in real time, for `seconds` at most. */
export function testPatternArgs(publishUrl: string, seconds: number): string[] {
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-re', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30',
    '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '60', '-pix_fmt', 'yuv420p', '-b:v', '2500k',
    '-c:a', 'aac', '-b:a', '96k',
    '-f', 'flv', publishUrl,
  ];
}

export interface TestPatternsOptions {
  ffmpegPath: string;
  /** where a show's stream is published on this machine (the ingest hands a one-use token, not the key) */
  publishUrlFor(streamKey: string): string;
  onExit?(showId: string, code: number | null): void;
}

/**
 * "Start test pattern" from the control panel: an FFmpeg on this machine publishing to the
 * show's own stream key, so a merchant can try a show without OBS. One per show, each with a
 * time limit, killed by PID when stopped or when Hawker stops.
 */
export class TestPatterns {
  private readonly running = new Map<string, { child: ChildProcess; timer: NodeJS.Timeout }>();

  constructor(private readonly o: TestPatternsOptions) {}

  start(showId: string, streamKey: string, seconds: number): void {
    this.stop(showId);
    const child = spawn(this.o.ffmpegPath, testPatternArgs(this.o.publishUrlFor(streamKey), seconds), { stdio: ['ignore', 'ignore', 'ignore'] });
    // -t ends it; the timer is for an FFmpeg that hangs
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 15) * 1000);
    timer.unref();
    this.running.set(showId, { child, timer });
    child.on('error', () => undefined);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (this.running.get(showId)?.child === child) this.running.delete(showId);
      this.o.onExit?.(showId, code);
    });
  }

  isRunning(showId: string): boolean {
    return this.running.has(showId);
  }

  stop(showId: string): boolean {
    const entry = this.running.get(showId);
    if (!entry) return false;
    this.running.delete(showId);
    clearTimeout(entry.timer);
    entry.child.kill('SIGKILL');
    return true;
  }

  stopAll(): void {
    for (const id of [...this.running.keys()]) this.stop(id);
  }
}
