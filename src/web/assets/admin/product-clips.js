// A product's demo clips across shows (GET /api/products/:id/clips, the admin sees every status),
// in the product screen: poster, which show and when, length, and links to play them.
import { el, put } from '../ui.js';
import { api } from './api.js';

/** @typedef {import('../../wire.js').Clip} Clip */

/** 83000 -> "1:23" @param {number} ms */
const clock = (ms) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** @type {Record<Clip['status'], string>} */
const statusText = { pending: 'being cut', ready: 'ready', failed: 'failed', deleted: 'recording deleted' };

/** The card; `show(product)` fills it with that product's clips (null: empties it). */
export function productClips() {
  const list = el('ul', { id: 'product-clips', class: 'clips', 'aria-live': 'polite' });
  const heading = el('h2', { text: 'Clips' });
  const node = el('section', { class: 'card', 'aria-labelledby': 'product-clips-title', hidden: true }, heading, list);
  heading.id = 'product-clips-title';
  let asked = 0;

  /** @param {{ id: string, title: string } | null} product */
  async function show(product) {
    const ask = ++asked;
    node.hidden = !product;
    if (!product) return;
    heading.textContent = `Clips of ${product.title}`;
    put(list, el('li', { class: 'muted', text: 'Loading…' }));
    try {
      /** @type {[Clip[], import('../../wire.js').Show[]]} */
      const [clips, shows] = await Promise.all([api('GET', `/api/products/${product.id}/clips`), api('GET', '/api/shows')]);
      if (ask !== asked) return;
      const titles = new Map(shows.map((s) => [s.id, s.title]));
      put(list, ...(clips.length ? clips.map((c) => clipItem(c, titles.get(c.showId) ?? c.showId)) : [el('li', { class: 'muted', text: 'No clips yet: one is cut each time the product leaves the screen in a live show.' })]));
    } catch (err) {
      if (ask !== asked) return;
      put(list, el('li', { class: 'field-error', text: /** @type {Error} */ (err).message }));
    }
  }
  return { node, show };
}

/**
 * The clip's URLs are absolute from publicUrl (for viewers and embeds); the panel takes them
 * from its own origin, whatever name it was reached by (its CSP allows only self).
 * @param {string} url
 */
const here = (url) => {
  const u = new URL(url, location.href);
  return `${u.pathname}${u.search}`;
};

/** @param {Clip} c @param {string} showTitle */
function clipItem(c, showTitle) {
  const length = c.durationMs != null ? clock(c.durationMs) : clock(c.endMs - c.startMs);
  return el('li', { 'data-clip-id': c.id, 'data-status': c.status },
    c.posterUrl ? el('img', { src: here(c.posterUrl), alt: '', width: '96', height: '54', loading: 'lazy', style: 'object-fit:cover;border-radius:4px' }) : null,
    el('div', {},
      el('strong', { text: showTitle }),
      el('div', { class: 'muted', text: `${clock(c.startMs)}–${clock(c.endMs)} · ${length} · ${statusText[c.status]}` }),
      c.status === 'ready' && c.mp4Url ? el('a', { href: here(c.mp4Url), target: '_blank', rel: 'noopener' }, 'MP4') : null,
      c.status === 'ready' && c.mp4Url && c.url ? ' · ' : null,
      c.status === 'ready' && c.url ? el('a', { href: here(c.url), target: '_blank', rel: 'noopener' }, 'HLS') : null));
}
