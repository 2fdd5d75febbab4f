import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log/logger.js';

/** A real pino logger whose JSON lines the test can read back (to assert what was, or was never, logged). */
export function captureLogs(level: 'debug' | 'info' | 'warn' = 'debug'): { logger: Logger; text(): string } {
  let text = '';
  const logger = createLogger({
    level,
    pretty: false,
    destination: new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        done();
      },
    }),
  });
  return { logger, text: () => text };
}
