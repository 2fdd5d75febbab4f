// Live playback close to the edge, shared by the viewer page (and its mini player) and the
// cockpit's preview: one hls.js configuration, the live-edge state ("LIVE" or "Behind live"),
// the jump back to the edge, and recovery after a fatal error or a long stall. The decisions are
// pure functions (test/web/live-edge.test.ts runs them in Node); nothing here touches the DOM
// until a player is started.

/**
 * hls.js for a live show. Hawker's segments are 1 s: held one segment from the edge (hls.js's
 * default is three), caught up by playing up to 1.1x while behind that target (hls.js only does
 * so in lowLatencyMode and only within a segment's length of the target, so a viewer who
 * scrolled back is left where they are), and lowLatencyMode on: on LL-HLS playlists hls.js asks
 * part by part with blocking reloads and holds PART-HOLD-BACK (0.6 s) from the edge. liveMaxLatencyDurationCount stays hls.js's
 * Infinity: a finite one makes hls.js seek a viewer who paused or scrolled back to the edge on
 * the next playlist, and the page offers "Jump to live" for that instead.
 */
export const LIVE_HLS_CONFIG = Object.freeze({
  liveSyncDurationCount: 1,
  maxLiveSyncPlaybackRate: 1.1,
  lowLatencyMode: true,
  // a short back buffer: a live viewer does not scroll back far, and a phone's memory is small
  backBufferLength: 30,
  // hls.js raises its target by a whole second per stall by default; on LL-HLS (target 0.6 s)
  // two stalls on a busy phone would triple the delay for the rest of the show
  liveSyncOnStallIncrease: 0.2,
});

/** seconds later than the player's target at which the viewer is "behind live" */
export const BEHIND_SECONDS = 3;
/** ...and back at the edge once under this (hysteresis: the playlist's age swings ~1 s each reload) */
export const BACK_AT_EDGE_SECONDS = 2;
/** Safari's own HLS holds about three target durations back; its latency is measured from its seekable end */
export const NATIVE_TARGET_SECONDS = 3;

/** @typedef {'off' | 'live' | 'behind'} LiveEdgeState */

/**
 * What the page shows about the live edge.
 * - off: not a live show being played (before it is live, the host away, the replay), or no frame yet
 * - live: playing at (or catching up to) the edge
 * - behind: paused, scrolled back, or more than BEHIND_SECONDS later than the target
 * @param {{ live: boolean, started: boolean, paused: boolean, latency: number | null, target: number | null, previous?: LiveEdgeState }} s
 *   latency: seconds from the playlist's live edge to the playhead (hls.js `latency`); target:
 *   where the player means to be (hls.js `targetLatency`)
 * @returns {LiveEdgeState}
 */
export function liveEdgeState({ live, started, paused, latency, target, previous = 'off' }) {
  if (!live || !started) return 'off';
  if (paused) return 'behind';
  // not measured yet (a playlist not read): playing a live show is playing at its edge
  if (latency == null || !Number.isFinite(latency)) return 'live';
  const late = latency - (target ?? 0);
  if (previous === 'behind') return late < BACK_AT_EDGE_SECONDS ? 'live' : 'behind';
  return late > BEHIND_SECONDS ? 'behind' : 'live';
}

/** playback that has not moved for this long (while it should) is stalled */
export const STALL_MS = 4000;
/** a recovery this long ago is history: the next stall starts again from the gentlest step */
export const RECOVERY_RESET_MS = 30_000;

/**
 * How long to wait before the next reload. Before the first frame a missing playlist is a show
 * not there yet (scheduled, rehearsing, the page opened early): asked again every 3 s, one small
 * request, as the pages always did. Once it has played, reloads in a row back off (3 s, 6 s,
 * 12 s, then 15 s), so a server restarting or a broken stream is not hammered in a loop.
 * @param {{ started: boolean, reloads: number }} s reloads: reloads in a row so far
 */
export const reloadDelayMs = ({ started, reloads }) => (started ? Math.min(3000 * 2 ** Math.max(0, reloads), 15_000) : 3000);

