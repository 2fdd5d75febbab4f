import t from 'tap';
import WebSocket from 'ws';
import { buildTestApp } from '../helpers/app.js';
import { LiveClient } from '../helpers/live-client.js';
import { waitFor } from '../helpers/wait.js';

t.test('a socket that stops answering pings is cut: it leaves presence and its address slot', async (t) => {
  const { app, db, auth, services } = await buildTestApp({ viewerRateLimitPerMinute: 100_000, audience: { heartbeatSeconds: 1, maxConnectionsPerAddress: 2 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const sockets: WebSocket[] = [];
  t.teardown(async () => {
    for (const s of sockets) s.terminate();
    await app.close();
    db.close();
  });
  const show = (await app.inject({ method: 'POST', url: '/api/shows', headers: auth, payload: { title: 'Hoses' } })).json() as { id: string };
  const token = async (name: string) => ((await app.inject({ method: 'POST', url: '/api/viewers', payload: { displayName: name } })).json() as { token: string }).token;

  const healthy = await LiveClient.open(base.replace(/^ws/, 'http'), show.id, { token: await token('Ana') });
  sockets.push(healthy.socket);
  // a phone gone silent: the socket stays open but nothing answers pings
  const mute = new WebSocket(`${base}/api/shows/${show.id}/live?token=${await token('Ghost')}`, { autoPong: false });
  sockets.push(mute);
  let pings = 0;
  mute.on('ping', () => (pings += 1));
  const muteClosed = new Promise<number>((resolve) => mute.once('close', (code) => resolve(code)));
  mute.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    mute.once('open', () => resolve());
    mute.once('error', reject);
  });
  await waitFor('both present', () => services.hub.connections === 2);

  // the address is full while the silent socket is counted
  const third = new WebSocket(`${base}/api/shows/${show.id}/live`);
  sockets.push(third);
  third.on('error', () => undefined);
  t.equal(await new Promise<number>((resolve) => third.once('close', (code) => resolve(code))), 4503, 'a third connection from the address is refused');

  const started = Date.now();
  const closeCode = await Promise.race([muteClosed, new Promise<string>((resolve) => setTimeout(() => resolve('still open after 5 s'), 5000))]);
  t.equal(closeCode, 1006, 'the silent socket was terminated, not closed politely');
  const tookMs = Date.now() - started;
  t.ok(pings >= 1, 'it was pinged first');
  t.ok(tookMs < 3500, `cut within two heartbeats (${tookMs} ms)`);
  await waitFor('presence counts one', () => services.hub.connections === 1, 3000);
  await healthy.next((m) => m.type === 'presence' && m.viewers === 1, 3000);

  // the slot is free again; the healthy socket, which answers pings, is still there after more beats
  const again = await LiveClient.open(base.replace(/^ws/, 'http'), show.id);
  sockets.push(again.socket);
  await new Promise((r) => setTimeout(r, 2200));
  t.equal(healthy.closeCode, null, 'a socket that answers pings stays');
  t.equal(again.closeCode, null);
  t.equal(services.hub.connections, 2);
});
