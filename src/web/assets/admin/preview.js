// The preview player: the show's own HLS (live-edge.js: close to the edge, recovering from
// stalls), restarted when the show goes live; under it, the
// shape of the host's stream as the server probed it, or why the server refused it.
import { el } from '../ui.js';
import { playLive } from '../live-edge.js';

/** @typedef {import('../../wire.js').LiveMessage<'source'>} SourceMessage */

/** "720x1280 portrait, 30 fps, audio" @param {NonNullable<SourceMessage['source']>} s */
export function describeSource(s) {
  const shape = s.width > s.height ? 'landscape' : s.width < s.height ? 'portrait' : 'square';
  return `${s.width}x${s.height} ${shape}${s.fps != null ? `, ${Math.round(s.fps * 100) / 100} fps` : ''}, ${s.audio ? 'audio' : 'no audio (silence is added)'}`;
}

/** @param {import('./context.js').Cockpit} c */
export function previewPlayer(c) {
  const { showId, store } = c;
  const video = el('video', { id: 'preview', muted: true, autoplay: true, playsinline: true, controls: true, 'aria-label': 'Preview of the show' });
  video.muted = true;
  video.style.width = '100%';
  video.style.aspectRatio = '16 / 9';
  video.style.background = '#000';
  // LL-HLS where the server serves it: the host sees their answers as early as viewers do
  const src = document.body.dataset.lowLatency === '1' ? `/hls/${showId}/ll.m3u8` : `/hls/${showId}/master.m3u8`;
  /** @type {import('../live-edge.js').LivePlayer | null} */
  let player = null;

  // the viewer page's live player (close to the edge, catch-up, recovery): the host judges
  // their answers by what viewers see, so the preview is as close to live as the page
  function start() {
    player?.destroy();
    player = playLive(video, src, { isLive: () => c.current() && store.get().status !== 'ended' });
  }
  start();
  // once more when the show goes live (the first try found no playlist yet)
  let status = store.get().status;
  store.on(['status'], (s) => {
    if (s.status === 'live' && status !== 'live') start();
    status = s.status;
  });
  const sourceLine = el('p', { class: 'muted', id: 'preview-source' });
  const refusedLine = el('p', { class: 'field-error', id: 'preview-refused', role: 'alert' });
  refusedLine.hidden = true;
  return {
    node: el('div', {}, video, sourceLine, refusedLine),
    /** the host's socket says what the stream is, or why it cannot be transcoded @param {SourceMessage} m */
    setSource(m) {
      sourceLine.textContent = m.source ? `Source: ${describeSource(m.source)}` : '';
      refusedLine.textContent = m.refused ?? '';
      refusedLine.hidden = m.refused == null;
    },
    destroy() {
      player?.destroy();
      player = null;
    },
  };
}
