// The Stripe flow over real HTTP, against the real app and SQLite, with Stripe played by a local
// Stripe-speaking server (test/helpers/fake-stripe.ts) and the merchant's backend by a local
// receiver: create intent -> signed webhook -> order paid -> order.paid to the merchant; forged,
// old and replayed webhooks change nothing; refunds go through Stripe; a success that comes
// after the hold ran out is refunded; one tap with a saved card; manual instructions.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { FAKE_STRIPE_PUBLISHABLE_KEY, FAKE_STRIPE_SECRET_KEY, FAKE_STRIPE_WEBHOOK_SECRET, FakeStripe, stripeSignature } from '../helpers/fake-stripe.js';
import { waitFor } from '../helpers/wait.js';

const MANUAL_INSTRUCTIONS = 'Bank transfer to IBAN DE00 1234 5678, reference: your order id';

t.test('paying with Stripe and by hand', async (t) => {
  const fake = new FakeStripe();
  const api = await fake.start();
  const { app, auth, db, services, logs } = await buildTestApp({
    payments: {
      providers: ['manual', 'stripe'],
      stripe: { secretKey: FAKE_STRIPE_SECRET_KEY, publishableKey: FAKE_STRIPE_PUBLISHABLE_KEY, webhookSecret: FAKE_STRIPE_WEBHOOK_SECRET, apiHost: api.host, apiPort: api.port, apiProtocol: 'http' },
    },
    checkout: { manualInstructions: MANUAL_INSTRUCTIONS },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  fake.webhookUrl = `${base}/api/payments/stripe/webhook`;
  t.teardown(async () => {
    await fake.close();
    await app.close();
    db.close();
  });

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    // any: answers of many shapes (orders, payments, errors), each checked field by field below
    return { status: response.status, json: (text ? JSON.parse(text) : null) as Record<string, any> };
  };
  const admin = (method: string, path: string, body?: unknown) => call(method, path, body, auth);

  // the merchant's backend
  const received: Array<{ type: string; data: Record<string, unknown> }> = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(JSON.parse(body) as { type: string; data: Record<string, unknown> });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  t.teardown(() => receiver.close());
  t.equal((await admin('POST', '/api/webhooks', { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks` })).status, 201);
  const deliverWebhooks = async (type: string, orderId: string) =>
    waitFor(`${type} of ${orderId} at the merchant`, async () => {
      await services.dispatcher.tick();
      return received.some((e) => e.type === type && (e.data as { orderId?: string }).orderId === orderId);
    }, 10_000, 50);

  const product = (await admin('POST', '/api/products', { sku: 'MUG', title: 'Mug', price: 2299, currency: 'EUR', stock: 50 })).json;
  const show = (await admin('POST', '/api/shows', { title: 'Mugs live' })).json;
  t.equal((await admin('PUT', `/api/shows/${show.id}/lineup`, { productIds: [product.id] })).status, 200);
  services.shows.markLive(show.id, Date.now());

  const newViewer = async (name: string) => {
    const v = (await call('POST', '/api/viewers', { displayName: name })).json;
    return { id: v.viewerId as string, auth: { authorization: `Bearer ${v.token as string}` } };
  };
  const alice = await newViewer('Alice');
  const bob = await newViewer('Bob');
  const buyer = {
    contact: { name: 'Alice Doe', email: 'alice@example.com' },
    shippingAddress: { name: 'Alice Doe', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' },
  };
  const place = async (viewer: { auth: Record<string, string> }, payment: 'stripe' | 'manual', quantity = 2) => {
    const placed = await call('POST', `/api/shows/${show.id}/orders`, { productId: product.id, quantity, payment, ...buyer }, { ...viewer.auth, 'idempotency-key': `k-${Math.random()}` });
    t.equal(placed.status, 201, `order placed: ${JSON.stringify(placed.json)}`);
    return placed.json;
  };
  const orderOf = async (viewer: { auth: Record<string, string> }, id: string) => (await call('GET', `/api/orders/${id}`, undefined, viewer.auth)).json;
  const intentOf = (clientSecret: string) => clientSecret.split('_secret_')[0]!;
  const outboxRows = (type: string, orderId: string) =>
    db.prepare("SELECT count(*) FROM webhook_outbox WHERE event_type = ? AND json_extract(payload, '$.data.orderId') = ?").pluck().get(type, orderId) as number;

  await t.test('the checkout terms are public: providers and the publishable key, never a secret', async (t) => {
    const terms = await call('GET', '/api/checkout');
    t.equal(terms.status, 200);
    t.match(terms.json, { providers: ['manual', 'stripe'], stripePublishableKey: FAKE_STRIPE_PUBLISHABLE_KEY, manualInstructions: MANUAL_INSTRUCTIONS, holdMinutes: 10 });
    t.notMatch(JSON.stringify(terms.json), /sk_test|whsec_/);
  });

  let paidOrderId = '';
  await t.test('intent -> signed webhook -> paid -> order.paid to the merchant; never from the browser', async (t) => {
    const order = await place(alice, 'stripe');
    t.match(order, { status: 'pending', total: 4598, payment: { provider: 'stripe' } });
    const started = await call('POST', `/api/orders/${order.id}/payment`, undefined, alice.auth);
    t.equal(started.status, 200);
    t.match(started.json, { provider: 'stripe', clientSecret: /^pi_\w+_secret_\w+$/, publishableKey: FAKE_STRIPE_PUBLISHABLE_KEY, savedMethods: [] });
    const intentId = intentOf(started.json.clientSecret as string);
    t.match(fake.intent(intentId), { amount: 4598, currency: 'eur', metadata: { orderId: order.id } });
    t.equal((await orderOf(alice, order.id)).payment.reference, intentId, 'the intent is attached to the order');
    t.equal((await call('POST', `/api/orders/${order.id}/payment`, undefined, bob.auth)).status, 404, "Bob cannot pay Alice's order");

    // the browser has the client secret, but nothing it can send marks the order paid
    t.equal((await call('POST', `/api/orders/${order.id}/pay`, undefined, alice.auth)).status, 404);
    t.equal((await orderOf(alice, order.id)).status, 'pending');

    const delivery = await fake.payInBrowser(intentId);
    t.equal(delivery.status, 200);
    t.match(JSON.parse(delivery.body), { received: true, outcome: 'paid' });
    const paid = await orderOf(alice, order.id);
    t.match(paid, { status: 'paid', paidAt: /Z$/ });
    await deliverWebhooks('order.paid', order.id);
    t.equal(outboxRows('order.paid', order.id), 1);
    paidOrderId = order.id;
  });

  await t.test('forged, old and replayed webhooks change nothing', async (t) => {
    const order = await place(alice, 'stripe', 1);
    const intentId = intentOf((await call('POST', `/api/orders/${order.id}/payment`, undefined, alice.auth)).json.clientSecret as string);
    const succeeded = { ...fake.intent(intentId), status: 'succeeded' as const, amount_received: fake.intent(intentId).amount };
    const body = fake.eventBody('payment_intent.succeeded', succeeded);

    for (const [name, signature] of [
      ['no signature', null],
      ['signed with another secret', stripeSignature(body, 'whsec_forgedSecret0123456789')],
      ['signed ten minutes ago', stripeSignature(body, FAKE_STRIPE_WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 600)],
      ['v1 of another body', stripeSignature(body.replace(order.id, 'other'), FAKE_STRIPE_WEBHOOK_SECRET)],
    ] as const) {
      const refused = await fake.deliver(body, signature);
      t.equal(refused.status, 400, name);
      t.equal((JSON.parse(refused.body) as { code: string }).code, 'WEBHOOK_SIGNATURE_INVALID', name);
    }
    t.equal((await orderOf(alice, order.id)).status, 'pending', 'still pending');
    t.equal(db.prepare('SELECT count(*) FROM payment_events WHERE order_id = ?').pluck().get(order.id), 0, 'no event recorded');

    // a body that is not JSON under a good signature, and a body past the route's cap
    t.equal((await fake.deliver('not json', stripeSignature('not json', FAKE_STRIPE_WEBHOOK_SECRET))).status, 400);
    const huge = JSON.stringify({ id: 'evt_huge', type: 'x', pad: 'x'.repeat(300 * 1024) });
    t.equal((await fake.deliver(huge)).status, 413);

    // the replayed paid event of the first order: answered, recorded once, paid once, order.paid once
    const first = fake.deliveries.find((d) => d.type === 'payment_intent.succeeded' && d.status === 200)!;
    const before = await orderOf(alice, paidOrderId);
    const original = fake.eventBody('payment_intent.succeeded', fake.intent((before.payment as { reference: string }).reference), first.eventId);
    const replay = await fake.deliver(original);
    t.equal(replay.status, 200);
    t.match(JSON.parse(replay.body), { outcome: 'duplicate' });
    t.same(await orderOf(alice, paidOrderId), before, 'the order is as it was');
    t.equal(outboxRows('order.paid', paidOrderId), 1, 'order.paid went out once');
    t.equal(db.prepare("SELECT count(*) FROM payment_events WHERE provider = 'stripe' AND event_id = ?").pluck().get(first.eventId), 1);
  });

  await t.test('a refund goes through Stripe', async (t) => {
    const refunded = await admin('POST', `/api/orders/${paidOrderId}/refund`);
    t.equal(refunded.status, 200);
    t.equal(refunded.json.status, 'refunded');
    const reference = (await orderOf(alice, paidOrderId)).payment.reference as string;
    t.match(fake.refunds, [{ payment_intent: reference, amount: 4598 }]);
    t.equal(fake.callsTo('POST', '/v1/refunds')[0]?.idempotencyKey, `hawker-order-${paidOrderId}-refund`);
    await deliverWebhooks('order.refunded', paidOrderId);
  });

  await t.test("a success that comes after the hold ran out is refunded, and the order stays expired", async (t) => {
    const order = await place(bob, 'stripe', 1);
    const intentId = intentOf((await call('POST', `/api/orders/${order.id}/payment`, undefined, bob.auth)).json.clientSecret as string);
    // Stripe took the money a moment before the hold lapsed; its event is late
    fake.succeedQuietly(intentId);
    services.orders.expireDue(Date.now() + 24 * 3600_000);
    await waitFor('the lapsed intent cancelled at Stripe', () => fake.callsTo('POST', `/v1/payment_intents/${intentId}/cancel`).length === 1, 5_000, 20);
    t.equal((await orderOf(bob, order.id)).status, 'expired');
    t.equal((await call('POST', `/api/orders/${order.id}/payment`, undefined, bob.auth)).json.code, 'ORDER_EXPIRED', 'an expired order cannot be paid');

    const late = await fake.sendEvent('payment_intent.succeeded', fake.intent(intentId));
    t.equal(late.status, 200);
    t.match(JSON.parse(late.body), { outcome: 'refunded' });
    t.match(fake.refunds.at(-1), { payment_intent: intentId, metadata: { orderId: order.id } });
    t.equal((await orderOf(bob, order.id)).status, 'expired', 'not paid');
    t.equal(outboxRows('order.paid', order.id), 0);

    // a second expired hold whose hold cancelled the intent: nothing to refund, nothing paid
    const other = await place(bob, 'stripe', 1);
    const otherIntent = intentOf((await call('POST', `/api/orders/${other.id}/payment`, undefined, bob.auth)).json.clientSecret as string);
    services.orders.expireDue(Date.now() + 24 * 3600_000);
    await waitFor('the other lapsed intent cancelled', () => fake.intent(otherIntent).status === 'canceled', 5_000, 20);
  });

  await t.test('one tap: the card saved on the first purchase pays the next', async (t) => {
    const first = await place(bob, 'stripe', 1);
    const firstIntent = intentOf((await call('POST', `/api/orders/${first.id}/payment`, undefined, bob.auth)).json.clientSecret as string);
    await fake.payInBrowser(firstIntent, { brand: 'visa', last4: '1881' });
    t.equal((await orderOf(bob, first.id)).status, 'paid');

    const next = await place(bob, 'stripe', 1);
    const started = await call('POST', `/api/orders/${next.id}/payment`, undefined, bob.auth);
    t.match(started.json.savedMethods, [{ id: /^pm_/, brand: 'visa', last4: '1881' }]);
    const methodId = (started.json.savedMethods as Array<{ id: string }>)[0]!.id;
    t.equal((await call('POST', `/api/orders/${next.id}/payment/saved`, { paymentMethodId: methodId }, alice.auth)).status, 404, "not Alice's order");
    const aliceOrder = await place(alice, 'stripe', 1);
    t.equal((await call('POST', `/api/orders/${aliceOrder.id}/payment/saved`, { paymentMethodId: methodId }, alice.auth)).json.code, 'PAYMENT_METHOD_NOT_FOUND', "nor Bob's card for Alice");

    const tapped = await call('POST', `/api/orders/${next.id}/payment/saved`, { paymentMethodId: methodId }, bob.auth);
    t.equal(tapped.status, 200);
    t.match(tapped.json, { provider: 'stripe', status: 'succeeded' });
    await fake.settled();
    t.equal((await orderOf(bob, next.id)).status, 'paid', "paid from Stripe's webhook");
    t.equal((await call('POST', `/api/orders/${next.id}/payment/saved`, { paymentMethodId: methodId }, bob.auth)).json.code, 'ORDER_STATE', 'a paid order takes no second payment');
  });

  await t.test('a declined payment is recorded; the order still waits', async (t) => {
    const order = await place(alice, 'stripe', 1);
    const intentId = intentOf((await call('POST', `/api/orders/${order.id}/payment`, undefined, alice.auth)).json.clientSecret as string);
    const declined = await fake.declineInBrowser(intentId);
    t.match(JSON.parse(declined.body), { outcome: 'failed-recorded' });
    t.equal((await orderOf(alice, order.id)).status, 'pending');
    t.equal(db.prepare("SELECT event_type FROM payment_events WHERE order_id = ?").pluck().get(order.id), 'payment_intent.payment_failed');
  });

  await t.test('manual payment: the instructions; the merchant marks it paid', async (t) => {
    const order = await place(alice, 'manual', 1);
    const started = await call('POST', `/api/orders/${order.id}/payment`, undefined, alice.auth);
    t.same(started.json, { provider: 'manual', instructions: MANUAL_INSTRUCTIONS });
    t.equal((await call('POST', `/api/orders/${order.id}/payment/saved`, { paymentMethodId: 'pm_123' }, alice.auth)).json.code, 'PAYMENT_METHOD_NOT_FOUND');
    t.equal((await admin('POST', `/api/orders/${order.id}/mark-paid`)).json.status, 'paid');
    t.equal((await call('POST', `/api/orders/${order.id}/payment`, undefined, alice.auth)).json.code, 'ORDER_STATE');
  });

  await t.test('no secret reached the logs', async (t) => {
    const text = logs();
    for (const secret of [FAKE_STRIPE_SECRET_KEY, FAKE_STRIPE_WEBHOOK_SECRET, 'hawkerFake0123456789']) t.notMatch(text, secret);
    t.notMatch(text, /_secret_[0-9a-f]{8}/, 'no client secret');
  });
});

t.test('without stripe among the providers: no Stripe webhook route, manual only', async (t) => {
  const { app, db } = await buildTestApp();
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const body = JSON.stringify({ id: 'evt_1', type: 'payment_intent.succeeded', data: { object: {} } });
  const hook = await app.inject({ method: 'POST', url: '/api/payments/stripe/webhook', headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(body, FAKE_STRIPE_WEBHOOK_SECRET) }, payload: body });
  t.equal(hook.statusCode, 404);
  t.match((await app.inject({ method: 'GET', url: '/api/checkout' })).json(), { providers: ['manual'], stripePublishableKey: null });
});
