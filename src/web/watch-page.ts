import type { ShowStatus } from '../domain/show.js';
import { escapeHtml } from './html.js';
import type { LinkPreview } from '../reach/link-previews.js';
import { linkPreviewTags } from './link-preview.js';

export interface WatchPageInput {
  showId: string;
  title: string;
  host: string;
  status: ShowStatus;
  scheduledAt: number | null;
  playbackUrl: string;
  /** the live show's LL-HLS master (absent: the live show plays playbackUrl too) */
  livePlaybackUrl?: string;
  assetUrl(file: string): string;
  /** inside a merchant's page (iframe): no header, compact */
  embed: boolean;
  /** the shop script's floating mini player (an embed too): the video and one product's Buy (viewer/mini.js) */
  mini?: boolean;
  /** the ended show's media was deleted: nothing to play */
  recordingDeleted?: boolean;
  /** the pre-live box's "and N minutes before" reminder (reminders.defaultMinutesBefore) */
  reminderMinutes?: number;
  /** Open Graph and Twitter card tags for a shared link (absolute URLs) */
  preview?: LinkPreview;
}

/**
 * The viewer page: mobile first, the video on top, then what is on screen now, and the
 * products, chat, poll, coupons and questions. It follows the stream's shape (body
 * data-shape, set by the player from the video's size): a portrait stream on a phone plays
 * full-screen with chat over its lower part and the panels as sheets; on a wide screen it
 * sits in a 9:16 column. Buttons over the video's burned-in overlays open their product's buy
 * sheet (#buy-sheet: variant, quantity, code, address, payment), as does ?product= (the QR's
 * link); "My orders" follows the viewer's orders. A product already shown has its demo clip
 * (#demo-sheet) while the live video plays on small; after the show the replay has a chapter
 * strip (#chapters). The show head has Share (#share: the viewer's own link) and, under it, the
 * share coupon's progress; and the live-edge state (#live-edge: LIVE, or Behind live with Jump
 * to live), drawn over the top of the video (under the head when the head is over the video). The page is static HTML;
 * /assets/viewer.js fills it from the API and the live socket. No inline script: the CSP
 * forbids it.
 */
