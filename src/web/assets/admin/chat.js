// Chat with moderation (pin, delete, time out, ban), slow mode, and the host's own voice.
import { input, el, put } from '../ui.js';
import { api } from './api.js';
import { confirmIn } from './forms.js';

/** @typedef {import('../../wire.js').ChatLine} ChatLine */

/** @param {import('./context.js').Cockpit} c */
export function chatCard(c) {
  const { showId, store, act, doneLine } = c;
  const list = el('div', { id: 'mod-chat', class: 'mod-chat', 'aria-live': 'polite' });

  /** one message with its moderation buttons @param {ChatLine} m */
  function line(m) {
    const { viewer } = m;
    const isHost = viewer.role === 'host';
    const pin = () => act('PUT', `/api/shows/${showId}/chat/pin`, { messageId: m.id }, 'Message pinned');
    const remove = () => act('DELETE', `/api/shows/${showId}/chat/${m.id}`, undefined, 'Message deleted');
    const timeOut = () => act('POST', `/api/shows/${showId}/timeouts`, { viewerId: viewer.id, seconds: 300 }, `${viewer.displayName} timed out for 5 min`);
    const ban = () => window.confirm(`Ban ${viewer.displayName} from chat in every show?`) && act('PUT', `/api/viewers/${viewer.id}/ban`, undefined, `${viewer.displayName} banned`);
    // the words take the card's whole width; the moderation buttons sit on their own row below
    // (beside them, the text once had a ~30 px column and read one word per line)
    return el('div', { class: 'mod-msg', 'data-id': m.id },
      el('p', { class: 'said' },
        el('strong', { class: 'name', text: viewer.displayName }),
        isHost ? el('span', { class: 'badge role', text: 'host' }) : viewer.level ? el('span', { class: `badge level-${Math.min(4, viewer.level)}`, text: viewer.badge }) : null,
        ' ',
        el('span', { class: 'text', text: m.text })),
      el('div', { class: 'mod-actions' },
        el('button', { type: 'button', class: 'secondary small', 'aria-label': `Pin message from ${viewer.displayName}`, onclick: pin }, 'Pin'),
        el('button', { type: 'button', class: 'secondary small', 'aria-label': `Delete message from ${viewer.displayName}`, onclick: remove }, 'Delete'),
        isHost ? null : el('button', { type: 'button', class: 'secondary small', 'aria-label': `Time out ${viewer.displayName} for 5 minutes`, onclick: timeOut }, '5 min'),
        isHost ? null : el('button', { type: 'button', class: 'secondary small', 'aria-label': `Ban ${viewer.displayName}`, onclick: ban }, 'Ban')));
  }

  // the merchant answers in chat as the show's host (links allowed, no rate limit)
  const hostName = store.get().show.host || 'Host';
  const sayError = el('p', { class: 'field-error', id: 'host-say-error', role: 'alert' });
  /** @param {SubmitEvent} e */
  async function say(e) {
    e.preventDefault();
    const field = input('host-say');
    sayError.textContent = '';
    try {
      await api('POST', `/api/shows/${showId}/chat`, { text: field.value });
      field.value = '';
      confirmIn(doneLine, `Said in chat as ${hostName}`);
    } catch (err) {
      sayError.textContent = /** @type {Error} */ (err).message;
    }
  }
  const sayForm = el('form', { class: 'row', style: 'margin-top:.5rem', onsubmit: say },
    el('label', { for: 'host-say', class: 'sr-only', text: `Say in chat as ${hostName}` }),
    el('input', { id: 'host-say', maxlength: '300', placeholder: `Say in chat as ${hostName}`, required: true, autocomplete: 'off', 'aria-describedby': 'host-say-error', oninput: () => (sayError.textContent = '') }),
    el('button', { type: 'submit', class: 'small' }, 'Send'));

  /** @param {Event} e */
  const setSlowMode = (e) => act('PATCH', `/api/shows/${showId}/chat/settings`, { slowModeSeconds: Number(/** @type {HTMLSelectElement} */ (e.currentTarget).value) }, 'Slow mode set');
  const slow = el('select', { id: 'slow-mode', onchange: setSlowMode }, ...[['0', 'Off'], ['5', '5 s'], ['15', '15 s'], ['60', '1 min']].map(([v, t]) => el('option', { value: v, text: t })));
  store.on(['slowModeSeconds'], ({ slowModeSeconds }) => (slow.value = String(slowModeSeconds)));

  return {
    nodes: [el('div', { class: 'row' }, el('label', { for: 'slow-mode', text: 'Slow mode', style: 'margin:0;white-space:nowrap' }), slow), list, sayForm, sayError],
    /** the history a (re)connected socket starts with @param {ChatLine[]} history */
    reset: (history) => put(list, ...history.map(line)),
    /** @param {ChatLine} m */
    add(m) {
      list.append(line(m));
      list.scrollTop = list.scrollHeight;
    },
    /** @param {string} id */
    remove: (id) => list.querySelector(`[data-id="${CSS.escape(id)}"]`)?.remove(),
  };
}
