import t from 'tap';

// The live player's decisions (browser module without the DOM), run in Node: what the viewer
// page says about the live edge, what it does about a stall or a fatal error, and how often it
// may reload.
type State = 'off' | 'live' | 'behind';
type StallAction = 'none' | 'jump' | 'reload';
interface LiveEdge {
  LIVE_HLS_CONFIG: Record<string, unknown>;
  BEHIND_SECONDS: number;
  STALL_MS: number;
  RECOVERY_RESET_MS: number;
  liveEdgeState(s: { live: boolean; started: boolean; paused: boolean; latency: number | null; target: number | null; previous?: State }): State;
  stallAction(s: { wantsToPlay: boolean; stalledMs: number; aheadSeconds: number; lastAction: StallAction | null; lastActionAgoMs: number; reloads: number }): StallAction;
  fatalAction(e: { type: string; mediaRecoveredAgoMs: number }): 'recover-media' | 'reload';
  reloadDelayMs(s: { started: boolean; reloads: number }): number;
  driftAction(s: { wantsToPlay: boolean; chosen: boolean; late: number | null; catchUpSeconds: number; lateForMs: number; lastJumpAgoMs: number }): 'none' | 'jump';
  DRIFT_MS: number;
  DRIFT_SPACING_MS: number;
}
const edge = (await import(new URL('../../src/web/assets/live-edge.js', import.meta.url).href)) as LiveEdge;
const { liveEdgeState, stallAction, fatalAction, reloadDelayMs, driftAction, STALL_MS, RECOVERY_RESET_MS, DRIFT_MS, DRIFT_SPACING_MS } = edge;

t.test('hls.js is held one 1 s segment from the edge, catches up gently, and is ready for LL-HLS', async (t) => {
  t.match(edge.LIVE_HLS_CONFIG, { liveSyncDurationCount: 1, maxLiveSyncPlaybackRate: 1.1, lowLatencyMode: true });
  // a finite one would make hls.js drag a viewer who paused or scrolled back to the edge
  t.notOk('liveMaxLatencyDurationCount' in edge.LIVE_HLS_CONFIG, 'no forced return to the edge: the viewer chooses');
  t.ok(Object.isFrozen(edge.LIVE_HLS_CONFIG), 'one shared configuration no page can change for the others');
});

t.test('LIVE at the edge, Behind live once paused, scrolled back or late; nothing when not live', async (t) => {
  const at = { live: true, started: true, paused: false, target: 1 };
  t.equal(liveEdgeState({ ...at, latency: 1.4 }), 'live', 'playing one segment from the edge');
  t.equal(liveEdgeState({ ...at, latency: 3.9 }), 'live', 'a little late (a playlist reload, catch-up under way) is still live');
  t.equal(liveEdgeState({ ...at, latency: 4.2 }), 'behind', 'more than 3 s later than the target');
  t.equal(liveEdgeState({ ...at, latency: 40 }), 'behind', 'scrolled back');
  t.equal(liveEdgeState({ ...at, latency: 1.2, paused: true }), 'behind', 'paused, even a moment ago');
  t.equal(liveEdgeState({ ...at, latency: null }), 'live', 'playing before the playlist is measured');
  t.equal(liveEdgeState({ ...at, latency: Number.NaN }), 'live');
  // a stall raised hls.js's target: late is measured from where the player means to be
  t.equal(liveEdgeState({ ...at, target: 2, latency: 4.5 }), 'live');

  t.equal(liveEdgeState({ ...at, latency: 3.5, previous: 'behind' }), 'behind', 'once behind, back only when clearly near the edge (no flicker)');
  t.equal(liveEdgeState({ ...at, latency: 2.5, previous: 'behind' }), 'live', 'after Jump to live');
  t.equal(liveEdgeState({ ...at, latency: 3.5, previous: 'live' }), 'live');

  t.equal(liveEdgeState({ ...at, live: false, latency: 50 }), 'off', 'the replay, before the show, the host away: nothing shown');
  t.equal(liveEdgeState({ ...at, live: false, paused: true, latency: 1 }), 'off');
  t.equal(liveEdgeState({ ...at, started: false, paused: true, latency: null }), 'off', 'no frame played yet (autoplay refused): not "behind"');
  t.equal(liveEdgeState({ live: true, started: true, paused: false, latency: 5.5, target: null }), 'behind', 'no target known: measured from the edge itself');
});

