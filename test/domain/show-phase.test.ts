// The show's phase without timers, SQLite or FFmpeg: given a phase, when an input arrives,
// then the next phase and the effects the runner carries out, in order.
import t from 'tap';
import { decide, initialPhase, isOnAir, type PhaseInput, type ShowPhase } from '../../src/domain/show-phase.js';

const claim = (sessionId = 's1'): PhaseInput => ({ type: 'claim', sessionId });
const publish = (sessionId = 's1', backstage = false): PhaseInput => ({ type: 'publish', sessionId, remote: '127.0.0.1', backstage });
const unpublish = (sessionId = 's1'): PhaseInput => ({ type: 'unpublish', sessionId, remote: '127.0.0.1' });

/** Feeds the inputs one after another from `given`; returns the last decision. */
function when(given: ShowPhase, ...inputs: PhaseInput[]) {
  let decision = { phase: given, effects: [] as ReturnType<typeof decide>['effects'] };
  for (const input of inputs) decision = decide(decision.phase, input);
  return decision;
}

const scheduled: ShowPhase = { kind: 'scheduled', publisher: null };
const live: ShowPhase = { kind: 'live', publisher: 's1' };
const awaiting: ShowPhase = { kind: 'awaiting-reconnect', publisher: null };
const rehearsal: ShowPhase = { kind: 'rehearsal', publisher: 's1' };

t.test('the stored status gives the starting phase', async (t) => {
  t.same(initialPhase('scheduled'), scheduled);
  t.same(initialPhase('ended'), { kind: 'ended' });
  t.same(initialPhase('live'), awaiting, 'a live show this process never saw waits for its host');
});

t.test('a claim holds the show for one publisher', async (t) => {
  t.same(when(scheduled, claim()), { phase: { kind: 'scheduled', publisher: 's1' }, effects: [] });
  t.same(when(scheduled, claim('s1'), claim('s2')).effects, [{ type: 'refuse', refusal: 'has-publisher' }]);
  t.same(when(live, claim('s2')), { phase: live, effects: [{ type: 'refuse', refusal: 'has-publisher' }] });
  t.same(when(rehearsal, claim('s2')).effects, [{ type: 'refuse', refusal: 'has-publisher' }]);
  t.same(when({ kind: 'ending', reason: 'x' }, claim()).effects, [{ type: 'refuse', refusal: 'ending' }]);
  t.same(when({ kind: 'ended' }, claim()).effects, [{ type: 'refuse', refusal: 'ended' }]);
});

t.test('a scheduled show goes live on its stream: live mark, then the timeline, then FFmpeg', async (t) => {
  t.same(when(scheduled, claim(), publish()), {
    phase: live,
    effects: [
      { type: 'mark-live' },
      { type: 'record', event: 'publisher.connected', payload: { remote: '127.0.0.1', reconnect: false } },
      { type: 'start-pipeline', sessionId: 's1' },
    ],
  });
  t.same(when(scheduled, claim('s1'), publish('s2')).phase, { kind: 'scheduled', publisher: 's1' }, 'a stream it never claimed changes nothing');
});

t.test('a claim that leaves before its stream started leaves the show as it was', async (t) => {
  t.same(when(scheduled, claim(), unpublish()), { phase: scheduled, effects: [] });
});

t.test('the host drops: the reconnect window opens and FFmpeg stops', async (t) => {
  t.same(when(live, unpublish()), {
    phase: awaiting,
    effects: [
      { type: 'record', event: 'publisher.disconnected', payload: { remote: '127.0.0.1' } },
      { type: 'arm-reconnect-timer' },
      { type: 'tell-host', present: false },
      { type: 'stop-pipeline' },
    ],
  });
  t.same(when(live, unpublish('other')), { phase: live, effects: [] }, 'another session leaving is not the host');
});

t.test('a reconnect in the window continues the same show', async (t) => {
  t.same(when(awaiting, claim('s2'), publish('s2')), {
    phase: { kind: 'live', publisher: 's2' },
    effects: [
      { type: 'cancel-reconnect-timer' },
      { type: 'record', event: 'publisher.connected', payload: { remote: '127.0.0.1', reconnect: true } },
      { type: 'tell-host', present: true },
      { type: 'start-pipeline', sessionId: 's2' },
    ],
  });
  t.same(when(awaiting, claim('s2'), publish('s2', true)).phase, { kind: 'live', publisher: 's2' }, 'a backstage stream to a live show is live');
});

