// The channel page: the merchant's shows from GET /api/channel, live first (a muted moving
// preview of each), then the shows coming up (their time in the viewer's zone, a countdown,
// Remind me, Add to calendar), then the past ones with their replays. Refreshed every 15 s,
// and every few seconds once a show's start time has come, until it is live.
import { $, el, put, toast } from './ui.js';
import { calendarUrl, localTime, reminderState, remindMe } from './reminders.js';
import { countdownText } from './channel/countdown.js';
import { startPreview, stopPreview } from './channel/preview.js';

/** @typedef {import('../wire.js').ShowCard} ShowCard */
/** @typedef {import('../wire.js').ChannelFeed} ChannelFeed */

const REFRESH_MS = 15_000;
/** while a show's start time has passed and it is not live yet: look again this often */
const STARTING_REFRESH_MS = 4_000;
/** and for at most this long past its time (a show that starts late, or not at all) */
const STARTING_WATCH_MS = 15 * 60_000;
/** moving previews at once: each is a video stream */
const MAX_PREVIEWS = 3;

const embed = document.body.dataset.embed === '1';
const main = /** @type {HTMLElement} */ (document.querySelector('main.channel'));

/**
 * The feed's URLs are absolute (publicUrl); the page loads only from its own origin (its CSP),
 * whatever name the viewer reached it by.
 * @param {string} url
 */
const local = (url) => {
  const u = new URL(url, location.href);
  return u.pathname + u.search;
};

/** Links leave the merchant's page in a new tab when the channel is embedded. @param {string} href */
const linkProps = (href) => (embed ? { href, target: '_blank', rel: 'noopener' } : { href });

/** @param {ShowCard} card */
const watchPath = (card) => local(card.watchUrl);

/** @param {ShowCard} card */
const hostLine = (card) => (card.host ? el('p', { class: 'card-host muted', text: `with ${card.host}` }) : null);

/** the cards drawn, by id, so a refresh keeps a playing preview and a countdown's element */
/** @type {Map<string, { key: string, node: HTMLLIElement }>} */
const drawn = new Map();

/**
 * @param {ShowCard} card
 * @param {number} index its place in the live list: only the first few previews move
 * @returns {HTMLLIElement}
 */
function liveCard(card, index) {
  const poster = card.posterUrl ? local(card.posterUrl) : null;
  const media = el('div', { class: 'card-media' });
  if (card.previewUrl && index < MAX_PREVIEWS) {
    const video = el('video', { muted: true, autoplay: true, playsinline: true, preload: 'none', 'aria-label': `Live preview: ${card.title}`, ...(poster ? { poster } : {}) });
    media.append(video);
    // started once the card is in the page (a detached video does not play)
    queueMicrotask(() => startPreview(video, local(/** @type {string} */ (card.previewUrl))));
  } else if (poster) {
    media.append(el('img', { src: poster, alt: '', loading: 'lazy' }));
  } else {
    media.append(el('div', { class: 'card-placeholder', 'aria-hidden': 'true' }));
  }
  media.append(el('span', { class: 'live-badge', text: 'LIVE' }));
  return el(
    'li',
    { class: 'channel-card live-card', 'data-show-id': card.id },
    el('a', { ...linkProps(watchPath(card)), class: 'card-link' }, media, el('div', { class: 'card-body' }, el('h3', { text: card.title }), hostLine(card), el('span', { class: 'button watch-live', text: 'Watch live' }))),
  );
}

/** @param {ShowCard} card @returns {HTMLLIElement} */
function upcomingCard(card) {
  const at = card.scheduledAt ?? '';
  const remind = el('button', { type: 'button', class: 'remind small', text: '🔔 Remind me' });
  const setRemind = (/** @type {'on' | 'off' | 'unsupported'} */ state) => {
    remind.dataset.state = state;
    remind.textContent = state === 'on' ? '✓ Reminder set' : '🔔 Remind me';
    remind.setAttribute('aria-pressed', String(state === 'on'));
  };
  setRemind('off');
  void reminderState(card.id).then(setRemind);
  remind.addEventListener('click', () => {
    if (remind.dataset.state === 'on') return toast('We will remind you when it starts.');
    remind.disabled = true;
    void remindMe(card.id)
      .then((result) => {
        if (result === 'on') {
          setRemind('on');
          toast('We will remind you when it starts.');
        } else if (result === 'denied') toast('Notifications are blocked for this site: allow them in the browser, or add the show to your calendar.', true);
        else if (result === 'unsupported') toast('This browser cannot send reminders here: add the show to your calendar instead.', true);
        else toast('The reminder could not be set. Try again, or add the show to your calendar.', true);
      })
      .finally(() => (remind.disabled = false));
  });
  return el(
    'li',
    { class: 'channel-card upcoming-card', 'data-show-id': card.id },
    el(
      'div',
      { class: 'card-body' },
      el('h3', {}, el('a', { ...linkProps(watchPath(card)), text: card.title })),
      hostLine(card),
      el('p', { class: 'card-when' }, el('time', { datetime: at, text: localTime(at) })),
      el('p', { class: 'card-countdown', 'data-at': String(Date.parse(at)), 'aria-live': 'off', text: countdownText(Date.parse(at) - Date.now()) }),
      el(
        'div',
        { class: 'card-actions' },
        remind,
        // same origin: the feed's calendarUrl names the same file by the public address
        el('a', { class: 'button secondary small', href: calendarUrl(card.id), download: `show-${card.id}.ics`, text: '📅 Add to calendar' }),
      ),
    ),
  );
}

