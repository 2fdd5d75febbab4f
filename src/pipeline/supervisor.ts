import { spawn as nodeSpawn } from 'node:child_process';
import { redactSecrets, type Logger } from '../log/logger.js';
import type { PoolChild, SpawnChild } from './process-pool.js';
import { ProgressParser, type EncodeProgress } from './progress.js';

/** The part of a ChildProcess the supervisor uses: the process pool's (a fake one stands in for it in tests). */
export type SupervisedChild = PoolChild;
export type { SpawnChild };

const spawnFfmpeg: SpawnChild = (command, args) => nodeSpawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * starting: the first run has not reported progress yet; running: progress within the last
 * stalledAfterMs; stalled: alive but silent for longer (the watchdog kills it at watchdogMs);
 * restarting: between an unplanned exit and the next run's first progress; stopped: stop().
 */
export type PipelineHealth = 'starting' | 'running' | 'stalled' | 'restarting' | 'stopped';

export type RestartReason = 'exited' | 'stalled' | 'spawn-failed';

export interface SupervisorOptions {
  ffmpegPath: string;
  /** called for every (re)start; `continuing` is true from the second start on */
  buildArgs(continuing: boolean): string[];
  logger: Logger;
  restartMinDelayMs: number;
  restartMaxDelayMs: number;
  /** a run this long counts as healthy: the next failure starts the backoff again */
  restartStableAfterMs: number;
  stopTimeoutMs: number;
  /**
   * A run whose frame count and output time have not advanced for this long is killed
   * (SIGKILL: a frozen or SIGSTOPped FFmpeg answers nothing else) and restarted. 0: no watchdog.
   */
  watchdogMs?: number;
  /** progress older than this is not current: the run counts as stalled (default: min(3 s, watchdogMs)) */
  stalledAfterMs?: number;
  onProgress?(progress: EncodeProgress): void;
  onRestart?(info: { attempt: number; delayMs: number; exitCode: number | null; signal: string | null; reason: RestartReason }): void;
  /** called once stop() has ended the run (or at once when none was running) */
  onStopped?(): void;
  /** whether existing output should be appended to on the first start */
  continueFirstRun?: boolean;
  /** for tests: a fake child process and clock */
  spawn?: SpawnChild;
  now?: () => number;
}

const STDERR_TAIL_LINES = 20;
const DEFAULT_STALLED_AFTER_MS = 3000;

/**
 * Keeps one FFmpeg running until stop(): restarts it with exponential backoff when it dies on
 * its own or stops making progress (the watchdog), and stops it with SIGINT (FFmpeg finishes
 * the segment it is writing), escalating to SIGKILL after stopTimeoutMs. Nothing it runs from a
 * child-process event or a timer throws: every such callback contains and logs its errors.
 */
export class FfmpegSupervisor {
  private child: SupervisedChild | null = null;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private watchdogTimer: NodeJS.Timeout | null = null;
  private consecutiveFailures = 0;
  private startedAt = 0;
  private runs = 0;
  private stderrTail: string[] = [];
  private exitWaiters: Array<() => void> = [];
  /** the child the watchdog killed, so its exit is reported as a stall */
  private stalledChild: SupervisedChild | null = null;
  private readonly now: () => number;
  restarts = 0;
  /** runs the watchdog killed */
  stalls = 0;
  /** the current run's last progress report; null before its first one and once it ended */
  lastProgress: EncodeProgress | null = null;
  /** clock time of lastProgress */
  lastProgressAt = 0;

  constructor(private readonly options: SupervisorOptions) {
    this.now = options.now ?? Date.now;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null;
  }

  get health(): PipelineHealth {
    if (this.stopping) return 'stopped';
    if (!this.child || !this.lastProgress) return this.runs > 1 || this.restartTimer ? 'restarting' : 'starting';
    if (this.stalledChild === this.child) return 'stalled';
    return this.now() - this.lastProgressAt > this.stalledAfterMs() ? 'stalled' : 'running';
  }

  /** The current run's progress while it is current: never a run that ended or stalled. */
  get progress(): EncodeProgress | null {
    return this.health === 'running' ? this.lastProgress : null;
  }

  private stalledAfterMs(): number {
    const watchdog = this.options.watchdogMs ?? 0;
    return this.options.stalledAfterMs ?? (watchdog > 0 ? Math.min(DEFAULT_STALLED_AFTER_MS, watchdog) : DEFAULT_STALLED_AFTER_MS);
  }

