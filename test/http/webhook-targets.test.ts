import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { WebhookDispatcher } from '../../src/commerce/webhook-dispatcher.js';
import { buildTestApp } from '../helpers/app.js';

/** A merchant backend on 127.0.0.1 that records what reaches it. */
async function receiver(t: { teardown(fn: () => void): void }) {
  const received: IncomingMessage['headers'][] = [];
  const server = createServer((req, res) => {
    received.push(req.headers);
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  return { received, port: (server.address() as AddressInfo).port };
}

t.test('by default, loopback, private, link-local and metadata targets are refused at registration', async (t) => {
  const { app, db, auth } = await buildTestApp({ webhooks: { allowPrivateTargets: false } });
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const register = (url: string) => app.inject({ method: 'POST', url: '/api/webhooks', headers: auth, payload: { url } });
  for (const url of [
    'http://127.0.0.1:8080/hooks',
    'http://2130706433/hooks', // 127.0.0.1 as one number; URL parsing makes it dotted
    'http://0x7f.1/hooks',
    'http://[::1]/hooks',
    'http://[::ffff:127.0.0.1]/hooks',
    'http://[::ffff:a9fe:a9fe]/latest/meta-data',
    'http://169.254.169.254/latest/meta-data',
    'http://[fd00:ec2::254]/',
    'http://10.0.0.5/hooks',
    'http://172.16.3.4/hooks',
    'http://192.168.1.10/hooks',
    'http://100.64.0.1/hooks',
    'http://[fd12::1]/hooks',
    'http://[fe80::1]/hooks',
    'http://0.0.0.0:3000/',
    'http://224.0.0.1/',
  ]) {
    const res = await register(url);
    t.equal(res.statusCode, 400, url);
    t.equal(res.json().code, 'WEBHOOK_TARGET_REFUSED', url);
  }
  t.match((await register('http://127.0.0.1:8080/hooks')).json().message, /loopback address; set webhooks.allowPrivateTargets/);
  // a public literal and a name are accepted (names are checked at each delivery); nothing is sent now
  t.equal((await register('https://203.0.113.10/hooks')).statusCode, 201);
  t.equal((await register('https://shop.invalid/hooks')).statusCode, 201);
});

t.test('by default, a name that resolves to loopback is not delivered to; the log says refused', async (t) => {
  const { app, db, auth, services } = await buildTestApp({ webhooks: { allowPrivateTargets: false } });
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const backend = await receiver(t);
  const hook = (await app.inject({ method: 'POST', url: '/api/webhooks', headers: auth, payload: { url: `http://localhost:${backend.port}/hooks` } })).json() as { id: string };
  // an endpoint registered while private targets were allowed, then the setting changed
  services.webhooks.addEndpoint({ id: 'old-literal', url: `http://127.0.0.1:${backend.port}/hooks`, secret: 'whsec_x', createdAt: Date.now() });
  services.webhooks.enqueue('order.created', { orderId: 'o1' }, Date.now());
  await services.dispatcher.tick();
  t.same(backend.received, [], 'nothing reached the loopback server');
  const log = (await app.inject({ url: `/api/webhooks/${hook.id}/deliveries`, headers: auth })).json() as Array<{ statusCode: number | null; error: string }>;
  t.equal(log.length, 1);
  t.equal(log[0]?.statusCode, null);
  t.match(log[0]?.error, /^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
  const old = (await app.inject({ url: '/api/webhooks/old-literal/deliveries', headers: auth })).json() as Array<{ error: string }>;
  t.match(old[0]?.error, /^refused: 127\.0\.0\.1 is a loopback address/);
});

t.test('with allowPrivateTargets, the same loopback target is registered and delivered to', async (t) => {
  const { app, db, auth, services } = await buildTestApp({ webhooks: { allowPrivateTargets: true } });
  t.teardown(async () => {
    await app.close();
    db.close();
  });
  const backend = await receiver(t);
  const res = await app.inject({ method: 'POST', url: '/api/webhooks', headers: auth, payload: { url: `http://localhost:${backend.port}/hooks` } });
  t.equal(res.statusCode, 201);
  services.webhooks.enqueue('order.created', { orderId: 'o1' }, Date.now());
  await services.dispatcher.tick();
  t.equal(backend.received.length, 1);
  t.equal(backend.received[0]?.['hawker-event'], 'order.created');
});

t.test('every resolved address is checked, and the connection goes to the checked address', async (t) => {
  const backend = await receiver(t);
  const attempts: Array<{ error: string | null; statusCode: number | null }> = [];
  const items = (url: string) => [{ id: 1, endpointId: 'e', url, secret: 's', eventId: 'ev', eventType: 'order.created' as const, payload: '{}', attempts: 0 }];
  const store = (url: string) => ({
    due: () => items(url),
    recordAttempt: (_i: unknown, r: { error: string | null; statusCode: number | null }) => void attempts.push(r),
  });
  const logger = { warn: () => undefined, error: () => undefined };
  let lookups = 0;
  // a name with one public and one loopback address: refused before any connection is made
  const mixed = new WebhookDispatcher({
    // the dispatcher needs only these two store methods and these two logger methods here
    store: store(`http://rebind.test:${backend.port}/`) as never,
    logger: logger as never,
    resolve: async () => {
      lookups += 1;
      return [
        { address: '93.184.216.34', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ];
    },
  });
  await mixed.tick();
  t.match(attempts[0]?.error, /^refused: rebind\.test resolves to 127\.0\.0\.1, a loopback address/);
  t.equal(lookups, 1);
  t.same(backend.received, []);

  // pinned: the socket connects to what our lookup returned (a .test name no DNS answers)
  const pinned = new WebhookDispatcher({
    store: store(`http://pinned.test:${backend.port}/`) as never,
    logger: logger as never,
    allowPrivateTargets: true,
    resolve: async () => [{ address: '127.0.0.1', family: 4 }],
  });
  await pinned.tick();
  t.same(attempts[1], { ...attempts[1], statusCode: 204, error: null });
  t.equal(backend.received.length, 1);
  t.equal(backend.received[0]?.host, `pinned.test:${backend.port}`, 'the Host header keeps the name');
});