/** @typedef {'none' | 'jump' | 'reload'} StallAction */

/**
 * What to do about live playback that does not move. First a jump to the live edge (over a
 * hole in the buffer, or a decoder that lost its place); stalled again soon after: a reload of
 * the player, then reloads no more often than reloadDelayMs allows.
 * @param {{ wantsToPlay: boolean, stalledMs: number, aheadSeconds: number, lastAction: StallAction | null, lastActionAgoMs: number, reloads: number }} s
 *   wantsToPlay: a live show, not paused by the viewer; stalledMs: how long the playhead has not
 *   moved; aheadSeconds: listed media beyond the playhead; reloads: reloads in a row so far
 * @returns {StallAction}
 */
export function stallAction({ wantsToPlay, stalledMs, aheadSeconds, lastAction, lastActionAgoMs, reloads }) {
  if (!wantsToPlay || stalledMs < STALL_MS) return 'none';
  // nothing newer to play: the encoder is late (host away, a transcoder restarting), not the
  // player; a reload would not bring the picture sooner
  if (!(aheadSeconds >= 1)) return 'none';
  if (lastAction == null || lastAction === 'none' || lastActionAgoMs >= RECOVERY_RESET_MS) return 'jump';
  if (lastAction === 'jump') return 'reload';
  return lastActionAgoMs >= reloadDelayMs({ started: true, reloads }) ? 'reload' : 'none';
}

/** late past hls.js's own catch-up for this long, by no choice of the viewer: the player jumps to the edge */
export const DRIFT_MS = 2000;
/** how far past the reach of hls.js's catch-up (one target duration) the picture may be before that counts */
export const DRIFT_MARGIN_SECONDS = 0.5;
/** ...at most this often, so a machine too slow to keep up is not made to seek in a loop */
export const DRIFT_SPACING_MS = 15_000;

/**
 * Live playback that fell behind on its own (a slow start, stalls on a slow network or a busy
 * phone, each one leaving the picture later): hls.js catches up by playing faster only within one
 * target duration of its target and treats anything later as the viewer scrolling back, so it
 * would stay late for good. On LL-HLS that is 1 s past a 0.6 s target: a start 3 s behind
 * (measured on a busy machine) stayed 3 s behind. A viewer who paused or scrolled back chose it
 * (the page offers Jump to live); otherwise the player jumps to the edge once the picture has
 * been out of the catch-up's reach for DRIFT_MS.
 * @param {{ wantsToPlay: boolean, chosen: boolean, late: number | null, catchUpSeconds: number, lateForMs: number, lastJumpAgoMs: number }} s
 *   late: seconds later than the player's target (latency - target); catchUpSeconds: how late
 *   hls.js still catches up by itself (the playlist's target duration); lateForMs: how long it
 *   has been later than that (+ DRIFT_MARGIN_SECONDS); lastJumpAgoMs: since the player's own last jump
 * @returns {'none' | 'jump'}
 */
export function driftAction({ wantsToPlay, chosen, late, catchUpSeconds, lateForMs, lastJumpAgoMs }) {
  if (!wantsToPlay || chosen || late == null || !(late > catchUpSeconds + DRIFT_MARGIN_SECONDS)) return 'none';
  return lateForMs >= DRIFT_MS && lastJumpAgoMs >= DRIFT_SPACING_MS ? 'jump' : 'none';
}

/**
 * A fatal hls.js error: a media error is first handed to hls.js's own recovery (it resets the
 * media source and keeps the playlist); a second one soon after, and any other fatal error
 * (the playlist not there: the show not started, the server restarting), reloads after a delay.
 * @param {{ type: string, mediaRecoveredAgoMs: number }} e type: hls.js's ErrorTypes value
 * @returns {'recover-media' | 'reload'}
 */
export function fatalAction({ type, mediaRecoveredAgoMs }) {
  return type === 'mediaError' && mediaRecoveredAgoMs >= RECOVERY_RESET_MS ? 'recover-media' : 'reload';
}

