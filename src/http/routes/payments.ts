import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Payments } from '../../commerce/payments/payments.js';
import type { StripeWebhooks } from '../../commerce/payments/stripe-webhooks.js';
import type { Viewers } from '../../commerce/viewers.js';
import { ErrorResponseSchema } from '../errors.js';
import { IdParams } from '../schemas/common.js';
import { limitPerViewer, viewerOfRequest } from '../viewer-of-request.js';
import { CheckoutInfoSchema, PaymentStartSchema, SavedPaymentBody, SavedPaymentSchema, StripeWebhookAnswer } from '../schemas/payments.js';

/** Stripe's events are a few KB; the route takes its body raw (for the signature), so it has its own cap. */
export const STRIPE_WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024;
/**
 * Stripe sends from a handful of addresses, one event per payment: a flash sale's thousand
 * payments in a minute must not be throttled into Stripe's hour-long retry backoff. Checking a
 * signature is one HMAC, so a generous cap per address still bounds a flood.
 */
const STRIPE_EVENTS_PER_MINUTE_PER_ADDRESS = 6000;

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 402: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema, 413: ErrorResponseSchema, 429: ErrorResponseSchema, 502: ErrorResponseSchema };

export interface PaymentRoutesOptions {
  payments: Pick<Payments, 'start' | 'payWithSaved' | 'checkout'>;
  /** null when Stripe is not among the providers: its webhook route is not there */
  stripeWebhooks: Pick<StripeWebhooks, 'receive'> | null;
  viewers: Pick<Viewers, 'fromAuthorization'>;
  viewerRateLimitPerMinute: number;
  apiRateLimitPerMinute: number;
}

/** The checkout terms (public), paying an order (its viewer), and Stripe's webhook (signed by Stripe). */
export const paymentRoutes: FastifyPluginAsyncTypebox<PaymentRoutesOptions> = async (app, { payments, stripeWebhooks, viewers, viewerRateLimitPerMinute, apiRateLimitPerMinute }) => {
  await app.register(async (scope) => {
    const open = scope.withTypeProvider<TypeBoxTypeProvider>();
    open.addHook('onRequest', open.rateLimit({ max: apiRateLimitPerMinute, timeWindow: 60_000 }));
    open.get(
      '/api/checkout',
      { schema: { tags: ['payments'], summary: 'How buying works here: payment providers, hold time, shipping, tax, manual payment instructions', response: { 200: CheckoutInfoSchema, 429: ErrorResponseSchema } } },
      async () => payments.checkout(),
    );
  });

  await app.register(async (scope) => {
    const viewerApp = scope.withTypeProvider<TypeBoxTypeProvider>();
    const viewer = viewerOfRequest(viewers);
    limitPerViewer(viewerApp, viewer, viewerRateLimitPerMinute);
    const viewerId = (request: FastifyRequest): string => viewer.require(request).id;
    const security = [{ viewer: [] }];
    viewerApp.post(
      '/api/orders/:id/payment',
      {
        schema: {
          tags: ['payments'],
          summary: "Pay a pending order with its provider: Stripe's client secret (and saved cards), or the manual instructions. The order turns paid from the provider's webhook or the merchant, never from here",
          security,
          params: IdParams,
          response: { 200: PaymentStartSchema, ...errors },
        },
      },
      async (request) => payments.start(request.params.id, viewerId(request)),
    );
    viewerApp.post(
      '/api/orders/:id/payment/saved',
      {
        schema: {
          tags: ['payments'],
          summary: 'One tap: pay a pending Stripe order with a card saved on an earlier purchase',
          security,
          params: IdParams,
          body: SavedPaymentBody,
          response: { 200: SavedPaymentSchema, ...errors },
        },
      },
      async (request) => payments.payWithSaved(request.params.id, viewerId(request), request.body.paymentMethodId),
    );
  });

  if (stripeWebhooks === null) return;
  await app.register(async (scope) => {
    const stripeApp = scope.withTypeProvider<TypeBoxTypeProvider>();
    stripeApp.addHook('onRequest', stripeApp.rateLimit({ max: Math.max(apiRateLimitPerMinute, STRIPE_EVENTS_PER_MINUTE_PER_ADDRESS), timeWindow: 60_000 }));
    // the signature covers the bytes as sent: this route (only) takes its body unparsed
    stripeApp.removeAllContentTypeParsers();
    stripeApp.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: STRIPE_WEBHOOK_BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));
    stripeApp.post(
      '/api/payments/stripe/webhook',
      {
        bodyLimit: STRIPE_WEBHOOK_BODY_LIMIT_BYTES,
        schema: {
          tags: ['payments'],
          summary: "Stripe's events (payment_intent.succeeded, payment_intent.payment_failed), verified with the endpoint's signing secret; each event id is handled once",
          response: { 200: StripeWebhookAnswer, ...errors },
        },
      },
      async (request) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const signature = request.headers['stripe-signature'];
        const outcome = await stripeWebhooks.receive(body, typeof signature === 'string' ? signature : undefined);
        return { received: true as const, outcome };
      },
    );
  });
};
