import Stripe from 'stripe';
import { HawkerError } from '../../domain/errors.js';
import type { Logger } from '../../log/logger.js';
import type { PayableOrder, PaymentGateway, PaymentStart, SavedMethod, SavedPayment } from './port.js';

export interface StripeSettings {
  secretKey: string;
  publishableKey: string;
  webhookSecret: string;
  /** empty: Stripe's own API host; tests point it at their local Stripe-speaking server */
  apiHost: string;
  /** 0: the protocol's port */
  apiPort: number;
  apiProtocol: 'http' | 'https';
}

/** A viewer's Customer at the provider, kept so the next purchase can use a saved card. */
export interface PaymentCustomerStore {
  customerOf(viewerId: string, provider: 'stripe'): string | undefined;
  /** keeps the first customer stored for the viewer and answers it (two tabs may race) */
  remember(viewerId: string, provider: 'stripe', customerId: string, at: number): string;
}

/** Saved methods a page offers at most: the newest ones. */
const SAVED_METHODS_SHOWN = 5;
/** Stripe's own limit on a Stripe-Signature timestamp's age, in seconds */
const SIGNATURE_TOLERANCE_SECONDS = 300;

/** What a failed Stripe call may log: never the request (it carries the key) nor the raw answer. */
const describe = (err: unknown) =>
  err instanceof Stripe.errors.StripeError ? { type: err.type, code: err.code, statusCode: err.statusCode, requestId: err.requestId, message: err.message } : { message: String(err) };

/**
 * Stripe behind the payment port, through the official `stripe` package: one PaymentIntent per
 * order (amount = the order's total, idempotent on the order id, metadata.orderId), a Customer
 * per viewer (setup_future_usage keeps the card for a one-tap purchase next time), refunds and
 * cancellation. The order turns paid from the signed webhook only (`verifyEvent`).
 */
export class StripeGateway implements PaymentGateway {
  readonly provider = 'stripe' as const;
  private readonly stripe: Stripe;

  constructor(
    private readonly settings: StripeSettings,
    private readonly customers: PaymentCustomerStore,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.stripe = new Stripe(settings.secretKey, {
      maxNetworkRetries: 2,
      timeout: 15_000,
      telemetry: false,
      appInfo: { name: 'hawker' },
      ...(settings.apiHost ? { host: settings.apiHost } : {}),
      ...(settings.apiPort ? { port: settings.apiPort } : {}),
      protocol: settings.apiProtocol,
    });
  }

  get publishableKey(): string {
    return this.settings.publishableKey;
  }

  async start(order: PayableOrder): Promise<{ start: PaymentStart; reference: string }> {
    const customer = await this.customerFor(order.viewerId);
    const intent = await this.intentOf(order, customer);
    if (!intent.client_secret) throw new HawkerError('PAYMENT_PROVIDER_FAILED', `Stripe gave payment ${intent.id} no client secret`);
    const savedMethods = await this.methodsOf(customer);
    return { start: { provider: 'stripe', clientSecret: intent.client_secret, publishableKey: this.settings.publishableKey, savedMethods }, reference: intent.id };
  }

  async savedMethods(viewerId: string): Promise<SavedMethod[]> {
    const customer = this.customers.customerOf(viewerId, 'stripe');
    return customer ? this.methodsOf(customer) : [];
  }

  async payWithSaved(order: PayableOrder, methodId: string): Promise<{ payment: SavedPayment; reference: string }> {
    const customer = this.customers.customerOf(order.viewerId, 'stripe');
    // only a method Stripe lists for this viewer's own customer: never another viewer's card
    if (!customer || !(await this.methodsOf(customer)).some((m) => m.id === methodId)) {
      throw new HawkerError('PAYMENT_METHOD_NOT_FOUND', `no saved payment method ${methodId} for this viewer`);
    }
    const intent = await this.intentOf(order, customer);
    const confirmed = await this.call('confirm payment', () =>
      this.stripe.paymentIntents.confirm(intent.id, { payment_method: methodId }, { idempotencyKey: `hawker-order-${order.id}-confirm-${methodId}` }),
    );
    return { payment: { provider: 'stripe', status: confirmed.status, clientSecret: confirmed.client_secret ?? '' }, reference: confirmed.id };
  }

