import { createHmac } from 'node:crypto';
import { promises as dns, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressRefusal, isIpLiteral } from '../domain/network-address.js';
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
  /**
   * Deliver to loopback, private, link-local and metadata addresses too. Off by default: the
   * delivery log's status and timing would make the admin token an internal port scanner.
   */
  allowPrivateTargets?: boolean;
  /** every address a name resolves to (tests stand in for DNS) */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

const ALLOW_HINT = 'set webhooks.allowPrivateTargets to deliver inside your network';

/** Why a webhook URL may not be registered: an IP literal in a refused range. Names are checked at each delivery. */
export function webhookUrlRefusal(url: string, allowPrivateTargets: boolean): string | null {
  if (allowPrivateTargets) return null;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (!isIpLiteral(host)) return null;
  const refusal = addressRefusal(host);
  return refusal ? `${host} is a ${refusal} address; ${ALLOW_HINT}` : null;
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
  private readonly lookup: LookupFunction;

  constructor(options: WebhookDispatcherOptions) {
    this.o = {
      pollMs: 250,
      timeoutMs: 5000,
      baseDelayMs: 1000,
      maxDelayMs: 3_600_000,
      maxAttempts: 15,
      now: Date.now,
      allowPrivateTargets: false,
      resolve: (hostname) => dns.lookup(hostname, { all: true, verbatim: true }),
      ...options,
    };
    this.lookup = this.checkedLookup();
  }

  /** The registration check, with this server's setting. */
  registrationRefusal(url: string): string | null {
    return webhookUrlRefusal(url, this.o.allowPrivateTargets);
  }

  /**
   * The socket's own name lookup: every address the name resolves to is checked, and the
   * connection goes to those very addresses. Checking first and letting the HTTP client resolve
   * again would let a name answer a public address to the check and 127.0.0.1 to the connect.
   */
  private checkedLookup(): LookupFunction {
    return (hostname, options, callback) => {
      this.o.resolve(hostname).then(
        (found) => {
          const addresses = options.family === 4 || options.family === 6 ? found.filter((a) => a.family === options.family) : found;
          const first = addresses[0];
          if (!first) {
            callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
            return;
          }
          if (!this.o.allowPrivateTargets) {
            for (const a of addresses) {
              const refusal = addressRefusal(a.address);
              if (refusal) {
                callback(Object.assign(new Error(`refused: ${hostname} resolves to ${a.address}, a ${refusal} address; ${ALLOW_HINT}`), { code: 'EREFUSEDTARGET' }), '', 0);
                return;
              }
            }
          }
          if (options.all) callback(null, addresses);
          else callback(null, first.address, first.family);
        },
        (err: NodeJS.ErrnoException) => callback(err, '', 0),
      );
    };
  }

  /** POSTs the body; resolves to the status code. Redirects are not followed. */
  private post(item: OutboxItem, headers: Record<string, string>, signal: AbortSignal): Promise<number> {
    const url = new URL(item.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // an IP literal never goes through lookup: check it here (it may predate the setting)
    if (!this.o.allowPrivateTargets && isIpLiteral(host)) {
      const refusal = addressRefusal(host);
      if (refusal) return Promise.reject(new Error(`refused: ${host} is a ${refusal} address; ${ALLOW_HINT}`));
    }
    return new Promise((resolve, reject) => {
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
        url,
        { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(item.payload)) }, lookup: this.lookup, signal, agent: false },
        (res) => {
          resolve(res.statusCode ?? 0);
          // the status is all we keep; the body is not waited for
          res.destroy();
        },
      );
      req.on('error', reject);
      req.end(item.payload);
    });
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
    const signal = AbortSignal.timeout(this.o.timeoutMs);
    try {
      statusCode = await this.post(
        item,
        {
          'content-type': 'application/json',
          'user-agent': 'Hawker-Webhooks/1',
          'hawker-event': item.eventType,
          'hawker-delivery': item.eventId,
          'hawker-signature': signWebhook(item.secret, item.payload, Math.floor(started / 1000)),
        },
        signal,
      );
      if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
    } catch (err) {
      error = signal.aborted ? `no answer in ${this.o.timeoutMs} ms` : (err as Error).message;
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
