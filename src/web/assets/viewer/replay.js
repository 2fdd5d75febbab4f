// After the show: the replay's chapters (GET /api/shows/:id/chapters, one per span a product was
// pinned) as a strip of product thumbnails along the timeline; a tap seeks there. What the page
// says is on screen follows the replay's position through the chapters, not the last state of
// the live show (whose welcome still names the product pinned at the end).
import { $, el, put, toast } from '../ui.js';
import { api } from './identity.js';
import { positionOfDate, replayDate, seekToDate, settleSeek, watchingReplay } from './player.js';
import { chapterAt, ownPath, streamClock } from './replay-time.js';

/** @typedef {import('../../wire.js').Chapter} Chapter */

const showId = document.body.dataset.showId ?? '';
/** @type {Chapter[]} */
let chapters = [];
let loaded = false;
/** the chapter drawn as current, so an unchanged position does not redraw */
let drawnCurrent = /** @type {Chapter | null | undefined} */ (undefined);
/** @type {(id: string) => string | undefined} the lineup's name of a product */
let titleOf = () => undefined;

/** @param {(id: string) => string | undefined} productTitle the lineup's name of a product */
export function wireReplay(productTitle) {
  titleOf = productTitle;
}

/** Loads the chapters once the show has ended (again after a failure). */
export async function loadChapters() {
  if (loaded) return;
  loaded = true;
  try {
    /** @type {Chapter[]} */
    const list = await api('GET', `/api/shows/${showId}/chapters`);
    chapters = list.slice(0, 1000);
    drawnCurrent = undefined;
    renderStrip();
  } catch (err) {
    loaded = false;
    toast(`The chapters could not load: ${/** @type {Error} */ (err).message}`, true);
  }
}

/** the chapter at the replay's position, or null (between pins, or not playing the recording) */
export const chapterNow = () => (watchingReplay() ? chapterAt(chapters, replayDate()) : null);

/** whether the strip was drawn with the recording's positions (its playlist read), not stream times */
let drawnWithPositions = false;

/**
 * Where a moment of the show is in the recording (ms), as the video's own controls count: from the
 * playlist's dates once read, the stream time until then.
 * @param {string} at @param {number} streamMs
 */
function positionMs(at, streamMs) {
  const s = positionOfDate(Date.parse(at));
  return s == null ? streamMs : s * 1000;
}

/** the length of the recording in ms (the video's own when known, else as far as the chapters tell) */
function showLengthMs() {
  const video = /** @type {HTMLVideoElement} */ ($('player'));
  const fromVideo = Number.isFinite(video.duration) ? video.duration * 1000 : 0;
  const fromChapters = Math.max(0, ...chapters.map((c) => c.endMs ?? c.startMs));
  return Math.max(fromVideo, fromChapters, 1);
}

function renderStrip() {
  const strip = $('chapters');
  strip.hidden = chapters.length === 0;
  if (!chapters.length) return;
  const length = showLengthMs();
  drawnWithPositions = chapters.some((c) => positionOfDate(Date.parse(c.startAt)) != null);
  const spans = chapters.map((c) => {
    const start = positionMs(c.startAt, c.startMs);
    return { start, end: c.endAt == null || c.endMs == null ? length : positionMs(c.endAt, c.endMs) };
  });
  put($('chapter-bar'), ...spans.map((span, i) =>
    el('span', {
      class: 'mark', 'data-chapter': String(i),
      style: `left:${(100 * span.start) / length}%;width:${Math.max(0.8, (100 * (span.end - span.start)) / length)}%`,
    })),
  el('span', { class: 'playhead', id: 'chapter-playhead' }));
  put($('chapter-list'), ...chapters.map((c, i) => {
    const title = titleOf(c.productId) ?? c.title;
    const img = ownPath(c.thumbUrl) ?? ownPath(c.posterUrl);
    return el('li', {},
      el('button', { type: 'button', class: 'chapter', 'data-chapter': String(i), 'data-product-id': c.productId, 'aria-label': `${title}, at ${streamClock(spans[i]?.start ?? c.startMs)}`, onclick: () => seekToDate(Date.parse(c.startAt)) },
        img ? el('img', { src: img, alt: '', width: '56', height: '56', loading: 'lazy' }) : el('span', { class: 'noimg', 'aria-hidden': 'true' }),
        el('span', { class: 'chapter-title', text: title }),
        el('span', { class: 'chapter-time', text: streamClock(spans[i]?.start ?? c.startMs) })));
  }));
}

/** Marks the chapter playing and moves the playhead (called a few times a second). */
export function followChapters() {
  settleSeek();
  if (!chapters.length) return;
  // the recording's playlist came after the chapters: the strip in the video's own times
  if (!drawnWithPositions && chapters.some((c) => positionOfDate(Date.parse(c.startAt)) != null)) {
    renderStrip();
    drawnCurrent = undefined;
  }
  const video = /** @type {HTMLVideoElement} */ ($('player'));
  const playhead = document.getElementById('chapter-playhead');
  if (playhead) playhead.style.left = `${watchingReplay() ? Math.min(100, (100 * video.currentTime * 1000) / showLengthMs()) : 0}%`;
  const current = chapterNow();
  if (current === drawnCurrent) return;
  drawnCurrent = current;
  const index = current ? chapters.indexOf(current) : -1;
  for (const b of document.querySelectorAll('#chapters [data-chapter]')) {
    const on = b.getAttribute('data-chapter') === String(index);
    b.classList.toggle('current', on);
    if (b instanceof HTMLButtonElement) {
      if (on) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
      if (on) b.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
  }
}
