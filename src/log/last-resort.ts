import { redactSecrets, type Logger } from './logger.js';

export type FatalKind = 'uncaughtException' | 'unhandledRejection';

/** The exit code of a process that ended on an error nothing handled (EX_SOFTWARE). */
export const FATAL_EXIT_CODE = 70;

function describe(reason: unknown): { message: string; stack?: string; type: string } {
  if (reason instanceof Error) {
    return { type: reason.name, message: redactSecrets(reason.message), ...(reason.stack ? { stack: redactSecrets(reason.stack) } : {}) };
  }
  let text: string;
  try {
    text = typeof reason === 'string' ? reason : JSON.stringify(reason) ?? String(reason);
  } catch {
    text = String(reason);
  }
  return { type: typeof reason, message: redactSecrets(text) };
}

/**
 * The last-resort policy for an error that escaped every handler: the process's state can no
 * longer be trusted, so log the error with its stack (synchronously, so it is not lost with
 * the process) and exit non-zero; the container restarts Hawker, and shows that were live get
 * their reconnect window (LiveShows.recover). Returns the handler for tests and tools.
 */
export function installLastResort(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): (kind: FatalKind, reason: unknown) => void {
  let exiting = false;
  const onFatal = (kind: FatalKind, reason: unknown): void => {
    // a second error while the first is being logged must not log forever or exit twice
    if (exiting) return;
    exiting = true;
    const err = describe(reason);
    try {
      logger.fatal({ kind, err }, `${kind}: exiting so that the process is restarted`);
      logger.flush();
    } catch {
      // the logger itself failed: stderr is all that is left
      process.stderr.write(`hawker fatal ${kind}: ${err.stack ?? err.message}\n`);
    }
    exit(FATAL_EXIT_CODE);
  };
  process.on('uncaughtException', (err) => onFatal('uncaughtException', err));
  process.on('unhandledRejection', (reason) => onFatal('unhandledRejection', reason));
  return onFatal;
}
