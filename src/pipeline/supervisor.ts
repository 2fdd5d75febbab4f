import { redactSecrets, type Logger } from '../log/logger.js';
import type { PooledProcess, SetTimer, SpawnOptions } from './process-pool.js';
import { ProgressParser, type EncodeProgress } from './progress.js';

/**
 * Starts one child in the process pool (ProcessPool.supervise hands the supervisor one bound to
 * the show's name): the pool registers it, logs a spawn failure once, stops it with its grace
 * and waits for it on shutdown. Throws when the spawn itself throws.
 */
export type RunChild = (command: string, args: string[], options?: SpawnOptions) => PooledProcess;

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
  /**
   * How long a new run may take to its first progress before the watchdog kills it (default:
   * watchdogMs). Starting means loading FFmpeg, opening and probing the input: seconds on a
   * loaded machine, where a watchdog tuned for a running encode would kill every new run.
   */
  startupGraceMs?: number;
  /** progress older than this is not current: the run counts as stalled (default: min(3 s, watchdogMs)) */
  stalledAfterMs?: number;
  onProgress?(progress: EncodeProgress): void;
  onRestart?(info: { attempt: number; delayMs: number; exitCode: number | null; signal: string | null; reason: RestartReason }): void;
  /** called once stop() has ended the run (or at once when none was running) */
  onStopped?(): void;
  /** whether existing output should be appended to on the first start */
  continueFirstRun?: boolean;
  /** starts each run in the process pool */
  run: RunChild;
  /** the pool's clock (tests hand the pool one they advance themselves) */
  setTimer: SetTimer;
  now: () => number;
}

const STDERR_TAIL_LINES = 20;
const DEFAULT_STALLED_AFTER_MS = 3000;

/**
 * Keeps one FFmpeg running until stop(): restarts it with exponential backoff when it dies on
 * its own, cannot be started, or stops making progress (the watchdog). Each run is a child of
 * the process pool, which stops it (SIGINT, so FFmpeg finishes the segment it is writing, then
 * SIGKILL by PID after stopTimeoutMs) and logs a failed spawn. Nothing it runs from a
 * child-process event or a timer throws: every such callback contains and logs its errors.
 */
export class FfmpegSupervisor {
  /** the run in progress, a child of the pool */
  private current: PooledProcess | null = null;
  private stopping = false;
  private stoppedNotified = false;
  private cancelRestart: (() => void) | null = null;
  private cancelWatchdog: (() => void) | null = null;
  private consecutiveFailures = 0;
  private startedAt = 0;
  private runs = 0;
  private stderrTail: string[] = [];
  /** the child the watchdog killed, so its exit is reported as a stall */
  private stalledChild: PooledProcess | null = null;
  restarts = 0;
  /** runs the watchdog killed */
  stalls = 0;
  /** the current run's last progress report; null before its first one and once it ended */
  lastProgress: EncodeProgress | null = null;
  /** clock time of lastProgress */
  lastProgressAt = 0;

  private readonly now: () => number;
  private readonly setTimer: SetTimer;

  /** Made by ProcessPool.supervise, which hands over run, setTimer and now. */
  constructor(private readonly options: SupervisorOptions) {
    this.now = options.now;
    this.setTimer = options.setTimer;
  }

  get pid(): number | undefined {
    return this.current?.pid;
  }

  get running(): boolean {
    return this.current !== null;
  }

