import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Stream keys travel inside RTMP URLs and paths (`/live/<key>`), and a provider's error text may
 * quote a key; anything that may carry one goes through this before it is logged.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(rtmps?:\/\/[^\s/]+\/[A-Za-z0-9_-]+\/)[A-Za-z0-9_-]+/g, '$1[redacted]')
    .replace(/(\/[A-Za-z0-9_-]+\/)[A-Za-z0-9_-]{43}\b/g, '$1[redacted]')
    .replace(/(Bearer\s+)\S+/gi, '$1[redacted]')
    .replace(/([?&]token=)[^&\s]+/gi, '$1[redacted]')
    // Stripe's secret and restricted keys, webhook signing secrets, and a payment's client secret
    .replace(/\b(sk|rk)_(test|live)_[A-Za-z0-9]+/g, '$1_$2_[redacted]')
    .replace(/\bwhsec_[A-Za-z0-9+/=_]+/g, 'whsec_[redacted]')
    .replace(/\b(pi_[A-Za-z0-9]+_secret_)[A-Za-z0-9]+/g, '$1[redacted]');
}

export interface LoggerOptions {
  level: string;
  pretty: boolean | 'auto';
  /** tests and tools write elsewhere than stdout */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.pretty === 'auto' ? Boolean(process.stdout.isTTY) : options.pretty;
  const base: pino.LoggerOptions = {
    level: options.level,
    base: { app: 'hawker' },
    redact: {
      paths: [
        'streamKey',
        '*.streamKey',
        'adminToken',
        '*.adminToken',
        'metricsToken',
        '*.metricsToken',
        'token',
        '*.token',
        'secretKey',
        '*.secretKey',
        'webhookSecret',
        '*.webhookSecret',
        'clientSecret',
        '*.clientSecret',
        'req.headers.authorization',
        'req.headers["stripe-signature"]',
        'headers.authorization',
      ],
      censor: '[redacted]',
    },
  };
  if (options.destination) return pino(base, options.destination);
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  return pino(base);
}
