import type { ShowStatus } from '../domain/show.js';
import { escapeHtml } from './html.js';

export interface WatchPageInput {
  title: string;
  status: ShowStatus;
  playbackUrl: string;
  hlsScriptUrl: string;
}

/**
 * The smallest viewer page that plays a show (the full viewer page with products, chat and
 * checkout is its own work). Native HLS where the browser has it, hls.js elsewhere, held near
 * the live edge. No inline script: the CSP forbids it.
 */
export function renderWatchPage(input: WatchPageInput): string {
  const title = escapeHtml(input.title);
  const statusText = { scheduled: 'Starting soon', live: 'Live', ended: 'Replay' }[input.status];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Hawker</title>
<style>
  body { margin: 0; font: 16px/1.4 system-ui, sans-serif; background: #111; color: #f4f4f4; }
  main { max-width: 960px; margin: 0 auto; padding: 12px; }
  video { width: 100%; aspect-ratio: 16 / 9; background: #000; display: block; }
  h1 { font-size: 1.25rem; margin: 12px 0 4px; }
  .status { display: inline-block; padding: 2px 8px; border-radius: 4px; background: #333; font-size: .875rem; }
  .status[data-status="live"] { background: #c4122f; }
</style>
</head>
<body>
<main>
  <video id="player" controls playsinline muted autoplay data-src="${escapeHtml(input.playbackUrl)}" aria-label="Live video: ${title}"></video>
  <h1>${title}</h1>
  <span class="status" data-status="${input.status}">${statusText}</span>
</main>
<script src="${escapeHtml(input.hlsScriptUrl)}"></script>
<script src="/assets/watch.js"></script>
</body>
</html>
`;
}

/** Served as /assets/watch.js. */
export const watchScript = `(() => {
  const video = document.getElementById('player');
  const src = video.dataset.src;
  if (video.canPlayType('application/vnd.apple.mpegurl')) { video.src = src; return; }
  if (!window.Hls || !window.Hls.isSupported()) return;
  const hls = new window.Hls({ liveSyncDurationCount: 2, lowLatencyMode: false });
  hls.loadSource(src);
  hls.attachMedia(video);
  hls.on(window.Hls.Events.ERROR, (_e, data) => {
    // a show that has not started yet has no playlist: try again shortly
    if (data.fatal) setTimeout(() => hls.loadSource(src), 3000);
  });
})();
`;
