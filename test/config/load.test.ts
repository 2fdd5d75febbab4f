import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { resolveAdminToken } from '../../src/config/admin-token.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { ConfigError, envBindings, loadConfig } from '../../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'hawker-config-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

t.test('config/hawker.example.yaml lists every key, equal to the defaults', async (t) => {
  const example = parse(readFileSync(new URL('../../config/hawker.example.yaml', import.meta.url), 'utf8'));
  t.same(example, defaultConfig);
  const text = readFileSync(new URL('../../config/hawker.example.yaml', import.meta.url), 'utf8');
  for (const { env } of envBindings) t.match(text, env, `${env} is documented in the example`);
});

t.test('no file, no environment: the defaults', async (t) => {
  t.same(loadConfig({ env: {} }), defaultConfig);
});

t.test('environment overrides file overrides defaults', async (t) => {
  const path = file('a.yaml', 'http:\n  port: 9000\nrtmp:\n  port: 2935\ndataDir: /srv/hawker\n');
  const config = loadConfig({ file: path, env: { HAWKER_HTTP_PORT: '9100', HAWKER_PUBLIC_URL: 'https://shop.example' } });
  t.equal(config.http.port, 9100);
  t.equal(config.rtmp.port, 2935);
  t.equal(config.dataDir, '/srv/hawker');
  t.equal(config.publicUrl, 'https://shop.example');
  t.equal(config.http.host, defaultConfig.http.host, 'untouched keys keep their default');
});

t.test('storage.keepRecordingsDays: 0 (forever) by default, from the file or HAWKER_KEEP_RECORDINGS_DAYS', async (t) => {
  t.equal(defaultConfig.storage.keepRecordingsDays, 0);
  t.equal(loadConfig({ file: file('keep.yaml', 'storage:\n  keepRecordingsDays: 30\n'), env: {} }).storage.keepRecordingsDays, 30);
  t.equal(loadConfig({ env: { HAWKER_KEEP_RECORDINGS_DAYS: '14' } }).storage.keepRecordingsDays, 14);
});

t.test('the x264 preset from the file or HAWKER_X264_PRESET; a preset x264 does not list is refused', async (t) => {
  t.equal(loadConfig({ env: {} }).pipeline.preset, 'veryfast');
  t.equal(loadConfig({ env: { HAWKER_X264_PRESET: 'ultrafast' } }).pipeline.preset, 'ultrafast');
  t.throws(() => loadConfig({ env: { HAWKER_X264_PRESET: 'ludicrous' } }), /pipeline\.preset \(from HAWKER_X264_PRESET\)/);
});

t.test('HAWKER_CONFIG names the file; JSON works as well as YAML', async (t) => {
  const path = file('b.json', JSON.stringify({ pipeline: { segmentSeconds: 2 } }));
  t.equal(loadConfig({ env: { HAWKER_CONFIG: path } }).pipeline.segmentSeconds, 2);
});

t.test('a ladder in the file replaces the default ladder whole', async (t) => {
  const path = file('c.yaml', 'pipeline:\n  ladder:\n    - { name: 480p, height: 480, videoKbps: 1500, audioKbps: 96 }\n');
  t.same(loadConfig({ file: path, env: {} }).pipeline.ladder, [{ name: '480p', height: 480, videoKbps: 1500, audioKbps: 96 }]);
});

