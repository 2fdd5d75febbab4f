// A show of the server process put on air the way a merchant does it without OBS: the server's
// own test pattern publishes (a show without a scheduled time goes live at once), then stops.
// The caller's reconnect window (HAWKER_RECONNECT_WINDOW_SECONDS) keeps the show live after:
// it waits for the host, and orders, which need a live show (issue 14), are taken meanwhile.
import type { ServerProcess } from './server-process.js';
import { waitFor } from './wait.js';

export async function goLiveAndStopPublishing(server: ServerProcess, showId: string, productIds: string[]): Promise<void> {
  const lineup = await server.api(`/api/shows/${showId}/lineup`, { method: 'PUT', body: JSON.stringify({ productIds }) });
  if (lineup.status !== 200) throw new Error(`lineup: ${lineup.status} ${await lineup.text()}`);
  const started = await server.api(`/api/shows/${showId}/test-pattern`, { method: 'POST', body: JSON.stringify({ seconds: 60 }) });
  if (started.status !== 202) throw new Error(`test pattern: ${started.status} ${await started.text()}`);
  await waitFor('the show to go live', async () => ((await (await server.api(`/api/shows/${showId}`)).json()) as { status: string }).status === 'live', 30_000, 200);
  await (await server.api(`/api/shows/${showId}/test-pattern`, { method: 'DELETE' })).body?.cancel();
}

/** the env that keeps a show live while its host is away for the length of a test */
export const HOST_AWAY_OK = { HAWKER_RECONNECT_WINDOW_SECONDS: '3600' };
