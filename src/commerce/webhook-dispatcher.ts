import { createHmac } from 'node:crypto';
import type { OutboxItem, WebhookStore } from '../domain/ports.js';
import type { Logger } from '../log/logger.js';

export interface WebhookDispatcherOptions {
  store: WebhookStore;
  logger: Logger;
  pollMs?: number;
  timeoutMs?: number;
  /** first retry delay; doubles per attempt up to maxDelayMs */
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
  now?: () => number;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: what a receiver checks. */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * Delivers the outbox: each row is POSTed to its endpoint, signed, and marked delivered on a
 * 2xx; anything else is retried with exponential backoff until maxAttempts, and every attempt
 * is logged. Rows are written in the same transaction as what they report, so an event is
 * never lost between the database and the network.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private readonly o: Required<Omit<WebhookDispatcherOptions, 'store' | 'logger'>> & Pick<WebhookDispatcherOptions, 'store' | 'logger'>;

  constructor(options: WebhookDispatcherOptions) {
    this.o = {
      pollMs: 250,
      timeoutMs: 5000,
      baseDelayMs: 1000,
      maxDelayMs: 3_600_000,
      maxAttempts: 15,
      now: Date.now,
      ...options,
    };
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.o.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.busy;
  }

  /** One pass over what is due; also what tests call to deliver at once. */
  tick(): Promise<void> {
    if (this.busy) return this.busy;
    this.busy = (async () => {
      try {
        const due = this.o.store.due(this.o.now(), 16);
        await Promise.all(due.map((item) => this.deliver(item)));
      } catch (err) {
        this.o.logger.error({ err }, 'webhook pass failed');
      } finally {
        this.busy = null;
      }
    })();
    return this.busy;
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const started = this.o.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(item.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Hawker-Webhooks/1',
          'hawker-event': item.eventType,
          'hawker-delivery': item.eventId,
          'hawker-signature': signWebhook(item.secret, item.payload, Math.floor(started / 1000)),
        },
        body: item.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      statusCode = res.status;
      await res.body?.cancel();
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).name === 'TimeoutError' ? `no answer in ${this.o.timeoutMs} ms` : (err as Error).message;
    }
    const at = this.o.now();
    const attempt = item.attempts + 1;
    const delivered = error === null;
    const nextAttemptAt = delivered || attempt >= this.o.maxAttempts ? null : at + Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (attempt - 1));
    this.o.store.recordAttempt(item, { at, statusCode, error, durationMs: at - started, delivered, nextAttemptAt });
    if (!delivered) {
      this.o.logger.warn({ endpoint: item.endpointId, event: item.eventType, attempt, error, retryAt: nextAttemptAt }, 'webhook delivery failed');
    }
  }
}
