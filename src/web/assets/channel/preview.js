// The moving preview of a live show on the channel page: its lowest rendition, muted, inline,
// with hls.js (the browser's own HLS where there are no Media Source Extensions); the poster
// stays in the video's place until a frame plays, and again if the stream cannot be played.

/** small and cheap: a short buffer, the lowest rendition only (the feed's previewUrl is its playlist) */
const HLS_CONFIG = { liveSyncDurationCount: 2, maxBufferLength: 6, backBufferLength: 0, enableWorker: true };
/** tries again after a fatal error (no segment yet, a hiccup), then gives up on the moving preview */
const RETRY_MS = 4000;
const MAX_RETRIES = 3;

/** @type {WeakMap<HTMLVideoElement, { stop(): void }>} */
const running = new WeakMap();

/**
 * Plays `src` muted in `video`; a second call for the same video does nothing.
 * @param {HTMLVideoElement} video
 * @param {string} src same-origin path of the playlist
 */
export function startPreview(video, src) {
  if (running.has(video)) return;
  video.muted = true;
  video.defaultMuted = true;
  video.playsInline = true;
  const play = () => video.play().catch(() => {});
  const Hls = window.Hls;
  if (Hls && Hls.isSupported()) {
    let retries = 0;
    /** @type {import('hls.js').default | null} */
    let hls = null;
    /** @type {number | undefined} */
    let retry;
    const attach = () => {
      hls?.destroy();
      const player = (hls = new Hls(HLS_CONFIG));
      player.loadSource(src);
      player.attachMedia(video);
      player.on(Hls.Events.MANIFEST_PARSED, play);
      player.on(Hls.Events.ERROR, (_e, data) => {
        if (!data.fatal) return;
        player.destroy();
        if (hls === player) hls = null;
        // the poster stays where the video would be
        if (retries++ < MAX_RETRIES) retry = window.setTimeout(attach, RETRY_MS);
      });
    };
    attach();
    running.set(video, {
      stop: () => {
        clearTimeout(retry);
        hls?.destroy();
        hls = null;
      },
    });
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = src;
    play();
    running.set(video, { stop: () => video.removeAttribute('src') });
  }
}

/** @param {HTMLVideoElement} video */
export function stopPreview(video) {
  running.get(video)?.stop();
  running.delete(video);
}
