// The cockpit's "Before the show": what fans said before go-live (chat lines stored before the
// show went live) and their product suggestions with votes, kept while the show runs. The
// socket's `suggestion` messages redraw the list; a chat line while the show is scheduled brings
// the comments again once the tick has stored it. Hide takes a suggestion off; a suggested
// catalog product joins the lineup in one click.
import { el, put, toast } from '../ui.js';
import { api } from './api.js';
import { confirmIn } from './forms.js';

/** @typedef {import('../../wire.js').Suggestion} Suggestion */
/** @typedef {import('../../wire.js').Preshow} Preshow */

/** the socket's chat reaches us before the tick stores the line: ask a little later */
const STORED_AFTER_MS = 600;

/** @param {string} iso */
const clock = (iso) => new Date(iso).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/** @param {import('./context.js').Cockpit} c */
export function preshowCard(c) {
  const { showId, store, doneLine } = c;
  const comments = el('ol', { id: 'preshow-comments', class: 'preshow-comments', 'aria-label': 'Comments before the show' });
  const suggestions = el('ol', { id: 'preshow-suggestions', class: 'preshow-suggestions', 'aria-label': 'Suggestions, most votes first' });
  /** @type {Map<string, Suggestion>} */
  const byId = new Map();
  let timer = 0;

  /** @param {Preshow['comments'][number]} m */
  const commentItem = (m) => el('li', {}, el('strong', { class: 'name', text: m.displayName }), ' ', el('span', { class: 'muted', text: clock(m.at) }), el('div', { class: 'said', text: m.text }));

  /** @param {Suggestion} s */
  function suggestionItem(s) {
    const inLineup = s.productId != null && store.get().lineup.some((p) => p.id === s.productId);
    const hide = async () => {
      try {
        await api('DELETE', `/api/shows/${showId}/suggestions/${s.id}`);
        byId.delete(s.id);
        drawSuggestions();
        confirmIn(doneLine, 'Suggestion hidden');
      } catch (err) {
        toast(/** @type {Error} */ (err).message, true);
      }
    };
    const addToLineup = async () => {
      if (!s.productId) return;
      const ids = [...store.get().lineup.map((p) => p.id), s.productId];
      try {
        store.set({ lineup: await api('PUT', `/api/shows/${showId}/lineup`, { productIds: ids }) });
        confirmIn(doneLine, `${s.productTitle ?? 'The product'} added to the lineup`);
      } catch (err) {
        toast(/** @type {Error} */ (err).message, true);
      }
    };
    return el('li', { 'data-id': s.id },
      el('span', { class: 'votes', title: 'votes', text: `▲ ${s.votes}` }),
      el('div', { class: 'body' },
        el('div', { class: 'said', text: s.text }),
        s.productTitle ? el('div', { class: 'suggested-product', text: `Product: ${s.productTitle}` }) : null,
        el('div', { class: 'muted', text: `${s.displayName} · ${clock(s.createdAt)}` }),
        el('div', { class: 'preshow-actions' },
          s.productId && s.productTitle
            ? inLineup
              ? el('span', { class: 'muted', text: 'In the lineup' })
              : el('button', { type: 'button', class: 'small', onclick: () => void addToLineup() }, 'Add to lineup')
            : null,
          el('button', { type: 'button', class: 'secondary small', 'aria-label': `Hide the suggestion by ${s.displayName}`, onclick: () => void hide() }, 'Hide'))));
  }

  function drawSuggestions() {
    const list = [...byId.values()].sort((a, b) => b.votes - a.votes || a.createdAt.localeCompare(b.createdAt));
    put(suggestions, list.length ? null : el('li', { class: 'muted', text: 'No suggestions yet.' }), ...list.map(suggestionItem));
  }

  async function reload() {
    try {
      /** @type {Preshow} */
      const view = await api('GET', `/api/shows/${showId}/preshow`);
      if (!c.current()) return;
      put(comments, view.comments.length ? null : el('li', { class: 'muted', text: 'No comments before the show yet.' }), ...view.comments.map(commentItem));
      comments.scrollTop = comments.scrollHeight;
      byId.clear();
      for (const s of view.suggestions) byId.set(s.id, s);
      drawSuggestions();
    } catch (err) {
      toast(/** @type {Error} */ (err).message, true);
    }
  }
  // "Add to lineup" turns into "In the lineup" when the lineup changes, from here or elsewhere
  store.on(['lineup'], drawSuggestions);

  return {
    node: el('div', { class: 'preshow-panel' }, el('h3', { text: 'Suggestions' }), suggestions, el('h3', { text: 'Comments before the show' }), comments),
    reload,
    /** @param {import('../../wire.js').LiveMessage<'suggestion'>} m */
    pushed(m) {
      if (m.hidden) byId.delete(m.suggestion.id);
      else byId.set(m.suggestion.id, m.suggestion);
      drawSuggestions();
    },
    /** a chat line reached the room: before go-live it is a comment before the show */
    chatted() {
      if (store.get().status !== 'scheduled') return;
      clearTimeout(timer);
      timer = window.setTimeout(() => void reload(), STORED_AFTER_MS);
    },
    stop() {
      clearTimeout(timer);
    },
  };
}