export function renderWatchPage(input: WatchPageInput): string {
  const title = escapeHtml(input.title);
  const statusText = { scheduled: 'Starting soon', live: 'Live', ended: 'Replay' }[input.status];
  const scheduled = input.scheduledAt != null ? new Date(input.scheduledAt).toISOString() : '';
  // no source: the player does not ask for a playlist that is gone
  const gone = input.status === 'ended' && input.recordingDeleted === true;
  const src = gone ? '' : input.playbackUrl;
  // fans suggest products until the show goes live (the page hides the tab when it does)
  const preshow = input.status === 'scheduled';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>${title} · Live shopping</title>
${input.preview ? `${linkPreviewTags(input.preview)}\n` : ''}<link rel="stylesheet" href="${input.assetUrl('hawker.css')}">
</head>
<body class="viewer${input.embed ? ' embed' : ''}${input.mini ? ' mini' : ''}" data-show-id="${escapeHtml(input.showId)}" data-status="${input.status}" data-scheduled-at="${scheduled}" data-src="${escapeHtml(src)}"${input.livePlaybackUrl && !gone ? ` data-live-src="${escapeHtml(input.livePlaybackUrl)}"` : ''}${gone ? ' data-recording="deleted"' : ''}>
<a class="skip" href="#panels">Skip to products and chat</a>
<main class="watch">
  <div class="stage-col">
    <div class="stage">
      <video id="player" playsinline muted autoplay controls aria-label="Live video: ${title}"></video>
      <div id="offline" class="offline" hidden>
        <p id="offline-text">The show starts soon</p>
        <p class="show-time" id="show-time"${scheduled ? '' : ' hidden'}><time datetime="${scheduled}">${scheduled ? escapeHtml(new Date(input.scheduledAt as number).toUTCString()) : ''}</time></p>
        <p class="countdown" id="countdown" aria-live="polite"></p>
        ${renderReminderBox(input.showId, scheduled !== '', input.reminderMinutes ?? 15)}
      </div>
      <div id="host-away" class="offline" role="status" hidden>
        <p>Waiting for the host</p>
        <p class="muted">The connection dropped; the show goes on when they are back.</p>
      </div>
      <div id="show-ended" class="offline" hidden>
        <p>The show has ended</p>
        ${gone ? '<p id="recording-gone">The recording is no longer available</p>\n        ' : ''}<p${gone ? ' hidden' : ''}><button type="button" id="watch-from-start">Watch from the start</button></p>
      </div>
      <div id="hotspots" class="hotspots" role="group" aria-label="On the video" hidden></div>
      <div id="floaters" class="floaters" aria-hidden="true"></div>
    </div>
    <button type="button" id="pip-back" class="pip-back" aria-label="Back to the live show" hidden></button>
    <header class="show-head">
      <div>
        <h1>${title}</h1>
        ${input.host ? `<p class="host">with ${escapeHtml(input.host)}</p>` : ''}
      </div>
      <p class="meta"><span class="status" id="status" data-status="${input.status}">${statusText}</span> <span id="viewers" aria-label="viewers watching"></span></p>
      <button type="button" id="share" class="secondary small share-button" aria-describedby="share-progress">Share</button>
      <p id="share-progress" class="share-progress" role="status" hidden></p>
      <button type="button" id="sound" class="secondary small sound" hidden>🔇 Tap for sound</button>
      <div id="live-edge" class="live-edge" aria-live="polite" hidden>
        <span id="live-now" class="live-now">LIVE</span>
        <button type="button" id="jump-live" class="jump-live" hidden><span class="behind-words">Behind live · </span>Jump to live</button>
      </div>
    </header>
    <nav id="chapters" class="chapters" aria-label="Chapters: the products of the show" hidden>
      <div id="chapter-bar" class="chapter-bar" aria-hidden="true"></div>
      <ol id="chapter-list" class="chapter-list"></ol>
    </nav>
    <section id="now" class="now" aria-live="polite" aria-label="On screen now" hidden></section>
  </div>
  <div class="panels" id="panels">
    <div class="tabs" role="tablist" aria-label="Show sections">
      <button role="tab" id="tab-products" aria-controls="panel-products" aria-selected="true">Products</button>
      <button role="tab" id="tab-chat" aria-controls="panel-chat" aria-selected="false" tabindex="-1">Chat</button>
      <!-- before the show only: beside the chat, where a phone shows it without scrolling the tabs -->
      <button role="tab" id="tab-suggest" aria-controls="panel-suggest" aria-selected="false" tabindex="-1"${preshow ? '' : ' hidden'}>Suggest</button>
      <button role="tab" id="tab-poll" aria-controls="panel-poll" aria-selected="false" tabindex="-1">Poll <span id="poll-dot" class="dot" hidden></span></button>
      <button role="tab" id="tab-coupons" aria-controls="panel-coupons" aria-selected="false" tabindex="-1">Coupons</button>
      <button role="tab" id="tab-questions" aria-controls="panel-questions" aria-selected="false" tabindex="-1">Ask</button>
      <button role="tab" id="tab-orders" aria-controls="panel-orders" aria-selected="false" tabindex="-1">My orders</button>
    </div>
    <section role="tabpanel" id="panel-products" aria-labelledby="tab-products">
      <ul id="products" class="products"></ul>
    </section>
    <section role="tabpanel" id="panel-chat" aria-labelledby="tab-chat" hidden>
      <div id="pinned" class="pinned" hidden></div>
      <ol id="chat" class="chat" aria-live="polite" aria-label="Chat messages"></ol>
      <form id="chat-form" class="row">
        <label for="chat-input" class="sr-only">Message</label>
        <input id="chat-input" name="text" maxlength="300" autocomplete="off" placeholder="Say something…" required>
        <button type="submit">Send</button>
      </form>
      <div class="reactions" role="group" aria-label="React">
        <button type="button" data-reaction="heart" aria-label="Heart">❤️</button>
        <button type="button" data-reaction="fire" aria-label="Fire">🔥</button>
        <button type="button" data-reaction="clap" aria-label="Clap">👏</button>
        <button type="button" data-reaction="laugh" aria-label="Laugh">😂</button>
        <button type="button" data-reaction="wow" aria-label="Wow">😮</button>
      </div>
    </section>
    <section role="tabpanel" id="panel-poll" aria-labelledby="tab-poll" hidden>
      <div id="poll"><p class="muted">No poll right now.</p></div>
    </section>
    <section role="tabpanel" id="panel-coupons" aria-labelledby="tab-coupons" hidden>
      <p id="level" class="muted"></p>
      <ul id="coupons" class="coupons"></ul>
    </section>
    <section role="tabpanel" id="panel-questions" aria-labelledby="tab-questions" hidden>
      <form id="ask-form" class="row">
        <label for="ask-input" class="sr-only">Your question</label>
        <input id="ask-input" maxlength="300" autocomplete="off" placeholder="Ask the host…" required>
        <button type="submit">Ask</button>
      </form>
      <ol id="questions" class="questions"></ol>
    </section>
    <section role="tabpanel" id="panel-orders" aria-labelledby="tab-orders" hidden>
      <ul id="my-orders" class="my-orders" aria-live="polite"></ul>
    </section>
    <section role="tabpanel" id="panel-suggest" aria-labelledby="tab-suggest" hidden>
      <p class="muted">What should the show bring? Suggest a product, or vote for what others want.</p>
      <form id="suggest-form" class="suggest-form">
        <label for="suggest-text">Your suggestion</label>
        <input id="suggest-text" maxlength="200" minlength="2" autocomplete="off" placeholder="e.g. the green hose, 25 m" required>
        <label for="suggest-product">A product from the shop (optional)</label>
        <select id="suggest-product"><option value="">None</option></select>
        <button type="submit">Suggest</button>
      </form>
      <ol id="suggestions" class="suggestions" aria-label="Suggestions, most votes first"></ol>
    </section>
  </div>
</main>
<dialog id="name-dialog" aria-labelledby="name-title">
  <form id="name-form" method="dialog">
    <h2 id="name-title">Your name</h2>
    <p class="muted">Shown next to your messages. No account needed.</p>
    <label for="name-input">Name</label>
    <input id="name-input" maxlength="40" required autocomplete="nickname">
    <p id="name-error" class="field-error" role="alert"></p>
    <div class="row end"><button type="button" id="name-cancel" class="secondary">Cancel</button><button type="submit">Continue</button></div>
  </form>
</dialog>
<dialog id="buy-sheet" class="sheet" aria-labelledby="buy-sheet-title"><div id="buy-sheet-body"></div></dialog>
<dialog id="demo-sheet" class="sheet demo-sheet" aria-labelledby="demo-title">
  <div class="demo-head"><h2 id="demo-title">Demo</h2><button type="button" id="demo-close" class="secondary small">Back to live</button></div>
  <video id="demo-video" playsinline controls preload="auto" aria-label="The product's demo"></video>
  <div id="demo-takes" class="demo-takes" role="group" aria-label="Each time it was shown" hidden></div>
  <div id="demo-buy" class="demo-buy"></div>
</dialog>
<div id="toast" class="toast" role="status" aria-live="polite"></div>
<script src="${input.assetUrl('hls.min.js')}"></script>
<script type="module" src="${input.assetUrl('viewer.js')}"></script>
</body>
</html>
`;
}

/**
 * The pre-live box's reminders (viewer/reminders-ui.js fills in the state): the show in the
 * viewer's calendar (.ics), and "Remind me" by Web Push at go-live and, when ticked, some
 * minutes before. Without a scheduled time there is nothing for a calendar nor "before".
 */
function renderReminderBox(showId: string, scheduled: boolean, minutes: number): string {
  const calendar = scheduled ? `<a class="button secondary small" id="add-calendar" href="/api/shows/${encodeURIComponent(showId)}/calendar.ics" download="show.ics">📅 Add to calendar</a>` : '';
  const early = scheduled
    ? `<label class="remind-early"><input type="checkbox" id="remind-early" checked data-minutes="${minutes}"> and ${minutes} minutes before</label>`
    : '';
  return `<div id="reminder" class="reminder">
          <div class="reminder-actions">${calendar}<button type="button" class="small" id="remind-me" aria-pressed="false">🔔 Remind me</button></div>
          <div class="reminder-foot">${early}<p id="remind-state" class="remind-state" role="status"></p></div>
        </div>`;
}
