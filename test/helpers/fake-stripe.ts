// A local server that speaks the part of Stripe's API the Stripe adapter calls (form-encoded
// POSTs, Bearer secret key, Idempotency-Key replays, Stripe's error shape), keeps what it was
// asked, and sends signed webhook events the way Stripe does: a true boundary, like the
// merchant's webhook receiver in the order tests. Loopback only, port 0.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_STRIPE_SECRET_KEY = 'sk_test_hawkerFake0123456789';
export const FAKE_STRIPE_PUBLISHABLE_KEY = 'pk_test_hawkerFake0123456789';
export const FAKE_STRIPE_WEBHOOK_SECRET = 'whsec_hawkerFakeEndpointSecret01';

/** One API call as the fake received it. */
export interface StripeCall {
  method: string;
  path: string;
  /** the form fields (POST) or query (GET), flat: `metadata[orderId]` */
  params: Record<string, string>;
  idempotencyKey: string | undefined;
}

export interface FakeIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  customer: string | null;
  status: 'requires_payment_method' | 'succeeded' | 'canceled';
  client_secret: string;
  metadata: Record<string, string>;
  setup_future_usage: string | null;
  payment_method: string | null;
  last_payment_error: { code: string; message: string } | null;
  created: number;
  livemode: false;
}

interface FakeMethod {
  id: string;
  object: 'payment_method';
  type: 'card';
  customer: string;
  card: { brand: string; last4: string };
}

export interface FakeRefund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  payment_intent: string;
  status: 'succeeded';
  metadata: Record<string, string>;
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
  status: number;
  body: string;
}

