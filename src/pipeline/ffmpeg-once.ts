import { redactSecrets } from '../log/logger.js';
import type { ProcessPool } from './process-pool.js';

/** the end of FFmpeg's stderr an error quotes (its last lines say what went wrong) */
const STDERR_TAIL_CHARS = 1000;

/**
 * One short FFmpeg job (a clip cut, a poster still) through the pool, killed by its PID past
 * `timeoutMs`; resolves when it exits 0, otherwise rejects with the tail of its stderr (secrets
 * redacted).
 */
export async function runFfmpegOnce(pool: Pick<ProcessPool, 'start'>, ffmpegPath: string, name: string, args: string[], timeoutMs: number): Promise<void> {
  const proc = pool.start(name, ffmpegPath, args, { stdout: 'ignore' });
  let stderr = '';
  proc.child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill();
  }, timeoutMs);
  try {
    await proc.spawned;
    const exit = await proc.exited;
    if (timedOut) throw new Error(`${name}: FFmpeg took longer than ${timeoutMs} ms and was killed`);
    if (exit.code !== 0) throw new Error(`${name}: FFmpeg exited ${exit.code ?? exit.signal}: ${redactSecrets(stderr.trim())}`);
  } finally {
    clearTimeout(timer);
  }
}