/**
 * @typedef {object} LivePlayer
 * @property {() => LiveEdgeState} state
 * @property {() => void} jumpToLive seek to the live edge and play
 * @property {() => number | null} latency seconds from the playlist's edge (hls.js), null unknown
 * @property {() => void} destroy
 * @property {import('hls.js').default | null} hls the hls.js instance playing now (null: the browser's own HLS)
 */

/**
 * Plays a live playlist in a video element: hls.js with LIVE_HLS_CONFIG where Media Source
 * Extensions exist, the browser's own HLS elsewhere; keeps the live-edge state and recovers.
 * @param {HTMLVideoElement} video
 * @param {string} src
 * @param {{ isLive: () => boolean, onUpdate?: (state: LiveEdgeState, latency: number | null) => void }} options
 *   isLive: whether the show is live now (the state leaves "off", and the watchdog acts, only
 *   then); onUpdate: the state and the latency, on every look (a few times a second)
 * @returns {LivePlayer}
 */
export function playLive(video, src, { isLive, onUpdate }) {
  const Hls = window.Hls;
  /** @type {import('hls.js').default | null} */
  let hls = null;
  let destroyed = false;
  /** @type {LiveEdgeState} */
  let state = 'off';
  let reloads = 0;
  /** @type {StallAction | null} */
  let lastAction = null;
  let lastActionAt = 0;
  let mediaRecoveredAt = -Infinity;
  /** @type {number | undefined} */
  let reloadTimer;
  let lastTime = video.currentTime;
  let movedAt = Date.now();
  // the watchdog starts with the first frame: getting there is hls.js's own retries' job (and a
  // busy machine can take several seconds), a jump or reload meanwhile would only start it over
  let started = false;
  // the viewer paused or scrolled back: being behind is their choice, not drift to correct
  let chosen = false;
  let ownSeek = false;
  let lateSince = 0;
  let driftJumpAt = -Infinity;
  const useHls = !!Hls && Hls.isSupported();

  const play = () => void video.play().catch(() => {});

  function attach() {
    if (!Hls) return;
    // a reload the watchdog makes replaces one an error had scheduled
    clearTimeout(reloadTimer);
    reloadTimer = undefined;
    hls?.destroy();
    const player = (hls = new Hls({ ...LIVE_HLS_CONFIG }));
    player.loadSource(src);
    player.attachMedia(video);
    player.on(Hls.Events.MANIFEST_PARSED, play);
    player.on(Hls.Events.ERROR, (_e, data) => {
      if (!data.fatal || hls !== player) return;
      if (fatalAction({ type: data.type, mediaRecoveredAgoMs: Date.now() - mediaRecoveredAt }) === 'recover-media') {
        mediaRecoveredAt = Date.now();
        player.recoverMediaError();
        return;
      }
      scheduleReload();
    });
  }

  /** one pending reload at a time, spaced by reloadDelayMs: no loop however many errors arrive */
  function scheduleReload() {
    if (reloadTimer !== undefined || destroyed) return;
    const delay = reloadDelayMs({ started, reloads });
    if (started) reloads += 1;
    reloadTimer = window.setTimeout(() => {
      reloadTimer = undefined;
      if (destroyed) return;
      if (useHls) attach();
      else {
        video.src = src;
        play();
      }
    }, delay);
  }

  /** seconds from the playlist's edge to the playhead, and where the player means to be */
  function measure() {
    if (hls) {
      const details = hls.latestLevelDetails;
      if (!details || !details.live) return { latency: null, target: null, ahead: 0, catchUp: BEHIND_SECONDS };
      return { latency: hls.latency, target: hls.targetLatency, ahead: details.edge - video.currentTime, catchUp: details.targetduration };
    }
    const { seekable } = video;
    if (!seekable.length) return { latency: null, target: null, ahead: 0, catchUp: BEHIND_SECONDS };
    const end = seekable.end(seekable.length - 1);
    // the browser's own HLS: no catch-up of its own to leave room for; jump once "behind"
    return { latency: end - video.currentTime, target: NATIVE_TARGET_SECONDS, ahead: end - video.currentTime, catchUp: BEHIND_SECONDS };
  }

  function update() {
    if (destroyed) return;
    const now = Date.now();
    const live = isLive();
    if (video.currentTime !== lastTime) {
      lastTime = video.currentTime;
      movedAt = now;
      // playing well for a while: the next trouble starts again from the gentlest step
      if (now - lastActionAt >= RECOVERY_RESET_MS) reloads = 0;
    }
    // the stall clock runs only while the picture should move: a viewer's pause (or the host
    // away) is not a stall to mend when it ends
    if (video.paused || !live) movedAt = now;
    if (!video.paused && video.readyState >= 3) started = true;
    const m = measure();
    const next = liveEdgeState({ live, started, paused: video.paused, latency: m.latency, target: m.target, previous: state });
    state = next;
    // back at the edge (caught up, or jumped): the next lateness is drift again
    if (state === 'live') chosen = false;
    onUpdate?.(state, m.latency);
    const late = m.latency == null ? null : m.latency - (m.target ?? 0);
    if (!(late != null && late > m.catchUp + DRIFT_MARGIN_SECONDS)) lateSince = now;
    const wantsToPlay = live && started && !video.paused;
    if (driftAction({ wantsToPlay, chosen, late, catchUpSeconds: m.catchUp, lateForMs: now - lateSince, lastJumpAgoMs: now - driftJumpAt }) === 'jump') {
      driftJumpAt = now;
      lateSince = now;
      jumpToLive();
      return;
    }
    const action = stallAction({ wantsToPlay, stalledMs: now - movedAt, aheadSeconds: m.ahead, lastAction, lastActionAgoMs: now - lastActionAt, reloads });
    if (action === 'none') return;
    lastAction = action;
    lastActionAt = now;
    movedAt = now;
    if (action === 'jump') jumpToLive();
    else if (useHls) {
      reloads += 1;
      attach();
    } else {
      video.src = src;
      play();
    }
  }

  function jumpToLive() {
    chosen = false;
    const edge = hls ? hls.liveSyncPosition : video.seekable.length ? video.seekable.end(video.seekable.length - 1) - NATIVE_TARGET_SECONDS : null;
    if (edge != null && Number.isFinite(edge) && edge > video.currentTime) {
      ownSeek = true;
      video.currentTime = edge;
    }
    play();
    update();
  }

  // the viewer's own pause, or a seek back that neither this player nor hls.js made (hls.js
  // only seeks forward: to its start, over gaps, to the edge)
  const onPause = () => (chosen = true);
  const onSeeking = () => {
    if (!ownSeek && video.currentTime < lastTime - 1) chosen = true;
  };
  const onSeeked = () => (ownSeek = false);
  video.addEventListener('pause', onPause);
  video.addEventListener('seeking', onSeeking);
  video.addEventListener('seeked', onSeeked);

  if (useHls) attach();
  else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = src;
    video.addEventListener('error', scheduleReload);
  }
  const events = ['timeupdate', 'pause', 'play', 'playing', 'seeked', 'waiting'];
  for (const e of events) video.addEventListener(e, update);
  // paused, the video sends no timeupdate while the edge moves on; a stall sends nothing at all
  const tick = window.setInterval(update, 1000);

  return {
    state: () => state,
    jumpToLive,
    latency: () => measure().latency,
    get hls() {
      return hls;
    },
    destroy() {
      destroyed = true;
      clearInterval(tick);
      clearTimeout(reloadTimer);
      for (const e of events) video.removeEventListener(e, update);
      video.removeEventListener('pause', onPause);
      video.removeEventListener('seeking', onSeeking);
      video.removeEventListener('seeked', onSeeked);
      video.removeEventListener('error', scheduleReload);
      hls?.destroy();
      hls = null;
      state = 'off';
      onUpdate?.(state, null);
    },
  };
}
