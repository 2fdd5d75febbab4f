import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { defaultConfig } from '../../src/config/defaults.js';
import { captureLogs } from '../helpers/capture-logs.js';
import { startHawker } from '../../src/main.js';

/** The data dir holds every stream key (in hawker.db) and the admin token: owner only. */
const modeOf = (path: string) => statSync(path).mode & 0o777;

function start(dataDir: string) {
  const { logger, text: logText } = captureLogs('info');
  const config = {
    ...defaultConfig,
    dataDir,
    adminToken: '',
    http: { ...defaultConfig.http, host: '127.0.0.1', port: 0 },
    rtmp: { ...defaultConfig.rtmp, host: '127.0.0.1', port: 0 },
    storage: { ...defaultConfig.storage, minFreeMegabytes: 0 },
  };
  return { hawker: startHawker(config, logger), logs: logText };
}

// the usual umask, under which Node and SQLite would create 0755 dirs and 0644 files
process.umask(0o022);

t.test('a new install: data dir 0700, database (with -wal and -shm) and admin token 0600', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'hawker-modes-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dataDir = join(root, 'data');
  const { hawker, logs } = start(dataDir);
  const running = await hawker;
  t.teardown(() => running.close());
  t.equal(modeOf(dataDir), 0o700, 'data dir');
  for (const name of ['hawker.db', 'hawker.db-wal', 'hawker.db-shm', 'admin-token']) t.equal(modeOf(join(dataDir, name)), 0o600, name);
  t.notMatch(logs(), /open to other users/, 'nothing to warn about');
  const ready = await fetch(`${running.httpUrl}/readyz`);
  t.match(await ready.json(), { checks: { storage: true } }, 'readiness reports storage');
});

t.test('an older install left 0755/0644 is tightened on start, with one warning', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'hawker-modes-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dataDir = join(root, 'data');
  mkdirSync(dataDir, { mode: 0o755 });
  chmodSync(dataDir, 0o755);
  writeFileSync(join(dataDir, 'admin-token'), 'an-old-admin-token-0123456789\n', { mode: 0o644 });
  chmodSync(join(dataDir, 'admin-token'), 0o644);
  // as the old code made it: SQLite's own 0644, and a connection still open so -wal and -shm exist
  const old = new Database(join(dataDir, 'hawker.db'));
  t.teardown(() => old.close());
  old.pragma('journal_mode = WAL');
  old.exec('CREATE TABLE IF NOT EXISTS leftover (x INTEGER)');
  for (const name of ['hawker.db', 'hawker.db-wal', 'hawker.db-shm']) t.equal(modeOf(join(dataDir, name)), 0o644, `${name} starts 0644`);

  const { hawker, logs } = start(dataDir);
  const running = await hawker;
  t.teardown(() => running.close());
  t.equal(modeOf(dataDir), 0o700, 'data dir tightened');
  for (const name of ['hawker.db', 'hawker.db-wal', 'hawker.db-shm', 'admin-token']) t.equal(modeOf(join(dataDir, name)), 0o600, `${name} tightened`);
  const warnings = logs().split('\n').filter((l) => l.includes('open to other users'));
  t.equal(warnings.length, 1, 'one warning');
  t.match(JSON.parse(warnings[0]!), { level: 40, paths: [dataDir, join(dataDir, 'hawker.db'), join(dataDir, 'hawker.db-wal'), join(dataDir, 'hawker.db-shm'), join(dataDir, 'admin-token')] });
  t.notMatch(logs(), /an-old-admin-token/, 'the token is never logged');
  t.equal(running.adminToken, 'an-old-admin-token-0123456789', 'the kept token still works');
  // the server still reads its own media under the 0700 dir
  const served = await fetch(`${running.httpUrl}/healthz`);
  t.equal(served.status, 200);
});
