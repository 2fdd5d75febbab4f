import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { PoolChild, SpawnOptions } from '../../src/pipeline/process-pool.js';

/**
 * A child process that does only what the test says: writes FFmpeg -progress blocks on demand,
 * starts or fails to start, ends on SIGINT only when it honours it (a SIGSTOPped FFmpeg does
 * not) and always on SIGKILL. The pool and the supervisor are tested with it in milliseconds.
 */
export class FakeChild extends EventEmitter implements PoolChild {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly signals: string[] = [];
  readonly args: string[];
  readonly options: SpawnOptions | undefined;
  dead = false;
  private frame = 0;
  private readonly honoursSigint: boolean;

  constructor(public pid: number | undefined, spawned: { args?: string[]; options?: SpawnOptions; honoursSigint?: boolean } = {}) {
    super();
    this.args = spawned.args ?? [];
    this.options = spawned.options;
    this.honoursSigint = spawned.honoursSigint ?? true;
  }

  progress(fps = 30, speed = 1): void {
    this.frame += 10;
    this.stdout.write(`frame=${this.frame}\nfps=${fps}\nout_time_us=${this.frame * 33_333}\nspeed=${speed}x\nprogress=continue\n`);
  }

  /** the same block again: FFmpeg alive but not advancing */
  repeat(): void {
    this.stdout.write(`frame=${this.frame}\nfps=0\nout_time_us=${this.frame * 33_333}\nspeed=0x\nprogress=continue\n`);
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.signals.push(signal);
    if (signal === 'SIGKILL' || (signal === 'SIGINT' && this.honoursSigint)) this.die(null, signal);
    return true;
  }

  die(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.dead) return;
    this.dead = true;
    setImmediate(() => {
      this.stdout.end();
      this.stderr.end();
      this.emit('exit', code, signal);
      this.emit('close', code, signal);
    });
  }

  /** the OS could not start it: 'error', then 'close', as Node reports ENOENT */
  failToStart(message: string): void {
    this.dead = true;
    // Node leaves a child it could not start without a PID
    this.pid = undefined;
    setImmediate(() => {
      this.emit('error', new Error(message));
      this.emit('close', -2, null);
    });
  }
}
