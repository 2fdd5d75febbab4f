import { Writable } from 'node:stream';
import t from 'tap';
import { createLogger, redactSecrets } from '../../src/log/logger.js';

const key = 'Ab3_-'.repeat(8) + 'xyz';

t.test('stream keys and bearer tokens are cut out of text', async (t) => {
  t.equal(redactSecrets(`rtmp://127.0.0.1:1935/live/${key}`), 'rtmp://127.0.0.1:1935/live/[redacted]');
  t.equal(redactSecrets(`start push /live/${key} now`), 'start push /live/[redacted] now');
  t.equal(redactSecrets('Authorization: Bearer s3cr3t-token'), 'Authorization: Bearer [redacted]');
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
  t.notMatch(out, key);
  t.notMatch(out, '"abc"');
  t.match(out, '[redacted]');
});
