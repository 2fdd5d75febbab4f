// "Watch the demo": the clips the server cuts from this show's recording, one per span a product
// was pinned (the welcome's `clips`, then a `clip` push for each new one: no polling). A clip
// plays in a sheet while the live video keeps playing small in a corner of the page (our own
// picture in picture: the browser's would take the live show out of the page); the sheet sells
// the product through the page's buy sheet. Closing it, or tapping the small live video, brings
// the live show back full size.
import { $, el, put, money } from '../ui.js';
import { ownPath, streamClock } from './replay-time.js';

/** @typedef {import('../../wire.js').Clip} Clip */
/** @typedef {import('../../wire.js').CheckoutOffer} Offer */
/** @typedef {{ offerOf(id: string): Offer | undefined, openBuySheet(id: string): void }} DemoActions */

/** at most this many clips are kept (a show pins a product a few dozen times, not thousands) */
const MAX_CLIPS = 500;
/** @type {Map<string, Clip>} ready clips by id */
const clips = new Map();
let changed = () => {};
/** @type {DemoActions} */
let actions = { offerOf: () => undefined, openBuySheet: () => {} };

const sheet = /** @type {HTMLDialogElement} */ ($('demo-sheet'));
const clipVideo = /** @type {HTMLVideoElement} */ ($('demo-video'));
const live = /** @type {HTMLVideoElement} */ ($('player'));
/** @type {import('hls.js').default | null} */
let clipHls = null;
/** the product whose demo is open */
let openProductId = /** @type {string | null} */ (null);
/** the live video's sound and controls before it shrank */
let liveBefore = { muted: true, controls: true };

/** Clips from the welcome or a push: the ready ones with something to play. @param {Clip[]} list */
export function addClips(list) {
  let added = false;
  for (const c of list) {
    if (c.status !== 'ready' || !(c.url || c.mp4Url)) continue;
    if (!clips.has(c.id) && clips.size >= MAX_CLIPS) break;
    clips.set(c.id, { ...c, url: ownPath(c.url), mp4Url: ownPath(c.mp4Url), posterUrl: ownPath(c.posterUrl) });
    added = true;
  }
  if (added) changed();
}

/** A product's clips, newest first. @param {string} productId */
export function clipsOf(productId) {
  return [...clips.values()].filter((c) => c.productId === productId).sort((a, b) => b.startMs - a.startMs);
}

/** @param {string} productId whether the product has a demo to watch */
export const hasDemo = (productId) => clipsOf(productId).length > 0;

/** @param {DemoActions} wiring @param {() => void} onClipsChanged a new clip arrived (draw the buttons) */
export function wireDemo(wiring, onClipsChanged) {
  actions = wiring;
  changed = onClipsChanged;
  $('demo-close').addEventListener('click', closeDemo);
  $('pip-back').addEventListener('click', closeDemo);
  sheet.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') closeDemo();
  });
}

/** Opens the newest demo of a product, the live video shrinking into the corner. @param {string} productId */
export function openDemo(productId) {
  const list = clipsOf(productId);
  const first = list[0];
  if (!first) return;
  openProductId = productId;
  const offer = actions.offerOf(productId);
  $('demo-title').textContent = `Demo: ${offer?.title ?? 'this product'}`;
  renderTakes(list, first);
  renderBuy();
  if (!sheet.open) {
    liveBefore = { muted: live.muted, controls: live.controls };
    // the demo speaks, the live show goes on silently beside it
    live.muted = true;
    live.controls = false;
    document.body.dataset.demo = 'open';
    $('pip-back').hidden = false;
    sheet.show();
  }
  play(first);
  $('demo-close').focus();
}

/** Back to the live show full size. */
export function closeDemo() {
  if (!sheet.open) return;
  sheet.close();
  stopClip();
  openProductId = null;
  delete document.body.dataset.demo;
  $('pip-back').hidden = true;
  live.controls = liveBefore.controls;
  live.muted = liveBefore.muted;
  live.play().catch(() => {});
}

/** the price or stock changed under an open demo */
export function demoOfferChanged() {
  if (openProductId !== null) renderBuy();
}

/** @param {Clip[]} list @param {Clip} current a product pinned more than once has a take per span */
function renderTakes(list, current) {
  const takes = $('demo-takes');
  takes.hidden = list.length < 2;
  put(takes, ...list.map((c, i) =>
    el('button', {
      type: 'button', class: 'secondary small', 'aria-pressed': String(c === current),
      'aria-label': `Demo ${list.length - i}, shown at ${streamClock(c.startMs)}`,
      onclick: () => {
        renderTakes(list, c);
        play(c);
      },
    }, `${streamClock(c.startMs)}`)));
}

function renderBuy() {
  const id = openProductId;
  const p = id === null ? undefined : actions.offerOf(id);
  if (!p || id === null) {
    put($('demo-buy'), el('p', { class: 'muted', text: 'This product is not sold in this show any more.' }));
    return;
  }
  const soldOut = p.stockLeft <= 0;
  put($('demo-buy'),
    p.thumbUrl ? el('img', { src: p.thumbUrl, alt: '', width: '56', height: '56' }) : null,
    el('div', { class: 'info' },
      el('div', { class: 'title', text: p.title }),
      el('div', { class: 'price', text: soldOut ? `${money(p.priceNow, p.currency)} · sold out` : money(p.priceNow, p.currency) })),
    el('button', { type: 'button', 'data-demo-buy': id, disabled: soldOut, 'aria-label': `Buy ${p.title} for ${money(p.priceNow, p.currency)}`, onclick: () => actions.openBuySheet(id) }, 'Buy'));
}

/** Plays a clip: its HLS with hls.js where Media Source Extensions exist, else the browser's own HLS or the MP4. @param {Clip} c */
function play(c) {
  stopClip();
  clipVideo.dataset.clipId = c.id;
  if (c.posterUrl) clipVideo.poster = c.posterUrl;
  const Hls = window.Hls;
  if (c.url && Hls && Hls.isSupported()) {
    const player = (clipHls = new Hls({ startPosition: 0 }));
    player.loadSource(c.url);
    player.attachMedia(clipVideo);
    player.on(Hls.Events.ERROR, (_e, data) => {
      // a broken HLS clip: the MP4 of the same clip
      if (data.fatal && c.mp4Url && clipHls === player) {
        player.destroy();
        clipHls = null;
        clipVideo.src = c.mp4Url;
        start();
      }
    });
  } else if (c.url && clipVideo.canPlayType('application/vnd.apple.mpegurl')) {
    clipVideo.src = c.url;
  } else if (c.mp4Url) {
    clipVideo.src = c.mp4Url;
  }
  start();
}

/** with sound when the browser lets it (the tap that opened the sheet), else muted */
function start() {
  clipVideo.muted = false;
  clipVideo.play().catch(() => {
    clipVideo.muted = true;
    clipVideo.play().catch(() => {});
  });
}

function stopClip() {
  if (clipHls) {
    clipHls.destroy();
    clipHls = null;
  }
  clipVideo.pause();
  clipVideo.removeAttribute('src');
  clipVideo.load();
}
