import { Type } from '@sinclair/typebox';
import { paymentProviders } from '../../commerce/payments/port.js';
import { Nullable } from './common.js';

const Provider = Type.Union(paymentProviders.map((p) => Type.Literal(p)));

export const SavedMethodSchema = Type.Object({ id: Type.String(), brand: Type.String(), last4: Type.String() });

export const PaymentStartSchema = Type.Union([
  Type.Object({
    provider: Type.Literal('stripe'),
    clientSecret: Type.String({ description: 'for Stripe.js: confirm the payment with the Payment Element' }),
    publishableKey: Type.String(),
    savedMethods: Type.Array(SavedMethodSchema, { description: 'cards the viewer saved on an earlier purchase: one tap with POST /api/orders/:id/payment/saved' }),
  }),
  Type.Object({ provider: Type.Literal('manual'), instructions: Type.String({ description: 'how to pay (bank transfer, cash on delivery); the merchant marks the order paid' }) }),
]);

export const SavedPaymentBody = Type.Object(
  { paymentMethodId: Type.String({ minLength: 3, maxLength: 255, pattern: '^[A-Za-z0-9_]+$', description: 'one of savedMethods[].id' }) },
  { additionalProperties: false },
);

export const SavedPaymentSchema = Type.Object({
  provider: Type.Literal('stripe'),
  status: Type.String({ description: "Stripe's word on the attempt; the order turns paid from Stripe's webhook: watch the order" }),
  clientSecret: Type.String({ description: 'for a payment that asks for more (3-D Secure): Stripe.js handleNextAction' }),
});

export const CheckoutInfoSchema = Type.Object({
  providers: Type.Array(Provider),
  holdMinutes: Type.Integer({ description: 'how long a Stripe order holds its stock unpaid' }),
  manualInstructions: Type.String(),
  stripePublishableKey: Nullable(Type.String()),
  shipping: Type.Record(Type.String(), Type.Integer(), { description: 'flat shipping per currency, minor units' }),
  taxPercent: Type.Number(),
});

export const StripeWebhookAnswer = Type.Object({
  received: Type.Literal(true),
  outcome: Type.Union(['paid', 'refunded', 'failed-recorded', 'duplicate', 'ignored'].map((o) => Type.Literal(o))),
});
