import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

// "Start test pattern" when the server's FFmpeg cannot be started: a clear error, never
// 202 running, and the spawn failure in the log once.
t.test('a missing FFmpeg answers 503 FFMPEG_UNAVAILABLE, not 202 running', async (t) => {
  const { app, auth, logs, db, services } = await buildTestApp({ ffmpegPath: '/nonexistent/ffmpeg' });
  t.teardown(async () => {
    await services.processes.closeAll();
    await app.close();
    db.close();
  });
  const show = (await app.inject({ method: 'POST', url: '/api/shows', headers: { 'content-type': 'application/json', ...auth }, payload: { title: 'No FFmpeg' } })).json<{ id: string; streamKey: string }>();
  const res = await app.inject({ method: 'POST', url: `/api/shows/${show.id}/test-pattern`, headers: { 'content-type': 'application/json', ...auth }, payload: { seconds: 10 } });
  t.equal(res.statusCode, 503);
  t.match(res.json(), { code: 'FFMPEG_UNAVAILABLE', message: /could not start: spawn \/nonexistent\/ffmpeg ENOENT/ });
  const state = await app.inject({ method: 'GET', url: `/api/shows/${show.id}/test-pattern`, headers: auth });
  t.match(state.json(), { running: false, error: /ENOENT/ }, 'the panel sees why');
  t.equal(logs().match(/spawn \/nonexistent\/ffmpeg ENOENT/g)?.length, 1, 'the spawn error is logged once');
  t.notOk(logs().includes(show.streamKey), 'the stream key is not logged');
});
