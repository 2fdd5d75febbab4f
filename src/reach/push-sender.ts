import { Agent } from 'node:https';
import webpush from 'web-push';
import type { PushSubscriptionKeys } from '../domain/reminder.js';
import { checkedLookup, literalRefusal, systemResolve, type Resolve } from './push-endpoint.js';
import type { VapidKeys } from './vapid-keys.js';

/** One encrypted push to one browser's push service. */
export interface PushMessage {
  endpoint: string;
  keys: PushSubscriptionKeys;
  /** the JSON the service worker reads (encrypted per RFC 8291 on the way) */
  payload: string;
  /** how long the push service keeps it for a browser that is offline */
  ttlSeconds: number;
  urgency: 'normal' | 'high';
  /** a later push with the same topic replaces one not yet delivered */
  topic?: string;
}

/**
 * What the push service said. gone: the subscription no longer exists (404, 410): forget it;
 * failed: anything else (refused address, timeout, 429, 5xx), worth a retry.
 */
export type PushOutcome = { status: 'sent'; statusCode: number } | { status: 'gone'; statusCode: number } | { status: 'failed'; statusCode: number | null; error: string };

/** The port the reminder scheduler sends through (web-push here; a fake in unit tests). */
export interface PushSender {
  send(message: PushMessage): Promise<PushOutcome>;
}

export interface WebPushSenderOptions {
  vapid: VapidKeys;
  /** https: or mailto: (see vapidSubject) */
  subject: string;
  allowPrivateEndpoints: boolean;
  /** the socket's idle timeout, and (twice it) the most a send may take */
  timeoutMs?: number;
  /** trusted CAs instead of the system's (tests: their local push service's self-signed cert) */
  ca?: string | Buffer;
  resolve?: Resolve;
}

/**
 * Sends with web-push (VAPID, aes128gcm) through an agent of our own: its lookup checks every
 * address the push service's name resolves to, and a bounded number of sockets is kept open.
 */
export class WebPushSender implements PushSender {
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(private readonly o: WebPushSenderOptions) {
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: 16,
      maxFreeSockets: 4,
      timeout: this.timeoutMs,
      lookup: checkedLookup(o.allowPrivateEndpoints, o.resolve ?? systemResolve),
      ...(o.ca ? { ca: o.ca } : {}),
    });
  }

  async send(message: PushMessage): Promise<PushOutcome> {
    // an IP literal never goes through the agent's lookup: checked here
    const refusal = literalRefusal(message.endpoint, this.o.allowPrivateEndpoints);
    if (refusal) return { status: 'failed', statusCode: null, error: `refused: ${refusal}` };
    let timer: NodeJS.Timeout | undefined;
    // web-push's timeout is the socket's idle time; a push service that answers a byte at a time must not hold a send forever
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${2 * this.timeoutMs} ms`)), 2 * this.timeoutMs);
    });
    try {
      const result = await Promise.race([
        webpush.sendNotification({ endpoint: message.endpoint, keys: message.keys }, message.payload, {
          vapidDetails: { subject: this.o.subject, publicKey: this.o.vapid.publicKey, privateKey: this.o.vapid.privateKey },
          TTL: message.ttlSeconds,
          urgency: message.urgency,
          contentEncoding: 'aes128gcm',
          agent: this.agent,
          timeout: this.timeoutMs,
          ...(message.topic ? { topic: message.topic } : {}),
        }),
        deadline,
      ]);
      return { status: 'sent', statusCode: result.statusCode };
    } catch (err) {
      // never the error object: a WebPushError carries the endpoint (a capability) and the body
      if (err instanceof webpush.WebPushError) {
        if (err.statusCode === 404 || err.statusCode === 410) return { status: 'gone', statusCode: err.statusCode };
        return { status: 'failed', statusCode: err.statusCode, error: `HTTP ${err.statusCode}` };
      }
      return { status: 'failed', statusCode: null, error: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.agent.destroy();
  }
}
