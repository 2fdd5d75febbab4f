import { redactSecrets, type Logger } from '../log/logger.js';
import { PoolClosedError, ProcessPool, type PooledProcess } from './process-pool.js';

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
  logger?: Logger;
  /** how long FFmpeg gets to end after SIGINT before SIGKILL (default 3 s) */
  stopTimeoutMs?: number;
  /** past its -t, how long before a test pattern counts as hung and is stopped (default 15 s) */
  hangGraceMs?: number;
  /** the pool that owns every child process (default: one of its own) */
  pool?: ProcessPool;
}

/** Why a test pattern did not start: FFmpeg could not be started, or Hawker is shutting down. */
export class TestPatternError extends Error {
  override name = 'TestPatternError';
  constructor(
    message: string,
    readonly reason: 'ffmpeg-failed' | 'shutting-down',
  ) {
    super(message);
  }
}

interface Running {
  proc: PooledProcess;
  timer: NodeJS.Timeout;
}

const STDERR_TAIL_CHARS = 2000;

/**
 * "Start test pattern" from the control panel: an FFmpeg on this machine publishing to the
 * show's own stream key, so a merchant can try a show without OBS. One per show, each with a
 * time limit; stopped with SIGINT (FFmpeg closes the FLV stream cleanly) and killed by PID if
 * it does not end, when stopped, when it overruns, or when Hawker stops (the process pool).
 */
export class TestPatterns {
  private readonly running = new Map<string, Running>();
  private readonly errors = new Map<string, string>();
  private readonly pool: ProcessPool;

  constructor(private readonly o: TestPatternsOptions) {
    this.pool = o.pool ?? new ProcessPool({ ...(o.logger ? { logger: o.logger } : {}), stopTimeoutMs: o.stopTimeoutMs ?? 3000 });
  }

  /**
   * Resolves once FFmpeg runs; rejects with a TestPatternError when it cannot be started (the
   * pool has logged why, once) or Hawker is shutting down.
   */
  start(showId: string, streamKey: string, seconds: number): Promise<void> {
    this.stop(showId);
    this.errors.delete(showId);
    const log = this.o.logger;
    const fail = (err: unknown): TestPatternError => {
      const message = redactSecrets(err instanceof Error ? err.message : String(err));
      this.errors.set(showId, message);
      return new TestPatternError(`the test pattern could not start: ${message}`, err instanceof PoolClosedError ? 'shutting-down' : 'ffmpeg-failed');
    };
    let proc: PooledProcess;
    try {
      proc = this.pool.start(`test pattern ${showId}`, this.o.ffmpegPath, testPatternArgs(this.o.publishUrlFor(streamKey), seconds), { stdout: 'ignore' });
    } catch (err) {
      return Promise.reject(fail(err));
    }
    // -t ends it; this timer is for an FFmpeg that hangs past it
    const timer = setTimeout(() => {
      try {
        log?.warn({ show: showId, pid: proc.pid }, 'test pattern overran its time; stopping it');
        this.stop(showId);
      } catch (err) {
        log?.error({ err, show: showId }, 'could not stop the test pattern');
      }
    }, seconds * 1000 + (this.o.hangGraceMs ?? 15_000));
    timer.unref();
    const entry: Running = { proc, timer };
    this.running.set(showId, entry);
    let stderr = '';
    const { child } = proc;
    child.stderr?.on('error', () => undefined);
    child.stderr?.setEncoding('utf8').on('data', (c: string) => {
      stderr = (stderr + c).slice(-STDERR_TAIL_CHARS);
    });
    let started = false;
    void proc.exited.then(({ code, signal }) => {
      try {
        clearTimeout(timer);
        if (this.running.get(showId) === entry) this.running.delete(showId);
        if (started && code !== 0 && signal === null) {
          const tail = redactSecrets(stderr.trim().split('\n').slice(-3).join(' | '));
          this.errors.set(showId, `ffmpeg exited with ${code}: ${tail}`);
          log?.warn({ show: showId, code, stderr: tail }, 'test pattern ended with an error');
        }
        this.o.onExit?.(showId, code);
      } catch (err) {
        log?.error({ err, show: showId }, 'test pattern exit handling failed');
      }
    });
    return proc.spawned.then(
      () => {
        started = true;
        log?.info({ show: showId, pid: proc.pid, seconds }, 'test pattern started');
      },
      (err: unknown) => {
        clearTimeout(timer);
        if (this.running.get(showId) === entry) this.running.delete(showId);
        throw fail(err);
      },
    );
  }

  isRunning(showId: string): boolean {
    return this.running.has(showId);
  }

  /** Why the show's last test pattern could not start or failed; null when it did not. */
  lastError(showId: string): string | null {
    return this.errors.get(showId) ?? null;
  }

  /** Asks it to stop (SIGINT, then SIGKILL by PID after stopTimeoutMs); does not wait. */
  stop(showId: string): boolean {
    const entry = this.running.get(showId);
    if (!entry) return false;
    this.running.delete(showId);
    clearTimeout(entry.timer);
    // never rejects: the pool logs what goes wrong
    void entry.proc.stop(this.o.stopTimeoutMs ?? 3000);
    return true;
  }

  stopAll(): void {
    for (const id of [...this.running.keys()]) this.stop(id);
  }
}
