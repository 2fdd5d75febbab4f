import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { defaultConfig } from '../../src/config/defaults.js';
import { createLogger } from '../../src/log/logger.js';
import { startHawker } from '../../src/main.js';
import { waitFor } from '../helpers/wait.js';

const alive = (pid: number) => existsSync(`/proc/${pid}/stat`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

/**
 * A stand-in for FFmpeg: answers the version probe, writes its PID when it runs, and takes
 * `linger` seconds to end after SIGINT (as FFmpeg does while it closes its output).
 */
function slowToStopFfmpeg(dir: string, linger: number): string {
  const file = join(dir, 'ffmpeg');
  writeFileSync(
    file,
    `#!/bin/sh\n[ "$2" = "-version" ] && exit 0\ntrap 'sleep ${linger}; exit 0' INT\necho $$ > "$0.pid"\nwhile :; do sleep 0.05; done\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

// close() resolves only once every child process has exited: a test pattern that takes its
// time to end on SIGINT is waited for, not left running behind a "stopped" server.
t.test('close() waits for a running test pattern to exit', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'hawker-shutdown-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const ffmpeg = slowToStopFfmpeg(root, 1);
  const logger = createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const hawker = await startHawker(
    {
      ...defaultConfig,
      dataDir: join(root, 'data'),
      adminToken: 'an-admin-token-for-the-shutdown-test',
      ffmpeg: { ...defaultConfig.ffmpeg, path: ffmpeg },
      http: { ...defaultConfig.http, host: '127.0.0.1', port: 0 },
      rtmp: { ...defaultConfig.rtmp, host: '127.0.0.1', port: 0 },
      storage: { ...defaultConfig.storage, minFreeMegabytes: 0 },
    },
    logger,
  );
  let closed = false;
  t.teardown(() => (closed ? undefined : hawker.close()));
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${hawker.httpUrl}${path}`, { ...init, headers: { authorization: `Bearer ${hawker.adminToken}`, 'content-type': 'application/json' } });
  const show = (await (await api('/api/shows', { method: 'POST', body: JSON.stringify({ title: 'Shutdown' }) })).json()) as { id: string };
  const res = await api(`/api/shows/${show.id}/test-pattern`, { method: 'POST', body: JSON.stringify({ seconds: 60 }) });
  t.equal(res.status, 202);
  const pid = await waitFor('the test pattern to run', () => (existsSync(`${ffmpeg}.pid`) ? Number(readFileSync(`${ffmpeg}.pid`, 'utf8')) : 0), 10_000, 20);
  t.ok(alive(pid), 'the test pattern runs');
  const began = Date.now();
  await hawker.close();
  closed = true;
  const took = Date.now() - began;
  t.notOk(alive(pid), `the test pattern has exited when close() resolves (${took} ms)`);
  t.ok(took >= 800, 'close() waited for it to end on SIGINT');
});