class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: Stripe's Stripe-Signature header, made here (not by the SDK). */
export function stripeSignature(body: string, secret: string, timestamp: number = nowSeconds()): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class FakeStripe {
  readonly calls: StripeCall[] = [];
  readonly intents = new Map<string, FakeIntent>();
  readonly customers = new Map<string, { id: string; object: 'customer'; metadata: Record<string, string> }>();
  readonly methods = new Map<string, FakeMethod>();
  readonly refunds: FakeRefund[] = [];
  readonly deliveries: WebhookDelivery[] = [];
  /** where events go (the server's POST /api/payments/stripe/webhook) */
  webhookUrl = '';
  private readonly replies = new Map<string, { path: string; status: number; body: string }>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly server = createServer((req, res) => this.handle(req, res));

  async start(): Promise<{ host: string; port: number }> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return { host: '127.0.0.1', port: (this.server.address() as AddressInfo).port };
  }

  async close(): Promise<void> {
    await this.settled();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** every webhook the fake sent on its own (after a confirm) has been answered */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  callsTo(method: string, path: string | RegExp): StripeCall[] {
    return this.calls.filter((c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path)));
  }

  /** Stripe.js in the browser confirmed the payment with a new card: it succeeds, the card is saved if asked, the event goes out. */
  async payInBrowser(intentId: string, card: { brand: string; last4: string } = { brand: 'visa', last4: '4242' }): Promise<WebhookDelivery> {
    const intent = this.intent(intentId);
    let methodId: string | null = null;
    if (intent.customer && intent.setup_future_usage) {
      methodId = id('pm');
      this.methods.set(methodId, { id: methodId, object: 'payment_method', type: 'card', customer: intent.customer, card });
    }
    this.succeed(intent, methodId);
    return this.sendEvent('payment_intent.succeeded', intent);
  }

  /** The payment succeeded at Stripe but its event is not sent yet (it races a lapsing hold). */
  succeedQuietly(intentId: string): FakeIntent {
    const intent = this.intent(intentId);
    this.succeed(intent, null);
    return intent;
  }

  /** The card was declined: Stripe tells the endpoint payment_intent.payment_failed. */
  async declineInBrowser(intentId: string): Promise<WebhookDelivery> {
    const intent = this.intent(intentId);
    intent.last_payment_error = { code: 'card_declined', message: 'Your card was declined.' };
    return this.sendEvent('payment_intent.payment_failed', intent);
  }

  /** An event as Stripe builds it, signed with `secret` at `timestamp` (a forger's or an old one for the refusal tests). */
  eventBody(type: string, intent: FakeIntent, eventId: string = id('evt')): string {
    return JSON.stringify({
      id: eventId,
      object: 'event',
      api_version: '2026-10-28.endive',
      created: nowSeconds(),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: { ...intent, metadata: { ...intent.metadata } } },
    });
  }

  /** POSTs a body to the webhook URL with a Stripe-Signature (by default a good one). */
  async deliver(body: string, signature: string | null = stripeSignature(body, FAKE_STRIPE_WEBHOOK_SECRET)): Promise<WebhookDelivery> {
    // the refusal tests send bodies that are not events at all
    const parsed = ((): { id?: string; type?: string } => {
      try {
        return JSON.parse(body) as { id?: string; type?: string };
      } catch {
        return {};
      }
    })();
    const response = await fetch(this.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', ...(signature === null ? {} : { 'stripe-signature': signature }) },
      body,
    });
    const delivery = { eventId: parsed.id ?? '', type: parsed.type ?? '', status: response.status, body: await response.text() };
    this.deliveries.push(delivery);
    return delivery;
  }

  async sendEvent(type: string, intent: FakeIntent): Promise<WebhookDelivery> {
    return this.deliver(this.eventBody(type, intent));
  }

  intent(intentId: string): FakeIntent {
    const intent = this.intents.get(intentId);
    if (!intent) throw new Error(`the fake Stripe has no PaymentIntent ${intentId}`);
    return intent;
  }

  private succeed(intent: FakeIntent, methodId: string | null): void {
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    intent.payment_method = methodId;
    intent.last_payment_error = null;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const params = Object.fromEntries(new URLSearchParams(req.method === 'GET' ? url.search : raw));
      const idempotencyKey = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
      this.calls.push({ method: req.method ?? '', path: url.pathname, params, idempotencyKey });
      const send = (status: number, body: string) => res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') }).end(body);
      if (req.headers.authorization !== `Bearer ${FAKE_STRIPE_SECRET_KEY}`) {
        send(401, JSON.stringify({ error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } }));
        return;
      }
      // Stripe replays the first answer for a key it has seen (and refuses the key on another route)
      const replay = idempotencyKey !== undefined ? this.replies.get(idempotencyKey) : undefined;
      if (replay) {
        if (replay.path !== `${req.method} ${url.pathname}`) send(400, JSON.stringify({ error: { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used for the same endpoint' } }));
        else send(replay.status, replay.body);
        return;
      }
      let status = 200;
      let body: string;
      try {
        body = JSON.stringify(this.route(req.method ?? '', url.pathname, params));
      } catch (err) {
        // a bug of the fake answers like Stripe's own failures do, rather than ending the test process
        const known = err instanceof StripeApiError ? err : new StripeApiError(500, 'api_error', 'fake_stripe_bug', String(err));
        status = known.status;
        body = JSON.stringify({ error: { type: known.type, code: known.code, message: known.message } });
      }
      if (idempotencyKey !== undefined && req.method === 'POST') this.replies.set(idempotencyKey, { path: `${req.method} ${url.pathname}`, status, body });
      send(status, body);
    });
  }

  private route(method: string, path: string, p: Record<string, string>): unknown {
    const notFound = () => new StripeApiError(404, 'invalid_request_error', 'resource_missing', `No such object: ${path}`);
    if (method === 'POST' && path === '/v1/customers') {
      const customer = { id: id('cus'), object: 'customer' as const, metadata: pick(p, 'metadata') };
      this.customers.set(customer.id, customer);
      return customer;
    }
    if (method === 'GET' && path === '/v1/payment_methods') {
      const data = [...this.methods.values()].filter((m) => m.customer === p.customer && m.type === (p.type ?? 'card')).reverse();
      return { object: 'list', url: '/v1/payment_methods', has_more: false, data: data.slice(0, Number(p.limit ?? 10)) };
    }
    if (method === 'POST' && path === '/v1/payment_intents') {
      const amount = Number(p.amount);
      if (!Number.isInteger(amount) || amount < 1) throw new StripeApiError(400, 'invalid_request_error', 'parameter_invalid_integer', 'Invalid amount');
      if (!p.currency || p.currency !== p.currency.toLowerCase()) throw new StripeApiError(400, 'invalid_request_error', 'parameter_invalid', 'Invalid currency');
      if (p.customer && !this.customers.has(p.customer)) throw new StripeApiError(400, 'invalid_request_error', 'resource_missing', `No such customer: '${p.customer}'`);
      const intentId = id('pi');
      const intent: FakeIntent = {
        id: intentId,
        object: 'payment_intent',
        amount,
        amount_received: 0,
        currency: p.currency,
        customer: p.customer ?? null,
        status: 'requires_payment_method',
        client_secret: `${intentId}_secret_${randomBytes(12).toString('hex')}`,
        metadata: pick(p, 'metadata'),
        setup_future_usage: p.setup_future_usage ?? null,
        payment_method: null,
        last_payment_error: null,
        created: nowSeconds(),
        livemode: false,
      };
      this.intents.set(intentId, intent);
      return intent;
    }
    const one = /^\/v1\/payment_intents\/([^/]+)(?:\/(confirm|cancel))?$/.exec(path);
    if (one) {
      const intent = this.intents.get(one[1]!);
      if (!intent) throw notFound();
      if (method === 'GET' && !one[2]) return intent;
      if (method === 'POST' && one[2] === 'cancel') {
        if (intent.status === 'succeeded') throw new StripeApiError(400, 'invalid_request_error', 'payment_intent_unexpected_state', 'You cannot cancel this PaymentIntent because it has a status of succeeded.');
        intent.status = 'canceled';
        return intent;
      }
      if (method === 'POST' && one[2] === 'confirm') {
        const saved = p.payment_method ? this.methods.get(p.payment_method) : undefined;
        if (!saved) throw new StripeApiError(400, 'invalid_request_error', 'resource_missing', `No such PaymentMethod: '${p.payment_method ?? ''}'`);
        if (saved.customer !== intent.customer) throw new StripeApiError(400, 'invalid_request_error', 'payment_method_unexpected_state', 'The PaymentMethod belongs to another customer.');
        if (intent.status !== 'requires_payment_method') throw new StripeApiError(400, 'invalid_request_error', 'payment_intent_unexpected_state', `This PaymentIntent's status is ${intent.status}.`);
        if (saved.card.last4 === '0002') throw new StripeApiError(402, 'card_error', 'card_declined', 'Your card was declined.');
        this.succeed(intent, saved.id);
        // like Stripe: the answer first, the event right after
        const sent = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.sendEvent('payment_intent.succeeded', intent));
        this.pending.add(sent);
        void sent.finally(() => this.pending.delete(sent)).catch(() => undefined);
        return intent;
      }
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const intent = p.payment_intent ? this.intents.get(p.payment_intent) : undefined;
      if (!intent) throw notFound();
      if (intent.status !== 'succeeded') throw new StripeApiError(400, 'invalid_request_error', 'charge_not_refundable', 'This PaymentIntent has no successful charge to refund.');
      if (this.refunds.some((r) => r.payment_intent === intent.id)) throw new StripeApiError(400, 'invalid_request_error', 'charge_already_refunded', 'Charge has already been refunded.');
      const refund: FakeRefund = { id: id('re'), object: 'refund', amount: intent.amount_received, currency: intent.currency, payment_intent: intent.id, status: 'succeeded', metadata: pick(p, 'metadata') };
      this.refunds.push(refund);
      return refund;
    }
    throw notFound();
  }
}

/** `metadata[orderId]=x` -> `{ orderId: 'x' }` */
function pick(params: Record<string, string>, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    const m = new RegExp(`^${name}\\[([^\\]]+)\\]$`).exec(key);
    if (m) out[m[1]!] = value;
  }
  return out;
}
