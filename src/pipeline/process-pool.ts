import { spawn as nodeSpawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { redactSecrets, type Logger } from '../log/logger.js';
import { FfmpegSupervisor, type SupervisorOptions } from './supervisor.js';

/** The part of a ChildProcess the pool and the supervisor use (a fake one stands in for it in tests). */
export interface PoolChild {
  readonly pid?: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  kill(signal?: NodeJS.Signals): boolean;
  on(event: 'error', listener: (err: Error) => void): this;
  once(event: 'spawn', listener: () => void): this;
  once(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
}

export interface SpawnOptions {
  /** FFmpeg's stdout: piped (progress reports) or ignored; stdin is always ignored, stderr piped */
  stdout?: 'pipe' | 'ignore';
}

export type SpawnChild = (command: string, args: string[], options?: SpawnOptions) => PoolChild;

export const spawnChild: SpawnChild = (command, args, options) =>
  nodeSpawn(command, args, { stdio: ['ignore', options?.stdout ?? 'pipe', 'pipe'] });

/** Runs fn after ms; returns what cancels it. Tests hand in a clock they advance themselves. */
export type SetTimer = (fn: () => void, ms: number) => () => void;

const realTimer: SetTimer = (fn, ms) => {
  const handle = setTimeout(fn, ms);
  return () => clearTimeout(handle);
};

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One child the pool owns, from spawn to exit. */
export interface PooledProcess {
  readonly name: string;
  readonly child: PoolChild;
  readonly pid: number | undefined;
  /** Resolves once the OS started it ('spawn'); rejects with the error when it could not be started. */
  readonly spawned: Promise<void>;
  /** Resolves when it has exited and its output is closed; never rejects. */
  readonly exited: Promise<ChildExit>;
  readonly alive: boolean;
  /** why the OS could not start it (ENOENT: no such binary); null once it started, or while nothing is known */
  readonly spawnError: Error | null;
  /** SIGINT, then SIGKILL by its PID after timeoutMs (default: the pool's); resolves once it exited. */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL by its PID now, without a grace (a frozen FFmpeg answers nothing else) */
  kill(): void;
}

export interface ProcessPoolOptions {
  logger?: Logger;
  /** how long a child gets to end after SIGINT before SIGKILL, when the caller does not say (default 3 s) */
  stopTimeoutMs?: number;
  /** for tests: a fake child process and clock (its supervisors use the same clock) */
  spawn?: SpawnChild;
  setTimer?: SetTimer;
  now?: () => number;
}

export class PoolClosedError extends Error {
  constructor(name: string) {
    super(`the process pool is closing: ${name} was not started`);
    this.name = 'PoolClosedError';
  }
}

class Entry implements PooledProcess {
  alive = true;
  started = false;
  spawnError: Error | null = null;
  private signalled = false;
  private cancelKill: (() => void) | null = null;
  readonly spawned: Promise<void>;
  readonly exited: Promise<ChildExit>;
  private resolveExit!: (exit: ChildExit) => void;

  constructor(
    readonly name: string,
    readonly child: PoolChild,
    private readonly pool: { log?: Logger | undefined; setTimer: SetTimer; stopTimeoutMs: number; onExit(entry: Entry): void },
  ) {
    this.exited = new Promise<ChildExit>((resolve) => (this.resolveExit = resolve));
    this.spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', () => {
        this.started = true;
        resolve();
      });
      // 'on', not 'once': a second 'error' (a failed kill) with no listener would crash the process.
      // A spawn failure (ENOENT) arrives here before 'spawn' and is followed by 'close'.
      child.on('error', (err) => {
        const message = redactSecrets(err.message);
        if (!this.started && !this.spawnError) {
          this.spawnError = err;
          pool.log?.error({ name, err: message }, 'child process could not be started');
          reject(err);
        } else {
          pool.log?.error({ name, pid: child.pid, err: message }, 'child process error');
        }
      });
    });
    // whoever awaits `spawned` sees the rejection; nobody awaiting it is not an unhandled rejection
    this.spawned.catch(() => undefined);
    child.once('close', (code, signal) => {
      try {
        this.alive = false;
        this.cancelKill?.();
        this.cancelKill = null;
        pool.onExit(this);
      } catch (err) {
        pool.log?.error({ err, name }, 'child exit handling failed');
      }
      this.resolveExit({ code, signal });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  stop(timeoutMs = this.pool.stopTimeoutMs): Promise<void> {
    if (!this.alive) return Promise.resolve();
    if (!this.signalled) {
      this.signalled = true;
      this.cancelKill = this.pool.setTimer(() => {
        this.cancelKill = null;
        if (!this.alive) return;
        this.pool.log?.warn({ name: this.name, pid: this.child.pid }, `${this.name} did not stop on SIGINT; killing it`);
        this.send('SIGKILL');
      }, timeoutMs);
      // SIGINT: FFmpeg finishes the segment (or FLV stream) it is writing
      this.send('SIGINT');
    }
    return this.exited.then(() => undefined);
  }

  kill(): void {
    if (this.alive) this.send('SIGKILL');
  }

  private send(signal: NodeJS.Signals): void {
    // A child the OS never started has no PID, and Node 20 then signals PID 0, which is our own
    // process group (the server, or tap and every test beside it). Its 'close' comes anyway.
    if (this.child.pid === undefined) return;
    try {
      this.child.kill(signal);
    } catch (err) {
      this.pool.log?.error({ err, name: this.name, pid: this.child.pid, signal }, 'could not signal the child process');
    }
  }
}

/**
 * Owns every child process Hawker runs (transcoders, test patterns, later restream relays), as
 * MediaMTX's externalcmd pool does: each is registered when spawned and forgotten when it exits;
 * stop() asks with SIGINT and kills by PID after a grace; closeAll() stops every supervisor and
 * every child and resolves only once all of them have exited. Spawn errors are logged and
 * surfaced (thrown, or `spawned` rejects), never lost.
 */
export class ProcessPool {
  private readonly children = new Set<Entry>();
  private readonly supervisors = new Set<FfmpegSupervisor>();
  private closing: Promise<void> | null = null;
  private readonly spawnFn: SpawnChild;
  private readonly now: () => number;
  private readonly shared: { log?: Logger | undefined; setTimer: SetTimer; stopTimeoutMs: number; onExit(entry: Entry): void };

  constructor(options: ProcessPoolOptions = {}) {
    this.spawnFn = options.spawn ?? spawnChild;
    this.now = options.now ?? Date.now;
    this.shared = {
      log: options.logger,
      setTimer: options.setTimer ?? realTimer,
      stopTimeoutMs: options.stopTimeoutMs ?? 3000,
      onExit: (entry) => {
        this.children.delete(entry);
      },
    };
  }

  /** children that have not exited yet */
  get size(): number {
    return this.children.size;
  }

  get closed(): boolean {
    return this.closing !== null;
  }

  /**
   * Spawns and registers a child. Throws (and logs) when the pool is closing or the spawn itself
   * throws (EAGAIN, a bad argument); a failure the OS reports later (ENOENT) rejects `spawned`.
   */
  start(name: string, command: string, args: string[], options?: SpawnOptions): PooledProcess {
    if (this.closing) throw new PoolClosedError(name);
    let child: PoolChild;
    try {
      child = this.spawnFn(command, args, options);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.shared.log?.error({ name, err: redactSecrets(error.message) }, 'child process could not be spawned');
      throw error;
    }
    const entry = new Entry(name, child, this.shared);
    this.children.add(entry);
    return entry;
  }

  /**
   * A supervisor whose runs are children of this pool, on the pool's clock; its stop() is the
   * pool's stop of the current run. closeAll() stops it (so it does not restart a run after
   * the pool closed) before waiting for its child.
   */
  supervise(name: string, options: Omit<SupervisorOptions, 'run' | 'setTimer' | 'now'>): FfmpegSupervisor {
    if (this.closing) throw new PoolClosedError(name);
    const supervisor: FfmpegSupervisor = new FfmpegSupervisor({
      ...options,
      run: (command, args, spawnOptions) => this.start(name, command, args, spawnOptions),
      setTimer: this.shared.setTimer,
      now: this.now,
      onStopped: () => {
        this.supervisors.delete(supervisor);
        options.onStopped?.();
      },
    });
    this.supervisors.add(supervisor);
    return supervisor;
  }

  /** Stops every supervisor and child (SIGINT, then SIGKILL after the grace) and waits for all to exit. */
  closeAll(): Promise<void> {
    this.closing ??= (async () => {
      const count = this.children.size;
      if (count) this.shared.log?.info({ children: count }, 'stopping every child process');
      await Promise.all([...this.supervisors].map((s) => s.stop()));
      // a child a supervisor handed off, or one with no supervisor (test patterns)
      await Promise.all([...this.children].map((c) => c.stop()));
    })();
    return this.closing;
  }
}
