import { Writable } from 'node:stream';
import t from 'tap';
import { createLogger, redactSecrets } from '../../src/log/logger.js';

const key = 'Ab3_-'.repeat(8) + 'xyz';

t.test('stream keys and bearer tokens are cut out of text', async (t) => {
  t.equal(redactSecrets(`rtmp://127.0.0.1:1935/live/${key}`), 'rtmp://127.0.0.1:1935/live/[redacted]');
  t.equal(redactSecrets(`start push /live/${key} now`), 'start push /live/[redacted] now');
  t.equal(redactSecrets('Authorization: Bearer s3cr3t-token'), 'Authorization: Bearer [redacted]');
  t.equal(redactSecrets('Invalid API Key provided: sk_test_51AbCdEf0123456789'), 'Invalid API Key provided: sk_test_[redacted]');
  t.equal(redactSecrets('key rk_live_9zYxW8vU7'), 'key rk_live_[redacted]');
  t.equal(redactSecrets('secret whsec_Zm9vYmFy+/= end'), 'secret whsec_[redacted] end');
  t.equal(redactSecrets('pi_3Nabc123_secret_XyZ987'), 'pi_3Nabc123_secret_[redacted]', "a payment's client secret");
  t.equal(redactSecrets('/hls/abcdefghijkl/720p/index.m3u8'), '/hls/abcdefghijkl/720p/index.m3u8', 'media paths stay readable');
});

t.test('structured fields named like secrets are censored', async (t) => {
  let out = '';
  const destination = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  const log = createLogger({ level: 'info', pretty: false, destination });
  log.info({ streamKey: key, show: { streamKey: key }, token: 'abc' }, 'hello');
  log.info({ stripe: { secretKey: 'sk_test_f1eld', webhookSecret: 'whsec_f1eld' }, payment: { clientSecret: 'pi_1_secret_f1eld' }, req: { headers: { 'stripe-signature': 't=1,v1=f1eldsig' } } }, 'payments');
  t.notMatch(out, 'f1eld', 'Stripe keys, the webhook secret, client secrets and signatures are censored');
  t.notMatch(out, key);
  t.notMatch(out, '"abc"');
  t.match(out, '[redacted]');
});
