// The push endpoint is user input the server will POST to: refused unless https, bounded and
// public — every address its name resolves to, when it is stored and again by the sending
// socket's own lookup (a name may answer a public address first and a private one later).
import t from 'tap';
import { createECDH, randomBytes } from 'node:crypto';
import { checkEndpoint, checkKeys } from '../../src/reach/push-endpoint.js';
import { WebPushSender } from '../../src/reach/push-sender.js';
import { vapidSubject } from '../../src/reach/vapid-keys.js';
import webpush from 'web-push';
import { startPushService } from '../helpers/push-service.js';

const answers = (...addresses: string[]) => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

t.test('registration: every resolved address must be public', async (t) => {
  await t.resolves(checkEndpoint('https://push.example/x', { allowPrivate: false, resolve: answers('93.184.216.34') }));
  await t.rejects(checkEndpoint('https://push.example/x', { allowPrivate: false, resolve: answers('93.184.216.34', '10.0.0.7') }), { code: 'PUSH_ENDPOINT_REFUSED', message: /resolves to 10\.0\.0\.7, a private address/ }, 'one private address among public ones');
  await t.rejects(checkEndpoint('https://push.example/x', { allowPrivate: false, resolve: answers('fe80::1') }), { code: 'PUSH_ENDPOINT_REFUSED' });
  await t.rejects(checkEndpoint('https://push.example/x', { allowPrivate: false, resolve: async () => [] }), { code: 'PUSH_ENDPOINT_REFUSED', message: /no address/ });
  await t.rejects(checkEndpoint('https://push.example/x', { allowPrivate: false, resolve: () => Promise.reject(new Error('ENOTFOUND')) }), { code: 'PUSH_ENDPOINT_REFUSED', message: /does not resolve/ });
  await t.rejects(checkEndpoint('https://push.example/x', { allowPrivate: false, resolve: () => new Promise(() => undefined), timeoutMs: 50 }), { code: 'PUSH_ENDPOINT_REFUSED', message: /in time/ }, 'a lookup that never answers');
  await t.rejects(checkEndpoint('https://user:pw@push.example/x', { allowPrivate: false, resolve: answers('93.184.216.34') }), { code: 'PUSH_ENDPOINT_INVALID' });
  await t.rejects(checkEndpoint('not a url', { allowPrivate: true }), { code: 'PUSH_ENDPOINT_INVALID' });
  await t.resolves(checkEndpoint('https://10.0.0.7/x', { allowPrivate: true }), 'allowed with the flag');
});

t.test('keys: a P-256 point and a 16-byte secret', async (t) => {
  const point = createECDH('prime256v1');
  point.generateKeys();
  const good = { p256dh: point.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
  t.same(checkKeys({ p256dh: `${good.p256dh}=`, auth: good.auth }), good, 'padding dropped');
  t.throws(() => checkKeys({ ...good, auth: randomBytes(8).toString('base64url') }), { code: 'PUSH_SUBSCRIPTION_INVALID' });
  t.throws(() => checkKeys({ ...good, p256dh: point.getPublicKey(undefined, 'compressed').toString('base64url') }), { code: 'PUSH_SUBSCRIPTION_INVALID' }, 'compressed points are not what browsers send');
});

t.test('sending: the socket lookup refuses a name that now resolves to a private address', async (t) => {
  const push = await startPushService();
  t.teardown(() => push.close());
  const sub = push.subscriber();
  const vapid = webpush.generateVAPIDKeys();
  const port = new URL(push.origin).port;
  // the name answered a public address when the subscription was stored; now it answers loopback
  const sender = new WebPushSender({ vapid, subject: 'mailto:ops@shop.example', allowPrivateEndpoints: false, ca: push.ca, resolve: answers('127.0.0.1') });
  t.teardown(() => sender.close());
  const message = { endpoint: `https://push.example:${port}${new URL(sub.endpoint).pathname}`, keys: sub.keys, payload: '{}', ttlSeconds: 60, urgency: 'high' as const };
  const refused = await sender.send(message);
  t.match(refused, { status: 'failed', statusCode: null, error: /refused: push\.example resolves to 127\.0\.0\.1, a loopback address/ });
  t.match(await sender.send({ ...message, endpoint: sub.endpoint }), { status: 'failed', error: /127\.0\.0\.1 is a loopback address/ }, 'an IP literal too');
  t.equal(push.requests.length, 0, 'nothing reached the push service');

  const allowed = new WebPushSender({ vapid, subject: 'mailto:ops@shop.example', allowPrivateEndpoints: true, ca: push.ca });
  t.teardown(() => allowed.close());
  t.same(await allowed.send({ ...message, endpoint: sub.endpoint }), { status: 'sent', statusCode: 201 }, 'with the flag it goes');
  const untrusted = new WebPushSender({ vapid, subject: 'mailto:ops@shop.example', allowPrivateEndpoints: true });
  t.teardown(() => untrusted.close());
  t.match(await untrusted.send({ ...message, endpoint: sub.endpoint }), { status: 'failed', error: /self-signed|certificate/ }, 'TLS is checked: only the CA given is trusted');
});

t.test('the VAPID subject: configured, else an https publicUrl, else a mailto at its host', async (t) => {
  t.equal(vapidSubject('mailto:ops@shop.example', 'http://localhost:8080'), 'mailto:ops@shop.example');
  t.equal(vapidSubject('', 'https://live.shop.example/'), 'https://live.shop.example');
  t.equal(vapidSubject('', 'http://localhost:8080'), 'mailto:hawker@localhost', 'a trial on http://localhost still starts');
  t.equal(vapidSubject('', 'https://localhost:8443'), 'mailto:hawker@localhost', 'web-push warns about an https://localhost subject');
  t.throws(() => vapidSubject('https://', 'https://shop.example'), /reminders\.vapidSubject is not a URL/, 'a broken one stops the start, not every push');
});