  async refund(order: PayableOrder): Promise<void> {
    const intentId = order.payment.reference;
    if (!intentId) throw new HawkerError('ORDER_STATE', `order ${order.id} has no Stripe payment to refund`);
    await this.refundIntent(intentId, order.id);
  }

  /** Gives back what a payment took (a whole refund; the same order is refunded once). */
  async refundIntent(intentId: string, orderId: string): Promise<void> {
    await this.call('refund', () => this.stripe.refunds.create({ payment_intent: intentId, metadata: { orderId } }, { idempotencyKey: `hawker-order-${orderId}-refund` }));
  }

  async cancel(order: PayableOrder): Promise<void> {
    const intentId = order.payment.reference;
    if (!intentId) return;
    try {
      await this.stripe.paymentIntents.cancel(intentId, {}, { idempotencyKey: `hawker-order-${order.id}-cancel` });
    } catch (err) {
      // it succeeded meanwhile (or was cancelled already): the webhook's refusal refunds a late success
      if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'payment_intent_unexpected_state') {
        this.logger.info({ order: order.id, intent: intentId }, 'Stripe payment no longer cancellable; a late success is refunded by its webhook');
        return;
      }
      this.logger.error({ order: order.id, intent: intentId, err: describe(err) }, 'Stripe payment not cancelled');
      throw new HawkerError('PAYMENT_PROVIDER_FAILED', 'Stripe did not cancel the payment');
    }
  }

  /** The event, when the body carries the endpoint secret's signature made less than 5 minutes ago. */
  verifyEvent(rawBody: Buffer, signature: string | undefined): Stripe.Event {
    if (!signature) throw new HawkerError('WEBHOOK_SIGNATURE_INVALID', 'no Stripe-Signature header');
    try {
      return this.stripe.webhooks.constructEvent(rawBody, signature, this.settings.webhookSecret, SIGNATURE_TOLERANCE_SECONDS);
    } catch (err) {
      if (err instanceof Stripe.errors.StripeSignatureVerificationError) throw new HawkerError('WEBHOOK_SIGNATURE_INVALID', err.message);
      // a verified body that is not JSON: Stripe never sends one
      throw new HawkerError('WEBHOOK_SIGNATURE_INVALID', 'the signed body is not a Stripe event');
    }
  }

  /** the order's one PaymentIntent: the one attached already, else made (idempotent on the order) */
  private async intentOf(order: PayableOrder, customer: string): Promise<Stripe.PaymentIntent> {
    const attached = order.payment.provider === 'stripe' ? order.payment.reference : null;
    if (attached) return this.call('read payment', () => this.stripe.paymentIntents.retrieve(attached));
    return this.call('create payment', () =>
      this.stripe.paymentIntents.create(
        {
          amount: order.total,
          currency: order.currency.toLowerCase(),
          customer,
          setup_future_usage: 'off_session',
          // no redirecting methods: the page and the one-tap path confirm without a return URL
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          metadata: { orderId: order.id },
        },
        { idempotencyKey: `hawker-order-${order.id}` },
      ),
    );
  }

  private async customerFor(viewerId: string): Promise<string> {
    const known = this.customers.customerOf(viewerId, 'stripe');
    if (known) return known;
    const created = await this.call('create customer', () => this.stripe.customers.create({ metadata: { viewerId } }, { idempotencyKey: `hawker-viewer-${viewerId}-customer` }));
    return this.customers.remember(viewerId, 'stripe', created.id, this.now());
  }

  private async methodsOf(customer: string): Promise<SavedMethod[]> {
    const list = await this.call('list saved methods', () => this.stripe.paymentMethods.list({ customer, type: 'card', limit: SAVED_METHODS_SHOWN }));
    return list.data.flatMap((m) => (m.card ? [{ id: m.id, brand: m.card.brand, last4: m.card.last4 }] : []));
  }

  /** A Stripe call whose failure becomes a catalogued error (a card decline says so), logged without secrets. */
  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof Stripe.errors.StripeCardError) throw new HawkerError('PAYMENT_DECLINED', err.message);
      this.logger.error({ err: describe(err) }, `Stripe: ${what} failed`);
      throw new HawkerError('PAYMENT_PROVIDER_FAILED', `Stripe: ${what} failed`);
    }
  }
}