  start(): void {
    if (this.stopping || this.child) return;
    const continuing = this.runs > 0 || Boolean(this.options.continueFirstRun);
    this.runs += 1;
    this.startedAt = this.now();
    this.stderrTail = [];
    this.lastProgress = null;
    this.lastProgressAt = 0;
    const log = this.options.logger;
    let child: SupervisedChild;
    try {
      const args = this.options.buildArgs(continuing);
      log.debug({ args: args.map(redactSecrets) }, 'ffmpeg arguments');
      child = (this.options.spawn ?? spawnFfmpeg)(this.options.ffmpegPath, args);
    } catch (err) {
      // EAGAIN, EMFILE, a bad argument: no process, so no 'close' will come; retry as for a crash
      log.error({ err: redactSecrets(err instanceof Error ? err.message : String(err)) }, 'ffmpeg could not be spawned');
      this.scheduleRestart(null, null, 'spawn-failed');
      return;
    }
    this.child = child;
    log.info({ pid: child.pid, run: this.runs, continuing }, 'ffmpeg started');

    let lastFrame = -1;
    let lastOutTime = -1;
    const parser = new ProgressParser((p) => {
      if (this.child !== child) return;
      // FFmpeg may repeat a block while it waits; only an advancing encode is progress.
      if (p.frame === lastFrame && p.outTimeMs === lastOutTime) return;
      lastFrame = p.frame;
      lastOutTime = p.outTimeMs;
      this.lastProgress = p;
      this.lastProgressAt = this.now();
      this.armWatchdog(child);
      try {
        this.options.onProgress?.(p);
      } catch (err) {
        log.error({ err }, 'progress listener failed');
      }
    });
    const onStreamError = (err: Error) => log.warn({ err: redactSecrets(err.message) }, 'ffmpeg output stream failed');
    child.stdout?.on('error', onStreamError);
    child.stderr?.on('error', onStreamError);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      try {
        parser.push(chunk);
      } catch (err) {
        log.error({ err }, 'could not read ffmpeg progress');
      }
    });
    let partial = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = (lines.pop() ?? '').slice(-4096);
      for (const line of lines) {
        if (!line.trim()) continue;
        const clean = redactSecrets(line);
        this.stderrTail.push(clean);
        if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
        log.debug({ ffmpeg: clean }, 'ffmpeg says');
      }
    });
    // 'on', not 'once': a second 'error' (a failed kill) with no listener would crash the process.
    // Spawn failures (ENOENT) arrive here and are followed by 'close'.
    child.on('error', (err) => log.error({ err: redactSecrets(err.message) }, 'ffmpeg could not run'));
    child.once('close', (code, signal) => {
      try {
        this.onExit(child, code, signal);
      } catch (err) {
        log.error({ err }, 'ffmpeg exit handling failed');
      }
    });
    this.armWatchdog(child);
  }

  private armWatchdog(child: SupervisedChild): void {
    const ms = this.options.watchdogMs ?? 0;
    if (this.watchdogTimer) clearTimeout(this.watchdogTimer);
    this.watchdogTimer = null;
    if (ms <= 0 || this.stopping) return;
    this.watchdogTimer = setTimeout(() => {
      this.watchdogTimer = null;
      try {
        this.onStall(child, ms);
      } catch (err) {
        this.options.logger.error({ err }, 'ffmpeg watchdog failed');
      }
    }, ms);
  }

  private onStall(child: SupervisedChild, ms: number): void {
    if (this.child !== child || this.stopping) return;
    this.stalls += 1;
    this.stalledChild = child;
    this.options.logger.warn(
      { pid: child.pid, silentMs: this.now() - (this.lastProgressAt || this.startedAt), watchdogMs: ms, stderr: this.stderrTail.slice(-5) },
      'ffmpeg made no progress; killing it',
    );
    // SIGKILL by the child's PID: a frozen FFmpeg would never finish a segment on SIGINT
    child.kill('SIGKILL');
  }

  private onExit(child: SupervisedChild, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.lastProgress = null;
    if (this.watchdogTimer) clearTimeout(this.watchdogTimer);
    this.watchdogTimer = null;
    const stalled = this.stalledChild === child;
    this.stalledChild = null;
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    waiters.forEach((w) => w());
    if (this.stopping) {
      this.options.logger.info({ code, signal, ranMs: this.now() - this.startedAt }, 'ffmpeg stopped');
      return;
    }
    this.scheduleRestart(code, signal, stalled ? 'stalled' : 'exited');
  }

  private scheduleRestart(code: number | null, signal: NodeJS.Signals | null, reason: RestartReason): void {
    const ranMs = this.now() - this.startedAt;
    if (ranMs >= this.options.restartStableAfterMs) this.consecutiveFailures = 0;
    const delayMs = Math.min(
      this.options.restartMaxDelayMs,
      this.options.restartMinDelayMs * 2 ** this.consecutiveFailures,
    );
    this.consecutiveFailures += 1;
    this.restarts += 1;
    this.options.logger.warn(
      { code, signal, ranMs, delayMs, reason, attempt: this.restarts, stderr: this.stderrTail.slice(-5) },
      'ffmpeg ended while the stream is live; restarting',
    );
    try {
      this.options.onRestart?.({ attempt: this.restarts, delayMs, exitCode: code, signal, reason });
    } catch (err) {
      this.options.logger.error({ err }, 'restart listener failed');
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      try {
        this.start();
      } catch (err) {
        this.options.logger.error({ err }, 'ffmpeg restart failed');
      }
    }, delayMs);
  }

  /** Resolves once FFmpeg has exited (it is then never restarted). */
  stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    if (this.watchdogTimer) {
      clearTimeout(this.watchdogTimer);
      this.watchdogTimer = null;
    }
    const child = this.child;
    if (!child) {
      this.notifyStopped();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const killTimer = setTimeout(() => {
        this.options.logger.warn({ pid: child.pid }, 'ffmpeg did not stop in time; killing it');
        try {
          child.kill('SIGKILL');
        } catch (err) {
          this.options.logger.error({ err }, 'could not kill ffmpeg');
        }
      }, this.options.stopTimeoutMs);
      this.exitWaiters.push(() => {
        clearTimeout(killTimer);
        this.notifyStopped();
        resolve();
      });
      child.kill('SIGINT');
    });
  }

  private notifyStopped(): void {
    try {
      this.options.onStopped?.();
    } catch (err) {
      this.options.logger.error({ err }, 'stop listener failed');
    }
  }
}