  get health(): PipelineHealth {
    if (this.stopping) return 'stopped';
    if (!this.current || !this.lastProgress) return this.runs > 1 || this.cancelRestart ? 'restarting' : 'starting';
    if (this.stalledChild === this.current) return 'stalled';
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
    if (this.stopping || this.current) return;
    const continuing = this.runs > 0 || Boolean(this.options.continueFirstRun);
    this.runs += 1;
    this.startedAt = this.now();
    this.stderrTail = [];
    this.lastProgress = null;
    this.lastProgressAt = 0;
    const log = this.options.logger;
    let args: string[];
    try {
      args = this.options.buildArgs(continuing);
      log.debug({ args: args.map(redactSecrets) }, 'ffmpeg arguments');
    } catch (err) {
      log.error({ err: redactSecrets(err instanceof Error ? err.message : String(err)) }, 'ffmpeg arguments could not be built');
      this.scheduleRestart(null, null, 'spawn-failed');
      return;
    }
    let run: PooledProcess;
    try {
      run = this.options.run(this.options.ffmpegPath, args);
    } catch {
      // EAGAIN, EMFILE, a bad argument: no process, so no exit will come; retry as for a crash.
      // The pool has logged why.
      this.scheduleRestart(null, null, 'spawn-failed');
      return;
    }
    this.current = run;
    const { child } = run;
    log.info({ pid: run.pid, run: this.runs, continuing }, 'ffmpeg started');

    let lastFrame = -1;
    let lastOutTime = -1;
    const parser = new ProgressParser((p) => {
      if (this.current !== run) return;
      // FFmpeg may repeat a block while it waits; only an advancing encode is progress.
      if (p.frame === lastFrame && p.outTimeMs === lastOutTime) return;
      lastFrame = p.frame;
      lastOutTime = p.outTimeMs;
      this.lastProgress = p;
      this.lastProgressAt = this.now();
      this.armWatchdog(run);
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
    // The pool listens for the child's errors and logs them, a spawn failure (ENOENT) once;
    // exited never rejects and follows a spawn failure too.
    void run.exited.then(({ code, signal }) => {
      try {
        this.onExit(run, code, signal);
      } catch (err) {
        log.error({ err }, 'ffmpeg exit handling failed');
      }
    });
    const watchdogMs = this.options.watchdogMs ?? 0;
    this.armWatchdog(run, watchdogMs > 0 ? Math.max(watchdogMs, this.options.startupGraceMs ?? 0) : 0);
  }

  private armWatchdog(child: PooledProcess, ms = this.options.watchdogMs ?? 0): void {
    this.cancelWatchdog?.();
    this.cancelWatchdog = null;
    if (ms <= 0 || this.stopping) return;
    this.cancelWatchdog = this.setTimer(() => {
      this.cancelWatchdog = null;
      try {
        this.onStall(child, ms);
      } catch (err) {
        this.options.logger.error({ err }, 'ffmpeg watchdog failed');
      }
    }, ms);
  }

  private onStall(child: PooledProcess, ms: number): void {
    if (this.current !== child || this.stopping) return;
    this.stalls += 1;
    this.stalledChild = child;
    this.options.logger.warn(
      { pid: child.pid, silentMs: this.now() - (this.lastProgressAt || this.startedAt), watchdogMs: ms, stderr: this.stderrTail.slice(-5) },
      'ffmpeg made no progress; killing it',
    );
    // SIGKILL by the child's PID: a frozen FFmpeg would never finish a segment on SIGINT
    child.kill();
  }

  private onExit(child: PooledProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.current !== child) return;
    this.current = null;
    this.lastProgress = null;
    this.cancelWatchdog?.();
    this.cancelWatchdog = null;
    const stalled = this.stalledChild === child;
    this.stalledChild = null;
    if (this.stopping) {
      this.options.logger.info({ code, signal, ranMs: this.now() - this.startedAt }, 'ffmpeg stopped');
      return;
    }
    this.scheduleRestart(code, signal, child.spawnError ? 'spawn-failed' : stalled ? 'stalled' : 'exited');
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
    this.cancelRestart = this.setTimer(() => {
      this.cancelRestart = null;
      try {
        this.start();
      } catch (err) {
        this.options.logger.error({ err }, 'ffmpeg restart failed');
      }
    }, delayMs);
  }

  /**
   * Resolves once FFmpeg has exited (it is then never restarted): the pool stops the current
   * run with its grace (SIGINT, then SIGKILL by PID after stopTimeoutMs).
   */
  stop(): Promise<void> {
    this.stopping = true;
    this.cancelRestart?.();
    this.cancelRestart = null;
    this.cancelWatchdog?.();
    this.cancelWatchdog = null;
    const child = this.current;
    if (!child) {
      this.notifyStopped();
      return Promise.resolve();
    }
    // never rejects: the pool logs a signal that could not be sent
    return child.stop(this.options.stopTimeoutMs).then(() => this.notifyStopped());
  }

  private notifyStopped(): void {
    if (this.stoppedNotified) return;
    this.stoppedNotified = true;
    try {
      this.options.onStopped?.();
    } catch (err) {
      this.options.logger.error({ err }, 'stop listener failed');
    }
  }
}
