import type { LinkPreview } from '../reach/link-previews.js';
import { linkPreviewTags } from './link-preview.js';

export interface ChannelPageInput {
  assetUrl(file: string): string;
  /** inside a merchant's page (iframe): no header; show links open a new tab */
  embed: boolean;
  preview: LinkPreview;
}

/**
 * The channel page (GET /, /shows): mobile first, one column on a phone; live now first with a
 * moving preview, then the shows coming up (their time in the viewer's zone, a countdown,
 * Remind me and Add to calendar), then past shows with their replays. Static HTML:
 * /assets/channel.js fills the three lists from GET /api/channel and keeps them fresh. No
 * inline script or style: the page's CSP forbids them.
 */
export function renderChannelPage(input: ChannelPageInput): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>Live shopping</title>
${linkPreviewTags(input.preview)}
<link rel="stylesheet" href="${input.assetUrl('hawker.css')}">
</head>
<body class="channel-page${input.embed ? ' embed' : ''}"${input.embed ? ' data-embed="1"' : ''}>
${input.embed ? '' : `<header class="channel-head">
  <h1>Live shopping</h1>
  <p class="muted">Watch live, shop what you see, and catch the replays.</p>
</header>
`}<main class="channel" aria-busy="true">
  <section class="channel-section" aria-labelledby="live-title">
    <h2 id="live-title"><span class="dot" aria-hidden="true"></span> Live now</h2>
    <ul id="live-list" class="channel-cards live-cards"></ul>
    <p id="live-empty" class="channel-empty muted" hidden>Nothing is live right now. The next show is listed below.</p>
  </section>
  <section class="channel-section" aria-labelledby="upcoming-title">
    <h2 id="upcoming-title">Coming up</h2>
    <ul id="upcoming-list" class="channel-cards upcoming-cards"></ul>
    <p id="upcoming-empty" class="channel-empty muted" hidden>No show is scheduled yet. Come back soon.</p>
  </section>
  <section class="channel-section" aria-labelledby="past-title">
    <h2 id="past-title">Past shows</h2>
    <ul id="past-list" class="channel-cards past-cards"></ul>
    <p id="past-empty" class="channel-empty muted" hidden>No past shows yet.</p>
  </section>
  <p id="channel-error" class="channel-empty field-error" role="alert" hidden></p>
</main>
<div id="toast" class="toast" role="status" aria-live="polite"></div>
<script src="${input.assetUrl('hls.min.js')}"></script>
<script type="module" src="${input.assetUrl('channel.js')}"></script>
</body>
</html>
`;
}