t.test('the window elapses: the show ends once FFmpeg has stopped', async (t) => {
  const elapsed = when(awaiting, { type: 'reconnect-window-elapsed' });
  t.same(elapsed, {
    phase: { kind: 'ending', reason: 'publisher did not come back' },
    effects: [{ type: 'stop-pipeline', then: { type: 'pipeline-stopped' } }],
  });
  t.same(when(elapsed.phase, { type: 'pipeline-stopped' }), {
    phase: { kind: 'ended' },
    effects: [{ type: 'close-playlists' }, { type: 'mark-ended', reason: 'publisher did not come back' }],
  });
  t.same(when(awaiting, claim('s2'), { type: 'reconnect-window-elapsed' }).phase, { kind: 'awaiting-reconnect', publisher: 's2' }, 'a reconnect under way keeps the show');
  t.same(when(live, { type: 'reconnect-window-elapsed' }), { phase: live, effects: [] }, 'a timer that fired late after a reconnect does nothing');
});

t.test('a crash left the show live: its host gets the window', async (t) => {
  t.same(when(scheduled, { type: 'recover' }), {
    phase: awaiting,
    effects: [{ type: 'record', event: 'publisher.disconnected', payload: { reason: 'server restarted' } }, { type: 'arm-reconnect-timer' }],
  });
});

t.test('shutdown ends live shows and leaves scheduled ones', async (t) => {
  t.same(when(live, { type: 'shutdown' }), { phase: { kind: 'ending', reason: 'server shutdown' }, effects: [{ type: 'stop-pipeline', then: { type: 'pipeline-stopped' } }] });
  t.same(when(awaiting, { type: 'shutdown' }).effects[0], { type: 'cancel-reconnect-timer' });
  t.same(when(scheduled, { type: 'shutdown' }), { phase: scheduled, effects: [] });
  t.same(when({ kind: 'ending', reason: 'x' }, { type: 'shutdown' }).effects, [], 'ending already');
});

t.test('End show: live or waiting for the host, ends; otherwise refused', async (t) => {
  t.same(when(live, { type: 'end', reason: 'ended by the merchant' }).phase, { kind: 'ending', reason: 'ended by the merchant' });
  t.same(when(awaiting, { type: 'end', reason: 'r' }).effects, [{ type: 'cancel-reconnect-timer' }, { type: 'stop-pipeline', then: { type: 'pipeline-stopped' } }]);
  t.same(when(scheduled, { type: 'end', reason: 'r' }), { phase: scheduled, effects: [{ type: 'refuse', refusal: 'not-live' }] });
  t.same(when(rehearsal, { type: 'end', reason: 'r' }).effects, [{ type: 'refuse', refusal: 'not-live' }]);
  t.same(when({ kind: 'ended' }, { type: 'end', reason: 'r' }).effects, [{ type: 'refuse', refusal: 'ended' }]);
});

t.test('rehearsal: a backstage stream runs the pipeline and tells nobody', async (t) => {
  const rehearsing = when(scheduled, claim(), publish('s1', true));
  t.same(rehearsing, { phase: rehearsal, effects: [{ type: 'arm-start-timer' }, { type: 'clear-media' }, { type: 'start-pipeline', sessionId: 's1' }] });
  t.notOk(isOnAir(rehearsing.phase), 'not on air');
  t.notOk(rehearsing.effects.some((e) => e.type === 'mark-live' || e.type === 'record'), 'no live mark, nothing on the timeline');
});

t.test('rehearsal stopped: the show is scheduled again and can go live later', async (t) => {
  t.same(when(rehearsal, unpublish()), { phase: scheduled, effects: [{ type: 'cancel-start-timer' }, { type: 'stop-pipeline' }, { type: 'clear-media' }] });
  t.same(when(rehearsal, unpublish('other')), { phase: rehearsal, effects: [] });
  t.same(when(rehearsal, { type: 'shutdown' }).phase, scheduled, 'a shutdown does not end a rehearsing show');
  const again = when(rehearsal, unpublish(), claim('s2'), publish('s2', true), { type: 'go-live' });
  t.same(again.phase, { kind: 'live', publisher: 's2' });
});

t.test('Go live from rehearsal: live mark first, then a fresh pipeline', async (t) => {
  t.same(when(rehearsal, { type: 'go-live' }), {
    phase: live,
    effects: [
      { type: 'cancel-start-timer' },
      { type: 'mark-live' },
      { type: 'record', event: 'publisher.connected', payload: { reconnect: false } },
      { type: 'stop-pipeline' },
      { type: 'clear-media' },
      { type: 'start-pipeline', sessionId: 's1' },
    ],
  });
  t.same(when(scheduled, { type: 'go-live' }).effects, [{ type: 'refuse', refusal: 'not-rehearsing' }], 'no stream, nothing to show');
  t.same(when(live, { type: 'go-live' }), { phase: live, effects: [] }, 'live already: nothing to do');
  t.same(when({ kind: 'ended' }, { type: 'go-live' }).effects, [{ type: 'refuse', refusal: 'ended' }]);
});

t.test('on air: live, waiting for the host and ending; not scheduled, rehearsing or ended', async (t) => {
  t.same(
    [scheduled, rehearsal, live, awaiting, { kind: 'ending', reason: 'x' } as const, { kind: 'ended' } as const].map(isOnAir),
    [false, false, true, true, true, false],
  );
});