t.test('a stall: first a jump to the edge, then a reload, then reloads spaced out', async (t) => {
  const stalled = { wantsToPlay: true, stalledMs: STALL_MS, aheadSeconds: 6, lastAction: null, lastActionAgoMs: Infinity, reloads: 0 };
  t.equal(stallAction({ ...stalled, stalledMs: STALL_MS - 1 }), 'none', 'a short wait is hls.js\'s own to mend');
  t.equal(stallAction(stalled), 'jump');
  t.equal(stallAction({ ...stalled, lastAction: 'jump', lastActionAgoMs: STALL_MS }), 'reload', 'stalled again right after the jump');
  t.equal(stallAction({ ...stalled, lastAction: 'reload', lastActionAgoMs: STALL_MS, reloads: 1 }), 'none', 'no second reload 4 s after the first');
  t.equal(stallAction({ ...stalled, lastAction: 'reload', lastActionAgoMs: 6000, reloads: 1 }), 'reload', 'but after 6 s');
  t.equal(stallAction({ ...stalled, lastAction: 'reload', lastActionAgoMs: 14_000, reloads: 3 }), 'none');
  t.equal(stallAction({ ...stalled, lastAction: 'reload', lastActionAgoMs: 15_000, reloads: 3 }), 'reload', 'then every 15 s at most');
  t.equal(stallAction({ ...stalled, lastAction: 'reload', lastActionAgoMs: RECOVERY_RESET_MS, reloads: 4 }), 'jump', 'trouble long after the last: the gentle step again');

  t.equal(stallAction({ ...stalled, aheadSeconds: 0.4 }), 'none', 'nothing newer listed (host away, a transcoder restart): waiting is right');
  t.equal(stallAction({ ...stalled, aheadSeconds: Number.NaN }), 'none');
  t.equal(stallAction({ ...stalled, wantsToPlay: false, stalledMs: 60_000 }), 'none', 'paused by the viewer, or not live');

  // the loop the watchdog must not make: a stream that never plays gets at most one reload per
  // backoff step over a minute, not one every few seconds
  let at = 0;
  let last: { action: StallAction; at: number } | null = null;
  let reloads = 0;
  let movedAt = 0;
  const actions: Array<[number, StallAction]> = [];
  for (at = 0; at <= 60_000; at += 1000) {
    const action = stallAction({ wantsToPlay: true, stalledMs: at - movedAt, aheadSeconds: 6, lastAction: last?.action ?? null, lastActionAgoMs: last ? at - last.at : Infinity, reloads });
    if (action === 'none') continue;
    actions.push([at, action]);
    if (action === 'reload') reloads += 1;
    last = { action, at };
    movedAt = at; // the runtime restarts the stall clock with each action
  }
  t.same(actions.map(([, a]) => a).slice(0, 2), ['jump', 'reload']);
  t.ok(actions.length <= 7, `a minute of a stream that never plays: ${actions.length} actions (${actions.map(([s, a]) => `${a}@${s / 1000}s`).join(', ')})`);
  const gaps = actions.slice(1).map(([s], i) => s - actions[i]![0]);
  t.ok(gaps.every((g) => g >= STALL_MS), 'never two within the stall time');
});

t.test('late by no choice of the viewer (stalls): back to the edge; paused or scrolled back: left alone', async (t) => {
  const drifted = { wantsToPlay: true, chosen: false, late: 4.5, catchUpSeconds: 1, lateForMs: DRIFT_MS, lastJumpAgoMs: Infinity };
  t.equal(driftAction(drifted), 'jump', 'hls.js catches up only within a segment of its target: later than that it would stay late');
  t.equal(driftAction({ ...drifted, lateForMs: DRIFT_MS - 1 }), 'none', 'a moment late (a playlist reload) is not drift');
  t.equal(driftAction({ ...drifted, late: 0.9 }), 'none', 'within a target duration: hls.js\'s own catch-up (up to 1.1x) is enough');
  t.equal(driftAction({ ...drifted, late: 1.4 }), 'none', 'and a margin past it');
  // measured on LL-HLS (target 0.6 s, 1 s segments): a start 2.5 s late stayed there for good
  t.equal(driftAction({ ...drifted, late: 2.5 }), 'jump', 'out of the catch-up\'s reach, though not yet "behind live"');
  t.equal(driftAction({ ...drifted, late: null }), 'none');
  t.equal(driftAction({ ...drifted, chosen: true, late: 40 }), 'none', 'the viewer paused or scrolled back: Jump to live is theirs to press');
  t.equal(driftAction({ ...drifted, wantsToPlay: false }), 'none', 'paused, or not live');
  t.equal(driftAction({ ...drifted, lastJumpAgoMs: DRIFT_SPACING_MS - 1 }), 'none', 'a machine too slow to keep up is not made to seek in a loop');
  t.equal(driftAction({ ...drifted, lastJumpAgoMs: DRIFT_SPACING_MS }), 'jump');
});

t.test('a fatal error: hls.js mends a media error once, anything else reloads after a delay', async (t) => {
  t.equal(fatalAction({ type: 'mediaError', mediaRecoveredAgoMs: Infinity }), 'recover-media');
  t.equal(fatalAction({ type: 'mediaError', mediaRecoveredAgoMs: 5000 }), 'reload', 'the mend did not hold');
  t.equal(fatalAction({ type: 'mediaError', mediaRecoveredAgoMs: RECOVERY_RESET_MS }), 'recover-media', 'long ago: mend again');
  t.equal(fatalAction({ type: 'networkError', mediaRecoveredAgoMs: Infinity }), 'reload');
  t.equal(fatalAction({ type: 'otherError', mediaRecoveredAgoMs: Infinity }), 'reload');

  t.same([0, 1, 2, 3, 4, 10].map((reloads) => reloadDelayMs({ started: true, reloads })), [3000, 6000, 12_000, 15_000, 15_000, 15_000], 'after playing: backing off to 15 s');
  t.same([0, 5, 50].map((reloads) => reloadDelayMs({ started: false, reloads })), [3000, 3000, 3000], 'before the show: asked every 3 s, as the page always did');
});
