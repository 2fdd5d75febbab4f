// The player (hls.js where Media Source Extensions exist, the browser's own HLS elsewhere),
// the video clock overlay changes wait for, and the show's status with the countdown.
import { $ } from '../ui.js';
import { dateAtTime, timeAtDate } from './replay-time.js';
import { playLive } from '../live-edge.js';

const body = document.body;
/** @type {HTMLVideoElement & { getStartDate?: () => Date }} */
const video = $('player');
/** the recording's hls.js (the replay); the live show's is live.hls */
/** @type {import('hls.js').default | null} */
let replayHls = null;
/** @type {import('../live-edge.js').LivePlayer | null} */
let live = null;
/** the hls.js instance playing now, live or replay (a live player's reload makes a new one) */
const activeHls = () => (live ? live.hls : replayHls);

/** @param {{ fromStart?: boolean }} [options] fromStart: the recording from its beginning, not the live edge */
export function startPlayer(options = {}) {
  const src = body.dataset.src ?? '';
  // an ended show whose recording was deleted has nothing to play
  if (!src) return;
  live?.destroy();
  live = null;
  replayHls?.destroy();
  replayHls = null;
  if (!options.fromStart) {
    // the live show: one segment from the edge, catch-up, recovery (shared with the cockpit)
    // LL-HLS where the server serves it (parts ~0.2 s, blocking reload); the replay is the plain HLS
    live = playLive(video, body.dataset.liveSrc || src, {
      isLive: () => body.dataset.status === 'live' && !watchingRecording,
      onUpdate: drawLiveEdge,
    });
    return;
  }
  const Hls = window.Hls;
  // hls.js wherever Media Source Extensions exist (it gives us the program date time);
  // the browser's own HLS (iPhone Safari) elsewhere
  if (!Hls || !Hls.isSupported()) {
    if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = src;
      video.onerror = () => setTimeout(() => (video.src = src), 3000);
    }
    return;
  }
  const player = (replayHls = new Hls({ startPosition: 0 }));
  player.loadSource(src);
  player.attachMedia(video);
  player.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
  // a chapter tapped before the recording's playlist was read: seek once its segments are known
  player.on(Hls.Events.LEVEL_LOADED, () => settleSeek());
  player.on(Hls.Events.ERROR, (_e, data) => {
    // a hiccup: try again shortly
    if (data.fatal) setTimeout(() => replayHls === player && player.loadSource(src), 3000);
  });
}

/**
 * "LIVE" at the live edge; "Behind live · Jump to live" (a button) once the viewer paused,
 * scrolled back or fell behind; nothing before the show is live, while the host is away, or
 * for the replay. The box is aria-live: a new state is read out once (nothing is written while
 * it stays the same). data-latency: how far the picture is from the playlist's live edge (s),
 * for whoever asks why a viewer is late (devtools, the browser tests).
 * @param {import('../live-edge.js').LiveEdgeState} state
 * @param {number | null} [latency]
 */
function drawLiveEdge(state, latency = null) {
  const box = $('live-edge');
  const seconds = latency == null ? '' : latency.toFixed(2);
  if (box.dataset.latency !== seconds) box.dataset.latency = seconds;
  if (box.dataset.state === state) return;
  box.hidden = state === 'off';
  box.dataset.state = state;
  $('live-now').hidden = state !== 'live';
  $('jump-live').hidden = state !== 'behind';
}

/** The live-edge button: back to the edge, playing. */
export function wireLiveEdge() {
  const button = $('jump-live');
  button.addEventListener('click', () => {
    live?.jumpToLive();
    // the button goes once the picture is live: keyboard focus stays on the player, not lost to the page
    if (document.activeElement === button) video.focus({ preventScroll: true });
  });
}

/**
 * The stream's shape from the picture's size (a reconnect in another shape changes it): the
 * page's layout follows body data-shape. Within 4:5 and 5:4 it is square, as the server's
 * layouts count it (src/domain/frame.ts).
 * @param {() => void} changed after each new size
 */
export function followShape(changed) {
  const update = () => {
    const { videoWidth: w, videoHeight: h } = video;
    if (!w || !h) return;
    const ratio = w / h;
    body.dataset.shape = ratio >= 1.25 ? 'landscape' : ratio <= 0.8 ? 'portrait' : 'square';
    changed();
  };
  video.addEventListener('loadedmetadata', update);
  video.addEventListener('resize', update);
}

/**
 * Autoplay starts muted; full screen on a phone the video's own controls sit under the chat,
 * so the page offers the sound itself while it is off.
 */
export function wireSound() {
  const button = $('sound');
  const update = () => (button.hidden = !video.muted);
  button.addEventListener('click', () => {
    video.muted = false;
    video.play().catch(() => {});
  });
  video.addEventListener('volumechange', update);
  update();
}

/** The PROGRAM-DATE-TIME of the frame on screen, in ms, or null when unknown. */
export function playingDate() {
  const hls = activeHls();
  if (hls && hls.playingDate) return hls.playingDate.getTime();
  if (typeof video.getStartDate === 'function') {
    const start = video.getStartDate().getTime();
    if (!Number.isNaN(start)) return start + video.currentTime * 1000;
  }
  return null;
}

