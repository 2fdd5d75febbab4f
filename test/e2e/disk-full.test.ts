import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { makeFullDisk } from '../helpers/full-disk.js';
import { LiveClient } from '../helpers/live-client.js';
import { publishTestPattern, type Publisher } from '../helpers/media.js';
import { startServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The real server process with its data dir on a real 8 MB tmpfs, filled while it runs: API
 * writes, WebSocket chat, a socket closing and an RTMP publish (real FFmpeg) on a full disk.
 * The process must live through all of it and catch up when space returns. Needs mount (root
 * with CAP_SYS_ADMIN); a separate process cannot be given the max_page_count fallback, so
 * without mount this test is skipped (test/http/storage-full.test.ts covers the same in-process).
 */
t.test('the server process on a full disk: 503s, chat kept, publish survives, ready again after', async (t) => {
  const disk = makeFullDisk();
  t.teardown(() => disk.cleanup());
  if (disk.method !== 'tmpfs') {
    t.pass('skipped: cannot mount a tmpfs here');
    return;
  }
  const configDir = mkdtempSync(join(tmpdir(), 'hawker-full-config-'));
  t.teardown(() => rmSync(configDir, { recursive: true, force: true }));
  const configFile = join(configDir, 'hawker.yaml');
  writeFileSync(configFile, 'audience:\n  chatPerMinute: 100000\n  chatBurst: 1000\n  framesPerSecond: 1000\nstorage:\n  minFreeMegabytes: 1\npipeline:\n  ladder:\n    - { name: 240p, height: 240, videoKbps: 300, audioKbps: 64 }\n');
  const server = await startServerProcess({ dataDir: disk.dir, env: { HAWKER_CONFIG: configFile } });
  const publishers: Publisher[] = [];
  const clients: LiveClient[] = [];
  t.teardown(async () => {
    for (const c of clients) c.close();
    await Promise.all(publishers.map((p) => p.stop()));
    server.kill();
  });
  const alive = () => server.child.exitCode === null && server.child.signalCode === null;

  const show = (await (await server.api('/api/shows', { method: 'POST', body: JSON.stringify({ title: 'Full disk', host: 'Mia' }) })).json()) as { id: string; streamKey: string };
  const viewer = async (name: string) =>
    ((await (await fetch(`${server.httpUrl}/api/viewers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: name }) })).json()) as { token: string }).token;
  const open = async (token: string) => {
    const c = await LiveClient.open(server.httpUrl, show.id, { token });
    clients.push(c);
    return c;
  };
  const [ann, ben, cat] = [await open(await viewer('Ann')), await open(await viewer('Ben')), await open(await viewer('Cat'))];
  t.equal((await fetch(`${server.httpUrl}/readyz`)).status, 200, 'ready before');

  // the test runs as root, so the server's 0700 data dir is no obstacle to filling its disk
  disk.fill();

  const product = (sku: string) => JSON.stringify({ sku, title: 'Hose', description: 'x'.repeat(5000), price: 1999, currency: 'EUR', stock: 5 });
  let refused: Response | null = null;
  for (let i = 0; i < 50 && !refused; i += 1) {
    const r = await server.api('/api/products', { method: 'POST', body: product(`full-${i}`) });
    if (r.status !== 201) refused = r;
  }
  t.equal(refused?.status, 503, 'an API write over real HTTP answers 503');
  t.match(await refused?.json(), { code: 'STORAGE_UNAVAILABLE' });

  const texts: string[] = [];
  for (let i = 0; i < 30; i += 1) {
    texts.push(`line ${i}`);
    ann.send({ type: 'chat', text: `line ${i}` });
  }
  await ben.next((m) => m.type === 'chat' && m.text === 'line 29');
  t.same(ben.ofType('chat').map((m) => m.text), texts, 'chat flows to the others on a full disk');

  cat.close();
  await waitFor('the close to be handled', async () => ((await (await server.api(`/api/shows/${show.id}/presence`)).json()) as { viewers: number }).viewers === 2, 10_000);

  publishers.push(publishTestPattern(`rtmp://127.0.0.1:${server.rtmpPort}/live/${show.streamKey}`, { size: '320x240', maxSeconds: 6 }));
  await ben.next((m) => m.type === 'show' && m.status === 'live', 15_000);
  t.pass('viewers are told the show is live although the database could not record it');
  const notReady = await fetch(`${server.httpUrl}/readyz`);
  t.equal(notReady.status, 503, '/readyz: not ready');
  t.match(await notReady.json(), { checks: { storage: false } });
  await publishers[0]!.exited;
  t.ok(alive(), 'the process lived through the publish');

  disk.free();
  const db = new Database(join(disk.dir, 'hawker.db'), { readonly: true, fileMustExist: true });
  t.teardown(() => db.close());
  const stored = () => db.prepare('SELECT text FROM chat_messages WHERE show_id = ? ORDER BY rowid').pluck().all(show.id) as string[];
  await waitFor('held-back chat stored', () => stored().length === texts.length, 15_000);
  t.same(stored(), texts, 'every line stored once, in order, after space returned');
  await waitFor('ready again', async () => (await fetch(`${server.httpUrl}/readyz`)).status === 200, 15_000);
  await waitFor('the live mark written', async () => ((await (await server.api(`/api/shows/${show.id}`)).json()) as { status: string }).status !== 'scheduled', 15_000);
  t.equal((await server.api('/api/products', { method: 'POST', body: product('after') })).status, 201, 'writes work again');
  t.ok(alive(), 'alive throughout');
  const trouble = new Map<string, number>();
  for (const l of server.logs) if ((l.level as number) >= 40) trouble.set(String(l.msg), (trouble.get(String(l.msg)) ?? 0) + 1);
  t.comment(`warnings and errors logged: ${JSON.stringify(Object.fromEntries(trouble))}`);
  t.notOk(trouble.has('unhandled error'), 'no storage failure answered as an unhandled 500');
  t.equal(await server.terminate(), 0, 'and stops cleanly');
});
