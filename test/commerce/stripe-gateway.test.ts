// The Stripe adapter against the local Stripe-speaking server: what it asks Stripe for an order
// (amount, lower-case currency, metadata, idempotency), the customer kept per viewer in SQLite,
// one-tap payments with a saved card, refunds, cancelling, and the webhook signature check.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { StripeGateway } from '../../src/commerce/payments/stripe.js';
import type { PayableOrder } from '../../src/commerce/payments/port.js';
import { Viewers } from '../../src/commerce/viewers.js';
import { createPaymentCustomerRepository } from '../../src/db/payment-repository.js';
import { openDatabase } from '../../src/db/open.js';
import { createViewerRepository } from '../../src/db/viewer-repository.js';
import { HawkerError } from '../../src/domain/errors.js';
import { captureLogs } from '../helpers/capture-logs.js';
import { FAKE_STRIPE_PUBLISHABLE_KEY, FAKE_STRIPE_SECRET_KEY, FAKE_STRIPE_WEBHOOK_SECRET, FakeStripe, stripeSignature } from '../helpers/fake-stripe.js';

t.test('the Stripe adapter against a Stripe-speaking server', async (t) => {
  const fake = new FakeStripe();
  const api = await fake.start();
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'hawker-stripe-')), 'hawker.db'));
  t.teardown(async () => {
    await fake.close();
    db.close();
  });
  const { logger, text: logs } = captureLogs('debug');
  const settings = { secretKey: FAKE_STRIPE_SECRET_KEY, publishableKey: FAKE_STRIPE_PUBLISHABLE_KEY, webhookSecret: FAKE_STRIPE_WEBHOOK_SECRET, apiHost: api.host, apiPort: api.port, apiProtocol: 'http' as const };
  const customers = createPaymentCustomerRepository(db);
  const stripe = new StripeGateway(settings, customers, logger);
  const viewers = new Viewers(createViewerRepository(db));
  const alice = viewers.register('Alice').viewer;
  const bob = viewers.register('Bob').viewer;
  const order = (id: string, viewerId: string, reference: string | null = null): PayableOrder => ({
    id,
    viewerId,
    total: 4598,
    currency: 'EUR',
    status: 'pending',
    holdExpiresAt: Date.now() + 600_000,
    payment: { provider: 'stripe', reference },
  });
  const code = (err: unknown) => (err instanceof HawkerError ? err.code : String(err));

  await t.test('a PaymentIntent per order: the total, lower-case currency, the order id, idempotent; a customer per viewer', async (t) => {
    const { start, reference } = await stripe.start(order('ord1', alice.id));
    const intent = fake.intent(reference);
    t.match(intent, { amount: 4598, currency: 'eur', metadata: { orderId: 'ord1' }, setup_future_usage: 'off_session', status: 'requires_payment_method' });
    t.same(start, { provider: 'stripe', clientSecret: intent.client_secret, publishableKey: FAKE_STRIPE_PUBLISHABLE_KEY, savedMethods: [] });
    const [create] = fake.callsTo('POST', '/v1/payment_intents');
    t.equal(create?.idempotencyKey, 'hawker-order-ord1', 'the order is the idempotency key: a retried create makes no second payment');
    t.equal(create?.params['automatic_payment_methods[allow_redirects]'], 'never');
    t.equal(intent.customer, customers.customerOf(alice.id, 'stripe'), "the viewer's customer is kept");

    // the same order again (the page reloaded): the attached payment, no second intent, no second customer
    const again = await stripe.start(order('ord1', alice.id, reference));
    t.equal(again.reference, reference);
    t.equal(fake.callsTo('POST', '/v1/payment_intents').length, 1);
    await stripe.start(order('ord2', alice.id));
    t.equal(fake.callsTo('POST', '/v1/customers').length, 1, 'one customer for all of a viewer’s orders');
  });

  await t.test('a card saved on the first purchase pays the next in one tap; never another viewer’s card', async (t) => {
    const first = await stripe.start(order('ord3', alice.id));
    fake.webhookUrl = 'http://127.0.0.1:9/unused';
    const saved = fake.intent(first.reference);
    // Stripe.js confirms in the browser; the event's delivery is not this test's business
    await fake.payInBrowser(first.reference, { brand: 'mastercard', last4: '4444' }).catch(() => undefined);
    t.equal(saved.status, 'succeeded');
    const methods = await stripe.savedMethods(alice.id);
    t.match(methods, [{ id: /^pm_/, brand: 'mastercard', last4: '4444' }]);
    t.same(await stripe.savedMethods(bob.id), [], 'Bob has none');

    const next = order('ord4', alice.id);
    const { payment, reference } = await stripe.payWithSaved(next, methods[0]!.id);
    t.match(payment, { provider: 'stripe', status: 'succeeded' });
    t.equal(fake.intent(reference).payment_method, methods[0]!.id);
    t.equal(fake.callsTo('POST', `/v1/payment_intents/${reference}/confirm`).length, 1);
    await fake.settled();

    const confirmsBefore = fake.callsTo('POST', /\/confirm$/).length;
    await t.rejects(stripe.payWithSaved(order('ord5', bob.id), methods[0]!.id), { code: 'PAYMENT_METHOD_NOT_FOUND' }, "Bob cannot pay with Alice's card");
    t.equal(fake.callsTo('POST', /\/confirm$/).length, confirmsBefore, 'nothing was confirmed');
  });

  await t.test('refund through Stripe (once per order), cancel a lapsed hold, a late success stays refundable', async (t) => {
    const paid = await stripe.start(order('ord6', alice.id));
    await fake.payInBrowser(paid.reference).catch(() => undefined);
    await stripe.refund(order('ord6', alice.id, paid.reference));
    t.match(fake.refunds, [{ payment_intent: paid.reference, amount: 4598, metadata: { orderId: 'ord6' } }]);
    t.equal(fake.callsTo('POST', '/v1/refunds')[0]?.idempotencyKey, 'hawker-order-ord6-refund');
    // asked twice (a retried request): Stripe replays the first answer, nothing is refunded twice
    await stripe.refund(order('ord6', alice.id, paid.reference));
    t.equal(fake.refunds.length, 1);

    const lapsed = await stripe.start(order('ord7', alice.id));
    await stripe.cancel(order('ord7', alice.id, lapsed.reference));
    t.equal(fake.intent(lapsed.reference).status, 'canceled');
    const raced = await stripe.start(order('ord8', alice.id));
    await fake.payInBrowser(raced.reference).catch(() => undefined);
    await stripe.cancel(order('ord8', alice.id, raced.reference));
    t.equal(fake.intent(raced.reference).status, 'succeeded', 'a payment that succeeded first is not cancellable: its webhook refunds it');
    await t.rejects(stripe.refund(order('ord9', alice.id, null)), { code: 'ORDER_STATE' });
  });

  await t.test('webhook signatures: the endpoint secret, within 5 minutes, over the exact bytes', async (t) => {
    const body = fake.eventBody('payment_intent.succeeded', fake.intent((await stripe.start(order('ord10', alice.id))).reference));
    const event = stripe.verifyEvent(Buffer.from(body), stripeSignature(body, FAKE_STRIPE_WEBHOOK_SECRET));
    t.equal(event.type, 'payment_intent.succeeded');
    const refusals: Array<[string, Buffer, string | undefined]> = [
      ['no header', Buffer.from(body), undefined],
      ['another secret', Buffer.from(body), stripeSignature(body, 'whsec_forger0123456789')],
      ['ten minutes old', Buffer.from(body), stripeSignature(body, FAKE_STRIPE_WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 600)],
      ['a changed body', Buffer.from(body.replace('4598', '1')), stripeSignature(body, FAKE_STRIPE_WEBHOOK_SECRET)],
    ];
    for (const [name, raw, signature] of refusals) {
      let caught: unknown;
      try {
        stripe.verifyEvent(raw, signature);
      } catch (err) {
        caught = err;
      }
      t.equal(code(caught), 'WEBHOOK_SIGNATURE_INVALID', name);
    }
  });

  await t.test('a refused key: a catalogued error, and the key is in no log line', async (t) => {
    const wrong = new StripeGateway({ ...settings, secretKey: 'sk_test_wrongKey0123456789' }, customers, logger);
    await t.rejects(wrong.start(order('ord11', bob.id)), { code: 'PAYMENT_PROVIDER_FAILED' });
    t.match(logs(), /Stripe: create customer failed/);
    t.notMatch(logs(), 'wrongKey0123456789');
    t.notMatch(logs(), 'hawkerFake0123456789');
  });
});
