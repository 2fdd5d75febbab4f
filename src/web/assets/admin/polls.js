// The poll: its live results (pushed), closing it, removing a closed one, and opening a new one.
import { input, el, put, toast } from '../ui.js';
import { api, withFieldPrefix } from './api.js';
import { checkbox, confirmIn, field, showErrors } from './forms.js';

/** @param {import('./context.js').Cockpit} c */
export function pollCard(c) {
  const { showId, store, act, doneLine, refreshOverlay } = c;
  const pollBox = el('div', { id: 'poll-results' });
  const close = () => act('POST', `/api/shows/${showId}/polls/current/close`, {}, 'Poll closed');
  // A removed poll is the latest poll still (the API keeps its results): the panel remembers
  // which one the merchant removed, across reloads, so a reconnect does not bring it back.
  const removedKey = `hawker.poll-removed.${showId}`;
  let removedId = readRemoved();
  function readRemoved() {
    try {
      return localStorage.getItem(removedKey);
    } catch {
      return null; // storage refused (private mode): the removal lasts until the page reloads
    }
  }
  /** @param {import('./store.js').PollResults} poll */
  async function remove(poll) {
    try {
      await api('DELETE', `/api/shows/${showId}/polls/overlay`);
    } catch (err) {
      toast(/** @type {Error} */ (err).message, true);
      return;
    }
    removedId = poll.id;
    try {
      localStorage.setItem(removedKey, poll.id);
    } catch {
      // kept in memory only
    }
    store.set({ poll: null });
    confirmIn(doneLine, 'Poll removed from the panel and the video');
    await refreshOverlay().catch(() => {});
  }
  store.on(['poll'], ({ poll }) => {
    if (!poll || (!poll.open && poll.id === removedId)) return put(pollBox, el('p', { class: 'muted', text: 'No poll yet.' }));
    put(pollBox,
      el('strong', { text: poll.question }),
      el('ul', {}, ...poll.options.map((o) => el('li', { text: `${o.label}: ${o.votes}` }))),
      el('p', { class: 'muted', text: `${poll.totalVotes} votes · ${poll.open ? 'open' : 'closed'}` }),
      poll.open
        ? el('button', { type: 'button', class: 'secondary small', onclick: close }, 'Close poll')
        : el('button', { type: 'button', class: 'secondary small', id: 'poll-remove', onclick: () => remove(poll) }, 'Remove poll'));
  });

  /** @param {SubmitEvent} e */
  async function openPoll(e) {
    e.preventDefault();
    const form = /** @type {HTMLFormElement} */ (e.currentTarget);
    const options = [1, 2, 3, 4].map((i) => input(`poll-opt${i}`).value.trim()).filter(Boolean);
    try {
      store.set({ poll: await api('POST', `/api/shows/${showId}/polls`, { question: input('poll-question').value.trim(), options, onOverlay: input('poll-overlay').checked }) });
      confirmIn(doneLine, 'Poll opened');
    } catch (err) {
      showErrors(form, withFieldPrefix(/** @type {import('./api.js').ApiError} */ (err), 'poll-'));
    }
  }
  const pollForm = el('form', { 'data-prefix': 'poll-', onsubmit: openPoll },
    ...field('poll-question', 'Question', { maxlength: '120', required: true }),
    el('p', { class: 'field-error', id: 'poll-options-error' }),
    ...[1, 2, 3, 4].flatMap((i) => [el('label', { for: `poll-opt${i}`, text: `Option ${i}${i > 2 ? ' (optional)' : ''}` }), el('input', { id: `poll-opt${i}`, maxlength: '60', required: i <= 2 })]),
    checkbox({ id: 'poll-overlay' }, 'Show on the video'),
    el('button', { type: 'submit', class: 'small' }, 'Open poll'));
  return [pollBox, pollForm];
}