/** @type {{ from: unknown, key: string, segments: import('./replay-time.js').Segment[] }} */
let mapped = { from: null, key: '', segments: [] };

/**
 * The recording's segments as the player knows them (position and PROGRAM-DATE-TIME): hls.js's
 * playlist, or one span from Safari's start date.
 * @returns {import('./replay-time.js').Segment[]}
 */
function segments() {
  const hls = activeHls();
  if (hls) {
    const level = hls.levels[Math.max(0, hls.currentLevel)] ?? hls.levels[0];
    const fragments = level?.details?.fragments ?? [];
    // asked several times a second: an hour's recording is 3,600 segments, mapped again only when
    // the playlist or a segment's position changed (hls.js moves starts to the media's timestamps)
    const key = `${fragments.length}:${fragments[0]?.start}:${fragments.at(-1)?.start}`;
    if (fragments !== mapped.from || key !== mapped.key) {
      mapped = { from: fragments, key, segments: fragments.map((f) => ({ start: f.start, duration: f.duration, programDateTime: f.programDateTime })) };
    }
    return mapped.segments;
  }
  if (typeof video.getStartDate === 'function') {
    const start = video.getStartDate().getTime();
    if (!Number.isNaN(start)) return [{ start: 0, duration: Infinity, programDateTime: start }];
  }
  return [];
}

/**
 * The moment of the show (epoch ms, PROGRAM-DATE-TIME) the recording shows now, from the
 * position (a seek moves it at once, unlike hls.js's playingDate), or null before it loaded.
 */
export function replayDate() {
  if (!watchingRecording || video.readyState === 0) return null;
  return dateAtTime(segments(), video.currentTime) ?? playingDate();
}

/**
 * The position (s) of the recording that shows a moment of the show (epoch ms), or null while
 * its playlist is not read. Not the stream time: the recording starts when the transcode's first
 * segment does, seconds after Go live, and a reconnect leaves a gap.
 * @param {number} at
 */
export const positionOfDate = (at) => timeAtDate(segments(), at);

/** the moment a seek is for, until the video is there (the player's own start seek may undo it) */
let pendingDate = /** @type {number | null} */ (null);
/** a seek that never lands (no such moment in the recording) is given up, so the viewer's own scrubbing wins */
let pendingUntil = 0;
/** Seeks to the pending moment once the recording can play, again until the video is there. */
export function settleSeek() {
  if (pendingDate == null) return;
  if (Date.now() > pendingUntil) {
    pendingDate = null;
    return;
  }
  if (video.readyState < 1) return;
  const time = timeAtDate(segments(), pendingDate);
  if (time == null) return;
  if (Math.abs(video.currentTime - time) < 1) {
    pendingDate = null;
    return;
  }
  video.currentTime = time;
  video.play().catch(() => {});
}

/**
 * Plays the recording from a moment of the show (epoch ms, PDT): a chapter's start. The
 * recording starts first when the viewer was not watching it yet.
 * @param {number} at
 */
export function seekToDate(at) {
  // a hair past the start: the frame the change landed on, not the one before it
  pendingDate = at + 50;
  pendingUntil = Date.now() + 15_000;
  if (!watchingRecording) watchFromStart();
  settleSeek();
}

/** whether the viewer plays the recording (the replay), not the live edge */
export const watchingReplay = () => watchingRecording;

/** @type {Record<string, string>} */
const statusText = { scheduled: 'Starting soon', live: 'Live', waiting: 'Waiting for the host', ended: 'Replay' };

/**
 * scheduled: the countdown; waiting: the host dropped and the reconnect window runs (not a
 * frozen frame marked Live); ended: "the show has ended" with watch-from-the-start.
 * @param {string} status
 */
export function setStatus(status) {
  body.dataset.status = status;
  const s = $('status');
  s.dataset.status = status;
  s.textContent = statusText[status] || status;
  $('offline').hidden = status !== 'scheduled';
  $('host-away').hidden = status !== 'waiting';
  // on the end of a show being watched, and on opening an ended one: the player stops here
  $('show-ended').hidden = status !== 'ended' || watchingRecording;
}

/** the viewer asked for the recording: the ended card stays away */
let watchingRecording = false;

/** The ended card's button: play the recording from its first segment. */
export function watchFromStart() {
  watchingRecording = true;
  drawLiveEdge('off');
  $('show-ended').hidden = true;
  startPlayer({ fromStart: true });
  video.currentTime = 0;
  video.play().catch(() => {});
}
video.addEventListener('loadeddata', settleSeek);
video.addEventListener('playing', settleSeek);

/** the time left until a scheduled show starts (ticks every second) */
export function countdown() {
  const at = Date.parse(body.dataset.scheduledAt || '');
  const out = $('countdown');
  if (body.dataset.status !== 'scheduled') return;
  if (Number.isNaN(at)) {
    out.textContent = '';
    return;
  }
  const left = Math.max(0, Math.round((at - Date.now()) / 1000));
  const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
  out.textContent = left > 0 ? `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(s).padStart(2, '0')}` : 'any moment now';
}