/** @param {ShowCard} card @returns {HTMLLIElement} */
function pastCard(card) {
  const poster = card.posterUrl ? local(card.posterUrl) : null;
  const when = card.startedAt ? localTime(card.startedAt) : '';
  return el(
    'li',
    { class: 'channel-card past-card', 'data-show-id': card.id },
    el(
      'a',
      { ...linkProps(watchPath(card)), class: 'card-link' },
      el('div', { class: 'card-media' }, poster ? el('img', { src: poster, alt: '', loading: 'lazy' }) : el('div', { class: 'card-placeholder', 'aria-hidden': 'true' })),
      el(
        'div',
        { class: 'card-body' },
        el('h3', { text: card.title }),
        hostLine(card),
        when ? el('p', { class: 'card-when muted' }, el('time', { datetime: card.startedAt ?? '', text: when })) : null,
        card.replay ? el('span', { class: 'button secondary watch-replay', text: '▶ Watch the replay' }) : el('p', { class: 'muted', text: 'The replay is no longer available' }),
      ),
    ),
  );
}

/**
 * Draws one list, keeping the element of a card whose content did not change (a playing preview
 * goes on; a still is replaced when the feed names a new one).
 * @param {HTMLElement} list
 * @param {HTMLElement} empty
 * @param {ShowCard[]} cards
 * @param {(card: ShowCard, index: number) => HTMLLIElement} draw
 */
function drawList(list, empty, cards, draw) {
  const nodes = cards.map((card, index) => {
    // a live card keeps its preview while it plays: its poster's version alone does not redraw it
    const key = JSON.stringify({ ...card, posterUrl: card.status === 'live' && card.previewUrl ? null : card.posterUrl, section: list.id });
    const old = drawn.get(card.id);
    if (old && old.key === key && old.node.parentElement === list) return old.node;
    if (old) stopVideos(old.node);
    const node = draw(card, index);
    drawn.set(card.id, { key, node });
    return node;
  });
  for (const child of list.children) if (!nodes.includes(/** @type {HTMLLIElement} */ (child))) stopVideos(child);
  put(list, nodes);
  empty.hidden = cards.length > 0;
}

/** @param {Element} node */
function stopVideos(node) {
  for (const video of node.querySelectorAll('video')) stopPreview(video);
}

/** @type {ChannelFeed | null} */
let feed = null;
/** @type {number | undefined} */
let timer;

async function refresh() {
  clearTimeout(timer);
  try {
    const res = await fetch('/api/channel', { cache: 'no-cache' });
    if (!res.ok) throw new Error(`channel: ${res.status}`);
    feed = /** @type {ChannelFeed} */ (await res.json());
    drawList($('live-list'), $('live-empty'), feed.live, liveCard);
    drawList($('upcoming-list'), $('upcoming-empty'), feed.upcoming, upcomingCard);
    drawList($('past-list'), $('past-empty'), feed.past, pastCard);
    for (const [id, { node }] of drawn) if (!node.isConnected) drawn.delete(id);
    $('channel-error').hidden = true;
  } catch {
    put($('channel-error'), 'The shows could not be loaded. Trying again…');
    $('channel-error').hidden = false;
  } finally {
    main.setAttribute('aria-busy', 'false');
    timer = window.setTimeout(() => void refresh(), starting() ? STARTING_REFRESH_MS : REFRESH_MS);
  }
}

/** a show whose start time has come is not live yet: it may go live any second */
function starting() {
  const now = Date.now();
  return (feed?.upcoming ?? []).some((c) => {
    const at = c.scheduledAt ? Date.parse(c.scheduledAt) : NaN;
    return at <= now && now - at < STARTING_WATCH_MS;
  });
}

/** the countdowns, once a second; the moment one reaches its time, the feed is asked again */
function tick() {
  const now = Date.now();
  let due = false;
  for (const node of document.querySelectorAll('.card-countdown')) {
    const at = Number(/** @type {HTMLElement} */ (node).dataset.at);
    const text = countdownText(at - now);
    if (node.textContent !== text) {
      if (at <= now && !/** @type {HTMLElement} */ (node).dataset.due) {
        /** @type {HTMLElement} */ (node).dataset.due = '1';
        due = true;
      }
      node.textContent = text;
    }
  }
  if (due) void refresh();
}

window.setInterval(tick, 1000);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') void refresh();
});
void refresh();
