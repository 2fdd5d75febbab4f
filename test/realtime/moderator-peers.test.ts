import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { LiveClient, type Received } from '../helpers/live-client.js';

const isChat = (text: string) => (m: Received) => m.type === 'chat' && m.text === text;
const isError = (code: string) => (m: Received) => m.type === 'error' && m.code === code;

t.test('moderators cannot time out, ban or delete the host or other moderators; the host can', async (t) => {
  const { app, db, auth } = await buildTestApp({ viewerRateLimitPerMinute: 100_000, audience: { chatPerMinute: 10_000, chatBurst: 1000 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const clients: LiveClient[] = [];
  t.teardown(async () => {
    for (const c of clients) c.close();
    await app.close();
    db.close();
  });
  const show = (await app.inject({ method: 'POST', url: '/api/shows', headers: auth, payload: { title: 'Hoses', host: 'Mia' } })).json() as { id: string };
  const viewer = async (name: string) => (await app.inject({ method: 'POST', url: '/api/viewers', payload: { displayName: name } })).json() as { viewerId: string; token: string };
  const open = async (options: { token?: string; authorization?: string }) => {
    const c = await LiveClient.open(url, show.id, options);
    clients.push(c);
    await c.next((m) => m.type === 'welcome');
    return c;
  };
  const modA = await viewer('ModA');
  const modB = await viewer('ModB');
  const ana = await viewer('Ana');
  for (const m of [modA, modB]) t.equal((await app.inject({ method: 'PUT', url: `/api/viewers/${m.viewerId}/moderator`, headers: auth })).statusCode, 204);
  const a = await open({ token: modA.token });
  const b = await open({ token: modB.token });
  const v = await open({ token: ana.token });
  const host = await open({ authorization: auth.authorization });

  b.send({ type: 'chat', text: 'I keep order too' });
  const bLine = await a.next(isChat('I keep order too'));
  host.send({ type: 'chat', text: 'welcome all' });
  const hostLine = await a.next(isChat('welcome all'));
  const hostVoiceId = (hostLine.viewer as { id: string }).id;

  a.send({ type: 'ban', viewerId: modB.viewerId, ref: 'ban' });
  t.match(await a.next(isError('MODERATOR_NOT_SANCTIONABLE')), { ref: 'ban' });
  a.send({ type: 'timeout', viewerId: modB.viewerId, seconds: 60, ref: 'to' });
  t.match(await a.next((m) => isError('MODERATOR_NOT_SANCTIONABLE')(m) && m.ref === 'to'), { ref: 'to' });
  a.send({ type: 'delete', messageId: bLine.id, ref: 'del' });
  t.match(await a.next((m) => isError('MODERATOR_NOT_SANCTIONABLE')(m) && m.ref === 'del'), { ref: 'del' });
  a.send({ type: 'delete', messageId: hostLine.id, ref: 'delhost' });
  t.match(await a.next((m) => isError('HOST_NOT_SANCTIONABLE')(m) && m.ref === 'delhost'), { ref: 'delhost' });
  a.send({ type: 'ban', viewerId: hostVoiceId, ref: 'banhost' });
  t.match(await a.next((m) => isError('HOST_NOT_SANCTIONABLE')(m) && m.ref === 'banhost'), { ref: 'banhost' });

  // modB still speaks, its line is still there
  b.send({ type: 'chat', text: 'still here' });
  await v.next(isChat('still here'));
  t.notOk(v.messages.some((m) => m.type === 'chat.deleted' && m.id === bLine.id));

  // a moderator still acts on viewers, and on their own lines
  v.send({ type: 'chat', text: 'spam' });
  const spam = await a.next(isChat('spam'));
  a.send({ type: 'delete', messageId: spam.id });
  await v.next((m) => m.type === 'chat.deleted' && m.id === spam.id);
  a.send({ type: 'chat', text: 'oops' });
  const oops = await v.next(isChat('oops'));
  a.send({ type: 'delete', messageId: oops.id });
  await v.next((m) => m.type === 'chat.deleted' && m.id === oops.id);
  a.send({ type: 'timeout', viewerId: ana.viewerId, seconds: 30 });
  await v.next((m) => m.type === 'notice' && m.code === 'TIMED_OUT');

  // the host can act on a moderator
  host.send({ type: 'delete', messageId: bLine.id });
  await v.next((m) => m.type === 'chat.deleted' && m.id === bLine.id);
  host.send({ type: 'timeout', viewerId: modB.viewerId, seconds: 30 });
  await b.next((m) => m.type === 'notice' && m.code === 'TIMED_OUT');
  for (const c of clients) t.same(c.invalid, []);
});
