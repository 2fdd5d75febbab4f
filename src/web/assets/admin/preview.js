// The preview player: the show's own HLS, restarted when the show goes live.
import { el } from '../ui.js';

/** @param {import('./context.js').Cockpit} c */
export function previewPlayer(c) {
  const { showId, store } = c;
  const video = el('video', { id: 'preview', muted: true, autoplay: true, playsinline: true, controls: true, 'aria-label': 'Preview of the show' });
  video.muted = true;
  video.style.width = '100%';
  video.style.aspectRatio = '16 / 9';
  video.style.background = '#000';
  /** @type {import('hls.js').default | null} */
  let hls = null;
  const src = `/hls/${showId}/master.m3u8`;

  function start() {
    const Hls = window.Hls;
    if (Hls && Hls.isSupported()) {
      if (hls) hls.destroy();
      const player = (hls = new Hls({ liveSyncDurationCount: 2 }));
      player.loadSource(src);
      player.attachMedia(video);
      player.on(Hls.Events.ERROR, (_e, d) => {
        if (d.fatal) setTimeout(() => c.current() && hls === player && player.loadSource(src), 3000);
      });
    } else video.src = src;
  }
  start();
  // once more when the show goes live (the first try found no playlist yet)
  let status = store.get().status;
  store.on(['status'], (s) => {
    if (s.status === 'live' && status !== 'live') start();
    status = s.status;
  });
  return {
    node: video,
    destroy() {
      if (hls) hls.destroy();
      hls = null;
    },
  };
}