t.test('bad values are refused with the key that holds them', async (t) => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['env not an integer', () => loadConfig({ env: { HAWKER_HTTP_PORT: 'eighty' } }), /HAWKER_HTTP_PORT \(http\.port\) must be an integer/],
    ['env out of range', () => loadConfig({ env: { HAWKER_RTMP_PORT: '70000' } }), /rtmp\.port \(from HAWKER_RTMP_PORT\)/],
    ['unknown key in file', () => loadConfig({ file: file('d.yaml', 'http:\n  prot: 1\n'), env: {} }), /http\.prot .* is not a known key/],
    ['wrong type in file', () => loadConfig({ file: file('e.yaml', 'pipeline:\n  segmentSeconds: fast\n'), env: {} }), /pipeline\.segmentSeconds/],
    ['bad log level', () => loadConfig({ env: { HAWKER_LOG_LEVEL: 'loud' } }), /log\.level \(from HAWKER_LOG_LEVEL\)/],
    ['bad public URL', () => loadConfig({ env: { HAWKER_PUBLIC_URL: 'ftp://x' } }), /publicUrl/],
    ['negative retention', () => loadConfig({ env: { HAWKER_KEEP_RECORDINGS_DAYS: '-1' } }), /storage\.keepRecordingsDays \(from HAWKER_KEEP_RECORDINGS_DAYS\)/],
    ['missing file', () => loadConfig({ file: join(dir, 'nope.yaml'), env: {} }), /cannot read/],
    ['not YAML', () => loadConfig({ file: file('f.yaml', 'a: [1, 2\n'), env: {} }), /not valid YAML or JSON/],
    ['duplicate rung names', () => loadConfig({ file: file('g.yaml', 'pipeline:\n  ladder:\n    - { name: a, height: 360, videoKbps: 800, audioKbps: 96 }\n    - { name: a, height: 180, videoKbps: 300, audioKbps: 64 }\n'), env: {} }), /ladder names must be unique/],
  ];
  for (const [name, load, message] of cases) {
    t.throws(load, ConfigError, name);
    try {
      load();
    } catch (err) {
      t.match((err as Error).message, message, name);
    }
  }
});

t.test('stripe among the providers needs its keys; they come from the environment', async (t) => {
  const withStripe = file('stripe.yaml', 'payments:\n  providers: [manual, stripe]\n');
  t.throws(() => loadConfig({ file: withStripe, env: {} }), /payments\.providers names stripe but payments\.stripe\.secretKey, payments\.stripe\.publishableKey, payments\.stripe\.webhookSecret are empty/);
  t.throws(() => loadConfig({ file: withStripe, env: { HAWKER_STRIPE_SECRET_KEY: 'sk_test_0123456789', HAWKER_STRIPE_PUBLISHABLE_KEY: 'pk_test_0123456789' } }), /payments\.stripe\.webhookSecret is empty/);
  const config = loadConfig({
    file: withStripe,
    env: { HAWKER_STRIPE_SECRET_KEY: 'sk_test_0123456789', HAWKER_STRIPE_PUBLISHABLE_KEY: 'pk_test_0123456789', HAWKER_STRIPE_WEBHOOK_SECRET: 'whsec_0123456789' },
  });
  t.same(config.payments.providers, ['manual', 'stripe']);
  t.equal(config.payments.stripe.secretKey, 'sk_test_0123456789');
  t.equal(config.payments.stripe.webhookSecret, 'whsec_0123456789');
  t.throws(() => loadConfig({ env: { HAWKER_STRIPE_SECRET_KEY: 'xk_test_not_a_secret_key' } }), /payments\.stripe\.secretKey \(from HAWKER_STRIPE_SECRET_KEY\) .*not shown/, 'a mistyped key is refused');
  try {
    loadConfig({ env: { HAWKER_STRIPE_WEBHOOK_SECRET: 'wh_0123456789secret' } });
    t.fail('a malformed webhook secret is refused');
  } catch (err) {
    t.notMatch((err as Error).message, '0123456789secret', 'the error does not repeat the secret');
  }
  t.throws(() => loadConfig({ file: file('stripe2.yaml', 'payments:\n  providers: [paypal]\n'), env: {} }), /payments\.providers/);
});

t.test('admin token: configured, else generated once into the data dir and reused', async (t) => {
  const data = mkdtempSync(join(tmpdir(), 'hawker-token-'));
  t.same(resolveAdminToken('a-configured-token-123', data), { token: 'a-configured-token-123', generated: false, source: 'config' });
  t.throws(() => resolveAdminToken('short', data), /at least 16 characters/);
  const first = resolveAdminToken('', data);
  t.equal(first.generated, true);
  t.match(first.token, /^[A-Za-z0-9_-]{43}$/);
  t.equal(statSync(join(data, 'admin-token')).mode & 0o777, 0o600, 'only the owner can read it');
  const second = resolveAdminToken('', data);
  t.same(second, { token: first.token, generated: false, source: 'file' });
});
