import { spawn, type ChildProcess } from 'node:child_process';
import { redactSecrets, type Logger } from '../log/logger.js';
import { ProgressParser, type EncodeProgress } from './progress.js';

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
  onProgress?(progress: EncodeProgress): void;
  onRestart?(info: { attempt: number; delayMs: number; exitCode: number | null; signal: string | null }): void;
  /** whether existing output should be appended to on the first start */
  continueFirstRun?: boolean;
}

const STDERR_TAIL_LINES = 20;

/**
 * Keeps one FFmpeg running until stop(): restarts it with exponential backoff when it dies on
 * its own, and stops it with SIGINT (FFmpeg finishes the segment it is writing), escalating to
 * SIGKILL after stopTimeoutMs. Never throws out of an exit handler.
 */
export class FfmpegSupervisor {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private consecutiveFailures = 0;
  private startedAt = 0;
  private runs = 0;
  private stderrTail: string[] = [];
  private exitWaiters: Array<() => void> = [];
  restarts = 0;
  lastProgress: EncodeProgress | null = null;
  /** wall clock of the last progress report */
  lastProgressAt = 0;

  constructor(private readonly options: SupervisorOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null;
  }

  start(): void {
    if (this.stopping || this.child) return;
    const continuing = this.runs > 0 || Boolean(this.options.continueFirstRun);
    const args = this.options.buildArgs(continuing);
    this.runs += 1;
    this.startedAt = Date.now();
    this.stderrTail = [];
    const log = this.options.logger;
    const child = spawn(this.options.ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    log.info({ pid: child.pid, run: this.runs, continuing }, 'ffmpeg started');
    log.debug({ args: args.map(redactSecrets) }, 'ffmpeg arguments');

    const parser = new ProgressParser((p) => {
      this.lastProgress = p;
      this.lastProgressAt = Date.now();
      this.options.onProgress?.(p);
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => parser.push(chunk));
    let partial = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        const clean = redactSecrets(line);
        this.stderrTail.push(clean);
        if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
        log.debug({ ffmpeg: clean }, 'ffmpeg says');
      }
    });
    child.once('error', (err) => {
      // spawn failures (ENOENT) arrive here and are followed by 'close'
      log.error({ err: redactSecrets(err.message) }, 'ffmpeg could not run');
    });
    child.once('close', (code, signal) => this.onExit(child, code, signal));
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    const ranMs = Date.now() - this.startedAt;
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    waiters.forEach((w) => w());
    if (this.stopping) {
      this.options.logger.info({ code, signal, ranMs }, 'ffmpeg stopped');
      return;
    }
    if (ranMs >= this.options.restartStableAfterMs) this.consecutiveFailures = 0;
    const delayMs = Math.min(
      this.options.restartMaxDelayMs,
      this.options.restartMinDelayMs * 2 ** this.consecutiveFailures,
    );
    this.consecutiveFailures += 1;
    this.restarts += 1;
    this.options.logger.warn(
      { code, signal, ranMs, delayMs, attempt: this.restarts, stderr: this.stderrTail.slice(-5) },
      'ffmpeg exited while the stream is live; restarting',
    );
    this.options.onRestart?.({ attempt: this.restarts, delayMs, exitCode: code, signal });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.start();
    }, delayMs);
  }

  /** Resolves once FFmpeg has exited (it is then never restarted). */
  stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const killTimer = setTimeout(() => {
        this.options.logger.warn({ pid: child.pid }, 'ffmpeg did not stop in time; killing it');
        child.kill('SIGKILL');
      }, this.options.stopTimeoutMs);
      this.exitWaiters.push(() => {
        clearTimeout(killTimer);
        resolve();
      });
      child.kill('SIGINT');
    });
  }
}
